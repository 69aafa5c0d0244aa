import Engine
import Policy

/// One row of a labels file (the labels contract).
public struct LabeledCall: Sendable, Equatable {
    public var callID: String
    public var isFraud: Bool
    public var scenario: String
    public var caller: String
    public var callee: String
    /// The campaign source that placed the call (`flood#0`), when the labels say; empty
    /// otherwise. Calls-before-block per campaign source falls back to the caller.
    public var source: String = ""
}

/// A labels file read whole: `call_id,label,scenario,caller,callee` with an optional sixth
/// column `source` (the campaign source of a fraud call). LF or CRLF line ends (RFC 4180).
public struct LabelFile: Sendable {
    public var rows: [LabeledCall]
    public var byCallID: [String: Int]

    public struct Error: Swift.Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses the text of a labels file; `path` names it in errors (`file:line: reason`).
    public init(text: String, path: String) throws(Error) {
        rows = []
        byCallID = [:]
        var lineNumber = 0
        var columns = 5
        // Split on LF only: a Swift String treats CRLF as one Character, so split on "\n"
        // would leave CRLF lines whole. Work on the UTF-8 bytes instead.
        for line in text.utf8.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            let l = String(decoding: line.last == 13 ? line.dropLast() : line[...], as: UTF8.self)
            if lineNumber == 1 {
                switch l {
                case "call_id,label,scenario,caller,callee": columns = 5
                case "call_id,label,scenario,caller,callee,source": columns = 6
                default: throw Error(description: "\(path):1: expected the header call_id,label,scenario,caller,callee[,source]")
                }
                continue
            }
            if l.isEmpty { continue }
            let f = l.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == columns, f[1] == "fraud" || f[1] == "legit", !f[0].isEmpty else {
                throw Error(description: "\(path):\(lineNumber): expected \(columns) fields: call_id,fraud|legit,scenario,caller,callee\(columns == 6 ? ",source" : "")")
            }
            let id = String(f[0])
            guard byCallID[id] == nil else { throw Error(description: "\(path):\(lineNumber): call_id \(id) labeled twice") }
            byCallID[id] = rows.count
            rows.append(LabeledCall(callID: id, isFraud: f[1] == "fraud", scenario: String(f[2]), caller: String(f[3]),
                                    callee: String(f[4]), source: columns == 6 ? String(f[5]) : ""))
        }
    }
}

/// Intercept and false-positive figures, computed exactly as the scoring contract
/// says: intercept rate = fraud calls blocked at setup / fraud calls; false-positive
/// rate = legit calls blocked / legit calls; a flag is not an intercept and is counted
/// on its own; calls-before-block = for each fraud source (its caller number), the
/// calls that got through before its first block (all of them if never blocked).
public struct Score: Sendable {
    public struct Group: Sendable {
        public var calls = 0
        public var blocked = 0
        public var flagged = 0
        public var rate: Double { calls == 0 ? 0 : Double(blocked) / Double(calls) }
        /// The 95% Wilson score interval of `rate`: 0 of 600 blocked is [0, 0.64%], not 0.
        public var interval: (low: Double, high: Double) { Wilson.interval(blocked, of: calls) }
    }

    public var fraud = Group()
    public var legit = Group()
    public var perScenario: [String: Group] = [:]
    /// Per fraud source (its presented number), calls through before the first block.
    public var callsBeforeBlock: [String: Int] = [:]
    /// The same per campaign source (the labels' `source` column: a gateway, a spoofing
    /// operator, a rotating robocaller), falling back to the presented number.
    public var callsBeforeBlockBySource: [String: Int] = [:]
    /// Setups in the trace with no label row, and label rows never seen as setups.
    public var unlabeled = 0
    public var unseen = 0

    public var interceptRate: Double { fraud.rate }
    public var falsePositiveRate: Double { legit.rate }
    public var precision: Double { fraud.blocked + legit.blocked == 0 ? 0 : Double(fraud.blocked) / Double(fraud.blocked + legit.blocked) }
    public var f1: Double { precision + interceptRate == 0 ? 0 : 2 * precision * interceptRate / (precision + interceptRate) }

    /// Median, 90th percentile and maximum of calls-before-block over presented numbers.
    public var callsBeforeBlockStats: (median: Double, p90: Double, max: Int) { Self.stats(callsBeforeBlock) }
    /// The same over campaign sources.
    public var callsBeforeBlockBySourceStats: (median: Double, p90: Double, max: Int) { Self.stats(callsBeforeBlockBySource) }

    static func stats(_ counts: [String: Int]) -> (median: Double, p90: Double, max: Int) {
        let v = counts.values.sorted()
        guard !v.isEmpty else { return (0, 0, 0) }
        let median = v.count % 2 == 1 ? Double(v[v.count / 2]) : Double(v[v.count / 2 - 1] + v[v.count / 2]) / 2
        let p90 = Double(v[min(v.count - 1, Int((Double(v.count) * 0.9).rounded(.up)) - 1)])
        return (median, p90, v.last!)
    }
}

/// Accumulates verdicts against labels in trace order.
public struct Scorer {
    public let labels: LabelFile
    public private(set) var score = Score()
    private var seen: Set<Int> = []
    private var sourceBlocked: Set<String> = []
    private var campaignBlocked: Set<String> = []

    public init(labels: LabelFile) { self.labels = labels }

    public mutating func add(callID: String, verdict: Verdict) {
        guard let i = labels.byCallID[callID] else {
            score.unlabeled += 1
            return
        }
        guard seen.insert(i).inserted else { return }
        let row = labels.rows[i]
        let blocked = verdict == .block, flagged = verdict == .flag
        func count(_ g: inout Score.Group) {
            g.calls += 1
            if blocked { g.blocked += 1 }
            if flagged { g.flagged += 1 }
        }
        if row.isFraud {
            count(&score.fraud)
            count(&score.perScenario[row.scenario, default: Score.Group()])
            Self.countBeforeBlock(row.caller, blocked, &sourceBlocked, &score.callsBeforeBlock)
            Self.countBeforeBlock(row.source.isEmpty ? row.caller : row.source, blocked, &campaignBlocked, &score.callsBeforeBlockBySource)
        } else {
            count(&score.legit)
            count(&score.perScenario[row.scenario, default: Score.Group()])
        }
    }

    private static func countBeforeBlock(_ key: String, _ blocked: Bool, _ done: inout Set<String>, _ counts: inout [String: Int]) {
        guard !done.contains(key) else { return }
        if blocked { done.insert(key); counts[key, default: 0] += 0 } else { counts[key, default: 0] += 1 }
    }

    /// The score, with label rows never seen as setups counted.
    public func finish() -> Score {
        var s = score
        s.unseen = labels.rows.count - seen.count
        return s
    }
}

/// The Wilson score interval for a binomial proportion (95%, z = 1.96): honest at 0 of n
/// and at small n, where the normal approximation claims certainty it does not have.
public enum Wilson {
    public static func interval(_ successes: Int, of n: Int, z: Double = 1.959964) -> (low: Double, high: Double) {
        guard n > 0 else { return (0, 1) }
        let p = Double(successes) / Double(n), nn = Double(n), z2 = z * z
        let centre = (p + z2 / (2 * nn)) / (1 + z2 / nn)
        let half = z * ((p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()) / (1 + z2 / nn)
        return (max(0, centre - half), min(1, centre + half))
    }
}
