/// SIP request methods CallGuard distinguishes; anything else is `.other` (its text stays
/// available through `SIPMessage.methodText`).
public enum SIPMethod: UInt8, Sendable, CaseIterable {
    case invite, ack, bye, cancel, register, options, info, update, prack
    case subscribe, notify, message, refer, publish, other

    public var name: String {
        switch self {
        case .invite: "INVITE"
        case .ack: "ACK"
        case .bye: "BYE"
        case .cancel: "CANCEL"
        case .register: "REGISTER"
        case .options: "OPTIONS"
        case .info: "INFO"
        case .update: "UPDATE"
        case .prack: "PRACK"
        case .subscribe: "SUBSCRIBE"
        case .notify: "NOTIFY"
        case .message: "MESSAGE"
        case .refer: "REFER"
        case .publish: "PUBLISH"
        case .other: "OTHER"
        }
    }

    /// Identifies a method token (case-sensitive, as RFC 3261 says methods are).
    @inline(__always)
    static func identify(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> SIPMethod {
        switch end - start {
        case 3:
            if b.matches("ACK", at: start) { return .ack }
            if b.matches("BYE", at: start) { return .bye }
        case 4:
            if b.matches("INFO", at: start) { return .info }
        case 5:
            if b.matches("PRACK", at: start) { return .prack }
            if b.matches("REFER", at: start) { return .refer }
        case 6:
            if b.matches("INVITE", at: start) { return .invite }
            if b.matches("CANCEL", at: start) { return .cancel }
            if b.matches("UPDATE", at: start) { return .update }
            if b.matches("NOTIFY", at: start) { return .notify }
        case 7:
            if b.matches("OPTIONS", at: start) { return .options }
            if b.matches("MESSAGE", at: start) { return .message }
            if b.matches("PUBLISH", at: start) { return .publish }
        case 8:
            if b.matches("REGISTER", at: start) { return .register }
        case 9:
            if b.matches("SUBSCRIBE", at: start) { return .subscribe }
        default:
            break
        }
        return .other
    }
}
