import Blocklist
import Engine
import Numbering
import Policy
import Rules
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// A bench input that cannot be used: names the file and the problem.
public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs a bench plan through the replay engine (never a copy of it): per rule set and
/// trace, one scored run with labels and warnings, `warmups` untimed runs, then
/// `repeats` timed runs for the speed figures; then the sweep, one scored run per value.
public struct BenchRunner {
    public let plan: BenchPlan
    /// Called before each run (for progress on stderr).
    public var progress: ((String) -> Void)?
    /// Slices of trace time in the timeline.
    public var timelineSlices = 60

    public init(plan: BenchPlan) { self.plan = plan }

    public func run() throws(BenchError) -> BenchReport {
        let parsed = try plan.rules.map { r throws(BenchError) in (r, try parse(r, overrides: [:])) }
        var labels: [String: LabelFile] = [:]
        for t in plan.traces { labels[t] = try loadLabels(t) }
        var results: [BenchResult] = []
        var sweeps: [SweepResult] = []
        for (r, rules) in parsed {
            for trace in plan.traces {
                progress?("\(r.name) on \(trace)")
                results.append(try measure(rules: rules, name: r.name, trace: trace, labels: labels[trace] ?? nil))
            }
        }
        if let sweep = plan.sweep {
            for (r, _) in parsed {
                for trace in plan.traces {
                    guard let l = labels[trace] ?? nil else { continue }  // a curve needs labels
                    var points: [SweepPoint] = []
                    for v in sweep.values {
                        progress?("\(r.name) on \(trace), \(sweep.parameter)=\(v)")
                        let rules = try parse(r, overrides: [sweep.parameter: v])
                        let (score, _) = try scoredRun(rules: rules, trace: trace, labels: l, result: nil)
                        points.append(SweepPoint(value: v, interceptRate: score.interceptRate,
                                                 falsePositiveRate: score.falsePositiveRate, flagged: score.fraud.flagged + score.legit.flagged))
                    }
                    sweeps.append(SweepResult(rules: r.name, trace: trace, parameter: sweep.parameter, points: points))
                }
            }
        }
        var report = BenchReport(results: results, sweeps: sweeps, repeats: plan.repeats, warmups: plan.warmups)
        report.threads = ReplayEngine.effectiveThreads(plan.threads)
        return report
    }

    private func parse(_ r: BenchPlan.Rules, overrides: [String: Double]) throws(BenchError) -> RuleSet {
        do {
            return try RuleSetFile.parse(r.yaml, path: r.path, overrides: overrides)
        } catch {
            throw BenchError(error.description)
        }
    }

    private func loadLabels(_ trace: String) throws(BenchError) -> LabelFile? {
        let base = trace.hasSuffix(".pcapng") ? String(trace.dropLast(7)) : trace.hasSuffix(".pcap") ? String(trace.dropLast(5)) : trace
        let path = base + ".labels.csv"
        guard access(path, R_OK) == 0 else { return nil }
        do {
            return try LabelFile(text: try InputFile.readText(path), path: path)
        } catch {
            throw BenchError("\(error)")
        }
    }

    /// A fresh live list with the rule set's list files.
    private func list(for rules: RuleSet) throws(BenchError) -> LiveBlocklist {
        let list = LiveBlocklist()
        do {
            for p in rules.blocklists {
                _ = try ListFile.load(path: p, side: .block, into: list, normalizer: NumberNormalizer(), policy: .skip, ttlBase: 0)
            }
            for p in rules.allowlists {
                _ = try ListFile.load(path: p, side: .allow, into: list, normalizer: NumberNormalizer(), policy: .skip, ttlBase: 0)
            }
        } catch {
            throw BenchError("\(error)")
        }
        return list
    }

    private func open(_ trace: String) throws(BenchError) -> CaptureMerger {
        do {
            return try CaptureMerger(paths: [trace])
        } catch {
            throw BenchError("\(error)")
        }
    }

