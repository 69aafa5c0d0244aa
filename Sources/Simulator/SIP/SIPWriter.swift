/// Writes the SIP text of one call's messages: headers as real user agents, SBCs and an
/// IMS core write them (Via branches, tags, CSeq, Max-Forwards, Contact with
/// `+sip.instance`, P-Asserted-Identity where the network vouches, P-Access-Network-Info,
/// `tel:` and `sip:` URIs, numbers in national, `+` and `00` forms) and SDP offers and
/// answers. Bytes are appended to a reused buffer.
struct CallText {
    let plan: CallPlan
    let cc: String
    let core: IPAddress
    let fromTag: String
    let toTag: String
    let branch: String
    let ackBranch: String
    let byeBranch: String
    let coreBranch: String
    let sessionID: UInt64
    let rtpPort: Int
    let byeFromCaller: Bool
    // Header text every message of the call repeats, written once per call.
    private let originHost: String
    private let coreHost: String
    private let transport: String
    private let callerURI: String
    private let calleeURI: String
    private let requestURI: String
    private let fromHeader: String
    private let toHeader: String
    private let toTagged: String
    private let callerVia: String
    private let callerWritten: String

    init(plan: CallPlan, cc: String, core: IPAddress, rng: inout SimRandom) {
        self.plan = plan
        self.cc = cc
        self.core = core
        func hex(_ n: Int) -> String {
            var s = String(rng.next(), radix: 16)
            while s.count < n { s = "0" + s }
            return String(s.prefix(n))
        }
        fromTag = hex(8)
        toTag = hex(8) + "-" + hex(4)
        if plan.device.digitBranch {
            branch = "z9hG4bK" + String(100_000_000 + rng.below(900_000_000))
            ackBranch = "z9hG4bK" + String(100_000_000 + rng.below(900_000_000))
            byeBranch = "z9hG4bK" + String(100_000_000 + rng.below(900_000_000))
        } else {
            branch = "z9hG4bK" + hex(10)
            ackBranch = "z9hG4bK" + hex(10)
            byeBranch = "z9hG4bK" + hex(10)
        }
        coreBranch = "z9hG4bK" + hex(12) + ".1"
        sessionID = 1_000_000 + UInt64(rng.below(1_000_000_000))
        rtpPort = 10_000 + 2 * rng.below(15_000)
        byeFromCaller = rng.chance(0.6)

        originHost = plan.origin.ip.isIPv6 ? "[\(plan.origin.ip)]" : "\(plan.origin.ip)"
        coreHost = core.isIPv6 ? "[\(core)]" : "\(core)"
        transport = plan.origin.transport == .udp ? "UDP" : "TCP"
        callerURI = plan.anonymous ? "sip:anonymous@anonymous.invalid"
                                   : Self.uri(plan.caller, plan.callerForm, host: originHost, cc: cc, tel: plan.telURI)
        calleeURI = Self.uri(plan.callee, plan.calleeForm, host: coreHost, cc: cc, tel: plan.telURI)
        requestURI = calleeURI
        fromHeader = (plan.anonymous ? "From: \"Anonymous\" <" : "From: <") + "\(callerURI)>;tag=\(fromTag)"
        toHeader = "To: <\(calleeURI)>"
        toTagged = toHeader + ";tag=\(toTag)"
        callerVia = "Via: SIP/2.0/\(transport) \(originHost):\(plan.origin.port);branch=\(branch)" + (transport == "UDP" ? ";rport" : "")
        callerWritten = plan.caller.written(plan.callerForm, homeCountryCode: cc)
    }

    private static func uri(_ n: SimNumber, _ form: SimNumber.Form, host: String, cc: String, tel: Bool) -> String {
        let written = n.written(form, homeCountryCode: cc)
        if tel {
            return written.hasPrefix("+") ? "tel:\(written)" : "tel:\(written);phone-context=+\(cc)"
        }
        return "sip:\(written)@\(host);user=phone"
    }

