/// Honest callers on other domestic networks reaching subscribers over an interconnect:
/// a pool of off-net numbers, each session one call or, for `burst_share` of them, a
/// short run of calls to different people one after the other (someone ringing round
/// the family). Sessions overlap freely; within one, a person holds one call at a time.
/// The operator has never seen most of these numbers before, so "new number, several
/// callees" is ordinary here, not a sign of fraud.
final class DomesticCalls: TrafficSource {
    let traffic: DomesticTraffic
    private let meanCallsPerSession: Double
    /// The next session's first call.
    private var nextSession: Int64 = .max
    /// Follow-up calls of sessions under way, by time.
    private var followUps = MinHeap<FollowUp>()
    private var order: UInt64 = 0

    private struct FollowUp: Comparable {
        var time: Int64
        var order: UInt64
        var caller: Int
        var left: Int
        static func < (a: FollowUp, b: FollowUp) -> Bool { a.time != b.time ? a.time < b.time : a.order < b.order }
    }

    init(_ ctx: SimContext, _ traffic: DomesticTraffic, seed: UInt64) {
        self.traffic = traffic
        meanCallsPerSession = 1 + traffic.burstShare * (Double(2 + max(2, traffic.burstMax)) / 2 - 1)
        super.init(seed: seed, stream: 4)
        nextSession = poisson(after: ctx.start, perHour: traffic.callsPerHour / meanCallsPerSession, end: ctx.end)
        nextStart = nextSession
    }

    /// Off-net caller `j` of the pool: a mobile number in one of the ranges.
    private func caller(_ ctx: SimContext, _ j: Int) -> SimNumber {
        let range = traffic.ranges[j % traffic.ranges.count]
        let length = ctx.scenario.countryCode.count + 11
        var room: UInt64 = 1
        for _ in 0..<max(0, length - range.count) { room = room &* 10 }
        return SimNumber.inBlock(range, offset: mixHash(ctx.seed, UInt64(j), 41) % room, length: length)
    }

    override func makeCall(_ ctx: SimContext) -> CallPlan {
        let t = nextStart
        let who: Int, left: Int
        if let f = followUps.min, f.time <= nextSession {
            _ = followUps.pop()
            (who, left) = (f.caller, f.left)
        } else {
            who = rng.below(max(1, traffic.callers))
            left = rng.chance(traffic.burstShare) ? 1 + rng.below(max(1, traffic.burstMax - 1)) : 0
            nextSession = poisson(after: t, perHour: traffic.callsPerHour / meanCallsPerSession, end: ctx.end)
        }
        let callee = ctx.randomSubscriber(&rng)
        var plan = ctx.plan(&rng, at: t, label: .legit, scenario: "domestic", caller: caller(ctx, who),
                            callee: ctx.population.number(callee), origin: ctx.trunkOrigin(traffic.trunk, &rng),
                            device: SimContext.trunkDevice,
                            outcome: ctx.ratioOutcome(&rng, answer: traffic.answerRatio, holdingMedian: 60, sigma: 1.0),
                            calleeSubscriber: callee)
        plan.anonymous = rng.chance(ctx.scenario.normal.anonymousShare)
        if left > 0 {
            // The next call of the run: after this one ends and a pause to find the number.
            let next = t + Int64((plan.durationSeconds + rng.between(3, 20)) * 1e9)
            if next < ctx.end {
                order += 1
                followUps.push(FollowUp(time: next, order: order, caller: who, left: left - 1))
            }
        }
        nextStart = min(nextSession, followUps.min?.time ?? .max)
        return plan
    }

    override func expectedCalls(_ ctx: SimContext) -> Double { traffic.callsPerHour * Double(ctx.end - ctx.start) / 3.6e12 }
    override var label: String { "domestic" }
}
