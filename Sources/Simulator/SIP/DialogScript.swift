/// The messages of one call, in order, with their times: what the INVITE's outcome
/// implies on the wire (RFC 3261 dialogs: 100, 18x, 2xx + ACK + BYE + 200; CANCEL + 200
/// + 487 + ACK; 486/480/603 + ACK), and INVITE retransmissions.
enum SIPEvent: UInt8 {
    case invite, inviteRetransmission, trying, ringing, answer, ack, byeFromCaller, byeFromCallee, byeOK
    case busy, unavailable, decline, cancel, cancelOK, terminated, failureAck

    /// Sent by the calling side (the origin) rather than the core.
    var fromOrigin: Bool {
        switch self {
        case .invite, .inviteRetransmission, .ack, .byeFromCaller, .cancel, .failureAck: true
        case .byeOK: false  // decided per call: the answering side of the BYE
        default: false
        }
    }
}

enum DialogScript {
    /// Offsets (seconds after the call's start) of each message of `plan`.
    static func events(_ plan: CallPlan, byeFromCaller: Bool) -> [(Double, SIPEvent)] {
        var out: [(Double, SIPEvent)] = [(0, .invite)]
        var base = 0.0
        if plan.retransmitInvite {
            out.append((0.5, .inviteRetransmission))  // Timer A: no provisional response within T1
            base = 0.5
        }
        out.append((base + 0.02, .trying))
        let ringing = base + min(0.3, max(0.05, plan.ringSeconds * 0.3))
        let final = base + max(plan.ringSeconds, ringing - base + 0.1)
        switch plan.outcome {
        case .answered(let talk):
            out.append((ringing, .ringing))
            out.append((final, .answer))
            out.append((final + 0.04, .ack))
            if !plan.loseBye {
                out.append((final + 0.04 + talk, byeFromCaller ? .byeFromCaller : .byeFromCallee))
                out.append((final + 0.07 + talk, .byeOK))
            }
        case .busy:
            out.append((base + 0.4, .busy))
            out.append((base + 0.42, .failureAck))
        case .unavailable:
            out.append((base + 1.5, .unavailable))
            out.append((base + 1.52, .failureAck))
        case .rejected:
            out.append((ringing, .ringing))
            out.append((final, .decline))
            out.append((final + 0.02, .failureAck))
        case .cancelled:
            out.append((ringing, .ringing))
            out.append((final, .cancel))
            out.append((final + 0.02, .cancelOK))
            out.append((final + 0.03, .terminated))
            out.append((final + 0.05, .failureAck))
        }
        return out
    }
}
