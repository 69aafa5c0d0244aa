/// A GoIP / SIM-box gateway: one public IP, `sims` SIM cards of which `activeSims` are in
/// the modules at a time (rotated every `rotateEvery`), modules with IMEIs of one TAC,
/// one cell, outbound calls only, at machine-regular gaps with a little jitter, to many
/// distinct callees, mostly short and unanswered. Its VoIP leg shows the gateway's own
/// SIP: User-Agent `dble`/`DBL`/`HYBERTONE`, `Max-Forwards: 30`, digit-only Via
/// branches, SDP `s=DBL Session` and `o=userN`. For camouflage its operators have some
/// SIMs call each other and talk, as GoIP and Ejoin gateways let them.
final class GoIPGateway: CampaignSource {
    private var callIndex = 0
    private var ip: IPAddress { IPAddress(bytes: [198, 18, UInt8((index / 200) % 256), UInt8(10 + index % 200)]) }

    override func schedule(after t: Int64, first: Bool) -> Int64 {
        if campaign.goip.viaAccess { return super.schedule(after: t, first: first) }  // human-like: Poisson
        let gap = 3600 / campaign.callsPerHour
        let jitter = campaign.goip.jitter
        let wait = first ? rng.unit() * gap : gap * (1 + jitter * (2 * rng.unit() - 1))
        let next = t + Int64(wait * 1e9)
        return next < windowEnd ? next : .max
    }

    /// SIM `k`'s number (stable for the life of the campaign). Behind the radio network the
    /// SIMs are the operator's own (on-net rates are the point of a SIM box): numbers in
    /// the population's blocks that no subscriber of the scenario has been dealt.
    private func sim(_ ctx: SimContext, _ k: Int) -> SimNumber {
        guard campaign.goip.viaAccess else { return freshMobile(ctx, 1000 + UInt64(k)) }
        let h = mixHash(ctx.seed, UInt64(index) << 16 | UInt64(k), 31)
        return ctx.population.undealtNumber(block: Int(h % UInt64(ctx.scenario.population.blocks.count)), h >> 8)
    }

    override func call(_ ctx: SimContext, at t: Int64) -> CallPlan {
        let g = campaign.goip
        let module = callIndex % g.activeSims
        callIndex += 1
        let epoch = Int((t - windowStart) / Int64(g.rotateEverySeconds * 1e9))
        let simIndex = (epoch * g.activeSims + module) % g.sims
        let access = ctx.scenario.network.access.first { $0.name == g.access }!
        let imei = ctx.luhn(g.tac + ctx.digits(mixHash(ctx.seed, UInt64(index), UInt64(module)), 6))
        let cell = access.cells > 0 ? Int(mixHash(ctx.seed, UInt64(index), 9) % UInt64(access.cells)) : 0
        let pani = ctx.cellInfo(plmn: access.plmn, area: access.name, cell: cell)
        let device: CallPlan.Device
        let origin: CallPlan.Origin
        if g.viaAccess {
            // Handset-like signalling through the access SBC: nothing of the VoIP leg shows.
            let ua = SimContext.phoneUserAgents[index % SimContext.phoneUserAgents.count]
            device = CallPlan.Device(userAgent: ua, maxForwards: 70, digitBranch: false, sdpSession: "-", sdpUser: "-", imei: imei,
                                     accessNetworkInfo: pani, extraHeaders: [])
            origin = CallPlan.Origin(ip: access.sbc[index % access.sbc.count], port: 5060, vlan: access.vlan, transport: .udp,
                                     assertsIdentity: true)
        } else {
            device = CallPlan.Device(userAgent: g.userAgents[index % g.userAgents.count], maxForwards: 30, digitBranch: true,
                                     sdpSession: "DBL Session", sdpUser: "user\(module + 1)", imei: imei,
                                     accessNetworkInfo: pani, extraHeaders: [])
            origin = CallPlan.Origin(ip: ip, port: 5060, vlan: access.vlan, transport: .udp, assertsIdentity: false)
        }
        if rng.chance(campaign.camouflageShare) {
            // Two of the gateway's own SIMs talk for a while, like people would.
            let other = sim(ctx, (simIndex + 1 + rng.below(max(1, g.sims - 1))) % g.sims)
            let talk = ctx.holding(&rng, median: 90)
            return fraud(ctx, at: t, caller: sim(ctx, simIndex), callee: other, origin: origin, device: device,
                         outcome: (.answered(talkSeconds: talk), rng.between(3, 12)))
        }
        let callee = ctx.randomSubscriber(&rng)
        return fraud(ctx, at: t, caller: sim(ctx, simIndex), callee: ctx.population.number(callee), origin: origin,
                     device: device, outcome: ordinaryOutcome(ctx), calleeSubscriber: callee)
    }
}
