import Numbering
import Wire

/// Turns SIP messages into call events: INVITE dialogs only (REGISTER, OPTIONS and the
/// rest carry no call), keyed by Call-ID and tags (RFC 3261 12), parties normalised to
/// E.164, device facts as views of the INVITE. A SIP-I body's IAM (`SIPMessage.isup`)
/// supplies the calling number's nature, presentation and screening and the forwarding
/// numbers. Works on the message's bytes in place; parties are built for setups only.
public struct SIPEventAdapter {
    public let normalizer: NumberNormalizer
    /// Numbers of a SIP-I body, read as ISUP reads them.
    let isupNumbers: ISUPEventAdapter

    public init(normalizer: NumberNormalizer = NumberNormalizer()) {
        self.normalizer = normalizer
        isupNumbers = ISUPEventAdapter(normalizer: normalizer)
    }

    /// The event `m` stands for, or nil when it belongs to no INVITE dialog.
    @inline(__always)
    public func event(_ m: SIPMessage, _ context: MessageContext) -> CallEvent? {
        let kind: CallEventKind
        if m.isRequest {
            switch m.method {
            case .invite: kind = m.to.tag.isEmpty ? .setup : .modify
            case .ack: kind = .confirm
            case .bye: kind = .release(cause: ReleaseCause.normalClearing)
            case .cancel: kind = .cancel
            default: return nil
            }
        } else {
            switch m.cseqMethod {
            case .invite:
                switch m.statusCode {
                case 100..<200: kind = .progress(m.statusCode)
                case 200..<300: kind = .answer
                default: kind = .reject(m.statusCode)
                }
            case .bye, .cancel, .ack: kind = .other
            default: return nil
            }
        }
        let callIDHash = DialogKey.hash(m.slice(m.callID))
        var e = CallEvent(kind: kind, signalling: .sip, context: context,
                          key: DialogKey.of(callIDHash: callIDHash, tag: m.slice(m.from.tag)), callID: m.slice(m.callID))
        if !m.to.tag.isEmpty { e.alternateKey = DialogKey.of(callIDHash: callIDHash, tag: m.slice(m.to.tag)) }
        e.groupKey = callIDHash
        e.sequence = m.cseqNumber
        if kind == .setup { describeSetup(m, &e) }
        return e
    }

    /// Parties, forwarding and device of an initial INVITE.
    private func describeSetup(_ m: SIPMessage, _ e: inout CallEvent) {
        e.caller = caller(of: m)
        e.callee = callee(of: m)
        if let d = party(m.diversion, in: m) { e.redirecting = d }
        e.device.userAgent = m.slice(m.userAgent)
        e.device.instance = m.slice(m.sipInstance)
        e.device.accessNetwork = m.slice(m.accessNetworkInfo)
        e.device.maxForwards = m.maxForwards
        e.device.transaction = m.slice(m.viaBranch)
        e.device.sessionOrigin = m.slice(m.sdpOrigin)
        e.device.sessionName = m.slice(m.sdpSessionName)
        if let iam = m.isup, iam.type == ISUPMessage.initialAddress {
            e.signalling = .sipI
            e.caller.nature = NatureOfAddress(isup: iam.callingNatureOfAddress)
            e.caller.presentation = iam.callingPresentation == 0 ? .allowed : iam.callingPresentation == 1 ? .restricted : .unavailable
            e.caller.screening = Screening(isup: iam.callingScreening)
            e.callee.nature = NatureOfAddress(isup: iam.calledNatureOfAddress)
            // Forwarding and additional numbers, by their nature of address like ISUP's own.
            if !iam.additionalCalling.isEmpty {
                e.additionalCaller.number = isupNumbers.number(iam.additionalCalling, nature: iam.additionalCallingNatureOfAddress)
            }
            if !iam.redirecting.isEmpty { e.redirecting.number = isupNumbers.number(iam.redirecting, nature: 0) }
            e.redirections = iam.redirectionCounter
            e.redirectingReason = iam.redirectingReason
            if !iam.originalCalled.isEmpty { e.originalCalled.number = isupNumbers.number(iam.originalCalled, nature: 0) }
        }
    }

    /// The party named by a URI, when it has a user part.
    @inline(__always)
    func party(_ a: NameAddr, in m: SIPMessage) -> CallParty? {
        guard a.present, !a.user.isEmpty, a.scheme != .other else { return nil }
        let raw = m.slice(a.user)
        return CallParty(number: normalizer.normalize(raw, phoneContext: m.slice(a.phoneContext)), raw: raw)
    }

    /// The calling party: the first numeric P-Asserted-Identity (the network's assertion,
    /// RFC 3325), else From (the user's claim). A withheld From (`anonymous`, RFC 3323) is
    /// presentation restricted.
    @inline(__always)
    public func caller(of m: SIPMessage) -> CallParty {
        if var p = party(m.assertedIdentity, in: m), p.isNumeric { return asserted(&p, m) }
        if var p = party(m.assertedIdentity2, in: m), p.isNumeric { return asserted(&p, m) }
        guard var p = party(m.from, in: m) else { return .none }
        p.screening = .userNotVerified
        p.presentation = WithheldIdentity.matches(p.raw) ? .restricted : .allowed
        return p
    }

    @inline(__always)
    private func asserted(_ p: inout CallParty, _ m: SIPMessage) -> CallParty {
        p.screening = .network
        p.presentation = WithheldIdentity.matches(m.slice(m.from.user)) ? .restricted : .allowed
        return p
    }

    /// The called party: the Request-URI user when numeric, else To.
    @inline(__always)
    public func callee(of m: SIPMessage) -> CallParty {
        let ruri = party(m.requestURI, in: m)
        if let ruri, ruri.isNumeric { return ruri }
        if let to = party(m.to, in: m), to.isNumeric { return to }
        return ruri ?? party(m.to, in: m) ?? .none
    }
}
