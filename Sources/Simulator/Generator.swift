/// What a generation wrote.
public struct GenerationSummary: Sendable {
    public var calls = 0
    public var fraudCalls = 0
    public var packets = 0
    public var bytes = 0
    public var callsByScenario: [String: Int] = [:]
    /// Most calls with packets still to write at one time: the memory bound.
    public var peakOpenCalls = 0
}

/// The simulator: merges every traffic source by the start of its next call, expands
/// each call into its SIP messages on an agenda ordered by time, and writes packets in
/// time order as soon as no earlier call can still add one before them. Memory holds
/// only the calls still in progress, so any length of trace streams out. The same
/// scenario and seed give byte-identical files.
public final class Generator {
    public let scenario: Scenario
    public let seed: UInt64
    private let ctx: SimContext
    private var sources: [TrafficSource]
    /// Write every message as a HEP capture agent sends it (HEP3 to a collector on UDP
    /// 9060) instead of as the core's capture of the signalling itself.
    public var hep = false
    private var hepAgent: HEPWrapper? { hep ? HEPWrapper() : nil }
    /// How the international gateway's calls reach us: SIP, ISUP over M3UA/SCTP from the
    /// gateway exchange (point code 2001) at the trunk's address, or SIP-I (SIP whose
    /// INVITE carries the IAM in a multipart body).
    public var internationalLeg = InternationalLeg.sip

    /// Called every 1,024 calls with the calls made so far (progress displays).
    public var onProgress: ((Int) -> Void)?

    public enum InternationalLeg: String, Sendable, CaseIterable {
        case sip, isup
        case sipI = "sip-i"
    }

    /// `targetCalls` scales the scenario to about that many call setups, keeping its mix:
    /// the population, the legitimate high-volume and foreign rates, and the campaigns'
    /// sources (or, when shrinking, their rates) all change by the same factor.
    public init(scenario: Scenario, seed: UInt64, targetCalls: Int? = nil) {
        var s = scenario
        if let target = targetCalls {
            let expected = Generator.sources(SimContext(scenario: scenario, seed: seed), seed: seed)
                .map { $0.expectedCalls(SimContext(scenario: scenario, seed: seed)) }.reduce(0, +)
            if expected > 0 {
                let f = Double(target) / expected
                s.population.subscribers = max(2, Int((Double(s.population.subscribers) * f).rounded()))
                for i in s.normal.highVolume.indices { s.normal.highVolume[i].callsPerHour *= f }
                s.normal.foreign?.callsPerHour *= f
                s.normal.domestic?.callsPerHour *= f
                if let c = s.normal.couriers { s.normal.couriers?.count = max(1, Int((Double(c.count) * f).rounded())) }
                for i in s.campaigns.indices {
                    let scaled = Double(s.campaigns[i].sources) * f
                    if scaled >= 1 {
                        s.campaigns[i].sources = Int(scaled.rounded())
                        s.campaigns[i].callsPerHour *= scaled / Double(s.campaigns[i].sources)
                    } else {
                        s.campaigns[i].sources = 1
                        s.campaigns[i].callsPerHour *= scaled
                    }
                }
            }
        }
        self.scenario = s
        self.seed = seed
        ctx = SimContext(scenario: s, seed: seed)
        sources = Generator.sources(ctx, seed: seed)
    }

    private static func sources(_ ctx: SimContext, seed: UInt64) -> [TrafficSource] {
        let s = ctx.scenario
        var out: [TrafficSource] = []
        if s.normal.callsPerSubscriberPerHour > 0 { out.append(SubscriberCalls(ctx, seed: seed)) }
        for (i, h) in s.normal.highVolume.enumerated() { out.append(HighVolumeCalls(ctx, h, seed: seed, stream: 10 + UInt64(i))) }
        if let f = s.normal.foreign { out.append(ForeignCalls(ctx, f, seed: seed)) }
        if let d = s.normal.domestic { out.append(DomesticCalls(ctx, d, seed: seed)) }
        if let c = s.normal.couriers { out.append(CourierCalls(ctx, c, seed: seed)) }
        for (ci, c) in s.campaigns.enumerated() {
            for k in 0..<c.sources {
                let index = ci * 1000 + k
                let stream = 1_000_000 + UInt64(index)
                switch c.kind {
                case .goipSimbox: out.append(GoIPGateway(ctx, c, index: index, seed: seed, stream: stream))
                case .spoofedOrigin: out.append(SpoofedOriginSource(ctx, c, index: index, seed: seed, stream: stream))
                case .wangiri: out.append(WangiriSource(ctx, c, index: index, seed: seed, stream: stream))
                case .flood: out.append(FloodSource(ctx, c, index: index, seed: seed, stream: stream))
                case .scanning: out.append(ScanningSource(ctx, c, index: index, seed: seed, stream: stream))
                case .targeted: out.append(TargetedSource(ctx, c, index: index, seed: seed, stream: stream))
                case .pbxHijack: out.append(PBXHijackSource(ctx, c, index: index, seed: seed, stream: stream))
                }
            }
        }
        return out
    }

