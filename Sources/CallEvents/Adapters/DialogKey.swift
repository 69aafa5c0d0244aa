import Wire

/// 64-bit FNV-1a keys for dialogs: Call-ID plus a tag. Deterministic across runs (so
/// replays are reproducible) and computed over the bytes in place.
enum DialogKey {
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// Key of (Call-ID, tag), from the Call-ID's own hash.
    @inline(__always)
    static func of(callIDHash: UInt64, tag: UnsafeRawBufferPointer) -> UInt64 {
        hash(tag, seed: callIDHash ^ 0x9E37_79B9_7F4A_7C15)
    }
}
