import Wire

/// The signalling protocol a call event came from.
public enum SignallingProtocol: UInt8, Sendable, CaseIterable {
    case sip
    /// ISUP over MTP2, M2PA or M3UA: calls are circuits between two signalling points.
    case isup
    /// SIP whose body carries the ISUP message of an interworked call (SIP-I, SIP-T).
    case sipI

    /// The name in the verdicts contract (`sip`, `isup`, `sip-i`).
    public var name: String {
        switch self {
        case .sip: "sip"
        case .isup: "isup"
        case .sipI: "sip-i"
        }
    }
}

/// What a signalling message did to its call, in protocol-neutral terms.
public enum CallEventKind: Equatable, Sendable {
    /// A new call: an initial INVITE, an IAM.
    case setup
    /// A change inside an established call (a re-INVITE): counted, changes nothing tracked.
    case modify
    /// The call progresses; the SIP-equivalent status (100, 180, 183; ACM is 180, CPG 183).
    case progress(Int)
    /// The callee answered (2xx to the INVITE, ANM, CON).
    case answer
    /// A final refusal of the setup with its SIP status (3xx-6xx).
    case reject(Int)
    /// The caller confirmed the answer (ACK).
    case confirm
    /// One side hung up (BYE, REL) with its ITU-T Q.850 cause (16: normal clearing). Before
    /// an answer, a release from the caller's side abandons the call and one from the
    /// callee's side refuses it.
    case release(cause: UInt8)
    /// The caller withdrew the setup (CANCEL).
    case cancel
    /// Part of a call but changes nothing tracked (responses to BYE, RLC, SAM).
    case other
}

/// One protocol message as the layers above parsing see it: which call it belongs to,
/// what it did, and for a setup the parties with their attributes, the device and the
/// transport context. Byte views (`callID`, raw user parts, device fields) are valid only
/// while the message that produced the event is being handled; everything above the
/// adapters (calls, detectors, policy, engine, harness) reads events, never protocol
/// structures, so a new protocol is a new adapter.
public struct CallEvent {
    public var kind: CallEventKind
    public var signalling: SignallingProtocol
    /// The frame, trace time, addresses and transport of the message.
    public var context: MessageContext
    /// The call's key: SIP Call-ID with the From tag; ISUP the circuit (point codes and CIC).
    public var key: UInt64
    /// A second key the call may be known by (SIP: Call-ID with the To tag; 0: none).
    public var alternateKey: UInt64 = 0
    /// The group a message may be matched by when no key matches (SIP: the Call-ID alone,
    /// for peers that mangle tags; 0: none).
    public var groupKey: UInt64 = 0
    /// Order of setup transactions within one call (SIP CSeq; 0 for ISUP): a setup with a
    /// higher number after a challenge is a new attempt, answers to older ones are stale.
    public var sequence: UInt32 = 0
    /// The key names a resource reused call after call (an ISUP circuit): a setup on an
    /// ended call's key starts a new call rather than repeating the old one.
    public var keyReusable = false
    /// The signalling point that sent the message (ISUP: its OPC; 0 for SIP), which tells
    /// a caller's release from a callee's.
    public var origin: UInt32 = 0
    /// The call's identifier as text for verdicts and labels (SIP Call-ID;
    /// `OPC-DPC-CIC@SECONDS.MICROSECONDS` of the IAM for ISUP).
    public var callID: UnsafeRawBufferPointer
    /// Setup only: the calling party (with its presentation and screening) and the called party.
    public var caller = CallParty.none
    public var callee = CallParty.none
    /// Setup only: the number that forwarded the call and the one originally dialled.
    public var redirecting: CallParty = .none
    public var originalCalled: CallParty = .none
    /// Setup only: how many times the call was forwarded, and why the last time (ISUP
    /// redirection information; 0 when not signalled).
    public var redirections: UInt8 = 0
    public var redirectingReason: UInt8 = 0
    /// Setup only: a second calling number the caller asks to show (ISUP Generic Number,
    /// additional calling party number), beside the one the network vouches for.
    public var additionalCaller: CallParty = .none
    /// Setup only: what the signalling says about the calling device.
    public var device = DeviceContext()

    public init(kind: CallEventKind, signalling: SignallingProtocol, context: MessageContext, key: UInt64,
                callID: UnsafeRawBufferPointer) {
        self.kind = kind
        self.signalling = signalling
        self.context = context
        self.key = key
        self.callID = callID
    }

    /// The call identifier as text (allocates: for output and tests).
    public var callIDText: String { String(decoding: callID, as: UTF8.self) }
}
