/// Something that places calls over time: a population's normal calling, a bank's
/// notification line, one fraud gateway. The generator merges all sources by the time
/// of their next call, so calls come out in time order without buffering.
class TrafficSource {
    /// When the next call starts (nanoseconds since the epoch); `Int64.max` when done.
    var nextStart: Int64 = .max
    var rng: SimRandom

    init(seed: UInt64, stream: UInt64) {
        rng = SimRandom(seed: seed, stream: stream)
    }

    /// The call starting at `nextStart`; afterwards `nextStart` moves on.
    func makeCall(_ ctx: SimContext) -> CallPlan { fatalError("subclass") }

    /// Expected number of calls over the whole scenario (for `--calls` scaling and tests).
    func expectedCalls(_ ctx: SimContext) -> Double { 0 }

    /// The `scenario` label of the calls this source places.
    var label: String { "" }

    /// Schedules the next call of a Poisson process with `perHour` calls per hour,
    /// ending at `end`.
    func poisson(after t: Int64, perHour: Double, end: Int64) -> Int64 {
        guard perHour > 0 else { return .max }
        let gap = rng.exponential(mean: 3600 / perHour)
        let next = t + Int64(gap * 1e9)
        return next < end ? next : .max
    }
}

/// Subscribers calling each other (and now and then someone they do not know), at a
/// per-subscriber rate shaped by the daily curve: a Poisson process thinned by the
/// curve, callers weighted by their activity, callees mostly from their contacts.
final class SubscriberCalls: TrafficSource {
    private let peakPerHour: Double
    private let curve: [Double]

    init(_ ctx: SimContext, seed: UInt64) {
        let n = ctx.scenario.normal
        let mean = n.dailyCurve.reduce(0, +) / 24
        curve = n.dailyCurve.map { $0 / mean }
        peakPerHour = Double(ctx.population.count) * n.callsPerSubscriberPerHour * (curve.max() ?? 1)
        super.init(seed: seed, stream: 1)
        nextStart = advance(from: ctx.start, ctx)
    }

    /// Hour-of-day weight at `t` (relative to the daily mean).
    func load(at t: Int64) -> Double {
        let hour = Int((t / 1_000_000_000 / 3600) % 24)
        return curve[hour]
    }

    private func advance(from t: Int64, _ ctx: SimContext) -> Int64 {
        var t = t
        let peak = curve.max() ?? 1
        while true {
            t = poisson(after: t, perHour: peakPerHour, end: ctx.end)
            if t == .max || rng.unit() * peak < load(at: t) { return t }
        }
    }

    override func makeCall(_ ctx: SimContext) -> CallPlan {
        let t = nextStart
        let pop = ctx.population
        var caller = rng.below(pop.count)
        while rng.unit() * 4 >= pop.activity(caller) { caller = rng.below(pop.count) }
        let n = ctx.scenario.normal
        var callee: Int
        if rng.chance(n.socialShare) {
            let contacts = pop.contacts(of: caller, min: n.contactsMin, max: n.contactsMax)
            callee = contacts[rng.below(contacts.count)]
        } else {
            callee = rng.below(pop.count)
            if callee == caller { callee = (callee + 1) % pop.count }
        }
        // Draw order (origin, then outcome) keeps traces of scenarios without the honest
        // extras byte-identical to what they were before those extras existed.
        let origin = ctx.subscriberOrigin(caller, &rng)
        var outcome = ctx.normalOutcome(&rng)
        if n.quickHangupShare > 0 && rng.chance(n.quickHangupShare) { outcome = (.cancelled, rng.between(1.5, 4)) }
        var plan = ctx.plan(&rng, at: t, label: .legit, scenario: "normal", caller: pop.number(caller), callee: pop.number(callee),
                            origin: origin, device: ctx.subscriberDevice(caller),
                            outcome: outcome, callerSubscriber: caller, calleeSubscriber: callee)
        if n.anonymousShare > 0 { plan.anonymous = rng.chance(n.anonymousShare) }
        if n.lostByeShare > 0, case .answered = plan.outcome { plan.loseBye = rng.chance(n.lostByeShare) }
        nextStart = advance(from: t, ctx)
        return plan
    }

