import Engine
import Foundation
import Harness
import PacketCrafting
import Testing

/// A six-call trace labeled by hand, with a rule set whose only screening is a list,
/// so every figure can be worked out on paper:
///
///     call  caller          label  scenario  listed?  verdict
///     c1    +8617000000001  fraud  goip      yes      block
///     c2    +8617000000002  fraud  goip      no       allow
///     c3    +8617000000001  fraud  goip      yes      block
///     c4    +8613800000004  legit  normal    yes      block   (a false positive)
///     c5    +8613800000005  legit  normal    no       allow
///     c6    +8617000000002  fraud  goip      no       allow
///
/// intercept = 2/4, false positives = 1/2, precision = 2/3, F1 = 2*(2/3)(1/2)/(2/3+1/2) = 4/7;
/// calls before block: source ...001 → 0, source ...002 → 2 (never blocked): median 1, p90 2, max 2.
struct HandLabeledTrace {
    let dir: String
    var trace: String { dir + "/hand.pcap" }
    var rules: String { dir + "/rules.yaml" }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callguard-bench-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let calls: [(String, String, String)] = [("c1", "17000000001", "fraud"), ("c2", "17000000002", "fraud"), ("c3", "17000000001", "fraud"),
                                                  ("c4", "13800000004", "legit"), ("c5", "13800000005", "legit"), ("c6", "17000000002", "fraud")]
        let writer = PcapWriter(linkType: 1)
        var labels = "call_id,label,scenario,caller,callee\n"
        var t: Int64 = 1_763_632_800_000_000_000
        for (i, (id, caller, label)) in calls.enumerated() {
            let callee = "1390000000\(i)"
            let script = SIPCallScript(callID: id, caller: caller, callee: callee, fromTag: "f\(i)", branch: "z9hG4bKh\(i)")
            for (text, direction, _) in script.rejectedCall() {
                let (src, dst) = direction == .callerToCallee ? ("192.0.2.10", "198.51.100.20") : ("198.51.100.20", "192.0.2.10")
                writer.add(FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(Array(text.utf8), sourcePort: 5060, destinationPort: 5060),
                                                                   source: src, destination: dst, proto: 17)), nanoseconds: t)
                t += 10_000_000
            }
            t += 1_000_000_000
            labels += "\(id),\(label),\(label == "fraud" ? "goip" : "normal"),+86\(caller),+86\(callee)\n"
        }
        guard writer.write(to: trace) else { throw CocoaError(.fileWriteUnknown) }
        try labels.write(toFile: dir + "/hand.labels.csv", atomically: true, encoding: .utf8)
        try "+8617000000001\n+8613800000004\n".write(toFile: dir + "/listed.txt", atomically: true, encoding: .utf8)
        try "name: list-only\nlists: {blocklist: [listed.txt]}\n".write(toFile: rules, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }

    func plan(repeats: Int = 1, sweep: Sweep? = nil) throws -> BenchPlan {
        BenchPlan(rules: [BenchPlan.Rules(name: "list-only", yaml: try String(contentsOfFile: rules, encoding: .utf8), path: rules)],
                  traces: [trace], repeats: repeats, warmups: 0, sweep: sweep)
    }
}

@Suite("Bench harness")
struct BenchTests {
    @Test func scoresTheHandLabeledTraceAsWorkedOut() throws {
        let fixture = try HandLabeledTrace()
        defer { fixture.remove() }
        let report = try BenchRunner(plan: try fixture.plan(repeats: 3)).run()
        let r = try #require(report.results.first)
        let s = try #require(r.score)
        #expect(s.fraud.calls == 4 && s.fraud.blocked == 2 && s.legit.calls == 2 && s.legit.blocked == 1)
        #expect(s.interceptRate == 0.5 && s.falsePositiveRate == 0.5)
        #expect(abs(s.precision - 2.0 / 3) < 1e-12 && abs(s.f1 - 4.0 / 7) < 1e-12)
        #expect(s.callsBeforeBlock == ["+8617000000001": 0, "+8617000000002": 2])
        let c = s.callsBeforeBlockStats
        #expect(c.median == 1 && c.p90 == 2 && c.max == 2)
        #expect(s.perScenario["goip"]!.rate == 0.5 && s.perScenario["normal"]!.rate == 0.5)
        #expect(r.packets == 24 && r.setups == 6 && r.packetsPerSecond.count == 3)
        #expect(r.latency.count == 72 && r.setupPacketLatency.count == 18 && r.otherPacketLatency.count == 54, "3 runs × 24 packets")
        #expect(r.timeline.reduce(0) { $0 + $1.blocked } == 2 && r.timeline.reduce(0) { $0 + $1.through } == 2)
    }

