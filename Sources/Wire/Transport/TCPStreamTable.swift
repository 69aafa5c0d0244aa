/// Per-direction TCP stream state, enough to frame SIP messages from a byte stream:
/// the next expected sequence number, bytes not yet framed, a few out-of-order
/// segments, and what the stream carries. Bounded: idle flows are evicted and the
/// number of flows is capped.
final class TCPStreamTable {
    struct Key: Hashable {
        var source: IPAddress
        var destination: IPAddress
        var sourcePort: UInt16
        var destinationPort: UInt16
    }

    enum Content {
        case unknown, sip, webSocket, other
        /// HEP3 messages back to back (agents that send HEP over TCP), each framed by its
        /// own total length.
        case hep

        /// Bytes of this stream are signalling as they arrive.
        var isSignalling: Bool { self == .sip || self == .hep }
    }

    final class Stream {
        var nextSeq: UInt32
        var content = Content.unknown
        /// Stream bytes received in order but not yet framed into a message.
        var buffer: [UInt8] = []
        /// Segments that arrived ahead of `nextSeq`, kept until the gap fills.
        var ahead: [(seq: UInt32, bytes: [UInt8])] = []
        var lastSeen: Nanoseconds
        /// Bytes of an oversized message still to be dropped as they arrive.
        var skipping = 0
        /// WebSocket: whether the HTTP upgrade is behind, and a message whose frames are
        /// still arriving (unmasked).
        var webSocketOpen = false
        var webSocketMessage: [UInt8] = []

        init(nextSeq: UInt32, now: Nanoseconds) {
            self.nextSeq = nextSeq
            self.lastSeen = now
        }

        var aheadBytes: Int { ahead.reduce(0) { $0 + $1.bytes.count } }
    }

    let capacity: Int
    let idleTimeout: Nanoseconds
    static let maxAheadSegments = 16
    static let maxAheadBytes = 128 * 1024
    /// Most bytes held across all streams (partial messages and early segments).
    let byteBudget: Int
    private var streams: [Key: Stream] = [:]
    private var nextSweep: Nanoseconds = .min
    private(set) var evicted = 0
    /// Bytes held across all streams now.
    private(set) var bufferedBytes = 0

    init(capacity: Int, idleTimeout: Nanoseconds, byteBudget: Int) {
        self.capacity = capacity
        self.idleTimeout = idleTimeout
        self.byteBudget = byteBudget
    }

    /// Records that a stream now holds `delta` more (or fewer) bytes; past the budget,
    /// the least recently active streams are dropped until a quarter is free again.
    func adjust(by delta: Int) {
        bufferedBytes += delta
        guard bufferedBytes > byteBudget else { return }
        let byAge = streams.filter { !$0.value.buffer.isEmpty || !$0.value.ahead.isEmpty }
            .sorted { $0.value.lastSeen < $1.value.lastSeen }
        for (key, _) in byAge where bufferedBytes > byteBudget * 3 / 4 {
            remove(key)
            evicted += 1
        }
    }

    var count: Int { streams.count }

    /// The stream for `key`, created (starting at `seq`) when new.
    @inline(__always)
    func stream(_ key: Key, seq: UInt32, now: Nanoseconds) -> Stream {
        if let s = streams[key] {
            s.lastSeen = now
            return s
        }
        sweep(now: now)
        if streams.count >= capacity, let oldest = streams.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
            remove(oldest.key)
            evicted += 1
        }
        let s = Stream(nextSeq: seq, now: now)
        streams[key] = s
        return s
    }

    func remove(_ key: Key) {
        if let s = streams.removeValue(forKey: key) { bufferedBytes -= s.buffer.count + s.aheadBytes }
    }

    /// Evicts streams idle longer than the timeout (checked at most every 10 s of trace time).
    func sweep(now: Nanoseconds) {
        guard now >= nextSweep else { return }
        nextSweep = now + 10_000_000_000
        for (key, s) in streams where now - s.lastSeen > idleTimeout {
            remove(key)
            evicted += 1
        }
    }
}
