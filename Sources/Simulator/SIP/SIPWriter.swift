/// Writes the SIP text of one call's messages: headers as real user agents, SBCs and an
/// IMS core write them (Via branches, tags, CSeq, Max-Forwards, Contact with
/// `+sip.instance`, P-Asserted-Identity where the network vouches, P-Access-Network-Info,
/// `tel:` and `sip:` URIs, numbers in national, `+` and `00` forms) and SDP offers and
/// answers. The text every message of the call repeats is turned into bytes once per
/// call; each message is then appended to a buffer the generator reuses, so writing one
/// allocates nothing. A class: the generator keeps one reference per open call.
final class CallText {
    let plan: CallPlan
    let core: IPAddress
    let byeFromCaller: Bool
    private let sessionID: Int
    private let rtpPort: Int
    /// Every piece of header text the call's messages repeat, back to back; the ranges
    /// below say where each one is (one allocation per call instead of one per piece).
    private let text: [UInt8]
    private let originHost: Range<Int>
    private let coreHost: Range<Int>
    private let originIP: Range<Int>
    private let coreIP: Range<Int>
    private let transport: Range<Int>
    private let port: Range<Int>
    /// `From: <callerURI>;tag=fromTag`, with the URI and the tag inside it.
    private let fromHeader: Range<Int>
    private let callerURI: Range<Int>
    private let fromTag: Range<Int>
    /// `To: <calleeURI>;tag=toTag`; `toHeader` is its part before `;tag=`.
    private let toTagged: Range<Int>
    private let toHeader: Range<Int>
    private let calleeURI: Range<Int>
    private let toTag: Range<Int>
    private let callerVia: Range<Int>
    private let ackBranch: Range<Int>
    private let byeBranch: Range<Int>
    private let coreBranch: Range<Int>
    private let callIDLine: Range<Int>
    private let maxForwardsLine: Range<Int>
    private let callerWritten: Range<Int>

    /// Draws the call's tags, branches, session id, RTP port and BYE direction from
    /// `rng` (always in this order: traces are byte-identical for a seed).
    init(plan: CallPlan, cc: String, core: IPAddress, rng: inout SimRandom) {
        self.plan = plan
        self.core = core
        var t: [UInt8] = []
        t.reserveCapacity(768)
        /// Runs `write` and returns the range of what it appended.
        func piece(_ write: () -> Void) -> Range<Int> {
            let start = t.count
            write()
            return start..<t.count
        }
        /// `String(rng.next(), radix: 16)` left-padded with zeros to `n` digits and cut to its first `n`.
        func hex(_ n: Int) {
            let v = rng.next()
            let digits = max(1, (67 - v.leadingZeroBitCount) / 4)
            for _ in 0..<max(0, n - digits) { t.append(48) }
            for k in 0..<min(n, digits) {
                let d = UInt8(truncatingIfNeeded: v >> UInt64(4 * (digits - 1 - k))) & 0xF
                t.append(d < 10 ? 48 + d : 87 + d)
            }
        }
        func address(_ ip: IPAddress) {
            if ip.isIPv6 {
                t.put(text: ip.description)
            } else {
                for (i, b) in ip.bytes.enumerated() {
                    if i > 0 { t.append(46) }  // .
                    t.put(decimal: Int(b))
                }
            }
        }
        func host(_ ip: IPAddress) -> Range<Int> {
            piece {
                if ip.isIPv6 { t.append(91) }  // [
                address(ip)
                if ip.isIPv6 { t.append(93) }  // ]
            }
        }
        func uri(_ n: SimNumber, _ form: SimNumber.Form, host: Range<Int>) {
            let written = n.written(form, homeCountryCode: cc)
            if plan.telURI {
                t.put("tel:")
                t.put(text: written)
                if !written.hasPrefix("+") { t.put(";phone-context=+"); t.put(text: cc) }
                return
            }
            t.put("sip:")
            t.put(text: written)
            t.append(64)  // @
            for i in host { t.append(t[i]) }
            t.put(";user=phone")
        }
        func branchValue() {
            t.put("z9hG4bK")
            if plan.device.digitBranch { t.put(decimal: 100_000_000 + rng.below(900_000_000)) } else { hex(10) }
        }

        originIP = piece { address(plan.origin.ip) }
        coreIP = piece { address(core) }
        let originHost = host(plan.origin.ip), coreHost = host(core)
        self.originHost = originHost
        self.coreHost = coreHost
        transport = piece { t.put(plan.origin.transport == .udp ? "UDP" : "TCP") }
        port = piece { t.put(decimal: plan.origin.port) }
        callIDLine = piece { t.put("Call-ID: "); t.put(text: plan.callID) }
        maxForwardsLine = piece { t.put("Max-Forwards: "); t.put(decimal: plan.device.maxForwards) }
        callerWritten = piece { t.put(text: plan.caller.written(plan.callerForm, homeCountryCode: cc)) }

        // What the random stream decides, in the order it always has.
        var callerURI = 0..<0, fromTag = 0..<0
        fromHeader = piece {
            t.put(plan.anonymous ? "From: \"Anonymous\" <" : "From: <")
            callerURI = piece {
                if plan.anonymous { t.put("sip:anonymous@anonymous.invalid") } else { uri(plan.caller, plan.callerForm, host: originHost) }
            }
            t.put(">;tag=")
            fromTag = piece { hex(8) }
        }
        self.callerURI = callerURI
        self.fromTag = fromTag
        var calleeURI = 0..<0, toTag = 0..<0, toHeader = 0..<0
        toTagged = piece {
            toHeader = piece {
                t.put("To: <")
                calleeURI = piece { uri(plan.callee, plan.calleeForm, host: coreHost) }
                t.put(">")
            }
            t.put(";tag=")
            toTag = piece { hex(8); t.put("-"); hex(4) }
        }
        self.calleeURI = calleeURI
        self.toTag = toTag
        self.toHeader = toHeader
        callerVia = piece {
            t.put("Via: SIP/2.0/"); t.put(plan.origin.transport == .udp ? "UDP" : "TCP"); t.put(" ")
            for i in originHost { t.append(t[i]) }
            t.put(":"); t.put(decimal: plan.origin.port); t.put(";branch=")
            branchValue()
            if plan.origin.transport == .udp { t.put(";rport") }
        }
        ackBranch = piece { branchValue() }
        byeBranch = piece { branchValue() }
        coreBranch = piece { t.put("z9hG4bK"); hex(12); t.put(".1") }
        sessionID = 1_000_000 + rng.below(1_000_000_000)
        rtpPort = 10_000 + 2 * rng.below(15_000)
        byeFromCaller = rng.chance(0.6)
        text = t
    }

