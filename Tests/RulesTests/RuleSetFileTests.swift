import Blocklist
import Detectors
import Engine
import Foundation
import Numbering
import Rules
import Testing
import Wire

@Suite("Rule-set files")
struct RuleSetFileTests {
    @Test func defaultRuleSetParsesWithEveryDetector() throws {
        let r = try RuleSetFile.parse(DefaultRuleSet.yaml, path: "default")
        #expect(r.name == "default")
        #expect(Set(r.detectorIDs) == ["spoofed_origin", "wangiri", "simbox", "sequential", "campaign", "new_number_burst",
                                       "fan_out", "call_rate", "concurrent_calls", "short_calls", "trunk_volume"])
        #expect(r.trunks.role(of: IPAddress(ipv4: "203.0.113.50")!) == .international)
        #expect(r.trunks.role(of: IPAddress(ipv4: "198.51.100.77")!) == .access)
        #expect(r.trunks.role(of: IPAddress(ipv4: "198.18.0.10")!) == .unknown)
        #expect(r.autoBlock?.ttlSeconds == 3600 && r.warnings?.minTalkSeconds == 30)
    }

    /// The example rule sets in `rules/` stay valid and each screens the smoke trace
    /// without blocking a legit call.
    @Test func exampleRuleSetsParseAndRun() throws {
        let dir = packageRoot + "/rules"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 2)
        for f in files {
            let rules = try RuleSetFile.parse(try String(contentsOfFile: dir + "/" + f, encoding: .utf8), path: f)
            let s = try screen(trace: "smoke", rules: rules).score
            print(report("smoke under rules/\(f)", s))
            #expect(s.legit.blocked == 0, "\(f) blocks legit calls")
            #expect(s.interceptRate > 0.8, "\(f) intercepts \(s.interceptRate)")
        }
    }

    func failure(_ yaml: String) -> String {
        do {
            _ = try RuleSetFile.parse(yaml, path: "r.yaml")
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test func everyValidationErrorNamesFileLineAndKey() {
        #expect(failure("description: x\n") == "r.yaml:1: name: missing (required)")
        #expect(failure("name: a\ncolour: blue\n") == "r.yaml:2: colour: unknown key")
        #expect(failure("name: a\ndetectors:\n  fan_in: {}\n") ==
                "r.yaml:3: detectors.fan_in: unknown detector (known: call_rate, fan_out, short_calls, sequential, wangiri, spoofed_origin, simbox, new_number_burst, campaign, concurrent_calls, trunk_volume)")
        #expect(failure("name: a\ndetectors:\n  fan_out: {window: soon}\n") ==
                "r.yaml:3: detectors.fan_out.window: 'soon' is not a duration (e.g. 90s, 500ms, 5m, 2h)")
        #expect(failure("name: a\ndetectors:\n  fan_out: {critical: -1}\n") == "r.yaml:3: detectors.fan_out.critical: -1 is outside 1.0...1000000000.0")
        #expect(failure("name: a\ndetectors:\n  fan_out: {treshold: 3}\n") == "r.yaml:3: detectors.fan_out.treshold: unknown key")
        #expect(failure("name: a\ndetectors:\n  fan_out: {action: {critical: drop}}\n") ==
                "r.yaml:3: detectors.fan_out.action.critical: 'drop' is not one of none, flag, block")
        #expect(failure("name: a\ndetectors:\n  fan_out:\n    profiles: {vip: {critical: 9}}\n") ==
                "r.yaml:4: detectors.fan_out.profiles.vip: no profile named 'vip' (profiles: )")
        #expect(failure("name: a\ntrunks:\n  - {name: t, role: satellite, cidr: [192.0.2.1]}\n") ==
                "r.yaml:3: trunks[0].role: 'satellite' is not one of unknown, access, domestic, international, enterprise, trusted")
        #expect(failure("name: a\ntrunks:\n  - {name: t, role: domestic, cidr: [192.0.2.0/33]}\n") ==
                "r.yaml:3: trunks[0].cidr: '192.0.2.0/33' is not an address or CIDR block (192.0.2.0/24, 2001:db8::/32)")
        #expect(failure("name: a\nnumbering:\n  premium_ranges: [\"88216\"]\n") ==
                "r.yaml:3: numbering.premium_ranges: '88216' is not an E.164 number or prefix like +86170 or +86170*")
        #expect(failure("name: a\nprofiles:\n  - {name: night, hours: 25-6}\n") ==
                "r.yaml:3: profiles[0].hours: '25-6' is not an hour range like 22-06 or 08-20")
        #expect(failure("name: a\nprofiles:\n  - {name: p}\n") == "r.yaml:3: profiles[0]: a profile needs callers, hours, roles, trunks or a mix of them")
        #expect(failure("name: a\ncombine: {mode: vote}\n") == "r.yaml:2: combine.mode: 'vote' is not one of actions, score")
        #expect(failure("name: a\ncombine: {mode: score, flag_at: 2, block_at: 1}\n") == "r.yaml:2: combine.block_at: 1 is outside 2.0...1000000.0")
        #expect(failure("name: a\nactions: {auto_block: {}}\n") == "r.yaml:2: actions.auto_block.ttl: missing (required)")
        #expect(failure("name: [a\n").hasPrefix("r.yaml:"))
    }

    @Test func profilesByCallerPrefixAndTimeOfDay() throws {
        let yaml = """
        name: p
        utc_offset: 8
        profiles:
          - {name: business, callers: ["+86400"]}
          - {name: night, hours: 22-06}
        detectors:
          fan_out:
            warning: 3
            critical: 5
            profiles:
              business: {warning: 100, critical: 200}
              night: {warning: 2, critical: 3}
        """
        let r = try RuleSetFile.parse(yaml, path: "p.yaml")
        let p = r.policy(list: LiveBlocklist())
        // 2025-11-20T02:00Z is 10:00 at UTC+8 (day); 15:00Z is 23:00 (night).
        let day: Nanoseconds = 1_763_604_000 * 1_000_000_000, night: Nanoseconds = 1_763_650_800 * 1_000_000_000
        #expect(p.profiles.index(caller: PhoneNumber(e164: "+864008001000"), at: day) == 1)
        #expect(p.profiles.index(caller: PhoneNumber(e164: "+8613800000001"), at: day) == 0)
        #expect(p.profiles.index(caller: PhoneNumber(e164: "+8613800000001"), at: night) == 2)
        #expect(p.profiles.index(caller: PhoneNumber(e164: "+864008001000"), at: night) == 1, "the first matching profile wins")

        let d = p.detectors[0].detector
        func levels(_ caller: String, at t: Nanoseconds, profile: Int) -> [Level] {
            (0..<5).map { i in
                var f = CallFacts()
                f.time = t + Nanoseconds(i) * 1_000_000_000
                f.caller = PhoneNumber(e164: caller)
                f.callerKey = f.caller!.key
                f.callee = PhoneNumber(e164: "+8613900000" + String(100 + i))
                f.calleeKey = f.callee!.key
                f.profile = profile
                return d.screen(f).level
            }
        }
        #expect(levels("+8613800000001", at: day, profile: 0).last == .critical)
        #expect(levels("+864008001000", at: day, profile: 1).allSatisfy { $0 == .none })
        #expect(levels("+8613800000002", at: night, profile: 2)[2] == .critical)
    }

    /// A customer's profile names its trunk: every address of that trunk, and no other
    /// enterprise trunk, gets the customer's contract.
    @Test func profilesByTrunkName() throws {
        let yaml = """
        name: t
        trunks:
          - {name: acme-pbx, role: enterprise, cidr: [192.0.2.70, 192.0.2.71], contract: {calls_per_minute: 30, concurrent: 40}}
          - {name: other-pbx, role: enterprise, cidr: [192.0.2.80]}
        profiles:
          - {name: acme, trunks: [acme-pbx]}
          - {name: enterprise, roles: [enterprise]}
        detectors:
          trunk_volume:
            profiles:
              acme: {per_minute_contract: 30}
        """
        let p = try RuleSetFile.parse(yaml, path: "t.yaml").policy(list: LiveBlocklist())
        func profile(_ address: String) -> Int {
            let (role, trunk, _) = p.trunks.lookup(IPAddress(ipv4: address)!)
            return p.profiles.index(caller: nil, role: role, trunk: trunk, at: 0)
        }
        #expect(profile("192.0.2.70") == 1 && profile("192.0.2.71") == 1)
        #expect(profile("192.0.2.80") == 2)
        #expect(profile("198.51.100.1") == 0)
        #expect(p.trunks.names == ["acme-pbx", "other-pbx"])
        #expect(p.trunks.lookup(IPAddress(ipv4: "192.0.2.71")!).contract == TrunkContract(callsPerMinute: 30, concurrent: 40))
        #expect(p.trunks.lookup(IPAddress(ipv4: "192.0.2.80")!).contract == TrunkContract())
        let wrong = yaml.replacingOccurrences(of: "trunks: [acme-pbx]", with: "trunks: [acme]")
        #expect(failure(wrong) == "r.yaml:6: profiles[0].trunks: no trunk named 'acme' (trunks: acme-pbx, other-pbx)")
    }
}
