import Calls
import CallEvents
import Policy
import Rules
import Testing
import Wire
@testable import Server

/// A screener that allows every call and records what it learns about calls afterwards.
final class OutcomeSpy: CallScreener {
    var screened: [String] = []
    var updates: [CallRecord] = []
    func screen(_ call: CallEvent) -> ScreeningDecision {
        screened.append(call.callIDText)
        return .allow
    }
    func callUpdated(_ record: CallRecord) { updates.append(record) }
}

@Suite("serve: answers of the redirect server")
struct ScreeningServiceTests {
    @Test func allowedCallIsRedirectedToItsRequestURI() throws {
        let h = try ServiceHarness(blocked: ["+8617012345678"])
        let answer = try #require(h.send(SIPRequests.invite(caller: "+8613800000001")))
        #expect(answer.statusLine == "SIP/2.0 302 Moved Temporarily")
        #expect(answer.headers("Contact") == ["<sip:+8613912345678@192.0.2.80:5060>"])
        #expect(answer.headers("X-CallGuard-Verdict") == ["allow"])
        // Every Via back in order; the top one amended for symmetric response routing.
        #expect(answer.headers("Via") == ["SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-a1;rport=5060;received=192.0.2.10",
                                          "SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK-uac;received=198.51.100.7"])
        #expect(answer.headers("From") == ["\"Caller\" <sip:+8613800000001@192.0.2.10>;tag=f1"])
        let to = try #require(answer.headers("To").first)
        #expect(to.hasPrefix("<sip:+8613912345678@192.0.2.80>;tag=cg"))
        #expect(answer.headers("Call-ID") == ["call-1@proxy"])
        #expect(answer.headers("CSeq") == ["1 INVITE"])
        #expect(answer.headers("Content-Length") == ["0"])
        #expect(answer.hasSuffix("\r\n\r\n"))
        #expect(h.service.counts.screened == 1)
        #expect(h.service.counts.verdicts == [1, 0, 0])
    }

    @Test func listedCallerIsRejectedWith608() throws {
        let h = try ServiceHarness(blocked: ["+8617012345678"])
        let answer = try #require(h.send(SIPRequests.invite(caller: "+8617012345678")))
        #expect(answer.statusLine == "SIP/2.0 608 Rejected")
        #expect(answer.headers("X-CallGuard-Verdict") == ["block;reasons=reported"])
        #expect(answer.headers("Contact").isEmpty)
        #expect(h.service.counts.verdicts == [0, 0, 1])
    }

    @Test func rejectStatusComesFromTheRuleSet() throws {
        let yaml = "name: strict\nactions:\n  reject_status: 603\n"
        let ruleSet = try RuleSetFile.parse(yaml, path: "strict.yaml")
        #expect(ruleSet.rejectStatus == 603)
        let h = try ServiceHarness(blocked: ["+8617012345678"], ruleSet: ruleSet, rejectStatus: ruleSet.rejectStatus)
        #expect(h.send(SIPRequests.invite(caller: "+8617012345678"))?.statusLine == "SIP/2.0 603 Decline")
        #expect(throws: RuleSetError.self) { try RuleSetFile.parse("name: x\nactions:\n  reject_status: 486\n", path: "x.yaml") }
    }

    @Test func retransmissionGetsTheSameAnswerWithoutASecondScreening() throws {
        let h = try ServiceHarness()
        let invite = SIPRequests.invite(caller: "+8613800000001")
        let first = try #require(h.send(invite))
        // The number is listed after the first answer: the retransmission still gets the
        // answer the call got, byte for byte (a proxy must see one answer per transaction).
        try h.list.insert(.init(number: .init(e164: "+8613800000001")!))
        let again = try #require(h.send(invite))
        #expect(again == first)
        #expect(h.service.counts.screened == 1)
        #expect(h.service.counts.retransmissions == 1)
        // A re-attempt of the dialog (CSeq 2 after an authentication challenge) gets it too.
        let retry = try #require(h.send(SIPRequests.invite(caller: "+8613800000001", cseq: 2, branch: "z9hG4bK-a2")))
        #expect(retry.statusLine == "SIP/2.0 302 Moved Temporarily")
        #expect(h.service.counts.answeredFromCache == 1)
        #expect(h.service.counts.screened == 1)
        // Another dialog from the now listed number is screened afresh and blocked.
        let other = try #require(h.send(SIPRequests.invite(caller: "+8613800000001", callID: "call-2@proxy")))
        #expect(other.statusLine == "SIP/2.0 608 Rejected")
    }

    @Test func otherRequestsGetTheirStatelessAnswers() throws {
        let h = try ServiceHarness()
        let options = try #require(h.send(SIPRequests.request("OPTIONS")))
        #expect(options.statusLine == "SIP/2.0 200 OK")
        #expect(options.headers("Allow") == ["INVITE, ACK, CANCEL, OPTIONS"])
        #expect(h.send(SIPRequests.request("CANCEL"))?.statusLine == "SIP/2.0 200 OK")
        #expect(h.send(SIPRequests.request("ACK")) == nil)
        #expect(h.send(SIPRequests.request("BYE", toTag: "t1"))?.statusLine == "SIP/2.0 481 Call/Transaction Does Not Exist")
        #expect(h.send(SIPRequests.invite(caller: "+8613800000001", toTag: "t1"))?.statusLine
            == "SIP/2.0 481 Call/Transaction Does Not Exist")
        let register = try #require(h.send(SIPRequests.request("REGISTER")))
        #expect(register.statusLine == "SIP/2.0 405 Method Not Allowed")
        #expect(register.headers("Allow") == ["INVITE, ACK, CANCEL, OPTIONS"])
        // A To tag already there is kept, not doubled.
        #expect(h.send(SIPRequests.request("OPTIONS", toTag: "t7"))?.headers("To") == ["<sip:+8613912345678@192.0.2.80>;tag=t7"])
        #expect(h.service.counts.screened == 0)
    }

    @Test func responsesAndMalformedMessagesAreCountedNeverAnswered() throws {
        let h = try ServiceHarness()
        #expect(h.send(SIPRequests.response(180, "Ringing")) == nil)
        #expect(h.send("\u{1}\u{2}garbage that is not SIP at all") == nil)
        #expect(h.send(SIPRequests.invite(caller: "+8613800000001").replacingOccurrences(of: "Call-ID: call-1@proxy\r\n", with: "")) == nil)
        #expect(h.send(SIPRequests.invite(caller: "+8613800000001").replacingOccurrences(of: "CSeq: 1 INVITE", with: "CSeq: x")) == nil)
        #expect(h.service.counts.responsesIgnored == 1)
        #expect(h.service.counts.malformed == 3)
        #expect(h.service.counts.answers == 0)
        let d = h.service.decoder.counters
        #expect(d.read == 4 && d.isBalanced)
        #expect(d.malformed == 3)
        // Still serving.
        #expect(h.send(SIPRequests.invite(caller: "+8613800000001"))?.statusLine == "SIP/2.0 302 Moved Temporarily")
    }

    @Test func compactAndFoldedHeadersAreAnsweredInFull() throws {
        let h = try ServiceHarness()
        let folded = SIPRequests.invite(caller: "+8613800000001", compact: true)
            .replacingOccurrences(of: "i: call-1@proxy", with: "i:\r\n call-1@proxy")
        let answer = try #require(h.send(folded))
        #expect(answer.statusLine == "SIP/2.0 302 Moved Temporarily")
        // The folded value is copied as it came (folding is legal in a response too).
        #expect(answer.contains("\r\nCall-ID: \r\n call-1@proxy\r\n"))
        #expect(answer.headers("From").first?.contains("tag=f1") == true)
    }

    @Test func tcpMessagesAreAnsweredLikeDatagrams() throws {
        let h = try ServiceHarness(blocked: ["+8617012345678"])
        #expect(h.sendStream(SIPRequests.invite(caller: "+8617012345678"))?.statusLine == "SIP/2.0 608 Rejected")
        #expect(h.service.decoder.counters[.sipOverTCP] == 1)
    }

    @Test func aCallSeenFirstThroughHEPIsScreenedOnce() throws {
        let spy = OutcomeSpy()
        let h = try ServiceHarness(screener: spy)
        let invite = SIPRequests.invite(caller: "+8613800000001")
        h.hep(invite)
        #expect(spy.screened == ["call-1@proxy"])
        let answer = try #require(h.send(invite))
        #expect(answer.statusLine == "SIP/2.0 302 Moved Temporarily")
        #expect(spy.screened.count == 1)
        #expect(h.service.counts.screened == 1)
        #expect(h.service.counts.retransmissions == 1)
        #expect(h.service.counts.listOnly == 0)
    }

    @Test func mirroredOutcomesReachTheScreenerButOurOwnAnswerDoesNot() throws {
        let spy = OutcomeSpy()
        let h = try ServiceHarness(screener: spy)
        #expect(h.send(SIPRequests.invite(caller: "+8613800000001"))?.statusLine == "SIP/2.0 302 Moved Temporarily")
        // The proxy mirrors our 302 (from our leg) and then the call's own progress.
        h.hep(SIPRequests.response(302, "Moved Temporarily", toTag: "cg1"))
        #expect(h.service.counts.hepOwnAnswers == 1)
        #expect(spy.updates.isEmpty)
        h.hep(SIPRequests.response(180, "Ringing"))
        h.hep(SIPRequests.response(200, "OK"))
        h.hep(SIPRequests.request("BYE", cseq: 2, toTag: "t9"))
        let states = spy.updates.map(\.state)
        #expect(states.contains(.ringing))
        #expect(states.contains(.answered))
        #expect(states.last == .terminated(.answered))
        #expect(spy.updates.last?.answerTime ?? 0 > 0)
        #expect(h.service.counts.hepMessages == 4)
    }
}
