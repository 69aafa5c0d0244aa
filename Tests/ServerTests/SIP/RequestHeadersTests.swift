import Testing
@testable import Server

@Suite("serve: the request lines a response copies")
struct RequestHeadersTests {
    func scan(_ text: String) -> (ok: Bool, h: RequestHeaders, slices: [String]) {
        var h = RequestHeaders()
        let bytes = Array(text.utf8)
        let ok = bytes.withUnsafeBytes { h.scan($0) }
        func s(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
        return (ok, h, ok ? [s(h.requestURI), s(h.from), s(h.to), s(h.callID), s(h.cseq)] + h.vias.map(s) : [])
    }

    @Test func findsEveryViaInOrderAndTheDialogHeaders() {
        let r = scan(SIPRequests.invite(caller: "+8613800000001"))
        #expect(r.ok)
        #expect(r.slices == ["sip:+8613912345678@192.0.2.80:5060", "\"Caller\" <sip:+8613800000001@192.0.2.10>;tag=f1",
                             "<sip:+8613912345678@192.0.2.80>", "call-1@proxy", "1 INVITE",
                             "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-a1;rport",
                             "SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK-uac;received=198.51.100.7"])
        #expect(!r.h.toHasTag)
    }

    @Test func compactNamesAnyCaseAndSpacesBeforeTheColon() {
        let text = "OPTIONS sip:a@b SIP/2.0\r\nv : SIP/2.0/TCP h;branch=z9hG4bK-1\r\nVIA: SIP/2.0/UDP g;branch=z9hG4bK-2\r\n"
            + "F: <sip:x@y>;tag=1\r\nT: <sip:a@b>\r\nI: abc\r\ncseq: 3 OPTIONS\r\n\r\n"
        let r = scan(text)
        #expect(r.ok)
        #expect(r.h.vias.count == 2)
        #expect(r.slices[3] == "abc")
    }

    @Test func aTagInsideTheURIIsNotTheHeadersTag() {
        #expect(scan(SIPRequests.invite(caller: "+8613800000001", toTag: "x")).h.toHasTag)
        let inURI = SIPRequests.invite(caller: "+8613800000001")
            .replacingOccurrences(of: "To: <sip:+8613912345678@192.0.2.80>", with: "To: <sip:+8613912345678@192.0.2.80;tag=u>")
        #expect(!scan(inURI).h.toHasTag)
        let spaced = SIPRequests.invite(caller: "+8613800000001")
            .replacingOccurrences(of: "To: <sip:+8613912345678@192.0.2.80>", with: "To: <sip:+8613912345678@192.0.2.80> ; TAG=9")
        #expect(scan(spaced).h.toHasTag)
    }

    @Test func refusesWhatCannotBeAnswered() {
        let invite = SIPRequests.invite(caller: "+8613800000001")
        for header in ["Call-ID: call-1@proxy\r\n", "CSeq: 1 INVITE\r\n", "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-a1;rport\r\n"] {
            let stripped = header.hasPrefix("Via")
                ? invite.replacingOccurrences(of: header, with: "").replacingOccurrences(of: "Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK-uac;received=198.51.100.7\r\n", with: "")
                : invite.replacingOccurrences(of: header, with: "")
            #expect(!scan(stripped).ok, "\(header)")
        }
        #expect(!scan("INVITE\r\n\r\n").ok)
        let manyVias = invite.replacingOccurrences(of: "Via: SIP/2.0/UDP 198", with: String(repeating: "Via: SIP/2.0/UDP 10.0.0.1\r\n", count: 80) + "Via: SIP/2.0/UDP 198")
        #expect(!scan(manyVias).ok)
    }
}
