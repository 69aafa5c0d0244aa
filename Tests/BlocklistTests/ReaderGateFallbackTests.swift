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
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID())-fences.txt").path
            FileManager.default.createFile(atPath: out, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: out) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            p.arguments = ["--testing-library", "swift-testing",
                           "--filter", "ConcurrentStressTests|CrossArrayStressTests|theSwitchForcesFences"]
            p.environment = ProcessInfo.processInfo.environment.merging(["CALLGUARD_BLOCKLIST_FENCES": "1"]) { $1 }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            p.standardOutput = handle
            p.standardError = handle
            try p.run()
            try? handle.close()
            let deadline = Date().addingTimeInterval(900)
            while p.isRunning && Date() < deadline { usleep(10_000) }
            if p.isRunning { p.terminate() }
            p.waitUntilExit()
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self)
            #expect(p.terminationStatus == 0, "\(text.suffix(2000))")
            let lines = text.split(separator: "\n")
            for test in ["everyLookupAnswerWasTrueAtSomeMomentDuringTheLookup(", "lookupsNeverCombineTwoStates(", "theSwitchForcesFences("] {
                #expect(lines.contains { $0.contains("Test \(test)") && $0.contains("passed") && !$0.contains("Case") },
                        "\(test) did not pass on fences: \(text.suffix(2000))")
            }
        }
    }
}
