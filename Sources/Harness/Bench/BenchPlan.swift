/// What `callguard bench` runs: every rule set on every trace, timed `repeats` times
/// after `warmups` untimed runs, and optionally a threshold sweep.
public struct BenchPlan: Sendable {
    /// A rule set by its display name, with its YAML text and path (for relative lists).
    public struct Rules: Sendable {
        public var name: String
        public var yaml: String
        public var path: String
        public init(name: String, yaml: String, path: String) {
            self.name = name
            self.yaml = yaml
            self.path = path
        }
    }

    public var rules: [Rules]
    public var traces: [String]
    public var repeats: Int
    public var warmups: Int
    public var sweep: Sweep?
    /// Threads each replay runs on (`ReplayEngine.run(_:threads:)`); verdicts do not depend on it.
    public var threads: Int

    public init(rules: [Rules], traces: [String], repeats: Int = 1, warmups: Int = 0, sweep: Sweep? = nil, threads: Int = 1) {
        self.rules = rules
        self.traces = traces
        self.repeats = repeats
        self.warmups = warmups
        self.sweep = sweep
        self.threads = threads
    }
}

/// `DETECTOR.PARAM=FROM..TO:STEP`: one detector parameter stepped over a range.
public struct Sweep: Sendable, Equatable {
    public var parameter: String
    public var values: [Double]

    public struct Error: Swift.Error, CustomStringConvertible {
        public var description: String
    }

    public init(parameter: String, values: [Double]) {
        self.parameter = parameter
        self.values = values
    }

    public init(parsing text: String) throws(Error) {
        let fail = Error(description: "--sweep '\(text)': expected DETECTOR.PARAM=FROM..TO:STEP, e.g. fan_out.critical=10..50:10")
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0].contains("."), !parts[0].hasPrefix("."), !parts[0].hasSuffix(".") else { throw fail }
        let range = parts[1].split(separator: ":", maxSplits: 1).map(String.init)
        guard range.count == 2, let step = Double(range[1]), step > 0 else { throw fail }
        let ends = range[0].components(separatedBy: "..")
        guard ends.count == 2, let from = Double(ends[0]), let to = Double(ends[1]), from <= to else { throw fail }
        let count = Int(((to - from) / step + 1e-9).rounded(.down)) + 1
        guard count <= 200 else { throw Error(description: "--sweep '\(text)': \(count) values; at most 200") }
        parameter = parts[0]
        values = (0..<count).map { from + Double($0) * step }
    }
}
