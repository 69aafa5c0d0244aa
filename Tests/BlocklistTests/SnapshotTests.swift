@testable import Blocklist
import Foundation
import Numbering
import Testing

@Suite("Compiled snapshots (.cgbl)")
struct SnapshotTests {
    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID())-\(name)").path
    }

    func entries(_ l: LiveBlocklist) -> [String] {
        var out: [String] = []
        l.forEachEntry { m in
            out.append("\(m.side.name) \(m.entryText) \(m.kind.name) \(l.sourceName(m.sourceID)) \(m.expiresAtMilliseconds)")
        }
        return out.sorted()
    }

    @Test func roundTripKeepsEveryEntryKindSourceExpiryAndAllowlist() throws {
        let original = try list("+8617012345678,reported\n+88216*,range\n+8613800000000,auto,60\n+86170*\n",
                                allow: "+86110\n+8695*\n", at: 1_700_000_000_000_000_000)
        try original.insert(BlocklistEntry(number: e164("+8613900000000"), kind: .auto, source: "detector.goip"))
        for i in 0..<5_000 { try original.insert(BlocklistEntry(number: PhoneNumber(value: 8_613_500_000_000 + UInt64(i), digitCount: 13)!)) }
        original.remove(e164("+8613500000007"))   // a tombstone travels too
        let path = temporary("round.cgbl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Snapshot.write(original, to: path, createdAt: 1)
        #expect(Snapshot.isSnapshot(path: path))

        let loaded = try Snapshot.load(path: path)
        #expect(entries(loaded) == entries(original))
        #expect(loaded.entryCount == original.entryCount)
        #expect(loaded.verifyInvariants() == [])
        let t = Int64(1_700_000_000_000_000_000)
        for n in ["+8617012345678", "+88216001", "+8613800000000", "+8617099999999", "+86110", "+869512", "+8613500000007", "+8613600000000"] {
            #expect(loaded.match(e164(n), at: t) == original.match(e164(n), at: t), "\(n)")
        }
        #expect(loaded.sourceName(loaded.match(e164("+8613900000000"), at: t)!.sourceID) == "detector.goip")
        // The expiry survives and is purged on time.
        #expect(loaded.purgeExpired(at: t + 60_000_000_000) == 1)
        #expect(loaded.match(e164("+8613800000000"), at: t + 60_000_000_000) == nil)
        // A loaded snapshot takes updates and grows like any list; the file is not touched.
        for i in 0..<20_000 { try loaded.insert(BlocklistEntry(number: PhoneNumber(value: 8_613_700_000_000 + UInt64(i), digitCount: 13)!)) }
        #expect(loaded.verifyInvariants() == [])
        #expect(try entries(Snapshot.load(path: path)) == entries(original))
    }

    /// The kilobytes of `path` mapped into this process, and how many of them are private
    /// copies (anonymous), from /proc/self/smaps.
    static func mapped(_ path: String) throws -> (size: Int, anonymous: Int) {
        // Read to the end: /proc files report a size of 0.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/smaps"))
        defer { try? handle.close() }
        let smaps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        #expect(smaps.contains("Size:"))
        var size = 0, anonymous = 0, inFile = false
        for line in smaps.split(separator: "\n") {
            if let first = line.first, first.isHexDigit, line.contains("-"), line.split(separator: " ").count >= 5 {
                inFile = line.hasSuffix(path)
            } else if inFile, line.hasPrefix("Size:") {
                size += Int(line.split(separator: " ")[1]) ?? 0
            } else if inFile, line.hasPrefix("Anonymous:") {
                anonymous += Int(line.split(separator: " ")[1]) ?? 0
            }
        }
        return (size, anonymous)
    }

    /// A loaded snapshot shares the page cache (no private copy until a page is written),
    /// and an array rebuilt by growth gives its piece of the file back instead of keeping
    /// the whole file mapped for the life of the process.
    @Test func aLoadedSnapshotSharesThePageCacheAndRebuiltArraysUnmapTheirPiece() throws {
        let original = LiveBlocklist(exactCapacity: 200_000)
        for i in 0..<150_000 { try original.insert(BlocklistEntry(number: PhoneNumber(value: 8_613_500_000_000 + UInt64(i), digitCount: 13)!)) }
        let path = temporary("mapped.cgbl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Snapshot.write(original, to: path, createdAt: 1)
        let fileKB = Int(try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64) / 1024

        var loaded: LiveBlocklist? = try Snapshot.load(path: path)
        let afterLoad = try Self.mapped(path)
        #expect(afterLoad.size >= fileKB * 9 / 10 && afterLoad.size <= fileKB, "\(afterLoad.size) kB of \(fileKB) kB mapped")
        #expect(afterLoad.anonymous <= 64, "\(afterLoad.anonymous) kB copied privately by loading alone")
        // Grow the exact array well past its capacity: it is rebuilt in anonymous memory.
        for i in 0..<200_000 { try loaded!.insert(BlocklistEntry(number: PhoneNumber(value: 8_613_700_000_000 + UInt64(i), digitCount: 13)!)) }
        #expect(loaded!.tableStatistics().rebuilds >= 1)
        #expect(loaded!.isBlocked(e164("+8613500000007"), at: 0) && loaded!.isBlocked(e164("+8613700000007"), at: 0))
        let afterRebuild = try Self.mapped(path)
        #expect(afterRebuild.size < afterLoad.size / 10, "\(afterRebuild.size) kB still mapped after the exact array moved out")
        loaded = nil
        #expect(try Self.mapped(path).size == 0)
    }

    /// A crafted file whose checksums match but whose slots or tags would make lookups
    /// answer wrongly is refused, each field with its own reason.
    @Test func everyCorruptedSlotOrTagIsRefused() throws {
        let original = try list("+88216*\n", allow: "+86110\n")
        try original.insert(BlocklistEntry(number: e164("+8613900000000"), kind: .auto, source: "detector.goip"))
        try original.insert(BlocklistEntry(number: e164("+8613900000001"), kind: .auto, source: "detector.gsm1"))
        for i in 0..<40 { try original.insert(BlocklistEntry(number: PhoneNumber(value: 8_613_500_000_000 + UInt64(i) * 7, digitCount: 13)!)) }
        let path = temporary("crafted.cgbl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Snapshot.write(original, to: path, createdAt: 1)
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(try Snapshot.load(path: path).entryCount == original.entryCount)

        func word(_ b: [UInt8], _ at: Int) -> UInt64 { b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt64.self) } }
        func set(_ b: inout [UInt8], _ at: Int, _ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { for (i, x) in $0.enumerated() { b[at + i] = x } } }
        /// Both checksums made to match again: only the structure is wrong.
        func sealed(_ b: [UInt8]) -> Data {
            var b = b
            var c = Snapshot.Checksum()
            b.withUnsafeBytes { c.add(UnsafeRawBufferPointer(rebasing: $0[Snapshot.page...])) }
            set(&b, 21 * 8, c.value)
            set(&b, 22 * 8, Snapshot.headerChecksum((0..<(Snapshot.page / 8)).map { word(b, $0 * 8) }))
            return Data(b)
        }
        func refused(_ b: [UInt8], _ reason: String) throws {
            try sealed(b).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Snapshot.load(path: path)
                Issue.record("loaded; expected refusal: \(reason)")
            } catch { #expect("\(error)".contains(reason), "\(error)") }
        }
        // The block-exact array: its slots and where each key's probe starts.
        let capacity = Int(word(good, 2 * 8)), offset = Int(word(good, 6 * 8))
        let scratch = SlotMemory(zeroedBytes: SlotArray.bytes(capacity: capacity))
        let geometry = SlotArray(words: scratch.base, capacity: capacity)
        func key(_ b: [UInt8], _ i: Int) -> UInt64 { word(b, offset + 16 * i) }
        let occupied = (0..<capacity).filter { key(good, $0) != 0 }
        #expect(occupied.count >= 40)
        let i = occupied[0], k = key(good, i), w = word(good, offset + 16 * i + 8)

        var b = good
        set(&b, offset + 16 * i + 8, w | 7 << 60)
        try refused(b, "unknown entry kind")
        b = good
        set(&b, offset + 16 * i + 8, w & ~(0xFFF << 48) | 4000 << 48)
        try refused(b, "unknown source tag 4000")
        // A key moved to the slot just before its home: a probe reaches an empty slot first.
        func beforeHome(_ slot: Int) -> Int { (geometry.home(key(good, slot)) + capacity - 1) % capacity }
        let movable = try #require(occupied.first { key(good, beforeHome($0)) == 0 })
        b = good
        let before = beforeHome(movable)
        set(&b, offset + 16 * before, key(good, movable)); set(&b, offset + 16 * before + 8, word(good, offset + 16 * movable + 8))
        set(&b, offset + 16 * movable, 0); set(&b, offset + 16 * movable + 8, 0)
        try refused(b, "key unreachable")
        // The key copied into the next empty slot along its probe: there twice.
        var next = (i + 1) % capacity
        while key(good, next) != 0 { next = (next + 1) % capacity }
        b = good
        set(&b, offset + 16 * next, k); set(&b, offset + 16 * next + 8, w)
        try refused(b, "key also in slot")
        // The block list's prefix lengths mask cleared: +88216* would never be probed.
        b = good
        set(&b, 18 * 8, word(good, 18 * 8) & ~0xFFFF_FFFF)
        try refused(b, "prefix length not in the list's mask")
        // Source tags (a length and the bytes each; the first is the unnamed source): one
        // renamed to another's name, one made invalid UTF-8.
        var tags: [(at: Int, length: Int)] = []
        var at = Int(word(good, 19 * 8))
        while at + 2 <= good.count {
            tags.append((at, Int(good[at]) | Int(good[at + 1]) << 8))
            at += 2 + tags.last!.length
        }
        let named = tags.filter { $0.length == 13 }
        try #require(named.count == 2, "tags \(tags)")
        b = good
        for j in 0..<13 { b[named[1].at + 2 + j] = good[named[0].at + 2 + j] }
        try refused(b, "twice")
        b = good
        b[named[0].at + 2] = 0xFF
        try refused(b, "is not UTF-8")
    }

    @Test func damagedOrForeignFilesAreRefused() throws {
        let original = try list("+8617012345678\n+88216*\n")
        let path = temporary("bad.cgbl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Snapshot.write(original, to: path, createdAt: 1)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))

        func refused(_ data: Data, _ reason: String) throws {
            try data.write(to: URL(fileURLWithPath: path))
            #expect(throws: BlocklistError.self) { try Snapshot.load(path: path) }
            do { _ = try Snapshot.load(path: path) } catch { #expect("\(error)".contains(reason), "\(error)") }
        }
        var flipped = bytes
        flipped[4096 + 100] ^= 0x40
        try refused(flipped, "checksum mismatch")
        try refused(bytes.prefix(bytes.count - 16), "do not fit")
        try refused(bytes.prefix(100), "shorter than its header")
        var header = bytes
        header[40] ^= 1   // a capacity in the header
        try refused(header, "header checksum")
        // A source-tag length near the top of the range, with a header checksum to match:
        // refused, not an arithmetic trap.
        var hostile = bytes
        hostile.withUnsafeMutableBytes { b in
            b.storeBytes(of: UInt64.max, toByteOffset: 20 * 8, as: UInt64.self)
            let words = (0..<(4096 / 8)).map { b.load(fromByteOffset: $0 * 8, as: UInt64.self) }
            b.storeBytes(of: Snapshot.headerChecksum(words), toByteOffset: 22 * 8, as: UInt64.self)
        }
        try refused(hostile, "source tags do not fit")
        bytes[4] = 9      // version 9
        try refused(bytes, "unsupported version")
        #expect(!Snapshot.isSnapshot(path: #filePath))
    }
}
