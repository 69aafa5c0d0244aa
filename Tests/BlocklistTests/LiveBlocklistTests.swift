import Blocklist
import Numbering
import Testing

/// Builds a list from text the way `callguard` loads one (TTLs run from `at`).
func list(_ block: String, allow: String = "", at: Int64 = 0) throws -> LiveBlocklist {
    let l = LiveBlocklist()
    let n = NumberNormalizer()
    for (text, side, path) in [(block, ListSide.block, "block.list"), (allow, .allow, "allow.list")] where !text.isEmpty {
        var t = text
        _ = try t.withUTF8 {
            try ListFile.load(UnsafeRawBufferPointer($0), path: path, side: side, into: l, normalizer: n, policy: .strict, ttlBase: at)
        }
    }
    return l
}

func e164(_ s: String) -> PhoneNumber { PhoneNumber(e164: s)! }

@Suite("Live blocklist: precedence, expiry, updates, growth")
struct LiveBlocklistTests {
    @Test func exactBeatsPrefixAndLongestPrefixWins() throws {
        let l = try list("+86170*\n+8617012*\n+8617012345678,reported\n+88216*\n")
        #expect(l.match(e164("+8617012345678"), at: 0)?.entryText == "+8617012345678")
        #expect(l.match(e164("+8617012345678"), at: 0)?.kind == .reported)
        #expect(l.match(e164("+8617012000000"), at: 0)?.entryText == "+8617012*")
        #expect(l.match(e164("+8617099999999"), at: 0)?.entryText == "+86170*")
        #expect(l.match(e164("+8617099999999"), at: 0)?.kind == .range)
        #expect(l.match(e164("+88216001234"), at: 0)?.isPrefix == true)
        #expect(l.match(e164("+8613812345678"), at: 0) == nil)
        #expect(l.match(e164("+86170"), at: 0)?.entryText == "+86170*")  // a prefix covers itself
        #expect(l.match(e164("+8617"), at: 0) == nil)                    // but not shorter numbers
        #expect(l.entryCount == 4)
    }

    @Test func allowlistOverridesExactAndPrefixBlocks() throws {
        let l = try list("+8695588\n+86955*\n+86110\n+86170*\n",
                         allow: "+8695588        # the bank's service number\n+86110\n+8617011*\n")
        for number in ["+8695588", "+86110", "+8617011000000"] {
            let m = l.match(e164(number), at: 0)
            #expect(m?.isAllowed == true, "\(number)")
            #expect(l.isBlocked(e164(number), at: 0) == false)
        }
        #expect(l.match(e164("+8617011000000"), at: 0)?.entryText == "+8617011*")
        #expect(l.isBlocked(e164("+8695599"), at: 0))        // other numbers of the range stay blocked
        #expect(l.isBlocked(e164("+8617012000000"), at: 0))
        // Resetting one allowlist entry lets the block apply again.
        #expect(l.remove(e164("+86110"), from: .allow))
        #expect(l.match(e164("+86110"), at: 0)?.side == .block)
    }

    @Test func ttlExpiresAtTheGivenTimeAndPurgeRemovesIt() throws {
        let t0: Int64 = 1_700_000_000_000_000_000
        let l = LiveBlocklist()
        try l.insert(BlocklistEntry(number: e164("+8617012345678"), source: "test", expiresAt: t0 + 60_000_000_000))
        try l.insert(BlocklistEntry(number: e164("+86170"), isPrefix: true, kind: .range))
        let exact = l.match(e164("+8617012345678"), at: t0 + 59_999_000_000)
        #expect(exact?.isPrefix == false && l.sourceName(exact!.sourceID) == "test")
        // At its expiry the exact entry no longer applies, even before any purge: the prefix does.
        #expect(l.match(e164("+8617012345678"), at: t0 + 60_000_000_000)?.isPrefix == true)
        #expect(l.purgeExpired(at: t0 + 59_000_000_000) == 0)
        #expect(l.entryCount == 2)
        #expect(l.purgeExpired(at: t0 + 60_000_000_000) == 1)
        #expect(l.entryCount == 1)
        #expect(l.verifyInvariants().isEmpty)
    }

