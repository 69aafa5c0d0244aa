/// How a call ended (or stood when the input ended).
public enum CallOutcome: UInt8, Sendable, CaseIterable {
    /// Reached a 2xx (released by BYE, or still up when the input ended).
    case answered
    /// The caller cancelled before an answer (CANCEL, then 487).
    case cancelled
    /// A final 3xx-6xx answer (the code is kept on the record).
    case rejected
    /// No final answer within the setup timeout, or no BYE within the maximum holding time.
    case timedOut
    /// Still being set up when the input ended.
    case inProgress
}

/// What happens to a dialog, as seen in its messages.
public enum DialogEvent: Equatable, Sendable {
    case provisional(Int)
    case success
    case failure(Int)
    case ack
    case bye
    case cancel
    /// A new INVITE of the same call with a higher CSeq (after an auth challenge).
    case reattempt
    case timeout
}

/// The state of one INVITE dialog (RFC 3261 13 and 17.1.1), as an explicit machine with
/// one transition function so every edge can be tested on its own.
public enum DialogState: Equatable, Sendable {
    /// INVITE seen, nothing back yet.
    case calling
    /// 100 Trying.
    case proceeding
    /// 180/183: the callee's phone rings (or early media).
    case ringing
    /// 2xx seen, ACK not yet.
    case answered
    /// ACK seen: the call is up.
    case confirmed
    /// The caller sent CANCEL; waiting for 487 (or a crossing 2xx).
    case cancelling
    /// 401/407: the caller may retry with credentials in the same call.
    case challenged(Int)
    /// Over; the outcome is final.
    case terminated(CallOutcome)

    public var isTerminated: Bool {
        if case .terminated = self { return true }
        return false
    }

    /// True once a 2xx has been seen and until the call ends.
    public var isUp: Bool { self == .answered || self == .confirmed }

    /// The one transition function. Events that do not apply leave the state unchanged
    /// (retransmissions, stray ACKs, messages after the end).
    public func next(_ event: DialogEvent) -> DialogState {
        switch (self, event) {
        case (.terminated, _):
            return self
        case (_, .timeout):
            return .terminated(.timedOut)
        case (.calling, .provisional(let code)):
            return code == 100 ? .proceeding : .ringing
        case (.proceeding, .provisional(let code)):
            return code == 100 ? .proceeding : .ringing
        case (.calling, .success), (.proceeding, .success), (.ringing, .success), (.cancelling, .success):
            return .answered
        case (.answered, .ack):
            return .confirmed
        case (.answered, .bye), (.confirmed, .bye):
            return .terminated(.answered)
        case (.calling, .cancel), (.proceeding, .cancel), (.ringing, .cancel):
            return .cancelling
        case (.cancelling, .failure):
            return .terminated(.cancelled)
        case (.calling, .failure(let code)), (.proceeding, .failure(let code)), (.ringing, .failure(let code)):
            return code == 401 || code == 407 ? .challenged(code) : .terminated(.rejected)
        case (.challenged, .reattempt):
            return .calling
        case (.calling, .bye), (.proceeding, .bye), (.ringing, .bye), (.cancelling, .bye):
            // BYE on an early dialog ends the attempt like a cancel.
            return .terminated(.cancelled)
        default:
            return self
        }
    }

    /// The outcome to report for a dialog still in this state when the input ends.
    public var outcomeAtEnd: CallOutcome {
        switch self {
        case .terminated(let o): return o
        case .answered, .confirmed: return .answered
        case .challenged: return .rejected
        case .calling, .proceeding, .ringing, .cancelling: return .inProgress
        }
    }
}
