import Numbering

/// A short list of E.164 prefixes (`+88216`, `+86110`): premium-rate ranges, service
/// numbers, the operator's own ranges. Checked by comparing leading digits; no
/// allocation.
public struct NumberRanges: Sendable {
    public private(set) var prefixes: [PhoneNumber]

    public init(_ prefixes: [PhoneNumber] = []) { self.prefixes = prefixes }

    /// Parses `+88216` or `+88216*` entries; nil for anything else.
    public init?(parsing texts: [String]) {
        var out: [PhoneNumber] = []
        for t in texts {
            let body = t.hasSuffix("*") ? String(t.dropLast()) : t
            guard body.hasPrefix("+"), let n = PhoneNumber(e164: body) else { return nil }
            out.append(n)
        }
        prefixes = out
    }

    public var isEmpty: Bool { prefixes.isEmpty }

    @inline(__always)
    public func contains(_ n: PhoneNumber) -> Bool {
        for p in prefixes where p.digitCount <= n.digitCount && n.prefix(Int(p.digitCount)) == p { return true }
        return false
    }
}
