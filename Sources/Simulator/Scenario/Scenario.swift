#if canImport(Glibc)
import Glibc
#endif

/// Everything a simulated network does for a while: who subscribes, how they call, the
/// network their calls cross, and the fraud campaigns running in it. Read from YAML by
/// `ScenarioFile`; see `BuiltinScenarios` for complete examples.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    /// Nanoseconds since the Unix epoch.
    public var start: Int64
    public var duration: Int64
    public var countryCode: String
    public var network: Network
    public var population: Population
    public var normal: NormalTraffic
    public var campaigns: [Campaign]
}

/// An IPv4 or IPv6 address as 4 or 16 bytes.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]
    public var isIPv6: Bool { bytes.count == 16 }
    /// Dotted quad, or RFC 5952 text for IPv6 (via `inet_ntop`).
    public var description: String {
        if !isIPv6 { return bytes.map(String.init).joined(separator: ".") }
        var text = [CChar](repeating: 0, count: 64)
        return bytes.withUnsafeBytes { b in
            inet_ntop(AF_INET6, b.baseAddress, &text, 64) != nil ? String(cString: text) : "::"
        }
    }

    /// The address `n` after this one (for pools of SBC and gateway addresses).
    func advanced(by n: Int) -> IPAddress {
        var b = bytes
        var carry = n
        var i = b.count - 1
        while carry > 0 && i >= 0 {
            let v = Int(b[i]) + carry
            b[i] = UInt8(v & 0xFF)
            carry = v >> 8
            i -= 1
        }
        return IPAddress(bytes: b)
    }
}

/// The operator's network as a capture at its core sees it.
public struct Network: Sendable {
    /// The core element every call setup is captured on its way to.
    public var coreIPv4: IPAddress
    public var coreIPv6: IPAddress
    public var access: [AccessNetwork]
    public var trunks: [Trunk]

    public func trunk(named name: String) -> Trunk? { trunks.first { $0.name == name } }
}

/// Where subscribers attach: a VoLTE/IMS radio network (cells, P-Access-Network-Info,
/// IMEIs), fixed lines or enterprise PBXs, behind one or more SBC addresses.
public struct AccessNetwork: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case volte, fixed, enterprise }
    public var name: String
    public var kind: Kind
    /// Share of subscribers attached here (weights, normalised over all access networks).
    public var share: Double
    public var sbc: [IPAddress]
    public var vlan: Int?
    public var tcpShare: Double
    public var cells: Int
    /// MCC+MNC for cell identities (`46000`).
    public var plmn: String
    /// The network asserts callers' identities (adds P-Asserted-Identity).
    public var assertsIdentity: Bool
}

/// An interconnect to another carrier.
public struct Trunk: Sendable {
    public enum Role: String, Sendable, CaseIterable { case domestic, international, trusted, enterprise }
    public var name: String
    public var role: Role
    public var ip: IPAddress
    public var vlan: Int?
    public var tcpShare: Double
}

/// The subscribers: numbers drawn from blocks, some of them elderly.
public struct Population: Sendable {
    public var subscribers: Int
    /// E.164 block prefixes without `+` (`8613800`), filled in order.
    public var blocks: [String]
    public var numberLength: Int
    /// Share of all subscribers who are elderly, and the blocks they concentrate in.
    public var elderlyShare: Double
    public var elderlyBlocks: [String]
    /// Share of the elderly that live in `elderlyBlocks` (the rest are anywhere).
    public var elderlyConcentration: Double
}

/// How honest people and organisations call.
public struct NormalTraffic: Sendable {
    public var callsPerSubscriberPerHour: Double
    /// 24 relative weights of the load by hour of day (UTC of the trace clock).
    public var dailyCurve: [Double]
    public var contactsMin: Int
    public var contactsMax: Int
    /// Share of calls that go to one of the caller's contacts.
    public var socialShare: Double
    public var holding: Holding
    public var ringMedianSeconds: Double
    public var outcomes: Outcomes
    public var retransmissionRate: Double
    /// Share of INVITEs padded past the MTU (IP-fragmented over UDP).
    public var fragmentedShare: Double
    public var forms: Forms
    public var telURIShare: Double
    public var highVolume: [HighVolumeCaller]
    public var foreign: ForeignTraffic?
    /// Honest callers on other domestic networks reaching subscribers over an interconnect.
    public var domestic: DomesticTraffic?
    /// Couriers and delivery drivers: subscribers who call a different customer every few minutes.
    public var couriers: Couriers?
    /// Share of subscriber calls placed with `Privacy: id` and an anonymous From
    /// (the network still asserts the caller in P-Asserted-Identity where it does so).
    public var anonymousShare: Double = 0
    /// Share of subscriber calls the caller cancels after a short ring (1.5 to 4 s): a
    /// person who changed their mind, not a Wangiri.
    public var quickHangupShare: Double = 0
    /// Share of answered calls whose BYE never reaches the capture.
    public var lostByeShare: Double = 0
}

/// Honest off-net callers: numbers of other domestic operators (drawn from `ranges`, a
/// pool of `callers` numbers), arriving on a domestic trunk. Some call several people in
/// a row, one after the other (`burst_share` of sessions, 2 to `burst_max` calls).
public struct DomesticTraffic: Sendable {
    public var callsPerHour: Double
    public var trunk: String
    public var ranges: [String]
    public var callers: Int
    public var burstShare: Double
    public var burstMax: Int
    public var answerRatio: Double
}

