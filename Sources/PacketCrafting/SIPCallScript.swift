/// Writes the SIP text of one call's messages, for tests, benchmarks and the demo
/// trace. Each call is a full RFC 3261 exchange with consistent Call-ID, tags, CSeq
/// and Via branches; the simulator issue will grow this into realistic traffic.
public struct SIPCallScript {
    public var callID: String
    public var caller: String
    public var callee: String
    public var callerHost: String
    public var calleeHost: String
    public var fromTag: String
    public var toTag: String
    public var branch: String
    public var userAgent: String
    /// Extra header lines for the INVITE (e.g. a P-Asserted-Identity).
    public var extraInviteHeaders: [String]

    public init(callID: String, caller: String, callee: String, callerHost: String = "192.0.2.10",
                calleeHost: String = "198.51.100.20", fromTag: String = "a73kszlfl", toTag: String = "1410948204",
                branch: String = "z9hG4bKnashds8", userAgent: String = "CallGuard-demo/1.0",
                extraInviteHeaders: [String] = []) {
        self.callID = callID
        self.caller = caller
        self.callee = callee
        self.callerHost = callerHost
        self.calleeHost = calleeHost
        self.fromTag = fromTag
        self.toTag = toTag
        self.branch = branch
        self.userAgent = userAgent
        self.extraInviteHeaders = extraInviteHeaders
    }

    private var sdp: String {
        "v=0\r\no=- 2890844526 2890844526 IN IP4 \(callerHost)\r\ns=call\r\nc=IN IP4 \(callerHost)\r\nt=0 0\r\n"
            + "m=audio 49170 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n"
    }

    private func request(_ method: String, cseq: Int, cseqMethod: String? = nil, toTagged: Bool, body: String = "",
                         extra: [String] = [], branchSuffix: String = "") -> String {
        var lines = [
            "\(method) sip:\(callee)@\(calleeHost);user=phone SIP/2.0",
            "Via: SIP/2.0/UDP \(callerHost):5060;branch=\(branch)\(branchSuffix)",
            "Max-Forwards: 70",
            "From: <sip:\(caller)@\(callerHost);user=phone>;tag=\(fromTag)",
            "To: <sip:\(callee)@\(calleeHost);user=phone>" + (toTagged ? ";tag=\(toTag)" : ""),
            "Call-ID: \(callID)",
            "CSeq: \(cseq) \(cseqMethod ?? method)",
            "Contact: <sip:\(caller)@\(callerHost):5060>",
            "User-Agent: \(userAgent)",
        ] + extra
        if !body.isEmpty { lines.append("Content-Type: application/sdp") }
        lines.append("Content-Length: \(body.utf8.count)")
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    private func response(_ code: Int, _ reason: String, cseq: Int, method: String, toTagged: Bool, body: String = "",
                          branchSuffix: String = "") -> String {
        var lines = [
            "SIP/2.0 \(code) \(reason)",
            "Via: SIP/2.0/UDP \(callerHost):5060;branch=\(branch)\(branchSuffix)",
            "From: <sip:\(caller)@\(callerHost);user=phone>;tag=\(fromTag)",
            "To: <sip:\(callee)@\(calleeHost);user=phone>" + (toTagged ? ";tag=\(toTag)" : ""),
            "Call-ID: \(callID)",
            "CSeq: \(cseq) \(method)",
            "Server: CallGuard-demo-uas/1.0",
        ]
        if !body.isEmpty { lines.append("Content-Type: application/sdp") }
        lines.append("Content-Length: \(body.utf8.count)")
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    public var invite: String { request("INVITE", cseq: 1, toTagged: false, body: sdp, extra: extraInviteHeaders) }
    public var trying: String { response(100, "Trying", cseq: 1, method: "INVITE", toTagged: false) }
    public var ringing: String { response(180, "Ringing", cseq: 1, method: "INVITE", toTagged: true) }
    public var ok: String { response(200, "OK", cseq: 1, method: "INVITE", toTagged: true, body: sdp) }
    public var ack: String { request("ACK", cseq: 1, toTagged: true, branchSuffix: "ack") }
    public var bye: String { request("BYE", cseq: 2, toTagged: true, branchSuffix: "bye") }
    public var byeOK: String { response(200, "OK", cseq: 2, method: "BYE", toTagged: true, branchSuffix: "bye") }
    public var cancel: String { request("CANCEL", cseq: 1, toTagged: false) }
    public var cancelOK: String { response(200, "OK", cseq: 1, method: "CANCEL", toTagged: false) }
    public var terminated: String { response(487, "Request Terminated", cseq: 1, method: "INVITE", toTagged: true) }
    public func rejected(_ code: Int, _ reason: String) -> String {
        response(code, reason, cseq: 1, method: "INVITE", toTagged: true)
    }

    /// Which way a message travels.
    public enum Direction { case callerToCallee, calleeToCaller }

    /// An answered call released by the caller: (message, direction, seconds after the INVITE).
    public func answeredCall(talkSeconds: Double = 30) -> [(String, Direction, Double)] {
        [(invite, .callerToCallee, 0), (trying, .calleeToCaller, 0.01), (ringing, .calleeToCaller, 0.5),
         (ok, .calleeToCaller, 4), (ack, .callerToCallee, 4.05), (bye, .callerToCallee, 4 + talkSeconds),
         (byeOK, .calleeToCaller, 4.01 + talkSeconds)]
    }

    /// A call the caller cancels while it rings.
    public func cancelledCall() -> [(String, Direction, Double)] {
        [(invite, .callerToCallee, 0), (trying, .calleeToCaller, 0.01), (ringing, .calleeToCaller, 0.5),
         (cancel, .callerToCallee, 1.5), (cancelOK, .calleeToCaller, 1.51), (terminated, .calleeToCaller, 1.52),
         (request("ACK", cseq: 1, toTagged: true), .callerToCallee, 1.53)]
    }

    /// A call the callee rejects.
    public func rejectedCall(_ code: Int = 486, _ reason: String = "Busy Here") -> [(String, Direction, Double)] {
        [(invite, .callerToCallee, 0), (trying, .calleeToCaller, 0.01), (rejected(code, reason), .calleeToCaller, 0.8),
         (request("ACK", cseq: 1, toTagged: true), .callerToCallee, 0.81)]
    }
}
