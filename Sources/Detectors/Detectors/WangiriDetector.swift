import StateCoding
import Calls
import Wire

/// Wangiri ("one ring and cut"): callers from premium-rate ranges are critical at once;
/// otherwise a caller whose calls ring briefly and are cancelled by the caller, across
/// several distinct callees within the window, rises to warning and critical (only to
/// warning for callers on the operator's own access network). (A Wangiri
/// operator that rotates its number is followed by the campaign detector's number block.)
public final class WangiriDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var ringMax = 5.0
        public var window = 600.0
        public var warning = 2.0
        public var critical = 3.0
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("ring_max", \.ringMax, 0.1...120, duration: true), Parameter("window", \.window, 1...86_400, duration: true),
             Parameter("warning", \.warning, 1...1e6), Parameter("critical", \.critical, 1...1e6)]
        }
    }

    struct State {
        var opened: Nanoseconds = 0
        /// Distinct callees rung briefly and cancelled: redialling one person is not Wangiri.
        var oneRings = DistinctCounter()
    }

    public static let id = "wangiri"
    public var id: String { Self.id }
    let configs: [Config]
    var callers: LRUTable<State>
    /// Premium-rate callback ranges: any call from them is critical.
    public var premiumRanges = NumberRanges()

    public init(configs: [Config], capacity: Int) {
        self.configs = configs
        callers = LRUTable(capacity: capacity, empty: State())
    }

    public func screen(_ f: CallFacts) -> Finding {
        if let caller = f.caller, premiumRanges.contains(caller) { return Finding(.critical, 1) }
        guard f.callerKey != 0, let s = callers.find(f.callerKey) else { return .none }
        let c = configs[f.profile]
        guard f.time - callers[s].opened <= Nanoseconds(c.window * 1e9) else { return .none }
        let n = callers[s].oneRings.count
        // Wangiri pays through the callback, so its number is a foreign or premium one.
        // The operator's own subscribers (access network) who hang up quickly on several
        // people are impatient, not fraudsters: their one-rings flag at most.
        let level = Level.of(n, warning: c.warning, critical: c.critical)
        return Finding(f.role == .access ? min(level, .warning) : level, n)
    }

    public func ended(_ r: CallRecord) {
        guard r.state == .terminated(.cancelled), let key = r.caller?.key, let callee = r.callee else { return }
        let c = configs[0]
        let rang = r.ringTime > 0 ? r.endTime - r.ringTime : r.endTime - r.setupTime
        guard Double(rang) / 1e9 <= c.ringMax else { return }
        let s = callers.slot(key).slot
        if callers[s].opened == 0 || r.endTime - callers[s].opened > Nanoseconds(c.window * 1e9) {
            callers[s] = State(opened: r.endTime)
        }
        callers[s].oneRings.add(callee.key)
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
