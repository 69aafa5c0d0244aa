/// One ISUP message (ITU-T Q.763), as the SS7 side of an interconnect carries a call: the
/// circuit it concerns, its type, and for an IAM the called and calling party numbers
/// with the facts that tell a verified number from a typed-in one (nature of address,
/// presentation, screening). Digits are kept as signalled (BCD, `F` for the end-of-pulsing
/// digit); MTP3 point codes come from whatever carried it (0 in a SIP-I body).
public struct ISUPMessage: Sendable, Equatable {
    public var opc: UInt32 = 0
    public var dpc: UInt32 = 0
    public var cic: UInt16 = 0
    public var type: UInt8 = 0
    public var called = ISUPDigits()
    public var calledNatureOfAddress: UInt8 = 0
    public var calling = ISUPDigits()
    public var callingNatureOfAddress: UInt8 = 0
    /// Address presentation restricted indicator (0 allowed, 1 restricted, 2 not available).
    public var callingPresentation: UInt8 = 0
    /// Screening indicator (0 user provided not verified, 1 user provided verified and
    /// passed, 2 user provided verified and failed, 3 network provided).
    public var callingScreening: UInt8 = 0
    /// The redirecting number and the original called number of a forwarded call.
    public var redirecting = ISUPDigits()
    public var originalCalled = ISUPDigits()
    /// The additional calling party number of a Generic Number parameter (Q.763 3.26,
    /// qualifier 6): a number the caller may show beside the network's calling number.
    public var additionalCalling = ISUPDigits()
    public var additionalCallingNatureOfAddress: UInt8 = 0
    /// Redirection information (Q.763 3.45) of a forwarded call: how many times it was
    /// redirected and why (1 busy, 2 no reply, 3 unconditional...; 0: none given).
    public var redirectionCounter: UInt8 = 0
    public var redirectingReason: UInt8 = 0
    /// The Q.850 cause value of a REL (0: none).
    public var cause: UInt8 = 0
    /// Carried in a SIP-I body rather than over MTP3.
    public var inSIPBody = false

    /// Message types the call model follows (Q.763 table 4).
    public static let initialAddress: UInt8 = 1, subsequentAddress: UInt8 = 2, addressComplete: UInt8 = 6,
                      connect: UInt8 = 7, answer: UInt8 = 9, release: UInt8 = 12, releaseComplete: UInt8 = 16,
                      resetCircuit: UInt8 = 18, callProgress: UInt8 = 44

    public init() {}

    /// The Q.763 abbreviation of the message type (`IAM`, `ACM`...), or its number.
    public var typeName: String { Self.names[type] ?? String(type) }

