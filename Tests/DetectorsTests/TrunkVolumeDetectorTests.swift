import Calls
import Detectors
import Numbering
import Testing
import Wire

/// A declared enterprise trunk judged against its contract and its own history.
@Suite("Trunk volume: contract and history")
struct TrunkVolumeDetectorTests {
    static func detector(_ change: (inout TrunkVolumeDetector.Config) -> Void = { _ in }) -> TrunkVolumeDetector {
        var c = TrunkVolumeDetector.Config()
        c.historyMinutes = 30; c.historyFactor = 3; c.historyFloor = 10; c.destinationMinutes = 3
        change(&c)
        return TrunkVolumeDetector(configs: [c], capacity: 1024)
    }

    /// A call on trunk 1 (an enterprise trunk) at `t` to `callee`.
    static func call(_ callee: String, at t: Nanoseconds, trunk: UInt16 = 1, role: TrunkRole = .enterprise) -> CallFacts {
        var f = facts("+862168001234", callee, at: t, role: role, source: "192.0.2.70")
        f.trunk = trunk
        return f
    }

    /// The end of a call on the trunk.
    static func end(_ callee: String, setup: Nanoseconds) -> CallRecord {
        var r = ended("+862168001234", callee, .answered, setup: setup, end: setup + 5 * second)
        r.source = IPAddress(ipv4: "192.0.2.70")!
        return r
    }

    /// Forty minutes of six calls a minute to domestic numbers: the trunk's history.
    static func learn(_ d: TrunkVolumeDetector) -> Nanoseconds {
        var t = t0
        for minute in 0..<40 {
            for k in 0..<6 {
                t = t0 + Nanoseconds(minute) * 60 * second + Nanoseconds(k * 10) * second
                #expect(d.screen(call(callee(minute * 6 + k), at: t)).level == .none)
                d.ended(Self.end(callee(minute * 6 + k), setup: t))
            }
        }
        return t
    }

    /// A hijack pumping calls abroad is critical for its calls to destinations the trunk
    /// never called; the customer's own calls in the surge are only flagged.
    @Test func aSurgeToNewDestinationsIsCritical() {
        let d = Self.detector()
        var t = Self.learn(d) + 60 * second
        var abroad: [Level] = [], home: [Level] = []
        for i in 0..<60 {
            t += second
            abroad.append(d.screen(Self.call("+88216" + String(1_000_000 + i), at: t)).level)
            if i % 10 == 0 { home.append(d.screen(Self.call(callee(i), at: t)).level) }
        }
        #expect(abroad.prefix(5).allSatisfy { $0 < .critical }, "no surge yet: \(abroad.prefix(5))")
        #expect(abroad.suffix(30).allSatisfy { $0 == .critical })
        #expect(home.last == .warning, "a known destination in a surge is flagged, not blocked")
    }

    /// The same calls abroad at the trunk's ordinary pace are its business.
    @Test func newDestinationsAtAnOrdinaryPaceAreNothing() {
        let d = Self.detector()
        var t = Self.learn(d)
        for i in 0..<5 {
            t += 20 * second
            #expect(d.screen(Self.call("+88216" + String(1_000_000 + i), at: t)).level == .none)
        }
    }

    /// With a contract: over it is a warning, over twice it critical while the trunk has
    /// no history to say otherwise; calls up at once count against it too.
    @Test func contractedVolume() {
        let d = Self.detector { $0.perMinuteContract = 10; $0.concurrentContract = 100; $0.criticalFactor = 2 }
        var levels: [Level] = []
        for i in 0..<25 { levels.append(d.screen(Self.call(callee(i), at: t0 + Nanoseconds(i) * second)).level) }
        #expect(levels[..<10].allSatisfy { $0 == .none })
        #expect(levels[10..<20].allSatisfy { $0 == .warning })
        #expect(levels[20...].allSatisfy { $0 == .critical })

        let c = Self.detector { $0.concurrentContract = 3 }
        #expect((0..<4).map { c.screen(Self.call(callee($0), at: t0 + Nanoseconds($0) * second)).level } == [.none, .none, .none, .warning])
        c.ended(Self.end(callee(0), setup: t0))
        c.ended(Self.end(callee(1), setup: t0 + second))
        #expect(c.screen(Self.call(callee(9), at: t0 + 6 * second)).level == .none, "ended calls free their places")
    }

    /// Once the trunk has a history, running past its contract to the usual places is a
    /// matter for billing (flagged); past it to places it never called is refused.
    @Test func pastTheContractWithAHistory() {
        let d = Self.detector { $0.perMinuteContract = 8; $0.historyFactor = 100 }
        var t = Self.learn(d) + 60 * second
        var home: [Level] = []
        for i in 0..<20 {
            t += second
            home.append(d.screen(Self.call(callee(1000 + i), at: t)).level)
        }
        #expect(home.suffix(5).allSatisfy { $0 == .warning }, "\(home)")
        #expect(d.screen(Self.call("+37167000001", at: t + second)).level == .critical)
    }

    /// Only declared enterprise trunks are judged.
    @Test func otherTrunksAreNotJudged() {
        let d = Self.detector { $0.perMinuteContract = 1 }
        for i in 0..<5 {
            #expect(d.screen(Self.call(callee(i), at: t0 + Nanoseconds(i) * second, role: .domestic)).level == .none)
        }
    }
}
