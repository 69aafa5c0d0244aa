/// The bench report as plain text (default) and as Markdown (for pull requests and CI).
public enum BenchText {
    /// How the speed figures were taken: runs, warm-ups, threads.
    static func runLine(_ report: BenchReport) -> String {
        "\(report.repeats) timed run(s) per rule set and trace after \(report.warmups) warm-up run(s), "
            + "\(report.threads) thread\(report.threads == 1 ? "" : "s") per replay; speed figures are medians."
    }

    public static func markdown(_ report: BenchReport) -> String {
        var out = "## CallGuard bench\n\n"
        out += BenchText.runLine(report) + "\n\n"
        out += table(BenchTables.summaryHeader, BenchTables.summaryRows(report))
        let sc = BenchTables.scenarioTable(report)
        if !sc.rows.isEmpty {
            out += "\n### Blocked by scenario\n\n" + table(sc.header, sc.rows)
        }
        let seeds = BenchTables.seedRows(report)
        if !seeds.isEmpty { out += "\n### Across seeds\n\n" + table(BenchTables.seedHeader, seeds) }
        for s in report.sweeps {
            out += "\n### Sweep of `\(s.parameter)`: \(s.rules) on \(BenchTables.shortName(s.trace))\n\n"
            out += table([s.parameter, "intercept", "false pos.", "flagged"], BenchTables.sweepRows(s))
        }
        return out
    }

    public static func text(_ report: BenchReport) -> String {
        var out = ""
        for (r, row) in zip(report.results, BenchTables.summaryRows(report)) {
            out += "\(r.rules) on \(r.trace)\n"
            for (h, v) in zip(BenchTables.summaryHeader.dropFirst(2), row.dropFirst(2)) {
                out += "  " + h.padding(toLength: 34, withPad: " ", startingAt: 0) + v + "\n"
            }
            if let s = r.score {
                let per = s.perScenario.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.blocked)/\($0.value.calls)" }
                out += "  " + "blocked by scenario".padding(toLength: 34, withPad: " ", startingAt: 0) + per.joined(separator: " ") + "\n"
            }
        }
        for row in BenchTables.seedRows(report) {
            out += "\(row[0]) on \(row[1]), seeds \(row[2])\n"
            for (h, v) in zip(BenchTables.seedHeader.dropFirst(3), row.dropFirst(3)) {
                out += "  " + h.padding(toLength: 34, withPad: " ", startingAt: 0) + v + "\n"
            }
        }
        for s in report.sweeps {
            out += "sweep \(s.parameter) for \(s.rules) on \(s.trace)\n"
            for row in BenchTables.sweepRows(s) { out += "  \(s.parameter)=\(row[0])  intercept \(row[1])  false positives \(row[2])  flagged \(row[3])\n" }
        }
        return out + runLine(report) + "\n"
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        func line(_ cells: [String]) -> String { "| " + cells.map { $0.replacingPipes() }.joined(separator: " | ") + " |\n" }
        return line(header) + "|" + String(repeating: "---|", count: header.count) + "\n" + rows.map(line).joined()
    }
}

extension String {
    func replacingPipes() -> String { split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|") }
}
