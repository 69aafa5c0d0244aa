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

    /// Key of (Call-ID, tag).
    @inline(__always)
    static func of(_ m: SIPMessage, callID: ByteRange, tag: ByteRange) -> UInt64 {
        let h = hash(m.slice(callID))
        return hash(m.slice(tag), seed: h ^ 0x9E37_79B9_7F4A_7C15)
    }
}
