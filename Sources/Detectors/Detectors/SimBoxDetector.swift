import StateCoding
import Wire

/// GoIP / SIM box: a score from the gateway's SIP fingerprint (each trait has a
/// weight) and its behaviour, many distinct caller numbers behind one thing that
/// should carry few: one source address not known as an SBC or trunk, one radio cell
/// and handset type (TAC) together. Warning and critical are thresholds on the score,
/// so one matching string alone need not block.
public final class SimBoxDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var userAgentWeight = 0.5, maxForwardsWeight = 0.2, digitBranchWeight = 0.2
        public var sdpSessionWeight = 0.4, sdpUserWeight = 0.2
        public var window = 600.0
        public var callersPerSource = 6.0, sourceWeight = 0.3
        public var callersPerCellAndTAC = 6.0, cellWeight = 0.3
        public var warning = 0.5
        public var critical = 0.8
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("user_agent_weight", \.userAgentWeight, 0...10), Parameter("max_forwards_weight", \.maxForwardsWeight, 0...10),
             Parameter("digit_branch_weight", \.digitBranchWeight, 0...10), Parameter("sdp_session_weight", \.sdpSessionWeight, 0...10),
             Parameter("sdp_user_weight", \.sdpUserWeight, 0...10), Parameter("window", \.window, 1...86_400, duration: true),
             Parameter("callers_per_source", \.callersPerSource, 2...1e6), Parameter("source_weight", \.sourceWeight, 0...10),
             Parameter("callers_per_cell_and_tac", \.callersPerCellAndTAC, 2...1e6), Parameter("cell_weight", \.cellWeight, 0...10),
             Parameter("warning", \.warning, 0...100), Parameter("critical", \.critical, 0...100)]
        }
    }

    struct State {
        var opened: Nanoseconds = 0
        var callers = DistinctCounter()
    }

    public static let id = "simbox"
    public var id: String { Self.id }
    let configs: [Config]
    var sources: LRUTable<State>
    var cells: LRUTable<State>

    public init(configs: [Config], capacity: Int) {
        self.configs = configs
        sources = LRUTable(capacity: max(1, capacity / 4), empty: State())
        cells = LRUTable(capacity: max(1, capacity / 4), empty: State())
    }

    public func screen(_ f: CallFacts) -> Finding {
        let c = configs[f.profile]
        var score = 0.0
        if f.traits.contains(.userAgentToken) { score += c.userAgentWeight }
        if f.traits.contains(.maxForwards30) { score += c.maxForwardsWeight }
        if f.traits.contains(.digitBranch) { score += c.digitBranchWeight }
        if f.traits.contains(.sdpSession) { score += c.sdpSessionWeight }
        if f.traits.contains(.sdpUserN) { score += c.sdpUserWeight }
        let window = Nanoseconds(c.window * 1e9)
        if f.role == .unknown && f.callerKey != 0 {
            if count(&sources, f.sourceKey, f.callerKey, f.time, window) >= c.callersPerSource { score += c.sourceWeight }
        }
        if f.cell != 0 && f.tac != 0 && f.callerKey != 0 {
            let key = f.cell ^ (UInt64(f.tac) &* 0x9E37_79B9_7F4A_7C15)
            if count(&cells, key, f.callerKey, f.time, window) >= c.callersPerCellAndTAC { score += c.cellWeight }
        }
        return Finding(Level.of(score, warning: c.warning, critical: c.critical), score)
    }

    private func count(_ table: inout LRUTable<State>, _ key: UInt64, _ caller: UInt64, _ t: Nanoseconds, _ window: Nanoseconds) -> Double {
        let s = table.slot(key).slot
        if table[s].opened == 0 || t - table[s].opened > window { table[s] = State(opened: t) }
        table[s].callers.add(caller)
        return table[s].callers.count
    }

    public func reserveCapacity() { sources.reserveCapacity(); cells.reserveCapacity() }

    public func reset(_ entity: UInt64) {
        sources.reset(entity)
        cells.reset(entity)
    }

    public var evictions: Int { sources.evictions + cells.evictions }

    public func save(_ w: inout StateWriter) {
        sources.save(&w)
        cells.save(&w)
    }

    public func load(_ r: inout StateReader) throws(StateError) {
        try sources.load(&r)
        try cells.load(&r)
    }
}
