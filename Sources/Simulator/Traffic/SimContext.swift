/// What every traffic source shares: the scenario, the population and the network, and
/// how subscribers' calls look on the wire (SBC, device, number forms, outcomes).
final class SimContext {
    let scenario: Scenario
    let population: PopulationModel
    let seed: UInt64
    let start: Int64
    let end: Int64
    private var callCounter: UInt64 = 0

    static let phoneUserAgents = ["IMS-UA/1.0 Samsung SM-S918B", "Apple iPhone15,2 iOS/17.5", "HUAWEI P60 VoLTE/2.0",
                                  "Xiaomi 23049PCD8G IMS/1.1", "OPPO CPH2487 VoLTE/1.0"]
    static let phoneTACs = ["35332811", "35391510", "86753104", "86442305", "35899110"]

    init(scenario: Scenario, seed: UInt64) {
        self.scenario = scenario
        self.seed = seed
        population = PopulationModel(scenario.population, access: scenario.network.access, seed: seed)
        start = scenario.start
        end = scenario.start + scenario.duration
    }

    /// A Call-ID unique in the trace: random hex and a per-trace counter.
    func callID(_ rng: inout SimRandom, host: IPAddress) -> String {
        callCounter += 1
        return hex(rng.next(), 12) + String(callCounter, radix: 36) + "@" + (host.isIPv6 ? "[\(host)]" : "\(host)")
    }

    func hex(_ v: UInt64, _ digits: Int) -> String {
        var s = String(v, radix: 16)
        if s.count < digits { s = String(repeating: "0", count: digits - s.count) + s }
        return String(s.suffix(digits))
    }

    // MARK: subscribers

    func subscriberOrigin(_ i: Int, _ rng: inout SimRandom) -> CallPlan.Origin {
        let a = scenario.network.access[population.access(i)]
        let sbc = a.sbc[Int(population.trait(i, 1) % UInt64(a.sbc.count))]
        return CallPlan.Origin(ip: sbc, port: 5060, vlan: a.vlan, transport: rng.chance(a.tcpShare) ? .tcp : .udp,
                               assertsIdentity: a.assertsIdentity)
    }

    func subscriberDevice(_ i: Int) -> CallPlan.Device {
        let a = scenario.network.access[population.access(i)]
        switch a.kind {
        case .volte:
            let t = population.trait(i, 2)
            let model = Int(t % UInt64(SimContext.phoneUserAgents.count))
            let imei = luhn(SimContext.phoneTACs[model] + digits(population.trait(i, 3), 6))
            let cell = a.cells > 0 ? Int(population.trait(i, 4) % UInt64(a.cells)) : 0
            return CallPlan.Device(userAgent: SimContext.phoneUserAgents[model], maxForwards: 70, digitBranch: false,
                                   sdpSession: "-", sdpUser: "-", imei: imei,
                                   accessNetworkInfo: cellInfo(plmn: a.plmn, area: a.name, cell: cell), extraHeaders: [])
        case .fixed:
            return CallPlan.Device(userAgent: "HG8245H IAD/V3R017", maxForwards: 70, digitBranch: false,
                                   sdpSession: "SIP Call", sdpUser: "iad", imei: nil, accessNetworkInfo: nil, extraHeaders: [])
        case .enterprise:
            return CallPlan.Device(userAgent: "Asterisk PBX 18.20.0", maxForwards: 70, digitBranch: false,
                                   sdpSession: "Asterisk PBX 18.20.0", sdpUser: "root", imei: nil, accessNetworkInfo: nil,
                                   extraHeaders: [])
        }
    }

    /// `3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=` PLMN, tracking area (4 hex) and cell (7 hex).
    func cellInfo(plmn: String, area: String, cell: Int) -> String {
        let tac = hex(mixHash(seed, UInt64(area.utf8.count), 77) % 0xFFFF, 4)
        return "3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=\(plmn)\(tac)\(hex(UInt64(0x100000 + cell), 7))"
    }

    func digits(_ v: UInt64, _ n: Int) -> String {
        var s = String(v % 10_000_000_000_000)
        if s.count < n { s = String(repeating: "0", count: n - s.count) + s }
        return String(s.suffix(n))
    }

    /// Appends the Luhn check digit to 14 IMEI digits.
    func luhn(_ d: String) -> String {
        var sum = 0
        for (i, c) in d.reversed().enumerated() {
            var v = Int(c.asciiValue! - 48)
            if i % 2 == 0 { v *= 2; if v > 9 { v -= 9 } }
            sum += v
        }
        return d + String((10 - sum % 10) % 10)
    }

