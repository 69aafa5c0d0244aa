import ArgumentParser
import Blocklist
import ConfigFile
import Engine
import Harness
import Numbering
import Policy
import Rules
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// `callguard replay`: decode, follow calls, screen every setup, write verdicts and a summary.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay captures through the screening engine.",
        discussion: "Writes one verdict per call setup (--verdicts) and a summary that accounts for every packet.")

    enum SummaryFormat: String, ExpressibleByArgument, CaseIterable { case text, json, none }

    @OptionGroup var capture: CaptureOptions

    @OptionGroup var lists: ListOptions

    @Option(help: "Blocklist updates (JSON Lines: ts, op add/remove/reset, entry, optional kind and ttl) applied at their trace time.")
    var updates: String?

    @Option(help: "Write verdicts as JSON Lines to this file ('-' for standard output).")
    var verdicts: String?

    @Option(help: "Rule set: a YAML file, 'default' (built in, the default) or 'none' (lists only).")
    var rules: String = "default"

    @Option(help: "Write victim warnings (callees who talked to a number later blocked) as JSON Lines to this file.")
    var warnings: String?

    @Option(help: "Score verdicts against this labels CSV (default: TRACE.labels.csv beside a single trace, when present).")
    var labels: String?

    @Option(help: "Summary on standard output: text, json or none.")
    var summary: SummaryFormat = .text

    @Option(name: .customLong("setup-timeout"), help: "Seconds without a final answer before a call times out.")
    var setupTimeout: Double = 180

    @Option(name: .customLong("max-holding"), help: "Seconds an answered call may last without BYE before it times out.")
    var maxHolding: Double = 14_400

    @Option(name: .customLong("max-calls"), help: "Calls tracked at most; past it the call nearest its deadline is evicted.")
    var maxCalls: Int = 1_000_000

    @Option(name: .customLong("state-in"), help: "Start from the state a previous replay saved (--state-out): calls in progress, detector tables, auto-blocks.")
    var stateIn: String?

    @Option(name: .customLong("state-out"), help: "Save what this replay has learnt to FILE when the input ends, for the next capture's --state-in.")
    var stateOut: String?

    @Option(help: "Learn without acting for this long from the first call setup (e.g. 10m): every verdict is allow, nothing is auto-blocked.")
    var warmup: String?

    @Flag(help: "No progress line on standard error (it is shown only when standard error is a terminal).")
    var quiet = false

    @Option(help: "Threads: 1 does everything on one; 2 or more decode on one and screen on another (default: the number of cores; more than 2 run as 2). Verdicts do not depend on it.")
    var threads: Int = Replay.cores

    func validate() throws {
        guard setupTimeout > 0, maxHolding > 0 else { throw ValidationError("timeouts must be positive") }
        if let warmup {
            guard let s = ConfigFields.seconds(warmup), s >= 0 else { throw ValidationError("--warmup: '\(warmup)' is not a duration (e.g. 90s, 10m, 1h)") }
        }
        guard maxCalls > 0 else { throw ValidationError("--max-calls must be positive") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
        var config = ReplayConfiguration()
        config.decoder = try capture.decoderConfiguration()
        config.numbering = capture.numberingPlan
        config.calls.setupTimeout = Nanoseconds(setupTimeout * 1e9)
        config.calls.maxHoldingTime = Nanoseconds(maxHolding * 1e9)
        config.calls.capacity = maxCalls

        var ruleSet = try loadRuleSet(rules)
        if let warmup, let seconds = ConfigFields.seconds(warmup) {
            guard ruleSet != nil else { throw Failure(message: "--warmup: the replay runs no rule set (--rules none), so there is nothing to warm up") }
            ruleSet?.warmupSeconds = seconds
        }
        var pending: [BlocklistUpdate] = []
        var updateReport: LoadReport?
        if let updates {
            do {
                let parsed = try UpdateFile.parse(try readText(updates), path: updates,
                                                  normalizer: NumberNormalizer(plan: config.numbering), policy: lists.policy)
                pending = parsed.updates
                warnSkipped(parsed.report)
                updateReport = parsed.report
            } catch let e as LineError {
                throw Failure(message: e.description)
            }
        }
        let setup = try ScreeningSetup(lists: lists, ruleSet: ruleSet, updates: pending, updateReport: updateReport,
                                       plan: config.numbering, ttlBase: nil)
        let (screener, schedule, reports, policyScreener, liveList) =
            (setup.screener, setup.schedule, setup.reports, setup.policyScreener, setup.list)
        let writer: VerdictWriter?
        do {
            writer = try verdicts.map { VerdictWriter(output: try OutputFile(path: $0)) }
        } catch let e as OutputError {
            throw Failure(message: e.description)
        }
        var warningWriter: WarningWriter?
        do {
            warningWriter = try warnings.map { WarningWriter(output: try OutputFile(path: $0)) }
        } catch let e as OutputError {
            throw Failure(message: e.description)
        }
        if let warningWriter {
            guard let policyScreener, policyScreener.policy.warnings != nil else {
                throw Failure(message: "--warnings: the rule set '\(rules)' has no warnings action (actions: warnings: {min_talk: 30s})")
            }
            policyScreener.onWarning = { warningWriter.write($0) }
        }
        var scorer = try labelsFile().map { Scorer(labels: $0) }

        let source = try capture.openCaptures()
        let engine = ReplayEngine(configuration: config, screener: screener, verdictWriter: writer, schedule: schedule)
        if let stateIn {
            do {
                try StateFile.decode(try StateFile.read(stateIn), tracker: engine.tracker, screener: policyScreener, list: liveList)
            } catch {
                throw Failure(message: error.description.hasPrefix(stateIn) ? error.description : "\(stateIn): \(error.description)")
            }
        }
        var stateBytes: [UInt8]?
        if stateOut != nil {
            engine.onInputEnd = { [unowned engine] in stateBytes = StateFile.encode(tracker: engine.tracker, screener: policyScreener, list: liveList) }
        }
        if scorer != nil {
            engine.onVerdict = { call, decision in scorer!.add(callID: call.callIDText, verdict: decision.verdict) }
        }
        let progress = showProgress(quiet, label: "replay", unit: "packets")
        if let progress { engine.onProgress = { n, f in progress.update(count: n, fraction: f) } }
        let result = engine.run(source, threads: threads)
        progress?.finish()
        warningWriter?.flush()

        var report = ReplaySummary(result: result, inputs: capture.traces, lists: reports)
        if let p = policyScreener, let ruleSet {
            report.screening = ScreeningReport(rules: ruleSet.name, detectors: p.policy.detectors.map(\.detector.id),
                                               findings: p.findings, autoBlocked: p.autoBlocked, warnings: p.warningsIssued,
                                               evictions: p.evictions)
        }
        report.score = scorer?.finish()
        switch summary {
        case .text: print(report.text, terminator: "")
        case .json: print(report.json.rendered())
        case .none: break
        }
        // After the summary, so a state file that cannot be written costs nothing else.
        if let stateOut, let stateBytes {
            do { try StateFile.write(stateBytes, to: stateOut) } catch { throw Failure(message: error.description) }
        }
        for t in result.truncatedFiles {
            printError("callguard: warning: \(t.path): capture is truncated (\(t.message)); everything before the cut was replayed")
        }
        if let bad = result.unreadableFiles.first {
            throw Failure(message: "\(bad.path): read error after \(result.packets.read) packets (\(bad.message))")
        }
    }
}

