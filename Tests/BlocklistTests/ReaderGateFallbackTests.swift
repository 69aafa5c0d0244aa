@testable import Blocklist
import Foundation
import Testing

extension BlocklistStress {
    /// The reader gate's path for kernels without membarrier (readers and writers fence)
    /// is the one most machines never take: the stress suites run on it too, in a child
    /// process of this test binary started with `CALLGUARD_BLOCKLIST_FENCES=1` (the gate
    /// chooses its path once, when the process first looks something up).
    @Suite("Reader gate without membarrier")
    struct ReaderGateFallbackTests {
        static let forced = ProcessInfo.processInfo.environment["CALLGUARD_BLOCKLIST_FENCES"] == "1"

        /// In the child, the switch took effect; in any process, a list works on the path chosen.
        @Test func theSwitchForcesFences() throws {
            if Self.forced { #expect(ReaderGate.shared.usesFences) }
            let l = LiveBlocklist()
            try l.insert(BlocklistEntry(number: e164("+8613800000001")))
            #expect(l.isBlocked(e164("+8613800000001"), at: 0))
        }

        @Test func stressSuitesPassOnTheFencePath() throws {
            guard !Self.forced else { return }
            let child = try ChildTestRun.run(filter: "ConcurrentStressTests|CrossArrayStressTests|ReaderOverflowStressTests|theSwitchForcesFences",
                                             environment: ["CALLGUARD_BLOCKLIST_FENCES": "1"], timeout: 900)
            let text = child.output
            #expect(child.status == 0, "\(text.suffix(2000))")
            let lines = text.split(separator: "\n")
            for test in ["everyLookupAnswerWasTrueAtSomeMomentDuringTheLookup(", "lookupsNeverCombineTwoStates(",
                         "readersWithoutARecordNeitherStarveTheWriterNorSeeFreedTables(", "theSwitchForcesFences("] {
                #expect(lines.contains { $0.contains("Test \(test)") && $0.contains("passed") && !$0.contains("Case") },
                        "\(test) did not pass on fences: \(text.suffix(2000))")
            }
        }
    }
}
