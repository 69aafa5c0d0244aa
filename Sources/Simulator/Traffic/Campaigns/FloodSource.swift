/// A robocall flood: a fresh number bursting to thousands of callees, then another (or,
/// rotating, a new number of its block on every call).
final class FloodSource: CampaignSource {
    override func call(_ ctx: SimContext, at t: Int64) -> CallPlan {
        let callee = ctx.randomSubscriber(&rng)
        var device = SimContext.trunkDevice
        device.userAgent = "AutoDialer/4.2"
        return fraud(ctx, at: t, caller: presented(freshMobile(ctx)), callee: ctx.population.number(callee), origin: entry(ctx),
                     device: device, outcome: ordinaryOutcome(ctx), calleeSubscriber: callee)
    }
}
