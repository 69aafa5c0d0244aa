/// One source of a fraud campaign (a gateway, a spoofing operator, a robocaller):
/// places calls while the campaign's window is open, changes its number every
/// `numberLifetimeCalls` calls, and labels every call it places as fraud with the
/// campaign's scenario label, camouflage calls included: the truth is per call.
class CampaignSource: TrafficSource {
    let campaign: Campaign
    let index: Int
    let windowStart: Int64
    let windowEnd: Int64
    private(set) var callsOnNumber = 0
    private(set) var numberGeneration = 0

    init(_ ctx: SimContext, _ campaign: Campaign, index: Int, seed: UInt64, stream: UInt64) {
        self.campaign = campaign
        self.index = index
        let d = Double(ctx.end - ctx.start)
        windowStart = ctx.start + Int64(d * campaign.window.0)
        windowEnd = ctx.start + Int64(d * campaign.window.1)
        super.init(seed: seed, stream: stream)
        nextStart = schedule(after: windowStart, first: true)
    }

    /// The next call time: Poisson at the campaign's rate (GoIP gateways override this).
    func schedule(after t: Int64, first: Bool) -> Int64 {
        poisson(after: t, perHour: campaign.callsPerHour, end: windowEnd)
    }

    /// Counts a call on the current number; true when the source has just moved to a new one.
    func useNumber() {
        callsOnNumber += 1
        if campaign.numberLifetimeCalls > 0 && callsOnNumber > campaign.numberLifetimeCalls {
            callsOnNumber = 1
            numberGeneration += 1
        }
    }

    /// A domestic mobile number no subscriber has, stable for (source, generation, k).
    func freshMobile(_ ctx: SimContext, _ k: UInt64 = 0) -> SimNumber {
        let ranges = ["170", "171", "165", "167", "184", "198"]
        let h = mixHash(ctx.seed ^ UInt64(campaign.kind.rawValue.utf8.count), UInt64(index) << 20 | UInt64(numberGeneration), k)
        let r = ranges[Int(h % UInt64(ranges.count))]
        return SimNumber.inBlock(ctx.scenario.countryCode + r, offset: (h >> 8) % 100_000_000, length: ctx.scenario.countryCode.count + 11)
    }

    override func makeCall(_ ctx: SimContext) -> CallPlan {
        let t = nextStart
        useNumber()
        let plan = call(ctx, at: t)
        nextStart = schedule(after: t, first: false)
        return plan
    }

    /// The kind's call at `t`.
    func call(_ ctx: SimContext, at t: Int64) -> CallPlan { fatalError("subclass") }

    override func expectedCalls(_ ctx: SimContext) -> Double { campaign.callsPerHour * Double(windowEnd - windowStart) / 3.6e12 }
    override var label: String { campaign.label }

    /// The campaign's trunk, or the access network of a random subscriber.
    func entry(_ ctx: SimContext) -> CallPlan.Origin {
        if let t = campaign.trunk {
            var o = ctx.trunkOrigin(t, &rng)
            o.assertsIdentity = false
            return o
        }
        return ctx.subscriberOrigin(ctx.randomSubscriber(&rng), &rng)
    }

    func fraud(_ ctx: SimContext, at t: Int64, caller: SimNumber, callee: SimNumber, origin: CallPlan.Origin,
               device: CallPlan.Device, outcome: (CallPlan.Outcome, Double), calleeSubscriber: Int? = nil) -> CallPlan {
        var p = ctx.plan(&rng, at: t, label: .fraud, scenario: campaign.label, caller: caller, callee: callee, origin: origin,
                         device: device, outcome: outcome, calleeSubscriber: calleeSubscriber)
        p.source = "\(campaign.label)#\(index)"
        return p
    }

    /// The number to present on this call: `base` itself, or with per-call rotation a
    /// random number of the `10^rotationBlockDigits` block `base` lies in.
    func presented(_ base: SimNumber) -> SimNumber {
        let d = campaign.rotationBlockDigits
        guard d > 0, base.digits.count > d else { return base }
        var room: UInt64 = 1
        for _ in 0..<d { room *= 10 }
        return SimNumber.inBlock(String(base.digits.dropLast(d)), offset: rng.next() % room, length: base.digits.count)
    }

    /// A call to a random subscriber with the campaign's answer ratio and holding time.
    func ordinaryOutcome(_ ctx: SimContext) -> (CallPlan.Outcome, Double) {
        ctx.ratioOutcome(&rng, answer: campaign.answerRatio, holdingMedian: campaign.holdingMedianSeconds)
    }
}
