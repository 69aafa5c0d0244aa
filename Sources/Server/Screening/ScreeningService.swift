import Blocklist
import CallEvents
import Calls
import Engine
import Numbering
import Policy
import Wire

/// The screening engine as a SIP redirect server sees it: requests arrive one at a time
/// from the SIP listeners, call outcomes arrive mirrored through HEP, and every one of
/// them goes through the same decoder, SIP adapter, call tracker and screener as a
/// replay. Confined to one event loop (one thread): nothing here is shared, so nothing
/// locks, and verdicts stay causal (a setup is judged on what arrived before it).
///
/// A stateless answer per request (RFC 3261 8.2.6, 16.7):
/// - an initial INVITE is screened and answered at once: `302` with the Request-URI as
///   Contact when the call may continue (allowed or flagged), the rule set's reject
///   status (608 by default, RFC 8688) when it is blocked, both with
///   `X-CallGuard-Verdict`; the answer is remembered per dialog (`AnswerCache`), so a
///   retransmission or a re-attempt gets the same answer without a second screening;
/// - OPTIONS gets 200 (proxies probe with it), CANCEL 200 (the INVITE was already
///   answered), ACK nothing, a re-INVITE or BYE 481 (a redirect server is in no
///   dialog), other methods 405;
/// - responses and malformed messages are counted and dropped, never answered.
public final class ScreeningService {
    public struct Options: Sendable {
        public var decoder = DecoderConfiguration()
        public var calls = CallTrackerConfiguration()
        public var numbering = NumberingPlan.china
        /// The status a blocked call is rejected with (608, 603 or 403).
        public var rejectStatus = 608
        /// Dialogs whose answer is remembered.
        public var answerCacheCapacity = 262_144
        /// Size the call table and every detector table for their capacity at start
        /// (`serve` does): memory is reserved up front instead of tables doubling, and
        /// stalling the loop for tens of milliseconds, while traffic fills them.
        public var reserveTables = false

        public init() {}
    }

    /// Plain counts of what the service did (tests and the shutdown summary read these;
    /// `/metrics` has the same and more).
    public struct Counts: Sendable, Equatable {
        public var requests = 0
        public var screened = 0
        public var retransmissions = 0
        public var answeredFromCache = 0
        public var listOnly = 0
        public var answers = 0
        public var malformed = 0
        public var responsesIgnored = 0
        public var hepMessages = 0
        public var hepOwnAnswers = 0
        public var verdicts = [0, 0, 0]
        public init() {}
    }

    public let options: Options
    public let decoder: PacketDecoder
    let adapter: SIPEventAdapter
    public let tracker: CallTracker
    public let screener: any CallScreener
    public let policyScreener: PolicyScreener?
    public let list: LiveBlocklist?
    private let listScreener: BlocklistScreener?
    public let schedule: BlocklistSchedule?
    public let metrics: ServeMetrics
    let verdictWriter: VerdictWriter?
    /// `--store`: verdicts and warnings as database rows (queued, written elsewhere).
    public let records: (any RecordSink)?
    public private(set) var counts = Counts()
    public private(set) var setupLatency = LatencyHistogram()
    private var answers: AnswerCache
    private var headers = RequestHeaders()
    private var response = ResponseWriter()
    /// When the request being handled was taken from its socket.
    private var taken: UInt64 = 0

    public init(options: Options, screener: any CallScreener, policyScreener: PolicyScreener?, list: LiveBlocklist?,
                schedule: BlocklistSchedule?, verdictWriter: VerdictWriter?, warningWriter: WarningWriter? = nil,
                records: (any RecordSink)? = nil, metrics: ServeMetrics) {
        self.options = options
        var decoding = options.decoder
        decoding.hepCaptureTime = false
        decoder = PacketDecoder(configuration: decoding)
        adapter = SIPEventAdapter(normalizer: NumberNormalizer(plan: options.numbering))
        tracker = CallTracker(configuration: options.calls)
        self.screener = screener
        self.policyScreener = policyScreener
        self.list = list
        listScreener = list.map(BlocklistScreener.init)
        self.schedule = schedule
        self.verdictWriter = verdictWriter
        self.records = records
        self.metrics = metrics
        answers = AnswerCache(capacity: options.answerCacheCapacity)
        if options.reserveTables {
            tracker.reserveCapacity()
            policyScreener?.reserveCapacity()
        }
        tracker.onEndedWithoutMessage = { [unowned self] record in self.screener.callUpdated(record) }
        if warningWriter != nil || records != nil, let policyScreener {
            policyScreener.onWarning = { w in
                warningWriter?.write(w)
                warningWriter?.flush()
                records?.submit(.warning(WarningRow(w)))
                metrics.warnings.increment()
            }
        }
    }

