import ArgumentParser
import Engine
import Foundation
import Harness
import Rules
import Simulator

#if canImport(Glibc)
import Glibc
#endif

/// `callguard bench`: rule sets side by side on labeled traces.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay traces under rule sets and report intercept, false positives and speed side by side.",
        discussion: """
        Labels are read from TRACE.labels.csv beside each trace; a trace without labels gets the speed figures only. \
        Exit 1 when --fail-below finds a figure past its bound.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown, html }

    @Option(name: .customLong("rules"), help: "A rule-set file, or 'default' (repeatable; default: the built-in rule set).")
    var rules: [String] = []

    @Option(name: .customLong("trace"), help: "A trace (pcap or pcapng; repeatable).")
    var traces: [String] = []

    @Option(name: .customLong("repeat"), help: "Timed runs per rule set and trace (speed figures are medians).")
    var repeats = 1

    @Option(help: "Untimed runs before the timed ones.")
    var warmup = 0

    @Option(help: "Threads per replay, as replay --threads (default: the number of cores).")
    var threads: Int = Replay.cores

    @Option(help: "Report format: text, json, markdown or html.")
    var format: Format = .text

    @Option(help: "Write the report here instead of standard output.")
    var out: String?

    @Option(help: "Sweep one detector parameter: DETECTOR.PARAM=FROM..TO:STEP (e.g. fan_out.critical=10..50:10).")
    var sweep: String?

    @Option(name: .customLong("fail-below"), help: "Exit 1 unless every result holds these bounds, e.g. intercept=0.95,fpr=0.001.")
    var failBelow: String?

    @Flag(help: "No progress line on standard error (it is shown only when standard error is a terminal).")
    var quiet = false

    @Option(help: "With --seeds: a built-in scenario or scenario file to generate a labeled trace from, once per seed.")
    var scenario: String?

    @Option(help: "Seeds to generate --scenario with (e.g. 1,2,3); the report adds each rule set's mean and spread across them.")
    var seeds: String?

    @Option(help: "With --seeds: scale the scenario to about this many call setups.")
    var calls: Int?

    /// The parsed `--seeds`.
    var seedList: [UInt64] { (seeds ?? "").split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        if let seeds {
            guard scenario != nil else { throw ValidationError("--seeds needs --scenario (the scenario to generate)") }
            let parts = seeds.split(separator: ",", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.count == seedList.count, parts.count <= 100 else {
                throw ValidationError("--seeds: '\(seeds)' is not a list of up to 100 seeds like 1,2,3")
            }
            guard Set(seedList).count == seedList.count else { throw ValidationError("--seeds: a seed is listed twice") }
        } else if scenario != nil || calls != nil {
            throw ValidationError("--scenario and --calls go with --seeds")
        }
        if let calls, calls < 1 { throw ValidationError("--calls must be positive") }
        guard !traces.isEmpty || seeds != nil else { throw ValidationError("at least one --trace (or --scenario with --seeds) is required") }
        guard repeats >= 1, repeats <= 1000 else { throw ValidationError("--repeat must be 1...1000") }
        guard warmup >= 0, warmup <= 1000 else { throw ValidationError("--warmup must be 0...1000") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
        var plans: [BenchPlan.Rules] = []
        for r in rules.isEmpty ? ["default"] : rules {
            if r == "default" {
                plans.append(BenchPlan.Rules(name: "default", yaml: DefaultRuleSet.yaml, path: "default"))
            } else {
                let yaml = try readText(r)
                plans.append(BenchPlan.Rules(name: try ruleSetName(yaml, path: r), yaml: yaml, path: r))
            }
        }
        let names = plans.map(\.name)
        if Set(names).count < names.count { throw Failure(message: "two rule sets are both named '\(names.first { n in names.filter { $0 == n }.count > 1 }!)'") }
        for t in traces where access(t, R_OK) != 0 { throw Failure(message: "\(t): cannot read (\(String(cString: strerror(errno))))") }
        let parsedSweep = try sweep.map(parseSweep)
        let bounds = try failBelow.map(parseBounds)
        let output: OutputFile?
        do { output = try out.map { try OutputFile(path: $0) } } catch let e as OutputError { throw Failure(message: e.description) }

        let progress = showProgress(quiet, label: "bench", unit: "runs")
        var runsDone = 0

        // Traces generated per seed live in a directory of their own, removed at the end.
        var groups: [SeedGroup] = []
        var generatedDir: String?
        defer { if let generatedDir { try? FileManager.default.removeItem(atPath: generatedDir) } }
        if let scenario {
            let parsed = try loadScenario(scenario)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callguard-seeds-\(UUID())").path
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
            } catch {
                throw Failure(message: "\(dir): cannot make a directory for the generated traces")
            }
            generatedDir = dir
            var paths: [String] = []
            for seed in seedList {
                let path = dir + "/\(parsed.name)-seed\(seed).pcap"
                progress?.update(count: runsDone, fraction: nil, detail: "generating \(parsed.name) seed \(seed)", now: MonotonicClock.now())
                do {
                    _ = try Generator(scenario: parsed, seed: seed, targetCalls: calls).run(pcap: path, labels: dir + "/\(parsed.name)-seed\(seed).labels.csv")
                } catch {
                    throw Failure(message: "\(scenario): \(error.description)")
                }
                paths.append(path)
            }
            groups.append(SeedGroup(scenario: parsed.name, seeds: seedList, traces: paths))
        }

        var runner = BenchRunner(plan: BenchPlan(rules: plans, traces: traces + groups.flatMap(\.traces), repeats: repeats,
                                                 warmups: warmup, sweep: parsedSweep, threads: threads))
        runner.progress = { what in
            runsDone += 1
            progress?.update(count: runsDone, fraction: nil, detail: what, now: MonotonicClock.now())
        }
        var report: BenchReport
        do { report = try runner.run() } catch {
            progress?.finish()
            throw Failure(message: error.description)
        }
        progress?.finish()
        report.seedGroups = groups

        let text: String
        switch format {
        case .text: text = BenchText.text(report)
        case .markdown: text = BenchText.markdown(report)
        case .json: text = BenchJSON.render(report).rendered() + "\n"
        case .html: text = BenchHTML.render(report)
        }
        if let output {
            output.write(text)
            output.flush()
        } else {
            print(text, terminator: "")
        }
        if let bounds {
            let misses = bounds.violations(report)
            for m in misses { printError("callguard bench: \(m)") }
            if !misses.isEmpty { throw Failure(message: "", code: 1, silent: true) }
        }
    }
}

extension Bench {
    func ruleSetName(_ yaml: String, path: String) throws -> String {
        do {
            return try RuleSetFile.parse(yaml, path: path).name
        } catch {
            throw Failure(message: error.description)
        }
    }

    func parseSweep(_ text: String) throws -> Sweep {
        do {
            return try Sweep(parsing: text)
        } catch {
            throw Failure(message: error.description)
        }
    }

    func parseBounds(_ text: String) throws -> FailBelow {
        do {
            return try FailBelow(parsing: text)
        } catch {
            throw Failure(message: error.description)
        }
    }
}
