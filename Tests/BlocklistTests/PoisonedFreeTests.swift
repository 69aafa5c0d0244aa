@testable import Blocklist
import Foundation
import Testing

extension BlocklistStress {
    /// The debug mode the stress suites run in must really catch a late read: in a child
    /// process of this test binary with `CALLGUARD_BLOCKLIST_POISON=1`, a read of an array's
    /// memory after it was freed dies with SIGSEGV (without the mode it would read on).
    @Suite("Freed arrays are inaccessible in debug mode")
    struct PoisonedFreeTests {
        static let child = ProcessInfo.processInfo.environment["CALLGUARD_BLOCKLIST_POISON_CHILD"] == "1"

        @Test func aReadAfterFreeFaults() throws {
            if Self.child {
                // The child: free an array's pages, let the writer map the next array (which,
                // unmapped, would take the same addresses), then read as a late reader would.
                var memory: SlotMemory? = SlotMemory(zeroedBytes: 1 << 16)
                let base = memory!.base
                #expect(base.load(as: UInt64.self) == 0)
                memory = nil
                _ = memory
                let next = SlotMemory(zeroedBytes: 1 << 16)
                print("next array at the freed one's address: \(next.base == base)")
                print("late read: \(base.load(as: UInt64.self))")
                withExtendedLifetime(next) {}
                return
            }
            let child = try ChildTestRun.run(
                filter: "aReadAfterFreeFaults",
                environment: ["CALLGUARD_BLOCKLIST_POISON": "1", "CALLGUARD_BLOCKLIST_POISON_CHILD": "1", "SWIFT_BACKTRACE": "enable=no"],
                timeout: 120)
            // A sanitizer's handler reports the fault and exits instead of dying by it.
            let faulted = (child.reason == .uncaughtSignal && child.status == SIGSEGV) || child.output.contains("SEGV on unknown address")
            #expect(faulted, "\(child.output.suffix(1500))")
            #expect(!child.output.contains("late read:"), "the freed memory was readable: \(child.output.suffix(1500))")
        }
    }
}
