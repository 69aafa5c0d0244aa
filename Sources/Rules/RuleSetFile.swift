import Blocklist
import ConfigFile
import Detectors
import Engine
import Numbering
import Policy
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// A rule set file that cannot be used, as `file:line: key: reason`.
public typealias RuleSetError = ConfigError

/// Reads rule-set YAML (see `DefaultRuleSet` for a complete example), checking every
/// key: unknown keys, bad values, dangling profile names and unknown detectors are
/// errors naming the file, line and key.
public enum RuleSetFile {
    /// `overrides` sets detector parameters over the file's values (`fan_out.critical`
    /// → 40), for threshold sweeps; naming a detector the rule set does not run, or a
    /// parameter the detector does not have, is an error.
    public static func parse(_ yaml: String, path: String, overrides: [String: Double] = [:]) throws(RuleSetError) -> RuleSet {
        let r = try ConfigFields.document(yaml, path: path, what: "rule set")
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : dir + "/" + p }

        let name = try r.string("name")
        let description = try r.string("description", default: "")
        var blocklists: [String] = [], allowlists: [String] = []
        if let lists = try r.fields("lists", optional: true) {
            blocklists = try lists.strings("blocklist", default: []).map(resolve)
            allowlists = try lists.strings("allowlist", default: []).map(resolve)
            try lists.finish()
        }
        let capacity = try r.int("capacity", default: 200_000, range: 16...100_000_000)
        let utcOffset = try r.int("utc_offset", default: 0, range: -12...14)

        // Network: trunks by CIDR (SIP) and by adjacent point code (SS7).
        var trunkRanges: [TrunkTable.Range] = []
        var trunkPointCodes: [TrunkTable.PointCode] = []
        for t in try r.list("trunks", default: []) {
            let tname = try t.string("name")
            let role = try t.choice("role", TrunkRole.self)
            var contract = TrunkContract()
            if let c = try t.fields("contract", optional: true) {
                guard role == .enterprise else { throw c.error("", "only an enterprise trunk has a contract") }
                contract = TrunkContract(callsPerMinute: try c.double("calls_per_minute", default: 0, range: 0...1e9),
                                         callsPerHour: try c.double("calls_per_hour", default: 0, range: 0...1e9),
                                         concurrent: try c.double("concurrent", default: 0, range: 0...1e9))
                try c.finish()
            }
            let pointCodes = try t.strings("point_codes", default: [])
            for (i, text) in pointCodes.enumerated() {
                guard let pc = UInt32(text), pc <= 0xFF_FFFF else {
                    throw t.error("point_codes", "'\(text)' is not a point code (a decimal number, as tshark shows OPC and DPC)",
                                  at: t.mapping["point_codes"]?.sequence?[i])
                }
                trunkPointCodes.append(TrunkTable.PointCode(name: tname, pointCode: pc, role: role, contract: contract))
            }
            let cidrs = try t.strings("cidr", default: [])
            guard !cidrs.isEmpty || !pointCodes.isEmpty else {
                throw t.error("", "a trunk needs 'cidr' (SIP source addresses) or 'point_codes' (SS7 signalling points), or both")
            }
            for (i, text) in cidrs.enumerated() {
                guard let (net, len) = parseCIDR(text) else {
                    throw t.error("cidr", "'\(text)' is not an address or CIDR block (192.0.2.0/24, 2001:db8::/32)",
                                  at: t.mapping["cidr"]?.sequence?[i])
                }
                trunkRanges.append(TrunkTable.Range(name: tname, network: net, prefixLength: len, role: role, contract: contract))
            }
            try t.finish()
        }
        let trunkTable = TrunkTable(trunkRanges, pointCodes: trunkPointCodes)

        // Numbering facts the detectors use.
        var home = NumberRanges(), service = NumberRanges(), own = NumberRanges(), premium = NumberRanges(), allocated = NumberRanges()
        var lengths: Set<Int> = []
        var emergency = NumberRanges()
        if let n = try r.fields("numbering", optional: true) {
            home = try ranges(n, "home_country", default: ["+86"])
            service = try ranges(n, "service_numbers", default: [])
            own = try ranges(n, "own_ranges", default: [])
            premium = try ranges(n, "premium_ranges", default: [])
            allocated = try ranges(n, "allocated_ranges", default: [])
            lengths = Set(try n.doubles("valid_national_lengths", default: []).map { Int($0) })
            emergency = try ranges(n, "emergency_numbers", default: [])
            try n.finish()
        } else {
            home = NumberRanges(parsing: ["+86"])!
        }

        var fingerprints = FingerprintRules()
        if let f = try r.fields("fingerprints", optional: true) {
            fingerprints = FingerprintRules(userAgentTokens: try f.strings("user_agents", default: ["dble", "hybertone", "goip", "ejoin", "simbank"]),
                                            sdpSessions: try f.strings("sdp_sessions", default: ["DBL Session"]),
                                            maxForwards: try f.int("max_forwards", default: 30, range: 0...255))
            try f.finish()
        }