    // MARK: - Entry points (one per listener kind)

    /// One datagram on a SIP listener. `reply` gets the response's bytes (valid during
    /// the call) when there is one.
    public func sipDatagram(_ payload: UnsafeRawBufferPointer, from source: Endpoint, to destination: Endpoint,
                            reply: (UnsafeRawBufferPointer) -> Void) {
        taken = MonotonicClock.now()
        let disposition = decoder.decodeDatagram(payload, from: source, to: destination, timestamp: WallClock.now()) { m, context in
            request(m, context, reply: reply)
        }
        if case .malformed = disposition { malformed() }
    }

    /// One message framed from a SIP listener's TCP connection.
    public func sipStreamMessage(_ bytes: UnsafeRawBufferPointer, from source: Endpoint, to destination: Endpoint,
                                 reply: (UnsafeRawBufferPointer) -> Void) {
        taken = MonotonicClock.now()
        let disposition = decoder.decodeStreamMessage(bytes, from: source, to: destination, timestamp: WallClock.now()) { m, context in
            request(m, context, reply: reply)
        }
        if case .malformed = disposition { malformed() }
    }

    /// One datagram on a HEP listener: a message the proxy or a capture agent saw,
    /// followed like a replayed one (setups it shows first are screened here too).
    public func hepDatagram(_ payload: UnsafeRawBufferPointer, from source: Endpoint, to destination: Endpoint) {
        taken = MonotonicClock.now()
        let disposition = decoder.decodeDatagram(payload, from: source, to: destination, timestamp: WallClock.now()) { m, context in
            observed(m, context)
        }
        metrics.count(disposition, in: metrics.hepPackets)
    }

    /// One packet from the live capture (`--interface`): decoded from its link layer
    /// like a replayed packet, then followed like HEP.
    public func capturedPacket(_ bytes: UnsafeRawBufferPointer, linkType: LinkType) {
        taken = MonotonicClock.now()
        let packet = CapturedPacket(frame: 0, timestamp: WallClock.now(), linkType: linkType, bytes: bytes, originalLength: bytes.count)
        let disposition = decoder.decode(packet) { m, context in observed(m, context) }
        metrics.count(disposition, in: metrics.capturePackets)
    }

    /// Moves time on without traffic: list entries whose TTL ran out leave the list.
    public func tick() {
        schedule?.advance(to: WallClock.now())
    }

    /// Ends the run: open calls are counted, verdicts flushed.
    public func finish() {
        tracker.finish()
        verdictWriter?.flush()
    }

    public func flush() { verdictWriter?.flush() }

    /// Sets the gauges `/metrics` shows from the engine's state.
    public func refreshGauges() {
        metrics.listEntries.record(list?.entryCount ?? 0)
        metrics.callsActive.record(tracker.statistics.active)
        metrics.detectorEvictions.record(policyScreener?.evictions ?? 0)
        metrics.answerCacheEvictions.record(answers.evictions)
    }

    // MARK: - Requests

    private func malformed() {
        counts.malformed += 1
        metrics.malformed.increment()
    }

    private func request(_ m: SIPMessage, _ context: MessageContext, reply: (UnsafeRawBufferPointer) -> Void) {
        guard m.defect == nil else { return }  // counted by the caller from the disposition
        guard m.isRequest else {
            counts.responsesIgnored += 1
            metrics.responsesIgnored.increment()
            return
        }
        counts.requests += 1
        guard headers.scan(m.bytes) else {
            // Parsed, but without what a response must copy: nothing can be answered.
            malformed()
            return
        }
        switch m.method {
        case .invite:
            metrics.requestsByKind["invite"]?.increment()
            if m.to.tag.isEmpty {
                invite(m, context, reply: reply)
            } else {
                answer(481, m, context, reply: reply)
            }
        case .ack:
            metrics.requestsByKind["ack"]?.increment()
        case .options:
            metrics.requestsByKind["options"]?.increment()
            answer(200, m, context, reply: reply) { r in
                r.line("Allow: INVITE, ACK, CANCEL, OPTIONS")
                r.line("Accept: application/sdp")
            }
        case .cancel:
            metrics.requestsByKind["cancel"]?.increment()
            answer(200, m, context, reply: reply)
        case .bye:
            // A redirect server is never in a dialog.
            metrics.requestsByKind["other"]?.increment()
            answer(481, m, context, reply: reply)
        default:
            metrics.requestsByKind["other"]?.increment()
            answer(405, m, context, reply: reply) { r in r.line("Allow: INVITE, ACK, CANCEL, OPTIONS") }
        }
    }

