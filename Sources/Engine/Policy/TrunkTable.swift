import Detectors
import Wire

/// Source addresses the operator knows, by CIDR, and the role of each: where a call
/// enters decides what its caller ID may be. The longest matching prefix wins;
/// addresses not listed are `unknown` (a device talking to us directly).
public struct TrunkTable: Sendable {
    public struct Range: Sendable {
        public var name: String
        public var network: IPAddress
        public var prefixLength: Int
        public var role: TrunkRole

        public init(name: String, network: IPAddress, prefixLength: Int, role: TrunkRole) {
            self.name = name
            self.network = network
            self.prefixLength = prefixLength
            self.role = role
        }

        @inline(__always)
        func contains(_ a: IPAddress) -> Bool {
            guard a.isIPv6 == network.isIPv6 else { return false }
            let bits = network.isIPv6 ? prefixLength : prefixLength + 96  // IPv4 lives in the low 32 bits
            let (hm, lm) = Self.masks(bits)
            return a.high & hm == network.high & hm && a.low & lm == network.low & lm
        }

        static func masks(_ bits: Int) -> (UInt64, UInt64) {
            let hb = min(64, bits), lb = max(0, bits - 64)
            let hm: UInt64 = hb == 0 ? 0 : hb == 64 ? .max : ~(UInt64.max >> UInt64(hb))
            let lm: UInt64 = lb == 0 ? 0 : lb == 64 ? .max : ~(UInt64.max >> UInt64(lb))
            return (hm, lm)
        }
    }

    public private(set) var ranges: [Range]

    public init(_ ranges: [Range] = []) {
        self.ranges = ranges.sorted { $0.prefixLength > $1.prefixLength }
    }

    @inline(__always)
    public func role(of address: IPAddress) -> TrunkRole {
        for r in ranges where r.contains(address) { return r.role }
        return .unknown
    }
}
