#if canImport(Glibc)
import Glibc
#endif

/// Counts distinct 64-bit values in fixed space: exactly up to 8, then as a
/// HyperLogLog sketch of 64 one-byte registers (standard error about 13%), which is
/// plenty to tell a caller reaching 5 people from one reaching 500. 136 bytes, no
/// allocation.
public struct DistinctCounter: Sendable, BitwiseCopyable {
    private var exact = SIMD8<UInt64>(repeating: 0)
    private var exactCount: UInt8 = 0
    private var sketch = false
    private var registers = SIMD64<UInt8>(repeating: 0)

    public init() {}

    /// Adds a value (any 64-bit key; it is mixed before use).
    @inline(__always)
    public mutating func add(_ value: UInt64) {
        let h = mix(value)
        if !sketch {
            for i in 0..<Int(exactCount) where exact[i] == h { return }
            if exactCount < 8 {
                exact[Int(exactCount)] = h
                exactCount += 1
                return
            }
            sketch = true
            for i in 0..<8 { insert(exact[i]) }
        }
        insert(h)
    }

    /// The number of distinct values added (exact up to 8, estimated beyond).
    public var count: Double {
        guard sketch else { return Double(exactCount) }
        var sum = 0.0
        var zeros = 0
        for i in 0..<64 {
            sum += 1.0 / Double(UInt64(1) << UInt64(registers[i]))
            if registers[i] == 0 { zeros += 1 }
        }
        let m = 64.0
        let estimate = 0.709 * m * m / sum
        if estimate <= 2.5 * m && zeros > 0 { return m * log(m / Double(zeros)) }
        return estimate
    }

    @inline(__always)
    private mutating func insert(_ h: UInt64) {
        let j = Int(h >> 58)
        let rank = UInt8(min(58, (h << 6 | 1 << 5).leadingZeroBitCount) + 1)
        if rank > registers[j] { registers[j] = rank }
    }

    /// SplitMix64 (one step and the finaliser): number keys are far from uniform.
    @inline(__always)
    private func mix(_ x: UInt64) -> UInt64 { KeyMix.mix(x &+ 0x9E37_79B9_7F4A_7C15) }
}