    /// Parses an ISUP message from its CIC on: ITU (a 12-bit CIC; the IAM's called party
    /// number is its first variable part) or ANSI (a 14-bit CIC; the user service
    /// information comes first).
    public static func parse(_ b: UnsafeRawBufferPointer, into m: inout ISUPMessage, ansi: Bool = false) -> Bool {
        guard b.count >= 3 else { return false }
        m.cic = UInt16(b[0]) | UInt16(b[1] & (ansi ? 0x3F : 0x0F)) << 8
        m.type = b[2]
        m.called = ISUPDigits()
        m.calling = ISUPDigits()
        m.redirecting = ISUPDigits()
        m.originalCalled = ISUPDigits()
        m.additionalCalling = ISUPDigits()
        m.redirectionCounter = 0
        m.redirectingReason = 0
        m.cause = 0
        if m.type == release { return parseCause(b, into: &m) }
        guard m.type == initialAddress else { return true }
        // IAM: nature of connection, forward call indicators (2), calling party's category,
        // (ITU) transmission medium requirement; then the pointers to the (ANSI: user
        // service information and the) called party number and to the optional part, each
        // relative to its own position.
        guard b.count >= 10 else { return false }
        let calledPointer = ansi ? 8 : 8
        let optionalPointer = 9
        let calledAt = calledPointer + Int(b[calledPointer])
        guard calledAt < b.count, calledAt + 1 + Int(b[calledAt]) <= b.count else { return false }
        let called = b.slice(calledAt + 1, calledAt + 1 + Int(b[calledAt]))
        if called.count >= 2 {
            m.calledNatureOfAddress = called[0] & 0x7F
            m.called = digits(called.dropping(2), odd: called[0] & 0x80 != 0)
        }
        guard b[optionalPointer] != 0 else { return true }
        var at = optionalPointer + Int(b[optionalPointer])
        while at + 1 < b.count, b[at] != 0 {
            let kind = b[at], length = Int(b[at + 1])
            guard at + 2 + length <= b.count else { return false }
            if kind == 0x0A, length >= 2 {
                let p = b.slice(at + 2, at + 2 + length)
                m.callingNatureOfAddress = p[0] & 0x7F
                m.callingPresentation = p[1] >> 2 & 0x03
                m.callingScreening = p[1] & 0x03
                m.calling = digits(p.dropping(2), odd: p[0] & 0x80 != 0)
            } else if kind == 0x13, length >= 2 {
                m.redirectionCounter = b[at + 3] & 0x07
                m.redirectingReason = b[at + 3] >> 4
            } else if kind == 0xC0, length >= 3, b[at + 2] == 0x06 {
                // Generic number: qualifier, then the calling number's layout.
                let p = b.slice(at + 3, at + 2 + length)
                m.additionalCallingNatureOfAddress = p[0] & 0x7F
                m.additionalCalling = digits(p.dropping(2), odd: p[0] & 0x80 != 0)
            } else if kind == 0x0B || kind == 0x28, length >= 2 {
                // Redirecting number, original called number: the calling number's layout.
                let p = b.slice(at + 2, at + 2 + length)
                let number = digits(p.dropping(2), odd: p[0] & 0x80 != 0)
                if kind == 0x0B { m.redirecting = number } else { m.originalCalled = number }
            }
            at += 2 + length
        }
        return true
    }

    /// REL: the cause indicators are the one mandatory variable part (Q.763 3.12): its
    /// pointer follows the type; then location (with a recommendation octet when the
    /// extension bit is clear) and the cause value.
    static func parseCause(_ b: UnsafeRawBufferPointer, into m: inout ISUPMessage) -> Bool {
        guard b.count >= 4 else { return false }
        let at = 3 + Int(b[3])
        guard at < b.count, at + 1 + Int(b[at]) <= b.count, b[at] >= 2 else { return false }
        var i = at + 1
        if b[i] & 0x80 == 0 { i += 1 }
        guard i + 1 <= at + Int(b[at]) else { return false }
        m.cause = b[i + 1] & 0x7F
        return true
    }

    /// BCD digits, the low nibble first; an odd count leaves the last high nibble out.
    @inline(__always)
    static func digits(_ b: UnsafeRawBufferPointer, odd: Bool) -> ISUPDigits {
        var out = ISUPDigits()
        for i in 0..<b.count {
            out.append(b[i] & 0x0F)
            if i < b.count - 1 || !odd { out.append(b[i] >> 4) }
        }
        return out
    }

    static let names: [UInt8: String] = [
        1: "IAM", 2: "SAM", 3: "INR", 4: "INF", 5: "COT", 6: "ACM", 7: "CON", 8: "FOT", 9: "ANM", 12: "REL", 13: "SUS",
        14: "RES", 16: "RLC", 17: "CCR", 18: "RSC", 19: "BLO", 20: "UBL", 21: "BLA", 22: "UBA", 23: "GRS", 24: "CGB",
        25: "CGU", 26: "CGBA", 27: "CGUA", 31: "FAR", 32: "FAA", 33: "FRJ", 36: "LPA", 40: "PAM", 41: "GRA", 42: "CQM",
        43: "CQR", 44: "CPG", 45: "USR", 46: "UCIC", 47: "CFN", 48: "OLM", 49: "CRG", 50: "NRM", 51: "FAC", 52: "UPT",
        53: "UPA", 54: "IDR", 55: "IRS", 56: "SGM", 233: "CRA", 234: "CRM", 235: "CVR", 236: "CVT", 237: "EXM",
    ]
}
