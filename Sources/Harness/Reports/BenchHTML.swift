/// The bench report as one self-contained HTML file: the tables, a latency CDF per
/// rule set and trace, the intercept / false-positive curve of the sweep, and fraud
/// calls intercepted vs let through over trace time. Inline SVG and CSS only.
public enum BenchHTML {
    public static func render(_ report: BenchReport) -> String {
        var body = "<h1>CallGuard bench</h1>"
        body += "<p>" + BenchText.runLine(report) + "</p>"
        body += table(id: "summary", BenchTables.summaryHeader, BenchTables.summaryRows(report))
        let sc = BenchTables.scenarioTable(report)
        if !sc.rows.isEmpty { body += "<h2>Blocked by scenario</h2>" + table(id: "scenarios", sc.header, sc.rows) }
        let seeds = BenchTables.seedRows(report)
        if !seeds.isEmpty { body += "<h2>Across seeds</h2>" + table(id: "seeds", BenchTables.seedHeader, seeds) }
        body += "<h2>Per-packet latency</h2>" + latencyCDF(report)
        if !report.sweeps.isEmpty {
            body += "<h2>Threshold sweep</h2>" + sweepChart(report.sweeps)
            for (i, s) in report.sweeps.enumerated() {
                body += "<h3>\(escape(s.rules)) on \(escape(BenchTables.shortName(s.trace)))</h3>"
                body += table(id: "sweep-\(i)", [s.parameter, "intercept", "false pos.", "flagged"], BenchTables.sweepRows(s))
            }
        }
        let labeled = report.results.enumerated().filter { $0.element.score != nil && !$0.element.timeline.isEmpty }
        if !labeled.isEmpty {
            body += "<h2>Fraud calls over trace time</h2>"
            for (i, r) in labeled { body += timeline(r, index: i) }
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>CallGuard bench</title>
        <style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0;font-size:13px}
        td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child,td:nth-child(2){text-align:left}
        th{background:#f4f4f4}svg{display:block;margin:1em 0;font-family:system-ui,sans-serif}</style></head>
        <body>\(body)</body></html>

        """
    }

    static func table(id: String, _ header: [String], _ rows: [[String]]) -> String {
        var t = "<table id=\"\(id)\"><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for r in rows { t += "<tr>" + r.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }
        return t + "</tbody></table>"
    }

    static let cdfPercentiles: [Double] = (0...99).map(Double.init) + [99.5, 99.9, 99.95, 99.99, 100]

    static func latencyCDF(_ report: BenchReport) -> String {
        let series = report.results.map { r in
            SVGChart.Series(name: "\(r.rules) / \(BenchTables.shortName(r.trace))",
                            points: cdfPercentiles.map { (Double(max(1, r.latency.percentile($0))), $0) },
                            labels: cdfPercentiles.map { "p\(BenchTables.trim($0)) = \(r.latency.percentile($0)) ns" })
        }
        let maxNs = Double(report.results.map { $0.latency.max }.max() ?? 1000)
        let minNs = Double(report.results.map { max(1, $0.latency.percentile(0)) }.min() ?? 1)
        var lo = 1.0
        while lo * 10 <= minNs { lo *= 10 }
        var hi = 10.0
        while hi < maxNs { hi *= 10 }
        var xTicks: [(Double, String)] = []
        var t = lo
        while t <= hi { xTicks.append((t, t >= 1_000_000 ? "\(Int(t / 1_000_000)) ms" : t >= 1000 ? "\(Int(t / 1000)) µs" : "\(Int(t)) ns")); t *= 10 }
        var chart = SVGChart(id: "latency-cdf", title: "Per-packet latency CDF", xLabel: "latency (log scale)", yLabel: "percentile")
        chart.legendRows = series.count
        return chart.lines(series, xRange: lo...hi, yRange: 0...100, logX: true, xTicks: xTicks, yTicks: chart.ticks(0...100, count: 5))
    }

    static func sweepChart(_ sweeps: [SweepResult]) -> String {
        let series = sweeps.map { s in
            SVGChart.Series(name: "\(s.rules) / \(BenchTables.shortName(s.trace))",
                            points: s.points.map { ($0.falsePositiveRate * 100, $0.interceptRate * 100) },
                            labels: s.points.map { "\(s.parameter)=\(BenchTables.trim($0.value))" })
        }
        let maxFP = max(0.1, (sweeps.flatMap { $0.points.map(\.falsePositiveRate) }.max() ?? 0) * 100 * 1.1)
        let minIntercept = max(0, ((sweeps.flatMap { $0.points.map(\.interceptRate) }.min() ?? 0) * 100 - 5).rounded(.down))
        var chart = SVGChart(id: "sweep-curve", title: "Intercept vs false positives (\(sweeps[0].parameter))",
                             xLabel: "false-positive rate (%)", yLabel: "intercept rate (%)")
        chart.legendRows = series.count
        return chart.lines(series, xRange: 0...maxFP, yRange: minIntercept...100, xTicks: chart.ticks(0...maxFP, count: 5),
                           yTicks: chart.ticks(minIntercept...100, count: 5))
    }

    static func timeline(_ r: BenchResult, index: Int) -> String {
        let slices = r.timeline.count
        let seconds = Double(r.timelineSliceNanoseconds) / 1e9
        let xTicks = stride(from: 0, through: slices, by: max(1, slices / 6)).map { i in
            (Double(i), "\(Int((Double(i) * seconds).rounded())) s")
        }
        let chart = SVGChart(id: "timeline-\(index)", title: "\(r.rules) on \(BenchTables.shortName(r.trace)): fraud call setups",
                             xLabel: "trace time", yLabel: "calls per slice")
        return chart.stackedBars(lower: r.timeline.map(\.blocked), upper: r.timeline.map(\.through),
                                 names: ("intercepted", "let through"), xTicks: xTicks)
    }
}
