import ConfigFile
import Yams

#if canImport(Glibc)
import Glibc
#endif

/// A scenario file that cannot be used, as `file:line: key: reason`.
public typealias ScenarioError = ConfigError

/// Reads scenario YAML into a `Scenario`, checking every key and value: unknown keys,
/// wrong types, values out of range and dangling references are errors that name the
/// file, the line and the key.
public enum ScenarioFile {
    public static func parse(_ yaml: String, path: String) throws(ScenarioError) -> Scenario {
        try scenario(try ConfigFields.document(yaml, path: path, what: "scenario"))
    }

    private static func scenario(_ r: ConfigFields) throws(ScenarioError) -> Scenario {
        let name = try r.string("name")
        let description = try r.string("description", default: "")
        let start = try r.time("start")
        let duration = try r.duration("duration", range: 1...(30 * 86_400))
        let cc = try r.digits("country_code", default: "86", length: 1...3)
        let network = try self.network(try r.fields("network"))
        let population = try self.population(try r.fields("population"), cc: cc)
        let normal = try self.normal(try r.fields("normal"), network: network)
        var campaigns: [Campaign] = []
        for c in try r.list("campaigns", default: []) {
            campaigns.append(try campaign(c, network: network))
        }
        try r.finish()
        return Scenario(name: name, description: description, start: start, duration: Int64(duration * 1e9),
                        countryCode: cc, network: network, population: population, normal: normal, campaigns: campaigns)
    }

    private static func network(_ r: ConfigFields) throws(ScenarioError) -> Network {
        let core = try r.fields("core")
        let v4 = try core.address("ipv4", v6: false)
        let v6 = try core.address("ipv6", v6: true)
        try core.finish()
        var access: [AccessNetwork] = []
        for a in try r.list("access") {
            let kind = try a.choice("kind", AccessNetwork.Kind.self)
            let n = AccessNetwork(
                name: try a.string("name"), kind: kind, share: try a.double("share", default: 1, range: 0...1e6),
                sbc: try a.addresses("sbc"), vlan: try a.optionalInt("vlan", range: 1...4094),
                tcpShare: try a.double("tcp_share", default: 0, range: 0...1),
                cells: try a.int("cells", default: kind == .volte ? 50 : 0, range: 0...1_000_000),
                plmn: try a.digits("plmn", default: "46000", length: 5...6),
                assertsIdentity: try a.bool("asserts_identity", default: true))
            try a.finish()
            access.append(n)
        }
        guard !access.isEmpty else { throw r.error("access", "at least one access network is needed") }
        var trunks: [Trunk] = []
        for t in try r.list("trunks", default: []) {
            trunks.append(Trunk(name: try t.string("name"), role: try t.choice("role", Trunk.Role.self),
                                ip: try t.address("ip", v6: nil), vlan: try t.optionalInt("vlan", range: 1...4094),
                                tcpShare: try t.double("tcp_share", default: 0, range: 0...1)))
            try t.finish()
        }
        try r.finish()
        return Network(coreIPv4: v4, coreIPv6: v6, access: access, trunks: trunks)
    }

    private static func population(_ r: ConfigFields, cc: String) throws(ScenarioError) -> Population {
        let p = Population(
            subscribers: try r.int("subscribers", range: 1...100_000_000),
            blocks: try r.numbers("blocks"),
            numberLength: try r.int("number_length", default: 13, range: 4...15),
            elderlyShare: try r.double("elderly_share", default: 0, range: 0...1),
            elderlyBlocks: try r.numbers("elderly_blocks", default: []),
            elderlyConcentration: try r.double("elderly_concentration", default: 0.8, range: 0...1))
        for b in p.elderlyBlocks where !p.blocks.contains(b) {
            throw r.error("elderly_blocks", "+\(b) is not one of the population's blocks")
        }
        try r.finish()
        return p
    }

