/// The traces `bench --seeds` generated from one scenario, one per seed.
public struct SeedGroup: Sendable {
    public var scenario: String
    public var seeds: [UInt64]
    /// The trace of each seed, in the order of `seeds`.
    public var traces: [String]

    public init(scenario: String, seeds: [UInt64], traces: [String]) {
        self.scenario = scenario
        self.seeds = seeds
        self.traces = traces
    }
}

/// One rule set over every seed of a scenario: how far its figures move with the traffic
/// rather than with the rules (mean, lowest and highest over the seeds), and the calls of
/// all seeds pooled, with 95% Wilson intervals. A rule set tuned to one seed shows here as
/// a wide spread.
public struct SeedSummary: Sendable {
    public struct Spread: Sendable {
        public var mean: Double
        public var min: Double
        public var max: Double

        init(_ v: [Double]) {
            mean = v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count)
            min = v.min() ?? 0
            max = v.max() ?? 0
        }
    }

    public var rules: String
    public var scenario: String
    public var seeds: [UInt64]
    public var intercept: Spread
    public var falsePositive: Spread
    /// Every seed's calls together.
    public var fraud: Score.Group
    public var legit: Score.Group

    /// A summary per (rule set, seed group) of `report`, for the groups whose every trace
    /// was scored.
    public static func of(_ report: BenchReport) -> [SeedSummary] {
        var out: [SeedSummary] = []
        let rules = report.results.reduce(into: [String]()) { if !$0.contains($1.rules) { $0.append($1.rules) } }
        for g in report.seedGroups {
            for r in rules {
                let scores = g.traces.compactMap { t in report.results.first { $0.rules == r && $0.trace == t }?.score }
                guard scores.count == g.traces.count, !scores.isEmpty else { continue }
                var fraud = Score.Group(), legit = Score.Group()
                for s in scores {
                    fraud.calls += s.fraud.calls; fraud.blocked += s.fraud.blocked; fraud.flagged += s.fraud.flagged
                    legit.calls += s.legit.calls; legit.blocked += s.legit.blocked; legit.flagged += s.legit.flagged
                }
                out.append(SeedSummary(rules: r, scenario: g.scenario, seeds: g.seeds,
                                       intercept: Spread(scores.map(\.interceptRate)),
                                       falsePositive: Spread(scores.map(\.falsePositiveRate)), fraud: fraud, legit: legit))
            }
        }
        return out
    }
}
