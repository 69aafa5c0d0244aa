import CallEvents
import StateCoding
import Numbering

/// Spoofed origin, from where a call enters and the number it presents:
/// - on an international trunk, a caller ID of the home country or a service number
///   (police, banks) is critical: those calls never legitimately come from abroad;
/// - on a domestic interconnect, a service number is critical: police, banks and
///   hotlines reach us over their own declared trunks, not another carrier's;
/// - on the operator's own access network, a caller ID outside the operator's ranges
///   is critical (the network knows its subscribers' numbers);
/// - a home-country number whose national length the numbering plan does not allow,
///   or outside the plan's allocated ranges, is a warning;
/// - on an international route, what ISUP (or a SIP-I body) says about the number: an
///   additional calling number (Generic Number) that is a home or service number is
///   critical, as is a number the network verified and found failing; a user-provided,
///   unverified number, or none at all, is a warning (`isup_screening` 0 turns these
///   off). SIP's own From/P-Asserted-Identity distinction is not used here: many honest
///   SIP peers send no P-Asserted-Identity.
/// Stateless: it needs no table.
public final class SpoofedOriginDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var invalidLength = 1.0   // 1: report invalid lengths and unallocated ranges as warnings; 0: ignore
        public var isupScreening = 1.0   // 1: judge ISUP screening, presentation and additional numbers on international routes
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("invalid_length", \.invalidLength, 0...1), Parameter("isup_screening", \.isupScreening, 0...1)]
        }
    }

    public static let id = "spoofed_origin"
    public var id: String { Self.id }
    let configs: [Config]
    /// The home country code as a prefix (`+86`).
    public var home = NumberRanges()
    /// Numbers only domestic networks may present (`+86110`, `+8695588`).
    public var serviceNumbers = NumberRanges()
    /// The operator's own number ranges; empty: not checked.
    public var ownRanges = NumberRanges()
    /// National significant number lengths the home plan allows (empty: not checked).
    public var validNationalLengths: Set<Int> = []
    /// Ranges the home plan has allocated to any operator (empty: not checked).
    public var allocatedRanges = NumberRanges()

    public init(configs: [Config], capacity: Int) { self.configs = configs }

    public func screen(_ f: CallFacts) -> Finding {
        let isupFacts = f.role == .international && f.signalling != .sip && configs[f.profile].isupScreening > 0
        guard let caller = f.caller else {
            // International ingress with no calling number to show at all.
            return isupFacts ? Finding(.warning, 9) : .none
        }
        let domestic = home.contains(caller)
        switch f.role {
        case .international:
            if domestic || serviceNumbers.contains(caller) { return Finding(.critical, 1) }
            if isupFacts {
                if let extra = f.additionalCaller, home.contains(extra) || serviceNumbers.contains(extra) { return Finding(.critical, 6) }
                if f.callerScreening == .userVerifiedFailed { return Finding(.critical, 7) }
                if f.callerScreening == .userNotVerified || f.callerPresentation == .unavailable { return Finding(.warning, 8) }
            }
        case .domestic:
            // Official and service numbers do not place calls through another carrier's
            // interconnect (their own trunks are declared trusted or enterprise).
            if serviceNumbers.contains(caller) { return Finding(.critical, 5) }
        case .access:
            if !ownRanges.isEmpty && !ownRanges.contains(caller) && !serviceNumbers.contains(caller) { return Finding(.critical, 2) }
        default:
            break
        }
        if domestic && configs[f.profile].invalidLength > 0 && !validNationalLengths.isEmpty,
           let cc = home.prefixes.first, !validNationalLengths.contains(Int(caller.digitCount) - Int(cc.digitCount)) {
            return Finding(.warning, 3)
        }
        if domestic && configs[f.profile].invalidLength > 0 && !allocatedRanges.isEmpty && !allocatedRanges.contains(caller) {
            return Finding(.warning, 4)
        }
        return .none
    }

    public func reset(_ entity: UInt64) {}
    public var evictions: Int { 0 }

    public func save(_ w: inout StateWriter) {
        _ = w
    }

    public func load(_ r: inout StateReader) throws(StateError) {
        _ = r
    }
}
