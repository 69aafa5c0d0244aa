import Blocklist
import Engine
import Foundation
import Numbering
import PacketCrafting
import Policy
import Testing
import Wire

/// One caller who calls every ten seconds, and the verdict of each call.
struct RepeatCaller {
    static let start: Int64 = 1_763_800_000_000_000_000
    static let second: Int64 = 1_000_000_000
    let caller = "+8617011112222"
    let calls = 10

    /// Writes the trace: call i's INVITE at start + 10 i seconds.
    func trace() -> String {
        let writer = PcapWriter(linkType: 1)
        for i in 0..<calls {
            let script = SIPCallScript(callID: "repeat-\(i)@198.51.100.7", caller: caller, callee: "1390000\(1000 + i)",
                                       fromTag: "f\(i)", branch: "z9hG4bKr\(i)")
            for (k, text) in [script.invite, script.trying].enumerated() {
                let udp = FrameBuilder.udp(Array(text.utf8), sourcePort: 5060, destinationPort: 5060)
                let (src, dst) = k == 0 ? ("192.0.2.10", "198.51.100.20") : ("198.51.100.20", "192.0.2.10")
                writer.add(FrameBuilder.ethernet(FrameBuilder.ipv4(udp, source: src, destination: dst, proto: 17)),
                           nanoseconds: RepeatCaller.start + Int64(i) * 10 * RepeatCaller.second + Int64(k) * 1_000_000)
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("repeat-\(UUID()).pcap").path
        precondition(writer.write(to: path))
        return path
    }

    /// Replays the trace with `list` and `schedule`; returns the verdict of each call.
    func verdicts(list: LiveBlocklist, schedule: BlocklistSchedule) throws -> [Verdict] {
        let path = trace()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = ReplayEngine(screener: BlocklistScreener(list: list), schedule: schedule)
        var out: [Verdict] = []
        engine.onVerdict = { _, d in out.append(d.verdict) }
        engine.run(try CaptureMerger(paths: [path]))
        return out
    }

    func update(_ seconds: Double, _ json: String) -> String {
        "{\"ts\":\(Double(RepeatCaller.start / RepeatCaller.second) + seconds),\(json)}"
    }
}

@Suite("Blocklist updates applied at trace time during replay")
struct LiveUpdateReplayTests {
    let normalizer = NumberNormalizer()

    @Test func numberBlockedMidTraceAndReleasedAfterItsTTL() throws {
        let r = RepeatCaller()
        // Reported at t=25 s for 30 s: calls at 30, 40 and 50 s are blocked; the entry
        // expires at 55 s, so the call at 60 s goes through.
        let text = r.update(25, #""op":"add","entry":"+8617011112222","kind":"reported","ttl":30"#)
        let (updates, _) = try UpdateFile.parse(text, path: "u.jsonl", normalizer: normalizer, policy: .strict)
        let list = LiveBlocklist()
        let schedule = BlocklistSchedule(list: list, updates: updates)
        let v = try r.verdicts(list: list, schedule: schedule)
        #expect(v == [.allow, .allow, .allow, .block, .block, .block, .allow, .allow, .allow, .allow])
        #expect(schedule.statistics.updatesApplied == 1 && schedule.statistics.expired == 1)
        #expect(list.entryCount == 0)
    }

    @Test func anUpdateAtExactlyACallsTimeAppliesToThatCall() throws {
        let r = RepeatCaller()
        let text = [r.update(40, #""op":"add","entry":"+86170*""#),
                    r.update(70, #""op":"add","entry":"+8617011112222","list":"allow""#),
                    r.update(80, #""op":"remove","entry":"+8617011112222","list":"allow""#)].joined(separator: "\n")
        let (updates, _) = try UpdateFile.parse(text, path: "u.jsonl", normalizer: normalizer, policy: .strict)
        let list = LiveBlocklist()
        let v = try r.verdicts(list: list, schedule: BlocklistSchedule(list: list, updates: updates))
        // Prefix from 40 s; allowlisted (overriding it) from 70 s until removed at 80 s.
        #expect(v == [.allow, .allow, .allow, .allow, .block, .block, .block, .allow, .block, .block])
    }

    @Test func listTTLsStartWithTheTrace() throws {
        let r = RepeatCaller()
        let list = LiveBlocklist()
        var text = "+8617011112222,reported,25\n"
        let report = try text.withUTF8 {
            try ListFile.load(UnsafeRawBufferPointer($0), path: "l.list", side: .block, into: list, normalizer: normalizer,
                              policy: .strict, ttlBase: nil)
        }
        let v = try r.verdicts(list: list, schedule: BlocklistSchedule(list: list, startingWithTrace: report.timedEntries))
        #expect(v == [.block, .block, .block, .allow, .allow, .allow, .allow, .allow, .allow, .allow])
    }
}