    override var label: String { "normal" }

    override func expectedCalls(_ ctx: SimContext) -> Double {
        // Integrate the curve over the scenario, hour by hour.
        var total = 0.0
        var t = ctx.start
        let perHour = Double(ctx.population.count) * ctx.scenario.normal.callsPerSubscriberPerHour
        while t < ctx.end {
            let hourEnd = (t / 3_600_000_000_000 + 1) * 3_600_000_000_000
            let stop = min(hourEnd, ctx.end)
            total += perHour * load(at: t) * Double(stop - t) / 3.6e12
            t = stop
        }
        return total
    }
}

/// A legitimate high-volume caller (bank notifications, a call centre): steady calls
/// to customers from a few numbers over a trusted or domestic trunk.
final class HighVolumeCalls: TrafficSource {
    let caller: HighVolumeCaller
    private var turn = 0

    init(_ ctx: SimContext, _ caller: HighVolumeCaller, seed: UInt64, stream: UInt64) {
        self.caller = caller
        super.init(seed: seed, stream: stream)
        nextStart = poisson(after: ctx.start, perHour: caller.callsPerHour, end: ctx.end)
    }

    override func makeCall(_ ctx: SimContext) -> CallPlan {
        let t = nextStart
        turn += 1
        let number = SimNumber(caller.numbers[turn % caller.numbers.count])
        let callee = ctx.randomSubscriber(&rng)
        var device = SimContext.trunkDevice
        device.userAgent = caller.name
        let plan = ctx.plan(&rng, at: t, label: .legit, scenario: caller.name, caller: number,
                            callee: ctx.population.number(callee), origin: ctx.trunkOrigin(caller.trunk, &rng), device: device,
                            outcome: ctx.ratioOutcome(&rng, answer: caller.answerRatio, holdingMedian: caller.holdingMedianSeconds),
                            calleeSubscriber: callee)
        nextStart = poisson(after: t, perHour: caller.callsPerHour, end: ctx.end)
        return plan
    }

    override func expectedCalls(_ ctx: SimContext) -> Double { caller.callsPerHour * Double(ctx.end - ctx.start) / 3.6e12 }
    override var label: String { caller.name }
}

/// Honest callers abroad reaching subscribers over the international trunk.
final class ForeignCalls: TrafficSource {
    let foreign: ForeignTraffic

    init(_ ctx: SimContext, _ foreign: ForeignTraffic, seed: UInt64) {
        self.foreign = foreign
        super.init(seed: seed, stream: 3)
        nextStart = poisson(after: ctx.start, perHour: foreign.callsPerHour, end: ctx.end)
    }

    override func makeCall(_ ctx: SimContext) -> CallPlan {
        let t = nextStart
        let cc = foreign.countryCodes[rng.below(foreign.countryCodes.count)]
        let caller = SimNumber.inBlock(cc, offset: UInt64(rng.below(1_000_000_000)) + 2_000_000_000, length: cc.count + 10)
        let callee = ctx.randomSubscriber(&rng)
        var origin = ctx.trunkOrigin(foreign.trunk, &rng)
        origin.assertsIdentity = false
        let plan = ctx.plan(&rng, at: t, label: .legit, scenario: "foreign", caller: caller, callee: ctx.population.number(callee),
                            origin: origin, device: SimContext.trunkDevice,
                            outcome: ctx.ratioOutcome(&rng, answer: foreign.answerRatio, holdingMedian: 120, sigma: 0.9),
                            calleeSubscriber: callee)
        nextStart = poisson(after: t, perHour: foreign.callsPerHour, end: ctx.end)
        return plan
    }

    override func expectedCalls(_ ctx: SimContext) -> Double { foreign.callsPerHour * Double(ctx.end - ctx.start) / 3.6e12 }
    override var label: String { "foreign" }
}
