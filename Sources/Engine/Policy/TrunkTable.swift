import Detectors
import Wire

/// Source addresses the operator knows, by CIDR, and the role of each: where a call
/// enters decides what its caller ID may be. The longest matching prefix wins;
/// addresses not listed are `unknown` (a device talking to us directly). Each range also
/// names its trunk, so that a customer's trunk (all its addresses) can be judged against
/// its own contract and history.
public struct TrunkTable: Sendable {
    public struct Range: Sendable {
        public var name: String
        public var network: IPAddress
        public var prefixLength: Int
        public var role: TrunkRole
        public var contract: TrunkContract
        /// The trunk's number among the table's distinct names, from 1 (set by the table).
        public internal(set) var trunk: UInt16 = 0

        public init(name: String, network: IPAddress, prefixLength: Int, role: TrunkRole, contract: TrunkContract = TrunkContract()) {
            self.contract = contract
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
    /// The distinct trunk names, in the order first given; trunk `i` is `names[i - 1]`.
    public let names: [String]

    public init(_ ranges: [Range] = []) {
        var names: [String] = []
        var numbered = ranges
        for i in numbered.indices {
            if let at = names.firstIndex(of: numbered[i].name) {
                numbered[i].trunk = UInt16(at + 1)
            } else {
                names.append(numbered[i].name)
                numbered[i].trunk = UInt16(names.count)
            }
        }
        self.names = names
        self.ranges = numbered.sorted { $0.prefixLength > $1.prefixLength }
    }

    @inline(__always)
    public func role(of address: IPAddress) -> TrunkRole { lookup(address).role }

    /// The role, trunk number (0: none) and contract of the range containing `address`.
    @inline(__always)
    public func lookup(_ address: IPAddress) -> (role: TrunkRole, trunk: UInt16, contract: TrunkContract) {
        for r in ranges where r.contains(address) { return (r.role, r.trunk, r.contract) }
        return (.unknown, 0, TrunkContract())
    }
}
