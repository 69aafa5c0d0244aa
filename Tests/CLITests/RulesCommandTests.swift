import Foundation
import Testing

@Suite("callguard replay with rule sets")
struct RulesCommandTests {
    @Test func defaultRulesScoreALabeledTrace() throws {
        let r = try CLI.run(["replay", "traces/busy-hour-700.pcap", "--summary", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let score = try #require(summary["score"] as? [String: Any])
        #expect((score["false_positive_rate"] as? Double ?? 1) <= 0.001)
        #expect((score["per_scenario"] as? [String: Double])?["goip_simbox"] == 1)
        let rules = try #require(summary["rules"] as? [String: Any])
        #expect(rules["name"] as? String == "default" && (rules["auto_blocked"] as? Int ?? 0) > 0)
    }

    /// A subscriber who answered a number that is blocked later in the trace is named in
    /// the warnings file, one JSON line each. (The default rule set blocks the shipped
    /// traces' fraud numbers before anyone answers them; `score.yaml` is slower.)
    @Test func victimWarningsAreWrittenOnePerLine() throws {
        let warnings = CLI.temporary("warnings.jsonl")
        defer { try? FileManager.default.removeItem(atPath: warnings) }
        let r = try CLI.run(["replay", "traces/smoke.pcap", "--rules", "rules/score.yaml", "--warnings", warnings,
                             "--summary", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let rules = try #require(summary["rules"] as? [String: Any])
        let lines = try String(contentsOfFile: warnings, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == rules["victim_warnings"] as? Int)
        let first = try #require(lines.first)
        let w = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        for key in ["callee", "caller", "call_time", "talk_seconds", "warned_at", "reasons"] { #expect(w[key] != nil) }
    }

    @Test func rulesNoneScreensWithListsOnly() throws {
        let r = try CLI.run(["replay", "traces/smoke.pcap", "--rules", "none", "--summary", "json"])
        #expect(r.status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((summary["verdicts"] as! [String: Int])["block"] == 0)
        #expect(summary["rules"] == nil)
    }

    @Test func badRuleSetIsOneLineExitTwo() throws {
        let file = CLI.temporary("rules.yaml")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "name: mine\ndetectors:\n  fan_out: {window: later}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["replay", "traces/smoke.pcap", "--rules", file])
        #expect(r.status == 2)
        #expect(r.stderr == "callguard: \(file):3: detectors.fan_out.window: 'later' is not a duration (e.g. 90s, 500ms, 5m, 2h)\n")
        #expect(r.stdout.isEmpty)
    }

    @Test func rulesShowAndCheck() throws {
        let shown = try CLI.run(["rules", "show"])
        #expect(shown.status == 0 && shown.stdout.hasPrefix("name: default\n"))
        let file = CLI.temporary("default.yaml")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try shown.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let ok = try CLI.run(["rules", "check", file, "rules/score.yaml"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("rule set 'default': 11 detectors") && ok.stdout.contains("rule set 'score'"))
        try "name: x\ncombine: {mode: vote}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["rules", "check", file])
        #expect(bad.status == 2 && bad.stderr == "callguard: \(file):2: combine.mode: 'vote' is not one of actions, score\n")
    }

    @Test func ruleSetListsAreLoadedRelativeToTheFile() throws {
        let dir = CLI.temporary("rules")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "+8613800*\n".write(toFile: dir + "/block.list", atomically: true, encoding: .utf8)
        try "name: lists\nlists: {blocklist: [block.list]}\n".write(toFile: dir + "/r.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["replay", "traces/smoke.pcap", "--rules", dir + "/r.yaml", "--verdicts", "-", "--summary", "none"])
        #expect(r.status == 0, "\(r.stderr)")
        let blocked = r.stdout.split(separator: "\n").filter { $0.contains("\"verdict\":\"block\"") }
        #expect(!blocked.isEmpty && blocked.allSatisfy { $0.contains("\"caller\":\"+8613800") })
    }
}
