/// Writes the calls of the international gateway as its SS7 side carries them (and the
/// IAM a SIP-I gateway puts in its INVITE's body): ISUP
/// (ITU-T Q.763) between the gateway exchange and ours, over M3UA in SCTP, instead of SIP.
/// Each call seizes a circuit (a CIC on one of the linksets between the two exchanges)
/// for its life; the messages follow what the SIP dialog would have said: IAM for the
/// INVITE, ACM for 180, ANM for 200, REL with a Q.850 cause and RLC for BYE, CANCEL and
/// refusals. Written from Q.763 and RFC 4666, apart from the engine's decoder.
///
/// The calling number goes as international, network-verified (screening "user
/// provided, verified and passed", or "network provided" when the trunk asserts
/// identity), so that the same scenario judged over SIP and over ISUP meets the same
/// facts; a withheld caller is presentation restricted.
final class ISUPLeg {
    /// The gateway exchange's point code, and ours (the first linkset's DPC).
    let gatewayPointCode: UInt32 = 2001
    let exchangePointCode: UInt32 = 100
    static let circuitsPerLinkset = 4095

    /// One seized circuit.
    struct Circuit: Sendable {
        var index: Int
        var dpc: UInt32
        var cic: UInt16
    }

    private var free: [Int] = []
    private var fresh = 0

    /// Seizes a circuit for a new call: the most recently released, else a new one.
    func seize() -> Circuit {
        let index: Int
        if let f = free.popLast() { index = f } else { index = fresh; fresh += 1 }
        return Circuit(index: index, dpc: exchangePointCode + UInt32(index / Self.circuitsPerLinkset),
                       cic: UInt16(1 + index % Self.circuitsPerLinkset))
    }

    /// Releases a circuit once its call's last message is written. A call whose release
    /// never reached the capture keeps its circuit busy (as the exchange would, until
    /// its own supervision freed it).
    func release(_ c: Circuit) { free.append(c.index) }

    /// The call's identifier as the verdicts name an ISUP call: `OPC-DPC-CIC@SECONDS.MICROS`
    /// of the IAM.
    func callID(_ c: Circuit, at ns: Int64) -> String {
        var micros = String(ns % 1_000_000_000 / 1_000)
        while micros.count < 6 { micros = "0" + micros }
        return "\(gatewayPointCode)-\(c.dpc)-\(c.cic)@\(ns / 1_000_000_000).\(micros)"
    }

    /// The ISUP message (from its CIC) that stands for `event`, and whether the gateway
    /// sends it; nil when SS7 has no counterpart (100 Trying, ACK, retransmissions).
    func message(_ event: SIPEvent, _ plan: CallPlan, circuit c: Circuit, byeFromCaller: Bool, cc: String)
        -> (bytes: [UInt8], fromGateway: Bool)? {
        switch event {
        case .invite: return (Self.cicBytes(c) + Self.iam(plan, cc: cc), true)
        case .ringing: return (Self.isup(c, 6, [0x16, 0x14, 0x00]), false)            // ACM: subscriber free, ordinary
        case .answer: return (Self.isup(c, 9, [0x00]), false)                          // ANM
        case .byeFromCaller: return (Self.rel(c, cause: 16), true)
        case .byeFromCallee: return (Self.rel(c, cause: 16), false)
        case .byeOK: return (Self.isup(c, 16, [0x00]), !byeFromCaller)                 // RLC from the other side
        case .busy: return (Self.rel(c, cause: 17), false)
        case .unavailable: return (Self.rel(c, cause: 20), false)                      // subscriber absent
        case .decline: return (Self.rel(c, cause: 21), false)                          // call rejected
        case .cancel: return (Self.rel(c, cause: 16), true)
        case .terminated: return (Self.isup(c, 16, [0x00]), false)
        case .failureAck: return plan.outcome == .cancelled ? nil : (Self.isup(c, 16, [0x00]), true)
        case .inviteRetransmission, .trying, .ack, .cancelOK: return nil
        }
    }

    /// An IAM from its message type on (what a SIP-I body carries): nature of connection,
    /// forward call indicators, calling party's category, transmission medium
    /// requirement, the called party number, and the calling party number in the
    /// optional part.
    static func iam(_ plan: CallPlan, cc: String) -> [UInt8] {
        let callee = plan.callee.digits
        let calledHome = callee.hasPrefix(cc)
        let called = number(calledHome ? String(callee.dropFirst(cc.count)) : callee,
                                 nature: calledHome ? 3 : 4, indicators: 0x10)
        let screening: UInt8 = plan.origin.assertsIdentity ? 3 : 1
        let calling = number(plan.caller.digits, nature: 4, indicators: 0x10 | (plan.anonymous ? 0x04 : 0) | screening)
        var body: [UInt8] = [0x00, 0x20, 0x01, 0x0A, 0x00, 2, UInt8(2 + called.count)]
        body += [UInt8(called.count)] + called
        body += [0x0A, UInt8(calling.count)] + calling + [0x00]
        return [1] + body
    }

    private static func cicBytes(_ c: Circuit) -> [UInt8] { [UInt8(c.cic & 0xFF), UInt8(c.cic >> 8)] }

    private static func rel(_ c: Circuit, cause: UInt8) -> [UInt8] {
        isup(c, 12, [0x02, 0x00, 0x02, 0x82, 0x80 | cause])  // location: public network serving the local user
    }

    private static func isup(_ c: Circuit, _ type: UInt8, _ body: [UInt8]) -> [UInt8] {
        cicBytes(c) + [type] + body
    }

    /// Nature of address (with the odd/even bit), the indicators octet, then BCD digits.
    private static func number(_ digits: String, nature: UInt8, indicators: UInt8) -> [UInt8] {
        let d = digits.utf8.map { $0 &- 48 }
        var out: [UInt8] = [(d.count % 2 == 1 ? 0x80 : 0) | nature, indicators]
        var i = 0
        while i < d.count {
            out.append(d[i] | (i + 1 < d.count ? d[i + 1] << 4 : 0))
            i += 2
        }
        return out
    }
}
