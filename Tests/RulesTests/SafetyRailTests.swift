import Blocklist
import Calls
import Engine
import Numbering
import Policy
import Rules
import Testing
import Wire

/// The rails that keep the policy from hurting the people it protects, each on the
/// smallest crafted trace that shows it.
@Suite("Policy safety rails")
struct SafetyRailTests {
    static let rules = try! RuleSetFile.parse(DefaultRuleSet.yaml, path: "default")
    static let intl = "203.0.113.50", domestic = "203.0.113.60", trusted = "192.0.2.90", access = "198.51.100.10"

    @Test func trustedTrunksAreAllowedBeforeTheLists() throws {
        let list = LiveBlocklist()
        try list.insert(BlocklistEntry(number: PhoneNumber(e164: "+8613911112222")!, source: "test"))
        var t = CraftedTrace()
        t.add(.init(at: 0, caller: "+8613911112222", callee: "+8613800001111", source: Self.trusted))
        t.add(.init(at: 10, caller: "+8613911112222", callee: "+8613800001112", source: Self.access))
        let run = try t.replay(Self.rules, list: list)
        #expect(run.verdicts == [.allow, .block], "the trusted partner answers for its calls; the same number elsewhere is listed")
    }

    @Test func callsToEmergencyNumbersAreNeverBlocked() throws {
        let list = LiveBlocklist()
        try list.insert(BlocklistEntry(number: PhoneNumber(e164: "+8613911112222")!, kind: .auto, source: "auto:test"))
        var t = CraftedTrace()
        t.add(.init(at: 0, caller: "+8613911112222", callee: "+86110"))
        t.add(.init(at: 5, caller: "+8613911112222", callee: "+86120"))
        t.add(.init(at: 10, caller: "+8613911112222", callee: "+8613800001111"))
        let run = try t.replay(Self.rules, list: list)
        #expect(run.verdicts == [.allow, .allow, .block])
    }

    /// A spoofed official number is blocked on every call, but the number itself never
    /// lands on the list: the police must stay reachable and able to call out.
    @Test func spoofedServiceNumbersAreBlockedButNeverAutoBlocked() throws {
        let list = LiveBlocklist()
        var t = CraftedTrace()
        for i in 0..<5 {
            t.add(.init(at: Double(i) * 20, caller: "+86110", callee: "+861380000\(1000 + i)", source: i % 2 == 0 ? Self.intl : Self.domestic))
        }
        // The police call a citizen from their own network afterwards.
        t.add(.init(at: 200, caller: "+86110", callee: "+8613800009999", source: Self.trusted))
        let run = try t.replay(Self.rules, list: list)
        #expect(run.verdicts == [.block, .block, .block, .block, .block, .allow])
        #expect(run.decisions[1].reasons.contains("spoofed_origin"), "presented over the domestic interconnect too")
        #expect(list.match(PhoneNumber(e164: "+86110")!, at: CraftedTrace.start) == nil)
        #expect(run.screener.autoBlocked == 0)
    }

    /// An allowlisted number a detector finds critical is neither blocked nor listed.
    @Test func allowlistedNumbersAreNeverAutoBlocked() throws {
        let list = LiveBlocklist()
        let caller = PhoneNumber(e164: "+8613911113333")!
        try list.insert(BlocklistEntry(number: caller, side: .allow, source: "test"))
        var t = CraftedTrace()
        for i in 0..<30 { t.add(.init(at: Double(i), caller: "+8613911113333", callee: "+861380000\(1000 + i)", source: Self.domestic)) }
        let run = try t.replay(Self.rules, list: list)
        #expect(run.verdicts.allSatisfy { $0 == .allow })
        #expect(list.match(caller, at: CraftedTrace.start)?.isAllowed == true)
        #expect(run.screener.autoBlocked == 0)
    }

    /// Withheld callers are not one caller: thirty anonymous people calling in the same
    /// minute, half through the access SBC (identity asserted in P-Asserted-Identity),
    /// half over the domestic interconnect with nothing but `anonymous`, are thirty people.
    @Test func anonymousCallersDoNotShareOneKey() throws {
        var t = CraftedTrace()
        for i in 0..<30 {
            let asserted = i % 2 == 0
            t.add(.init(at: Double(i) * 2, caller: "anonymous", callee: "+861380000\(1000 + i * 37)",
                        source: asserted ? Self.access : Self.domestic,
                        headers: asserted ? ["Privacy: id", "P-Asserted-Identity: <tel:+86139000\(10000 + i * 53)>"] : ["Privacy: id"]))
        }
        let run = try t.replay(Self.rules)
        #expect(run.verdicts.allSatisfy { $0 == .allow }, "\(run.decisions.filter { $0.verdict != .allow }.map(\.reasons))")
        #expect(run.screener.autoBlocked == 0)
    }

    /// Weak signals that agree flag a call; with `block_needs_critical` they never block
    /// it: two warnings from two families reach `block_at`, and still only flag.
    @Test func warningsAloneOnlyFlag() throws {
        func run(_ needsCritical: Bool) throws -> [Verdict] {
            let yaml = """
            name: warnings
            detectors:
              call_rate: {weight: 2, family: volume, per_minute_warning: 2, per_minute_critical: 100, per_hour_warning: 1000, per_hour_critical: 2000}
              fan_out: {weight: 2, family: reach, window: 10m, warning: 2, critical: 100}
            combine: {mode: score, flag_at: 1, block_at: 2, block_needs_critical: \(needsCritical)}
            """
            var t = CraftedTrace()
            for i in 0..<3 { t.add(.init(at: Double(i) * 5, caller: "+8613911116666", callee: "+861380000\(1000 + i * 77)")) }
            return try t.replay(try RuleSetFile.parse(yaml, path: "warnings.yaml")).verdicts
        }
        #expect(try run(false) == [.allow, .block, .block], "1 + 1 reaches block_at")
        #expect(try run(true) == [.allow, .flag, .flag])
    }

