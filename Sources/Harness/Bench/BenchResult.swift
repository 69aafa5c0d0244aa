import Engine

/// The figures of one rule set on one trace.
public struct BenchResult: Sendable {
    public var rules: String
    public var trace: String
    /// Nil when the trace has no labels file.
    public var score: Score?
    public var warnings = 0
    /// Warnings whose callee really took a fraud call from that caller (by the labels).
    public var trueVictimWarnings = 0
    public var packets = 0
    public var setups = 0
    /// One entry per timed run.
    public var packetsPerSecond: [Double] = []
    public var setupsPerSecond: [Double] = []
    /// Per-packet latency over all timed runs; setup packets and the rest apart.
    public var latency = LatencyHistogram()
    public var setupPacketLatency = LatencyHistogram()
    public var otherPacketLatency = LatencyHistogram()
    /// The process's resident-set high-water mark after this result's runs.
    public var peakMemoryBytes = 0
    /// Fraud call setups per slice of trace time: blocked and let through.
    public var timeline: [(blocked: Int, through: Int)] = []
    public var timelineStart: Int64 = 0
    public var timelineSliceNanoseconds: Int64 = 0

    public init(rules: String, trace: String) {
        self.rules = rules
        self.trace = trace
    }
}

/// Median and spread of a speed figure over repeats.
public struct Spread: Sendable {
    public var median: Double
    public var min: Double
    public var max: Double

    public init(_ values: [Double]) {
        let v = values.sorted()
        median = v.isEmpty ? 0 : v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
        min = v.first ?? 0
        max = v.last ?? 0
    }

    /// (max - min) / median, as a fraction.
    public var relativeSpread: Double { median == 0 ? 0 : (max - min) / median }
}

/// One point of a threshold sweep.
public struct SweepPoint: Sendable {
    public var value: Double
    public var interceptRate: Double
    public var falsePositiveRate: Double
    public var flagged: Int
}

/// A threshold sweep of one rule set on one trace.
public struct SweepResult: Sendable {
    public var rules: String
    public var trace: String
    public var parameter: String
    public var points: [SweepPoint]
}

/// Everything a bench run produced.
public struct BenchReport: Sendable {
    public var results: [BenchResult]
    public var sweeps: [SweepResult]
    public var repeats: Int
    public var warmups: Int
    /// Threads every replay ran on (1, or 2: decoding and screening apart).
    public var threads = 1
    /// Traces generated per seed (`bench --seeds`), summarised across their seeds.
    public var seedGroups: [SeedGroup] = []
}
