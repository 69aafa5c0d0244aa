/// Calls entering on an international trunk while presenting a domestic number: a
/// subscriber's or a random mobile, or an official or service number (police, banks).
/// A new presented number for every call unless `number_lifetime_calls` says otherwise.
final class SpoofedOriginSource: CampaignSource {
    override func call(_ ctx: SimContext, at t: Int64) -> CallPlan {
        let s = campaign.spoofing
        let presented: SimNumber
        if rng.chance(s.officialShare) {
            presented = SimNumber(s.officialNumbers[rng.below(s.officialNumbers.count)])
        } else if rng.chance(0.5) {
            presented = ctx.population.number(ctx.randomSubscriber(&rng))
        } else {
            presented = campaign.numberLifetimeCalls == 0 ? freshMobile(ctx, rng.next()) : freshMobile(ctx)
        }
        var device = SimContext.trunkDevice
        device.userAgent = "Intl-Carrier-SBC"
        let callee = ctx.randomSubscriber(&rng)
        return fraud(ctx, at: t, caller: presented, callee: ctx.population.number(callee), origin: entry(ctx), device: device,
                     outcome: ordinaryOutcome(ctx), calleeSubscriber: callee)
    }
}
