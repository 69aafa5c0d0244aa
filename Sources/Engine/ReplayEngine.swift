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
    /// Threads the replay ran on (1, or 2 for decoding and screening apart).
    public var threads = 1
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
    /// When this thread took the packet being processed (stage 2's packet with two threads).
    private var taken: UInt64 = 0
    /// With two threads, what stage 1 had spent on the packet when it handed over the item
    /// stage 2 is handling (0 with one thread): latency is the time both stages worked on
    /// a packet, not how long it waited between them (in a replay at full speed the ring
    /// is always full, and that wait only says how far ahead decoding ran).
    private var earlierStage: UInt64 = 0

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
    ///
    /// `threads` 1 does everything on the calling thread. 2 or more split the work in two
    /// stages joined by an `EventRing`: a decoding thread reads, decodes, parses and turns
    /// messages into call events; the calling thread follows the calls, screens, writes
    /// verdicts and runs every hook (`onVerdict`, `onInputEnd`). Every event reaches the
    /// second stage in the order one thread would produce it, and everything that keeps
    /// state across calls (call table, detectors, lists, trace-time schedule) lives in the
    /// second stage alone, so verdicts, warnings and counts are identical to one thread's;
    /// only latencies differ (both stages' time on a packet, see `earlierStage`). The split has two stages
    /// because the per-call state cannot be sharded without changing verdicts: detectors
    /// key on callers, callees, sources and cells, not on calls. A third thread has nothing
    /// to do: `threads` above 2 runs as 2 (`effectiveThreads`).
    @discardableResult
    public func run(_ source: CaptureMerger, threads: Int = 1) -> ReplayResult {
        let start = MonotonicClock.now()
        result.threads = ReplayEngine.effectiveThreads(threads)
        if threads >= 2 { runTwoStages(source) } else { runOneStage(source) }
        result.wallNanoseconds = MonotonicClock.now() - start
        onInputEnd?()
        finish()
        for r in source.readers {
            if let t = r.truncation { result.truncatedFiles.append((r.path, t)) }
            if let e = r.readError { result.unreadableFiles.append((r.path, e)) }
        }
        return result
    }

    /// The threads a run with `threads` requested uses.
    public static func effectiveThreads(_ threads: Int) -> Int { min(max(threads, 1), 2) }

    private func runOneStage(_ source: CaptureMerger) {
        var progress = ProgressClock(interval: progressInterval)
        while let packet = source.next() {
            process(packet)
            if let onProgress { progress.tick(source, onProgress) }
        }
    }

    /// Stage 1 on a worker thread, stage 2 here (see `run`).
    private func runTwoStages(_ source: CaptureMerger) {
        let ring = EventRing()
        let stage = DecodingStage(ring: ring, decoder: decoder, sipAdapter: sipAdapter, isupAdapter: isupAdapter,
                                  sipCounts: result.sip)
        let onProgress = self.onProgress
        let interval = progressInterval
        // The worker touches only the source, the decoder and `stage` until it is joined;
        // this thread touches none of them meanwhile.
        let decoding = WorkerThread(name: "callguard-decode") {
            stage.run(source, progress: onProgress, interval: interval)
        }
        consume: while true {
            let item = ring.next()
            switch item.pointee.kind {
            case .packetBegin:
                earlierStage = 0
                beginPacket(timestamp: item.pointee.timestamp, taken: MonotonicClock.now())
            case .event:
                earlierStage = item.pointee.elapsed
                handle(item.pointee.event)
            case .packetEnd:
                earlierStage = item.pointee.elapsed
                endPacket()
            case .inputEnd:
                break consume
            }
        }
        decoding.join()
        result.sip = stage.sipCounts
        earlierStage = 0
    }

    /// Processes one packet (public so tests and benchmarks can drive the engine).
    @inline(__always)
    public func process(_ packet: CapturedPacket) {
        beginPacket(timestamp: packet.timestamp, taken: MonotonicClock.now())
        decoder.decode(packet) { message, context in
            self.handle(message, context)
        }
        endPacket()
    }

    /// A packet taken at `taken` starts: trace time moves on (list updates and expiries
    /// due by then apply before any of its messages).
    @inline(__always)
    private func beginPacket(timestamp: Nanoseconds, taken: UInt64) {
        self.taken = taken
        if result.firstTimestamp == 0 { result.firstTimestamp = timestamp }
        result.lastTimestamp = timestamp
        schedule?.advance(to: timestamp)
        setupInPacket = false
    }

    @inline(__always)
    private func endPacket() {
        let latency = MonotonicClock.now() &- taken &+ earlierStage
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

    /// A parsed message to a call event, followed at once (one thread; with two,
    /// `DecodingStage` does this).
    @inline(__always)
    private func handle(_ message: SIPMessage, _ context: MessageContext) {
        guard message.defect == nil else { return }  // counted as malformed by the decoder
        result.sip.count(message)
        if let event = sipAdapter.event(message, context) { handle(event) }
    }

    /// Stage 2: follows one call event of any protocol; screens it when it is a setup.
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
        let latency = MonotonicClock.now() &- taken &+ earlierStage
        result.setupLatency.record(latency)
        result.verdicts[Int(decision.verdict.rawValue)] += 1
        verdictWriter?.write(call, decision, latency: latency)
        onVerdict?(call, decision)
    }
}

/// When to call a progress hook: a clock read every 4,096 packets, a call every
/// `interval` nanoseconds.
struct ProgressClock {
    let interval: UInt64
    private var packets = 0
    private var last = MonotonicClock.now()

    init(interval: UInt64) { self.interval = interval }

    @inline(__always)
    mutating func tick(_ source: CaptureMerger, _ report: (Int, Double?) -> Void) {
        packets &+= 1
        guard packets & 4095 == 0 else { return }
        let now = MonotonicClock.now()
        if now &- last >= interval {
            last = now
            report(packets, source.fractionRead)
        }
    }
}
