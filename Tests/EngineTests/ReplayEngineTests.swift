import Blocklist
import Engine
import Foundation
import Harness
import Numbering
import PacketCrafting
import Policy
import Testing
import Wire

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
let demoTrace = packageRoot + "/traces/demo.pcap"
let demoBlocklist = packageRoot + "/traces/demo.blocklist"

/// Replays captures with the demo blocklist and collects verdicts in memory.
func replay(_ paths: [String], verdictsTo path: String? = nil) throws -> (ReplayResult, [(String, Verdict, [String])]) {
    let list = LiveBlocklist()
    _ = try ListFile.load(path: demoBlocklist, side: .block, into: list, normalizer: NumberNormalizer(), policy: .strict, ttlBase: 0)
    let writer = try path.map { VerdictWriter(output: try OutputFile(path: $0)) }
    let engine = ReplayEngine(screener: BlocklistScreener(list: list), verdictWriter: writer)
    var verdicts: [(String, Verdict, [String])] = []
    engine.onVerdict = { call, decision in
        verdicts.append((call.callIDText, decision.verdict, decision.reasons))
    }
    let result = engine.run(try CaptureMerger(paths: paths))
    return (result, verdicts)
}

@Suite("Replay engine on the shipped demo trace")
struct ReplayEngineTests {
    @Test func everyCallScreenedAndBlocklistHitsBlocked() throws {
        let (result, verdicts) = try replay([demoTrace])
        #expect(verdicts.map(\.0) == ["demo-1@192.0.2.10", "demo-2@203.0.113.7", "demo-3@203.0.113.9",
                                      "demo-4@192.0.2.11", "demo-5@2001:db8::10", "demo-6@192.0.2.12"])
        #expect(verdicts.filter { $0.1 == .block }.map(\.0) == ["demo-2@203.0.113.7", "demo-3@203.0.113.9"])
        #expect(verdicts[1].2 == ["reported"] && verdicts[2].2 == ["range"])
        #expect(result[.allow] == 4 && result[.block] == 2 && result[.flag] == 0)
        #expect(result.calls.total == 6)
        #expect(result.calls[.answered] == 2 && result.calls[.cancelled] == 2 && result.calls[.rejected] == 2)
        let p = result.packets
        #expect(p.read == 38 && p.signalling == 38 && p.isBalanced && p.pending == 0)
        #expect(result.packetLatency.count == 38 && result.setupLatency.count == 6)
    }

    @Test func verdictFileFollowsTheContract() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("verdicts-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        _ = try replay([demoTrace], verdictsTo: out)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        for o in objects {
            for key in ["call_id", "ts", "caller", "callee", "src", "verdict", "reasons", "score", "latency_ns"] {
                #expect(o[key] != nil, "missing \(key)")
            }
        }
        #expect(objects[1]["caller"] as? String == "+8617012345678")   // from P-Asserted-Identity
        #expect(objects[1]["verdict"] as? String == "block")
        #expect(objects[2]["caller"] as? String == "+88216001234")     // 00-prefixed international
        #expect(objects[4]["src"] as? String == "[2001:db8::10]:5060")
        #expect(objects[5]["caller"] as? String == "+8695588")         // short code keeps the country code
        #expect(objects[0]["callee"] as? String == "+8613987654321")   // trunk-prefixed national
        #expect((objects[0]["ts"] as? Double).map { abs($0 - 1_763_800_000) < 0.001 } == true)
    }

    @Test func replayIsDeterministic() throws {
        let (_, a) = try replay([demoTrace])
        let (_, b) = try replay([demoTrace])
        #expect(a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1))
    }

    @Test func severalFilesMergeInTimestampOrder() throws {
        // Split the demo trace into two files by alternating packets; the merge restores it.
        let data = try Data(contentsOf: URL(fileURLWithPath: demoTrace))
        let header = data.prefix(24)
        var files = [Data(header), Data(header)]
        var offset = 24, i = 0
        while offset + 16 <= data.count {
            let caplen = Int(data[offset + 8]) | Int(data[offset + 9]) << 8 | Int(data[offset + 10]) << 16
            files[i % 2].append(data[offset..<(offset + 16 + caplen)])
            offset += 16 + caplen
            i += 1
        }
        let dir = FileManager.default.temporaryDirectory.path
        let paths = (0..<2).map { "\(dir)/half-\($0)-\(UUID()).pcap" }
        for (p, d) in zip(paths, files) { try d.write(to: URL(fileURLWithPath: p)) }
        defer { paths.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let (merged, verdicts) = try replay(paths)
        let (whole, expected) = try replay([demoTrace])
        #expect(verdicts.map(\.0) == expected.map(\.0))
        #expect(merged.calls.outcomes == whole.calls.outcomes)
    }

    @Test func truncatedCaptureKeepsEverythingBeforeTheCut() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: demoTrace))
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID()).pcap")
        try data.prefix(data.count - 100).write(to: cut)
        defer { try? FileManager.default.removeItem(at: cut) }
        let (result, verdicts) = try replay([cut.path])
        #expect(result.truncated)
        #expect(result.packets.read == 37 && result.packets.isBalanced)
        #expect(verdicts.count == 6)
    }

    @Test func summaryAccountsForEveryPacket() throws {
        let (result, _) = try replay([demoTrace])
        let json = ReplaySummary(result: result, inputs: [demoTrace]).json.rendered()
        let o = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let packets = o["packets"] as! [String: Any]
        let read = packets["read"] as! Int
        #expect(read == (packets["signalling"] as! Int) + (packets["not_signalling"] as! Int) + (packets["malformed"] as! Int))
        #expect((o["verdicts"] as! [String: Int]) == ["allow": 4, "flag": 0, "block": 2])
        #expect((o["sip"] as! [String: Any])["requests"] as! [String: Int] == ["INVITE": 6, "ACK": 6, "BYE": 2, "CANCEL": 2])
        #expect(o["truncated"] as? Bool == false)
        for key in ["p50", "p90", "p99", "p999", "max"] {
            #expect(((o["latency_ns"] as! [String: Any])[key] as! Int) > 0)
        }
        #expect(ReplaySummary(result: result, inputs: []).text.contains("38 read = 38 signalling + 0 not signalling + 0 malformed"))
    }
}
