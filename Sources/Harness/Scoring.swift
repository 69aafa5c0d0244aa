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
        var t = text
        let parsed: Result<LabelFile, Error> = t.withUTF8 { bytes in
            Result { () throws(Error) in try LabelFile(bytes: UnsafeRawBufferPointer(bytes), path: path) }
        }
        self = try parsed.get()
    }

    /// Parses a labels file's bytes. Works on the bytes (a line split into fields by
    /// searching for commas), making a String only of each field kept: ten million
    /// rows parse in well under a minute, and scoring a replay does not wait on them.
    public init(bytes: UnsafeRawBufferPointer, path: String) throws(Error) {
        rows = []
        byCallID = [:]
        var lineNumber = 0
        var columns = 5
        var start = 0
        var fields: [Range<Int>] = []
        fields.reserveCapacity(7)
        func text(_ r: Range<Int>) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[r]), as: UTF8.self) }
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            if end == bytes.count && start == end { break }
            lineNumber += 1
            let lineEnd = end > start && bytes[end - 1] == 13 ? end - 1 : end
            defer { start = end + 1 }
            if lineNumber == 1 {
                switch text(start..<lineEnd) {
                case "call_id,label,scenario,caller,callee": columns = 5
                case "call_id,label,scenario,caller,callee,source": columns = 6
                default: throw Error(description: "\(path):1: expected the header call_id,label,scenario,caller,callee[,source]")
                }
                continue
            }
            if lineEnd == start { continue }
            fields.removeAll(keepingCapacity: true)
            var f = start
            for i in start..<lineEnd where bytes[i] == 44 {
                fields.append(f..<i)
                f = i + 1
            }
            fields.append(f..<lineEnd)
            let label = fields.count > 1 ? text(fields[1]) : ""
            guard fields.count == columns, label == "fraud" || label == "legit", !fields[0].isEmpty else {
                throw Error(description: "\(path):\(lineNumber): expected \(columns) fields: call_id,fraud|legit,scenario,caller,callee\(columns == 6 ? ",source" : "")")
            }
            let id = text(fields[0])
            guard byCallID[id] == nil else { throw Error(description: "\(path):\(lineNumber): call_id \(id) labeled twice") }
            byCallID[id] = rows.count
            rows.append(LabeledCall(callID: id, isFraud: label == "fraud", scenario: text(fields[2]), caller: text(fields[3]),
                                    callee: text(fields[4]), source: columns == 6 ? text(fields[5]) : ""))
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

/// Accumulates verdicts against labels in trace order. Everything it counts into is
/// allocated when it is made (a bit per label row, a tally per scenario, per fraud
/// number and per campaign source, interned once), so scoring a replay of ten million
/// calls adds nothing to memory while the replay runs; `finish()` builds the score's
/// dictionaries.
public struct Scorer {
    public let labels: LabelFile
    private var fraud = Score.Group(), legit = Score.Group()
    private var unlabeled = 0
    private var seen: [UInt64]
    private var seenCount = 0
    /// Per label row: its scenario and, for fraud rows, its presented number and its
    /// campaign source (the `source` column, else the number), as indexes into the names.
    private let scenarioOfRow: [UInt32], callerOfRow: [UInt32], sourceOfRow: [UInt32]
    private let scenarioNames: [String], callerNames: [String], sourceNames: [String]
    private var scenarios: [Score.Group]
    private var callers: [Tally], sources: [Tally]

    /// Calls through before the first block, for one fraud number or source.
    struct Tally {
        var before = 0
        var seen = false
        var blocked = false

        mutating func add(blocked b: Bool) {
            guard !blocked else { return }
            seen = true
            if b { blocked = true } else { before += 1 }
        }
    }

    public init(labels: LabelFile) {
        self.labels = labels
        var scenarioIndex: [String: UInt32] = [:], callerIndex: [String: UInt32] = [:], sourceIndex: [String: UInt32] = [:]
        var scenarioNames: [String] = [], callerNames: [String] = [], sourceNames: [String] = []
        func intern(_ s: String, _ index: inout [String: UInt32], _ names: inout [String]) -> UInt32 {
            if let i = index[s] { return i }
            index[s] = UInt32(names.count)
            names.append(s)
            return UInt32(names.count - 1)
        }
        var scenarioOfRow: [UInt32] = [], callerOfRow: [UInt32] = [], sourceOfRow: [UInt32] = []
        scenarioOfRow.reserveCapacity(labels.rows.count)
        callerOfRow.reserveCapacity(labels.rows.count)
        sourceOfRow.reserveCapacity(labels.rows.count)
        for row in labels.rows {
            scenarioOfRow.append(intern(row.scenario, &scenarioIndex, &scenarioNames))
            callerOfRow.append(row.isFraud ? intern(row.caller, &callerIndex, &callerNames) : 0)
            sourceOfRow.append(row.isFraud ? intern(row.source.isEmpty ? row.caller : row.source, &sourceIndex, &sourceNames) : 0)
        }
        self.scenarioOfRow = scenarioOfRow
        self.callerOfRow = callerOfRow
        self.sourceOfRow = sourceOfRow
        self.scenarioNames = scenarioNames
        self.callerNames = callerNames
        self.sourceNames = sourceNames
        scenarios = Array(repeating: Score.Group(), count: scenarioNames.count)
        callers = Array(repeating: Tally(), count: callerNames.count)
        sources = Array(repeating: Tally(), count: sourceNames.count)
        seen = Array(repeating: 0, count: (labels.rows.count + 63) / 64)
    }

    public mutating func add(callID: String, verdict: Verdict) {
        guard let i = labels.byCallID[callID] else {
            unlabeled += 1
            return
        }
        let bit: UInt64 = 1 << UInt64(i & 63)
        guard seen[i >> 6] & bit == 0 else { return }
        seen[i >> 6] |= bit
        seenCount += 1
        let blocked = verdict == .block, flagged = verdict == .flag
        func count(_ g: inout Score.Group) {
            g.calls += 1
            if blocked { g.blocked += 1 }
            if flagged { g.flagged += 1 }
        }
        count(&scenarios[Int(scenarioOfRow[i])])
        if labels.rows[i].isFraud {
            count(&fraud)
            callers[Int(callerOfRow[i])].add(blocked: blocked)
            sources[Int(sourceOfRow[i])].add(blocked: blocked)
        } else {
            count(&legit)
        }
    }

    /// The score, with label rows never seen as setups counted.
    public func finish() -> Score {
        var s = Score()
        s.fraud = fraud
        s.legit = legit
        for (j, g) in scenarios.enumerated() where g.calls > 0 { s.perScenario[scenarioNames[j]] = g }
        for (j, t) in callers.enumerated() where t.seen { s.callsBeforeBlock[callerNames[j]] = t.before }
        for (j, t) in sources.enumerated() where t.seen { s.callsBeforeBlockBySource[sourceNames[j]] = t.before }
        s.unlabeled = unlabeled
        s.unseen = labels.rows.count - seenCount
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