        // Profiles by caller prefix and time of day.
        var profiles: [CallerProfile] = []
        for p in try r.list("profiles", default: []) {
            let pname = try p.string("name")
            guard !profiles.contains(where: { $0.name == pname }) else { throw p.error("name", "profile '\(pname)' is defined twice") }
            let callers = try ranges(p, "callers", default: [])
            var hours: (Int, Int)?
            if let h = try p.optionalString("hours") {
                let parts = h.split(separator: "-").map { Int($0) }
                guard parts.count == 2, let from = parts[0], let to = parts[1], (0...24).contains(from), (0...24).contains(to),
                      from % 24 != to % 24 || (from == 0 && to == 24) else {
                    throw p.error("hours", "'\(h)' is not an hour range like 22-06 or 08-20")
                }
                hours = from == 0 && to == 24 ? nil : (from % 24, to % 24)  // 00-24 is all day
            }
            var roles: [TrunkRole] = []
            for (i, text) in try p.strings("roles", default: []).enumerated() {
                guard let role = TrunkRole(rawValue: text) else {
                    throw p.error("roles", "'\(text)' is not one of \(TrunkRole.allCases.map(\.rawValue).joined(separator: ", "))",
                                  at: p.mapping["roles"]?.sequence?[i])
                }
                roles.append(role)
            }
            var trunks: [UInt16] = []
            for (i, text) in try p.strings("trunks", default: []).enumerated() {
                guard let at = trunkTable.names.firstIndex(of: text) else {
                    throw p.error("trunks", "no trunk named '\(text)' (trunks: \(trunkTable.names.joined(separator: ", ")))",
                                  at: p.mapping["trunks"]?.sequence?[i])
                }
                trunks.append(UInt16(at + 1))
            }
            guard !callers.isEmpty || hours != nil || !roles.isEmpty || !trunks.isEmpty else {
                throw p.error("", "a profile needs callers, hours, roles, trunks or a mix of them")
            }
            profiles.append(CallerProfile(name: pname, callers: callers, hours: hours, roles: roles, trunks: trunks))
            try p.finish()
        }
        let profileNames = profiles.map(\.name)

        // Detectors: each section names one; the order is the file's.
        var used: Set<String> = []
        var factories: [(make: @Sendable () -> any Detector, onWarning: DetectorAction, onCritical: DetectorAction, weight: Double, autoBlock: Bool,
                         family: String)] = []
        if let ds = try r.fields("detectors", optional: true) {
            for (k, _) in ds.mapping {
                guard let id = k.string else { throw ds.error("", "detector names must be text", at: k) }
                guard let entry = DetectorCatalog.named(id) else {
                    throw ds.error(id, "unknown detector (known: \(DetectorCatalog.all.map(\.id).joined(separator: ", ")))", at: k)
                }
                let section = try ds.fields(id)
                guard try section.bool("enabled", default: true) else {
                    _ = try? section.finish()
                    continue
                }
                var onWarning = DetectorAction.flag, onCritical = DetectorAction.block
                if let a = try section.fields("action", optional: true) {
                    onWarning = try a.optionalString("warning").map { s throws(ConfigError) in
                        guard let v = DetectorAction(rawValue: s) else { throw a.error("warning", "'\(s)' is not one of none, flag, block") }
                        return v
                    } ?? onWarning
                    onCritical = try a.optionalString("critical").map { s throws(ConfigError) in
                        guard let v = DetectorAction(rawValue: s) else { throw a.error("critical", "'\(s)' is not one of none, flag, block") }
                        return v
                    } ?? onCritical
                    try a.finish()
                }
                let weight = try section.double("weight", default: 1, range: 0...1000)
                let autoBlock = try section.bool("auto_block", default: true)
                let family = try section.string("family", default: id)
                var mine: [String: Double] = [:]
                for (k, v) in overrides where k.hasPrefix(id + ".") { mine[String(k.dropFirst(id.count + 1))] = v }
                for name in mine.keys where !entry.parameters.contains(name) {
                    throw ConfigError(path: path, line: 1, key: "\(id).\(name)",
                                      reason: "\(id) has no parameter '\(name)' (it has \(entry.parameters.joined(separator: ", ")))")
                }
                used.formUnion(mine.keys.map { id + "." + $0 })
                let make = try entry.build(section, profileNames, capacity, mine)
                try section.finish()
                factories.append((make, onWarning, onCritical, weight, autoBlock, family))
            }
            try ds.finish()
        }

        for k in overrides.keys.sorted() where !used.contains(k) {
            let id = String(k.prefix { $0 != "." })
            throw ConfigError(path: path, line: 1, key: k, reason: DetectorCatalog.named(id) == nil
                ? "no detector '\(id)' (known: \(DetectorCatalog.all.map(\.id).joined(separator: ", ")))"
                : "the rule set does not run \(id)")
        }

