import Calls
import StateCoding

/// How far a detector's measure has gone past its thresholds.
public enum Level: UInt8, Sendable, Comparable, CaseIterable {
    case none, warning, critical

    public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

    /// The level of `value` against `warning` and `critical` thresholds (higher is worse).
    @inline(__always)
    public static func of(_ value: Double, warning: Double, critical: Double) -> Level {
        value >= critical ? .critical : value >= warning ? .warning : .none
    }
}

/// What one detector says about one call setup.
public struct Finding: Sendable, Equatable {
    public var level: Level
    /// The measure that crossed (distinct callees, run length, score...), for reports.
    public var value: Double

    public init(_ level: Level, _ value: Double) {
        self.level = level
        self.value = value
    }

    public static let none = Finding(.none, 0)
}

/// One parameter of a detector's configuration, settable by name from a rule set or a
/// threshold sweep (`fan_out.critical`).
public struct Parameter<Config>: @unchecked Sendable {
    public let name: String
    public let path: WritableKeyPath<Config, Double>
    public let range: ClosedRange<Double>
    /// A duration in seconds (rule sets accept `90s`, `10m`).
    public let isDuration: Bool

    public init(_ name: String, _ path: WritableKeyPath<Config, Double>, _ range: ClosedRange<Double>, duration: Bool = false) {
        self.name = name
        self.path = path
        self.range = range
        self.isDuration = duration
    }
}

/// A detector's thresholds and windows: plain numbers with defaults, one value per
/// caller profile.
public protocol DetectorConfig: Sendable {
    init()
    static var parameters: [Parameter<Self>] { get }
}

/// A small state machine over call events. `screen` sees each call setup once, in
/// trace order, and decides from what came before it (and the setup itself); `ended`
/// sees each call's final state. State is bounded: tables evict.
public protocol Detector: AnyObject {
    /// The reason id in verdicts (`fan_out`).
    var id: String { get }
    func screen(_ facts: CallFacts) -> Finding
    func ended(_ record: CallRecord)
    /// Forgets everything about `entity` (a caller's key, a source, a cell): the
    /// per-entity reset operators need after a false alarm.
    func reset(_ entity: UInt64)
    /// Entries dropped because a table was full.
    var evictions: Int { get }
    /// Writes every table (`replay --state-out`), and reads them back into a fresh
    /// detector of the same rule set (`--state-in`).
    func save(_ w: inout StateWriter)
    func load(_ r: inout StateReader) throws(StateError)
    /// Sizes every table for its full capacity now (`serve`: no growth stalls later).
    func reserveCapacity()
}

extension Detector {
    public func ended(_ record: CallRecord) {}
    public func reserveCapacity() {}
}

/// A detector built from a config per caller profile (index 0 is the default).
public protocol ConfigurableDetector: Detector {
    associatedtype Config: DetectorConfig
    static var id: String { get }
    init(configs: [Config], capacity: Int)
}