    private func sdp(origin: Bool) -> String {
        let ip = origin ? plan.origin.ip : core
        let family = ip.isIPv6 ? "IP6" : "IP4"
        let user = origin ? plan.device.sdpUser : "ims-core"
        let session = origin ? plan.device.sdpSession : "IMS core"
        var s = "v=0\r\no=\(user) \(sessionID) \(sessionID) IN \(family) \(ip)\r\ns=\(session)\r\nc=IN \(family) \(ip)\r\nt=0 0\r\n"
        s += "m=audio \(origin ? rtpPort : rtpPort + 20_000) RTP/AVP 8 0 101\r\n"
        s += "a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n"
        if origin && plan.padded {
            // A VoLTE-style offer with many codec variants: large enough to need IP fragments.
            for pt in 96..<120 {
                s += "a=rtpmap:\(pt) AMR-WB/16000/1\r\na=fmtp:\(pt) mode-change-capability=2;max-red=0;octet-align=\(pt % 2)\r\n"
            }
        }
        return s
    }

    private func message(_ lines: [String], body: String = "", contentType: Bool = false) -> String {
        var text = ""
        text.reserveCapacity(lines.reduce(body.utf8.count + 64) { $0 + $1.utf8.count + 2 })
        for line in lines {
            text += line
            text += "\r\n"
        }
        if contentType { text += "Content-Type: application/sdp\r\n" }
        text += "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        return text
    }

    /// The INVITE of an interworked call (SIP-I, ITU-T Q.1912.5): its SDP offer and the
    /// IAM (`iam`, from the message type on) as the two parts of a `multipart/mixed` body.
    /// Bytes, not text: the ISUP part is binary.
    func sipIInvite(_ iam: [UInt8]) -> [UInt8] {
        let boundary = "sip-i-\(fromTag)"
        let text = invite()
        let head = text[..<text.range(of: "Content-Type: application/sdp\r\n")!.lowerBound]
        var body = Array("--\(boundary)\r\nContent-Type: application/sdp\r\n\r\n\(sdp(origin: true))".utf8)
        body += Array("--\(boundary)\r\nContent-Type: application/ISUP; version=itu-t92+\r\nContent-Disposition: signal; handling=required\r\n\r\n".utf8)
        body += iam
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return Array((head + "Content-Type: multipart/mixed;boundary=\(boundary)\r\nContent-Length: \(body.count)\r\n\r\n").utf8) + body
    }

    private func invite() -> String {
        let d = plan.device
        var lines = ["INVITE \(requestURI) SIP/2.0", callerVia, "Max-Forwards: \(d.maxForwards)", fromHeader, toHeader,
                     "Call-ID: \(plan.callID)", "CSeq: 1 INVITE"]
        var contact = "Contact: <sip:\(callerWritten)@\(originHost):\(plan.origin.port);transport=\(transport.lowercased())>"
        if let imei = d.imei {
            let i = Array(imei)
            contact += ";+sip.instance=\"<urn:gsma:imei:\(String(i[0..<8]))-\(String(i[8..<14]))-0>\""
        }
        lines.append(contact)
        if plan.origin.assertsIdentity { lines.append("P-Asserted-Identity: <tel:+\(plan.caller.digits)>") }
        if plan.anonymous { lines.append("Privacy: id") }
        if let pani = d.accessNetworkInfo { lines.append("P-Access-Network-Info: \(pani)") }
        if !d.userAgent.isEmpty { lines.append("User-Agent: \(d.userAgent)") }
        lines.append("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK")
        lines.append("Supported: timer")
        lines += d.extraHeaders
        return message(lines, body: sdp(origin: true), contentType: true)
    }

