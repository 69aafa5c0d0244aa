import Harness
import Policy

/// Labels CSV: parsed; whatever parses must index every row by its Call-ID exactly once
/// and score every row (as a block, then as an allow) into counts that add up.
enum LabelsFuzz {
    static func run(_ input: UnsafeRawBufferPointer) {
        let text = String(decoding: input, as: UTF8.self)
        do {
            let labels = try LabelFile(text: text, path: "fuzz.labels.csv")
            precondition(labels.byCallID.count == labels.rows.count, "rows and index disagree")
            for (id, i) in labels.byCallID { precondition(labels.rows[i].callID == id, "index points at another row") }
            var scorer = Scorer(labels: labels)
            for (i, row) in labels.rows.enumerated() { scorer.add(callID: row.callID, verdict: i % 2 == 0 ? .block : .allow) }
            let s = scorer.finish()
            precondition(s.fraud.calls + s.legit.calls == labels.rows.count && s.unseen == 0, "rows lost in scoring")
            _ = s.callsBeforeBlockBySourceStats
        } catch {
            precondition(error.description.hasPrefix("fuzz.labels.csv:"), "refusal without the file name: \(error)")
        }
    }
}
