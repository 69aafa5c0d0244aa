import StateCoding
import Wire

/// A number never seen before that at once reaches many distinct callees: the
/// count runs only for `window` after the number's first call, so an established
/// caller never trips it however busy it gets later. Calls from the operator's own
/// access network are skipped unless `include_access` is 1: the operator knows its
/// subscribers' numbers, and a trace that starts mid-day makes every one look new.
public final class NewNumberBurstDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var window = 120.0
        public var warning = 4.0
        public var critical = 6.0
        public var includeAccess = 0.0
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("window", \.window, 1...86_400, duration: true), Parameter("warning", \.warning, 1...1e9),
             Parameter("critical", \.critical, 1...1e9), Parameter("include_access", \.includeAccess, 0...1)]
        }
    }

    struct State {
        var firstSeen: Nanoseconds = 0
        var callees = DistinctCounter()
    }

    public static let id = "new_number_burst"
    public var id: String { Self.id }
    let configs: [Config]
    var callers: LRUTable<State>

    public init(configs: [Config], capacity: Int) {
        self.configs = configs
        callers = LRUTable(capacity: capacity, empty: State())
    }

    public func screen(_ f: CallFacts) -> Finding {
        guard f.callerKey != 0, f.calleeKey != 0 else { return .none }
        let c = configs[f.profile]
        guard f.role != .access || c.includeAccess > 0 else { return .none }
        let (s, isNew) = callers.slot(f.callerKey)
        if isNew || callers[s].firstSeen == 0 { callers[s].firstSeen = f.time }
        guard f.time - callers[s].firstSeen <= Nanoseconds(c.window * 1e9) else { return .none }
        callers[s].callees.add(f.calleeKey)
        let n = callers[s].callees.count
        return Finding(Level.of(n, warning: c.warning, critical: c.critical), n)
    }

    public func reserveCapacity() { callers.reserveCapacity() }

    public func reset(_ entity: UInt64) { callers.reset(entity) }
    public var evictions: Int { callers.evictions }

    public func save(_ w: inout StateWriter) {
        callers.save(&w)
    }

    public func load(_ r: inout StateReader) throws(StateError) {
        try callers.load(&r)
    }
}
