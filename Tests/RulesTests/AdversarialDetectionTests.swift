import Foundation
import Harness
import Rules
import Simulator
import Testing

/// The default rule set against the `adversarial` scenario: campaigns that rotate their
/// caller IDs, a SIM box that looks like handsets, official numbers spoofed over the
/// domestic interconnect, and an honest crowd the old detectors hurt (anonymous
/// callers, quick hang-ups, lost BYEs, couriers, an enterprise PBX presenting one
/// number, MVNO subscribers, bursts over the domestic interconnect). The seed is this
/// test's own: the rule set was measured on others (README), never tuned to this one.
@Suite("Default rule set on adversarial traffic")
struct AdversarialDetectionTests {
    static let rules = try! RuleSetFile.parse(DefaultRuleSet.yaml, path: "default")

    @Test func campaignsNotNumbersAndHonestCallersSafe() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callguard-adv-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scenario = try ScenarioFile.parse(BuiltinScenarios.named("adversarial")!, path: "adversarial")
        var plans: [String: CallPlan] = [:]
        try Generator(scenario: scenario, seed: 97, targetCalls: 20_000)
            .run(pcap: dir + "/adv.pcap", labels: dir + "/adv.labels.csv") { plans[$0.callID] = $0 }
        let (s, _, _, verdicts) = try screen(path: dir + "/adv.pcap", rules: Self.rules)
        print(report("adversarial 20k seed 97", s))
        let bySource = s.callsBeforeBlockBySourceStats
        print("  calls before block per campaign source: median \(bySource.median), p90 \(bySource.p90), max \(bySource.max)")

        #expect(s.unlabeled == 0 && s.unseen == 0)
        // The SIM box's SIMs are the operator's, but none a subscriber of the scenario holds.
        let simboxNumbers = Set(plans.values.filter { $0.scenario == "simbox_handset" }.map(\.caller.digits))
        let honestNumbers = Set(plans.values.filter { $0.label == .legit }.map(\.caller.digits))
        #expect(simboxNumbers.count >= 32 && simboxNumbers.isDisjoint(with: honestNumbers))
        #expect(s.legit.calls > 15_000)
        // Issue 11's targets: 97% overall, 90% for every kind (ten seeds no test uses measure
        // 97.4-97.8% overall, every kind 92.1% at worst; README).
        #expect(s.interceptRate >= 0.97, "\(s.fraud.blocked)/\(s.fraud.calls)")
        for (name, g) in s.perScenario where name.hasSuffix("_rotating") || ["simbox_handset", "spoofed_domestic", "spoofed_origin", "targeted", "pbx_hijack"].contains(name) {
            #expect(g.calls >= 50, "\(name) has too few calls to judge")
            #expect(g.rate >= 0.90, "\(name): \(g.blocked)/\(g.calls)")
        }
        // 1 honest call in 10,000 at most: over ~18,000 calls, one.
        #expect(s.legit.blocked <= 1, "\(s.legit.blocked) of \(s.legit.calls) honest calls blocked")
        // At most 2 calls pass before a campaign source is blocked, at the median of its nine.
        #expect(bySource.median <= 2)

        // Every kind of honest caller the old detectors hurt is present and unharmed.
        let blocked = Set(verdicts.filter { $0.verdict == .block }.map(\.id))
        func kind(_ name: String, _ test: (CallPlan) -> Bool) {
            let calls = plans.values.filter { $0.label == .legit && test($0) }
            let hurt = calls.filter { blocked.contains($0.callID) }
            print("  honest \(name): \(hurt.count)/\(calls.count) blocked")
            #expect(calls.count >= 20, "the scenario makes too few \(name) calls to judge")
            #expect(hurt.isEmpty, "\(name): \(hurt.prefix(3).map { "\($0.caller.digits)->\($0.callee.digits)" })")
        }
        kind("anonymous") { $0.anonymous }
        kind("quick hang-up") { $0.scenario == "normal" && $0.outcome == .cancelled && $0.ringSeconds <= 4 }
        kind("lost BYE") { $0.loseBye }
        kind("MVNO subscriber") { $0.caller.digits.hasPrefix("8617012") || $0.caller.digits.hasPrefix("8617105") }
        kind("courier") { $0.scenario == "courier" }
        kind("domestic interconnect") { $0.scenario == "domestic" }
        // A block of 10,000 numbers as a real interconnect carries it: a hundred callers in
        // ten minutes, which a count of distinct callers per block would take for a campaign.
        kind("dense number block") { $0.scenario == "domestic" && $0.caller.digits.hasPrefix("86189123") }
        kind("enterprise PBX") { $0.scenario == "enterprise-pbx" }
    }
}
