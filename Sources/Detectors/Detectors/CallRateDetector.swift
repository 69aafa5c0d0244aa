import StateCoding
import Calls
import Wire

/// Call rate per caller: calls in the last minute and the last hour (sliding windows)
/// and calls up at once. The worst of the three sets the level.
public final class CallRateDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var perMinuteWarning = 8.0, perMinuteCritical = 20.0
        public var perHourWarning = 60.0, perHourCritical = 200.0
        public var concurrentWarning = 4.0, concurrentCritical = 10.0
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("per_minute_warning", \.perMinuteWarning, 1...1e9), Parameter("per_minute_critical", \.perMinuteCritical, 1...1e9),
             Parameter("per_hour_warning", \.perHourWarning, 1...1e9), Parameter("per_hour_critical", \.perHourCritical, 1...1e9),
             Parameter("concurrent_warning", \.concurrentWarning, 1...1e9), Parameter("concurrent_critical", \.concurrentCritical, 1...1e9)]
        }
    }

    struct State {
        var minute = SlidingCount()
        var hour = SlidingCount()
        var concurrent: Int32 = 0
    }

    public static let id = "call_rate"
    public var id: String { Self.id }
    let configs: [Config]
    var callers: LRUTable<State>

    public init(configs: [Config], capacity: Int) {
        self.configs = configs
        callers = LRUTable(capacity: capacity, empty: State())
    }

    public func screen(_ f: CallFacts) -> Finding {
        guard f.callerKey != 0 else { return .none }
        let c = configs[f.profile]
        let s = callers.slot(f.callerKey).slot
        let perMinute = callers[s].minute.add(at: f.time, window: 60_000_000_000)
        let perHour = callers[s].hour.add(at: f.time, window: 3_600_000_000_000)
        callers[s].concurrent += 1
        let concurrent = Double(callers[s].concurrent)
        let level = max(Level.of(perMinute, warning: c.perMinuteWarning, critical: c.perMinuteCritical),
                        Level.of(perHour, warning: c.perHourWarning, critical: c.perHourCritical),
                        Level.of(concurrent, warning: c.concurrentWarning, critical: c.concurrentCritical))
        return Finding(level, perMinute)
    }

    public func ended(_ r: CallRecord) {
        guard let key = r.caller?.key, let s = callers.find(key), callers[s].concurrent > 0 else { return }
        callers[s].concurrent -= 1
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