    @Test func reinsertWithNewExpiryIsNotPurgedByTheOldOne() throws {
        let l = LiveBlocklist()
        let n = e164("+8613800000001")
        try l.insert(BlocklistEntry(number: n, expiresAt: 10_000_000_000))
        try l.insert(BlocklistEntry(number: n, kind: .auto, expiresAt: 100_000_000_000))
        #expect(l.purgeExpired(at: 50_000_000_000) == 0)
        #expect(l.match(n, at: 50_000_000_000)?.kind == .auto)
        #expect(l.purgeExpired(at: 100_000_000_000) == 1)
        #expect(l.match(n, at: 100_000_000_000) == nil)
    }

    /// An auto-block renewed on every call re-adds one number with a later TTL each time:
    /// the expiry agenda stays bounded by the list (stale items are dropped), and the
    /// number still expires at its last TTL, not at any earlier one.
    @Test func renewingOneNumberAMillionTimesKeepsTheExpiryQueueBounded() throws {
        let l = LiveBlocklist()
        let n = e164("+8613800000002"), other = e164("+8613800000003")
        try l.insert(BlocklistEntry(number: other, expiresAt: 5_000_000_000_000))
        var largest = 0
        for k in 1...1_000_000 {
            try l.insert(BlocklistEntry(number: n, kind: .auto, expiresAt: Int64(k) * 1_000_000))
            if k % 1024 == 0 { largest = max(largest, l.tableStatistics().pendingExpiries) }
        }
        #expect(largest <= 2 * 2 + LiveBlocklist.expirySlack + 1, "\(largest) items pending for 2 entries")
        #expect(l.purgeExpired(at: 999_999_000_000) == 0, "no earlier TTL removes the renewed number")
        #expect(l.isBlocked(n, at: 999_999_000_000) && l.isBlocked(other, at: 999_999_000_000))
        #expect(l.purgeExpired(at: 1_000_000_000_000) == 1)
        #expect(!l.isBlocked(n, at: 1_000_000_000_000) && l.isBlocked(other, at: 1_000_000_000_000))
        #expect(l.purgeExpired(at: 5_000_000_000_000) == 1)
    }

    @Test func removeAndReinsertReuseTheSlot() throws {
        let l = LiveBlocklist()
        let n = e164("+8613800000002")
        try l.insert(BlocklistEntry(number: n))
        #expect(l.remove(n))
        #expect(!l.remove(n))
        #expect(l.match(n, at: 0) == nil)
        try l.insert(BlocklistEntry(number: n, kind: .auto))
        #expect(l.match(n, at: 0)?.kind == .auto)
        let stats = l.tableStatistics().tables[0]
        #expect(stats.live == 1 && stats.tombstones == 0)
    }

    @Test func growsAndCompactsTombstonesWithoutLosingEntries() throws {
        let l = LiveBlocklist()
        let base: UInt64 = 8613_000_000_000
        for i in 0..<50_000 { try l.insert(BlocklistEntry(number: PhoneNumber(value: base + UInt64(i), digitCount: 13)!)) }
        for i in stride(from: 0, to: 50_000, by: 2) { l.remove(PhoneNumber(value: base + UInt64(i), digitCount: 13)!) }
        for i in 0..<30_000 { try l.insert(BlocklistEntry(number: PhoneNumber(value: base + 100_000 + UInt64(i), digitCount: 13)!)) }
        #expect(l.entryCount == 55_000)
        #expect(l.tableStatistics().rebuilds > 5)
        #expect(l.verifyInvariants() == [])
        for i in 0..<50_000 {
            #expect(l.isBlocked(PhoneNumber(value: base + UInt64(i), digitCount: 13)!, at: 0) == (i % 2 == 1))
        }
        let t = l.tableStatistics().tables[0]
        #expect(Double(t.live + t.tombstones) / Double(t.capacity) <= 0.85)
    }

    @Test func tooManySourcesIsAnError() throws {
        let l = LiveBlocklist()
        for i in 0..<4095 { _ = try l.registerSource("s\(i)") }
        #expect(throws: BlocklistError.tooManySources(4096)) {
            try l.insert(BlocklistEntry(number: e164("+861"), source: "one too many"))
        }
    }
}
