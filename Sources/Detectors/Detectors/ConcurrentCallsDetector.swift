import StateCoding
import Calls
import Wire

/// Calls one number has up at once (set up and not yet ended). A person holds one call,
/// two with call waiting; a robocaller or a number shared by a gateway holds many.
/// Independent of volume over time, so it corroborates a burst of new-number calls
/// without counting the same thing twice. Calls that time out or are blocked end here too.
public final class ConcurrentCallsDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var warning = 3.0
        public var critical = 5.0
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("warning", \.warning, 1...1e9), Parameter("critical", \.critical, 1...1e9)]
        }
    }

    public static let id = "concurrent_calls"
    public var id: String { Self.id }
    let configs: [Config]
    var callers: LRUTable<Int32>

    public init(configs: [Config], capacity: Int) {
        self.configs = configs
        callers = LRUTable(capacity: capacity, empty: 0)
    }

    public func screen(_ f: CallFacts) -> Finding {
        guard f.callerKey != 0 else { return .none }
        let c = configs[f.profile]
        let s = callers.slot(f.callerKey).slot
        callers[s] += 1
        let n = Double(callers[s])
        return Finding(Level.of(n, warning: c.warning, critical: c.critical), n)
    }

    public func ended(_ r: CallRecord) {
        guard let key = r.caller?.key, let s = callers.find(key), callers[s] > 0 else { return }
        callers[s] -= 1
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
