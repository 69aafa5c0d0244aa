import PacketCrafting
import Testing
@testable import Wire

@Suite("SIP message parsing")
struct SIPParserTests {
    /// Parses `text` as one datagram and returns field texts from inside the callback.
    func fields(_ text: String, _ read: @escaping (SIPMessage) -> [String]) -> [String] {
        var out: [String] = []
        _ = decode([udpFrame(text)], inspect: { out = read($0) })
        return out
    }

    @Test func requestLineAndCoreHeaders() {
        let f = fields(inviteText(extra: ["User-Agent: dble", "P-Asserted-Identity: <tel:+8617012345678>",
                                          "Contact: <sip:1001@10.0.0.9:5060>;+sip.instance=\"<urn:gsma:imei:35209900-176148-0>\""])) {
            [$0.methodName, $0.text($0.requestURI.user), $0.text($0.from.user), $0.text($0.from.tag),
             $0.text($0.from.displayName), $0.text($0.to.user), $0.text($0.callID), String($0.cseqNumber),
             $0.text($0.cseqMethodText), $0.text($0.viaBranch), String($0.maxForwards), $0.text($0.userAgent),
             $0.text($0.assertedIdentity.user), $0.text($0.sipInstance), $0.text($0.contact.user)]
        }
        #expect(f == ["INVITE", "13987654321", "13812345678", "1928301774", "Alice", "13987654321", "abc@host", "314159",
                      "INVITE", "z9hG4bK776asdhds", "70", "dble", "+8617012345678", "<urn:gsma:imei:35209900-176148-0>",
                      "1001"])
    }

    @Test func compactFormsAreRecognised() {
        let text = [
            "INVITE sip:bob@example.net SIP/2.0",
            "v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKcompact",
            "f: <sip:alice@example.com>;tag=88",
            "t: <sip:bob@example.net>",
            "i: compact-id",
            "m: <sip:alice@192.0.2.1>",
            "c: application/sdp",
            "k: 100rel",
            "s: subject",
            "CSeq: 1 INVITE",
            "l: 10",
            "", "v=0\r\ns=x\r\n",
        ].joined(separator: "\r\n")
        let f = fields(text) {
            [$0.text($0.from.user), $0.text($0.to.user), $0.text($0.callID), $0.text($0.viaBranch),
             $0.text($0.contact.user), $0.text($0.contentType), String($0.contentLength), $0.text($0.sdpSessionName)]
        }
        #expect(f == ["alice", "bob", "compact-id", "z9hG4bKcompact", "alice", "application/sdp", "10", "x"])
    }

    @Test func foldedHeadersAndMultipleValues() {
        let text = [
            "INVITE sip:bob@example.net SIP/2.0",
            "Via: SIP/2.0/UDP first.example;branch=z9hG4bKtop, SIP/2.0/UDP second.example;branch=z9hG4bKlower",
            "Via: SIP/2.0/UDP third.example;branch=z9hG4bKthird",
            "From: \"Alice\"",
            "  <sip:alice@example.com>",
            "\t;tag=folded",
            "To: <sip:bob@example.net>",
            "Call-ID: fold",
            "P-Asserted-Identity: <sip:+8613800000001@ims.example;user=phone>, <tel:+8613800000001>",
            "CSeq: 1 INVITE",
            "Content-Length: 0", "", "",
        ].joined(separator: "\r\n")
        let f = fields(text) {
            [$0.text($0.viaBranch), String($0.viaCount), $0.text($0.from.user), $0.text($0.from.tag),
             $0.text($0.assertedIdentity.user), $0.assertedIdentity.userIsPhone ? "phone" : "",
             $0.text($0.assertedIdentity2.user), $0.assertedIdentity2.scheme == .tel ? "tel" : ""]
        }
        #expect(f == ["z9hG4bKtop", "2", "alice", "folded", "+8613800000001", "phone", "+8613800000001", "tel"])
    }

    @Test func responsesTakeTheirMethodFromCSeq() {
        let text = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n"
            + "To: <sip:c@d>;tag=2\r\nCall-ID: r\r\nCSeq: 7 INVITE\r\nServer: uas\r\nContent-Length: 0\r\n\r\n"
        let (seen, c) = decode([udpFrame(text)])
        #expect(seen == [Seen(frame: 1, method: "", status: 180, callID: "r", fromUser: "a", toUser: "c", defect: nil,
                              source: "192.0.2.1:5060", transport: .udp)])
        #expect(c.signalling == 1)
    }

    @Test func sipIsRecognisedOnAnyPort() {
        let (seen, _) = decode([udpFrame(inviteText(), sourcePort: 40000, destinationPort: 5072)])
        #expect(seen.count == 1)
    }

    @Test func keepalivesAreSignallingNotMessages() {
        let (seen, c) = decode([udpFrame("\r\n\r\n")])
        #expect(seen.isEmpty && c.signalling == 1 && c[.sipKeepalives] == 1)
    }

    @Test func malformedMessagesAreCountedByReasonAndNeverCrash() {
        let noEnd = "INVITE sip:b@x SIP/2.0\r\nCall-ID: x\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@x>\r\nCSeq: 1 INVITE"
        let badLength = inviteText().replacingFirst("Content-Length: 0", with: "Content-Length: bad")
        let overLength = inviteText().replacingFirst("Content-Length: 0", with: "Content-Length: 500")
        let noCallID = "INVITE sip:b@x SIP/2.0\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@x>\r\nCSeq: 1 INVITE\r\n\r\n"
        let longLine = inviteText(extra: ["X-Long: " + String(repeating: "y", count: 64 * 1024)])
        let binary = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let garbage = FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(binary, sourcePort: 5060, destinationPort: 5060),
                                                              source: "192.0.2.1", destination: "192.0.2.2", proto: 17))
        let frames = [udpFrame(noEnd), udpFrame(badLength), udpFrame(overLength), udpFrame(noCallID),
                      garbage, udpFrame(String(decoding: binary, as: UTF8.self), sourcePort: 40000, destinationPort: 40000)]
        let (seen, c) = decode(frames)
        #expect(c[malformed: .sipTruncatedHeaders] == 1)
        #expect(c[malformed: .sipBadContentLength] == 2)
        #expect(c[malformed: .sipMissingCallID] == 1)
        #expect(c[malformed: .sipGarbageOnSIPPort] == 1)
        #expect(c[skipped: .udpNotSIP] == 1)  // binary on a non-SIP port is just not SIP
        #expect(c.read == frames.count && c.isBalanced)
        #expect(seen.count == 4 && seen.allSatisfy { $0.defect != nil })
        // A 60 KB header line over UDP (IP-fragmented), and a 64 KB one over TCP.
        let udpLine = inviteText(extra: ["X-Long: " + String(repeating: "y", count: 60 * 1024)])
        let udp = FrameBuilder.udp(Array(udpLine.utf8), sourcePort: 5060, destinationPort: 5060)
        let frags = FrameBuilder.ipv4Fragments(udp, source: "192.0.2.1", destination: "192.0.2.2", proto: 17,
                                               identification: 3, fragmentSize: 1480).map { FrameBuilder.ethernet($0) }
        let (long, c2) = decode(frags)
        #expect(long.first?.defect == .sipHeaderTooLong)
        #expect(c2[malformed: .sipHeaderTooLong] == frags.count && c2.isBalanced)
        let tcpBytes = Array(longLine.utf8)
        var segments: [[UInt8]] = []
        var offset = 0
        while offset < tcpBytes.count {
            let end = min(offset + 1460, tcpBytes.count)
            segments.append(FrameBuilder.ethernet(FrameBuilder.ipv4(
                FrameBuilder.tcp(Array(tcpBytes[offset..<end]), sourcePort: 40000, destinationPort: 5060, seq: UInt32(1 + offset)),
                source: "192.0.2.1", destination: "192.0.2.2", proto: 6)))
            offset = end
        }
        let (viaTCP, c3) = decode(segments)
        #expect(viaTCP.count == 1 && viaTCP[0].defect == .sipHeaderTooLong)
        #expect(c3[malformed: .sipHeaderTooLong] == 1 && c3.isBalanced)
    }

    @Test func ssdpAndHTTPAreNotSIP() {
        let ssdp = "NOTIFY * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\n\r\n"
        let (seen, c) = decode([udpFrame(ssdp, sourcePort: 1900, destinationPort: 1900)])
        #expect(seen.isEmpty && c[skipped: .udpNotSIP] == 1)
    }

    @Test func telURIsAndPhoneContext() {
        let text = inviteText(extra: ["Diversion: <tel:13800000002;phone-context=+86>;reason=unconditional"])
            .replacingFirst("INVITE sip:13987654321@example.net SIP/2.0", with: "INVITE tel:13987654321;phone-context=+86 SIP/2.0")
        let f = fields(text) {
            [$0.requestURI.scheme == .tel ? "tel" : "", $0.text($0.requestURI.user), $0.text($0.requestURI.phoneContext),
             $0.text($0.diversion.user), $0.text($0.diversion.phoneContext)]
        }
        #expect(f == ["tel", "13987654321", "+86", "13800000002", "+86"])
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = firstRange(of: target) else { return self }
        return self[..<r.lowerBound] + replacement + self[r.upperBound...]
    }
}
