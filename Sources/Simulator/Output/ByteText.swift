/// Appending text to a byte buffer without building `String`s: how the generator writes
/// every SIP message and SDP body into buffers it reuses, so that a packet costs no
/// allocation once the buffers have grown to the largest message.
extension Array where Element == UInt8 {
    /// A literal's UTF-8 bytes.
    @inline(__always)
    mutating func put(_ literal: StaticString) {
        literal.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// A string's UTF-8 bytes (in place for native strings: no copy of the text).
    @inline(__always)
    mutating func put(text: String) {
        var s = text
        s.withUTF8 { append(contentsOf: $0) }
    }

    /// Bytes written earlier (a call's precomputed header line, say).
    @inline(__always)
    mutating func put(bytes: [UInt8]) {
        append(contentsOf: bytes)
    }

    /// `value` in decimal, as `String(value)` writes it.
    mutating func put(decimal value: Int) {
        if value < 0 { append(45) }  // -
        let v = value.magnitude
        var p: UInt = 1
        while p <= v / 10 { p *= 10 }
        repeat {
            append(UInt8(48 + v / p % 10))
            p /= 10
        } while p > 0
    }

    /// CR LF.
    @inline(__always)
    mutating func crlf() {
        append(13)
        append(10)
    }
}