    private static func normal(_ r: ConfigFields, network: Network) throws(ScenarioError) -> NormalTraffic {
        let curve = try r.doubles("daily_curve", default: Array(repeating: 1, count: 24))
        guard curve.count == 24, curve.allSatisfy({ $0 >= 0 }), curve.contains(where: { $0 > 0 }) else {
            throw r.error("daily_curve", "needs 24 non-negative weights, one per hour, not all zero")
        }
        let contacts = try r.fields("contacts")
        let cmin = try contacts.int("min", default: 5, range: 1...1000)
        let cmax = try contacts.int("max", default: 30, range: cmin...1000)
        try contacts.finish()
        let h = try r.fields("holding")
        let holding = Holding(medianSeconds: try h.duration("median", range: 0.1...86_400),
                              sigma: try h.double("sigma", default: 1.0, range: 0...5),
                              maxSeconds: try h.duration("max", default: 4 * 3600, range: 1...86_400))
        try h.finish()
        let o = try r.fields("outcomes")
        let outcomes = Outcomes(answered: try o.double("answered", range: 0...1), busy: try o.double("busy", default: 0, range: 0...1),
                                noAnswer: try o.double("no_answer", default: 0, range: 0...1),
                                rejected: try o.double("rejected", default: 0, range: 0...1),
                                unavailable: try o.double("unavailable", default: 0, range: 0...1))
        guard abs(outcomes.weights.reduce(0, +) - 1) < 0.001 else { throw o.error("", "outcome shares must add up to 1") }
        try o.finish()
        let f = try r.fields("number_forms", optional: true)
        let forms = Forms(e164: try f?.double("e164", default: 1, range: 0...1) ?? 1,
                          national: try f?.double("national", default: 0, range: 0...1) ?? 0,
                          internationalPrefix: try f?.double("international_prefix", default: 0, range: 0...1) ?? 0)
        try f?.finish()
        var high: [HighVolumeCaller] = []
        for v in try r.list("high_volume", default: []) {
            let trunk = try v.string("trunk")
            guard network.trunk(named: trunk) != nil else { throw v.error("trunk", "no trunk named '\(trunk)'") }
            high.append(HighVolumeCaller(name: try v.string("name"), numbers: try v.numbers("numbers"),
                                         callsPerHour: try v.double("calls_per_hour", range: 0...10_000_000),
                                         answerRatio: try v.double("answer_ratio", default: 0.6, range: 0...1),
                                         holdingMedianSeconds: try v.duration("holding_median", default: 60, range: 1...86_400),
                                         trunk: trunk))
            try v.finish()
        }
        var foreign: ForeignTraffic?
        if let fr = try r.fields("foreign", optional: true) {
            let trunk = try fr.string("trunk")
            guard network.trunk(named: trunk) != nil else { throw fr.error("trunk", "no trunk named '\(trunk)'") }
            foreign = ForeignTraffic(callsPerHour: try fr.double("calls_per_hour", range: 0...10_000_000),
                                     countryCodes: try fr.numbers("country_codes"), trunk: trunk,
                                     answerRatio: try fr.double("answer_ratio", default: 0.6, range: 0...1))
            try fr.finish()
        }
        var domestic: DomesticTraffic?
        if let d = try r.fields("domestic", optional: true) {
            let trunk = try d.string("trunk")
            guard network.trunk(named: trunk)?.role == .domestic else { throw d.error("trunk", "no domestic trunk named '\(trunk)'") }
            domestic = DomesticTraffic(callsPerHour: try d.double("calls_per_hour", range: 0...10_000_000), trunk: trunk,
                                       ranges: try d.numbers("ranges"), callers: try d.int("callers", default: 100_000, range: 1...100_000_000),
                                       burstShare: try d.double("burst_share", default: 0.1, range: 0...1),
                                       burstMax: try d.int("burst_max", default: 4, range: 2...20),
                                       answerRatio: try d.double("answer_ratio", default: 0.6, range: 0...1))
            try d.finish()
        }
        var couriers: Couriers?
        if let c = try r.fields("couriers", optional: true) {
            couriers = Couriers(count: try c.int("count", range: 1...1_000_000),
                                callsPerHour: try c.double("calls_per_hour", default: 20, range: 0.1...3600),
                                answerRatio: try c.double("answer_ratio", default: 0.8, range: 0...1))
            try c.finish()
        }
        var n = NormalTraffic(
            callsPerSubscriberPerHour: try r.double("calls_per_subscriber_per_hour", range: 0...100),
            dailyCurve: curve, contactsMin: cmin, contactsMax: cmax,
            socialShare: try r.double("social_share", default: 0.8, range: 0...1), holding: holding,
            ringMedianSeconds: try r.duration("ring_median", default: 6, range: 0.1...120), outcomes: outcomes,
            retransmissionRate: try r.double("retransmission_rate", default: 0.01, range: 0...0.5),
            fragmentedShare: try r.double("fragmented_share", default: 0.02, range: 0...1), forms: forms,
            telURIShare: try r.double("tel_uri_share", default: 0.3, range: 0...1), highVolume: high, foreign: foreign)
        n.domestic = domestic
        n.couriers = couriers
        n.anonymousShare = try r.double("anonymous_share", default: 0, range: 0...1)
        n.quickHangupShare = try r.double("quick_hangup_share", default: 0, range: 0...1)
        n.lostByeShare = try r.double("lost_bye_share", default: 0, range: 0...1)
        try r.finish()
        return n
    }

