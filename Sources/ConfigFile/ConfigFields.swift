import Yams

#if canImport(Glibc)
import Glibc
#endif

/// A YAML mapping being read: typed getters that remember which keys were used, and
/// errors that name the file, line and full key. Scenario files and rule sets both read
/// their YAML through it.
public final class ConfigFields {
    public let node: Node
    public let mapping: Node.Mapping
    public let path: String
    public let key: String
    private var used: Set<String> = []

    /// Parses `yaml` and returns its top-level mapping; `what` names the document in
    /// errors ("empty scenario").
    public static func document(_ yaml: String, path: String, what: String) throws(ConfigError) -> ConfigFields {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ConfigError(path: path, line: 1, key: "", reason: "empty \(what)")
            }
            root = node
        } catch let e as ConfigError {
            throw e
        } catch let YamlError.scanner(_, problem, mark, _), let YamlError.parser(_, problem, mark, _) {
            throw ConfigError(path: path, line: mark.line, key: "", reason: "not valid YAML (\(problem))")
        } catch {
            throw ConfigError(path: path, line: 1, key: "", reason: "not valid YAML (\(error))")
        }
        return try ConfigFields(root, path: path, key: "")
    }

    public init(_ node: Node, path: String, key: String) throws(ConfigError) {
        guard let m = node.mapping else {
            throw ConfigError(path: path, line: node.mark?.line ?? 1, key: key, reason: "expected a mapping of keys to values")
        }
        self.node = node
        self.mapping = m
        self.path = path
        self.key = key
    }

    public func full(_ k: String) -> String { k.isEmpty ? key : key.isEmpty ? k : key + "." + k }

    public func error(_ k: String, _ reason: String, at node: Node? = nil) -> ConfigError {
        ConfigError(path: path, line: (node ?? mapping[k] ?? self.node).mark?.line ?? 1, key: full(k), reason: reason)
    }

    public func value(_ k: String) -> Node? {
        used.insert(k)
        return mapping[k]
    }

    public func required(_ k: String) throws(ConfigError) -> Node {
        guard let v = value(k) else { throw error(k, "missing (required)") }
        return v
    }

    public func scalar(_ k: String, _ n: Node) throws(ConfigError) -> String {
        guard let s = n.scalar?.string else { throw error(k, "expected a single value", at: n) }
        return s
    }

    /// Fails on keys nobody asked for (usually a typo).
    public func finish() throws(ConfigError) {
        for (k, _) in mapping {
            guard let name = k.string else { throw error("", "keys must be text", at: k) }
            if !used.contains(name) { throw error(name, "unknown key", at: k) }
        }
    }

    public func fields(_ k: String) throws(ConfigError) -> ConfigFields { try ConfigFields(try required(k), path: path, key: full(k)) }

    public func fields(_ k: String, optional: Bool) throws(ConfigError) -> ConfigFields? {
        guard let v = value(k) else { return nil }
        return try ConfigFields(v, path: path, key: full(k))
    }

    public func list(_ k: String, default d: [ConfigFields]? = nil) throws(ConfigError) -> [ConfigFields] {
        guard let v = value(k) else {
            if let d { return d }
            throw error(k, "missing (required)")
        }
        guard let seq = v.sequence else { throw error(k, "expected a list", at: v) }
        var out: [ConfigFields] = []
        for (i, item) in seq.enumerated() { out.append(try ConfigFields(item, path: path, key: full(k) + "[\(i)]")) }
        return out
    }

    public func string(_ k: String, default d: String? = nil) throws(ConfigError) -> String {
        guard let v = value(k) else {
            if let d { return d }
            throw error(k, "missing (required)")
        }
        return try scalar(k, v)
    }

    public func optionalString(_ k: String) throws(ConfigError) -> String? {
        guard let v = value(k) else { return nil }
        return try scalar(k, v)
    }

    public func strings(_ k: String, default d: [String]? = nil) throws(ConfigError) -> [String] {
        guard let v = value(k) else {
            if let d { return d }
            throw error(k, "missing (required)")
        }
        guard let seq = v.sequence, !seq.isEmpty else { throw error(k, "expected a non-empty list", at: v) }
        var out: [String] = []
        for item in seq { out.append(try scalar(k, item)) }
        return out
    }

    public func double(_ k: String, default d: Double? = nil, range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let v = value(k) else {
            if let d { return d }
            throw error(k, "missing (required)")
        }
        let s = try scalar(k, v)
        guard let x = Double(s), x.isFinite else { throw error(k, "'\(s)' is not a number", at: v) }
        guard range.contains(x) else { throw error(k, "\(s) is outside \(range.lowerBound)...\(range.upperBound)", at: v) }
        return x
    }

    public func doubles(_ k: String, default d: [Double]) throws(ConfigError) -> [Double] {
        guard let v = value(k) else { return d }
        guard let seq = v.sequence else { throw error(k, "expected a list of numbers", at: v) }
        var out: [Double] = []
        for item in seq {
            let s = try scalar(k, item)
            guard let x = Double(s), x.isFinite else { throw error(k, "'\(s)' is not a number", at: item) }
            out.append(x)
        }
        return out
    }

    public func int(_ k: String, default d: Int? = nil, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let v = value(k) else {
            if let d { return d }
            throw error(k, "missing (required)")
        }
        let s = try scalar(k, v).replacingUnderscores()
        guard let x = Int(s) else { throw error(k, "'\(s)' is not a whole number", at: v) }
        guard range.contains(x) else { throw error(k, "\(x) is outside \(range.lowerBound)...\(range.upperBound)", at: v) }
        return x
    }

    public func optionalInt(_ k: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard mapping[k] != nil else { used.insert(k); return nil }
        return try int(k, range: range)
    }

    public func bool(_ k: String, default d: Bool) throws(ConfigError) -> Bool {
        guard let v = value(k) else { return d }
        switch try scalar(k, v) {
        case "true", "yes": return true
        case "false", "no": return false
        case let s: throw error(k, "'\(s)' is not true or false", at: v)
        }
    }

    public func choice<T: RawRepresentable & CaseIterable>(_ k: String, _ type: T.Type) throws(ConfigError) -> T where T.RawValue == String {
        let v = try required(k)
        let s = try scalar(k, v)
        guard let x = T(rawValue: s) else {
            throw error(k, "'\(s)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))", at: v)
        }
        return x
    }

    public func digits(_ k: String, default d: String, length: ClosedRange<Int>) throws(ConfigError) -> String {
        guard let v = value(k) else { return d }
        let s = try scalar(k, v)
        guard s.allSatisfy(\.isASCIIDigit), length.contains(s.count) else {
            throw error(k, "'\(s)' is not \(length.lowerBound == length.upperBound ? "\(length.lowerBound)" : "\(length.lowerBound) to \(length.upperBound)") digits", at: v)
        }
        return s
    }

    /// An E.164 number or prefix written with `+` (`+8613800`); returns the digits.
    public func number(_ k: String, default d: String? = nil) throws(ConfigError) -> String {
        guard let v = value(k) else {
            if let d { return d }
            throw error(k, "missing (required)")
        }
        return try e164(k, v)
    }

    public func numbers(_ k: String, default d: [String]? = nil) throws(ConfigError) -> [String] {
        guard let v = value(k) else {
            if let d { return d }
            throw error(k, "missing (required)")
        }
        guard let seq = v.sequence, !seq.isEmpty else { throw error(k, "expected a non-empty list of +E.164 numbers", at: v) }
        var out: [String] = []
        for item in seq { out.append(try e164(k, item)) }
        return out
    }

    public func e164(_ k: String, _ n: Node) throws(ConfigError) -> String {
        let s = try scalar(k, n)
        let digits = s.dropFirst()
        guard s.hasPrefix("+"), !digits.isEmpty, digits.count <= 15, digits.allSatisfy(\.isASCIIDigit) else {
            throw error(k, "'\(s)' is not an E.164 number or prefix written with '+'", at: n)
        }
        return String(digits)
    }

    /// Seconds from `90`, `90s`, `500ms`, `5m`, `2h`, `1d`.
    public func duration(_ k: String, default d: Double? = nil, range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let v = value(k) else {
            if let d { return d }
            throw error(k, "missing (required)")
        }
        let s = try scalar(k, v)
        guard let x = Self.seconds(s) else { throw error(k, "'\(s)' is not a duration (e.g. 90s, 500ms, 5m, 2h)", at: v) }
        guard range.contains(x) else { throw error(k, "\(s) is outside \(range.lowerBound)s...\(range.upperBound)s", at: v) }
        return x
    }

    /// Seconds from a duration written `90`, `90s`, `500ms`, `5m`, `2h` or `1d`; nil when
    /// it is none of them (command-line options share the rule files' spelling).
    public static func seconds(_ s: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        var seconds: Double?
        if let x = Double(s) { seconds = x }
        for (suffix, scale) in units where seconds == nil && s.hasSuffix(suffix) {
            if let x = Double(s.dropLast(suffix.count)) { seconds = x * scale }
        }
        guard let x = seconds, x.isFinite else { return nil }
        return x
    }

    /// `2025-11-20T09:00:00Z` or Unix seconds; nanoseconds since the epoch.
    public func time(_ k: String) throws(ConfigError) -> Int64 {
        let v = try required(k)
        let s = try scalar(k, v)
        if let x = Double(s), x >= 0, x < 4e9 { return Int64(x * 1e9) }
        // YYYY-MM-DDTHH:MM:SSZ
        let u = Array(s.utf8)
        func num(_ a: Int, _ b: Int) -> Int32? {
            var x: Int32 = 0
            for i in a..<b { guard u[i] >= 48 && u[i] <= 57 else { return nil }; x = x * 10 + Int32(u[i] - 48) }
            return x
        }
        guard u.count == 20, u[4] == 45, u[7] == 45, u[10] == 84, u[13] == 58, u[16] == 58, u[19] == 90,
              let year = num(0, 4), let month = num(5, 7), let day = num(8, 10), let hour = num(11, 13),
              let minute = num(14, 16), let second = num(17, 19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
            throw error(k, "'\(s)' is not a UTC time like 2025-11-20T09:00:00Z or Unix seconds", at: v)
        }
        // Nanoseconds since 1970 in an Int64 end in 2262; keep to the range Unix seconds
        // are accepted in above (a fuzzed year 2707 overflowed).
        guard (1970...2099).contains(year) else { throw error(k, "'\(s)' is outside the years 1970-2099", at: v) }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Int64(timegm(&parts)) * 1_000_000_000
    }

}

private extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
