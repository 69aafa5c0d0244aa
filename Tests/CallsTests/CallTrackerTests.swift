import CallEvents
@testable import Calls
import PacketCrafting
import StateCoding
import Testing
import Wire

/// Feeds SIP texts (with trace times in seconds) to a tracker through the real decoder.
func track(_ messages: [(String, Double)], configuration: CallTrackerConfiguration = CallTrackerConfiguration(),
           finish: Bool = true, ended: ((CallRecord) -> Void)? = nil) -> (CallTracker, [String]) {
    let decoder = PacketDecoder()
    let adapter = SIPEventAdapter()
    let tracker = CallTracker(configuration: configuration)
    var setups: [String] = []
    for (i, (text, t)) in messages.enumerated() {
        let frame = FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(Array(text.utf8), sourcePort: 5060,
                                                                             destinationPort: 5060),
                                                            source: "192.0.2.1", destination: "192.0.2.2", proto: 17))
        frame.withUnsafeBytes { bytes in
            decoder.decode(CapturedPacket(frame: i + 1, timestamp: Int64(t * 1e9), linkType: .ethernet, bytes: bytes,
                                          originalLength: bytes.count)) { m, c in
                guard let e = adapter.event(m, c) else { return }
                switch tracker.track(e) {
                case .setup(let s): setups.append(s.callIDText + " " + s.caller.text)
                case .updated(let r) where r.state.isTerminated: ended?(r)
                default: break
                }
            }
        }
    }
    if finish { tracker.finish() }
    return (tracker, setups)
}

@Suite("Call tracking")
struct CallTrackerTests {
    let script = SIPCallScript(callID: "c1", caller: "13812345678", callee: "13987654321")

    func timed(_ msgs: [(String, SIPCallScript.Direction, Double)], offset: Double = 0) -> [(String, Double)] {
        msgs.map { ($0.0, $0.2 + offset) }
    }

    @Test func answeredCallWithTalkTime() {
        var records: [CallRecord] = []
        let (tracker, setups) = track(timed(script.answeredCall(talkSeconds: 30)), ended: { records.append($0) })
        #expect(setups == ["c1 +8613812345678"])
        #expect(tracker.statistics.total == 1 && tracker.statistics[.answered] == 1)
        #expect(records.count == 1)
        #expect(records.first?.talkDuration == 30_000_000_000)
        #expect(records.first?.ringTime == 500_000_000)
        #expect(records.first?.callee?.description == "+8613987654321")
    }

    @Test func outcomesOfEveryKind() {
        let calls = timed(script.answeredCall())
            + timed(SIPCallScript(callID: "c2", caller: "1", callee: "2").cancelledCall(), offset: 1)
            + timed(SIPCallScript(callID: "c3", caller: "1", callee: "2").rejectedCall(), offset: 2)
            + [(SIPCallScript(callID: "c4", caller: "1", callee: "2").invite, 3.0)]
        let (tracker, setups) = track(calls)
        #expect(setups.count == 4)
        let s = tracker.statistics
        #expect(s[.answered] == 1 && s[.cancelled] == 1 && s[.rejected] == 1 && s[.inProgress] == 1)
    }

    @Test func retransmissionsAndReInvitesAreNotNewCalls() {
        let reInvite = script.invite.replacingFirst("To: <sip:13987654321@198.51.100.20;user=phone>",
                                                    with: "To: <sip:13987654321@198.51.100.20;user=phone>;tag=1410948204")
            .replacingFirst("CSeq: 1 INVITE", with: "CSeq: 3 INVITE")
        let (tracker, setups) = track([(script.invite, 0), (script.invite, 0.5), (script.ok, 1), (script.ack, 1.1),
                                       (reInvite, 5)])
        #expect(setups.count == 1)
        #expect(tracker.statistics.invitesRetransmitted == 1 && tracker.statistics.reInvites == 1)
    }

    @Test func byeFromTheCalleeMatchesByToTag() {
        // The callee hangs up: From and To swap, so the caller's tag is in To.
        let bye = [
            "BYE sip:13812345678@192.0.2.10 SIP/2.0",
            "Via: SIP/2.0/UDP 198.51.100.20;branch=z9hG4bKcalleebye",
            "From: <sip:13987654321@198.51.100.20;user=phone>;tag=1410948204",
            "To: <sip:13812345678@192.0.2.10;user=phone>;tag=a73kszlfl",
            "Call-ID: c1", "CSeq: 1 BYE", "Content-Length: 0", "", "",
        ].joined(separator: "\r\n")
        let (tracker, _) = track([(script.invite, 0), (script.ringing, 1), (script.ok, 2), (script.ack, 2.1), (bye, 40)])
        #expect(tracker.statistics[.answered] == 1 && tracker.statistics.unmatched == 0)
    }

    @Test func authChallengeThenRetryIsOneCall() {
        let retry = script.invite.replacingFirst("CSeq: 1 INVITE", with: "CSeq: 2 INVITE")
        let answer = script.ok.replacingFirst("CSeq: 1 INVITE", with: "CSeq: 2 INVITE")
        let (tracker, setups) = track([(script.invite, 0), (script.rejected(407, "Proxy Authentication Required"), 0.1),
                                       (retry, 0.3), (answer, 2)])
        #expect(setups.count == 1)
        #expect(tracker.statistics[.answered] == 1 && tracker.statistics[.rejected] == 0)
    }

