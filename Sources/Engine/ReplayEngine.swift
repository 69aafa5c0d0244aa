import CallEvents
import Calls
import Numbering
import Policy
import Wire

/// Everything a replay is configured with.
public struct ReplayConfiguration: Sendable {
    public var decoder = DecoderConfiguration()
    public var calls = CallTrackerConfiguration()
    public var numbering = NumberingPlan.china

    public init() {}
}

/// What a replay measured. The summary formats this; tests read it directly.
public struct ReplayResult: Sendable {
    public var packets = DecodeCounters()
    public var sip = SIPStatistics()
    public var calls = CallStatistics()
    /// Indexed by `Verdict.rawValue`.
    public var verdicts = [Int](repeating: 0, count: Verdict.allCases.count)
    /// Time from taking a packet to being done with it, for every packet.
    public var packetLatency = LatencyHistogram()
    /// Time from taking an INVITE's packet to its verdict.
    public var setupLatency = LatencyHistogram()
    /// Whole-packet latency of the packets that carried a call setup, and of all others.
    public var setupPacketLatency = LatencyHistogram()
    public var otherPacketLatency = LatencyHistogram()
    public var wallNanoseconds: UInt64 = 0
    /// Capture files that ended mid-packet, with libpcap's message.
    public var truncatedFiles: [(path: String, message: String)] = []
    /// Capture files libpcap failed to read to the end for another reason.
    public var unreadableFiles: [(path: String, message: String)] = []
    /// Entries on the live lists at the end, and what the trace-time schedule did.
    public var listEntries: Int?
    public var listSchedule: BlocklistSchedule.Statistics?
    public var firstTimestamp: Nanoseconds = 0
    public var lastTimestamp: Nanoseconds = 0

    public init() {}

    public subscript(_ v: Verdict) -> Int { verdicts[Int(v.rawValue)] }
    public var truncated: Bool { !truncatedFiles.isEmpty }

    public var packetsPerSecond: Double {
        wallNanoseconds == 0 ? 0 : Double(packets.read) / (Double(wallNanoseconds) / 1e9)
    }
}

/// The pipeline: take a packet, decode it, turn its messages into call events (SIP,
/// SIP-I and ISUP adapters), follow the calls, screen each call setup before the next
/// packet is taken, emit the verdict. Causal by construction: a verdict depends only on
/// packets before it.
public final class ReplayEngine {
    public let configuration: ReplayConfiguration
    public let decoder: PacketDecoder
    /// Protocol adapters: messages to call events.
    public let sipAdapter: SIPEventAdapter
    public let isupAdapter: ISUPEventAdapter
    public let tracker: CallTracker
    public let screener: any CallScreener
    public let verdictWriter: VerdictWriter?
    /// Live-list updates and expiries driven by trace time, when the lists change.
    public let schedule: BlocklistSchedule?
    public private(set) var result = ReplayResult()
    /// Called after each screened setup (tests and later actions hook in here).
    public var onVerdict: ((CallEvent, ScreeningDecision) -> Void)?
    /// Called a few times a second during `run` with the packets read so far and the
    /// share of the input done (nil when not known), for progress displays. Checked every
    /// 4,096 packets: one clock read per 4,096 packets is all it costs when unset too.
    public var onProgress: ((_ packets: Int, _ fraction: Double?) -> Void)?
    public var progressInterval: UInt64 = 250_000_000
    /// Called once the last packet is processed, before `finish()` closes the open calls:
    /// the moment to save what the replay has learnt (`replay --state-out`).
    public var onInputEnd: (() -> Void)?
    private var setupInPacket = false
    /// When the engine took the packet being processed.
    private var taken: UInt64 = 0

    public init(configuration: ReplayConfiguration = ReplayConfiguration(),
                screener: any CallScreener = AllowAllScreener(),
                verdictWriter: VerdictWriter? = nil, schedule: BlocklistSchedule? = nil) {
        self.configuration = configuration
        self.decoder = PacketDecoder(configuration: configuration.decoder)
        let normalizer = NumberNormalizer(plan: configuration.numbering)
        self.sipAdapter = SIPEventAdapter(normalizer: normalizer)
        self.isupAdapter = ISUPEventAdapter(normalizer: normalizer)
        self.tracker = CallTracker(configuration: configuration.calls)
        self.screener = screener
        self.verdictWriter = verdictWriter
        self.schedule = schedule
        tracker.onEndedWithoutMessage = { [unowned self] record in self.screener.callUpdated(record) }
        decoder.onISUP = { [unowned self] message, context in
            if let event = self.isupAdapter.event(message, context) { self.handle(event) }
        }
    }

    /// Replays every packet of `source`, then closes the books.
    @discardableResult
    public func run(_ source: CaptureMerger) -> ReplayResult {
        let start = MonotonicClock.now()
        var packets = 0
        var lastProgress = start
        while let packet = source.next() {
            process(packet)
            packets &+= 1
            if packets & 4095 == 0, let onProgress {
                let now = MonotonicClock.now()
                if now &- lastProgress >= progressInterval {
                    lastProgress = now
                    onProgress(packets, source.fractionRead)
                }
            }
        }
        result.wallNanoseconds = MonotonicClock.now() - start
        onInputEnd?()
        finish()
        for r in source.readers {
            if let t = r.truncation { result.truncatedFiles.append((r.path, t)) }
            if let e = r.readError { result.unreadableFiles.append((r.path, e)) }
        }
        return result
    }

    /// Processes one packet (public so tests and benchmarks can drive the engine).
    @inline(__always)
    public func process(_ packet: CapturedPacket) {
        taken = MonotonicClock.now()
        if result.firstTimestamp == 0 { result.firstTimestamp = packet.timestamp }
        result.lastTimestamp = packet.timestamp
        schedule?.advance(to: packet.timestamp)
        setupInPacket = false
        decoder.decode(packet) { message, context in
            self.handle(message, context)
        }
        let latency = MonotonicClock.now() &- taken
        result.packetLatency.record(latency)
        if setupInPacket { result.setupPacketLatency.record(latency) } else { result.otherPacketLatency.record(latency) }
    }

    /// Ends the input: pending fragments and open calls are counted.
    public func finish() {
        decoder.finish()
        tracker.finish()
        verdictWriter?.flush()
        result.packets = decoder.counters
        result.calls = tracker.statistics
        if let schedule {
            result.listSchedule = schedule.statistics
            result.listEntries = schedule.list.entryCount
        }
    }

    @inline(__always)
    private func handle(_ message: SIPMessage, _ context: MessageContext) {
        guard message.defect == nil else { return }  // counted as malformed by the decoder
        result.sip.count(message)
        if let event = sipAdapter.event(message, context) { handle(event) }
    }

    /// Follows one call event of any protocol; screens it when it is a setup.
    @inline(__always)
    private func handle(_ event: CallEvent) {
        let tracked = tracker.track(event)
        if case .updated(let record) = tracked {
            screener.callUpdated(record)
            return
        }
        guard case .setup(let call) = tracked else { return }
        setupInPacket = true
        let decision = screener.screen(call)
        let latency = MonotonicClock.now() &- taken
        result.setupLatency.record(latency)
        result.verdicts[Int(decision.verdict.rawValue)] += 1
        verdictWriter?.write(call, decision, latency: latency)
        onVerdict?(call, decision)
    }
}
