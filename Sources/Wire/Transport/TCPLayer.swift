/// TCP: per-direction stream reassembly sufficient for SIP (RFC 3261 18.3 framing by
/// Content-Length). Several messages in one segment and one message over several
/// segments are both handled; retransmitted bytes are ignored; segments that arrive
/// early wait (bounded) for the gap to fill. A message is reported at the frame that
/// completes it, as Wireshark does.
extension PacketDecoder {
    func tcp(_ p: UnsafeRawBufferPointer, _ source: IPAddress, _ destination: IPAddress, emit: Emit) -> PacketDisposition {
        guard p.count >= 20 else { return .malformed(.tcpTruncated) }
        let dataOffset = Int(p[12] >> 4) * 4
        guard dataOffset >= 20, dataOffset <= p.count else { return .malformed(.tcpTruncated) }
        counters.bump(.tcp)
        let sourcePort = p.be16(0)
        let destinationPort = p.be16(2)
        var seq = p.be32(4)
        let flags = p[13]
        let syn = flags & 0x02 != 0
        let finOrReset = flags & 0x05 != 0
        let payload = p.dropping(dataOffset)
        context.source = Endpoint(address: source, port: sourcePort)
        context.destination = Endpoint(address: destination, port: destinationPort)
        context.transport = .tcp
        let key = TCPStreamTable.Key(source: source, destination: destination,
                                     sourcePort: sourcePort, destinationPort: destinationPort)
        if syn {
            streams.remove(key)  // a new connection on this 4-tuple starts afresh
            seq &+= 1
        }
        guard payload.count > 0 else {
            if syn { _ = streams.stream(key, seq: seq, now: context.timestamp) }
            if finOrReset { streams.remove(key) }
            return .skipped(.tcpNoPayload)
        }
        let stream = streams.stream(key, seq: seq, now: context.timestamp)
        let onSIPPort = configuration.sipTCPPorts.contains(sourcePort) || configuration.sipTCPPorts.contains(destinationPort)
        let held = stream.buffer.count + stream.aheadBytes
        let disposition = segment(stream, seq: seq, payload: payload, onSIPPort: onSIPPort, emit: emit)
        streams.adjust(by: stream.buffer.count + stream.aheadBytes - held)
        if stream.content == .sip { counters.bump(.tcpSegmentsSIP) }
        if finOrReset { streams.remove(key) }
        return disposition
    }

    private func segment(_ stream: TCPStreamTable.Stream, seq: UInt32, payload: UnsafeRawBufferPointer,
                         onSIPPort: Bool, emit: Emit) -> PacketDisposition {
        let delta = Int32(bitPattern: seq &- stream.nextSeq)
        if delta > 0 {
            // Early segment: keep a copy until the gap fills, within bounds.
            counters.bump(.tcpOutOfOrder)
            if stream.ahead.count < TCPStreamTable.maxAheadSegments
                && stream.aheadBytes + payload.count <= TCPStreamTable.maxAheadBytes {
                stream.ahead.append((seq, Array(payload)))
                return stream.content.isSignalling ? .signalling : .skipped(.tcpNotSIP)
            }
            // The gap will not fill: drop what was waiting and start again here.
            let lostMessage = !stream.buffer.isEmpty
            stream.buffer.removeAll(keepingCapacity: true)
            stream.ahead.removeAll()
            stream.nextSeq = seq
            stream.content = .unknown
            let d = consume(stream, payload, onSIPPort: onSIPPort, emit: emit)
            return lostMessage ? .malformed(.tcpStreamGap) : d
        }
        var data = payload
        if delta < 0 {
            let overlap = -Int(delta)  // widened first: -Int32.min overflows
            if overlap >= payload.count {
                counters.bump(.tcpRetransmissions)
                return stream.content == .other ? .skipped(.tcpNotSIP) : .signalling
            }
            data = payload.dropping(overlap)
        }
        var disposition = consume(stream, data, onSIPPort: onSIPPort, emit: emit)
        // Segments that were waiting may now be in order.
        while !stream.ahead.isEmpty {
            guard let i = stream.ahead.firstIndex(where: { Int32(bitPattern: $0.seq &- stream.nextSeq) <= 0 }) else { break }
            let early = stream.ahead.remove(at: i)
            let overlap = Int(Int32(bitPattern: stream.nextSeq &- early.seq))
            guard overlap < early.bytes.count else { continue }
            let d = early.bytes.withUnsafeBytes { consume(stream, $0.dropping(overlap), onSIPPort: onSIPPort, emit: emit) }
            if case .malformed = d { disposition = d }
        }
        return disposition
    }

