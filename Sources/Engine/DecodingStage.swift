import CallEvents
import Wire

/// Stage 1 of a two-thread replay (`ReplayEngine.run(_:threads:)`): capture to call
/// events, handed to the ring. Everything it writes per packet lives here, in an object of
/// its own padded to whole cache lines, and what it reads of the engine it copied before
/// starting: none of its per-packet stores lands on a line the screening thread reads or
/// writes (fields of one engine object shared lines with the screening stage's latency
/// clock and counters, and every packet paid a cache-line transfer each way).
final class DecodingStage {
    private var padBefore: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    let ring: EventRing
    let decoder: PacketDecoder
    let sipAdapter: SIPEventAdapter
    let isupAdapter: ISUPEventAdapter
    /// When this stage took the packet it is decoding.
    private(set) var taken: UInt64 = 0
    /// SIP messages decoded (the summary's `sip` counts), from where the engine's stood.
    var sipCounts: SIPStatistics
    private var padAfter: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    init(ring: EventRing, decoder: PacketDecoder, sipAdapter: SIPEventAdapter, isupAdapter: ISUPEventAdapter,
         sipCounts: SIPStatistics) {
        self.ring = ring
        self.decoder = decoder
        self.sipAdapter = sipAdapter
        self.isupAdapter = isupAdapter
        self.sipCounts = sipCounts
    }

    /// Decodes every packet of `source` into the ring, then marks the input's end.
    func run(_ source: CaptureMerger, progress onProgress: ((Int, Double?) -> Void)?, interval: UInt64) {
        var progress = ProgressClock(interval: interval)
        let hook = decoder.onISUP
        decoder.onISUP = { [unowned self] message, context in
            if let event = isupAdapter.event(message, context) { push(event) }
        }
        while let packet = source.next() {
            taken = MonotonicClock.now()
            ring.beginPacket(timestamp: packet.timestamp)
            decoder.decode(packet) { message, context in
                guard message.defect == nil else { return }  // counted as malformed by the decoder
                sipCounts.count(message)
                if let event = sipAdapter.event(message, context) { push(event) }
            }
            ring.endPacket(elapsed: MonotonicClock.now() &- taken)
            if let onProgress { progress.tick(source, onProgress) }
        }
        decoder.onISUP = hook
        ring.endInput()
    }

    /// Only a setup's latency is recorded mid-packet, so only a setup carries the time
    /// this stage had spent on its packet.
    @inline(__always)
    private func push(_ event: CallEvent) {
        if case .setup = event.kind {
            ring.push(event, elapsed: MonotonicClock.now() &- taken)
        } else {
            ring.push(event)
        }
    }
}
