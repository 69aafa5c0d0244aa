/// Couriers and delivery drivers: subscribers whose job is to ring the next customer,
/// every few minutes, from one mobile number, moving from cell to cell. Many distinct
/// callees, short calls, mostly answered: a volume a burst detector must tolerate.
final class CourierCalls: TrafficSource {
    let couriers: Couriers

    init(_ ctx: SimContext, _ couriers: Couriers, seed: UInt64) {
        self.couriers = couriers
        super.init(seed: seed, stream: 5)
        nextStart = poisson(after: ctx.start, perHour: Double(couriers.count) * couriers.callsPerHour, end: ctx.end)
    }

    /// Courier `k`: a subscriber of the population on a radio access network.
    private func subscriber(_ ctx: SimContext, _ k: Int) -> Int {
        Int(mixHash(ctx.seed, UInt64(k), 51) % UInt64(ctx.population.count))
    }

    override func makeCall(_ ctx: SimContext) -> CallPlan {
        let t = nextStart
        let courier = subscriber(ctx, rng.below(max(1, couriers.count)))
        var callee = ctx.randomSubscriber(&rng)
        if callee == courier { callee = (callee + 1) % ctx.population.count }
        var device = ctx.subscriberDevice(courier)
        let access = ctx.scenario.network.access[ctx.population.access(courier)]
        if access.cells > 0, device.accessNetworkInfo != nil {
            // On the road: a different cell from call to call.
            device.accessNetworkInfo = ctx.cellInfo(plmn: access.plmn, area: access.name, cell: rng.below(access.cells))
        }
        let plan = ctx.plan(&rng, at: t, label: .legit, scenario: "courier", caller: ctx.population.number(courier),
                            callee: ctx.population.number(callee), origin: ctx.subscriberOrigin(courier, &rng), device: device,
                            outcome: ctx.ratioOutcome(&rng, answer: couriers.answerRatio, holdingMedian: 35),
                            callerSubscriber: courier, calleeSubscriber: callee)
        nextStart = poisson(after: t, perHour: Double(couriers.count) * couriers.callsPerHour, end: ctx.end)
        return plan
    }

    override func expectedCalls(_ ctx: SimContext) -> Double {
        Double(couriers.count) * couriers.callsPerHour * Double(ctx.end - ctx.start) / 3.6e12
    }
    override var label: String { "courier" }
}
