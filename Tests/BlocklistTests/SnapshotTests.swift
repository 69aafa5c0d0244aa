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
