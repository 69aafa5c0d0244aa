import Blocklist
import Engine
import Foundation
import Harness
import Numbering
import Policy
import Rules
import Testing
import Wire

/// The policy's order and actions, on the shipped smoke and busy-hour traces.
@Suite("Policy screening and actions")
struct PolicyScreenerTests {
    static let rules = try! RuleSetFile.parse(DefaultRuleSet.yaml, path: "default")

    @Test func allowlistOverridesADetector() throws {
        let list = LiveBlocklist()
        try list.insert(BlocklistEntry(number: PhoneNumber(e164: "+88216")!, isPrefix: true, side: .allow, source: "test"))
        let run = try screen(trace: "smoke", rules: Self.rules, list: list)
        #expect(run.score.perScenario["wangiri"]!.blocked == 0, "allowlisted premium range is never blocked")
        #expect(run.score.perScenario["goip_simbox"]!.rate == 1, "other detectors still work")
    }

    @Test func autoBlockStopsLaterCallsByLookup() throws {
        let run = try screen(trace: "smoke", rules: Self.rules)
        #expect(run.screener.autoBlocked > 0)
        let byAuto = run.verdicts.filter { $0.reasons == ["auto"] }
        #expect(byAuto.count > 100, "most fraud after the first detection is stopped by the list")
        #expect(byAuto.allSatisfy { $0.verdict == .block })
    }

    @Test func autoBlockCanBeSwitchedOff() throws {
        let yaml = DefaultRuleSet.yaml.replacingOccurrences(of: "  auto_block: {ttl: 1h}\n", with: "")
        let rules = try RuleSetFile.parse(yaml, path: "no-auto")
        let run = try screen(trace: "smoke", rules: rules)
        #expect(run.screener.autoBlocked == 0 && !run.verdicts.contains { $0.reasons == ["auto"] })
        // Detectors alone still stop wangiri (premium range) on every call.
        #expect(run.score.perScenario["wangiri"]!.rate == 1)
    }

    @Test func victimWarningsNameCalleesOfNumbersLaterBlocked() throws {
        // The default rule set stops the shipped traces' fraud before anyone answers it;
        // rules/score.yaml is slower, so someone talks to a number blocked later.
        let slower = try RuleSetFile.parse(String(contentsOfFile: packageRoot + "/rules/score.yaml", encoding: .utf8), path: "score.yaml")
        let run = try screen(trace: "smoke", rules: slower)
        #expect(!run.warnings.isEmpty)
        let labels = try LabelFile(text: String(contentsOfFile: packageRoot + "/traces/smoke.labels.csv", encoding: .utf8), path: "l")
        let fraudCallers = Set(labels.rows.filter(\.isFraud).map(\.caller))
        for w in run.warnings {
            #expect(fraudCallers.contains(w.caller.description), "warned about \(w.caller), not a fraud number")
            #expect(w.talkSeconds >= 30 && w.callTime < w.warnedAt)
            #expect(labels.rows.contains { $0.caller == w.caller.description && $0.callee == w.callee.description })
        }
    }

    @Test func trustedTrunksBypassDetectors() throws {
        // A rule set that blocks every second call of any caller within a minute.
        let yaml = """
        name: strict
        trunks: [{name: bank, role: trusted, cidr: [192.0.2.90]}]
        detectors:
          call_rate: {per_minute_warning: 1, per_minute_critical: 2}
        """
        let run = try screen(trace: "smoke", rules: try RuleSetFile.parse(yaml, path: "strict"))
        #expect(run.score.perScenario["bank-95588"]!.blocked == 0)
        #expect(run.score.perScenario["call-centre"]!.blocked > 0, "the same volume from an untrusted trunk is blocked")
    }

    @Test func scoreCombinationNeedsTwoDetectors() throws {
        let yaml = """
        name: score
        numbering: {premium_ranges: ["+88216"]}
        detectors:
          wangiri: {weight: 1}
          new_number_burst: {weight: 1, warning: 2, critical: 3}
        combine: {mode: score, flag_at: 1, block_at: 2}
        """
        let run = try screen(trace: "smoke", rules: try RuleSetFile.parse(yaml, path: "score"))
        let w = run.score.perScenario["wangiri"]!
        #expect(w.flagged > 0, "the premium range alone only reaches the flag threshold")
        #expect(w.blocked > 0 && w.blocked < w.calls, "with a burst as well it blocks")
    }

    @Test func sameTraceSameVerdicts() throws {
        let a = try screen(trace: "smoke", rules: Self.rules).verdicts
        let b = try screen(trace: "smoke", rules: Self.rules).verdicts
        #expect(a.map(\.id) == b.map(\.id) && a.map(\.verdict) == b.map(\.verdict) && a.map(\.reasons) == b.map(\.reasons))
    }
}

/// A `reset` update lifts an auto-block and clears the detectors' counters for one number.
@Suite("Per-entity reset")
struct ResetTests {
    @Test func resetLiftsAutoBlockAndForgetsTheCaller() throws {
        let rules = try RuleSetFile.parse(DefaultRuleSet.yaml, path: "default")
        // Find a flood number that got auto-blocked, and the time of its first "auto" block.
        let first = try screen(trace: "smoke", rules: rules)
        let labels = try LabelFile(text: String(contentsOfFile: packageRoot + "/traces/smoke.labels.csv", encoding: .utf8), path: "l")
        let flood = first.verdicts.filter { v in labels.rows[labels.byCallID[v.id]!].scenario == "flood" }
        let autoIndex = try #require(flood.firstIndex { $0.reasons == ["auto"] })
        let caller = labels.rows[labels.byCallID[flood[autoIndex].id]!].caller
        let later = flood[autoIndex...].filter { labels.rows[labels.byCallID[$0.id]!].caller == caller }
        #expect(later.count >= 3 && later.allSatisfy { $0.verdict == .block })

        // Replay with a reset of that number just before its first auto-blocked call.
        let trace = packageRoot + "/traces/smoke.pcap"
        let list = LiveBlocklist()
        let screener = PolicyScreener(policy: rules.policy(list: list))
        var times: [String: Int64] = [:]
        let probe = ReplayEngine(screener: AllowAllScreener())
        probe.onVerdict = { call, _ in times[call.callIDText] = call.context.timestamp }
        _ = probe.run(try CaptureMerger(paths: [trace]))
        let resetAt = times[flood[autoIndex].id]! - 1_000_000
        let update = BlocklistUpdate(time: resetAt, operation: .reset, entry: BlocklistEntry(number: PhoneNumber(e164: caller)!))
        let schedule = BlocklistSchedule(list: list, updates: [update], startingWithTrace: [])
        schedule.onReset = { screener.reset(caller: $0) }
        let engine = ReplayEngine(screener: screener, schedule: schedule)
        var after: [Verdict] = []
        engine.onVerdict = { call, d in
            if call.context.timestamp >= resetAt, call.caller.number?.description == caller { after.append(d.verdict) }
        }
        _ = engine.run(try CaptureMerger(paths: [trace]))
        #expect(after.first == .allow, "the reset number's next call gets through")
        #expect(after.contains(.block), "and the detectors catch it again from scratch")
    }
}
