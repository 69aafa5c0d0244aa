/// A hijacked enterprise PBX (toll fraud, International Revenue Share Fraud): someone who
/// guessed its SIP password pumps calls through the customer's own trunk to high-cost
/// international destinations whose revenue they share, presenting the customer's main
/// number. Long answered calls, many at once, on top of the PBX's ordinary traffic:
/// nothing about a single call is wrong, only the trunk's volume and where it calls.
final class PBXHijackSource: CampaignSource {
    override func call(_ ctx: SimContext, at t: Int64) -> CallPlan {
        let h = campaign.hijack
        let prefix = h.destinations[rng.below(h.destinations.count)]
        var room: UInt64 = 1
        for _ in 0..<max(1, 12 - prefix.count) { room = room &* 10 }
        let callee = SimNumber.inBlock(prefix, offset: UInt64(rng.below(Int(min(room, 1 << 40)))), length: max(prefix.count + 1, 12))
        var device = SimContext.trunkDevice
        device.userAgent = "Asterisk PBX 18.20.0"
        return fraud(ctx, at: t, caller: SimNumber.inBlock(h.presented, offset: 0, length: h.presented.count), callee: callee,
                     origin: entry(ctx), device: device, outcome: ordinaryOutcome(ctx))
    }
}
