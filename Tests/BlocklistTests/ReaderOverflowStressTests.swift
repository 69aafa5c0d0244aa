@testable import Blocklist
import Foundation
import Numbering
import Synchronization
import Testing

extension BlocklistStress {
    /// Past 512 reader threads the gate's records are all taken and further readers go
    /// through two shared counters. 512 parked threads take the records; then a few busy
    /// readers without one look up a number blocked at every moment while the writer
    /// forces table swaps. With one shared counter, overlapping lookups kept it from ever
    /// reading 0 and the writer starved; now every swap must complete, no lookup may
    /// answer wrongly, and freed arrays are inaccessible (a late read would fault).
    @Suite("Live blocklist past 512 reader threads")
    struct ReaderOverflowStressTests {
        static let x = PhoneNumber(e164: "+8613912345678")!
        static let p = PhoneNumber(e164: "+861391234")!

        @Test func readersWithoutARecordNeitherStarveTheWriterNorSeeFreedTables() throws {
            SlotMemory.poisonFreed.store(true, ordering: .relaxed)
            let list = LiveBlocklist()
            try list.insert(BlocklistEntry(number: Self.p, isPrefix: true))
            let parked = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
            for _ in 0..<512 {
                let t = Thread {
                    _ = list.isBlocked(Self.x, at: 0)
                    parked.signal()
                    release.wait()
                }
                t.stackSize = 1 << 16
                t.start()
            }
            for _ in 0..<512 { parked.wait() }
            defer { for _ in 0..<512 { release.signal() } }

            let stop = Atomic<Bool>(false), wrong = Atomic<Int>(0), lookups = Atomic<Int>(0), shared = Atomic<Int>(0)
            let done = DispatchGroup()
            for _ in 0..<6 {
                done.enter()
                Thread {
                    var n = 0, bad = 0
                    while !stop.load(ordering: .relaxed) {
                        if !list.isBlocked(Self.x, at: 0) { bad += 1 }
                        n += 1
                    }
                    if ReaderGate.callingThreadIsShared { shared.wrappingAdd(1, ordering: .relaxed) }
                    wrong.wrappingAdd(bad, ordering: .relaxed)
                    lookups.wrappingAdd(n, ordering: .relaxed)
                    done.leave()
                }.start()
            }
            // The writer: TTL filler purged after every step, X added and removed exactly
            // (P keeps it blocked throughout): a table swap every few steps.
            let start = list.tableStatistics().rebuilds
            let deadline = Date().addingTimeInterval(60)
            var filler: UInt64 = 0
            while list.tableStatistics().rebuilds - start < 200 && Date() < deadline {
                for _ in 0..<4 {
                    try list.insert(BlocklistEntry(number: PhoneNumber(value: 8_615_000_000_000 + filler, digitCount: 13)!,
                                                   expiresAt: 1_000_000))
                    filler += 1
                }
                try list.insert(BlocklistEntry(number: Self.x))
                list.remove(Self.x)
                list.purgeExpired(at: 500_000_000_000)
            }
            let swaps = list.tableStatistics().rebuilds - start
            stop.store(true, ordering: .relaxed)
            done.wait()
            print("past 512 readers: \(swaps) table swaps, \(lookups.load(ordering: .relaxed)) lookups by 6 readers without a record")
            #expect(shared.load(ordering: .relaxed) == 6, "the busy readers were not past the records")
            #expect(swaps >= 200, "the writer managed \(swaps) table swaps in 60 s")
            #expect(wrong.load(ordering: .relaxed) == 0)
            #expect(lookups.load(ordering: .relaxed) > 10_000)
        }
    }
}
