@testable import Blocklist
import Dispatch
import Numbering
import Synchronization
import Testing

extension BlocklistStress {
    /// A lookup reads the allow and block arrays, exact and prefix, one after another; it must
    /// still answer as of one moment. A writer loops over the two interleavings that a lookup
    /// combining two states would get wrong, while readers check the invariant each keeps
    /// and yield between their probes (a debug-build hook) to widen the windows.
    @Suite("Live blocklist: one state per lookup", .serialized)
    struct CrossArrayStressTests {
        static let x = PhoneNumber(e164: "+8613912345678")!
        static let p = PhoneNumber(e164: "+861391234")!
        static let a = PhoneNumber(e164: "+8613811112222")!

        @Test func lookupsNeverCombineTwoStates() {
            let list = LiveBlocklist()
            // X is blocked at every moment: by P, by both, by X alone, by both, by P...
            try! list.insert(BlocklistEntry(number: Self.p, isPrefix: true))
            let stop = Atomic<Bool>(false)
            let xUnblocked = Atomic<Int>(0), aBlocked = Atomic<Int>(0), lookups = Atomic<Int>(0)
            TableSet.yieldBetweenProbes.store(true, ordering: .relaxed)
            SlotMemory.poisonFreed.store(true, ordering: .relaxed)
            defer { TableSet.yieldBetweenProbes.store(false, ordering: .relaxed) }
            let group = DispatchGroup()
            for _ in 0..<2 {
                DispatchQueue.global().async(group: group) {
                    var n = 0
                    while !stop.load(ordering: .relaxed) && n < 100_000 {
                        if !list.isBlocked(Self.x, at: 0) { xUnblocked.wrappingAdd(1, ordering: .relaxed) }
                        if list.isBlocked(Self.a, at: 0) { aBlocked.wrappingAdd(1, ordering: .relaxed) }
                        n += 1
                        lookups.wrappingAdd(1, ordering: .relaxed)
                    }
                }
            }
            // The writer runs at least 20,000 rounds and until the readers have made 20,000
            // lookups (on a loaded machine they make few while it runs), for two minutes at most.
            let deadline = DispatchTime.now().uptimeNanoseconds + 120_000_000_000
            DispatchQueue.global().async(group: group) {
                var rounds = 0
                while (rounds < 20_000 || lookups.load(ordering: .relaxed) < 20_000) && DispatchTime.now().uptimeNanoseconds < deadline {
                    rounds += 1
                    try! list.insert(BlocklistEntry(number: Self.x))
                    list.remove(Self.p, isPrefix: true)
                    try! list.insert(BlocklistEntry(number: Self.p, isPrefix: true))
                    list.remove(Self.x)
                    // A is never blocked: the allowlist entry is there before the block and
                    // stays until the block is gone.
                    try! list.insert(BlocklistEntry(number: Self.a, side: .allow))
                    try! list.insert(BlocklistEntry(number: Self.a))
                    list.remove(Self.a)
                    list.remove(Self.a, from: .allow)
                }
                stop.store(true, ordering: .relaxed)
            }
            group.wait()
            #expect(lookups.load(ordering: .relaxed) > 10_000)
            #expect(xUnblocked.load(ordering: .relaxed) == 0, "X looked unblocked though it never was")
            #expect(aBlocked.load(ordering: .relaxed) == 0, "A looked blocked though it never was")
            #expect(list.verifyInvariants() == [])
        }
    }
}
