import Benchmark
import Blocklist
import CallEvents
import Calls
import Detectors
import Engine
import Foundation
import Policy
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

    // Each detector alone over the busy hour's ~20,000 setups, against a baseline loop
    // that only reads the same facts (in the same iteration).
    let perCall = BenchmarkMetric.custom("ns per setup", polarity: .prefersSmaller, useScalingFactor: false)
    let overBaseline = BenchmarkMetric.custom("ns per setup over the read-only loop", polarity: .prefersSmaller, useScalingFactor: false)
    let detectorConfig = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal, perCall, overBaseline],
                                                 warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20)
    for id in rules.detectorIDs {
        Benchmark("detector \(id)", configuration: detectorConfig) { benchmark in
            benchmark.stopMeasurement()
            let facts = RulesFacts.all
            let detector = rules.policy(list: LiveBlocklist()).detectors.first { $0.detector.id == id }!.detector
            let t0 = MonotonicClock.now()
            var sum = 0
            for f in facts { sum &+= Int(truncatingIfNeeded: f.callerKey &+ f.calleeKey) &+ f.profile }
            blackHole(sum)
            let base = MonotonicClock.now() - t0
            benchmark.startMeasurement()
            let t1 = MonotonicClock.now()
            var critical = 0
            for f in facts where detector.screen(f).level == .critical { critical += 1 }
            let took = MonotonicClock.now() - t1
            benchmark.stopMeasurement()
            blackHole(critical)
            benchmark.measurement(perCall, Int(took / UInt64(facts.count)))
            benchmark.measurement(overBaseline, Int((took &- min(took, base)) / UInt64(facts.count)))
        }
    }
}

/// Every call setup of the busy hour as detector facts (with trunk roles and profiles
/// from the default rule set), extracted once, so each detector can be timed alone.
enum RulesFacts {
    static let all: [CallFacts] = {
        let rules = try! RuleSetFile.parse(DefaultRuleSet.yaml, path: "default")
        let policy = rules.policy(list: LiveBlocklist())
        let collector = FactCollector(policy: policy)
        _ = ReplayEngine(screener: collector).run(try! CaptureMerger(paths: [RulesCapture.path]))
        return collector.facts
    }()

    final class FactCollector: CallScreener {
        let policy: ScreeningPolicy
        var facts: [CallFacts] = []
        init(policy: ScreeningPolicy) { self.policy = policy }
        func screen(_ call: CallEvent) -> ScreeningDecision {
            var f = policy.extractor.facts(call)
            f.role = policy.trunks.role(of: f.source)
            f.profile = policy.profiles.index(caller: f.caller, at: f.time)
            facts.append(f)
            return .allow
        }
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
