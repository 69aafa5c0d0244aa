/// The bench report as JSON, schema `callguard.bench/1`:
///
///     {"schema": "callguard.bench/1", "repeats": 3, "warmups": 1, "threads": 2,
///      "results": [{"rules", "trace", "labeled",
///                   "intercept_rate", "false_positive_rate",
///                   "intercept_interval", "false_positive_interval": [low, high] (95% Wilson),
///                   "precision", "f1",
///                   "fraud_calls", "legit_calls", "flagged_fraud", "flagged_legit",
///                   "per_scenario": {scenario: intercept rate (legit scenarios: block rate)},
///                   "calls_before_block": {"median", "p90", "max"} (per presented number),
///                   "calls_before_block_by_source": {"median", "p90", "max", "sources"}
///                       (per campaign source, from the labels' source column),
///                   "warnings", "true_victim_warnings",
///                   "packets", "setups",
///                   "packets_per_second", "setups_per_second",
///                   "packets_per_second_spread": {"median", "min", "max"},
///                   "latency_ns": {"p50", "p90", "p99", "p999", "max"},
///                   "setup_packet_latency_ns": {...}, "other_packet_latency_ns": {...},
///                   "peak_memory_bytes",
///                   "timeline": {"start_ns", "slice_ns", "blocked": [..], "let_through": [..]}}],
///      "seeds": [{"rules", "scenario", "seeds": [..], "intercept_rate": {"mean", "min", "max"},
///                 "false_positive_rate": {...}, "pooled": {"fraud_calls", "fraud_blocked", "legit_calls",
///                 "legit_blocked", "intercept_interval", "false_positive_interval"}}] (bench --seeds),
///      "sweeps": [{"rules", "trace", "parameter",
///                  "points": [{"value", "intercept_rate", "false_positive_rate", "flagged"}]}]}
///
/// Quality fields are null for a trace without labels. Rates are fractions (0-1).
/// Fields are only ever added within one schema version.
public enum BenchJSON {
    public static let schema = "callguard.bench/1"

    public static func render(_ report: BenchReport) -> JSONValue {
        .object([
            ("schema", .string(schema)),
            ("repeats", .int(report.repeats)),
            ("warmups", .int(report.warmups)),
            ("threads", .int(report.threads)),
            ("results", .array(report.results.map(result))),
            ("seeds", .array(SeedSummary.of(report).map(seedSummary))),
            ("sweeps", .array(report.sweeps.map { s in
                .object([
                    ("rules", .string(s.rules)), ("trace", .string(s.trace)), ("parameter", .string(s.parameter)),
                    ("points", .array(s.points.map { p in
                        .object([("value", .double(p.value)), ("intercept_rate", .double(roundedTo(p.interceptRate, 6))),
                                 ("false_positive_rate", .double(roundedTo(p.falsePositiveRate, 6))), ("flagged", .int(p.flagged))])
                    })),
                ])
            })),
        ])
    }

    static func seedSummary(_ s: SeedSummary) -> JSONValue {
        func spread(_ x: SeedSummary.Spread) -> JSONValue {
            .object([("mean", .double(roundedTo(x.mean, 6))), ("min", .double(roundedTo(x.min, 6))), ("max", .double(roundedTo(x.max, 6)))])
        }
        func interval(_ g: Score.Group) -> JSONValue {
            let i = g.interval
            return .array([.double(roundedTo(i.low, 6)), .double(roundedTo(i.high, 6))])
        }
        return .object([
            ("rules", .string(s.rules)), ("scenario", .string(s.scenario)), ("seeds", .array(s.seeds.map { .int(Int($0)) })),
            ("intercept_rate", spread(s.intercept)), ("false_positive_rate", spread(s.falsePositive)),
            ("pooled", .object([("fraud_calls", .int(s.fraud.calls)), ("fraud_blocked", .int(s.fraud.blocked)),
                                ("legit_calls", .int(s.legit.calls)), ("legit_blocked", .int(s.legit.blocked)),
                                ("intercept_interval", interval(s.fraud)), ("false_positive_interval", interval(s.legit))])),
        ])
    }

    static func result(_ r: BenchResult) -> JSONValue {
        let s = r.score
        func rate(_ v: Double?) -> JSONValue { v.map { .double(roundedTo($0, 6)) } ?? .null }
        let pps = Spread(r.packetsPerSecond), sps = Spread(r.setupsPerSecond)
        var perScenario: JSONValue = .null
        var cbb: JSONValue = .null, cbbSource: JSONValue = .null
        var intervals: (JSONValue, JSONValue) = (.null, .null)
        if let s {
            perScenario = .object(s.perScenario.sorted { $0.key < $1.key }.map { ($0.key, .double(roundedTo($0.value.rate, 6))) })
            let c = s.callsBeforeBlockStats
            cbb = .object([("median", .double(c.median)), ("p90", .double(c.p90)), ("max", .int(c.max))])
            let b = s.callsBeforeBlockBySourceStats
            cbbSource = .object([("median", .double(b.median)), ("p90", .double(b.p90)), ("max", .int(b.max)),
                                 ("sources", .int(s.callsBeforeBlockBySource.count))])
            func interval(_ g: Score.Group) -> JSONValue {
                let i = g.interval
                return .array([.double(roundedTo(i.low, 6)), .double(roundedTo(i.high, 6))])
            }
            intervals = (interval(s.fraud), interval(s.legit))
        }
        return .object([
            ("rules", .string(r.rules)),
            ("trace", .string(r.trace)),
            ("labeled", .bool(s != nil)),
            ("intercept_rate", rate(s?.interceptRate)),
            ("false_positive_rate", rate(s?.falsePositiveRate)),
            ("intercept_interval", intervals.0),
            ("false_positive_interval", intervals.1),
            ("precision", rate(s?.precision)),
            ("f1", rate(s?.f1)),
            ("fraud_calls", s.map { .int($0.fraud.calls) } ?? .null),
            ("legit_calls", s.map { .int($0.legit.calls) } ?? .null),
            ("flagged_fraud", s.map { .int($0.fraud.flagged) } ?? .null),
            ("flagged_legit", s.map { .int($0.legit.flagged) } ?? .null),
            ("per_scenario", perScenario),
            ("calls_before_block", cbb),
            ("calls_before_block_by_source", cbbSource),
            ("warnings", .int(r.warnings)),
            ("true_victim_warnings", .int(r.trueVictimWarnings)),
            ("packets", .int(r.packets)),
            ("setups", .int(r.setups)),
            ("packets_per_second", .int(Int(pps.median.rounded()))),
            ("setups_per_second", .int(Int(sps.median.rounded()))),
            ("packets_per_second_spread", .object([("median", .int(Int(pps.median.rounded()))),
                                                   ("min", .int(Int(pps.min.rounded()))), ("max", .int(Int(pps.max.rounded())))])),
            ("latency_ns", r.latency.json),
            ("setup_packet_latency_ns", r.setupPacketLatency.json),
            ("other_packet_latency_ns", r.otherPacketLatency.json),
            ("peak_memory_bytes", .int(r.peakMemoryBytes)),
            ("timeline", .object([
                ("start_ns", .int(Int(r.timelineStart))), ("slice_ns", .int(Int(r.timelineSliceNanoseconds))),
                ("blocked", .array(r.timeline.map { .int($0.blocked) })),
                ("let_through", .array(r.timeline.map { .int($0.through) })),
            ])),
        ])
    }
}
