@testable import Blocklist
import Dispatch
import Foundation
import Numbering
import Synchronization
import Testing

/// Per tracked entry, how many writer operations have started and finished. The writer
/// bumps `started` before an operation and `finished` after it, so a reader that reads
/// `finished` before a lookup and `started` after it knows every state the entry could
/// legally have been in during the lookup.
private final class OperationLog: @unchecked Sendable {
    let count: Int
    let started: UnsafeMutablePointer<Atomic<Int>>
    let finished: UnsafeMutablePointer<Atomic<Int>>
    let stop = Atomic<Bool>(false)

    init(count: Int) {
        self.count = count
        started = .allocate(capacity: count)
        finished = .allocate(capacity: count)
        for i in 0..<count {
            (started + i).initialize(to: Atomic(0))
            (finished + i).initialize(to: Atomic(0))
        }
    }

    deinit {
        started.deinitialize(count: count); started.deallocate()
        finished.deinitialize(count: count); finished.deallocate()
    }
}

extension BlocklistStress {
    @Suite("Live blocklist under concurrent readers and a writer")
    struct ConcurrentStressTests {
        /// Operation n on a tracked entry: n divisible by 3 removes it, any other n adds or
        /// replaces it with expiry `tag + n` milliseconds (far in the future of the lookups'
        /// time 0, so it is live and names n). The state after operation n is therefore known
        /// exactly, and consecutive replacements would expose a reader seeing a torn or
        /// intermediate entry.
        static func removes(_ n: Int) -> Bool { n % 3 == 0 }
        static let tag: UInt64 = 1_000_000

        static func tracked(_ i: Int) -> (number: PhoneNumber, isPrefix: Bool, probe: PhoneNumber) {
            if i % 4 == 3 {  // every fourth tracked entry is a prefix, probed with a number under it
                let p = PhoneNumber(value: 8_617_700 + UInt64(i), digitCount: 9)!
                return (p, true, PhoneNumber(value: (8_617_700 + UInt64(i)) * 10_000 + 1234, digitCount: 13)!)
            }
            let n = PhoneNumber(value: 8_613_900_000_000 + UInt64(i), digitCount: 13)!
            return (n, false, n)
        }

        /// What the writer's filler churn does besides the tracked entries' operations.
        enum Variant: String, CaseIterable, Sendable {
            /// One insert and one remove at a time into a list built empty.
            case plain
            /// The same into a list loaded from a `.cgbl` snapshot of 60,000 entries (its
            /// arrays are a private mapping of the file until rebuilt).
            case snapshotBacked
            /// Filler arrives in bulk batches (`insert(contentsOf:)`, the list loaders' path).
            case bulkFiller
            /// Filler carries short TTLs and the writer purges what expired after every step.
            case expiringFiller
        }

        static func makeList(_ variant: Variant) throws -> LiveBlocklist {
            guard variant == .snapshotBacked else { return LiveBlocklist() }
            let seed = LiveBlocklist()
            for i in 0..<60_000 { try seed.insert(BlocklistEntry(number: PhoneNumber(value: 8_618_000_000_000 + UInt64(i), digitCount: 13)!)) }
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID())-stress.cgbl").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Snapshot.write(seed, to: path, createdAt: 1)
            return try Snapshot.load(path: path)
        }

