/// The report's tables as rows of cells, shared by the text, Markdown and HTML forms so
/// that every format shows the same numbers.
enum BenchTables {
    static let summaryHeader = ["rules", "trace", "intercept [95% CI]", "false pos. [95% CI]", "precision", "F1", "flagged", "calls before block (med/p90/max)",
                                "warnings (true)", "packets/s", "setups/s", "latency p50/p90/p99/p99.9/max ns", "setup pkt p99 ns",
                                "peak RSS MB"]

    static func summaryRows(_ report: BenchReport) -> [[String]] {
        report.results.map { r in
            let s = r.score
            let pps = Spread(r.packetsPerSecond)
            let l = r.latency
            var row = [r.rules, r.trace]
            if let s {
                let c = s.callsBeforeBlockStats
                let fi = s.fraud.interval, li = s.legit.interval
                row += [percent(s.interceptRate) + " [\(percent(fi.low))–\(percent(fi.high))]",
                        percent(s.falsePositiveRate, 2) + " [\(percent(li.low, 2))–\(percent(li.high, 2))]",
                        fixed(s.precision, 3), fixed(s.f1, 3),
                        "\(s.fraud.flagged + s.legit.flagged)", "\(trim(c.median))/\(trim(c.p90))/\(c.max)"]
            } else {
                row += ["–", "–", "–", "–", "–", "–"]
            }
            row += ["\(r.warnings) (\(r.trueVictimWarnings))",
                    "\(Int(pps.median.rounded()))" + (r.packetsPerSecond.count > 1 ? " ±\(Int((pps.relativeSpread * 50).rounded()))%" : ""),
                    "\(Int(Spread(r.setupsPerSecond).median.rounded()))",
                    "\(l.percentile(50))/\(l.percentile(90))/\(l.percentile(99))/\(l.percentile(99.9))/\(l.max)",
                    "\(r.setupPacketLatency.percentile(99))", fixed(Double(r.peakMemoryBytes) / 1_048_576, 1)]
            return row
        }
    }

    /// Scenarios as rows, one column per (rules, trace) result: the share of each
    /// scenario's calls blocked (intercept for fraud scenarios, false positives for legit ones).
    static func scenarioTable(_ report: BenchReport) -> (header: [String], rows: [[String]]) {
        let labeled = report.results.filter { $0.score != nil }
        let scenarios = Set(labeled.flatMap { $0.score!.perScenario.keys }).sorted()
        let header = ["scenario"] + labeled.map { "\($0.rules) / \(shortName($0.trace))" }
        let rows = scenarios.map { sc in
            [sc] + labeled.map { r in
                guard let g = r.score!.perScenario[sc] else { return "–" }
                return "\(percent(g.rate)) (\(g.blocked)/\(g.calls))"
            }
        }
        return (header, rows)
    }

    static let seedHeader = ["rules", "scenario", "seeds", "intercept mean (min–max)", "pooled intercept [95% CI]",
                             "false pos. mean (min–max)", "pooled false pos. [95% CI]"]

    static func seedRows(_ report: BenchReport) -> [[String]] {
        SeedSummary.of(report).map { s in
            let fi = s.fraud.interval, li = s.legit.interval
            return [s.rules, s.scenario, s.seeds.map(String.init).joined(separator: ","),
                    "\(percent(s.intercept.mean)) (\(percent(s.intercept.min))–\(percent(s.intercept.max)))",
                    "\(percent(s.fraud.rate)) [\(percent(fi.low))–\(percent(fi.high))] (\(s.fraud.blocked)/\(s.fraud.calls))",
                    "\(percent(s.falsePositive.mean, 3)) (\(percent(s.falsePositive.min, 3))–\(percent(s.falsePositive.max, 3)))",
                    "\(percent(s.legit.rate, 3)) [\(percent(li.low, 3))–\(percent(li.high, 3))] (\(s.legit.blocked)/\(s.legit.calls))"]
        }
    }

    static func sweepRows(_ s: SweepResult) -> [[String]] {
        s.points.map { [trim($0.value), percent($0.interceptRate), percent($0.falsePositiveRate, 2), "\($0.flagged)"] }
    }

    static func shortName(_ path: String) -> String { String(path.split(separator: "/").last ?? Substring(path)) }

    static func percent(_ x: Double, _ places: Int = 1) -> String { fixed(x * 100, places) + "%" }

    static func fixed(_ x: Double, _ places: Int) -> String {
        let r = roundedTo(x, places)
        var s = String(r)
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < places { s += String(repeating: "0", count: places - decimals) }
        } else if places > 0 {
            s += "." + String(repeating: "0", count: places)
        }
        return s
    }

    static func trim(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
