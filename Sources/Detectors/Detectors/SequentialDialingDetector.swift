import Numbering

/// Sequential scanning: a caller whose successive callees walk a number block upwards
/// (each callee a small step above the previous one: `max_step` allows skips). The
/// value is the length of the current run. Repeats of one number do not break a run.
public final class SequentialDialingDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var maxStep = 20.0
        public var warning = 3.0
        public var critical = 4.0
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("max_step", \.maxStep, 1...1e6), Parameter("warning", \.warning, 2...1e6),
             Parameter("critical", \.critical, 2...1e6)]
        }
    }

    struct State {
        var last: UInt64 = 0
        var digits: UInt8 = 0
        var run: UInt32 = 0
    }

    public static let id = "sequential"
    public var id: String { Self.id }
    let configs: [Config]
    var callers: LRUTable<State>

    public init(configs: [Config], capacity: Int) {
        self.configs = configs
        callers = LRUTable(capacity: capacity, empty: State())
    }

    public func screen(_ f: CallFacts) -> Finding {
        guard f.callerKey != 0, let callee = f.callee else { return .none }
        let c = configs[f.profile]
        let s = callers.slot(f.callerKey).slot
        var st = callers[s]
        if st.run > 0 && st.digits == callee.digitCount && callee.value > st.last && Double(callee.value - st.last) <= c.maxStep {
            st.run += 1
        } else if !(st.run > 0 && callee.value == st.last) {
            st.run = 1
        }
        st.last = callee.value
        st.digits = callee.digitCount
        callers[s] = st
        let run = Double(st.run)
        return Finding(Level.of(run, warning: c.warning, critical: c.critical), run)
    }

    public func reset(_ entity: UInt64) { callers.reset(entity) }
    public var evictions: Int { callers.evictions }
}
