import Simulator
import Testing

@Suite("Scenario files")
struct ScenarioFileTests {
    @Test func builtInScenariosParse() throws {
        for (name, yaml) in BuiltinScenarios.all {
            let s = try ScenarioFile.parse(yaml, path: name)
            #expect(s.name == name)
            #expect(s.campaigns.count >= 6, "\(name) covers every campaign kind")
            // A hijacked PBX needs an enterprise trunk, which only the adversarial network has.
            let kinds = Set(s.campaigns.map(\.kind))
            #expect(kinds.union([.pbxHijack]) == Set(Campaign.Kind.allCases))
            #expect(kinds.contains(.pbxHijack) == (name == "adversarial"))
        }
        let smoke = try ScenarioFile.parse(BuiltinScenarios.smoke, path: "smoke")
        #expect(smoke.duration == 60_000_000_000)
        #expect(smoke.start == 1_763_632_800_000_000_000)   // 2025-11-20T10:00:00Z
        #expect(smoke.population.blocks.first == "8613800")
        #expect(smoke.network.access[1].sbc[0].isIPv6)
        #expect(smoke.normal.highVolume.map(\.name) == ["bank-95588", "call-centre"])
    }

    /// Replaces `old` in the smoke scenario and expects the parse to fail with `message`.
    func failure(_ old: String, _ new: String) -> String {
        let yaml = BuiltinScenarios.smoke.replacingFirst(old, with: new)
        #expect(yaml != BuiltinScenarios.smoke, "fixture text '\(old)' not found")
        do {
            _ = try ScenarioFile.parse(yaml, path: "s.yaml")
            return "accepted"
        } catch {
            return error.description
        }
    }

    /// Line numbers are those of the smoke scenario's text (lines 1-49).
    @Test func errorsNameFileLineAndKey() {
        #expect(failure("duration: 60s", "duration: soon") == "s.yaml:4: duration: 'soon' is not a duration (e.g. 90s, 500ms, 5m, 2h)")
        #expect(failure("duration: 60s", "durations: 60s") == "s.yaml:1: duration: missing (required)")
        #expect(failure("country_code: \"86\"", "country_code: \"86\"\ncolour: blue") == "s.yaml:6: colour: unknown key")
        #expect(failure("subscribers: 2000", "subscribers: -5") == "s.yaml:18: population.subscribers: -5 is outside 1...100000000")
        #expect(failure("trunk: bank-trunk}", "trunk: no-such}") == "s.yaml:35: normal.high_volume[0].trunk: no trunk named 'no-such'")
        #expect(failure("type: goip_simbox", "type: goip") ==
                "s.yaml:39: campaigns[0].type: 'goip' is not one of goip_simbox, spoofed_origin, wangiri, flood, scanning, targeted, pbx_hijack")
        #expect(failure("{type: wangiri, calls_per_hour: 3000,", "{type: pbx_hijack, calls_per_hour: 3000,") ==
                "s.yaml:46: campaigns[2].trunk: 'intl-gw' is not an enterprise trunk: a hijacked PBX calls through its customer's trunk")
        #expect(failure("elderly_blocks: [\"+8613900\"]", "elderly_blocks: [\"+8617700\"]") ==
                "s.yaml:22: population.elderly_blocks: +8617700 is not one of the population's blocks")
        #expect(failure("start: 2025-11-20T10:00:00Z", "start: yesterday") ==
                "s.yaml:3: start: 'yesterday' is not a UTC time like 2025-11-20T09:00:00Z or Unix seconds")
        // Found by the scenario fuzz target: nanoseconds past 2262 overflowed (a trap).
        #expect(failure("start: 2025-11-20T10:00:00Z", "start: 2707-11-20T10:00:00Z") ==
                "s.yaml:3: start: '2707-11-20T10:00:00Z' is outside the years 1970-2099")
        #expect(failure("answered: 0.7,", "answered: 0.5,") == "s.yaml:29: normal.outcomes: outcome shares must add up to 1")
        #expect(failure("{type: wangiri, calls_per_hour: 3000, trunk: intl-gw,", "{type: wangiri, calls_per_hour: 3000,") ==
                "s.yaml:46: campaigns[2].trunk: a wangiri campaign enters on a trunk; name it")
        #expect(failure("{type: spoofed_origin, calls_per_hour: 3000, trunk: intl-gw,", "{type: spoofed_origin, calls_per_hour: 3000, trunk: bank-trunk,") ==
                "s.yaml:45: campaigns[1].trunk: 'bank-trunk' is a trusted trunk: spoofed calls enter on an international or domestic one")
        #expect(failure("core: {ipv4: 10.10.0.1,", "core: {ipv4: 10.10.0.300,") == "s.yaml:7: network.core.ipv4: '10.10.0.300' is not an IPv4 address")
        #expect(failure("blocks: [\"+8613800\",", "blocks: [\"8613800\",") ==
                "s.yaml:19: population.blocks: '8613800' is not an E.164 number or prefix written with '+'")
        #expect(failure("window: [0.2, 0.9]", "window: [0.9, 0.2]") ==
                "s.yaml:47: campaigns[3].window: expected [from, to] as fractions of the duration, 0 <= from < to <= 1")
        #expect(failure("name: smoke", "name: [smoke") .hasPrefix("s.yaml:"))
        #expect(failure("name: smoke", "name: [smoke").contains("not valid YAML"))
    }
}

extension String {
    func replacingFirst(_ old: String, with new: String) -> String {
        guard let r = range(of: old) else { return self }
        return replacingCharacters(in: r, with: new)
    }
}