    // MARK: trunks

    func trunkOrigin(_ name: String, _ rng: inout SimRandom) -> CallPlan.Origin {
        let t = scenario.network.trunk(named: name)!
        return CallPlan.Origin(ip: t.ip, port: 5060, vlan: t.vlan, transport: rng.chance(t.tcpShare) ? .tcp : .udp,
                               assertsIdentity: t.role == .trusted || t.role == .domestic)
    }

    static let trunkDevice = CallPlan.Device(userAgent: "", maxForwards: 69, digitBranch: false, sdpSession: "SBC",
                                             sdpUser: "sbc", imei: nil, accessNetworkInfo: nil, extraHeaders: [])

    // MARK: shared choices

    func form(_ rng: inout SimRandom) -> SimNumber.Form {
        let f = scenario.normal.forms
        switch rng.pick([f.e164, f.national, f.internationalPrefix]) {
        case 0: return .e164
        case 1: return .national
        default: return .internationalPrefix
        }
    }

    /// An outcome drawn from the normal shares, with its ring time.
    func normalOutcome(_ rng: inout SimRandom) -> (CallPlan.Outcome, Double) {
        let n = scenario.normal
        let ring = min(60, rng.logNormal(median: n.ringMedianSeconds, sigma: 0.5))
        switch rng.pick(n.outcomes.weights) {
        case 0: return (.answered(talkSeconds: holding(&rng, median: n.holding.medianSeconds)), ring)
        case 1: return (.busy, 0)
        case 2: return (.cancelled, min(90, rng.logNormal(median: 20, sigma: 0.4)))
        case 3: return (.rejected, ring)
        default: return (.unavailable, 0)
        }
    }

    /// Talk time: log-normal with the scenario's shape around `median`, capped.
    func holding(_ rng: inout SimRandom, median: Double) -> Double {
        let h = scenario.normal.holding
        return max(1, min(h.maxSeconds, rng.logNormal(median: median, sigma: h.sigma)))
    }

    /// An outcome for sources described by an answer ratio: answered, else mostly
    /// unanswered and cancelled, sometimes busy or declined.
    func ratioOutcome(_ rng: inout SimRandom, answer: Double, holdingMedian: Double, sigma: Double = 0.6) -> (CallPlan.Outcome, Double) {
        let ring = min(40, rng.logNormal(median: scenario.normal.ringMedianSeconds, sigma: 0.5))
        if rng.chance(answer) {
            return (.answered(talkSeconds: max(1, min(scenario.normal.holding.maxSeconds, rng.logNormal(median: holdingMedian, sigma: sigma)))), ring)
        }
        switch rng.pick([0.6, 0.15, 0.15, 0.1]) {
        case 0: return (.cancelled, min(60, rng.logNormal(median: 15, sigma: 0.4)))
        case 1: return (.busy, 0)
        case 2: return (.rejected, ring)
        default: return (.unavailable, 0)
        }
    }

    /// A plan with the fields every source fills the same way.
    func plan(_ rng: inout SimRandom, at t: Int64, label: CallPlan.Label, scenario name: String, caller: SimNumber,
              callee: SimNumber, origin: CallPlan.Origin, device: CallPlan.Device, outcome: (CallPlan.Outcome, Double),
              callerSubscriber: Int? = nil, calleeSubscriber: Int? = nil) -> CallPlan {
        let n = scenario.normal
        return CallPlan(start: t, callID: callID(&rng, host: origin.ip), label: label, scenario: name, caller: caller,
                        callee: callee, callerForm: form(&rng), calleeForm: form(&rng), telURI: rng.chance(n.telURIShare),
                        origin: origin, device: device, outcome: outcome.0, ringSeconds: outcome.1,
                        retransmitInvite: origin.transport == .udp && rng.chance(n.retransmissionRate),
                        padded: rng.chance(n.fragmentedShare), callerSubscriber: callerSubscriber, calleeSubscriber: calleeSubscriber)
    }

    /// A random subscriber, optionally only elderly ones (rejection sampling).
    func randomSubscriber(_ rng: inout SimRandom, elderly: Bool = false) -> Int {
        for _ in 0..<200 {
            let i = rng.below(population.count)
            if !elderly || population.isElderly(i) { return i }
        }
        return rng.below(population.count)
    }
}

#if canImport(Glibc)
import Glibc
#endif