    /// Appends one of the call's pieces of text.
    @inline(__always)
    private func put(_ range: Range<Int>, _ out: inout [UInt8]) {
        out.append(contentsOf: text[range])
    }

    /// Appends the SDP offer (`origin`) or answer to `s`.
    private func sdp(origin: Bool, into s: inout [UInt8]) {
        let ip = origin ? originIP : coreIP
        let family: StaticString = (origin ? plan.origin.ip : core).isIPv6 ? "IP6" : "IP4"
        s.put("v=0\r\no=")
        if origin { s.put(text: plan.device.sdpUser) } else { s.put("ims-core") }
        s.put(" "); s.put(decimal: sessionID); s.put(" "); s.put(decimal: sessionID)
        s.put(" IN "); s.put(family); s.put(" "); put(ip, &s)
        s.put("\r\ns=")
        if origin { s.put(text: plan.device.sdpSession) } else { s.put("IMS core") }
        s.put("\r\nc=IN "); s.put(family); s.put(" "); put(ip, &s)
        s.put("\r\nt=0 0\r\nm=audio "); s.put(decimal: origin ? rtpPort : rtpPort + 20_000)
        s.put(" RTP/AVP 8 0 101\r\n")
        s.put("a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n")
        if origin && plan.padded {
            // A VoLTE-style offer with many codec variants: large enough to need IP fragments.
            for pt in 96..<120 {
                s.put("a=rtpmap:"); s.put(decimal: pt); s.put(" AMR-WB/16000/1\r\na=fmtp:"); s.put(decimal: pt)
                s.put(" mode-change-capability=2;max-red=0;octet-align="); s.put(decimal: pt % 2); s.crlf()
            }
        }
    }

    /// Ends the headers in `out`: `Content-Length` of `body`, the empty line, the body.
    private func finish(_ out: inout [UInt8], body: [UInt8]) {
        out.put("Content-Length: "); out.put(decimal: body.count); out.put("\r\n\r\n")
        out.put(bytes: body)
    }

    /// Ends a message without a body.
    private func finishEmpty(_ out: inout [UInt8]) {
        out.put("Content-Length: 0\r\n\r\n")
    }

