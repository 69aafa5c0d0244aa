import Numbering
import Wire

/// One end of a call as presented in signalling: the E.164 number when the user part
/// normalises to one, and the raw user part (bytes in the message) either way.
public struct CallParty: Sendable, Equatable {
    public var number: PhoneNumber?
    /// The user part as written, a range into the message.
    public var raw: ByteRange

    public init(number: PhoneNumber?, raw: ByteRange) {
        self.number = number
        self.raw = raw
    }

    public static let none = CallParty(number: nil, raw: .empty)

    public var isNumeric: Bool { number != nil }

    /// `+8613812345678`, or the raw user part when it is not a number (allocates).
    public func text(in message: SIPMessage) -> String {
        number?.description ?? message.text(raw)
    }

    /// The party named by a URI, when it has a user part.
    @inline(__always)
    static func from(_ a: NameAddr, in m: SIPMessage, _ normalizer: NumberNormalizer) -> CallParty? {
        guard a.present, !a.user.isEmpty, a.scheme != .other else { return nil }
        let number = normalizer.normalize(m.slice(a.user), phoneContext: m.slice(a.phoneContext))
        return CallParty(number: number, raw: a.user)
    }

    /// The calling party: the first numeric P-Asserted-Identity, else From.
    @inline(__always)
    public static func caller(of m: SIPMessage, _ normalizer: NumberNormalizer) -> CallParty {
        if let p = from(m.assertedIdentity, in: m, normalizer), p.isNumeric { return p }
        if let p = from(m.assertedIdentity2, in: m, normalizer), p.isNumeric { return p }
        return from(m.from, in: m, normalizer) ?? .none
    }

    /// The called party: the Request-URI user when numeric, else To.
    @inline(__always)
    public static func callee(of m: SIPMessage, _ normalizer: NumberNormalizer) -> CallParty {
        let ruri = from(m.requestURI, in: m, normalizer)
        if let ruri, ruri.isNumeric { return ruri }
        if let to = from(m.to, in: m, normalizer), to.isNumeric { return to }
        return ruri ?? from(m.to, in: m, normalizer) ?? .none
    }
}
