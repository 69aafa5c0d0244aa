import Numbering

/// Reads one list entry as people write it: a number in any form the numbering plan
/// normalises (`013812345678`, `+86 138-1234-5678`, `008613812345678`), optionally as a
/// `tel:` or `sip:` URI (`tel:+8613812345678`, `tel:1234;phone-context=+86`,
/// `sip:+8613812345678@host;user=phone`), and a trailing `*` for a prefix (`+88216*`).
public enum EntryText {
    /// The entry's number and whether it is a prefix; nil when it is not a number.
    public static func parse(_ text: UnsafeRawBufferPointer, normalizer: NumberNormalizer) -> (number: PhoneNumber, isPrefix: Bool)? {
        var lo = 0, hi = text.count
        while lo < hi && isBlank(text[lo]) { lo += 1 }
        while hi > lo && isBlank(text[hi - 1]) { hi -= 1 }
        var isPrefix = false
        if hi > lo && text[hi - 1] == UInt8(ascii: "*") { isPrefix = true; hi -= 1 }
        var isSIP = false
        if hasScheme(text, lo, hi, "tel:") { lo += 4 }
        else if hasScheme(text, lo, hi, "sip:") { lo += 4; isSIP = true }
        else if hasScheme(text, lo, hi, "sips:") { lo += 5; isSIP = true }
        // The user part ends at ';' (parameters) or, in a SIP URI, at '@'.
        var end = lo
        while end < hi && text[end] != UInt8(ascii: ";") && !(isSIP && text[end] == UInt8(ascii: "@")) { end += 1 }
        var context = UnsafeRawBufferPointer(start: nil, count: 0)
        if let c = phoneContext(text, end, hi) { context = c }
        if !isPrefix && end > lo && text[end - 1] == UInt8(ascii: "*") { isPrefix = true; end -= 1 }
        guard end > lo, let base = text.baseAddress else { return nil }
        guard let n = normalizer.normalize(UnsafeRawBufferPointer(start: base + lo, count: end - lo), phoneContext: context) else {
            return nil
        }
        return (n, isPrefix)
    }

    /// String convenience for the command line and tests.
    public static func parse(_ text: String, normalizer: NumberNormalizer) -> (number: PhoneNumber, isPrefix: Bool)? {
        var t = text
        return t.withUTF8 { parse(UnsafeRawBufferPointer($0), normalizer: normalizer) }
    }

    @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 }

    private static func hasScheme(_ t: UnsafeRawBufferPointer, _ lo: Int, _ hi: Int, _ scheme: StaticString) -> Bool {
        let n = scheme.utf8CodeUnitCount
        guard hi - lo >= n else { return false }
        let s = scheme.utf8Start
        for i in 0..<n where t[lo + i] | 0x20 != s[i] { return false }
        return true
    }

    /// The value of a `;phone-context=` parameter between `from` and `to`.
    private static func phoneContext(_ t: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> UnsafeRawBufferPointer? {
        let key: StaticString = ";phone-context="
        let n = key.utf8CodeUnitCount
        var i = from
        while i + n <= to {
            if hasScheme(t, i, to, key) {
                var j = i + n
                while j < to && t[j] != UInt8(ascii: ";") { j += 1 }
                return UnsafeRawBufferPointer(start: t.baseAddress! + i + n, count: j - i - n)
            }
            i += 1
        }
        return nil
    }
}