    @Test func jsonFollowsTheVersionedSchema() throws {
        let fixture = try HandLabeledTrace()
        defer { fixture.remove() }
        // The list-only rule set runs no detector: sweeping one is refused.
        #expect(throws: BenchError.self) { try BenchRunner(plan: try fixture.plan(sweep: Sweep(parameter: "fan_out.critical", values: [1]))).run() }

        let plain = try BenchRunner(plan: try fixture.plan()).run()
        let json = try JSONSerialization.jsonObject(with: Data(BenchJSON.render(plain).rendered().utf8)) as! [String: Any]
        #expect(json["schema"] as? String == "callguard.bench/1")
        let results = json["results"] as! [[String: Any]]
        #expect(results.count == 1)
        let r = results[0]
        for key in ["rules", "trace", "intercept_rate", "false_positive_rate", "precision", "per_scenario", "calls_before_block",
                    "packets_per_second", "latency_ns", "setup_packet_latency_ns", "other_packet_latency_ns", "peak_memory_bytes",
                    "warnings", "true_victim_warnings", "timeline"] {
            #expect(r[key] != nil, "missing \(key)")
        }
        #expect(r["rules"] as? String == "list-only" && r["intercept_rate"] as? Double == 0.5)
        #expect((r["per_scenario"] as! [String: Double])["goip"] == 0.5)
        let cbb = r["calls_before_block"] as! [String: Any]
        #expect(cbb["median"] as? Double == 1 && cbb["max"] as? Int == 2)
        let latency = r["latency_ns"] as! [String: Int]
        #expect(Set(latency.keys) == ["p50", "p90", "p99", "p999", "max"])
        #expect(latency["p50"]! <= latency["p99"]! && latency["p99"]! <= latency["max"]!)
        #expect((r["packets_per_second"] as! Int) > 0)
    }

    @Test func sweepTracesTheTradeOff() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callguard-sweep-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        // Fan-out alone on the smoke trace: a lower critical threshold intercepts more.
        let yaml = "name: fan\ndetectors:\n  fan_out: {window: 60s, warning: 100, critical: 100}\n"
        let plan = BenchPlan(rules: [BenchPlan.Rules(name: "fan", yaml: yaml, path: dir + "/fan.yaml")], traces: [root + "/traces/smoke.pcap"],
                             sweep: try Sweep(parsing: "fan_out.critical=3..12:3"))
        let report = try BenchRunner(plan: plan).run()
        let points = try #require(report.sweeps.first).points
        #expect(points.map(\.value) == [3, 6, 9, 12])
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.interceptRate >= $1.interceptRate && $0.falsePositiveRate >= $1.falsePositiveRate })
        #expect(points.first!.interceptRate > points.last!.interceptRate)
    }

    @Test func htmlHasTheChartsAndTheJSONsNumbers() throws {
        let fixture = try HandLabeledTrace()
        defer { fixture.remove() }
        let report = try BenchRunner(plan: try fixture.plan()).run()
        let html = BenchHTML.render(report)
        #expect(html.hasPrefix("<!DOCTYPE html>") && !html.contains("https://"))
        #expect(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http://") == false)
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="), "self-contained")
        #expect(html.contains("<svg id=\"latency-cdf\"") && html.contains("<svg id=\"timeline-0\""))
        #expect(html.components(separatedBy: "<polyline class=\"series\"").count - 1 == report.results.count)
        #expect(html.components(separatedBy: "class=\"bar-lower\"").count - 1 == report.results[0].timeline.count)
        // The summary table's first row carries the JSON's figures.
        let json = try JSONSerialization.jsonObject(with: Data(BenchJSON.render(report).rendered().utf8)) as! [String: Any]
        let r = (json["results"] as! [[String: Any]])[0]
        let table = html.components(separatedBy: "<table id=\"summary\">")[1].components(separatedBy: "</table>")[0]
        let cells = table.components(separatedBy: "<tbody><tr>")[1].components(separatedBy: "</tr>")[0]
            .components(separatedBy: "<td>").dropFirst().map { $0.replacingOccurrences(of: "</td>", with: "") }
        #expect(cells[0] == r["rules"] as? String)
        let ii = try #require(r["intercept_interval"] as? [Double]), fi = try #require(r["false_positive_interval"] as? [Double])
        #expect(cells[2] == String(format: "%.1f%% [%.1f%%–%.1f%%]", (r["intercept_rate"] as! Double) * 100, ii[0] * 100, ii[1] * 100))
        #expect(cells[3] == String(format: "%.2f%% [%.2f%%–%.2f%%]", (r["false_positive_rate"] as! Double) * 100, fi[0] * 100, fi[1] * 100))
        #expect(abs(ii[0] - 0.150039) < 1e-5 && abs(fi[1] - 0.905469) < 1e-5, "Wilson intervals of 2/4 and 1/2")
        #expect(cells[4] == String(format: "%.3f", r["precision"] as! Double))
        let l = r["latency_ns"] as! [String: Int]
        #expect(cells[11] == "\(l["p50"]!)/\(l["p90"]!)/\(l["p99"]!)/\(l["p999"]!)/\(l["max"]!)")
    }

    @Test func failBelowBounds() throws {
        let fixture = try HandLabeledTrace()
        defer { fixture.remove() }
        let report = try BenchRunner(plan: try fixture.plan()).run()
        #expect(try FailBelow(parsing: "intercept=0.5,fpr=0.5").violations(report).isEmpty)
        #expect(try FailBelow(parsing: "intercept=0.6").violations(report) == ["list-only on \(fixture.trace): intercept 0.5 is below 0.6"])
        #expect(try FailBelow(parsing: "fpr=0.1").violations(report) == ["list-only on \(fixture.trace): fpr 0.5 is above 0.1"])
        #expect(throws: FailBelow.Error.self) { try FailBelow(parsing: "recall=0.9") }
        #expect(throws: Sweep.Error.self) { try Sweep(parsing: "fan_out.critical=10..5:1") }
        #expect(try Sweep(parsing: "fan_out.window=30..90:30").values == [30, 60, 90])
    }
}
