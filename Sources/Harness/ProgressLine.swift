import Engine

#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress display for long work (`replay` of a large capture, `generate`,
/// `bench`): share done, count, rate and time left, rewritten in place a few times a
/// second with a carriage return. Only for a terminal: `enabled` is false when standard
/// error is redirected, so logs and test output never see it.
public final class ProgressLine {
    let label: String
    let unit: String
    let write: (String) -> Void
    let start: UInt64
    let minimumInterval: UInt64
    private var last: UInt64 = 0
    private var shown = false

    /// Writes straight to file descriptor 2 (unbuffered).
    public static func toStandardError(_ s: String) {
        var t = s
        t.withUTF8 { b in _ = Glibc.write(2, b.baseAddress, b.count) }
    }

    /// Standard error is a terminal.
    public static var standardErrorIsTerminal: Bool { isatty(2) != 0 }

    public init(label: String, unit: String, minimumInterval: UInt64 = 200_000_000, now: UInt64 = MonotonicClock.now(),
                write: @escaping (String) -> Void = ProgressLine.toStandardError) {
        self.label = label
        self.unit = unit
        self.write = write
        self.start = now
        self.minimumInterval = minimumInterval
    }

    /// Shows `count` done (and `fraction` of the whole, when known); writes at most once
    /// per `minimumInterval`, so callers may call it as often as they like.
    public func update(count: Int, fraction: Double?, detail: String = "", now: UInt64 = MonotonicClock.now()) {
        guard !shown || now &- last >= minimumInterval else { return }
        last = now
        shown = true
        write("\r" + Self.text(label: label, unit: unit, count: count, fraction: fraction, detail: detail,
                               elapsed: Double(now &- start) / 1e9) + "\u{1B}[K")
    }

    /// Clears the line (before the summary is printed).
    public func finish() {
        if shown { write("\r\u{1B}[K") }
        shown = false
    }

    /// `replay  43%  1.25 M packets  310 k packets/s  0:12 left`.
    static func text(label: String, unit: String, count: Int, fraction: Double?, detail: String, elapsed: Double) -> String {
        var parts = [label]
        if let f = fraction { parts.append("\(Int((min(max(f, 0), 1) * 100).rounded(.down)))%") }
        parts.append("\(Self.amount(Double(count))) \(unit)")
        if elapsed > 0 { parts.append("\(Self.amount(Double(count) / elapsed)) \(unit)/s") }
        if !detail.isEmpty { parts.append(detail) }
        if let f = fraction, f > 0.001, f < 1, elapsed > 0 { parts.append("\(Self.duration(elapsed * (1 - f) / f)) left") }
        return parts.joined(separator: "  ")
    }

    /// `950`, `12.5 k`, `1.25 M`.
    static func amount(_ v: Double) -> String {
        func three(_ x: Double) -> String {
            if x >= 100 { return String(Int(x.rounded())) }
            let decimals = x >= 10 ? 1 : 2
            let scale = decimals == 1 ? 10.0 : 100.0
            let v = Int((x * scale).rounded())
            let frac = String(v % Int(scale))
            return "\(v / Int(scale)).\(String(repeating: "0", count: decimals - frac.count))\(frac)"
        }
        if v >= 1e6 { return three(v / 1e6) + " M" }
        if v >= 1e4 { return three(v / 1e3) + " k" }
        return String(Int(v.rounded()))
    }

    /// `0:07`, `12:30`, `1:02:03`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        let h = s / 3600, m = s / 60 % 60, r = s % 60
        let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(r))" : "\(m):\(two(r))"
    }
}