    /// The INVITE's header lines up to (not including) its Content-Type.
    private func inviteHeaders(_ out: inout [UInt8]) {
        let d = plan.device
        out.put("INVITE "); put(calleeURI, &out); out.put(" SIP/2.0\r\n")
        put(callerVia, &out); out.crlf()
        put(maxForwardsLine, &out); out.crlf()
        put(fromHeader, &out); out.crlf()
        put(toHeader, &out); out.crlf()
        put(callIDLine, &out); out.crlf()
        out.put("CSeq: 1 INVITE\r\n")
        out.put("Contact: <sip:"); put(callerWritten, &out); out.put("@"); put(originHost, &out); out.put(":")
        put(port, &out); out.put(plan.origin.transport == .udp ? ";transport=udp>" : ";transport=tcp>")
        if let imei = d.imei {
            let i = Array(imei.utf8)
            out.put(";+sip.instance=\"<urn:gsma:imei:"); out.append(contentsOf: i[0..<8]); out.put("-")
            out.append(contentsOf: i[8..<14]); out.put("-0>\"")
        }
        out.crlf()
        if plan.origin.assertsIdentity { out.put("P-Asserted-Identity: <tel:+"); out.put(text: plan.caller.digits); out.put(">\r\n") }
        if plan.anonymous { out.put("Privacy: id\r\n") }
        if let pani = d.accessNetworkInfo { out.put("P-Access-Network-Info: "); out.put(text: pani); out.crlf() }
        if !d.userAgent.isEmpty { out.put("User-Agent: "); out.put(text: d.userAgent); out.crlf() }
        out.put("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK\r\nSupported: timer\r\n")
        for h in d.extraHeaders { out.put(text: h); out.crlf() }
    }

    /// The INVITE of an interworked call (SIP-I, ITU-T Q.1912.5): its SDP offer and the
    /// IAM (`iam`, from the message type on) as the two parts of a `multipart/mixed` body.
    /// Bytes, not text: the ISUP part is binary.
    func sipIInvite(_ iam: [UInt8], into out: inout [UInt8]) {
        var body: [UInt8] = []
        body.put("--sip-i-"); put(fromTag, &body); body.put("\r\nContent-Type: application/sdp\r\n\r\n")
        sdp(origin: true, into: &body)
        body.put("--sip-i-"); put(fromTag, &body)
        body.put("\r\nContent-Type: application/ISUP; version=itu-t92+\r\nContent-Disposition: signal; handling=required\r\n\r\n")
        body += iam
        body.put("\r\n--sip-i-"); put(fromTag, &body); body.put("--\r\n")
        out.removeAll(keepingCapacity: true)
        inviteHeaders(&out)
        out.put("Content-Type: multipart/mixed;boundary=sip-i-"); put(fromTag, &out); out.crlf()
        finish(&out, body: body)
    }

    /// A response to the caller's transaction: status line, Via (the caller's unless
    /// `via` names another branch), From, To (tagged or not), Call-ID, CSeq, optional
    /// Contact, Server, and an SDP answer when `sdp`.
    private func response(_ status: StaticString, method: StaticString, cseq: StaticString = "1", tagged: Bool = true,
                          viaBranch: Range<Int>? = nil, sdp: Bool = false, contact: Bool = false,
                          into out: inout [UInt8], body: inout [UInt8]) {
        out.put("SIP/2.0 "); out.put(status); out.crlf()
        if let branch = viaBranch { callerSideVia(branch, &out) } else { put(callerVia, &out); out.crlf() }
        put(fromHeader, &out); out.crlf()
        put(tagged ? toTagged : toHeader, &out); out.crlf()
        put(callIDLine, &out); out.crlf()
        out.put("CSeq: "); out.put(cseq); out.put(" "); out.put(method); out.crlf()
        if contact { out.put("Contact: <sip:core@"); put(coreHost, &out); out.put(":5060>\r\n") }
        out.put("Server: CallGuard-Sim IMS core\r\n")
        if sdp {
            out.put("Content-Type: application/sdp\r\n")
            body.removeAll(keepingCapacity: true)
            self.sdp(origin: false, into: &body)
            finish(&out, body: body)
        } else {
            finishEmpty(&out)
        }
    }

    /// `Via: SIP/2.0/TRANSPORT origin:port;branch=BRANCH` and its line end.
    private func callerSideVia(_ branch: Range<Int>, _ out: inout [UInt8]) {
        out.put("Via: SIP/2.0/"); put(transport, &out); out.put(" "); put(originHost, &out); out.put(":")
        put(port, &out); out.put(";branch="); put(branch, &out); out.crlf()
    }