    /// Appends in-order bytes to the stream and frames every complete message.
    private func consume(_ stream: TCPStreamTable.Stream, _ data: UnsafeRawBufferPointer,
                         onSIPPort: Bool, emit: Emit) -> PacketDisposition {
        stream.nextSeq &+= UInt32(truncatingIfNeeded: data.count)
        var data = data
        if stream.skipping > 0 {
            // Inside an oversized message: drop its bytes, keep framing after it.
            let n = min(stream.skipping, data.count)
            stream.skipping -= n
            data = data.dropping(n)
            if data.count == 0 { return .malformed(.sipMessageTooLarge) }
        }
        if stream.buffer.isEmpty {
            // Fast path: frame straight from the packet; copy only an incomplete tail.
            let (used, d) = frame(stream, data, spanning: false, onSIPPort: onSIPPort, emit: emit)
            if used < data.count && stream.content != .other {
                stream.buffer.append(contentsOf: data.dropping(used))
            }
            return d
        }
        stream.buffer.append(contentsOf: data)
        let (used, d) = stream.buffer.withUnsafeBytes { frame(stream, $0, spanning: true, onSIPPort: onSIPPort, emit: emit) }
        if used >= stream.buffer.count {
            stream.buffer.removeAll(keepingCapacity: true)
        } else if used > 0 {
            stream.buffer.removeFirst(used)
        }
        return d
    }

    /// Frames messages from the start of `bytes`; returns how many bytes were used.
    private func frame(_ stream: TCPStreamTable.Stream, _ bytes: UnsafeRawBufferPointer, spanning: Bool,
                       onSIPPort: Bool, emit: Emit) -> (Int, PacketDisposition) {
        if stream.content == .webSocket { return webSocket(stream, bytes, emit: emit) }
        if stream.content == .unknown && bytes.count >= 4 && bytes.matches("HEP3", at: 0) { stream.content = .hep }
        if stream.content == .hep { return hepStream(stream, bytes, emit: emit) }
        var offset = 0
        var disposition: PacketDisposition = stream.content == .sip ? .signalling : .skipped(.tcpNotSIP)
        while offset < bytes.count {
            let rest = bytes.dropping(offset)
            if stream.content != .sip {
                switch SIPParser.recognize(rest) {
                case .sip:
                    stream.content = .sip
                    disposition = .signalling
                case .keepalive:
                    return (bytes.count, disposition)
                case .needMore:
                    return (offset, disposition)
                case .notSIP:
                    if rest.matches("GET ", at: 0) || rest.matches("HTTP/1.1 101", at: 0) {
                        stream.content = .webSocket
                        let (used, d) = webSocket(stream, rest, emit: emit)
                        return (offset + used, d)
                    }
                    stream.content = .other
                    return (bytes.count, onSIPPort ? .malformed(.sipGarbageOnSIPPort) : .skipped(.tcpNotSIP))
                }
            }
            switch SIPParser.frame(rest) {
            case .needMore:
                return (offset, disposition)
            case .keepalive(let skip):
                counters.bump(.sipKeepalives)
                offset += skip
            case .message(let skip, let length):
                counters.bump(.sipOverTCP)
                if spanning && offset == 0 { counters.bump(.tcpMessagesSpanningSegments) }
                let d = deliver(rest.slice(skip, skip + length), isStream: true, emit: emit)
                if case .malformed = d { disposition = d }
                offset += skip + length
            case .oversized(let skip, let length):
                let available = rest.count
                if skip + length <= available {
                    offset += skip + length
                } else {
                    stream.skipping = skip + length - available
                    offset = bytes.count
                }
                disposition = .malformed(.sipMessageTooLarge)
            case .invalid(let reason):
                // Framing lost: drop the buffered bytes and look for a start line again.
                stream.content = .unknown
                return (bytes.count, .malformed(reason))
            }
        }
        return (offset, disposition)
    }

    /// HEP3 over TCP: each message carries its total length at bytes 4-5; messages are
    /// cut at it and decoded like HEP datagrams. A message that does not start with
    /// `HEP3` loses the framing: the stream is read afresh from the next segment.
    private func hepStream(_ stream: TCPStreamTable.Stream, _ bytes: UnsafeRawBufferPointer,
                           emit: Emit) -> (Int, PacketDisposition) {
        var offset = 0
        var malformed: PacketDisposition?, skipped: PacketDisposition?, carried = false
        let outer = context
        while bytes.count - offset >= 6 {
            let rest = bytes.dropping(offset)
            let total = Int(rest.be16(4))
            guard rest.matches("HEP3", at: 0), total >= 6 else {
                stream.content = .unknown
                return (bytes.count, .malformed(.hepBadHeader))
            }
            guard total <= rest.count else { break }
            counters.bump(.hepOverTCP)
            let d = hep(rest.slice(0, total), emit: emit)
            context = outer  // the next message's own header decides its addresses and time
            switch d {
            case .malformed: malformed = malformed ?? d
            case .skipped: skipped = d
            default: carried = true
            }
            offset += total
        }
        // A segment that only holds part of a message is signalling on its way.
        return (offset, malformed ?? (carried || skipped == nil ? .signalling : skipped!))
    }
}