    /// Calls the scenario (as scaled) is expected to place.
    public var expectedCalls: Double { sources.map { $0.expectedCalls(ctx) }.reduce(0, +) }

    /// Expected calls per `scenario` label: what each campaign's share should be.
    public var expectedCallsByScenario: [String: Double] {
        var out: [String: Double] = [:]
        for s in sources { out[s.label, default: 0] += s.expectedCalls(ctx) }
        return out
    }

    /// The population model, for tests that check the normal traffic's statistics.
    public var population: PopulationModel { ctx.population }

    private struct Pending: Comparable {
        var time: Int64
        var order: UInt64
        var slot: Int32
        var event: SIPEvent
        static func < (a: Pending, b: Pending) -> Bool { a.time != b.time ? a.time < b.time : a.order < b.order }
        static func == (a: Pending, b: Pending) -> Bool { a.time == b.time && a.order == b.order }
    }

    private struct NextSource: Comparable {
        var time: Int64
        var index: Int
        static func < (a: NextSource, b: NextSource) -> Bool { a.time != b.time ? a.time < b.time : a.index < b.index }
    }

    /// Writes the trace and its labels; `onCall` sees every call plan (tests).
    @discardableResult
    public func run(pcap: String, labels: String, onCall: ((CallPlan) -> Void)? = nil) throws(SimulationError) -> GenerationSummary {
        let writer = try PcapDumpWriter(path: pcap)
        let labelWriter: LabelsWriter
        do { labelWriter = try LabelsWriter(path: labels) } catch { _ = writer.close(); throw error }
        var summary = GenerationSummary()
        var framer = PacketFramer(writer: writer)
        // The message being written and its SDP body: buffers reused for every packet.
        var payload: [UInt8] = []
        var body: [UInt8] = []
        payload.reserveCapacity(4096)
        body.reserveCapacity(4096)
        var textRandom = SimRandom(seed: seed, stream: 7)
        var agenda = MinHeap<Pending>()
        var calls: [OpenCall?] = []
        var free: [Int32] = []
        var open = 0
        var order: UInt64 = 0

        let isupLeg = internationalLeg == .isup ? ISUPLeg() : nil
        let internationalLeg = internationalLeg
        let sigtran = SIGTRANFramer()
        let internationalTrunks = Set(scenario.network.trunks.filter { $0.role == .international && !$0.ip.isIPv6 }.map(\.ip))

        var next = MinHeap<NextSource>()
        for (i, s) in sources.enumerated() where s.nextStart != .max { next.push(NextSource(time: s.nextStart, index: i)) }

        let hepAgent = self.hepAgent
        func emit(upTo limit: Int64) {
            while let p = agenda.min, p.time < limit {
                _ = agenda.pop()
                let slot = Int(p.slot)
                let call = calls[slot]!
                let text = call.text
                framer.time = p.time
                if let circuit = call.circuit, let leg = isupLeg {
                    let plan = text.plan
                    if let (isup, fromGateway) = leg.message(p.event, plan, circuit: circuit, byeFromCaller: text.byeFromCaller,
                                                             cc: scenario.countryCode) {
                        let packet = sigtran.packet(isup, opc: fromGateway ? leg.gatewayPointCode : circuit.dpc,
                                                    dpc: fromGateway ? circuit.dpc : leg.gatewayPointCode, fromGateway: fromGateway)
                        framer.ip(src: fromGateway ? plan.origin.ip : text.core, dst: fromGateway ? text.core : plan.origin.ip,
                                  vlan: plan.origin.vlan, proto: 132, payload: packet)
                    }
                    if call.pending == 1 && !plan.loseBye { leg.release(circuit) }
                    finish(call, slot: p.slot)
                    continue
                }
                // Not `text.plan` as a whole: copying the plan retains each of its strings.
                let origin = text.plan.origin
                let sipI = internationalLeg == .sipI && (p.event == .invite || p.event == .inviteRetransmission)
                    && internationalTrunks.contains(origin.ip)
                if sipI {
                    text.sipIInvite(ISUPLeg.iam(text.plan, cc: scenario.countryCode), into: &payload)
                } else {
                    text.write(p.event, into: &payload, body: &body)
                }
                let fromOrigin = text.fromOrigin(p.event)
                let (src, sport, dst, dport) = fromOrigin ? (origin.ip, origin.port, text.core, 5060)
                                                          : (text.core, 5060, origin.ip, origin.port)
                if let hep = hepAgent {
                    let datagram = hep.wrap(payload, src: src, srcPort: sport, dst: dst, dstPort: dport, tcp: origin.transport == .tcp,
                                            at: p.time)
                    framer.udp(src: hep.agent, srcPort: hep.agentPort, dst: hep.collector, dstPort: hep.collectorPort, vlan: nil,
                               payload: datagram)
                } else if origin.transport == .udp {
                    framer.udp(src: src, srcPort: sport, dst: dst, dstPort: dport, vlan: origin.vlan, payload: payload)
                } else {
                    framer.tcp(src: src, srcPort: sport, dst: dst, dstPort: dport, vlan: origin.vlan, payload: payload,
                               fromOrigin: fromOrigin)
                }
                finish(call, slot: p.slot)
            }
        }

        /// Counts one of the call's messages written; frees its slot after the last.
        func finish(_ call: OpenCall, slot: Int32) {
            if call.pending == 1 {
                calls[Int(slot)] = nil
                free.append(slot)
                open -= 1
            } else {
                call.pending -= 1
            }
        }

        while let n = next.pop() {
            emit(upTo: n.time)
            let source = sources[n.index]
            var plan = source.makeCall(ctx)
            if source.nextStart != .max { next.push(NextSource(time: source.nextStart, index: n.index)) }
            var circuit: ISUPLeg.Circuit?
            if let leg = isupLeg, internationalTrunks.contains(plan.origin.ip) {
                let c = leg.seize()
                circuit = c
                plan.callID = leg.callID(c, at: plan.start)
            }
            onCall?(plan)
            labelWriter.write(plan)
            summary.calls += 1
            if summary.calls & 1023 == 0 { onProgress?(summary.calls) }
            if plan.label == .fraud { summary.fraudCalls += 1 }
            summary.callsByScenario[plan.scenario, default: 0] += 1

            let core = plan.origin.ip.isIPv6 ? scenario.network.coreIPv6 : scenario.network.coreIPv4
            var p = plan
            if p.padded && (p.origin.ip.isIPv6 || p.origin.transport == .tcp) { p.padded = false }  // only UDP over IPv4 fragments
            let text = CallText(plan: p, cc: scenario.countryCode, core: core, rng: &textRandom)
            let events = DialogScript.events(p, byeFromCaller: text.byeFromCaller)
            let slot: Int32
            let openCall = OpenCall(text: text, pending: events.count, circuit: circuit)
            if let f = free.popLast() { slot = f; calls[Int(f)] = openCall } else {
                slot = Int32(calls.count)
                calls.append(openCall)
            }
            open += 1
            summary.peakOpenCalls = max(summary.peakOpenCalls, open)
            for (offset, event) in events {
                order += 1
                agenda.push(Pending(time: plan.start + Int64(offset * 1e9), order: order, slot: slot, event: event))
            }
        }
        emit(upTo: .max)
        summary.packets = framer.writer.packets
        summary.bytes = framer.writer.bytes
        let pcapOK = framer.close()
        let labelsOK = labelWriter.close()
        guard pcapOK else { throw .output(path: pcap, reason: "write failed") }
        guard labelsOK else { throw .output(path: labels, reason: "write failed") }
        return summary
    }
}

/// A call with packets still to write: its text and how many of its events remain.
private final class OpenCall {
    let text: CallText
    var pending: Int
    /// The ISUP circuit it holds, when it comes over the gateway's SS7 side.
    let circuit: ISUPLeg.Circuit?
    init(text: CallText, pending: Int, circuit: ISUPLeg.Circuit?) {
        self.text = text
        self.pending = pending
        self.circuit = circuit
    }
}
