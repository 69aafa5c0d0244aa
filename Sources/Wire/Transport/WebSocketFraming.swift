/// SIP over WebSocket (RFC 7118), as WebRTC gateways carry it: after the HTTP upgrade
/// (RFC 6455) each direction of the TCP stream is a sequence of frames; every complete
/// text or binary message, its frames unmasked and joined, is one SIP message. Control
/// frames (close, ping, pong) carry no SIP. A handshake that is not an upgrade to
/// WebSocket ends the stream's decoding as not SIP.
extension PacketDecoder {
    /// Frames WebSocket data from the start of `bytes`; returns how many bytes were used.
    func webSocket(_ stream: TCPStreamTable.Stream, _ bytes: UnsafeRawBufferPointer, emit: Emit) -> (Int, PacketDisposition) {
        var offset = 0
        var disposition = PacketDisposition.signalling
        if !stream.webSocketOpen {
            // The HTTP request or 101 response: up to the blank line.
            guard let end = SIPParser.endOfHeaders(bytes, from: 0) else {
                return bytes.count > 16_384 ? (bytes.count, .malformed(.webSocketBadHandshake)) : (0, .signalling)
            }
            guard bytes.slice(0, end).firstIndex(ofLowercase: "websocket", from: 0) != nil else {
                stream.content = .other
                return (bytes.count, .skipped(.tcpNotSIP))
            }
            stream.webSocketOpen = true
            offset = end
        }
        while offset + 2 <= bytes.count {
            let b = bytes.dropping(offset)
            let fin = b[0] & 0x80 != 0, opcode = b[0] & 0x0F, masked = b[1] & 0x80 != 0
            var length = Int(b[1] & 0x7F), at = 2
            if length == 126 {
                guard b.count >= 4 else { break }
                length = Int(b.be16(2)); at = 4
            } else if length == 127 {
                guard b.count >= 10 else { break }
                let long = UInt64(b.be32(2)) << 32 | UInt64(b.be32(6))
                guard long <= UInt64(Self.webSocketMaxMessage) else {
                    stream.content = .other
                    return (bytes.count, .malformed(.sipMessageTooLarge))
                }
                length = Int(long); at = 10
            }
            let keyAt = at
            if masked { at += 4 }
            guard b.count >= at + length else { break }   // the frame's end is in a later segment
            offset += at + length
            counters.bump(.webSocketFrames)
            if opcode >= 8 { continue }                       // close, ping, pong
            guard stream.webSocketMessage.count + length <= Self.webSocketMaxMessage else {
                stream.webSocketMessage.removeAll(keepingCapacity: true)
                disposition = .malformed(.sipMessageTooLarge)
                continue
            }
            let start = stream.webSocketMessage.count
            stream.webSocketMessage.append(contentsOf: b.slice(at, at + length))
            if masked {
                for i in 0..<length { stream.webSocketMessage[start + i] ^= b[keyAt + i % 4] }
            }
            guard fin else { continue }
            let d = stream.webSocketMessage.withUnsafeBytes { message -> PacketDisposition in
                switch SIPParser.recognize(message) {
                case .sip:
                    counters.bump(.sipOverWebSocket)
                    return deliver(message, isStream: false, emit: emit)
                case .keepalive: return .signalling
                case .needMore, .notSIP: return .malformed(.webSocketPayloadNotSIP)
                }
            }
            stream.webSocketMessage.removeAll(keepingCapacity: true)
            if case .malformed = d { disposition = d }
        }
        return (offset, disposition)
    }

    static let webSocketMaxMessage = 65_536
}
