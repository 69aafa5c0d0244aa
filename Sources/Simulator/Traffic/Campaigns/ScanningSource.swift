/// Sequential scanning: callees walk a number block in order (a step, with skips),
/// probing which numbers exist; most attempts find nobody.
final class ScanningSource: CampaignSource {
    private var position: UInt64?

    override func call(_ ctx: SimContext, at t: Int64) -> CallPlan {
        let s = campaign.scanning
        let length = ctx.scenario.population.numberLength
        var room: UInt64 = 1
        for _ in 0..<max(0, length - s.block.count) { room = room &* 10 }
        var p = position ?? UInt64(rng.below(Int(min(room, 1 << 40)))) / 2
        p += UInt64(s.step)
        while rng.chance(s.skipShare) { p += UInt64(s.step) }
        position = p % room
        let callee = SimNumber.inBlock(s.block, offset: position!, length: length)
        var device = SimContext.trunkDevice
        device.userAgent = "sipcli/v1.8"
        let outcome: (CallPlan.Outcome, Double) = rng.chance(0.5) ? (.unavailable, 0) : ordinaryOutcome(ctx)
        return fraud(ctx, at: t, caller: presented(freshMobile(ctx)), callee: callee, origin: entry(ctx), device: device, outcome: outcome)
    }
}
