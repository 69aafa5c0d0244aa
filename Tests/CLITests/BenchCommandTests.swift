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

    /// `--seeds`: the scenario generated once per seed, each trace scored, and per rule set
    /// the mean and spread across seeds plus the pooled calls with their intervals.
    @Test func severalSeedsOfAGeneratedScenario() throws {
        let r = try CLI.run(["bench", "--scenario", "smoke", "--seeds", "3,4", "--calls", "400", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.count == 2 && results.allSatisfy { ($0["trace"] as? String ?? "").contains("smoke-seed") })
        let seeds = try #require((json["seeds"] as? [[String: Any]])?.first)
        #expect(seeds["seeds"] as? [Int] == [3, 4] && seeds["scenario"] as? String == "smoke")
        let pooled = try #require(seeds["pooled"] as? [String: Any])
        #expect(pooled["fraud_calls"] as? Int == results.reduce(0) { $0 + ($1["fraud_calls"] as? Int ?? 0) })
        #expect(pooled["legit_calls"] as? Int == results.reduce(0) { $0 + ($1["legit_calls"] as? Int ?? 0) })
        let rates = results.compactMap { $0["intercept_rate"] as? Double }
        let spread = try #require(seeds["intercept_rate"] as? [String: Double])
        #expect(spread["min"] == rates.min() && spread["max"] == rates.max())
        #expect(abs((spread["mean"] ?? 0) - rates.reduce(0, +) / 2) < 1e-5)
        // The generated traces do not outlive the run.
        for t in results.compactMap({ $0["trace"] as? String }) { #expect(!FileManager.default.fileExists(atPath: t)) }

        let text = try CLI.run(["bench", "--scenario", "smoke", "--seeds", "3", "--calls", "200"])
        #expect(text.status == 0 && text.stdout.contains("default on smoke, seeds 3\n  intercept mean (min–max)"))
        let noScenario = try CLI.run(["bench", "--seeds", "1,2"])
        #expect(noScenario.status == 2 && noScenario.stderr.contains("--seeds needs --scenario"))
        let badSeeds = try CLI.run(["bench", "--scenario", "smoke", "--seeds", "1,x"])
        #expect(badSeeds.status == 2 && badSeeds.stderr.contains("'1,x' is not a list"))
        let badScenario = try CLI.run(["bench", "--scenario", "nowhere", "--seeds", "1"])
        #expect(badScenario.status == 2 && badScenario.stderr.hasPrefix("callguard: nowhere: neither a built-in scenario"))
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
