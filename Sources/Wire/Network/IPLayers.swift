/// IPv4 and IPv6, with extension headers skipped and fragments handed to the reassembler.
extension PacketDecoder {
    /// Raw IP: the version nibble decides.
    func ip(_ b: UnsafeRawBufferPointer, depth: Int, emit: Emit) -> PacketDisposition {
        guard b.count >= 1 else { return .malformed(.linkTruncated) }
        switch b[0] >> 4 {
        case 4: return ipv4(b, depth: depth, emit: emit)
        case 6: return ipv6(b, depth: depth, emit: emit)
        default: return .skipped(.notIP)
        }
    }

    func ipv4(_ b: UnsafeRawBufferPointer, depth: Int, emit: Emit) -> PacketDisposition {
        guard b.count >= 20 else { return .malformed(.ipv4Truncated) }
        let ihl = Int(b[0] & 0x0F) * 4
        guard b[0] >> 4 == 4, ihl >= 20 else { return .malformed(.ipv4BadHeader) }
        let totalLength = Int(b.be16(2))
        guard totalLength >= ihl, b.count >= ihl else { return .malformed(.ipv4BadHeader) }
        counters.bump(.ipv4)
        let flagsOffset = b.be16(6)
        let more = flagsOffset & 0x2000 != 0
        let offset = Int(flagsOffset & 0x1FFF) * 8
        var end = totalLength
        if b.count < totalLength {
            // Cut by the snap length (or a bogus length): a fragment cannot be trusted, but a
            // whole datagram is decoded as far as it was captured, as Wireshark does.
            guard !more && offset == 0 else { return .malformed(.ipv4Truncated) }
            counters.bump(.ipLengthBeyondCapture)
            end = b.count
        }
        let source = IPAddress(v4: b, at: 12)
        let destination = IPAddress(v4: b, at: 16)
        let proto = b[9]
        let payload = b.slice(ihl, end)  // drops Ethernet padding
        if more || offset > 0 {
            let key = FragmentReassembler.Key(source: source, destination: destination,
                                              identification: UInt32(b.be16(4)), proto: proto)
            return fragment(key, offset: offset, more: more, payload: payload, depth: depth, emit: emit)
        }
        return transport(proto, payload, source, destination, depth: depth, emit: emit)
    }

    func ipv6(_ b: UnsafeRawBufferPointer, depth: Int, emit: Emit) -> PacketDisposition {
        guard b.count >= 40, b[0] >> 4 == 6 else { return .malformed(.ipv6Truncated) }
        var payloadLength = Int(b.be16(4))
        counters.bump(.ipv6)
        if b.count < 40 + payloadLength {
            counters.bump(.ipLengthBeyondCapture)
            payloadLength = b.count - 40
        }
        let source = IPAddress(v6: b, at: 8)
        let destination = IPAddress(v6: b, at: 24)
        var next = b[6]
        var p = b.slice(40, 40 + payloadLength)
        // Extension headers: hop-by-hop, routing, destination options, mobility, AH; fragment.
        while true {
            switch next {
            case 0, 43, 60, 135:
                guard p.count >= 8 else { return .malformed(.ipExtensionHeaderTruncated) }
                let len = (Int(p[1]) + 1) * 8
                guard p.count >= len else { return .malformed(.ipExtensionHeaderTruncated) }
                next = p[0]
                p = p.dropping(len)
            case 51:
                guard p.count >= 8 else { return .malformed(.ipExtensionHeaderTruncated) }
                let len = (Int(p[1]) + 2) * 4
                guard p.count >= len else { return .malformed(.ipExtensionHeaderTruncated) }
                next = p[0]
                p = p.dropping(len)
            case 44:
                guard p.count >= 8 else { return .malformed(.ipExtensionHeaderTruncated) }
                let proto = p[0]
                let offsetFlags = p.be16(2)
                let key = FragmentReassembler.Key(source: source, destination: destination,
                                                  identification: p.be32(4), proto: proto)
                return fragment(key, offset: Int(offsetFlags & 0xFFF8), more: offsetFlags & 1 != 0,
                                payload: p.dropping(8), depth: depth, emit: emit)
            case 59:
                return .skipped(.otherIPProtocol)
            default:
                return transport(next, p, source, destination, depth: depth, emit: emit)
            }
        }
    }

    /// Holds a fragment; when its datagram completes, decodes the whole payload.
    func fragment(_ key: FragmentReassembler.Key, offset: Int, more: Bool, payload: UnsafeRawBufferPointer,
                  depth: Int, emit: Emit) -> PacketDisposition {
        counters.bump(.ipFragments)
        let result = fragments.add(key, offset: offset, more: more, payload: payload,
                                   now: context.timestamp, expired: { self.expire($0) })
        switch result {
        case .held:
            return .pending
        case .invalid(let reason):
            return .malformed(reason)
        case .complete(let datagram):
            counters.bump(.ipDatagramsReassembled)
            // This packet is counted by the caller; the others were pending until now.
            resolvedFragments += datagram.packets - 1
            return datagram.data.withUnsafeBytes { whole in
                transport(key.proto, whole, key.source, key.destination, depth: depth, emit: emit)
            }
        }
    }

    /// Dispatches on the IP protocol number.
    func transport(_ proto: UInt8, _ p: UnsafeRawBufferPointer, _ source: IPAddress, _ destination: IPAddress,
                   depth: Int, emit: Emit) -> PacketDisposition {
        switch proto {
        case 17: return udp(p, source, destination, depth: depth, emit: emit)
        case 6: return tcp(p, source, destination, emit: emit)
        case 4, 41:  // IPv4 or IPv6 inside IP
            guard depth < configuration.maxTunnelDepth else { return .skipped(.otherIPProtocol) }
            counters.bump(.ipInIP)
            return proto == 4 ? ipv4(p, depth: depth + 1, emit: emit) : ipv6(p, depth: depth + 1, emit: emit)
        case 47:
            guard depth < configuration.maxTunnelDepth else { return .skipped(.otherIPProtocol) }
            return gre(p, depth: depth + 1, emit: emit)
        case 132:
            return sctp(p, source, destination, emit: emit)
        default:
            return .skipped(.otherIPProtocol)
        }
    }
}
