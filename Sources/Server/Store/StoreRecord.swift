/// What `serve --store` keeps for an anti-fraud centre: one row per screened call setup,
/// per victim warning and per list change. Plain values with no engine types, built on
/// the screening loop and written by the store's own thread (see `PostgresStore`).
public enum StoreRecord: Sendable, Equatable {
    case verdict(VerdictRow)
    case warning(WarningRow)
    case audit(AuditRow)

    /// The table the record goes to (also the label of its metrics).
    public var table: StoreTable {
        switch self {
        case .verdict: .verdicts
        case .warning: .warnings
        case .audit: .audit
        }
    }
}

/// The three tables, named as in the database (`callguard_` + raw value).
public enum StoreTable: String, Sendable, CaseIterable {
    case verdicts, warnings, audit

    public var index: Int {
        switch self {
        case .verdicts: 0
        case .warnings: 1
        case .audit: 2
        }
    }
}

/// A screened call setup: the verdicts contract of `replay --verdicts`, as a row.
public struct VerdictRow: Sendable, Equatable {
    /// When the setup was seen, nanoseconds since the epoch.
    public var time: Int64
    public var callID: String
    /// `+` and the E.164 digits when the party is a number, else the raw user part.
    public var caller: String
    public var callee: String
    /// Transport addresses, `ip:port`.
    public var source: String
    public var destination: String
    /// `allow`, `flag` or `block`.
    public var verdict: String
    public var reasons: [String]
    public var score: Double
    public var latencyNanoseconds: Int64
    /// The list entry that decided, if a list did.
    public var matchedEntry: String?
    /// `sip`, `sip-i` or `isup`.
    public var signalling: String
    /// Screened while the detectors were still warming up.
    public var warmup: Bool

    public init(time: Int64, callID: String, caller: String, callee: String, source: String, destination: String,
                verdict: String, reasons: [String], score: Double, latencyNanoseconds: Int64, matchedEntry: String?,
                signalling: String, warmup: Bool) {
        self.time = time
        self.callID = callID
        self.caller = caller
        self.callee = callee
        self.source = source
        self.destination = destination
        self.verdict = verdict
        self.reasons = reasons
        self.score = score
        self.latencyNanoseconds = latencyNanoseconds
        self.matchedEntry = matchedEntry
        self.signalling = signalling
        self.warmup = warmup
    }
}

/// A person to call back: they talked to a number that was blocked later.
public struct WarningRow: Sendable, Equatable {
    public var callee: String
    public var caller: String
    /// When the answered call was set up, nanoseconds since the epoch.
    public var callTime: Int64
    public var talkSeconds: Double
    /// When the caller was blocked.
    public var warnedAt: Int64
    public var reasons: [String]

    public init(callee: String, caller: String, callTime: Int64, talkSeconds: Double, warnedAt: Int64, reasons: [String]) {
        self.callee = callee
        self.caller = caller
        self.callTime = callTime
        self.talkSeconds = talkSeconds
        self.warnedAt = warnedAt
        self.reasons = reasons
    }
}

/// One change of the live lists: who blocked (or unblocked) what, and when.
public struct AuditRow: Sendable, Equatable {
    /// When the change was made, nanoseconds since the epoch.
    public var time: Int64
    /// `add`, `remove` or `reset`.
    public var operation: String
    /// The number or prefix as written (`+8613…`, `+86138*`).
    public var entry: String
    /// `block` or `allow`.
    public var list: String
    /// `exact`, `prefix` or `auto` (added by a detector).
    public var kind: String
    public var ttlSeconds: Double?
    /// `admin`, the updates file's path, or the detector that auto-blocked.
    public var origin: String
    /// The change was asked for but refused (for example a malformed entry).
    public var refused: Bool

    public init(time: Int64, operation: String, entry: String, list: String, kind: String, ttlSeconds: Double?,
                origin: String, refused: Bool) {
        self.time = time
        self.operation = operation
        self.entry = entry
        self.list = list
        self.kind = kind
        self.ttlSeconds = ttlSeconds
        self.origin = origin
        self.refused = refused
    }
}

/// Takes records from the screening loop. Must not block: an implementation queues and
/// writes elsewhere.
public protocol RecordSink: AnyObject, Sendable {
    func submit(_ record: StoreRecord)
}
