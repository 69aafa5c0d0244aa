/// The SplitMix64 finaliser: spreads keys built from numbers, addresses and cells (far
/// from uniform) before they index a table or a sketch, and combines two keys into one.
enum KeyMix {
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
