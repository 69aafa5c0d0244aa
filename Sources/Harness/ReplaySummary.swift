import Blocklist
import Calls
import Engine
import Policy
import Wire

/// The replay summary, in the summary contract's shape: every packet read accounted
/// as signalling, not signalling or malformed (by reason), SIP messages, calls by
/// outcome, verdicts, speed and per-packet latency.
public struct ReplaySummary {
    public let result: ReplayResult
    public let inputs: [String]
    /// The list and update files loaded for the run.
    public let lists: [LoadReport]
    /// What the rule set's detectors and actions did, when one ran.
    public var screening: ScreeningReport?
    /// Verdicts scored against labels, when the trace has them.
    public var score: Score?

    public init(result: ReplayResult, inputs: [String], lists: [LoadReport] = []) {
        self.result = result
        self.inputs = inputs
        self.lists = lists
    }

    /// The summary as one JSON object (`--summary json`).
    public var json: JSONValue {
        let p = result.packets
        let c = result.calls
        var blocklist: [(String, JSONValue)] = []
        if let entries = result.listEntries, let s = result.listSchedule {
            blocklist = [("blocklist", .object([
                ("files", .array(lists.map {
                    .object([("path", .string($0.path)), ("entries", .int($0.entries)), ("skipped_lines", .int($0.skipped))])
                })),
                ("entries_at_end", .int(entries)),
                ("updates_applied", .int(s.updatesApplied)),
                ("updates_pending", .int(s.updatesPending)),
                ("expired", .int(s.expired)),
                ("refused", .array(s.refused.map { .string($0) })),
            ]))]
        }
        return .object([
            ("packets", .object([
                ("read", .int(p.read)),
                ("signalling", .int(p.signalling)),
                ("not_signalling", .int(p.notSignalling)),
                ("malformed", .int(p.malformed)),
                ("malformed_by_reason", .object(nonZero(MalformedReason.allCases.map { ($0.name, p[malformed: $0]) }))),
                ("not_signalling_by_reason", .object(nonZero(SkipReason.allCases.map { ($0.name, p[skipped: $0]) }))),
                ("accounted", .bool(p.isBalanced && p.pending == 0)),
                ("layers", .object(nonZero(LayerCounter.allCases.map { ($0.name, p[$0]) }))),
            ])),
            ("sip", .object([
                ("requests", .object(requestCounts.map { ($0.0, .int($0.1)) })),
                ("responses", .object(responseCounts.map { ($0.0, .int($0.1)) })),
            ])),
            ("calls", .object([
                ("total", .int(c.total)),
                ("answered", .int(c[.answered])),
                ("cancelled", .int(c[.cancelled])),
                ("rejected", .int(c[.rejected])),
                ("timed_out", .int(c[.timedOut])),
                ("in_progress", .int(c[.inProgress])),
                ("retransmitted_invites", .int(c.invitesRetransmitted)),
                ("re_invites", .int(c.reInvites)),
                ("unmatched_in_dialog", .int(c.unmatched)),
                ("evicted", .int(c.evicted)),
            ])),
            ("verdicts", .object(Verdict.allCases.map { ($0.name, .int(result[$0])) })),
        ] + blocklist + screeningJSON + [
            ("run", .object([
                ("inputs", .array(inputs.map { .string($0) })),
                ("threads", .int(result.threads)),
                ("wall_seconds", .double(roundedTo(Double(result.wallNanoseconds) / 1e9, 6))),
                ("packets_per_second", .int(Int(result.packetsPerSecond.rounded()))),
                ("trace_seconds", .double(roundedTo(Double(result.lastTimestamp - result.firstTimestamp) / 1e9, 6))),
            ])),
            ("latency_ns", result.packetLatency.json),
            ("setup_latency_ns", result.setupLatency.json),
            ("truncated", .bool(result.truncated)),
            ("truncated_files", .array(result.truncatedFiles.map {
                .object([("file", .string($0.path)), ("message", .string($0.message))])
            })),
        ])
    }