    private func response(_ code: Int, _ reason: String, method: String, cseq: Int = 1, tagged: Bool = true,
                          via: String? = nil, sdp: Bool = false, contact: Bool = false) -> String {
        var lines = ["SIP/2.0 \(code) \(reason)", via ?? callerVia, fromHeader, tagged ? toTagged : toHeader,
                     "Call-ID: \(plan.callID)", "CSeq: \(cseq) \(method)"]
        if contact { lines.append("Contact: <sip:core@\(coreHost):5060>") }
        lines.append("Server: CallGuard-Sim IMS core")
        return message(lines, body: sdp ? self.sdp(origin: false) : "", contentType: sdp)
    }

    /// The text of `event`.
    func text(_ event: SIPEvent) -> String {
        switch event {
        case .invite, .inviteRetransmission:
            return invite()
        case .trying:
            return response(100, "Trying", method: "INVITE", tagged: false)
        case .ringing:
            return response(180, "Ringing", method: "INVITE", contact: true)
        case .answer:
            return response(200, "OK", method: "INVITE", sdp: true, contact: true)
        case .ack:
            return message(["ACK sip:core@\(coreHost):5060 SIP/2.0",
                            "Via: SIP/2.0/\(transport) \(originHost):\(plan.origin.port);branch=\(ackBranch)",
                            "Max-Forwards: \(plan.device.maxForwards)", fromHeader, toTagged, "Call-ID: \(plan.callID)", "CSeq: 1 ACK"])
        case .byeFromCaller:
            return message(["BYE sip:core@\(coreHost):5060 SIP/2.0",
                            "Via: SIP/2.0/\(transport) \(originHost):\(plan.origin.port);branch=\(byeBranch)",
                            "Max-Forwards: \(plan.device.maxForwards)", fromHeader, toTagged, "Call-ID: \(plan.callID)", "CSeq: 2 BYE"])
        case .byeFromCallee:
            return message(["BYE sip:\(callerWritten)@\(originHost):\(plan.origin.port) SIP/2.0",
                            "Via: SIP/2.0/\(transport) \(coreHost):5060;branch=\(coreBranch)", "Max-Forwards: 70",
                            "From: <\(calleeURI)>;tag=\(toTag)",
                            "To: <\(callerURI)>;tag=\(fromTag)",
                            "Call-ID: \(plan.callID)", "CSeq: 1 BYE"])
        case .byeOK:
            if byeFromCaller {
                return response(200, "OK", method: "BYE", cseq: 2,
                                via: "Via: SIP/2.0/\(transport) \(originHost):\(plan.origin.port);branch=\(byeBranch)")
            }
            return message(["SIP/2.0 200 OK", "Via: SIP/2.0/\(transport) \(coreHost):5060;branch=\(coreBranch)",
                            "From: <\(calleeURI)>;tag=\(toTag)",
                            "To: <\(callerURI)>;tag=\(fromTag)",
                            "Call-ID: \(plan.callID)", "CSeq: 1 BYE"])
        case .busy:
            return response(486, "Busy Here", method: "INVITE")
        case .unavailable:
            return response(480, "Temporarily Unavailable", method: "INVITE")
        case .decline:
            return response(603, "Decline", method: "INVITE")
        case .cancel:
            return message(["CANCEL \(requestURI) SIP/2.0", callerVia, "Max-Forwards: \(plan.device.maxForwards)", fromHeader,
                            toHeader, "Call-ID: \(plan.callID)", "CSeq: 1 CANCEL"])
        case .cancelOK:
            return response(200, "OK", method: "CANCEL")
        case .terminated:
            return response(487, "Request Terminated", method: "INVITE")
        case .failureAck:
            return message(["ACK \(requestURI) SIP/2.0", callerVia, "Max-Forwards: \(plan.device.maxForwards)", fromHeader,
                            toTagged, "Call-ID: \(plan.callID)", "CSeq: 1 ACK"])
        }
    }

    /// Whether the origin side sends `event`.
    func fromOrigin(_ event: SIPEvent) -> Bool {
        event == .byeOK ? !byeFromCaller : event.fromOrigin
    }
}
