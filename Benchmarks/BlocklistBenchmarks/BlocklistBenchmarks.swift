import Benchmark
import Blocklist
import Dispatch
import Engine
import Foundation
import Numbering
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Lookup throughput and latency of the live blocklist against two baselines measured
/// in the same iteration on the same queries: a `Mutex<Set<UInt64>>` doing the same
/// lookups and updates, and a read-only `Set<UInt64>` (no writer possible).
///
/// Matrix: 1M and 10M entries; hit-heavy (90% listed) and miss-heavy (10% listed)
/// queries; 1 and 2 reader threads; with and without a writer doing 100,000 updates/s
/// (adds and removes over a pool of 100,000 numbers outside the queried range).
/// Custom metrics: lookups/s of each structure (all readers together), the ratios
/// live/mutex and live/read-only Set (x100), and for one reader p50/p99 lookup latency
/// sampled every 16th lookup, with the clock's own cost measured alongside.
let benchmarks: @Sendable () -> Void = {
    // Loading 10M numbers: from text (target < 2 s) and from a compiled snapshot (< 200 ms).
    let loadConfig = Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 1,
                                             maxDuration: .seconds(20), maxIterations: 5)
    Benchmark("load 10M numbers from text", configuration: loadConfig) { benchmark in
        benchmark.stopMeasurement()
        let path = ListFiles.text
        benchmark.startMeasurement()
        let l = LiveBlocklist()
        let report = try ListFile.load(path: path, side: .block, into: l, normalizer: NumberNormalizer(), policy: .strict, ttlBase: 0)
        benchmark.stopMeasurement()
        precondition(report.entries == ListFiles.count)
    }
    Benchmark("load 10M numbers from a .cgbl snapshot", configuration: loadConfig) { benchmark in
        benchmark.stopMeasurement()
        let path = ListFiles.snapshot
        benchmark.startMeasurement()
        let l = try Snapshot.load(path: path)
        benchmark.stopMeasurement()
        precondition(l.entryCount == ListFiles.count)
    }

    let config = Benchmark.Configuration(metrics: [.wallClock], warmupIterations: 1,
                                         maxDuration: .seconds(8), maxIterations: 5)
    for size in [1_000_000, 10_000_000] {
        for hits in [90, 10] {
            for readers in [1, 2] {
                for writer in [false, true] {
                    let name = "lookup \(size / 1_000_000)M entries, \(hits)% hits, \(readers) reader\(readers > 1 ? "s" : "")"
                        + (writer ? " + writer 100k/s" : "")
                    var c = config
                    c.metrics += Metric.lookups(writer: writer, latency: readers == 1)
                    Benchmark(name, configuration: c) { benchmark in
                        benchmark.stopMeasurement()
                        let fixture = Fixture.shared(size: size)
                        let queries = (0..<readers).map { fixture.queries(hitPercent: hits, seed: UInt64($0 + 1)) }
                        benchmark.startMeasurement()
                        let live = Run.threads(queries, writer: writer ? fixture.liveWriter : nil) { q in fixture.liveLookups(q) }
                        let mutex = Run.threads(queries, writer: writer ? fixture.mutexWriter : nil) { q in fixture.mutexLookups(q) }
                        benchmark.stopMeasurement()
                        benchmark.measurement(Metric.rate("live"), live.rate)
                        benchmark.measurement(Metric.rate("mutex"), mutex.rate)
                        benchmark.measurement(Metric.ratio("live/mutex"), live.rate * 100 / max(mutex.rate, 1))
                        if !writer {
                            let set = Run.threads(queries, writer: nil) { q in fixture.setLookups(q) }
                            benchmark.measurement(Metric.rate("read-only Set"), set.rate)
                            benchmark.measurement(Metric.ratio("live/read-only Set"), live.rate * 100 / max(set.rate, 1))
                        }
                        if readers == 1 {
                            for (what, ns) in fixture.sampledLatency(queries[0], writer: writer) {
                                benchmark.measurement(Metric.latency(what), ns)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The 10M-line list and its snapshot, written once per process under /tmp.
enum ListFiles {
    static let count = 10_000_000
    static let text: String = {
        let path = "/tmp/callguard-bench-\(getpid()).list"
        let f = fopen(path, "w")!
        var line = [UInt8]()
        for i in 0..<count {
            line.removeAll(keepingCapacity: true)
            line += Array("+86\(13_000_000_000 + 7 * i)\n".utf8)
            fwrite(line, 1, line.count, f)
        }
        fclose(f)
        return path
    }()
    static let snapshot: String = {
        let path = "/tmp/callguard-bench-\(getpid()).cgbl"
        let l = LiveBlocklist()
        _ = try! ListFile.load(path: text, side: .block, into: l, normalizer: NumberNormalizer(), policy: .strict, ttlBase: 0)
        try! Snapshot.write(l, to: path, createdAt: 0)
        return path
    }()
}

enum Metric {
    static func rate(_ what: String) -> BenchmarkMetric { .custom("\(what) lookups/s", polarity: .prefersLarger, useScalingFactor: false) }
    static func ratio(_ what: String) -> BenchmarkMetric { .custom("\(what) x100", polarity: .prefersLarger, useScalingFactor: false) }
    static func latency(_ what: String) -> BenchmarkMetric { .custom("lookup \(what) ns", polarity: .prefersSmaller, useScalingFactor: false) }

    static func lookups(writer: Bool, latency: Bool) -> [BenchmarkMetric] {
        var m = [rate("live"), rate("mutex"), ratio("live/mutex")]
        if !writer { m += [rate("read-only Set"), ratio("live/read-only Set")] }
        if latency {
            m += ["p50", "p99", "read-only Set p50", "read-only Set p99", "clock alone p50", "clock alone p99",
                  "one random read p50", "one random read p99"].map { self.latency($0) }
        }
        return m
    }
}

/// The three structures holding the same numbers, built once per size per process.
final class Fixture: @unchecked Sendable {
    static let lock = NSLock()
    nonisolated(unsafe) static var cache: [Int: Fixture] = [:]

    static func shared(size: Int) -> Fixture {
        lock.lock(); defer { lock.unlock() }
        if let f = cache[size] { return f }
        cache.removeAll()  // one size in memory at a time
        let f = Fixture(size: size)
        cache[size] = f
        return f
    }

    static let base: UInt64 = 8_613_900_000_000
    let size: Int
    let live: LiveBlocklist
    let mutex: Mutex<Set<UInt64>>
    let set: Set<UInt64>
    /// A plain array as large as the live list's exact table, on huge pages like it:
    /// one random read from it is the floor any lookup in a table that size pays.
    let floor: UnsafeMutablePointer<UInt64>
    let floorWords: Int

    /// Listed numbers are base + 2i; base + 2i + 1 are never listed.
    init(size: Int) {
        self.size = size
        let live = LiveBlocklist(exactCapacity: size)
        let id = try! live.registerSource("bench")
        var batch: [LiveBlocklist.RawEntry] = []
        var keys = Set<UInt64>(minimumCapacity: size)
        batch.reserveCapacity(65_536)
        for i in 0..<size {
            let n = PhoneNumber(value: Fixture.base + 2 * UInt64(i), digitCount: 13)!
            keys.insert(n.key)
            batch.append(.init(number: n, isPrefix: false, side: .block, kind: .reported, sourceID: id, expiryMs: 0))
            if batch.count == 65_536 { batch.withUnsafeBufferPointer { live.insert(contentsOf: $0) }; batch.removeAll(keepingCapacity: true) }
        }
        batch.withUnsafeBufferPointer { live.insert(contentsOf: $0) }
        self.live = live
        floorWords = (size * 4 / 3 + 1) * 2
        let raw = mmap(nil, floorWords * 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        _ = madvise(raw, floorWords * 8, 14 /* MADV_HUGEPAGE */)
        floor = raw.bindMemory(to: UInt64.self, capacity: floorWords)
        for i in 0..<floorWords { floor[i] = UInt64(i) }
        set = keys
        mutex = Mutex(keys)
    }

    func queries(hitPercent: Int, seed: UInt64) -> [PhoneNumber] {
        var rng = seed &* 0x9E37_79B9_7F4A_7C15
        return (0..<1_000_000).map { _ in
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            let i = rng % UInt64(size)
            let hit = Int((rng >> 40) % 100) < hitPercent
            return PhoneNumber(value: Fixture.base + 2 * i + (hit ? 0 : 1), digitCount: 13)!
        }
    }

    func liveLookups(_ q: [PhoneNumber]) -> Int {
        var n = 0
        for x in q where live.match(x, at: 0) != nil { n += 1 }
        return n
    }

    func mutexLookups(_ q: [PhoneNumber]) -> Int {
        var n = 0
        for x in q where mutex.withLock({ $0.contains(x.key) }) { n += 1 }
        return n
    }

    func setLookups(_ q: [PhoneNumber]) -> Int {
        var n = 0
        for x in q where set.contains(x.key) { n += 1 }
        return n
    }

    /// The churn pool: 100,000 numbers outside the queried range, added and removed in turn.
    static func churn(_ i: Int) -> PhoneNumber { PhoneNumber(value: 8_617_700_000_000 + UInt64(i % 100_000), digitCount: 13)! }

    var liveWriter: @Sendable (Int) -> Void {
        { i in
            if (i / 100_000) % 2 == 0 {
                try! self.live.insert(BlocklistEntry(number: Fixture.churn(i), source: "bench"))
            } else {
                self.live.remove(Fixture.churn(i))
            }
        }
    }

    var mutexWriter: @Sendable (Int) -> Void {
        { i in
            let k = Fixture.churn(i).key
            if (i / 100_000) % 2 == 0 { self.mutex.withLock { _ = $0.insert(k) } } else { self.mutex.withLock { _ = $0.remove(k) } }
        }
    }

    /// Per-lookup latency of the live list and of the read-only Set, timing every 16th
    /// lookup, and of reading the clock alone: p50 and p99 of each.
    func sampledLatency(_ q: [PhoneNumber], writer: Bool) -> [String: Int] {
        var live = LatencyHistogram(), set = LatencyHistogram(), clock = LatencyHistogram(), read = LatencyHistogram()
        let run = { (_: [PhoneNumber]) -> Int in
            var n = 0
            for (i, x) in q.enumerated() {
                if i & 15 == 0 {
                    var t0 = MonotonicClock.now()
                    if self.live.match(x, at: 0) != nil { n += 1 }
                    live.record(MonotonicClock.now() &- t0)
                    t0 = MonotonicClock.now()
                    clock.record(MonotonicClock.now() &- t0)
                    let y = q[(i &+ 7) % q.count]  // another random key, so the Set's line is cold too
                    t0 = MonotonicClock.now()
                    if self.set.contains(y.key) { n += 1 }
                    set.record(MonotonicClock.now() &- t0)
                    let slot = Int(truncatingIfNeeded: (y.key &* 0x9E37_79B9_7F4A_7C15) >> 20) % self.floorWords
                    t0 = MonotonicClock.now()
                    n &+= Int(truncatingIfNeeded: self.floor[slot] & 1)
                    read.record(MonotonicClock.now() &- t0)
                } else if self.live.match(x, at: 0) != nil {
                    n += 1
                }
            }
            return n
        }
        _ = Run.threads([q], writer: writer ? liveWriter : nil, run)
        return ["p50": Int(live.percentile(50)), "p99": Int(live.percentile(99)),
                "read-only Set p50": Int(set.percentile(50)), "read-only Set p99": Int(set.percentile(99)),
                "clock alone p50": Int(clock.percentile(50)), "clock alone p99": Int(clock.percentile(99)),
                "one random read p50": Int(read.percentile(50)), "one random read p99": Int(read.percentile(99))]
    }
}

enum Run {
    /// Runs `body` on one thread per query set, started together, with an optional
    /// writer paced at 100,000 operations/s (bursts of 100 every millisecond).
    /// Returns all readers' lookups per second.
    static func threads(_ queries: [[PhoneNumber]], writer: (@Sendable (Int) -> Void)?,
                        _ body: @escaping ([PhoneNumber]) -> Int) -> (rate: Int, found: Int) {
        let go = Atomic<Bool>(false)
        let stop = Atomic<Bool>(false)
        let found = Atomic<Int>(0)
        let group = DispatchGroup()
        nonisolated(unsafe) let work = body
        for q in queries {
            group.enter()
            Thread {
                while !go.load(ordering: .acquiring) {}
                found.wrappingAdd(work(q), ordering: .relaxed)
                group.leave()
            }.start()
        }
        let writerDone = DispatchGroup()
        if let writer {
            writerDone.enter()
            Thread {
                while !go.load(ordering: .acquiring) {}
                var op = 0
                let start = MonotonicClock.now()
                while !stop.load(ordering: .relaxed) {
                    let due = Int((MonotonicClock.now() - start) / 10_000)  // one op per 10 µs
                    while op < due { writer(op); op += 1 }
                    usleep(1000)
                }
                writerDone.leave()
            }.start()
        }
        let t0 = MonotonicClock.now()
        go.store(true, ordering: .releasing)
        group.wait()
        let elapsed = MonotonicClock.now() - t0
        stop.store(true, ordering: .relaxed)
        writerDone.wait()
        let total = queries.map(\.count).reduce(0, +)
        return (Int(Double(total) / (Double(elapsed) / 1e9)), found.load(ordering: .relaxed))
    }
}
