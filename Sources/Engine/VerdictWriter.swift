import CallEvents
import Calls
import Policy
import Wire

/// Writes the verdicts contract: one JSON object per screened call setup, in trace
/// order. Lines are built in one reused byte buffer straight from the event's views.
/// `protocol` is written for setups that did not come as plain SIP (`isup`, `sip-i`).
public final class VerdictWriter {
    private let output: OutputFile
    private var line: [UInt8] = []

    public init(output: OutputFile) {
        self.output = output
        line.reserveCapacity(512)
    }

    public func write(_ call: CallEvent, _ decision: ScreeningDecision, latency: UInt64) {
        line.removeAll(keepingCapacity: true)
        append("{\"call_id\":")
        appendQuoted(call.callID)
        append(",\"ts\":")
        appendTimestamp(call.context.timestamp)
        append(",\"caller\":")
        appendParty(call.caller)
        append(",\"callee\":")
        appendParty(call.callee)
        append(",\"src\":\"")
        append(call.context.source.description)
        append("\",\"dst\":\"")
        append(call.context.destination.description)
        append("\",\"verdict\":\"")
        append(decision.verdict.name)
        append("\",\"reasons\":[")
        for (i, r) in decision.reasons.enumerated() {
            if i > 0 { line.append(UInt8(ascii: ",")) }
            appendQuoted(r)
        }
        append("],\"score\":")
        append(decision.score == 1 ? "1.0" : decision.score == 0 ? "0.0" : String(decision.score))
        append(",\"latency_ns\":")
        appendInt(Int64(latency))
        append(",\"frame\":")
        appendInt(Int64(call.context.frame))
        if call.signalling != .sip {
            append(",\"protocol\":\"")
            append(call.signalling.name)
            line.append(UInt8(ascii: "\""))
        }
        if let entry = decision.matchedEntry {
            append(",\"match\":")
            appendQuoted(entry)
        }
        if decision.warmup { append(",\"warmup\":true") }
        append("}\n")
        line.withUnsafeBytes { output.write($0) }
    }

    public func flush() { output.flush() }

    // MARK: - JSON pieces

    @inline(__always) private func append(_ s: StaticString) {
        line.append(contentsOf: UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private func append(_ s: String) { line.append(contentsOf: s.utf8) }

    private func appendParty(_ p: CallParty) {
        if let n = p.number {
            line.append(UInt8(ascii: "\""))
            line.append(UInt8(ascii: "+"))
            append(n.digits)
            line.append(UInt8(ascii: "\""))
        } else {
            appendQuoted(p.raw)
        }
    }

    private func appendQuoted(_ s: String) {
        var t = s
        t.withUTF8 { appendQuoted(UnsafeRawBufferPointer($0)) }
    }

    /// A JSON string from raw bytes: escapes quotes, backslashes and control bytes;
    /// invalid UTF-8 is replaced (rare, so that path may allocate).
    private func appendQuoted(_ bytes: UnsafeRawBufferPointer) {
        if bytes.contains(where: { $0 >= 0x80 }) {
            let repaired = String(decoding: bytes, as: UTF8.self)
            var copy = repaired
            line.append(UInt8(ascii: "\""))
            copy.withUTF8 { escape(UnsafeRawBufferPointer($0)) }
            line.append(UInt8(ascii: "\""))
            return
        }
        line.append(UInt8(ascii: "\""))
        escape(bytes)
        line.append(UInt8(ascii: "\""))
    }

    private func escape(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): line.append(92); line.append(b)
            case 92: line.append(92); line.append(92)
            case 0..<0x20:
                line.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, Self.hexDigit(b >> 4), Self.hexDigit(b & 15)])
            default: line.append(b)
            }
        }
    }

    @inline(__always) private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 87 + v }

    /// Seconds with nine decimals: the capture's nanosecond timestamp, exactly.
    private func appendTimestamp(_ ns: Nanoseconds) {
        appendInt(ns / 1_000_000_000)
        line.append(UInt8(ascii: "."))
        // Nine digits written in place, last first.
        let start = line.count
        line.append(contentsOf: repeatElement(48, count: 9))
        var f = ns % 1_000_000_000
        for i in stride(from: start + 8, through: start, by: -1) {
            line[i] = UInt8(48 + f % 10)
            f /= 10
        }
    }

    private func appendInt(_ v: Int64) { append(String(v)) }
}
