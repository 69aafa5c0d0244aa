import Benchmark
import Blocklist
import CallEvents
import Calls
import CPcap
import Engine
import Numbering
import PacketCrafting
import Policy
import Rules
import Simulator
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// Replay speed: decode + call tracking + blocklist screening, single thread, over a
/// synthetic capture of 105,000 SIP messages (15,000 calls), compared in the same run
/// with the floor no decoder can beat: a bare libpcap read loop over the same file.
/// Custom metrics: SIP messages/s, per-packet latency p99 (engine's HdrHistogram) and
/// the replay/libpcap time ratio (x100).
let benchmarks: @Sendable () -> Void = {
    let capture = BenchmarkCapture.path
    let messagesPerRun = BenchmarkCapture.messages
    let config = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
                                         warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 15)

    Benchmark("libpcap read loop (baseline)", configuration: config) { benchmark in
        blackHole(BenchmarkCapture.readLoop(capture))
    }

    Benchmark("decode only", configuration: config) { benchmark in
        let source = try CaptureMerger(paths: [capture])
        let decoder = PacketDecoder()
        var n = 0
        while let p = source.next() { decoder.decode(p) { _, _ in n += 1 } }
        blackHole(n)
    }

    Benchmark("decode + call tracking", configuration: config) { benchmark in
        let source = try CaptureMerger(paths: [capture])
        let decoder = PacketDecoder()
        let adapter = SIPEventAdapter(normalizer: NumberNormalizer())
        let tracker = CallTracker(configuration: CallTrackerConfiguration())
        var setups = 0
        while let p = source.next() {
            decoder.decode(p) { m, c in
                if let e = adapter.event(m, c), case .setup = tracker.track(e) { setups += 1 }
            }
        }
        precondition(setups == BenchmarkCapture.calls)
        blackHole(setups)
    }

    var replayConfig = config
    replayConfig.metrics += [
        .custom("SIP messages/s", polarity: .prefersLarger, useScalingFactor: false),
        .custom("packet latency p99 (ns)", polarity: .prefersSmaller, useScalingFactor: false),
        .custom("replay / libpcap time x100", polarity: .prefersSmaller, useScalingFactor: false),
    ]
    Benchmark("replay: decode + track + screen", configuration: replayConfig) { benchmark in
        benchmark.stopMeasurement()
        let t0 = MonotonicClock.now()
        blackHole(BenchmarkCapture.readLoop(capture))
        let floor = MonotonicClock.now() - t0
        let source = try CaptureMerger(paths: [capture])
        let engine = ReplayEngine(screener: BlocklistScreener(list: BenchmarkCapture.blocklist))
        benchmark.startMeasurement()
        let t1 = MonotonicClock.now()
        let result = engine.run(source)
        let replay = MonotonicClock.now() - t1
        benchmark.stopMeasurement()
        precondition(result.packets.signalling == messagesPerRun, "capture not fully decoded")
        benchmark.measurement(.custom("SIP messages/s", polarity: .prefersLarger, useScalingFactor: false),
                              Int(Double(messagesPerRun) / (Double(replay) / 1e9)))
        benchmark.measurement(.custom("packet latency p99 (ns)", polarity: .prefersSmaller, useScalingFactor: false),
                              Int(result.packetLatency.percentile(99)))
        benchmark.measurement(.custom("replay / libpcap time x100", polarity: .prefersSmaller, useScalingFactor: false),
                              Int(replay * 100 / max(floor, 1)))
    }

    // HEP3 against plain SIP: the same 20,000 messages, as UDP datagrams and wrapped in
    // HEP3 (plain payload chunk), decoded in the same iteration (target: at most 1.5x).
    let plainNs = BenchmarkMetric.custom("plain SIP ns/message", polarity: .prefersSmaller, useScalingFactor: false)
    let hepNs = BenchmarkMetric.custom("HEP3 ns/message", polarity: .prefersSmaller, useScalingFactor: false)
    let hepRatio = BenchmarkMetric.custom("HEP3 / plain x100", polarity: .prefersSmaller, useScalingFactor: false)
    var hepConfig = config
    hepConfig.metrics += [plainNs, hepNs, hepRatio]
    Benchmark("decode: HEP3 vs plain SIP", configuration: hepConfig) { benchmark in
        benchmark.stopMeasurement()
        let (plain, hep) = HEPFrames.make(20_000)
        func run(_ frames: [[UInt8]]) -> (UInt64, Int) {
            let decoder = PacketDecoder()
            var n = 0
            let t0 = MonotonicClock.now()
            for (i, f) in frames.enumerated() {
                f.withUnsafeBytes { b in
                    decoder.decode(CapturedPacket(frame: i + 1, timestamp: Int64(i) * 1_000_000, linkType: .ethernet, bytes: b,
                                                  originalLength: b.count)) { _, _ in n += 1 }
                }
            }
            return (MonotonicClock.now() - t0, n)
        }
        let (base, a) = run(plain)
        benchmark.startMeasurement()
        let (wrapped, b) = run(hep)
        benchmark.stopMeasurement()
        precondition(a == frames20k && b == frames20k)
        benchmark.measurement(plainNs, Int(base / UInt64(a)))
        benchmark.measurement(hepNs, Int(wrapped / UInt64(b)))
        benchmark.measurement(hepRatio, Int(wrapped * 100 / max(base, 1)))
    }

    // ISUP against plain SIP, setup against setup: 20,000 IAMs over MTP2 and over M3UA
    // in SCTP, each taken to a call event by the ISUP adapter, against 20,000 INVITEs
    // taken to call events by the SIP adapter, in the same iteration (target: at most 1.5x).
    let isupNs = BenchmarkMetric.custom("ISUP/M3UA ns/message", polarity: .prefersSmaller, useScalingFactor: false)
    let mtp2Ratio = BenchmarkMetric.custom("ISUP/MTP2 / plain SIP x100", polarity: .prefersSmaller, useScalingFactor: false)
    let m3uaRatio = BenchmarkMetric.custom("ISUP/M3UA / plain SIP x100", polarity: .prefersSmaller, useScalingFactor: false)
    var isupConfig = config
    isupConfig.metrics += [plainNs, isupNs, mtp2Ratio, m3uaRatio]
    Benchmark("decode to call events: ISUP vs plain SIP", configuration: isupConfig) { benchmark in
        benchmark.stopMeasurement()
        let (sip, _) = HEPFrames.make(frames20k)
        let (mtp2, m3ua) = ISUPFrames.make(frames20k)
        func run(_ frames: [[UInt8]], linkType: LinkType) -> (UInt64, Int) {
            let decoder = PacketDecoder()
            let sipAdapter = SIPEventAdapter(), isupAdapter = ISUPEventAdapter()
            var n = 0
            decoder.onISUP = { m, c in if let e = isupAdapter.event(m, c), e.kind == .setup { n += 1 } }
            let t0 = MonotonicClock.now()
            for (i, f) in frames.enumerated() {
                f.withUnsafeBytes { b in
                    decoder.decode(CapturedPacket(frame: i + 1, timestamp: Int64(i) * 1_000_000, linkType: linkType, bytes: b,
                                                  originalLength: b.count)) { m, c in
                        if let e = sipAdapter.event(m, c), e.kind == .setup { n += 1 }
                    }
                }
            }
            return (MonotonicClock.now() - t0, n)
        }
        let (base, a) = run(sip, linkType: .ethernet)
        benchmark.startMeasurement()
        let (overMTP2, b) = run(mtp2, linkType: .mtp2)
        let (overM3UA, c) = run(m3ua, linkType: .ethernet)
        benchmark.stopMeasurement()
        precondition(a == frames20k && b == frames20k && c == frames20k)
        benchmark.measurement(plainNs, Int(base / UInt64(a)))
        benchmark.measurement(isupNs, Int(overM3UA / UInt64(c)))
        benchmark.measurement(mtp2Ratio, Int(overMTP2 * 100 / max(base, 1)))
        benchmark.measurement(m3uaRatio, Int(overM3UA * 100 / max(base, 1)))
    }

    // The default rule set over a generated busy hour, as `callguard replay` runs it: the
    // libpcap floor, one thread and two threads (decoding apart from screening) in the
    // same iteration, so the ratios hold on a noisy shared machine. Targets (issue 13):
    // one thread within 3x of the floor; two threads at least 1.7x one thread.
    let floorMs = BenchmarkMetric.custom("libpcap floor ms", polarity: .prefersSmaller, useScalingFactor: false)
    let oneMs = BenchmarkMetric.custom("1 thread ms", polarity: .prefersSmaller, useScalingFactor: false)
    let twoMs = BenchmarkMetric.custom("2 threads ms", polarity: .prefersSmaller, useScalingFactor: false)
    let oneRatio = BenchmarkMetric.custom("1 thread / libpcap x100", polarity: .prefersSmaller, useScalingFactor: false)
    let speedup = BenchmarkMetric.custom("2 threads speed-up x100", polarity: .prefersLarger, useScalingFactor: false)
    let p99One = BenchmarkMetric.custom("1 thread packet p99 ns", polarity: .prefersSmaller, useScalingFactor: false)
    var threadsConfig = config
    threadsConfig.metrics = [.wallClock, speedup, oneRatio, floorMs, oneMs, twoMs, p99One]
    threadsConfig.maxIterations = 7
    threadsConfig.maxDuration = .seconds(60)
    Benchmark("busy hour, default rules: 1 vs 2 threads", configuration: threadsConfig) { benchmark in
        let trace = BusyHourCapture.path
        func replay(threads: Int) throws -> (UInt64, ReplayResult) {
            let engine = ReplayEngine(screener: PolicyScreener(policy: BusyHourCapture.rules.policy(list: LiveBlocklist())))
            let source = try CaptureMerger(paths: [trace])
            let t0 = MonotonicClock.now()
            let r = engine.run(source, threads: threads)
            return (MonotonicClock.now() - t0, r)
        }
        let t0 = MonotonicClock.now()
        blackHole(BenchmarkCapture.readLoop(trace))
        let floor = MonotonicClock.now() - t0
        let (one, a) = try replay(threads: 1)
        let (two, b) = try replay(threads: 2)
        precondition(a.verdicts == b.verdicts && a.packets.read == b.packets.read, "threads changed the verdicts")
        benchmark.measurement(floorMs, Int(floor / 1_000_000))
        benchmark.measurement(oneMs, Int(one / 1_000_000))
        benchmark.measurement(twoMs, Int(two / 1_000_000))
        benchmark.measurement(oneRatio, Int(one * 100 / max(floor, 1)))
        benchmark.measurement(speedup, Int(one * 100 / max(two, 1)))
        benchmark.measurement(p99One, Int(a.packetLatency.percentile(99)))
    }
}