    private func measure(rules: RuleSet, name: String, trace: String, labels: LabelFile?) throws(BenchError) -> BenchResult {
        var result = BenchResult(rules: name, trace: trace)
        if let labels {
            let (score, filled) = try scoredRun(rules: rules, trace: trace, labels: labels, result: result)
            result = filled!
            result.score = score
        }
        for _ in 0..<plan.warmups { _ = try timedRun(rules: rules, trace: trace) }
        for _ in 0..<max(1, plan.repeats) {
            let r = try timedRun(rules: rules, trace: trace)
            result.packets = r.packets.read
            result.setups = r.calls.total
            let seconds = Double(r.wallNanoseconds) / 1e9
            result.packetsPerSecond.append(seconds > 0 ? Double(r.packets.read) / seconds : 0)
            result.setupsPerSecond.append(seconds > 0 ? Double(r.calls.total) / seconds : 0)
            result.latency.merge(r.packetLatency)
            result.setupPacketLatency.merge(r.setupPacketLatency)
            result.otherPacketLatency.merge(r.otherPacketLatency)
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        result.peakMemoryBytes = Int(usage.ru_maxrss) * 1024
        return result
    }

    private func timedRun(rules: RuleSet, trace: String) throws(BenchError) -> ReplayResult {
        let engine = ReplayEngine(screener: PolicyScreener(policy: rules.policy(list: try list(for: rules))))
        let r = engine.run(try open(trace), threads: plan.threads)
        if let bad = r.unreadableFiles.first { throw BenchError("\(bad.path): \(bad.message)") }
        return r
    }

    /// One run with scoring, warnings and the timeline (not timed: the hooks cost time).
    private func scoredRun(rules: RuleSet, trace: String, labels: LabelFile, result: BenchResult?)
        throws(BenchError) -> (Score, BenchResult?)
    {
        let screener = PolicyScreener(policy: rules.policy(list: try list(for: rules)))
        let engine = ReplayEngine(screener: screener)
        var scorer = Scorer(labels: labels)
        var fraudSetups: [(time: Int64, blocked: Bool)] = []
        var firstSetup = Int64.max, lastSetup = Int64.min
        engine.onVerdict = { call, decision in
            let id = call.callIDText
            firstSetup = min(firstSetup, call.context.timestamp)
            lastSetup = max(lastSetup, call.context.timestamp)
            scorer.add(callID: id, verdict: decision.verdict)
            if let i = labels.byCallID[id], labels.rows[i].isFraud {
                fraudSetups.append((call.context.timestamp, decision.verdict == .block))
            }
        }
        var warnings = 0, trueVictims = 0
        let fraudPairs = Set(labels.rows.filter(\.isFraud).map { $0.caller + ">" + $0.callee })
        screener.onWarning = { w in
            warnings += 1
            if fraudPairs.contains(w.caller.description + ">" + w.callee.description) { trueVictims += 1 }
        }
        let r = engine.run(try open(trace), threads: plan.threads)
        guard var out = result else { return (scorer.finish(), nil) }
        out.warnings = warnings
        out.trueVictimWarnings = trueVictims
        // The timeline covers the call setups (hang-ups may run on long after the last one).
        let start = firstSetup == .max ? r.firstTimestamp : firstSetup
        let span = max(1, (lastSetup == .min ? r.lastTimestamp : lastSetup) - start + 1)
        let slice = max(1, (span + Int64(timelineSlices) - 1) / Int64(timelineSlices))
        var timeline = Array(repeating: (blocked: 0, through: 0), count: Int((span + slice - 1) / slice))
        for f in fraudSetups {
            let i = min(timeline.count - 1, max(0, Int((f.time - start) / slice)))
            if f.blocked { timeline[i].blocked += 1 } else { timeline[i].through += 1 }
        }
        out.timeline = timeline
        out.timelineStart = start
        out.timelineSliceNanoseconds = slice
        return (scorer.finish(), out)
    }
}
