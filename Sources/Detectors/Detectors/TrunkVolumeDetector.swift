import StateCoding
import Calls
import Wire

/// A declared enterprise trunk (a PBX, a contact centre) judged as the customer it is:
/// against the volume it contracted for and against its own history, not against a
/// handset's. All the trunk's addresses count together, whatever numbers it presents.
///
/// - **Contract** (on the trunk in the rule set: `contract: {calls_per_minute,
///   calls_per_hour, concurrent}`; a profile's `per_minute_contract` and the like
///   override it): calls per minute, calls per hour and calls up at once. Over the
///   contract is a warning; over `critical_factor` times it is critical while the trunk
///   has no history yet. Once it has, its calls past the contract are critical only to
///   destinations it never called: the customer's own calls in a rush (or a hijack) are
///   flagged, not refused, and running over the contract to the usual places is a
///   matter for billing, not fraud.
/// - **History**: an exponentially weighted mean of the trunk's calls per minute over
///   about `history_window`, learned from its ordinary minutes only (a surge does not
///   teach the baseline it is judged against), and the destinations it calls (the
///   callee's first `destination_digits` digits, its own once called in
///   `destination_minutes` distinct minutes). After `history_minutes` minutes of
///   it, a rate over the last minute above `history_factor` times the mean (and above
///   `history_floor`) is a surge: a warning for calls to destinations the trunk calls
///   anyway (a customer's campaign day), critical for calls to destinations it never
///   called. That is what a hijacked PBX does: pump calls to high-cost international
///   numbers whose revenue its hijacker shares, on the customer's bill.
///
/// The finding is about the trunk, not the number it presents: a rule set keeps
/// `auto_block: false` for it, so that the excess calls are refused and the customer's
/// main number is not blocked for everyone.
public final class TrunkVolumeDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var perMinuteContract = 0.0, perHourContract = 0.0, concurrentContract = 0.0
        public var criticalFactor = 2.0
        public var historyWindow = 3600.0
        public var historyMinutes = 30.0
        public var historyFactor = 3.0
        public var historyFloor = 10.0
        public var destinationDigits = 5.0
        public var destinationMinutes = 3.0
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("per_minute_contract", \.perMinuteContract, 0...1e9), Parameter("per_hour_contract", \.perHourContract, 0...1e9),
             Parameter("concurrent_contract", \.concurrentContract, 0...1e9), Parameter("critical_factor", \.criticalFactor, 1...1e6),
             Parameter("history_window", \.historyWindow, 60...(30 * 86_400), duration: true),
             Parameter("history_minutes", \.historyMinutes, 1...1e6), Parameter("history_factor", \.historyFactor, 1...1e6),
             Parameter("history_floor", \.historyFloor, 0...1e9), Parameter("destination_digits", \.destinationDigits, 1...15),
             Parameter("destination_minutes", \.destinationMinutes, 1...1e6)]
        }
    }

    /// One trunk's traffic.
    struct Usage {
        var minuteStart: Nanoseconds = 0
        var minuteCalls: UInt32 = 0
        var rate = SlidingCount()
        var hour = SlidingCount()
        var concurrent: Int32 = 0
        /// Mean calls per minute over the ordinary minutes learned so far, and how many.
        var mean = 0.0
        var learned: UInt32 = 0
        /// Whether the current minute has gone past what the trunk may do (not learned from).
        var unusual = false
    }

    public static let id = "trunk_volume"
    public var id: String { Self.id }
    let configs: [Config]
    var trunks: LRUTable<Usage>
    /// The trunk behind each source address seen, so that a call's end finds its trunk.
    var sources: LRUTable<UInt16>
    /// Destinations each trunk called in its ordinary minutes (key: trunk and prefix).
    var destinations: LRUTable<Destination>

    /// In how many distinct minutes a trunk's ordinary calls went to one destination: a
    /// destination is the trunk's own after `destination_minutes` of them, so that the
    /// first calls of a hijack, before its volume shows, do not teach it.
    struct Destination {
        var lastMinute: Int64 = -1
        var minutes: UInt32 = 0
    }

    public init(configs: [Config], capacity: Int) {
        self.configs = configs
        trunks = LRUTable(capacity: 4096, empty: Usage())
        sources = LRUTable(capacity: 4096, empty: 0)
        destinations = LRUTable(capacity: max(1, capacity / 4), empty: Destination())
    }

    static let minute: Nanoseconds = 60_000_000_000

    public func screen(_ f: CallFacts) -> Finding {
        guard f.role == .enterprise, f.trunk != 0 else { return .none }
        let c = configs[f.profile]
        sources[sources.slot(f.sourceKey).slot] = f.trunk
        let s = trunks.slot(UInt64(f.trunk)).slot
        roll(&trunks[s], to: f.time, c)
        trunks[s].minuteCalls &+= 1
        trunks[s].concurrent += 1
        let hour = trunks[s].hour.add(at: f.time, window: 60 * Self.minute)
        let perMinute = trunks[s].rate.add(at: f.time, window: Self.minute)
        let u = trunks[s]

        // How far past its contract (1: at it), on the measure furthest past.
        var over = 0.0
        let perMinuteContract = c.perMinuteContract > 0 ? c.perMinuteContract : f.contract.callsPerMinute
        let perHourContract = c.perHourContract > 0 ? c.perHourContract : f.contract.callsPerHour
        let concurrentContract = c.concurrentContract > 0 ? c.concurrentContract : f.contract.concurrent
        if perMinuteContract > 0 { over = max(over, perMinute / perMinuteContract) }
        if perHourContract > 0 { over = max(over, hour / perHourContract) }
        if concurrentContract > 0 { over = max(over, Double(u.concurrent) / concurrentContract) }
        let known = Double(u.learned) >= c.historyMinutes
        let surge = known && perMinute > max(c.historyFloor, c.historyFactor * u.mean)

        let destination = f.callee.map { KeyMix.mix(UInt64(f.trunk) &* 0x9E37_79B9_7F4A_7C15 ^ $0.prefix(Int(c.destinationDigits)).key) }
        let newDestination = known && destination.map { key in
            destinations.find(key).map { Double(destinations[$0].minutes) < c.destinationMinutes } ?? true
        } ?? false

        var level = Level.none
        if over > 1 || surge { level = .warning }
        if over > c.criticalFactor && !known { level = .critical }
        if (surge || over > 1) && newDestination { level = .critical }
        if level > .none {
            trunks[s].unusual = true
        } else if let destination {
            // An ordinary call teaches the trunk where it calls, once per minute.
            let d = destinations.slot(destination).slot
            let minute = f.time / Self.minute
            if destinations[d].lastMinute != minute {
                destinations[d].lastMinute = minute
                destinations[d].minutes &+= 1
            }
        }
        return Finding(level, over > 1 ? over : perMinute)
    }

    /// Folds the minutes gone by into the trunk's history (its ordinary ones only).
    private func roll(_ u: inout Usage, to t: Nanoseconds, _ c: Config) {
        if u.minuteStart == 0 { u.minuteStart = t; return }
        guard t - u.minuteStart >= Self.minute else { return }
        let alpha = min(1, 60 / c.historyWindow)
        let gone = min(Int((t - u.minuteStart) / Self.minute), Int(c.historyWindow / 60) + 1)
        for i in 0..<gone {
            let calls = i == 0 ? Double(u.minuteCalls) : 0
            if i == 0 && u.unusual { continue }
            u.mean += alpha * (calls - u.mean)
            u.learned &+= 1
        }
        u.minuteStart += Nanoseconds((t - u.minuteStart) / Self.minute) * Self.minute
        u.minuteCalls = 0
        u.unusual = false
    }

    public func ended(_ r: CallRecord) {
        guard let src = sources.find(CallFacts.sourceKey(r.source)), let s = trunks.find(UInt64(sources[src])),
              trunks[s].concurrent > 0 else { return }
        trunks[s].concurrent -= 1
    }

    public func reserveCapacity() { trunks.reserveCapacity(); sources.reserveCapacity(); destinations.reserveCapacity() }

    public func reset(_ entity: UInt64) { trunks.reset(entity) }
    public var evictions: Int { trunks.evictions + sources.evictions + destinations.evictions }

    public func save(_ w: inout StateWriter) {
        trunks.save(&w)
        sources.save(&w)
        destinations.save(&w)
    }

    public func load(_ r: inout StateReader) throws(StateError) {
        try trunks.load(&r)
        try sources.load(&r)
        try destinations.load(&r)
    }
}
