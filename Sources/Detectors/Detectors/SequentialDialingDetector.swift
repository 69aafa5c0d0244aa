import StateCoding
import Numbering
import Wire

/// Sequential scanning: callees that walk a number block upwards (each a small step
/// above the previous one: `max_step` allows skips). Followed two ways, and the longer
/// run counts:
/// - per caller: the successive callees of one presented number (repeats of one number
///   do not break a run);
/// - per walk: the callees of one source address and caller number block (10,000
///   numbers) inside one callee block of 1,000 numbers, whatever number each call
///   presents. A scanner that rotates its caller ID inside a block it holds is still one
///   walk. Calls into the block that do not continue the walk (other
///   people's calls through the same trunk) are passed over rather than breaking it,
///   and a walk that has not moved on for `max_gap` starts again.
public final class SequentialDialingDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var maxStep = 20.0
        public var warning = 3.0
        public var critical = 4.0
        public var maxGap = 60.0
        public var walkWarning = 3.0
        public var walkCritical = 4.0
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("max_step", \.maxStep, 1...1e6), Parameter("warning", \.warning, 2...1e6),
             Parameter("critical", \.critical, 2...1e6), Parameter("max_gap", \.maxGap, 1...86_400, duration: true),
             Parameter("walk_warning", \.walkWarning, 2...1e6), Parameter("walk_critical", \.walkCritical, 2...1e6)]
        }
    }

    struct State {
        var last: UInt64 = 0
        var digits: UInt8 = 0
        var run: UInt32 = 0
        var at: Nanoseconds = 0
    }

    public static let id = "sequential"
    public var id: String { Self.id }
    let configs: [Config]
    var callers: LRUTable<State>
    var walks: LRUTable<State>

    public init(configs: [Config], capacity: Int) {
        self.configs = configs
        callers = LRUTable(capacity: capacity, empty: State())
        walks = LRUTable(capacity: max(1, capacity / 4), empty: State())
    }

    public func screen(_ f: CallFacts) -> Finding {
        guard let callee = f.callee else { return .none }
        let c = configs[f.profile]
        var level = Level.none
        var value = 0.0
        if f.callerKey != 0 {
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
            value = Double(st.run)
            level = Level.of(value, warning: c.warning, critical: c.critical)
        }
        // The walk belongs to a source and the caller's number block (the block a rotating
        // scanner draws from), so another caller's call through the same trunk that happens
        // to land just above the walk is never taken for one of its steps.
        let callerBlock = f.caller.map { CampaignDetector.blockKey(source: f.sourceKey, caller: $0, digits: 4) } ?? f.sourceKey
        let walkKey = KeyMix.mix(callerBlock ^ (callee.value / 1000) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(callee.digitCount) << 58) | 1
        let w = walks.slot(walkKey).slot
        var st = walks[w]
        let stale = st.run == 0 || f.time - st.at > Nanoseconds(c.maxGap * 1e9)
        if !stale && callee.value > st.last && Double(callee.value - st.last) <= c.maxStep {
            st.run += 1
            st.last = callee.value
            st.at = f.time
        } else if stale {
            st = State(last: callee.value, digits: callee.digitCount, run: 1, at: f.time)
        }
        walks[w] = st
        let walkLevel = Level.of(Double(st.run), warning: c.walkWarning, critical: c.walkCritical)
        if walkLevel > level || (walkLevel == level && Double(st.run) > value) {
            level = walkLevel
            value = Double(st.run)
        }
        return Finding(level, value)
    }

    public func reserveCapacity() { callers.reserveCapacity(); walks.reserveCapacity() }

    public func reset(_ entity: UInt64) {
        callers.reset(entity)
        walks.reset(entity)
    }
    public var evictions: Int { callers.evictions + walks.evictions }

    public func save(_ w: inout StateWriter) {
        callers.save(&w)
        walks.save(&w)
    }

    public func load(_ r: inout StateReader) throws(StateError) {
        try callers.load(&r)
        try walks.load(&r)
    }
}