        @Test(arguments: Variant.allCases)
        func everyLookupAnswerWasTrueAtSomeMomentDuringTheLookup(variant: Variant) throws {
            let readers = 2
            let lookupsPerReader = variant == .plain ? 1_500_000 : 600_000
            let trackedCount = 256
            // Freed arrays become inaccessible: a reader still on one after its grace
            // period faults instead of reading reused memory.
            SlotMemory.poisonFreed.store(true, ordering: .relaxed)
            let poisonedBefore = SlotMemory.poisonedArrays.load(ordering: .relaxed)
            let list = try Self.makeList(variant)
            let log = OperationLog(count: trackedCount)
            let violations = Atomic<Int>(0)
            let seenPresent = Atomic<Int>(0)
            let seenAbsent = Atomic<Int>(0)
            let writerOps = Atomic<Int>(0)
            let done = DispatchGroup()

            // The writer: tracked entries step through their operations while filler entries
            // come and go, forcing array growth, tombstone compaction and table swaps.
            done.enter()
            Thread {
                var filler: UInt64 = 0
                var rng = SplitMix(seed: 7)
                var ops = 0
                while !log.stop.load(ordering: .relaxed) {
                    let i = Int(rng.next() % UInt64(trackedCount))
                    let n = log.started[i].load(ordering: .sequentiallyConsistent) + 1
                    log.started[i].store(n, ordering: .sequentiallyConsistent)
                    let e = ConcurrentStressTests.tracked(i)
                    if !ConcurrentStressTests.removes(n) {
                        try! list.insert(BlocklistEntry(number: e.number, isPrefix: e.isPrefix, source: "stress",
                                                        expiresAt: Int64(ConcurrentStressTests.tag + UInt64(n)) * 1_000_000))
                    } else {
                        list.remove(e.number, isPrefix: e.isPrefix)
                    }
                    log.finished[i].store(n, ordering: .sequentiallyConsistent)
                    // Filler churn: 4 adds and 3 removes (or purges) per tracked operation.
                    switch variant {
                    case .bulkFiller:
                        let batch = (0..<4).map { k in
                            LiveBlocklist.RawEntry(number: PhoneNumber(value: 8_615_000_000_000 + filler + UInt64(k), digitCount: 13)!,
                                                   isPrefix: false, side: .block, kind: .reported, sourceID: 0, expiryMs: 0)
                        }
                        batch.withUnsafeBufferPointer { list.insert(contentsOf: $0) }
                        filler += 4
                    case .expiringFiller:
                        // Expiries between 1 s and 400 s, all due at the purge time of 500 s; the
                        // tracked entries expire after 1,000 s and are never purged here.
                        for _ in 0..<4 {
                            try! list.insert(BlocklistEntry(number: PhoneNumber(value: 8_615_000_000_000 + filler, digitCount: 13)!,
                                                            expiresAt: Int64(1_000 + filler % 399_000) * 1_000_000))
                            filler += 1
                        }
                        list.purgeExpired(at: 500_000_000_000)
                    default:
                        for _ in 0..<4 {
                            try! list.insert(BlocklistEntry(number: PhoneNumber(value: 8_615_000_000_000 + filler, digitCount: 13)!))
                            filler += 1
                        }
                    }
                    for k in 0..<3 where filler > 10_000 && variant != .expiringFiller {
                        list.remove(PhoneNumber(value: 8_615_000_000_000 + filler - 10_000 + UInt64(k), digitCount: 13)!)
                    }
                    ops += 8
                }
                writerOps.store(ops, ordering: .relaxed)
                done.leave()
            }.start()

            let readersDone = DispatchGroup()
            for r in 0..<readers {
                readersDone.enter()
                Thread {
                    var rng = SplitMix(seed: UInt64(100 + r))
                    var bad = 0, present = 0, absent = 0
                    for _ in 0..<lookupsPerReader {
                        let i = Int(rng.next() % UInt64(trackedCount))
                        let e = ConcurrentStressTests.tracked(i)
                        let before = log.finished[i].load(ordering: .sequentiallyConsistent)
                        let m = list.match(e.probe, at: 0)
                        let after = log.started[i].load(ordering: .sequentiallyConsistent)
                        if let m {
                            present += 1
                            let n = Int(m.expiresAtMilliseconds) - Int(ConcurrentStressTests.tag)
                            let rightEntry = m.entry == e.number && m.isPrefix == e.isPrefix && m.side == .block
                            if !rightEntry || ConcurrentStressTests.removes(n) || n < before || n > after { bad += 1 }
                        } else {
                            absent += 1
                            // Absent is the state after a removal (or before the first add, n = 0).
                            let removalInWindow = (before...max(before, after)).contains { ConcurrentStressTests.removes($0) }
                            if !removalInWindow { bad += 1 }
                        }
                    }
                    violations.wrappingAdd(bad, ordering: .relaxed)
                    seenPresent.wrappingAdd(present, ordering: .relaxed)
                    seenAbsent.wrappingAdd(absent, ordering: .relaxed)
                    readersDone.leave()
                }.start()
            }
            readersDone.wait()
            log.stop.store(true, ordering: .relaxed)
            done.wait()

            let ops = writerOps.load(ordering: .relaxed)
            print("stress (\(variant)): \(readers * lookupsPerReader) lookups, \(ops) writer operations, "
                  + "\(list.tableStatistics().rebuilds) array rebuilds, \(violations.load(ordering: .relaxed)) violations")
            #expect(violations.load(ordering: .relaxed) == 0)
            #expect(seenPresent.load(ordering: .relaxed) > 1000 && seenAbsent.load(ordering: .relaxed) > 1000)
            #expect(ops > 10_000)
            #expect(list.tableStatistics().rebuilds > (variant == .plain ? 3 : 0))
            if variant == .plain { #expect(SlotMemory.poisonedArrays.load(ordering: .relaxed) > poisonedBefore) }
            #expect(list.verifyInvariants() == [])
            // After the storm, each tracked entry is in the state its last operation left.
            for i in 0..<trackedCount {
                let n = log.finished[i].load(ordering: .relaxed)
                let e = ConcurrentStressTests.tracked(i)
                let m = list.match(e.probe, at: 0)
                #expect((m != nil) == !ConcurrentStressTests.removes(n), "tracked \(i) after \(n) operations")
            }
        }

        // MARK: Overlapping entries on both lists

        /// Probed number i and its four entries in the order a lookup decides by: allow
        /// exact, allow prefix (11 digits), block exact, block prefix (9 digits). All four
        /// cover the number; i sits in digits 4-7, so no entry covers another probe.
        static func overlapping(_ i: Int) -> (probe: PhoneNumber, entries: [(number: PhoneNumber, isPrefix: Bool, side: ListSide)]) {
            let n = PhoneNumber(value: (8_613_000 + UInt64(i)) * 1_000_000 + 123_456, digitCount: 13)!
            return (n, [(n, false, .allow), (n.prefix(11), true, .allow), (n, false, .block), (n.prefix(9), true, .block)])
        }

        /// Operation k (from 1) on probe i's entries: entry (k - 1) % 4, whose j-th operation
        /// it is (j = (k - 1) / 4 + 1) removes it when j is divisible by 3 and otherwise adds
        /// it with expiry `tag + k`. What a lookup must answer after operation k: the first
        /// entry present in decision order, with the k of its last add; nil when none is.
        static func expected(afterOperation k: Int) -> (entry: Int, k: Int)? {
            for t in 0..<4 {
                guard k >= t + 1 else { continue }
                let last = k - (k - 1 - t) % 4   // the last operation on entry t up to k
                let j = (last - 1) / 4 + 1
                if j % 3 != 0 { return (t, last) }
            }
            return nil
        }

        /// Exact and prefix entries of both lists covering the same numbers, changed one at a
        /// time by a writer while readers look the numbers up: every answer must be the
        /// answer of one state the writer passed through during the lookup (the writer-log
        /// check of the test above, over four overlapping entries at once), while filler
        /// churn forces table swaps and freed arrays are inaccessible.
        @Test func overlappingEntriesOnBothListsAnswerAsOfOneState() throws {
            SlotMemory.poisonFreed.store(true, ordering: .relaxed)
            let trackedCount = 64, readers = 2, lookupsPerReader = 600_000
            let list = LiveBlocklist()
            let log = OperationLog(count: trackedCount)
            let violations = Atomic<Int>(0), allowed = Atomic<Int>(0), blocked = Atomic<Int>(0), neither = Atomic<Int>(0)
            let writerDone = DispatchGroup()
            writerDone.enter()
            Thread {
                var rng = SplitMix(seed: 11)
                var filler: UInt64 = 0
                while !log.stop.load(ordering: .relaxed) {
                    let i = Int(rng.next() % UInt64(trackedCount))
                    let k = log.started[i].load(ordering: .sequentiallyConsistent) + 1
                    log.started[i].store(k, ordering: .sequentiallyConsistent)
                    let e = ConcurrentStressTests.overlapping(i).entries[(k - 1) % 4]
                    if ((k - 1) / 4 + 1) % 3 == 0 {
                        list.remove(e.number, isPrefix: e.isPrefix, from: e.side)
                    } else {
                        try! list.insert(BlocklistEntry(number: e.number, isPrefix: e.isPrefix, side: e.side,
                                                        expiresAt: Int64(ConcurrentStressTests.tag + UInt64(k)) * 1_000_000))
                    }
                    log.finished[i].store(k, ordering: .sequentiallyConsistent)
                    for _ in 0..<4 {
                        try! list.insert(BlocklistEntry(number: PhoneNumber(value: 8_615_000_000_000 + filler, digitCount: 13)!))
                        filler += 1
                    }
                    for d in 0..<3 where filler > 10_000 {
                        list.remove(PhoneNumber(value: 8_615_000_000_000 + filler - 10_000 + UInt64(d), digitCount: 13)!)
                    }
                }
                writerDone.leave()
            }.start()

            let readersDone = DispatchGroup()
            for r in 0..<readers {
                readersDone.enter()
                Thread {
                    var rng = SplitMix(seed: UInt64(200 + r))
                    var bad = 0, allow = 0, block = 0, none = 0
                    for _ in 0..<lookupsPerReader {
                        let i = Int(rng.next() % UInt64(trackedCount))
                        let o = ConcurrentStressTests.overlapping(i)
                        let before = log.finished[i].load(ordering: .sequentiallyConsistent)
                        let m = list.match(o.probe, at: 0)
                        let after = log.started[i].load(ordering: .sequentiallyConsistent)
                        let legal = (before...max(before, after)).contains { k in
                            guard let x = ConcurrentStressTests.expected(afterOperation: k) else { return m == nil }
                            guard let m else { return false }
                            let e = o.entries[x.entry]
                            return m.entry == e.number && m.isPrefix == e.isPrefix && m.side == e.side
                                && m.expiresAtMilliseconds == ConcurrentStressTests.tag + UInt64(x.k)
                        }
                        if !legal { bad += 1 }
                        switch m?.side {
                        case .allow?: allow += 1
                        case .block?: block += 1
                        case nil: none += 1
                        }
                    }
                    violations.wrappingAdd(bad, ordering: .relaxed)
                    allowed.wrappingAdd(allow, ordering: .relaxed)
                    blocked.wrappingAdd(block, ordering: .relaxed)
                    neither.wrappingAdd(none, ordering: .relaxed)
                    readersDone.leave()
                }.start()
            }
            readersDone.wait()
            log.stop.store(true, ordering: .relaxed)
            writerDone.wait()
            print("stress (overlapping, both lists): \(readers * lookupsPerReader) lookups, "
                  + "\(list.tableStatistics().rebuilds) array rebuilds, \(violations.load(ordering: .relaxed)) violations")
            #expect(violations.load(ordering: .relaxed) == 0)
            #expect(allowed.load(ordering: .relaxed) > 1000 && blocked.load(ordering: .relaxed) > 1000 && neither.load(ordering: .relaxed) > 100)
            #expect(list.verifyInvariants() == [])
            for i in 0..<trackedCount {
                let k = log.finished[i].load(ordering: .relaxed)
                let m = list.match(ConcurrentStressTests.overlapping(i).probe, at: 0)
                #expect((m == nil) == (ConcurrentStressTests.expected(afterOperation: k) == nil), "probe \(i) after \(k) operations")
            }
        }
    }
}

/// A small deterministic generator for test threads.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