    /// Calls that end without a final message (time-outs) reach the detectors: a caller
    /// whose earlier calls timed out is not counted as still on them.
    @Test func timedOutCallsReachTheDetectors() throws {
        var config = ReplayConfiguration()
        config.calls.setupTimeout = 5_000_000_000
        var t = CraftedTrace()
        for i in 0..<6 {
            t.add(.init(at: Double(i) * 30, caller: "+8613911114444", callee: "+861380000\(1000 + i * 101)", ending: .unanswered))
        }
        let run = try t.replay(Self.rules, configuration: config)
        #expect(run.result.calls.outcomes[Int(CallOutcome.timedOut.rawValue)] >= 5)
        let concurrent = run.screener.policy.detectors.firstIndex { $0.detector.id == "concurrent_calls" }!
        #expect(run.screener.findings[concurrent][1] == 0 && run.screener.findings[concurrent][2] == 0,
                "six calls 30 s apart that each timed out after 5 s never overlap")
        #expect(run.verdicts.allSatisfy { $0 == .allow })
    }

    /// A blocked call never reached its callee, whatever the capture shows afterwards:
    /// the detectors learn it as rejected, so a listed number's calls that the capture
    /// plays out as long answered ones do not vouch for it once the listing expires.
    @Test func blockedCallsEndAsRejectedForTheDetectors() throws {
        func run(_ blockedCalls: String) throws -> CraftedTrace.Run {
            let yaml = DefaultRuleSet.yaml.replacingOccurrences(of: "blocked_calls: reject", with: "blocked_calls: \(blockedCalls)")
            let rules = try RuleSetFile.parse(yaml, path: blockedCalls)
            let list = LiveBlocklist()
            try list.insert(BlocklistEntry(number: PhoneNumber(e164: "+8613911115555")!, kind: .reported, source: "test",
                                           expiresAt: CraftedTrace.start + 300_000_000_000))
            var t = CraftedTrace()
            for i in 0..<10 {
                t.add(.init(at: Double(i) * 40, caller: "+8613911115555", callee: "+861380000\(1000 + i * 101)",
                            ending: .answered(talk: 30)))
            }
            return try t.replay(rules, list: list)
        }
        let rejected = try run("reject"), played = try run("play")
        let shortCalls = rejected.screener.policy.detectors.firstIndex { $0.detector.id == "short_calls" }!
        // Calls at 0..280 s are listed; 320 s is the first after the listing expires.
        #expect(rejected.verdicts.prefix(8).filter { $0 == .block }.count == 8)
        #expect(rejected.screener.findings[shortCalls][1] + rejected.screener.findings[shortCalls][2] > 0,
                "eight calls that never got through make a poor answer ratio")
        #expect(played.screener.findings[shortCalls][1] + played.screener.findings[shortCalls][2] == 0,
                "played out, they look like answered calls")
    }

    /// A customer's enterprise trunk is judged by its own contract (declared on the trunk):
    /// within it, a PBX presenting one number to many people is left alone; past twice the
    /// contract its excess calls are refused, and its number, which every honest call of
    /// the customer presents, is never auto-blocked.
    @Test func anEnterpriseTrunkIsJudgedByItsContract() throws {
        let yaml = DefaultRuleSet.yaml.replacingOccurrences(of: "contract: {calls_per_minute: 30, concurrent: 60}",
                                                            with: "contract: {calls_per_minute: 10}")
        #expect(yaml != DefaultRuleSet.yaml)
        let rules = try RuleSetFile.parse(yaml, path: "acme")
        var t = CraftedTrace()
        func customer(_ i: Int) -> String { "+86139" + String(10_000_000 + i * 7919 % 90_000_000) }
        // Eight calls in the first minute (within the contract), then 25 in the third.
        for i in 0..<8 { t.add(.init(at: Double(i) * 7, caller: "+862168001234", callee: customer(i), source: "192.0.2.70")) }
        for i in 0..<25 { t.add(.init(at: 120 + Double(i) * 2, caller: "+862168001234", callee: customer(100 + i), source: "192.0.2.70")) }
        let run = try t.replay(rules)
        #expect(run.verdicts.prefix(8).allSatisfy { $0 == .allow })
        let surge = Array(run.decisions.suffix(25))
        #expect(surge.prefix(10).allSatisfy { $0.verdict == .allow }, "within the contract: \(surge)")
        #expect(surge[10..<20].allSatisfy { $0.verdict == .flag && $0.reasons == ["trunk_volume"] }, "over the contract: \(surge)")
        #expect(surge.suffix(5).allSatisfy { $0.verdict == .block && $0.reasons == ["trunk_volume"] }, "over twice the contract: \(surge)")
        #expect(run.screener.autoBlocked == 0)

        let other = yaml.replacingOccurrences(of: "{name: bank-trunk, role: trusted, cidr: [192.0.2.90]}",
                                              with: "{name: bank-trunk, role: trusted, cidr: [192.0.2.90], contract: {concurrent: 5}}")
        #expect(throws: (any Error).self) { try RuleSetFile.parse(other, path: "bad") }
    }
}
