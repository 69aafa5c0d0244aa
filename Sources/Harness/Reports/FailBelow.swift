/// `--fail-below intercept=0.95,fpr=0.001`: bounds a CI job holds a rule set to.
/// `intercept`, `precision`, `f1` and `packets_per_second` must be at least their
/// bound; `fpr` (false-positive rate) at most its bound.
public struct FailBelow: Sendable {
    public enum Figure: String, Sendable, CaseIterable {
        case intercept, fpr, precision, f1
        case packetsPerSecond = "packets_per_second"
    }

    public var bounds: [(Figure, Double)]

    public struct Error: Swift.Error, CustomStringConvertible { public var description: String }

    public init(parsing text: String) throws(Error) {
        bounds = []
        for item in text.split(separator: ",") {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, let f = Figure(rawValue: kv[0]), let v = Double(kv[1]), v.isFinite, v >= 0 else {
                throw Error(description: "--fail-below '\(item)': expected NAME=VALUE with NAME one of \(Figure.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            bounds.append((f, v))
        }
        guard !bounds.isEmpty else { throw Error(description: "--fail-below: no bounds given") }
    }

    /// One line per figure that misses its bound; empty when all hold. Quality bounds
    /// apply only to labeled traces.
    public func violations(_ report: BenchReport) -> [String] {
        var out: [String] = []
        for r in report.results {
            for (f, bound) in bounds {
                let value: Double?
                switch f {
                case .intercept: value = r.score?.interceptRate
                case .fpr: value = r.score?.falsePositiveRate
                case .precision: value = r.score?.precision
                case .f1: value = r.score?.f1
                case .packetsPerSecond: value = Spread(r.packetsPerSecond).median
                }
                guard let v = value else { continue }
                let ok = f == .fpr ? v <= bound : v >= bound
                if !ok {
                    out.append("\(r.rules) on \(r.trace): \(f.rawValue) \(roundedTo(v, 6)) is \(f == .fpr ? "above" : "below") \(bound)")
                }
            }
        }
        return out
    }
}