        var combination = Combination.actions
        var blockNeedsCritical = false
        if let c = try r.fields("combine", optional: true) {
            switch try c.string("mode") {
            case "actions": break
            case "score":
                let flagAt = try c.double("flag_at", range: 0...1e6)
                let blockAt = try c.double("block_at", range: flagAt...1e6)
                combination = .score(flagAt: flagAt, blockAt: blockAt)
                blockNeedsCritical = try c.bool("block_needs_critical", default: false)
            case let m: throw c.error("mode", "'\(m)' is not one of actions, score")
            }
            try c.finish()
        }

        var autoBlock: AutoBlock?, warnings: WarningPolicy?
        var blockedCalls = BlockedCalls.reject
        var rejectStatus = 608
        if let a = try r.fields("actions", optional: true) {
            rejectStatus = try a.int("reject_status", default: 608, range: 403...608)
            guard [403, 603, 608].contains(rejectStatus) else {
                throw a.error("reject_status", "\(rejectStatus) is not one of 608, 603, 403")
            }
            if let b = try a.optionalString("blocked_calls") {
                guard let v = BlockedCalls(rawValue: b) else { throw a.error("blocked_calls", "'\(b)' is not one of reject, play") }
                blockedCalls = v
            }
            if let ab = try a.fields("auto_block", optional: true) {
                autoBlock = AutoBlock(ttlSeconds: try ab.duration("ttl", range: 1...(365 * 86_400)))
                try ab.finish()
            }
            if let w = try a.fields("warnings", optional: true) {
                warnings = WarningPolicy(minTalkSeconds: try w.duration("min_talk", default: 30, range: 0...86_400),
                                         callers: try w.int("callers", default: 100_000, range: 16...100_000_000))
                try w.finish()
            }
            try a.finish()
        }
        try r.finish()

        let finalFactories = factories
        let (premiumRanges, homeCountry, serviceNumbers, ownRanges, validLengths) = (premium, home, service, own, lengths)
        let allocatedRanges = allocated
        let makeDetectors: @Sendable () -> [PolicyDetector] = {
            finalFactories.map { f in
                let d = f.make()
                if let w = d as? WangiriDetector { w.premiumRanges = premiumRanges }
                if let s = d as? SpoofedOriginDetector {
                    s.home = homeCountry
                    s.serviceNumbers = serviceNumbers
                    s.ownRanges = ownRanges
                    s.validNationalLengths = validLengths
                    s.allocatedRanges = allocatedRanges
                }
                return PolicyDetector(d, onWarning: f.onWarning, onCritical: f.onCritical, weight: f.weight, autoBlocks: f.autoBlock,
                                      family: f.family)
            }
        }
        var ruleSet = RuleSet(name: name, description: description, path: path, blocklists: blocklists, allowlists: allowlists,
                       trunks: trunkTable, profiles: ProfileSelector(profiles: profiles, utcOffsetHours: utcOffset),
                       fingerprints: fingerprints, combination: combination, autoBlock: autoBlock, warnings: warnings,
                       rails: SafetyRails(protectedCallees: emergency, neverAutoBlock: NumberRanges(service.prefixes + emergency.prefixes)),
                       blockedCalls: blockedCalls, makeDetectors: makeDetectors)
        ruleSet.blockNeedsCritical = blockNeedsCritical
        ruleSet.rejectStatus = rejectStatus
        return ruleSet
    }

    private static func ranges(_ f: ConfigFields, _ key: String, default d: [String]) throws(ConfigError) -> NumberRanges {
        let texts = try f.strings(key, default: d)
        guard let r = NumberRanges(parsing: texts) else {
            let bad = texts.first { NumberRanges(parsing: [$0]) == nil } ?? ""
            throw f.error(key, "'\(bad)' is not an E.164 number or prefix like +86170 or +86170*")
        }
        return r
    }

    /// `192.0.2.0/24`, `2001:db8::/32`, or a bare address (a /32 or /128).
    static func parseCIDR(_ text: String) -> (IPAddress, Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let addr = String(parts[0])
        var b4 = in_addr(), b6 = in6_addr()
        let address: IPAddress, maxLen: Int
        if inet_pton(AF_INET, addr, &b4) == 1 {
            let v = withUnsafeBytes(of: &b4) { $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
            address = IPAddress(high: 0, low: v, isIPv6: false)
            maxLen = 32
        } else if inet_pton(AF_INET6, addr, &b6) == 1 {
            let bytes = withUnsafeBytes(of: &b6) { Array($0) }
            address = IPAddress(high: bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) },
                                low: bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, isIPv6: true)
            maxLen = 128
        } else {
            return nil
        }
        let len = parts.count == 2 ? Int(parts[1]) : maxLen
        guard let len, (0...maxLen).contains(len) else { return nil }
        return (address, len)
    }
}
