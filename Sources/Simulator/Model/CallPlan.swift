/// One call as the simulator decides it before writing a packet: who calls whom, from
/// where, with what device, how it ends, and the truth about it.
public struct CallPlan: Sendable {
    public enum Label: String, Sendable { case legit, fraud }

    /// How the call ends.
    public enum Outcome: Sendable, Equatable {
        case answered(talkSeconds: Double)
        case busy
        /// Rings until the caller cancels.
        case cancelled
        case rejected
        case unavailable
    }

    public enum Transport: Sendable { case udp, tcp }

    /// Where the INVITE comes from: an SBC, a trunk or a gateway.
    public struct Origin: Sendable {
        public var ip: IPAddress
        public var port: Int
        public var vlan: Int?
        public var transport: Transport
        /// The network vouches for the caller (adds P-Asserted-Identity).
        public var assertsIdentity: Bool
    }

    /// The calling device's SIP traits.
    public struct Device: Sendable {
        public var userAgent: String
        public var maxForwards: Int
        /// Via branches of digits only (`z9hG4bK363969813`), as GoIP gateways write them.
        public var digitBranch: Bool
        public var sdpSession: String
        public var sdpUser: String
        /// 15-digit IMEI for `+sip.instance`, when the device is a handset or gateway module.
        public var imei: String?
        /// `P-Access-Network-Info` value, when the call comes over a radio network.
        public var accessNetworkInfo: String?
        public var extraHeaders: [String]
    }

    public var start: Int64
    public var callID: String
    public var label: Label
    public var scenario: String
    public var caller: SimNumber
    public var callee: SimNumber
    /// The number the caller presents in From (differs from `caller` only for anonymous calls).
    public var callerForm: SimNumber.Form
    public var calleeForm: SimNumber.Form
    public var telURI: Bool
    public var origin: Origin
    public var device: Device
    public var outcome: Outcome
    public var ringSeconds: Double
    public var retransmitInvite: Bool
    /// INVITE padded past the MTU, so UDP carries it in IP fragments.
    public var padded: Bool
    /// The subscriber index of the caller and callee, when they are subscribers (for tests).
    public var callerSubscriber: Int?
    public var calleeSubscriber: Int?
    /// The caller withholds its identity: `Privacy: id` and an anonymous From.
    public var anonymous = false
    /// The BYE and its answer never reach the capture (the call ends by time-out).
    public var loseBye = false
    /// The campaign source that placed a fraud call (`flood#0`), for per-source scoring.
    public var source = ""

    /// Seconds from the INVITE to the call's end (ring, then talk when answered).
    public var durationSeconds: Double {
        switch outcome {
        case .answered(let talk): return ringSeconds + talk
        case .busy: return 0.5
        case .unavailable: return 1.5
        case .cancelled, .rejected: return ringSeconds
        }
    }
}
