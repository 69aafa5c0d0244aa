import Blocklist
import Engine
import Foundation
import Numbering
import Policy
import Testing
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// The engine split over two threads (`run(_:threads: 2)`): the same verdicts in the same
/// order and the same counts as one thread, and every hook on the thread that called
/// `run`, so callers (scorers, state savers, warning writers) need no locks.
@Suite("Replay engine on two threads")
struct TwoStageReplayTests {
    struct Run {
        var result: ReplayResult
        var verdicts: [String]
        var hooksOnCaller: Bool
        var inputEnds: Int
    }

    static func replay(_ path: String, threads: Int) throws -> Run {
        let list = LiveBlocklist()
        _ = try ListFile.load(path: demoBlocklist, side: .block, into: list, normalizer: NumberNormalizer(), policy: .strict, ttlBase: 0)
        let engine = ReplayEngine(screener: BlocklistScreener(list: list))
        let caller = pthread_self()
        var run = Run(result: ReplayResult(), verdicts: [], hooksOnCaller: true, inputEnds: 0)
        engine.onVerdict = { call, decision in
            run.verdicts.append("\(call.callIDText) \(call.caller.text) \(call.context.frame) \(decision.verdict) \(decision.reasons)")
            if pthread_equal(pthread_self(), caller) == 0 { run.hooksOnCaller = false }
        }
        engine.onInputEnd = {
            run.inputEnds += 1
            if pthread_equal(pthread_self(), caller) == 0 { run.hooksOnCaller = false }
        }
        run.result = engine.run(try CaptureMerger(paths: [path]), threads: threads)
        return run
    }

    @Test(arguments: ["demo.pcap", "smoke.pcap", "busy-hour-700.pcap"])
    func twoThreadsGiveOneThreadsVerdictsAndCounts(_ trace: String) throws {
        let path = packageRoot + "/traces/" + trace
        let one = try Self.replay(path, threads: 1), two = try Self.replay(path, threads: 2)
        #expect(one.result.threads == 1 && two.result.threads == 2)
        #expect(!one.verdicts.isEmpty && one.verdicts == two.verdicts)
        #expect(two.hooksOnCaller && two.inputEnds == 1)
        let a = one.result, b = two.result
        #expect(a.verdicts == b.verdicts && a.calls.total == b.calls.total && a.calls[.answered] == b.calls[.answered])
        #expect(a.packets.read == b.packets.read && a.packets.signalling == b.packets.signalling && b.packets.isBalanced)
        #expect(a.sip.requests == b.sip.requests && a.sip.responses == b.sip.responses)
        #expect(a.firstTimestamp == b.firstTimestamp && a.lastTimestamp == b.lastTimestamp)
        // Every packet and every setup is timed once, on either path.
        #expect(b.packetLatency.count == b.packets.read && b.setupLatency.count == a.setupLatency.count)
    }

    @Test func threadsBeyondTwoRunAsTwo() {
        #expect(ReplayEngine.effectiveThreads(0) == 1 && ReplayEngine.effectiveThreads(1) == 1)
        #expect(ReplayEngine.effectiveThreads(2) == 2 && ReplayEngine.effectiveThreads(64) == 2)
    }
}
