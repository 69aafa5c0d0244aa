/// A line of a list or update file that could not be used, as `file:line: reason`.
public struct LineError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var line: Int
    public var reason: String

    public init(path: String, line: Int, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(path):\(line): \(reason)" }
}

/// How a loader treats bad lines: skip and count them, or refuse the whole file.
public enum BadLinePolicy: Sendable {
    case skip
    case strict
}

/// What a load did: entries taken, lines skipped (the first few kept for messages).
public struct LoadReport: Sendable {
    public var path: String
    public var entries = 0
    public var skipped = 0
    public var firstErrors: [LineError] = []
    /// Entries with a TTL, when the load was told not to start their clocks yet (a
    /// replay starts them at the trace's first packet).
    public var timedEntries: [TimedEntry] = []

    public init(path: String) { self.path = path }

    mutating func skip(_ e: LineError) {
        skipped += 1
        if firstErrors.count < 10 { firstErrors.append(e) }
    }
}

/// An entry whose TTL starts when it is applied.
public struct TimedEntry: Sendable, Equatable {
    public var entry: BlocklistEntry
    public var ttlNanoseconds: Int64
}
