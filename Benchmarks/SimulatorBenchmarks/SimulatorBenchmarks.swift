import Benchmark
import CPcap
import Engine
import Simulator

/// Generation speed: the busy-hour scenario scaled to 50,000 calls (about 330,000
/// packets) written to /dev/null, single thread, compared in the same run with the
/// floor any generator pays: libpcap's `pcap_dump` writing the same number of
/// packets of the same average size. Custom metrics: calls/s, packets/s and the
/// generator / pcap_dump time ratio (x100).
let benchmarks: @Sendable () -> Void = {
    let calls = 50_000
    let scenario = try! ScenarioFile.parse(BuiltinScenarios.named("busy-hour")!, path: "busy-hour")
    // One untimed run tells the baseline how many packets of what size to write.
    let probe = try! Generator(scenario: scenario, seed: 7, targetCalls: calls).run(pcap: "/dev/null", labels: "/dev/null")
    let frameSize = probe.bytes / max(probe.packets, 1)

    let config = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .throughput],
                                         warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 8)

    Benchmark("pcap_dump of the same packets (baseline)", configuration: config) { _ in
        blackHole(dumpOnly(packets: probe.packets, size: frameSize))
    }

    var generateConfig = config
    let callsPerSecond = BenchmarkMetric.custom("calls/s", polarity: .prefersLarger, useScalingFactor: false)
    let packetsPerSecond = BenchmarkMetric.custom("packets/s", polarity: .prefersLarger, useScalingFactor: false)
    let ratio = BenchmarkMetric.custom("generate / pcap_dump time x100", polarity: .prefersSmaller, useScalingFactor: false)
    generateConfig.metrics += [callsPerSecond, packetsPerSecond, ratio]
    Benchmark("generate busy-hour, \(calls) calls", configuration: generateConfig) { benchmark in
        benchmark.stopMeasurement()
        let t0 = MonotonicClock.now()
        blackHole(dumpOnly(packets: probe.packets, size: frameSize))
        let floor = MonotonicClock.now() - t0
        let generator = Generator(scenario: scenario, seed: 7, targetCalls: calls)
        benchmark.startMeasurement()
        let t1 = MonotonicClock.now()
        let summary = try generator.run(pcap: "/dev/null", labels: "/dev/null")
        let took = MonotonicClock.now() - t1
        benchmark.stopMeasurement()
        precondition(summary.packets == probe.packets, "generation is not deterministic")
        benchmark.measurement(callsPerSecond, Int(Double(summary.calls) / (Double(took) / 1e9)))
        benchmark.measurement(packetsPerSecond, Int(Double(summary.packets) / (Double(took) / 1e9)))
        benchmark.measurement(ratio, Int(took * 100 / max(floor, 1)))
    }
}

/// Writes `packets` frames of `size` bytes through pcap_dump to /dev/null.
func dumpOnly(packets: Int, size: Int) -> Int {
    guard let p = pcap_open_dead_with_tstamp_precision(1, 262_144, 1), let d = pcap_dump_open(p, "/dev/null") else { return 0 }
    var frame = [UInt8](repeating: 0x5a, count: size)
    var header = pcap_pkthdr()
    header.caplen = UInt32(size)
    header.len = UInt32(size)
    frame.withUnsafeMutableBufferPointer { b in
        for i in 0..<packets {
            header.ts.tv_sec = 1_763_632_800 + i / 1000
            b[i % size] &+= 1
            pcap_dump(UnsafeMutableRawPointer(d).assumingMemoryBound(to: UInt8.self), &header, b.baseAddress)
        }
    }
    pcap_dump_close(d)
    pcap_close(p)
    return packets
}