/// Subscribers whose job is calling customers (couriers, drivers): one mobile number
/// each, calls every few minutes to someone new, short answered calls, moving between cells.
public struct Couriers: Sendable {
    public var count: Int
    public var callsPerHour: Double
    public var answerRatio: Double
}

/// Holding (talk) time: log-normal, capped.
public struct Holding: Sendable {
    public var medianSeconds: Double
    public var sigma: Double
    public var maxSeconds: Double
}

/// Final outcomes of call attempts, as shares.
public struct Outcomes: Sendable {
    public var answered: Double
    public var busy: Double
    /// Rings until the caller gives up (CANCEL, 487).
    public var noAnswer: Double
    /// Declined (603).
    public var rejected: Double
    /// Not reachable (480).
    public var unavailable: Double

    var weights: [Double] { [answered, busy, noAnswer, rejected, unavailable] }
}

/// How numbers are written in From/To/PAI: shares of E.164, national and 00-prefixed.
public struct Forms: Sendable {
    public var e164: Double
    public var national: Double
    public var internationalPrefix: Double
}

/// A legitimate caller placing many calls: a bank's notification line (`95588`), a call
/// centre's number block. Must never be blocked.
public struct HighVolumeCaller: Sendable {
    public var name: String
    /// Caller numbers (E.164 digits); the source rotates through them.
    public var numbers: [String]
    public var callsPerHour: Double
    public var answerRatio: Double
    public var holdingMedianSeconds: Double
    public var trunk: String
}

/// Honest callers from abroad on the international trunk.
public struct ForeignTraffic: Sendable {
    public var callsPerHour: Double
    public var countryCodes: [String]
    public var trunk: String
    public var answerRatio: Double
}

/// A fraud campaign: its kind, how many independent sources run it, when, and the
/// kind's parameters.
public struct Campaign: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case goipSimbox = "goip_simbox"
        case spoofedOrigin = "spoofed_origin"
        case wangiri
        case flood
        case scanning
        case targeted
        case pbxHijack = "pbx_hijack"
    }

    public var kind: Kind
    /// The `scenario` label of its calls (defaults to the kind's name).
    public var label: String
    /// Independent sources (gateways, spoofing operators, ...).
    public var sources: Int
    /// Active part of the scenario, as fractions of its duration.
    public var window: (Double, Double)
    /// Calls per hour per source while active.
    public var callsPerHour: Double
    public var answerRatio: Double
    public var holdingMedianSeconds: Double
    /// Share of a source's calls made to look human (to contacts, human durations).
    public var camouflageShare: Double
    /// A source takes a new number after this many calls (0: never).
    public var numberLifetimeCalls: Int
    public var trunk: String?
    /// A new presented number on every call, drawn from a block of `10^rotationBlockDigits`
    /// numbers the source holds (flood, scanning, Wangiri; 0: no rotation).
    public var rotationBlockDigits: Int = 0
    public var goip: GoIPParameters
    public var spoofing: SpoofParameters
    public var wangiri: WangiriParameters
    public var scanning: ScanParameters
    public var hijack = HijackParameters()
}

/// A GoIP / SIM-box gateway's make-up and its operators' tricks.
public struct GoIPParameters: Sendable {
    public var sims: Int
    /// SIMs in use at once; the gateway rotates through all of them.
    public var activeSims: Int
    public var rotateEverySeconds: Double
    /// Regular gap between a SIM's calls, and the random jitter added to it (fraction).
    public var gapSeconds: Double
    public var jitter: Double
    public var userAgents: [String]
    /// Type allocation code shared by the gateway's IMEIs (8 digits).
    public var tac: String
    /// The access network whose cell the gateway sits in.
    public var access: String
    /// The gateway reaches the operator over the radio network like handsets do: its calls
    /// arrive through the access SBC with a handset User-Agent, `Max-Forwards: 70`, hex Via
    /// branches and ordinary SDP, from SIMs of the operator's own ranges, at human-like
    /// (Poisson) gaps. Only the radio facts (one cell, one TAC, IMEIs carrying many SIMs)
    /// and its behaviour are left to betray it.
    public var viaAccess: Bool = false
}

public struct SpoofParameters: Sendable {
    /// Share of calls presenting an official or service number rather than a domestic mobile.
    public var officialShare: Double
    /// Official and service numbers presented (E.164 digits).
    public var officialNumbers: [String]
}

public struct WangiriParameters: Sendable {
    /// Premium-rate range the callers come from (E.164 digits).
    public var premiumPrefix: String
    public var ringMaxSeconds: Double
    /// Number length of the callers (E.164 digits); 0: the prefix plus seven digits.
    public var numberLength: Int = 0
}

/// A hijacked PBX's toll fraud: the number it presents and where it calls.
public struct HijackParameters: Sendable {
    /// The customer's main number the PBX presents (E.164 digits).
    public var presented = "862168001234"
    /// High-cost international prefixes called (E.164 digits).
    public var destinations = ["88216", "2165", "37167"]
}

public struct ScanParameters: Sendable {
    /// The block walked (E.164 digits).
    public var block: String
    public var step: Int
    /// Share of numbers skipped while walking.
    public var skipShare: Double
}
