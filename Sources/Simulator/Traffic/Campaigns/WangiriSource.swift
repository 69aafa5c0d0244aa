/// Wangiri ("one ring and cut"): a premium-rate number rings a subscriber once and
/// cancels within a few seconds, hoping for an expensive call back; many callees. The
/// range need not be premium-rate: ordinary high-cost destinations (`+216`) serve too.
final class WangiriSource: CampaignSource {
    override func call(_ ctx: SimContext, at t: Int64) -> CallPlan {
        let w = campaign.wangiri
        let h = mixHash(ctx.seed, UInt64(index) << 20 | UInt64(numberGeneration), 5)
        let length = w.numberLength > 0 ? w.numberLength : w.premiumPrefix.count + 7
        var room: UInt64 = 1
        for _ in 0..<max(1, length - w.premiumPrefix.count) { room = room &* 10 }
        let caller = presented(SimNumber.inBlock(w.premiumPrefix, offset: h % room, length: length))
        let callee = ctx.randomSubscriber(&rng)
        var device = SimContext.trunkDevice
        device.userAgent = "Intl-Carrier-SBC"
        return fraud(ctx, at: t, caller: caller, callee: ctx.population.number(callee), origin: entry(ctx), device: device,
                     outcome: (.cancelled, rng.between(0.8, w.ringMaxSeconds)), calleeSubscriber: callee)
    }
}
