import Foundation
import Testing

/// `replay --threads 2` decodes on one thread and screens on another; everything a user
/// reads from a replay (verdicts, victim warnings, summary counts, what the saved state
/// makes of the next capture) must be
/// what one thread gives, latency aside, on every kind of trace: shipped, generated with
/// every campaign, adversarial, ISUP, damaged.
@Suite("callguard replay --threads")
struct ThreadsCommandTests {
    /// What a replay wrote, with the fields that may differ between runs taken out.
    struct Outcome: Equatable {
        var verdicts: [String]
        var warnings: String
        var summary: String
        /// Verdicts of the same capture replayed again from this run's `--state-out` (the
        /// file's bytes are not compared: tables are saved in hashing order, which differs
        /// from process to process).
        var resumed: [String]
        var threads: Int
    }

    static func verdictLines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            $0.replacingOccurrences(of: #""latency_ns":[0-9]+"#, with: "", options: .regularExpression)
        }
    }

    static func replay(_ arguments: [String], threads: Int, resume: Bool) throws -> Outcome {
        let verdicts = CLI.temporary("v.jsonl"), warnings = CLI.temporary("w.jsonl"), state = CLI.temporary("s.state")
        defer { for f in [verdicts, warnings, state] { try? FileManager.default.removeItem(atPath: f) } }
        let r = try CLI.run(["replay"] + arguments + ["--threads", "\(threads)", "--verdicts", verdicts, "--warnings", warnings,
                                                      "--state-out", state, "--summary", "json"])
        #expect(r.status == 0, "\(arguments) --threads \(threads): \(r.stderr)")
        let lines = try verdictLines(verdicts)
        var resumed: [String] = []
        if resume {
            let again = try CLI.run(["replay"] + arguments + ["--threads", "1", "--state-in", state, "--verdicts", verdicts, "--summary", "none"])
            #expect(again.status == 0, "\(again.stderr)")
            resumed = try verdictLines(verdicts)
        }
        var summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
        let run = summary["run"] as? [String: Any]
        for key in ["run", "latency_ns", "setup_latency_ns"] { summary.removeValue(forKey: key) }
        let canonical = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        return Outcome(verdicts: lines, warnings: try String(contentsOfFile: warnings, encoding: .utf8),
                       summary: String(decoding: canonical, as: UTF8.self),
                       resumed: resumed, threads: run?["threads"] as? Int ?? -1)
    }

    @discardableResult
    static func expectSame(_ arguments: [String], minimumVerdicts: Int, resume: Bool = false) throws -> Outcome {
        let one = try replay(arguments, threads: 1, resume: resume), two = try replay(arguments, threads: 2, resume: resume)
        #expect(one.threads == 1 && two.threads == 2)
        #expect(one.verdicts.count >= minimumVerdicts, "\(arguments): \(one.verdicts.count) verdicts")
        #expect(one.verdicts == two.verdicts, "\(arguments): verdicts differ")
        #expect(one.warnings == two.warnings, "\(arguments): warnings differ")
        #expect(one.summary == two.summary, "\(arguments): summaries differ:\n\(one.summary)\n\(two.summary)")
        #expect(one.resumed == two.resumed, "\(arguments): the saved states resume differently")
        if resume { #expect(!one.resumed.isEmpty) }
        return two
    }

    @Test(arguments: [("traces/smoke.pcap", 400), ("traces/busy-hour-700.pcap", 600)])
    func shippedTracesGiveOneThreadsVerdicts(trace: String, minimumVerdicts: Int) throws {
        try Self.expectSame([trace], minimumVerdicts: minimumVerdicts)
    }

    @Test func demoTraceWithItsListAndUpdates() throws {
        let updates = CLI.temporary("updates.jsonl")
        defer { try? FileManager.default.removeItem(atPath: updates) }
        // An update between the demo's calls, so list changes in trace time cross the hand-off.
        try #"{"ts":1763800004.5,"op":"add","entry":"+8613800001111"}"#.appending("\n")
            .write(toFile: updates, atomically: true, encoding: .utf8)
        let two = try Self.expectSame(["traces/demo.pcap", "--blocklist", "traces/demo.blocklist", "--updates", updates], minimumVerdicts: 6,
                                      resume: true)
        #expect(two.verdicts.filter { $0.contains(#""verdict":"block""#) }.count == 3, "\(two.verdicts)")
    }

    /// Generated traces no test tunes on: a busy hour with every campaign, and the
    /// adversarial scenario's rotating callers and mimicked handsets.
    @Test(arguments: [("busy-hour", 101, 4000), ("adversarial", 103, 3000)])
    func generatedTracesGiveOneThreadsVerdicts(scenario: String, seed: Int, calls: Int) throws {
        let pcap = CLI.temporary("\(scenario).pcap")
        let labels = String(pcap.dropLast(5)) + ".labels.csv"
        defer { for f in [pcap, labels] { try? FileManager.default.removeItem(atPath: f) } }
        let g = try CLI.run(["generate", "--scenario", scenario, "--seed", "\(seed)", "--calls", "\(calls)", "--out", pcap])
        #expect(g.status == 0, "\(g.stderr)")
        let scenarios = Set(try String(contentsOfFile: labels, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false)[2] })
        if scenario == "busy-hour" { #expect(scenarios.count >= 10, "campaigns in the trace: \(scenarios.sorted())") }
        try Self.expectSame([pcap], minimumVerdicts: calls * 9 / 10, resume: scenario == "busy-hour")
    }

    /// ISUP calls reach the screening thread through the same hand-off.
    @Test func isupTraceGivesOneThreadsVerdicts() throws {
        let pcap = CLI.temporary("isup.pcap")
        defer { try? FileManager.default.removeItem(atPath: pcap) }
        #expect(ISUPReplayCommandTests.trace(pcap))
        try Self.expectSame([pcap], minimumVerdicts: 3, resume: true)
    }

    /// A capture cut mid-record: both runs replay the same prefix and warn the same way.
    @Test func truncatedCaptureGivesOneThreadsVerdicts() throws {
        let cut = CLI.temporary("cut.pcap")
        defer { try? FileManager.default.removeItem(atPath: cut) }
        let whole = try Data(contentsOf: URL(fileURLWithPath: CLI.packageRoot + "/traces/smoke.pcap"))
        try whole.prefix(whole.count * 2 / 3 + 7).write(to: URL(fileURLWithPath: cut))
        try Self.expectSame([cut], minimumVerdicts: 200)
    }

    @Test func threadCountIsCheckedAndReported() throws {
        let zero = try CLI.run(["replay", "traces/demo.pcap", "--threads", "0"])
        #expect(zero.status == 2 && zero.stderr.contains("--threads must be positive"), "\(zero.stderr)")
        // More threads than there are stages run as two, and the summary says so.
        let many = try CLI.run(["replay", "traces/demo.pcap", "--threads", "16"])
        #expect(many.status == 0 && many.stdout.contains("packets/s, 2 threads"), "\(many.stdout)")
        let bench = try CLI.run(["bench", "--trace", "traces/smoke.pcap", "--threads", "2", "--format", "json"])
        #expect(bench.status == 0, "\(bench.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as? [String: Any]
        #expect(report?["threads"] as? Int == 2)
        let text = try CLI.run(["bench", "--trace", "traces/smoke.pcap", "--threads", "1"])
        #expect(text.stdout.contains("1 thread per replay"), "\(text.stdout)")
    }
}