    /// The human-readable summary (default on stdout).
    public var text: String {
        let p = result.packets
        let c = result.calls
        var lines: [String] = []
        lines.append("packets    \(p.read) read = \(p.signalling) signalling + \(p.notSignalling) not signalling + \(p.malformed) malformed"
                     + (p.isBalanced && p.pending == 0 ? "  (all accounted)" : "  (NOT BALANCED: \(p.pending) pending)"))
        for r in MalformedReason.allCases where p[malformed: r] > 0 {
            lines.append("  malformed      \(r.name): \(p[malformed: r])")
        }
        for r in SkipReason.allCases where p[skipped: r] > 0 {
            lines.append("  not signalling \(r.name): \(p[skipped: r])")
        }
        let layers = LayerCounter.allCases.filter { p[$0] > 0 }.map { "\($0.name)=\(p[$0])" }
        if !layers.isEmpty { lines.append("  layers         " + layers.joined(separator: " ")) }
        lines.append("sip        requests " + requestCounts.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
                     + "; responses " + responseCounts.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        lines.append("calls      \(c.total) total: \(c[.answered]) answered, \(c[.cancelled]) cancelled, \(c[.rejected]) rejected, "
                     + "\(c[.timedOut]) timed out, \(c[.inProgress]) in progress")
        lines.append("verdicts   \(result[.allow]) allow, \(result[.flag]) flag, \(result[.block]) block")
        if let entries = result.listEntries, let s = result.listSchedule {
            let files = lists.map { "\($0.path) \($0.entries)" + ($0.skipped > 0 ? " (\($0.skipped) bad lines skipped)" : "") }
            lines.append("blocklist  \(files.isEmpty ? "no list files" : files.joined(separator: ", ")); \(s.updatesApplied) updates applied, "
                         + "\(s.expired) expired, \(entries) entries at end")
        }
        if let sc = screening {
            let fired = zip(sc.detectors, sc.findings).map { "\($0)=\($1[1])/\($1[2])" }.joined(separator: " ")
            lines.append("rules      \(sc.rules): warning/critical findings \(fired); \(sc.autoBlocked) auto-blocked, "
                         + "\(sc.warnings) victim warnings, \(sc.evictions) table evictions")
        }
        if let s = score {
            let cbb = s.callsBeforeBlockStats, src = s.callsBeforeBlockBySourceStats
            let fi = s.fraud.interval, li = s.legit.interval
            lines.append("score      intercept \(percent(s.interceptRate)) [\(percent(fi.low, 2))-\(percent(fi.high, 2))] "
                         + "(\(s.fraud.blocked)/\(s.fraud.calls) fraud), false positives \(percent(s.falsePositiveRate, 3)) "
                         + "[\(percent(li.low, 3))-\(percent(li.high, 3))] (\(s.legit.blocked)/\(s.legit.calls) legit), "
                         + "flagged \(s.fraud.flagged) fraud + \(s.legit.flagged) legit (95% Wilson intervals)")
            lines.append("  calls before block  per presented number median \(cbb.median) p90 \(cbb.p90) max \(cbb.max) "
                         + "over \(s.callsBeforeBlock.count); per campaign source median \(src.median) p90 \(src.p90) max \(src.max) "
                         + "over \(s.callsBeforeBlockBySource.count)")
            let per = s.perScenario.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.blocked)/\($0.value.calls)" }
            lines.append("  blocked by scenario  " + per.joined(separator: " "))
            if s.unlabeled > 0 || s.unseen > 0 {
                lines.append("  labels  \(s.unlabeled) setups without a label row, \(s.unseen) label rows never seen as a setup")
            }
        }
        let wall = roundedTo(Double(result.wallNanoseconds) / 1e9, 3)
        let rate = Int(result.packetsPerSecond.rounded())
        lines.append("run        \(wall) s wall, \(rate) packets/s, \(result.threads) thread\(result.threads == 1 ? "" : "s")")
        let l = result.packetLatency
        lines.append("latency    per packet p50=\(l.percentile(50)) p90=\(l.percentile(90)) p99=\(l.percentile(99)) "
                     + "p99.9=\(l.percentile(99.9)) max=\(l.max) ns")
        if result.setupLatency.count > 0 {
            let s = result.setupLatency
            lines.append("           per setup  p50=\(s.percentile(50)) p99=\(s.percentile(99)) max=\(s.max) ns")
        }
        for t in result.truncatedFiles {
            lines.append("truncated  \(t.path): \(t.message) (everything before the cut was replayed)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private var screeningJSON: [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        if let sc = screening {
            out.append(("rules", .object([
                ("name", .string(sc.rules)),
                ("findings", .object(zip(sc.detectors, sc.findings).map {
                    ($0, .object([("warning", .int($1[1])), ("critical", .int($1[2]))]))
                })),
                ("auto_blocked", .int(sc.autoBlocked)),
                ("victim_warnings", .int(sc.warnings)),
                ("table_evictions", .int(sc.evictions)),
            ])))
        }
        if let s = score {
            let cbb = s.callsBeforeBlockStats, src = s.callsBeforeBlockBySourceStats
            func interval(_ g: Score.Group) -> JSONValue {
                let i = g.interval
                return .array([.double(roundedTo(i.low, 6)), .double(roundedTo(i.high, 6))])
            }
            out.append(("score", .object([
                ("intercept_rate", .double(roundedTo(s.interceptRate, 6))),
                ("intercept_interval", interval(s.fraud)),
                ("false_positive_rate", .double(roundedTo(s.falsePositiveRate, 6))),
                ("false_positive_interval", interval(s.legit)),
                ("blocked_fraud", .int(s.fraud.blocked)), ("blocked_legit", .int(s.legit.blocked)),
                ("precision", .double(roundedTo(s.precision, 6))),
                ("fraud_calls", .int(s.fraud.calls)), ("legit_calls", .int(s.legit.calls)),
                ("flagged_fraud", .int(s.fraud.flagged)), ("flagged_legit", .int(s.legit.flagged)),
                ("per_scenario", .object(s.perScenario.sorted { $0.key < $1.key }.map { ($0.key, .double(roundedTo($0.value.rate, 6))) })),
                ("per_scenario_blocked", .object(s.perScenario.sorted { $0.key < $1.key }.map {
                    ($0.key, .object([("blocked", .int($0.value.blocked)), ("calls", .int($0.value.calls)), ("interval", interval($0.value))]))
                })),
                ("calls_before_block", .object([("median", .double(cbb.median)), ("p90", .double(cbb.p90)), ("max", .int(cbb.max))])),
                ("calls_before_block_per_source", .object([("median", .double(src.median)), ("p90", .double(src.p90)),
                                                           ("max", .int(src.max)), ("sources", .int(s.callsBeforeBlockBySource.count))])),
                ("unlabeled_setups", .int(s.unlabeled)),
                ("unseen", .int(s.unseen)),
            ])))
        }
        return out
    }

    private func percent(_ x: Double, _ places: Int = 1) -> String { "\(roundedTo(x * 100, places))%" }

    private var requestCounts: [(String, Int)] {
        var out: [(String, Int)] = SIPMethod.allCases.compactMap { m in
            let n = result.sip.requests[Int(m.rawValue)]
            return n > 0 && m != .other ? (m.name, n) : nil
        }
        out += result.sip.otherRequests.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return out
    }

    private var responseCounts: [(String, Int)] {
        (1...6).compactMap { result.sip.responses[$0] > 0 ? ("\($0)xx", result.sip.responses[$0]) : nil }
    }

    private func nonZero(_ pairs: [(String, Int)]) -> [(String, JSONValue)] {
        pairs.filter { $0.1 > 0 }.map { ($0.0, .int($0.1)) }
    }

}

/// What a rule set's policy did during a replay, for the summary.
public struct ScreeningReport: Sendable {
    public var rules: String
    public var detectors: [String]
    /// Per detector: findings at none, warning, critical.
    public var findings: [[Int]]
    public var autoBlocked: Int
    public var warnings: Int
    public var evictions: Int

    public init(rules: String, detectors: [String], findings: [[Int]], autoBlocked: Int, warnings: Int, evictions: Int) {
        self.rules = rules
        self.detectors = detectors
        self.findings = findings
        self.autoBlocked = autoBlocked
        self.warnings = warnings
        self.evictions = evictions
    }
}