    private static func campaign(_ r: ConfigFields, network: Network) throws(ScenarioError) -> Campaign {
        let kind = try r.choice("type", Campaign.Kind.self)
        let window = try r.doubles("window", default: [0, 1])
        guard window.count == 2, window[0] >= 0, window[0] < window[1], window[1] <= 1 else {
            throw r.error("window", "expected [from, to] as fractions of the duration, 0 <= from < to <= 1")
        }
        let trunk = try r.optionalString("trunk")
        if let trunk, network.trunk(named: trunk) == nil { throw r.error("trunk", "no trunk named '\(trunk)'") }
        let needsTrunk: Set<Campaign.Kind> = [.spoofedOrigin, .wangiri, .pbxHijack]
        if needsTrunk.contains(kind) && trunk == nil { throw r.error("trunk", "a \(kind.rawValue) campaign enters on a trunk; name it") }
        if kind == .spoofedOrigin, let t = trunk, network.trunk(named: t)?.role == .trusted {
            throw r.error("trunk", "'\(t)' is a trusted trunk: spoofed calls enter on an international or domestic one")
        }
        var rotationDigits = 0
        if let rot = try r.fields("rotate_caller_id", optional: true) {
            guard [.flood, .scanning, .wangiri].contains(kind) else {
                throw rot.error("", "only flood, scanning and wangiri campaigns take 'rotate_caller_id'")
            }
            rotationDigits = try rot.int("block_digits", default: 4, range: 1...8)
            try rot.finish()
        }
        var goip = GoIPParameters(sims: 32, activeSims: 8, rotateEverySeconds: 600, gapSeconds: 30, jitter: 0.05,
                                  userAgents: ["dble"], tac: "86217004", access: network.access[0].name)
        if let g = try r.fields("goip", optional: true) {
            guard kind == .goipSimbox else { throw g.error("", "only a goip_simbox campaign takes 'goip'") }
            goip.sims = try g.int("sims", default: goip.sims, range: 1...4096)
            goip.activeSims = try g.int("active_sims", default: min(goip.activeSims, goip.sims), range: 1...goip.sims)
            goip.rotateEverySeconds = try g.duration("rotate_every", default: goip.rotateEverySeconds, range: 1...86_400)
            goip.gapSeconds = try g.duration("gap", default: goip.gapSeconds, range: 0.5...86_400)
            goip.jitter = try g.double("jitter", default: goip.jitter, range: 0...1)
            goip.userAgents = try g.strings("user_agents", default: goip.userAgents)
            goip.tac = try g.digits("tac", default: goip.tac, length: 8...8)
            goip.access = try g.string("access", default: goip.access)
            goip.viaAccess = try g.bool("via_access", default: false)
            guard network.access.contains(where: { $0.name == goip.access }) else {
                throw g.error("access", "no access network named '\(goip.access)'")
            }
            try g.finish()
        }
        var spoof = SpoofParameters(officialShare: 0.3, officialNumbers: ["86110", "8695588", "8612315"])
        if let s = try r.fields("spoofing", optional: true) {
            spoof.officialShare = try s.double("official_share", default: spoof.officialShare, range: 0...1)
            spoof.officialNumbers = try s.numbers("official_numbers", default: spoof.officialNumbers)
            try s.finish()
        }
        var wangiri = WangiriParameters(premiumPrefix: "88216", ringMaxSeconds: 3)
        if let w = try r.fields("wangiri", optional: true) {
            wangiri.premiumPrefix = try w.number("premium_prefix", default: wangiri.premiumPrefix)
            wangiri.ringMaxSeconds = try w.duration("ring_max", default: wangiri.ringMaxSeconds, range: 0.5...30)
            wangiri.numberLength = try w.int("number_length", default: 0, range: 0...15)
            try w.finish()
        }
        if kind == .pbxHijack, let t = trunk, network.trunk(named: t)?.role != .enterprise {
            throw r.error("trunk", "'\(t)' is not an enterprise trunk: a hijacked PBX calls through its customer's trunk")
        }
        var hijack = HijackParameters()
        if let h = try r.fields("hijack", optional: true) {
            guard kind == .pbxHijack else { throw h.error("", "only a pbx_hijack campaign takes 'hijack'") }
            hijack.presented = try h.number("presented", default: hijack.presented)
            hijack.destinations = try h.numbers("destinations", default: hijack.destinations)
            guard !hijack.destinations.isEmpty else { throw h.error("destinations", "name at least one destination prefix") }
            try h.finish()
        }
        var scan = ScanParameters(block: "8613900", step: 1, skipShare: 0.1)
        if let s = try r.fields("scanning", optional: true) {
            scan.block = try s.number("block", default: scan.block)
            scan.step = try s.int("step", default: 1, range: 1...1000)
            scan.skipShare = try s.double("skip_share", default: scan.skipShare, range: 0...0.9)
            try s.finish()
        }
        var c = Campaign(
            kind: kind, label: try r.string("label", default: kind.rawValue),
            sources: try r.int("sources", default: 1, range: 1...100_000), window: (window[0], window[1]),
            callsPerHour: try r.double("calls_per_hour", range: 0.1...10_000_000),
            answerRatio: try r.double("answer_ratio", default: 0.2, range: 0...1),
            holdingMedianSeconds: try r.duration("holding_median", default: 20, range: 0.5...86_400),
            camouflageShare: try r.double("camouflage_share", default: 0, range: 0...0.9),
            numberLifetimeCalls: try r.int("number_lifetime_calls", default: 0, range: 0...100_000_000),
            trunk: trunk, goip: goip, spoofing: spoof, wangiri: wangiri, scanning: scan)
        c.rotationBlockDigits = rotationDigits
        c.hijack = hijack
        try r.finish()
        return c
    }
}

