/// Appends the binary state of detectors, calls and lists to one buffer: little-endian
/// fixed-width integers, raw bytes of plain values, length-prefixed arrays. The file
/// format around it (magic, version, checksum) is `Engine.StateFile`'s.
public struct StateWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func u8(_ v: UInt8) { bytes.append(v) }

    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }

    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }

    public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }

    public mutating func int(_ v: Int) { i64(Int64(v)) }

    public mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }

    public mutating func double(_ v: Double) { u64(v.bitPattern) }

    public mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// A section tag, checked on reading, so a misaligned or foreign file fails early.
    public mutating func tag(_ s: StaticString) { string(s.description) }

    /// Plain values (no references) as their raw bytes, with their stride so that a file
    /// from a build with another layout is refused.
    public mutating func plain<T: BitwiseCopyable>(_ values: [T]) {
        u32(UInt32(MemoryLayout<T>.stride))
        u64(UInt64(values.count))
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
}