/// `generate --scenario busy-hour --seed 13 --calls 40000`, written once per process.
enum BusyHourCapture {
    static let path: String = {
        let path = "/tmp/callguard-bench-busy-hour-\(getpid()).pcap"
        let scenario = try! ScenarioFile.parse(BuiltinScenarios.named("busy-hour")!, path: "busy-hour")
        _ = try! Generator(scenario: scenario, seed: 13, targetCalls: 40_000).run(pcap: path, labels: path + ".labels.csv")
        atexit {
            unlink("/tmp/callguard-bench-busy-hour-\(getpid()).pcap")
            unlink("/tmp/callguard-bench-busy-hour-\(getpid()).pcap.labels.csv")
        }
        return path
    }()
    static let rules: RuleSet = try! RuleSetFile.parse(DefaultRuleSet.yaml, path: "default")
}

/// The capture every benchmark reads, written once per process.
enum BenchmarkCapture {
    static let calls = 15_000
    static let messages = calls * 7
    static let path: String = {
        let path = "/tmp/callguard-bench-\(getpid()).pcap"
        let writer = PcapWriter(linkType: 1)
        var t: Int64 = 1_700_000_000_000_000_000
        for i in 0..<calls {
            let script = SIPCallScript(callID: "bench-\(i)@192.0.2.10", caller: "1381\(String(1_000_000 + i))",
                                       callee: "1398\(String(2_000_000 + i))", fromTag: "t\(i)", branch: "z9hG4bK\(i)")
            for (text, direction, _) in script.answeredCall(talkSeconds: 1) {
                let (src, dst) = direction == .callerToCallee ? ("192.0.2.10", "198.51.100.20") : ("198.51.100.20", "192.0.2.10")
                let udp = FrameBuilder.udp(Array(text.utf8), sourcePort: 5060, destinationPort: 5060)
                writer.add(FrameBuilder.ethernet(FrameBuilder.ipv4(udp, source: src, destination: dst, proto: 17)),
                           nanoseconds: t)
                t += 100_000
            }
        }
        precondition(writer.write(to: path), "cannot write \(path)")
        atexit { unlink(BenchmarkCapture.pathForCleanup) }
        return path
    }()
    static var pathForCleanup: String { "/tmp/callguard-bench-\(getpid()).pcap" }

