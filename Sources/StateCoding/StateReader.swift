/// Why a state file cannot be used: damaged, cut short, from another version or for
/// another rule set. The message is one line; the CLI prefixes the file's path.
public struct StateError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Reads what `StateWriter` wrote, checking every length against what is left, so a cut
/// or damaged buffer fails with a reason instead of trapping.
public struct StateReader {
    private let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int) throws(StateError) -> ArraySlice<UInt8> {
        guard n >= 0, n <= remaining else { throw StateError("cut short at byte \(offset) (needs \(n) more, has \(remaining))") }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    public mutating func u8() throws(StateError) -> UInt8 { try take(1).first! }

    public mutating func u32() throws(StateError) -> UInt32 {
        var v: UInt32 = 0
        for (i, b) in try take(4).enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
        return v
    }

    public mutating func u64() throws(StateError) -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(8).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }

    public mutating func i64() throws(StateError) -> Int64 { Int64(bitPattern: try u64()) }

    public mutating func int() throws(StateError) -> Int { Int(try i64()) }

    public mutating func bool() throws(StateError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let b: throw StateError("byte \(offset - 1): \(b) is not a boolean")
        }
    }

    public mutating func double() throws(StateError) -> Double { Double(bitPattern: try u64()) }

    public mutating func string() throws(StateError) -> String {
        let n = Int(try u32())
        return String(decoding: try take(n), as: UTF8.self)
    }

    /// Checks a section tag written by `StateWriter.tag`.
    public mutating func expect(_ s: StaticString) throws(StateError) {
        let at = offset
        let got = try string()
        guard got == s.description else { throw StateError("byte \(at): expected section '\(s)', found '\(got.prefix(40))'") }
    }

    /// Plain values written by `StateWriter.plain`, at most `limit` of them.
    public mutating func plain<T: BitwiseCopyable>(_ type: T.Type, limit: Int) throws(StateError) -> [T] {
        let stride = Int(try u32())
        guard stride == MemoryLayout<T>.stride else {
            throw StateError("a table of \(T.self) has \(stride)-byte entries here, \(MemoryLayout<T>.stride) in this build")
        }
        let count = try u64()
        guard count <= UInt64(limit) else { throw StateError("a table of \(T.self) holds \(count) entries, more than its bound \(limit)") }
        let n = Int(count)
        let raw = try take(n * stride)
        return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            raw.withUnsafeBytes { src in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: src)
            }
            initialized = n
        }
    }
}
