import CallEvents
import Policy

/// Rows for `--store`, built from what the screening loop has at hand: the same fields
/// as the JSON Lines contracts (`VerdictWriter`, `WarningWriter`). Text from the wire is
/// made storable: invalid UTF-8 is repaired and NUL bytes (which PostgreSQL text
/// cannot hold) become U+FFFD, so a hostile Call-ID cannot poison a batch.
extension VerdictRow {
    init(_ call: CallEvent, _ decision: ScreeningDecision, latency: UInt64) {
        self.init(time: call.context.timestamp, callID: Self.storable(call.callID),
                  caller: Self.party(call.caller), callee: Self.party(call.callee),
                  source: call.context.source.description, destination: call.context.destination.description,
                  verdict: decision.verdict.name, reasons: decision.reasons, score: decision.score,
                  latencyNanoseconds: Int64(latency), matchedEntry: decision.matchedEntry,
                  signalling: call.signalling.name, warmup: decision.warmup)
    }

    private static func party(_ p: CallParty) -> String {
        if let n = p.number { return n.description }
        return storable(p.raw)
    }

    static func storable(_ bytes: UnsafeRawBufferPointer) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return bytes.contains(0) ? String(text.map { $0 == "\0" ? "\u{FFFD}" : $0 }) : text
    }
}

extension WarningRow {
    init(_ w: VictimWarning) {
        self.init(callee: w.callee.description, caller: w.caller.description, callTime: w.callTime,
                  talkSeconds: w.talkSeconds, warnedAt: w.warnedAt, reasons: w.reasons)
    }
}
