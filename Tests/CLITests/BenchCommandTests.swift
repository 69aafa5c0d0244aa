import Foundation
import Testing

@Suite("callguard bench")
struct BenchCommandTests {
    @Test func twoRuleSetsSideBySideInEveryFormat() throws {
        let md = try CLI.run(["bench", "--rules", "default", "--rules", "rules/score.yaml", "--trace", "traces/smoke.pcap", "--format", "markdown"])
        #expect(md.status == 0, "\(md.stderr)")
        #expect(md.stdout.contains("| default | traces/smoke.pcap |") && md.stdout.contains("| score | traces/smoke.pcap |"))
        #expect(md.stdout.contains("### Blocked by scenario"))

        let out = CLI.temporary("bench.json")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let js = try CLI.run(["bench", "--trace", "traces/smoke.pcap", "--repeat", "2", "--warmup", "1", "--format", "json", "--out", out])
        #expect(js.status == 0 && js.stdout.isEmpty)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as! [String: Any]
        #expect(json["schema"] as? String == "callguard.bench/1" && json["repeats"] as? Int == 2)

        let html = try CLI.run(["bench", "--trace", "traces/smoke.pcap", "--sweep", "fan_out.critical=10..30:10", "--format", "html"])
        #expect(html.status == 0 && html.stdout.contains("<svg id=\"sweep-curve\""))
    }

    @Test func failBelowExitCodes() throws {
        let pass = try CLI.run(["bench", "--trace", "traces/smoke.pcap", "--fail-below", "intercept=0.95,fpr=0.001"])
        #expect(pass.status == 0, "\(pass.stderr)")
        let fail = try CLI.run(["bench", "--trace", "traces/smoke.pcap", "--fail-below", "intercept=0.999"])
        #expect(fail.status == 1)
        #expect(fail.stderr.contains("default on traces/smoke.pcap: intercept 0.98"))
        let bad = try CLI.run(["bench", "--trace", "traces/smoke.pcap", "--fail-below", "recall=0.9"])
        #expect(bad.status == 2 && bad.stderr.contains("--fail-below 'recall=0.9'"))
        let missing = try CLI.run(["bench", "--trace", "nope.pcap"])
        #expect(missing.status == 2 && missing.stderr.contains("nope.pcap: cannot read"))
        let sweep = try CLI.run(["bench", "--trace", "traces/smoke.pcap", "--sweep", "fan_out.treshold=1..2:1"])
        #expect(sweep.status == 2 && sweep.stderr.contains("fan_out has no parameter 'treshold'"), "\(sweep.stderr)")
    }

    @Test func unlabeledTraceGetsSpeedOnly() throws {
        let r = try CLI.run(["bench", "--trace", "traces/demo.pcap", "--format", "json"])
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let res = (json["results"] as! [[String: Any]])[0]
        #expect(res["labeled"] as? Bool == false && res["intercept_rate"] is NSNull && (res["packets_per_second"] as! Int) > 0)
    }
}
