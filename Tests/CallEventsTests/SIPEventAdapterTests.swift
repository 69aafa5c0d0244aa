import CallEvents
import PacketCrafting
import Testing
import Wire

/// Decodes one SIP text through the real decoder and returns what the adapter makes of it
/// (as values that outlive the message).
struct SeenEvent: Equatable {
    var kind: CallEventKind
    var signalling: SignallingProtocol
    var key: UInt64, alternateKey: UInt64, groupKey: UInt64, sequence: UInt32
    var callID = "", caller = "", callee = "", redirecting = "", originalCalled = ""
    var screening = Screening.unknown, presentation = Presentation.unknown, nature = NatureOfAddress.unknown
    var userAgent = "", instance = "", maxForwards = -1

    init(_ e: CallEvent) {
        kind = e.kind
        signalling = e.signalling
        key = e.key
        alternateKey = e.alternateKey
        groupKey = e.groupKey
        sequence = e.sequence
        callID = e.callIDText
        caller = e.caller.text
        callee = e.callee.text
        redirecting = e.redirecting.text
        originalCalled = e.originalCalled.text
        screening = e.caller.screening
        presentation = e.caller.presentation
        nature = e.caller.nature
        userAgent = String(decoding: e.device.userAgent, as: UTF8.self)
        instance = String(decoding: e.device.instance, as: UTF8.self)
        maxForwards = e.device.maxForwards
    }
}

func sipEvent(_ text: String, body: [UInt8] = []) -> SeenEvent? {
    let decoder = PacketDecoder()
    let adapter = SIPEventAdapter()
    var seen: SeenEvent?
    let frame = FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(Array(text.utf8) + body, sourcePort: 5060, destinationPort: 5060),
                                                        source: "192.0.2.1", destination: "192.0.2.2", proto: 17))
    frame.withUnsafeBytes { b in
        decoder.decode(CapturedPacket(frame: 1, timestamp: 1, linkType: .ethernet, bytes: b, originalLength: b.count)) { m, c in
            seen = adapter.event(m, c).map(SeenEvent.init)
        }
    }
    return seen
}

func sipText(_ startLine: String, cseq: String = "1 INVITE", toTag: String = "", extra: [String] = [],
             from: String = "\"Alice\" <sip:13812345678@example.com>;tag=a1", contentLength: Int = 0) -> String {
    ([startLine,
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
      "Max-Forwards: 70",
      "To: <sip:13987654321@example.net>" + (toTag.isEmpty ? "" : ";tag=\(toTag)"),
      "From: \(from)",
      "Call-ID: call-1@host",
      "CSeq: \(cseq)"] + extra + ["Content-Length: \(contentLength)"]).joined(separator: "\r\n") + "\r\n\r\n"
}

@Suite("SIP adapter")
struct SIPEventAdapterTests {
    static let invite = "INVITE sip:13987654321@example.net SIP/2.0"

    @Test func everyMessageOfAnInviteDialogHasItsKind() throws {
        let setup = try #require(sipEvent(sipText(Self.invite)))
        #expect(setup.kind == .setup && setup.signalling == .sip && setup.sequence == 1)
        #expect(sipEvent(sipText("SIP/2.0 180 Ringing", toTag: "b2"))?.kind == .progress(180))
        #expect(sipEvent(sipText("SIP/2.0 200 OK", toTag: "b2"))?.kind == .answer)
        #expect(sipEvent(sipText("SIP/2.0 486 Busy Here", toTag: "b2"))?.kind == .reject(486))
        #expect(sipEvent(sipText("ACK sip:x@h SIP/2.0", cseq: "1 ACK", toTag: "b2"))?.kind == .confirm)
        #expect(sipEvent(sipText("BYE sip:x@h SIP/2.0", cseq: "2 BYE", toTag: "b2"))?.kind == .release(cause: 16))
        #expect(sipEvent(sipText("CANCEL sip:x@h SIP/2.0", cseq: "1 CANCEL"))?.kind == .cancel)
        #expect(sipEvent(sipText(Self.invite, cseq: "3 INVITE", toTag: "b2"))?.kind == .modify)
        #expect(sipEvent(sipText("SIP/2.0 200 OK", cseq: "2 BYE", toTag: "b2"))?.kind == .other)
        // Outside INVITE dialogs there is no call.
        #expect(sipEvent(sipText("OPTIONS sip:x@h SIP/2.0", cseq: "1 OPTIONS")) == nil)
        #expect(sipEvent(sipText("SIP/2.0 200 OK", cseq: "1 REGISTER")) == nil)
    }

