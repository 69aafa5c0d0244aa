/// UDP: one datagram, at most one SIP message (or a CRLF keepalive).
extension PacketDecoder {
    func udp(_ p: UnsafeRawBufferPointer, _ source: IPAddress, _ destination: IPAddress, depth: Int, emit: Emit) -> PacketDisposition {
        guard p.count >= 8 else { return .malformed(.udpTruncated) }
        let sourcePort = p.be16(0)
        let destinationPort = p.be16(2)
        var length = Int(p.be16(4))
        guard length >= 8 else { return .malformed(.udpTruncated) }
        counters.bump(.udp)
        if length > p.count {
            counters.bump(.udpLengthBeyondCapture)
            length = p.count
        }
        let payload = p.slice(8, length)
        context.source = Endpoint(address: source, port: sourcePort)
        context.destination = Endpoint(address: destination, port: destinationPort)
        context.transport = .udp
        context.captureID = 0
        return udpPayload(payload, sourcePort: sourcePort, destinationPort: destinationPort, depth: depth, emit: emit)
    }

    /// A UDP payload whose addresses are in `context`: GTP-U, HEP or SIP by port and content.
    func udpPayload(_ payload: UnsafeRawBufferPointer, sourcePort: UInt16, destinationPort: UInt16, depth: Int,
                    emit: Emit) -> PacketDisposition {
        if sourcePort == 2152 || destinationPort == 2152 { return gtpU(payload, depth: depth, emit: emit) }
        if Self.looksLikeHEP(payload, sourcePort: sourcePort, destinationPort: destinationPort, hepPort: configuration.hepPort) {
            return hep(payload, emit: emit)
        }
        switch SIPParser.recognize(payload) {
        case .sip:
            counters.bump(.sipOverUDP)
            return deliver(payload, isStream: false, emit: emit)
        case .keepalive:
            counters.bump(.sipKeepalives)
            return .signalling
        case .needMore, .notSIP:
            if payload.count > 0
                && (configuration.sipUDPPorts.contains(destinationPort) || configuration.sipUDPPorts.contains(sourcePort)) {
                return .malformed(.sipGarbageOnSIPPort)
            }
            return .skipped(.udpNotSIP)
        }
    }

    /// Parses one framed message and hands it out; returns the packet's disposition.
    @inline(__always)
    func deliver(_ bytes: UnsafeRawBufferPointer, isStream: Bool, emit: Emit) -> PacketDisposition {
        guard SIPParser.parse(bytes, into: &message, isStream: isStream) else {
            return .malformed(.sipBadStartLine)
        }
        counters.bump(.sipMessages)
        if !message.body.isEmpty { sipISUPBody(&message) }
        emit(message, context)
        if let isup = message.isup { onISUP?(isup, context) }
        if let defect = message.defect { return .malformed(defect) }
        return .signalling
    }
}
