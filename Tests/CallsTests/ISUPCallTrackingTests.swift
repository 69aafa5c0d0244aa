import CallEvents
@testable import Calls
import PacketCrafting
import Testing
import Wire

/// ISUP calls through the real decoder, the ISUP adapter and the call tracker: a call
/// is a circuit, and a release before the answer means the caller gave up when it comes
/// from the caller's side and a refusal when it comes from the callee's.
@Suite("ISUP call tracking")
struct ISUPCallTrackingTests {
    static let out = ISUPCallScript(opc: 101, dpc: 202, cic: 7)
    static let back = out.reversed

    /// Feeds MTP2 frames at trace times (seconds); returns the tracker, the setups' callers
    /// and callees, and every ended call.
    static func run(_ frames: [([UInt8], Double)], configuration: CallTrackerConfiguration = CallTrackerConfiguration())
        -> (tracker: CallTracker, setups: [String], ended: [CallRecord]) {
        let decoder = PacketDecoder()
        let adapter = ISUPEventAdapter()
        let tracker = CallTracker(configuration: configuration)
        var setups: [String] = [], ended: [CallRecord] = []
        tracker.onEndedWithoutMessage = { ended.append($0) }
        decoder.onISUP = { m, c in
            guard let e = adapter.event(m, c) else { return }
            switch tracker.track(e) {
            case .setup(let s): setups.append("\(s.caller.text) \(s.callee.text) \(s.signalling.name)")
            case .updated(let r) where r.state.isTerminated: ended.append(r)
            default: break
            }
        }
        for (i, (f, t)) in frames.enumerated() {
            f.withUnsafeBytes {
                decoder.decode(CapturedPacket(frame: i + 1, timestamp: Int64(t * 1e9), linkType: .mtp2,
                                              bytes: $0, originalLength: $0.count)) { _, _ in }
            }
        }
        return (tracker, setups, ended)
    }

    static let iam = out.iam(called: "13987654321", calling: "13812345678")

    @Test func answeredCallFromIAMToRLC() {
        let (tracker, setups, ended) = Self.run([(Self.iam, 0), (Self.back.acm(), 0.4), (Self.back.anm(), 5),
                                                 (Self.out.rel(cause: 16), 65), (Self.back.rlc(), 65.1)])
        #expect(setups == ["+8613812345678 +8613987654321 isup"])
        #expect(ended.count == 1)
        let r = ended[0]
        #expect(r.state == .terminated(.answered) && r.signalling == .isup && r.origin == 101)
        #expect(r.ringTime == 400_000_000 && r.talkDuration == 60_000_000_000)
        #expect(tracker.statistics.total == 1 && tracker.statistics[.answered] == 1 && tracker.statistics.unmatched == 0)
    }

    @Test func releaseBeforeAnswerIsACancelFromTheCallerAndARefusalFromTheCallee() {
        let other = ISUPCallScript(opc: 101, dpc: 202, cic: 8)
        let (tracker, _, ended) = Self.run([
            (Self.iam, 0), (Self.back.acm(), 0.5), (Self.out.rel(cause: 16), 3),             // caller hangs up while ringing
            (other.iam(called: "13900000001", calling: "13800000001"), 4),
            (other.reversed.rel(cause: 17), 4.2),                                           // callee busy
        ])
        #expect(ended.map(\.state) == [.terminated(.cancelled), .terminated(.rejected)])
        #expect(ended.last?.finalStatus == 486)
        #expect(tracker.statistics[.cancelled] == 1 && tracker.statistics[.rejected] == 1)
    }

    @Test func aCircuitCarriesOneCallAfterAnother() {
        let (tracker, setups, ended) = Self.run([
            (Self.iam, 0), (Self.back.con(), 2), (Self.back.rel(cause: 16), 30), (Self.out.rlc(), 30.1),
            (Self.out.iam(called: "13900000002", calling: "13800000002"), 31),   // the same circuit, the next call
            (Self.back.cpg(), 31.5), (Self.back.anm(), 33),
        ])
        #expect(setups.count == 2 && setups[1].hasPrefix("+8613800000002"))
        #expect(ended.count == 1 && ended[0].talkDuration == 28_000_000_000)
        tracker.finish()
        #expect(tracker.statistics.total == 2 && tracker.statistics[.answered] == 2)
        #expect(tracker.statistics.invitesRetransmitted == 0)
    }

    @Test func aRepeatedIAMOnALiveCircuitIsNotANewCall() {
        let (tracker, setups, _) = Self.run([(Self.iam, 0), (Self.iam, 0.001)])
        #expect(setups.count == 1 && tracker.statistics.invitesRetransmitted == 1)
    }

    /// The REL of the first call was not captured: the next IAM on its circuit ends it
    /// (as timed out, for the detectors too) and is a call of its own.
    @Test func anIAMOnACircuitWhoseReleaseWasMissedStartsTheNextCall() {
        let next = Self.out.iam(called: "13900000004", calling: "13800000004")
        let (tracker, setups, ended) = Self.run([(Self.iam, 0), (Self.back.anm(), 2), (next, 90), (Self.back.anm(), 92)])
        #expect(setups.count == 2)
        #expect(ended.count == 1 && ended[0].state == .terminated(.timedOut) && ended[0].caller?.description == "+8613812345678")
        #expect(ended[0].endTime == 90_000_000_000)
        tracker.finish()
        #expect(tracker.statistics.total == 2 && tracker.statistics[.timedOut] == 1 && tracker.statistics[.answered] == 1)
    }

    @Test func anUnansweredCircuitTimesOutThroughTheTransitionFunction() {
        var config = CallTrackerConfiguration()
        config.setupTimeout = 10_000_000_000
        let later = ISUPCallScript(opc: 101, dpc: 202, cic: 9)
        let (_, _, ended) = Self.run([(Self.iam, 0), (Self.back.acm(), 1),
                                      (later.iam(called: "13900000003", calling: "13800000003"), 20)], configuration: config)
        #expect(ended.count == 1 && ended[0].state == .terminated(.timedOut) && ended[0].endTime == 10_000_000_000)
    }

    @Test func messagesForUnknownCircuitsAreUnmatched() {
        let (tracker, setups, _) = Self.run([(Self.back.anm(), 0), (Self.out.rel(cause: 16), 1), (Self.back.rlc(), 1.1)])
        #expect(setups.isEmpty && tracker.statistics.total == 0 && tracker.statistics.unmatched == 3)
    }
}