extension Replay {
    /// The cores this machine has online (the `--threads` default).
    static var cores: Int { max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1) }

    /// The labels to score against: `--labels`, or the trace's own when there is one trace.
    func labelsFile() throws -> LabelFile? {
        var path = labels
        if path == nil, capture.traces.count == 1, capture.traces[0].hasSuffix(".pcap") || capture.traces[0].hasSuffix(".pcapng") {
            let base = capture.traces[0].hasSuffix(".pcap") ? String(capture.traces[0].dropLast(5)) : String(capture.traces[0].dropLast(7))
            if access(base + ".labels.csv", R_OK) == 0 { path = base + ".labels.csv" }
        }
        guard let path else { return nil }
        do {
            return try LabelFile(text: try readText(path), path: path)
        } catch let e as LabelFile.Error {
            throw Failure(message: e.description)
        }
    }
}

/// Reads a whole text file, or fails with a one-line reason naming it.
func readText(_ path: String) throws -> String {
    do {
        return try InputFile.readText(path)
    } catch {
        throw Failure(message: error.description)
    }
}

/// The rule set named by `--rules`: a YAML file, `default`, or nil for `none`.
func loadRuleSet(_ name: String) throws -> RuleSet? {
    do {
        switch name {
        case "none": return nil
        case "default": return try RuleSetFile.parse(DefaultRuleSet.yaml, path: "default")
        default: return try RuleSetFile.parse(try readText(name), path: name)
        }
    } catch let e as RuleSetError {
        throw Failure(message: e.description)
    }
}
