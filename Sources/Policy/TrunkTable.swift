import CallEvents
import Detectors
import Wire

/// Where calls enter, as the operator knows it, and the role of each entry: where a call
/// enters decides what its caller ID may be. SIP trunks are source addresses by CIDR
/// (the longest matching prefix wins); SS7 trunks are the point codes of the adjacent
/// signalling points (an IAM's OPC), which name an ISUP call's entry more exactly than
/// the address of the SIGTRAN peer that carried it and are all there is on an MTP2
/// link. Calls matching nothing are `unknown` (a device talking to us directly). Each
/// entry names its trunk, so that a customer's trunk (all its addresses) can be judged
/// against its own contract and history.
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

    /// An SS7 trunk's adjacent signalling point.
    public struct PointCode: Sendable {
        public var name: String
        public var pointCode: UInt32
        public var role: TrunkRole
        public var contract: TrunkContract

        public init(name: String, pointCode: UInt32, role: TrunkRole, contract: TrunkContract = TrunkContract()) {
            self.name = name
            self.pointCode = pointCode
            self.role = role
            self.contract = contract
        }
    }

    public private(set) var ranges: [Range]
    /// Point code to role, trunk number and contract.
    private var byPointCode: [UInt32: (role: TrunkRole, trunk: UInt16, contract: TrunkContract)] = [:]
    /// The distinct trunk names, in the order first given; trunk `i` is `names[i - 1]`.
    public let names: [String]

    public init(_ ranges: [Range] = [], pointCodes: [PointCode] = []) {
        var names: [String] = []
        func number(_ name: String) -> UInt16 {
            if let at = names.firstIndex(of: name) { return UInt16(at + 1) }
            names.append(name)
            return UInt16(names.count)
        }
        var numbered = ranges
        for i in numbered.indices { numbered[i].trunk = number(numbered[i].name) }
        for p in pointCodes { byPointCode[p.pointCode] = (p.role, number(p.name), p.contract) }
        self.names = names
        self.ranges = numbered.sorted { $0.prefixLength > $1.prefixLength }
    }

    /// The role, trunk number (0: none) and contract of the entry a call came in by: an
    /// ISUP call by its originating point code when that is listed, else by its source
    /// address.
    @inline(__always)
    public func lookup(_ call: CallEvent) -> (role: TrunkRole, trunk: UInt16, contract: TrunkContract) {
        if call.signalling == .isup, !byPointCode.isEmpty, let t = byPointCode[call.origin] { return t }
        return lookup(call.context.source.address)
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
