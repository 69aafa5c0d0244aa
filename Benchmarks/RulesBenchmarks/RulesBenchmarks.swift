import Benchmark
import Blocklist
import Engine
import Foundation
import Rules
import Simulator
import Wire

/// The cost of the default rule set: replaying the same simulated busy hour (20,000
/// calls, about 135,000 packets, with every fraud campaign) once with blocklist-only
/// screening and once with the full default rule set, in the same iteration. Custom
/// metrics: per-packet time of each and their ratio (x100; the target is at most 200).
let benchmarks: @Sendable () -> Void = {
    let trace = RulesCapture.path
    let rules = try! RuleSetFile.parse(DefaultRuleSet.yaml, path: "default")
    let config = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal, .throughput],
                                         warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 10)
    let listOnly = BenchmarkMetric.custom("blocklist-only ns/packet", polarity: .prefersSmaller, useScalingFactor: false)
    let withRules = BenchmarkMetric.custom("default rules ns/packet", polarity: .prefersSmaller, useScalingFactor: false)
    let ratio = BenchmarkMetric.custom("rules / blocklist-only x100", polarity: .prefersSmaller, useScalingFactor: false)
    var ratioConfig = config
    ratioConfig.metrics += [listOnly, withRules, ratio]

    Benchmark("replay: default rule set vs blocklist only", configuration: ratioConfig) { benchmark in
        benchmark.stopMeasurement()
        let plain = ReplayEngine(screener: BlocklistScreener(list: LiveBlocklist()))
        let t0 = MonotonicClock.now()
        let a = plain.run(try CaptureMerger(paths: [trace]))
        let base = MonotonicClock.now() - t0
        let engine = ReplayEngine(screener: PolicyScreener(policy: rules.policy(list: LiveBlocklist())))
        benchmark.startMeasurement()
        let t1 = MonotonicClock.now()
        let b = engine.run(try CaptureMerger(paths: [trace]))
        let full = MonotonicClock.now() - t1
        benchmark.stopMeasurement()
        precondition(a.packets.read == b.packets.read && b[.block] > 0)
        benchmark.measurement(listOnly, Int(base / UInt64(a.packets.read)))
        benchmark.measurement(withRules, Int(full / UInt64(b.packets.read)))
        benchmark.measurement(ratio, Int(full * 100 / max(base, 1)))
    }
}

/// A busy hour generated once per process.
enum RulesCapture {
    static let path: String = {
        let dir = "/tmp/callguard-rules-bench-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let scenario = try! ScenarioFile.parse(BuiltinScenarios.named("busy-hour")!, path: "busy-hour")
        _ = try! Generator(scenario: scenario, seed: 5, targetCalls: 20_000).run(pcap: dir + "/bh.pcap", labels: dir + "/bh.labels.csv")
        atexit { try? FileManager.default.removeItem(atPath: "/tmp/callguard-rules-bench-\(getpid())") }
        return dir + "/bh.pcap"
    }()
}
