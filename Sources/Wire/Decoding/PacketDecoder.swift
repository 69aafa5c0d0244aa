/// Decodes captured packets down to SIP messages and accounts for every packet.
///
/// The replay hot path: bytes are read in place, the fragment and TCP tables reuse
/// their buffers, and the one `SIPMessage` is refilled for every message, so a packet
/// that is not fragmented and not split across TCP segments costs no allocation.
/// Each decoded message is handed to `emit` together with its `MessageContext`; its
/// bytes are valid only during that call.
public final class PacketDecoder {
    public typealias Emit = (SIPMessage, MessageContext) -> Void

    /// Receives every ISUP message decoded (over MTP2, M2PA or M3UA), with the context of
    /// the packet that carried it; the engine does not track ISUP calls yet.
    public var onISUP: ((ISUPMessage, MessageContext) -> Void)?
    var isupMessage = ISUPMessage()
    var sipIBuffer: [UInt8] = []

    public let configuration: DecoderConfiguration
    public internal(set) var counters = DecodeCounters()
    var fragments: FragmentReassembler
    var streams: TCPStreamTable
    var message = SIPMessage()
    var context = MessageContext()
    /// SCTP user messages being reassembled, and the last TSN taken per direction and stream.
    var sctpPending: [UInt64: SCTPMessage] = [:]
    var sctpLastTSN: [UInt64: UInt32] = [:]
    /// Where compressed HEP payloads are inflated (allocated once).
    var hepInflated = [UInt8](repeating: 0, count: PacketDecoder.hepInflateLimit)
    /// Fragments resolved by the packet being decoded, counted with its disposition.
    var resolvedFragments = 0
    /// The SIP outcome of the packet being decoded (first malformed message wins).
    var sipDisposition: PacketDisposition?

    public init(configuration: DecoderConfiguration = DecoderConfiguration()) {
        self.configuration = configuration
        fragments = FragmentReassembler(capacity: configuration.maxPendingDatagrams, timeout: configuration.fragmentTimeout)
        streams = TCPStreamTable(capacity: configuration.maxTCPStreams, idleTimeout: configuration.tcpIdleTimeout,
                                 byteBudget: configuration.maxTCPBufferedBytes)
    }

    /// Decodes one packet, calling `emit` for each SIP message it completes, and
    /// counts the packet. Returns what became of it.
    @discardableResult
    public func decode(_ packet: CapturedPacket, emit: Emit) -> PacketDisposition {
        counters.read += 1
        context.frame = packet.frame
        context.timestamp = packet.timestamp
        resolvedFragments = 0
        let disposition = link(packet.linkType, packet.bytes, emit: emit)
        counters.account(disposition)
        if resolvedFragments > 0 {
            // The earlier fragments of a completed datagram share its fate.
            counters.pending -= resolvedFragments
            counters.account(disposition == .pending ? .signalling : disposition, packets: resolvedFragments)
        }
        return disposition
    }

    /// Decodes one UDP payload received on a socket (a live server has no frames): HEP or
    /// SIP as in a capture, counted as one packet read. `timestamp` is when it arrived.
    @discardableResult
    public func decodeDatagram(_ payload: UnsafeRawBufferPointer, from source: Endpoint, to destination: Endpoint,
                               timestamp: Nanoseconds, emit: Emit) -> PacketDisposition {
        begin(timestamp: timestamp, source: source, destination: destination, transport: .udp)
        let disposition = udpPayload(payload, sourcePort: source.port, destinationPort: destination.port, depth: 0, emit: emit)
        counters.account(disposition)
        return disposition
    }

    /// Decodes one SIP message a live server framed from a TCP connection
    /// (`SIPParser.frame`), counted as one packet read.
    @discardableResult
    public func decodeStreamMessage(_ bytes: UnsafeRawBufferPointer, from source: Endpoint, to destination: Endpoint,
                                    timestamp: Nanoseconds, emit: Emit) -> PacketDisposition {
        begin(timestamp: timestamp, source: source, destination: destination, transport: .tcp)
        counters.bump(.sipOverTCP)
        let disposition = deliver(bytes, isStream: true, emit: emit)
        counters.account(disposition)
        return disposition
    }

    private func begin(timestamp: Nanoseconds, source: Endpoint, destination: Endpoint, transport: MessageContext.Transport) {
        counters.read += 1
        context.frame = counters.read
        context.timestamp = timestamp
        context.source = source
        context.destination = destination
        context.transport = transport
        context.captureID = 0
        resolvedFragments = 0
    }

    /// Ends the input: fragments still waiting can never complete.
    public func finish() {
        let held = fragments.flush()
        if held > 0 { expire(held) }
        counters.layers[LayerCounter.tcpFlowsEvicted.rawValue] = streams.evicted
    }

    /// Counts `packets` held fragments of a dropped datagram as malformed.
    func expire(_ packets: Int) {
        counters.pending -= packets
        counters.account(.malformed(.ipFragmentIncomplete), packets: packets)
        counters.bump(.ipFragmentsExpired, by: packets)
    }
}
