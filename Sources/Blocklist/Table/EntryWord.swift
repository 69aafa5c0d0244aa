/// An entry's state packed in one 64-bit word, so that readers see it change atomically:
/// bits 0-47 expiry (milliseconds since the Unix epoch, 0 = never), bits 48-59 source id,
/// bits 60-62 kind. Zero means "no entry" (never inserted, removed or purged).
enum EntryWord {
    static let expiryMask: UInt64 = (1 << 48) - 1
    static let maxSources = 4096

    @inline(__always)
    static func pack(kind: EntryKind, sourceID: UInt16, expiryMilliseconds: UInt64) -> UInt64 {
        UInt64(kind.rawValue) << 60 | UInt64(sourceID & 0xFFF) << 48 | (expiryMilliseconds & expiryMask)
    }

    @inline(__always) static func kind(_ w: UInt64) -> EntryKind? { EntryKind(rawValue: UInt8(truncatingIfNeeded: w >> 60 & 7)) }
    @inline(__always) static func sourceID(_ w: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: w >> 48 & 0xFFF) }
    @inline(__always) static func expiry(_ w: UInt64) -> UInt64 { w & expiryMask }

    /// Present and not expired at `nowMs`.
    @inline(__always)
    static func isLive(_ w: UInt64, nowMs: UInt64) -> Bool {
        let e = w & expiryMask
        return w != 0 && (e == 0 || nowMs < e)
    }

    /// An expiry time in nanoseconds since the epoch as the word stores it: rounded up to
    /// the millisecond so an entry never expires early, and never 0 (which means never).
    @inline(__always)
    static func expiryMilliseconds(_ ns: Int64) -> UInt64 {
        ns <= 0 ? 1 : min(expiryMask, max(1, (UInt64(ns) + 999_999) / 1_000_000))
    }

    /// A lookup time in nanoseconds since the epoch on the word's millisecond clock.
    @inline(__always)
    static func nowMilliseconds(_ ns: Int64) -> UInt64 { ns <= 0 ? 0 : UInt64(ns) / 1_000_000 }
}
