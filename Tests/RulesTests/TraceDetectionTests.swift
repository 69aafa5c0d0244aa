import Blocklist
import Engine
import Foundation
import Harness
import Policy
import Rules
import Simulator
import Testing
import Wire

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// Replays a shipped labeled trace under a rule set and scores it against its labels.
typealias Screened = (score: Score, screener: PolicyScreener, warnings: [VictimWarning], verdicts: [(id: String, verdict: Verdict, reasons: [String])])

func screen(trace name: String, rules: RuleSet, list: LiveBlocklist = LiveBlocklist()) throws -> Screened {
    try screen(path: packageRoot + "/traces/\(name).pcap", rules: rules, list: list)
}

func screen(path: String, rules: RuleSet, list: LiveBlocklist = LiveBlocklist()) throws -> Screened {
    let labelsPath = String(path.dropLast(5)) + ".labels.csv"
    let labels = try LabelFile(text: try String(contentsOfFile: labelsPath, encoding: .utf8), path: labelsPath)
    let screener = PolicyScreener(policy: rules.policy(list: list))
    var verdicts: [(id: String, verdict: Verdict, reasons: [String])] = []
    var warnings: [VictimWarning] = []
    screener.onWarning = { warnings.append($0) }
    let engine = ReplayEngine(screener: screener)
    var scorer = Scorer(labels: labels)
    var legitFlags: [String: Int] = [:]
    engine.onVerdict = { call, decision in
        let id = call.callIDText
        scorer.add(callID: id, verdict: decision.verdict)
        verdicts.append((id, decision.verdict, decision.reasons))
        if decision.verdict == .flag, let i = labels.byCallID[id], !labels.rows[i].isFraud {
            for r in decision.reasons { legitFlags[r, default: 0] += 1 }
        }
        if decision.verdict == .block, let i = labels.byCallID[id], !labels.rows[i].isFraud {
            print("false positive: \(labels.rows[i].scenario) \(labels.rows[i].caller) -> \(labels.rows[i].callee) \(decision.reasons)")
        }
    }
    _ = engine.run(try CaptureMerger(paths: [path]))
    if !legitFlags.isEmpty { print("legit calls flagged by: \(legitFlags.sorted { $0.key < $1.key })") }
    return (scorer.finish(), screener, warnings, verdicts)
}

func report(_ name: String, _ s: Score) -> String {
    var lines = ["\(name): intercept \(pct(s.interceptRate)) of \(s.fraud.calls) fraud calls, false positives \(s.legit.blocked) of \(s.legit.calls) legit (\(pct(s.falsePositiveRate))), flagged legit \(s.legit.flagged)"]
    for (k, g) in s.perScenario.sorted(by: { $0.key < $1.key }) {
        lines.append("  \(k): \(g.blocked)/\(g.calls) blocked (\(pct(g.rate))), \(g.flagged) flagged")
    }
    let c = s.callsBeforeBlockStats
    lines.append("  calls before block per presented number: median \(c.median), p90 \(c.p90), max \(c.max) over \(s.callsBeforeBlock.count) sources")
    return lines.joined(separator: "\n")
}

func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

@Suite("Default rule set on the shipped labeled traces")
struct TraceDetectionTests {
    static let rules = try! RuleSetFile.parse(DefaultRuleSet.yaml, path: "default")

    @Test(arguments: ["smoke", "busy-hour-700"])
    func interceptsEachCampaign(_ name: String) throws {
        let s = try screen(trace: name, rules: Self.rules).score
        print(report(name, s))
        #expect(s.unlabeled == 0 && s.unseen == 0)
        // A rate needs calls to mean anything: campaigns scaled down to a handful of
        // calls (busy-hour-700 has 4 flood calls) are reported but not judged.
        for scenario in ["goip_simbox", "spoofed_origin", "wangiri", "flood", "scanning", "targeted"] {
            let g = s.perScenario[scenario]!
            guard g.calls >= 20 else { continue }
            // 90%: volume alone (a flood's first calls from a fresh number) only flags
            // now; a number is blocked once a second kind of evidence joins in, so each
            // fresh flood number gets a call or two through (smoke: 62 of 66).
            #expect(g.rate >= (scenario == "targeted" ? 0.80 : 0.90), "\(name) \(scenario): \(g.blocked)/\(g.calls)")
        }
        #expect(s.falsePositiveRate <= 0.001, "\(s.legit.blocked) legit calls blocked")
        #expect(s.callsBeforeBlockStats.median <= 5)
    }

    /// The busy hour at its full density (about 45,000 calls), generated fresh: enough
    /// legit calls for 1 in 10,000 to mean something, and every campaign with enough
    /// calls to judge. Density matters: at 20,000 calls no cell held eight busy handsets of
    /// one model, at 45,000 many do, and judging a busy caller by such a cell alone once
    /// blocked 0.1% of honest calls here.
    @Test func busyHourAtScale() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callguard-rules-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scenario = try ScenarioFile.parse(BuiltinScenarios.named("busy-hour")!, path: "busy-hour")
        try Generator(scenario: scenario, seed: 21).run(pcap: dir + "/bh.pcap", labels: dir + "/bh.labels.csv")
        let (s, screener, _, _) = try screen(path: dir + "/bh.pcap", rules: Self.rules)
        print(report("busy-hour full density, seed 21", s))
        #expect(s.legit.calls > 40_000)
        for scenario in ["goip_simbox", "spoofed_origin", "wangiri", "flood", "scanning", "targeted"] {
            let g = s.perScenario[scenario]!
            guard g.calls >= 20 else { continue }
            #expect(g.rate >= (scenario == "targeted" ? 0.80 : 0.95), "\(scenario): \(g.blocked)/\(g.calls)")
        }
        #expect(s.legit.blocked <= 4, "\(s.legit.blocked) of \(s.legit.calls) legit calls blocked (1 in 10,000 at most)")
        #expect(s.callsBeforeBlockStats.median <= 5)
        #expect(screener.autoBlocked > 0)
    }
}
