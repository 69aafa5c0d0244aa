/// A targeted campaign: human-looking calls from ordinary mobiles (phone handsets,
/// varying cells, long conversations when answered) concentrated on the elderly
/// subscribers' blocks.
final class TargetedSource: CampaignSource {
    override func call(_ ctx: SimContext, at t: Int64) -> CallPlan {
        let elderly = !rng.chance(campaign.camouflageShare)
        let callee = ctx.randomSubscriber(&rng, elderly: elderly)
        // The scammer's phone looks like a subscriber's: borrow a random subscriber's access and handset traits.
        let lookalike = ctx.randomSubscriber(&rng)
        var origin = ctx.subscriberOrigin(lookalike, &rng)
        origin.assertsIdentity = true
        return fraud(ctx, at: t, caller: freshMobile(ctx), callee: ctx.population.number(callee), origin: origin,
                     device: ctx.subscriberDevice(lookalike), outcome: ordinaryOutcome(ctx), calleeSubscriber: callee)
    }
}
