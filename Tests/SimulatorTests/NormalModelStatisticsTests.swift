import Foundation
import Simulator
import Testing

/// The normal traffic's statistics match the scenario that asked for them, and the
/// campaigns differ from it the way the scenario says. Tolerances are four standard
/// errors of the estimate, so a correct model fails about once in 15,000 runs (and
/// never, with the fixed seed).
@Suite("Simulated traffic statistics")
struct NormalModelStatisticsTests {
    static let run: (scenario: Scenario, plans: [CallPlan], population: PopulationModel) = {
        let r = try! TraceFixtures.generate(try! TraceFixtures.scenario("smoke"), seed: 11, calls: 12_000)
        return (r.generator.scenario, r.plans, r.generator.population)
    }()

    static func binomialWithin(_ hits: Int, of n: Int, share p: Double) -> Bool {
        let observed = Double(hits) / Double(n)
        return abs(observed - p) <= 4 * (p * (1 - p) / Double(n)).squareRoot() + 0.002
    }

    var normal: [CallPlan] { Self.run.plans.filter { $0.scenario == "normal" } }

    @Test func outcomeSharesMatchTheScenario() {
        let o = Self.run.scenario.normal.outcomes
        let calls = normal
        #expect(calls.count > 4000)
        var answered = 0, busy = 0, cancelled = 0, rejected = 0, unavailable = 0
        for c in calls {
            switch c.outcome {
            case .answered: answered += 1
            case .busy: busy += 1
            case .cancelled: cancelled += 1
            case .rejected: rejected += 1
            case .unavailable: unavailable += 1
            }
        }
        print("normal outcomes of \(calls.count): answered \(answered) busy \(busy) no-answer \(cancelled) rejected \(rejected) unavailable \(unavailable)")
        #expect(Self.binomialWithin(answered, of: calls.count, share: o.answered))
        #expect(Self.binomialWithin(busy, of: calls.count, share: o.busy))
        #expect(Self.binomialWithin(cancelled, of: calls.count, share: o.noAnswer))
        #expect(Self.binomialWithin(rejected, of: calls.count, share: o.rejected))
        #expect(Self.binomialWithin(unavailable, of: calls.count, share: o.unavailable))
    }

    /// Holding times are log-normal with the configured median and shape: a long tail.
    @Test func holdingTimesAreLogNormalWithTheConfiguredMedian() {
        let h = Self.run.scenario.normal.holding
        let talk = normal.compactMap { c -> Double? in
            if case .answered(let s) = c.outcome { return s } else { return nil }
        }.sorted()
        let n = Double(talk.count)
        let median = talk[talk.count / 2]
        let logs = talk.map { log($0) }
        let mean = logs.reduce(0, +) / n
        let sigma = (logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        let p99 = talk[Int(n * 0.99)]
        print("holding: n=\(talk.count) median \(median) s (want \(h.medianSeconds)), log-sigma \(sigma) (want \(h.sigma)), p99 \(p99) s")
        // The sample median's standard error is about 1.25 * sigma / sqrt(n) in log space.
        #expect(abs(log(median / h.medianSeconds)) <= 4 * 1.25 * h.sigma / n.squareRoot())
        #expect(abs(sigma - h.sigma) <= 4 * h.sigma / (2 * n).squareRoot() + 0.01)
        #expect(p99 > 8 * h.medianSeconds, "a long tail: the 99th percentile is far past the median")
        #expect(talk.last! <= h.maxSeconds && talk.first! >= 1)
    }

    /// People mostly call their contacts.
    @Test func callsFollowTheSocialGraph() {
        let s = Self.run.scenario.normal
        let pop = Self.run.population
        let calls = normal
        var toContact = 0
        for c in calls {
            let caller = c.callerSubscriber!, callee = c.calleeSubscriber!
            if pop.contacts(of: caller, min: s.contactsMin, max: s.contactsMax).contains(callee) { toContact += 1 }
        }
        // A random callee is a contact by chance with probability about contacts / population.
        let chance = Double(s.contactsMin + s.contactsMax) / 2 / Double(pop.count - 1)
        let expected = s.socialShare + (1 - s.socialShare) * chance
        print("social share: \(toContact) of \(calls.count) calls to a contact (want about \(expected))")
        #expect(Self.binomialWithin(toContact, of: calls.count, share: expected))
        #expect(calls.allSatisfy { $0.callerSubscriber != $0.calleeSubscriber })
    }

    /// Elderly subscribers are the configured share, concentrated in their blocks, and
    /// the targeted campaign calls them far more than their share.
    @Test func elderlyAreConcentratedAndTargeted() {
        let scenario = Self.run.scenario
        let pop = Self.run.population
        var elderly = 0, elderlyInBlocks = 0, inBlocks = 0
        for i in 0..<pop.count {
            let inElderlyBlock = scenario.population.elderlyBlocks.contains { pop.number(i).digits.hasPrefix($0) }
            if inElderlyBlock { inBlocks += 1 }
            if pop.isElderly(i) {
                elderly += 1
                if inElderlyBlock { elderlyInBlocks += 1 }
            }
        }
        #expect(Self.binomialWithin(elderly, of: pop.count, share: scenario.population.elderlyShare))
        let shareInBlocks = Double(elderlyInBlocks) / Double(inBlocks)
        let shareElsewhere = Double(elderly - elderlyInBlocks) / Double(pop.count - inBlocks)
        #expect(shareInBlocks > 2 * shareElsewhere, "in elderly blocks \(shareInBlocks), elsewhere \(shareElsewhere)")

        let targeted = Self.run.plans.filter { $0.scenario == "targeted" && $0.label == .fraud }
        let hitsElderly = targeted.filter { $0.calleeSubscriber.map(pop.isElderly) == true }.count
        print("targeted: \(hitsElderly) of \(targeted.count) calls reach elderly subscribers (population share \(scenario.population.elderlyShare))")
        #expect(targeted.count > 300)
        #expect(Double(hitsElderly) / Double(targeted.count) > 0.5)
    }

    /// Campaign traits that detectors look for are in the plans: Wangiri rings briefly
    /// from the premium range and never connects; scanning walks its block upwards.
    @Test func campaignShapes() throws {
        let plans = Self.run.plans
        let wangiri = plans.filter { $0.scenario == "wangiri" && $0.label == .fraud }
        #expect(wangiri.count > 300)
        #expect(wangiri.allSatisfy { $0.outcome == .cancelled && $0.ringSeconds <= 3 && $0.caller.digits.hasPrefix("88216") })

        let scans = plans.filter { $0.scenario == "scanning" && $0.label == .fraud }
        var increasing = 0, pairs = 0
        for (_, calls) in Dictionary(grouping: scans, by: \.caller) {
            for (a, b) in zip(calls, calls.dropFirst()) {
                pairs += 1
                if b.callee.digits > a.callee.digits { increasing += 1 }
            }
        }
        #expect(scans.allSatisfy { $0.callee.digits.hasPrefix("8613900") })
        #expect(pairs > 200 && Double(increasing) / Double(pairs) > 0.95, "\(increasing) of \(pairs) steps go up")

        let bank = plans.filter { $0.scenario == "bank-95588" }
        #expect(!bank.isEmpty && bank.allSatisfy { $0.caller.digits == "8695588" && $0.label == .legit })
    }
}
