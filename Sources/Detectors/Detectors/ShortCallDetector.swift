import StateCoding
import Calls
import Wire

/// Short calls and a low answer ratio: over each caller's calls that ended within the
/// window, the answer-seizure ratio (ASR) and the average talk time (ACD). Needs
/// `min_calls` ended calls before it judges. Lower is worse for both measures; the
/// finding's value is the ASR.
public final class ShortCallDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var window = 3600.0
        public var minCalls = 8.0
        public var asrWarning = 0.3, asrCritical = 0.15
        public var acdWarning = 15.0, acdCritical = 6.0
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("window", \.window, 1...86_400, duration: true), Parameter("min_calls", \.minCalls, 1...1e6),
             Parameter("asr_warning", \.asrWarning, 0...1), Parameter("asr_critical", \.asrCritical, 0...1),
             Parameter("acd_warning", \.acdWarning, 0...86_400, duration: true),
             Parameter("acd_critical", \.acdCritical, 0...86_400, duration: true)]
        }
    }

    struct State {
        var opened: Nanoseconds = 0
        var ended: UInt32 = 0
        var answered: UInt32 = 0
        var talk: Double = 0
    }

    public static let id = "short_calls"
    public var id: String { Self.id }
    let configs: [Config]
    var callers: LRUTable<State>

    public init(configs: [Config], capacity: Int) {
        self.configs = configs
        callers = LRUTable(capacity: capacity, empty: State())
    }

    public func screen(_ f: CallFacts) -> Finding {
        guard f.callerKey != 0, let s = callers.find(f.callerKey) else { return .none }
        let c = configs[f.profile]
        let st = callers[s]
        guard Double(st.ended) >= c.minCalls else { return .none }
        let asr = Double(st.answered) / Double(st.ended)
        let acd = st.answered > 0 ? st.talk / Double(st.answered) : 0
        func low(_ v: Double, _ w: Double, _ cr: Double) -> Level { v <= cr ? .critical : v <= w ? .warning : .none }
        let level = max(low(asr, c.asrWarning, c.asrCritical), st.answered >= 3 ? low(acd, c.acdWarning, c.acdCritical) : .none)
        return Finding(level, asr)
    }

    public func ended(_ r: CallRecord) {
        guard case .terminated(let outcome) = r.state, let key = r.caller?.key else { return }
        let c = configs[0]
        let s = callers.slot(key).slot
        if callers[s].opened == 0 || r.endTime - callers[s].opened > Nanoseconds(c.window * 1e9) {
            callers[s] = State(opened: r.endTime)
        }
        callers[s].ended += 1
        if outcome == .answered {
            callers[s].answered += 1
            callers[s].talk += Double(r.talkDuration ?? 0) / 1e9
        }
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
