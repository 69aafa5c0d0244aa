import ConfigFile
import Yams

#if canImport(Glibc)
import Glibc
#endif

/// IP addresses in scenario files, as the simulator's `IPAddress`.
extension ConfigFields {
    func address(_ k: String, v6: Bool?) throws(ScenarioError) -> IPAddress {
        let v = try required(k)
        return try parseAddress(k, try scalar(k, v), v6: v6, at: v)
    }

    func addresses(_ k: String) throws(ScenarioError) -> [IPAddress] {
        let v = try required(k)
        guard let seq = v.sequence, !seq.isEmpty else { throw error(k, "expected a non-empty list of addresses", at: v) }
        var out: [IPAddress] = []
        for item in seq { out.append(try parseAddress(k, try scalar(k, item), v6: nil, at: item)) }
        return out
    }

    private func parseAddress(_ k: String, _ s: String, v6: Bool?, at n: Node) throws(ScenarioError) -> IPAddress {
        var b4 = in_addr(), b6 = in6_addr()
        if v6 != true, inet_pton(AF_INET, s, &b4) == 1 {
            return IPAddress(bytes: withUnsafeBytes(of: &b4) { Array($0) })
        }
        if v6 != false, inet_pton(AF_INET6, s, &b6) == 1 {
            return IPAddress(bytes: withUnsafeBytes(of: &b6) { Array($0) })
        }
        throw error(k, "'\(s)' is not an \(v6 == true ? "IPv6" : v6 == false ? "IPv4" : "IP") address", at: n)
    }
}