    /// An initial INVITE: the remembered answer of its dialog, or a screening now.
    private func invite(_ m: SIPMessage, _ context: MessageContext, reply: (UnsafeRawBufferPointer) -> Void) {
        guard let event = adapter.event(m, context) else { return }
        if let known = answers.find(event.key) {
            if known.sequence == event.sequence {
                counts.retransmissions += 1
                metrics.retransmissions.increment()
            } else {
                counts.answeredFromCache += 1
                metrics.answeredFromCache.increment()
            }
            send(known, m, context, reply: reply)
            return
        }
        schedule?.advance(to: context.timestamp)
        let decision: ScreeningDecision
        switch tracker.track(event) {
        case .setup(let call):
            decision = screen(call)
        case .updated(let record):
            // The call is known (seen through HEP, its answer since forgotten): answer
            // from the lists only rather than count it twice in the detectors.
            screener.callUpdated(record)
            decision = listOnly(event)
        case .none:
            decision = listOnly(event)
        }
        let a = remember(event, decision)
        send(a, m, context, reply: reply)
    }

    private func listOnly(_ event: CallEvent) -> ScreeningDecision {
        counts.listOnly += 1
        metrics.unscreenedAnswers.increment()
        return listScreener?.screen(event) ?? .allow
    }

    /// Screens a setup, wherever it was seen; writes and counts its verdict.
    private func screen(_ call: CallEvent) -> ScreeningDecision {
        let decision = screener.screen(call)
        let latency = MonotonicClock.now() &- taken
        setupLatency.record(latency)
        metrics.latency.recordNanoseconds(Int64(latency))
        counts.screened += 1
        metrics.screened.increment()
        counts.verdicts[Int(decision.verdict.rawValue)] += 1
        metrics.verdicts[Int(decision.verdict.rawValue)].increment()
        if decision.verdict != .allow { for r in decision.reasons { metrics.reason(r) } }
        verdictWriter?.write(call, decision, latency: latency)
        records?.submit(.verdict(VerdictRow(call, decision, latency: latency)))
        return decision
    }

    private func remember(_ event: CallEvent, _ decision: ScreeningDecision) -> AnswerCache.Answer {
        let a = AnswerCache.Answer(status: decision.verdict == .block ? options.rejectStatus : 302,
                                   verdict: decision.verdict, reasons: decision.reasons, sequence: event.sequence)
        answers.insert(event.key, a)
        return a
    }

    private func send(_ a: AnswerCache.Answer, _ m: SIPMessage, _ context: MessageContext, reply: (UnsafeRawBufferPointer) -> Void) {
        answer(a.status, m, context, reply: reply) { r in
            if a.status == 302 { r.contact(m.bytes, headers) }
            let name: StaticString = a.verdict == .allow ? "allow" : a.verdict == .flag ? "flag" : "block"
            r.verdict(name, reasons: a.reasons)
        }
    }

    private func answer(_ status: Int, _ m: SIPMessage, _ context: MessageContext, reply: (UnsafeRawBufferPointer) -> Void,
                        extra: (inout ResponseWriter) -> Void = { _ in }) {
        // The To tag: the same for every retransmission of the request, distinct per dialog.
        let tag = Self.fnv(m.slice(m.callID), seed: Self.fnv(m.slice(m.from.tag), seed: 0xcbf2_9ce4_8422_2325))
        response.begin(status: status, request: m.bytes, headers, source: context.source, toTag: tag)
        extra(&response)
        response.finish()
        counts.answers += 1
        metrics.answered(status)
        response.bytes.withUnsafeBytes { reply($0) }
    }

    private static func fnv(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    // MARK: - Mirrored signalling (HEP)

    private func observed(_ m: SIPMessage, _ context: MessageContext) {
        guard m.defect == nil else { return }
        counts.hepMessages += 1
        guard let event = adapter.event(m, context) else { return }
        // Our own answer, mirrored back by the proxy: it redirects or rejects our leg of
        // the call, not the call itself (the proxy goes on to the callee after a 302).
        if !m.isRequest, let known = answers.find(event.key), known.status == m.statusCode, known.sequence == event.sequence {
            counts.hepOwnAnswers += 1
            metrics.hepOwnAnswers.increment()
            return
        }
        schedule?.advance(to: context.timestamp)
        switch tracker.track(event) {
        case .setup(let call):
            _ = remember(call, screen(call))
        case .updated(let record):
            screener.callUpdated(record)
        case .none:
            break
        }
    }
}