    @Test func timeouts() {
        var config = CallTrackerConfiguration()
        config.setupTimeout = 10_000_000_000
        config.maxHoldingTime = 100_000_000_000
        let unanswered = SIPCallScript(callID: "ring", caller: "1", callee: "2")
        let held = SIPCallScript(callID: "held", caller: "3", callee: "4")
        let later = SIPCallScript(callID: "later", caller: "5", callee: "6")
        let (tracker, _) = track([(unanswered.invite, 0), (unanswered.ringing, 1), (held.invite, 2), (held.ok, 3),
                                  (held.ack, 3.1), (later.invite, 200)], configuration: config)
        let s = tracker.statistics
        #expect(s[.timedOut] == 2)  // "ring" after 10 s, "held" after 100 s without BYE
        #expect(s[.inProgress] == 1)
    }

    @Test func memoryStaysBoundedUnderAFloodOfCalls() {
        var config = CallTrackerConfiguration()
        config.capacity = 100
        let invites = (0..<2_000).map { (SIPCallScript(callID: "flood-\($0)", caller: "1381234\($0)", callee: "2").invite,
                                         Double($0) * 0.001) }
        let (tracker, setups) = track(invites, configuration: config, finish: false)
        #expect(setups.count == 2_000)
        #expect(tracker.statistics.active <= 100)
        #expect(tracker.statistics.evicted == 1_900)
        tracker.finish()
        let s = tracker.statistics
        #expect(s[.timedOut] + s[.inProgress] == 2_000)
    }

    /// A state file's call table whose links disagree with its slots (found by reading
    /// the loader against the state fuzz target) is refused, never loaded into a table
    /// where two calls would share a slot.
    @Test func hostileCallTablesAreRefused() {
        let a = SIPCallScript(callID: "a", caller: "8613800000001", callee: "8613900000001")
        let b = SIPCallScript(callID: "b", caller: "8613800000002", callee: "8613900000002")
        func load(_ damage: (CallTracker) -> Void) -> String {
            let (t, _) = track([(a.invite, 0), (a.ringing, 0.5), (b.invite, 1)], finish: false)
            damage(t)
            var w = StateWriter()
            t.save(&w)
            var r = StateReader(w.bytes)
            do {
                try CallTracker().load(&r)
                return "loaded"
            } catch {
                return error.description
            }
        }
        #expect(load { _ in } == "loaded")
        #expect(load { t in
            let keys = t.index.keys.sorted()
            t.index[keys[0]] = t.index[keys[1]]
        } == "the call index does not match the table")
        #expect(load { t in t.free.append(t.index.values.first!) } == "the call table's free list is damaged")
        #expect(load { t in
            let keys = t.byCallID.keys.sorted()
            t.byCallID[keys[0]] = t.byCallID[keys[1]]
        } == "the Call-ID index does not match the table")
        var w = StateWriter()
        w.tag("calls")
        w.i64(0)
        w.int(1_000_000)
        var r = StateReader(w.bytes)
        #expect(throws: StateError.self) { try CallTracker().load(&r) }
        var again = StateReader(w.bytes)
        do { try CallTracker().load(&again) } catch {
            #expect(error.description == "the call table claims 1000000 slots, more than the file holds")
        }
    }

    /// An answered call's holding limit (hours away) is superseded by its BYE; those stale
    /// deadlines must not pile up for the length of the limit, and compacting them must
    /// keep the one call that really is still up on its own limit.
    @Test func supersededDeadlinesDoNotPileUp() {
        var config = CallTrackerConfiguration()
        config.maxHoldingTime = 3_600_000_000_000
        let held = SIPCallScript(callID: "held", caller: "8613800000001", callee: "8613900000001")
        var messages: [(String, Double)] = [(held.invite, 0), (held.ok, 0.5), (held.ack, 0.6)]
        for i in 0..<3_000 {
            let call = SIPCallScript(callID: "c\(i)", caller: "86138\(10_000_000 + i)", callee: "8613900000002")
            messages += timed(call.answeredCall(talkSeconds: 1), offset: 1 + Double(i))
        }
        messages.sort { $0.1 < $1.1 }
        let (tracker, _) = track(messages, configuration: config, finish: false)
        #expect(tracker.statistics[.answered] == 3_000)
        #expect(tracker.deadlines.count <= 2 * tracker.statistics.active + CallTracker.deadlineSlack + 1,
                "\(tracker.deadlines.count) deadlines for \(tracker.statistics.active) calls")
        // The held call still times out at its limit, an hour after its answer.
        let later = SIPCallScript(callID: "later", caller: "8613800000003", callee: "8613900000003")
        let (resumed, _) = track(messages + [(later.invite, 3_599)], configuration: config, finish: false)
        #expect(resumed.statistics[.timedOut] == 0)
        let (past, _) = track(messages + [(later.invite, 3_601)], configuration: config, finish: false)
        #expect(past.statistics[.timedOut] == 1)
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = firstRange(of: target) else { return self }
        return self[..<r.lowerBound] + replacement + self[r.upperBound...]
    }
}
