import Policy

/// Writes victim warnings as JSON Lines (`--warnings FILE`): the callee to call back,
/// the number that was blocked, when they talked and for how long, when the number was
/// blocked and why.
public final class WarningWriter {
    let output: OutputFile

    public init(output: OutputFile) { self.output = output }

    public func write(_ w: VictimWarning) {
        let reasons = w.reasons.map { "\"\($0)\"" }.joined(separator: ",")
        output.write("{\"callee\":\"\(w.callee)\",\"caller\":\"\(w.caller)\",\"call_time\":\(seconds(w.callTime)),"
                     + "\"talk_seconds\":\(Double(Int(w.talkSeconds * 1000)) / 1000),\"warned_at\":\(seconds(w.warnedAt)),"
                     + "\"reasons\":[\(reasons)]}\n")
    }

    public func flush() { output.flush() }

    private func seconds(_ ns: Int64) -> String {
        let frac = String(ns % 1_000_000_000)
        return "\(ns / 1_000_000_000)." + String(repeating: "0", count: 9 - frac.count) + frac
    }
}
