import StateCoding
import Wire

/// Fan-out: distinct callees per caller within a window that opens at the caller's
/// first call and closes `window` later (exact up to 8, a HyperLogLog sketch beyond).
public final class FanOutDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var window = 600.0
        public var warning = 15.0
        public var critical = 30.0
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("window", \.window, 1...86_400, duration: true), Parameter("warning", \.warning, 1...1e9),
             Parameter("critical", \.critical, 1...1e9)]
        }
    }

    struct State {
        var opened: Nanoseconds = 0
        var callees = DistinctCounter()
    }

    public static let id = "fan_out"
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
        let s = callers.slot(f.callerKey).slot
        if callers[s].opened == 0 || f.time - callers[s].opened > Nanoseconds(c.window * 1e9) {
            callers[s] = State(opened: f.time)
        }
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