    @Test func bothDirectionsOfADialogShareItsKeys() throws {
        let setup = try #require(sipEvent(sipText(Self.invite)))
        let answer = try #require(sipEvent(sipText("SIP/2.0 200 OK", toTag: "b2")))
        // The callee's BYE: its From tag is the callee's, its To tag the caller's.
        let bye = try #require(sipEvent(sipText("BYE sip:x@h SIP/2.0", cseq: "7 BYE", toTag: "a1",
                                                from: "<sip:13987654321@example.net>;tag=b2")))
        #expect(setup.key == answer.key && setup.alternateKey == 0)
        #expect(bye.alternateKey == setup.key && bye.key != setup.key)
        #expect(Set([setup.groupKey, answer.groupKey, bye.groupKey]).count == 1)
    }

    @Test func partiesDeviceAndWhoVouchesForTheCaller() throws {
        let plain = try #require(sipEvent(sipText(Self.invite, extra: [
            "User-Agent: Phone/1.0", "Contact: <sip:a@192.0.2.1>;+sip.instance=\"<urn:gsma:imei:35209900-176148-0>\"",
            "Diversion: <sip:13800001111@example.com>;reason=unconditional"])))
        #expect(plain.caller == "+8613812345678" && plain.callee == "+8613987654321" && plain.callID == "call-1@host")
        #expect(plain.screening == .userNotVerified && plain.presentation == .allowed)
        #expect(plain.redirecting == "+8613800001111")
        #expect(plain.userAgent == "Phone/1.0" && plain.instance.contains("35209900") && plain.maxForwards == 70)

        // RFC 3325: the network's asserted identity is the caller, network-provided; an
        // anonymous From (RFC 3323) withholds it from the callee.
        let asserted = try #require(sipEvent(sipText(Self.invite, extra: ["P-Asserted-Identity: <tel:+8613700000000>"],
                                                     from: "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=a1")))
        #expect(asserted.caller == "+8613700000000" && asserted.screening == .network && asserted.presentation == .restricted)

        let anonymous = try #require(sipEvent(sipText(Self.invite, from: "<sip:Anonymous@anonymous.invalid>;tag=a1")))
        #expect(anonymous.caller == "Anonymous" && anonymous.presentation == .restricted)
    }

    /// SIP-I: the IAM in the body says the caller typed the number (screening "user
    /// provided, not verified") and withheld it; those facts join the SIP setup.
    @Test func aSIPIBodyJoinsItsFactsToTheSIPCall() throws {
        let iam = ISUPCallScript(opc: 0, dpc: 0, cic: 0).iam(called: "13987654321", calling: "13812345678",
                                                             callingNature: ISUPCallScript.national, presentation: 1, screening: 0)
        let isup = Array(iam.dropFirst(3 + 5 + 2))  // MTP2, MTP3 and the CIC: the body starts at the message type
        let body = Array("--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b1\r\nContent-Type: application/ISUP; version=itu-t92+\r\n\r\n".utf8)
            + isup + Array("\r\n--b1--\r\n".utf8)
        let text = sipText(Self.invite, extra: ["Content-Type: multipart/mixed;boundary=b1"], contentLength: body.count)
        let e = try #require(sipEvent(text, body: body))
        #expect(e.kind == .setup && e.signalling == .sipI)
        #expect(e.caller == "+8613812345678")
        #expect(e.screening == .userNotVerified && e.presentation == .restricted && e.nature == .national)
        // The same INVITE without the ISUP part is plain SIP.
        #expect(sipEvent(sipText(Self.invite))?.signalling == .sip)
    }
}
