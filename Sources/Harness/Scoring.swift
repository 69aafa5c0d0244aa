import Engine

/// One row of a labels file (the labels contract).
public struct LabeledCall: Sendable, Equatable {
    public var callID: String
    public var isFraud: Bool
    public var scenario: String
    public var caller: String
    public var callee: String
}

/// A labels file read whole: `call_id,label,scenario,caller,callee`.
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
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let l = line.hasSuffix("\r") ? line.dropLast() : line[...]
            if lineNumber == 1 {
                guard l == "call_id,label,scenario,caller,callee" else {
                    throw Error(description: "\(path):1: expected the header call_id,label,scenario,caller,callee")
                }
                continue
            }
            if l.isEmpty { continue }
            let f = l.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 5, f[1] == "fraud" || f[1] == "legit", !f[0].isEmpty else {
                throw Error(description: "\(path):\(lineNumber): expected call_id,fraud|legit,scenario,caller,callee")
            }
            let id = String(f[0])
            guard byCallID[id] == nil else { throw Error(description: "\(path):\(lineNumber): call_id \(id) labeled twice") }
            byCallID[id] = rows.count
            rows.append(LabeledCall(callID: id, isFraud: f[1] == "fraud", scenario: String(f[2]), caller: String(f[3]), callee: String(f[4])))
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
    }

    public var fraud = Group()
    public var legit = Group()
    public var perScenario: [String: Group] = [:]
    /// Per fraud source, calls through before the first block.
    public var callsBeforeBlock: [String: Int] = [:]
    /// Setups in the trace with no label row, and label rows never seen as setups.
    public var unlabeled = 0
    public var unseen = 0

    public var interceptRate: Double { fraud.rate }
    public var falsePositiveRate: Double { legit.rate }
    public var precision: Double { fraud.blocked + legit.blocked == 0 ? 0 : Double(fraud.blocked) / Double(fraud.blocked + legit.blocked) }
    public var f1: Double { precision + interceptRate == 0 ? 0 : 2 * precision * interceptRate / (precision + interceptRate) }

    /// Median, 90th percentile and maximum of calls-before-block over fraud sources.
    public var callsBeforeBlockStats: (median: Double, p90: Double, max: Int) {
        let v = callsBeforeBlock.values.sorted()
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
            if !sourceBlocked.contains(row.caller) {
                if blocked { sourceBlocked.insert(row.caller); score.callsBeforeBlock[row.caller, default: 0] += 0 }
                else { score.callsBeforeBlock[row.caller, default: 0] += 1 }
            }
        } else {
            count(&score.legit)
            count(&score.perScenario[row.scenario, default: Score.Group()])
        }
    }

    /// The score, with label rows never seen as setups counted.
    public func finish() -> Score {
        var s = score
        s.unseen = labels.rows.count - seen.count
        return s
    }
}