    /// Every 100th caller is on the list, plus one prefix that never matches.
    static let blocklist: LiveBlocklist = {
        let n = NumberNormalizer()
        let list = LiveBlocklist()
        for i in stride(from: 0, to: calls, by: 100) {
            try! list.insert(BlocklistEntry(number: n.normalize("1381\(String(1_000_000 + i))")!))
        }
        try! list.insert(BlocklistEntry(number: PhoneNumber(e164: "+88216")!, isPrefix: true))
        return list
    }()

    /// The floor: libpcap hands over every packet, and we touch one byte of each.
    static func readLoop(_ path: String) -> Int {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let h = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errbuf) else { return 0 }
        defer { pcap_close(h) }
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        var sum = 0
        while pcap_next_ex(h, &header, &data) == 1 { sum &+= Int(data![Int(header!.pointee.caplen) - 1]) }
        return sum
    }
}

let frames20k = 20_000

/// IAMs on distinct circuits as MTP2 signal units and as M3UA DATA in SCTP packets.
enum ISUPFrames {
    static func make(_ count: Int) -> (mtp2: [[UInt8]], m3ua: [[UInt8]]) {
        var mtp2: [[UInt8]] = [], m3ua: [[UInt8]] = []
        for i in 0..<count {
            let script = ISUPCallScript(opc: 2001, dpc: 100 + UInt32(i / 4000), cic: UInt16(i % 4000))
            let unit = script.iam(called: "139\(10_000_000 + i)", calling: "138\(10_000_000 + i)")
            mtp2.append(unit)
            // M3UA Protocol Data: OPC, DPC, SI 5, NI 2, MP 0, SLS 0, then ISUP from its CIC.
            let isup = Array(unit.dropFirst(3 + 5))
            let pc: (UInt32, UInt32) = (script.opc, script.dpc)
            var data: [UInt8] = [0x02, 0x10, 0, 0]
            for v in [pc.0, pc.1] { data += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
            data += [5, 2, 0, 0] + isup
            data[3] = UInt8(data.count)
            while data.count % 4 != 0 { data.append(0) }
            let message: [UInt8] = [1, 0, 1, 1, 0, 0, 0, UInt8(8 + data.count)] + data
            let tsn = UInt32(i + 1)
            var chunk: [UInt8] = [0, 3, UInt8((16 + message.count) >> 8), UInt8((16 + message.count) & 0xFF),
                                  UInt8(tsn >> 24), UInt8(tsn >> 16 & 0xFF), UInt8(tsn >> 8 & 0xFF), UInt8(tsn & 0xFF),
                                  0, 0, 0, 0, 0, 0, 0, 3] + message
            while chunk.count % 4 != 0 { chunk.append(0) }
            let sctp: [UInt8] = [0x0B, 0x59, 0x0B, 0x59, 0, 0, 0, 1, 0, 0, 0, 0] + chunk
            m3ua.append(FrameBuilder.ethernet(FrameBuilder.ipv4(sctp, source: "192.0.2.70", destination: "192.0.2.71", proto: 132)))
        }
        return (mtp2, m3ua)
    }
}

/// The same SIP messages as plain UDP frames and as HEP3 datagrams to port 9060.
enum HEPFrames {
    static func make(_ count: Int) -> (plain: [[UInt8]], hep: [[UInt8]]) {
        var plain: [[UInt8]] = [], hep: [[UInt8]] = []
        for i in 0..<count {
            let sip = Array(("INVITE sip:+86139\(10_000_000 + i)@example.net SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK\(i)\r\nMax-Forwards: 70\r\n"
                + "From: <sip:+86138\(10_000_000 + i)@example.net>;tag=\(i)\r\nTo: <sip:+86139\(10_000_000 + i)@example.net>\r\n"
                + "Call-ID: bench-\(i)@198.51.100.10\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n").utf8)
            plain.append(FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(sip, sourcePort: 5060, destinationPort: 5060),
                                                                 source: "198.51.100.10", destination: "10.10.0.1", proto: 17)))
            func chunk(_ type: UInt8, _ v: [UInt8]) -> [UInt8] {
                [0, 0, 0, type, UInt8((6 + v.count) >> 8), UInt8((6 + v.count) & 0xFF)] + v
            }
            var chunks = chunk(1, [2]) + chunk(2, [17]) + chunk(3, [198, 51, 100, 10]) + chunk(4, [10, 10, 0, 1])
            chunks += chunk(7, [0x13, 0xC4]) + chunk(8, [0x13, 0xC4]) + chunk(9, [0x69, 0x21, 0x97, 0x40]) + chunk(10, [0, 0, 0, 1])
            chunks += chunk(11, [1]) + chunk(12, [0, 0, 7, 0xD1]) + chunk(15, sip)
            let total = 6 + chunks.count
            let datagram = Array("HEP3".utf8) + [UInt8(total >> 8), UInt8(total & 0xFF)] + chunks
            hep.append(FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(datagram, sourcePort: 40000, destinationPort: 9060),
                                                               source: "192.0.2.50", destination: "192.0.2.60", proto: 17)))
        }
        return (plain, hep)
    }
}
