import Numbering

/// One party of a call as signalled: the E.164 number when the digits normalise to one,
/// the raw digits or user part either way, and what the network says about the number.
public struct CallParty {
    public var number: PhoneNumber?
    /// The user part or digits as signalled (a view valid while the event is handled).
    public var raw: UnsafeRawBufferPointer
    public var nature: NatureOfAddress = .unknown
    public var presentation: Presentation = .unknown
    public var screening: Screening = .unknown

    public init(number: PhoneNumber?, raw: UnsafeRawBufferPointer) {
        self.number = number
        self.raw = raw
    }

    public static var none: CallParty { CallParty(number: nil, raw: UnsafeRawBufferPointer(start: nil, count: 0)) }

    public var isNumeric: Bool { number != nil }
    public var isPresent: Bool { number != nil || !raw.isEmpty }

    /// `+8613812345678`, or the raw user part when it is not a number (allocates).
    public var text: String { number?.description ?? String(decoding: raw, as: UTF8.self) }
}

/// The nature of address of a number (ISUP Q.763 3.9; SIP numbers are normalised to
/// international by the adapter and keep `unknown`).
public enum NatureOfAddress: UInt8, Sendable {
    case unknown = 0, subscriber = 1, national = 3, international = 4, networkSpecific = 5

    public init(isup value: UInt8) { self = NatureOfAddress(rawValue: value) ?? .unknown }
}

/// Whether the caller allowed its number to be shown (ISUP address presentation
/// restricted indicator; SIP: a withheld identity is restricted).
public enum Presentation: UInt8, Sendable {
    case unknown, allowed, restricted, unavailable
}

/// Who vouches for the calling number (ISUP screening indicator, Q.763 3.10 e). A
/// user-provided, unverified number on an interconnect is one the caller typed; a
/// network-provided one the network assigned. In SIP a P-Asserted-Identity (RFC 3325)
/// is the network's assertion and a From alone the user's.
public enum Screening: UInt8, Sendable {
    case unknown, userNotVerified, userVerifiedPassed, userVerifiedFailed, network

    public init(isup value: UInt8) {
        switch value & 3 {
        case 0: self = .userNotVerified
        case 1: self = .userVerifiedPassed
        case 2: self = .userVerifiedFailed
        default: self = .network
        }
    }
}