    /// The core's Via on a BYE it sends, and on the caller's 200 to it.
    private func coreVia(_ out: inout [UInt8]) {
        out.put("Via: SIP/2.0/"); put(transport, &out); out.put(" "); put(coreHost, &out); out.put(":5060;branch=")
        put(coreBranch, &out); out.crlf()
    }

    /// From (the callee) and To (the caller) of the core's BYE and of its 200.
    private func calleeFromCallerTo(_ out: inout [UInt8]) {
        out.put("From: <"); put(calleeURI, &out); out.put(">;tag="); put(toTag, &out); out.crlf()
        out.put("To: <"); put(callerURI, &out); out.put(">;tag="); put(fromTag, &out); out.crlf()
    }

    /// Replaces `out` with the bytes of `event`; `body` is scratch space for SDP.
    func write(_ event: SIPEvent, into out: inout [UInt8], body: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        switch event {
        case .invite, .inviteRetransmission:
            inviteHeaders(&out)
            out.put("Content-Type: application/sdp\r\n")
            body.removeAll(keepingCapacity: true)
            sdp(origin: true, into: &body)
            finish(&out, body: body)
        case .trying:
            response("100 Trying", method: "INVITE", tagged: false, into: &out, body: &body)
        case .ringing:
            response("180 Ringing", method: "INVITE", contact: true, into: &out, body: &body)
        case .answer:
            response("200 OK", method: "INVITE", sdp: true, contact: true, into: &out, body: &body)
        case .ack, .byeFromCaller:
            let ack = event == .ack
            out.put(ack ? "ACK sip:core@" : "BYE sip:core@"); put(coreHost, &out); out.put(":5060 SIP/2.0\r\n")
            callerSideVia(ack ? ackBranch : byeBranch, &out)
            put(maxForwardsLine, &out); out.crlf()
            put(fromHeader, &out); out.crlf()
            put(toTagged, &out); out.crlf()
            put(callIDLine, &out); out.crlf()
            out.put(ack ? "CSeq: 1 ACK\r\n" : "CSeq: 2 BYE\r\n")
            finishEmpty(&out)
        case .byeFromCallee:
            out.put("BYE sip:"); put(callerWritten, &out); out.put("@"); put(originHost, &out); out.put(":")
            put(port, &out); out.put(" SIP/2.0\r\n")
            coreVia(&out)
            out.put("Max-Forwards: 70\r\n")
            calleeFromCallerTo(&out)
            put(callIDLine, &out); out.crlf()
            out.put("CSeq: 1 BYE\r\n")
            finishEmpty(&out)
        case .byeOK:
            if byeFromCaller {
                response("200 OK", method: "BYE", cseq: "2", viaBranch: byeBranch, into: &out, body: &body)
            } else {
                out.put("SIP/2.0 200 OK\r\n")
                coreVia(&out)
                calleeFromCallerTo(&out)
                put(callIDLine, &out); out.crlf()
                out.put("CSeq: 1 BYE\r\n")
                finishEmpty(&out)
            }
        case .busy:
            response("486 Busy Here", method: "INVITE", into: &out, body: &body)
        case .unavailable:
            response("480 Temporarily Unavailable", method: "INVITE", into: &out, body: &body)
        case .decline:
            response("603 Decline", method: "INVITE", into: &out, body: &body)
        case .cancel, .failureAck:
            let cancel = event == .cancel
            out.put(cancel ? "CANCEL " : "ACK "); put(calleeURI, &out); out.put(" SIP/2.0\r\n")
            put(callerVia, &out); out.crlf()
            put(maxForwardsLine, &out); out.crlf()
            put(fromHeader, &out); out.crlf()
            put(cancel ? toHeader : toTagged, &out); out.crlf()
            put(callIDLine, &out); out.crlf()
            out.put(cancel ? "CSeq: 1 CANCEL\r\n" : "CSeq: 1 ACK\r\n")
            finishEmpty(&out)
        case .cancelOK:
            response("200 OK", method: "CANCEL", into: &out, body: &body)
        case .terminated:
            response("487 Request Terminated", method: "INVITE", into: &out, body: &body)
        }
    }

    /// Whether the origin side sends `event`.
    func fromOrigin(_ event: SIPEvent) -> Bool {
        event == .byeOK ? !byeFromCaller : event.fromOrigin
    }
}
