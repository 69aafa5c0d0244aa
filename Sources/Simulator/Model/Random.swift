/// The simulator's random numbers: xoshiro256** seeded through SplitMix64, so a scenario
/// and a seed give the same trace on every machine and Swift version (the standard
/// library's generators promise neither). Each traffic source draws from its own stream,
/// so adding a campaign does not change the normal traffic.
public struct SimRandom {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64, stream: UInt64 = 0) {
        var x = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in 0..<n.
    @inline(__always)
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Uniform in a closed range.
    public mutating func between(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Exponential with the given mean.
    public mutating func exponential(mean: Double) -> Double { -mean * log1p(-unit()) }

    /// Standard normal (Box-Muller; one value per call keeps the stream simple).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 0x1.0p-53)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * unit())
    }

    /// Log-normal with the given median and shape (sigma of the underlying normal).
    public mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * normal()) }

    /// An index drawn with the given weights (which need not sum to one).
    public mutating func pick(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var r = unit() * total
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }
}

/// A stateless hash of integers, for properties derived from identities (a
/// subscriber's contacts, activity, IMEI) without storing them: bounded memory at any
/// population size.
@inline(__always)
func mixHash(_ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) -> UInt64 {
    var h = a &* 0x9E37_79B9_7F4A_7C15 ^ b &* 0xC2B2_AE3D_27D4_EB4F ^ c &* 0x1656_67B1_9E37_79F9
    h ^= h >> 33
    h &*= 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    h &*= 0xc4ce_b9fe_1a85_ec53
    h ^= h >> 33
    return h
}

#if canImport(Glibc)
import Glibc
#endif
