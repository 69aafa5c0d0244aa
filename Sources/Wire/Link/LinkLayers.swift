/// Link layers: Ethernet with 802.1Q/802.1ad/QinQ tags, Linux cooked capture v1 and v2,
/// BSD loopback (host and network byte order), raw IP, PPP and PPPoE.
extension PacketDecoder {
    @inline(__always)
    func link(_ type: LinkType, _ b: UnsafeRawBufferPointer, emit: Emit) -> PacketDisposition {
        switch type {
        case .ethernet:
            return ethernet(b, depth: 0, emit: emit)
        case .raw, .rawAlt, .linktypeRaw, .ipv4, .ipv6:
            counters.bump(.rawIP)
            return ip(b, depth: 0, emit: emit)
        case .linuxSLL:
            guard b.count >= 16 else { return .malformed(.linkTruncated) }
            counters.bump(.linuxCooked)
            return etherType(b.be16(14), b.dropping(16), depth: 0, emit: emit)
        case .linuxSLL2:
            guard b.count >= 20 else { return .malformed(.linkTruncated) }
            counters.bump(.linuxCooked)
            return etherType(b.be16(0), b.dropping(20), depth: 0, emit: emit)
        case .null, .loop:
            guard b.count >= 4 else { return .malformed(.linkTruncated) }
            counters.bump(.loopback)
            // The family is in the capturing host's byte order for DLT_NULL: accept both.
            let little = b.le32(0)
            let family = type == .loop ? b.be32(0) : (little < 256 ? little : b.be32(0))
            switch family {
            case 2: return ipv4(b.dropping(4), depth: 0, emit: emit)
            case 10, 24, 28, 30: return ipv6(b.dropping(4), depth: 0, emit: emit)
            default: return .skipped(.notIP)
            }
        case .ppp:
            return ppp(b, depth: 0, emit: emit)
        case .pppEther:
            return pppoe(b, depth: 0, emit: emit)
        case .mtp2:
            return mtp2(b)
        default:
            return .skipped(.unsupportedLinkType)
        }
    }

    func ethernet(_ b: UnsafeRawBufferPointer, depth: Int, emit: Emit) -> PacketDisposition {
        guard b.count >= 14 else { return .malformed(.linkTruncated) }
        counters.bump(.ethernet)
        return etherType(b.be16(12), b.dropping(14), depth: depth, emit: emit)
    }

    /// Dispatches on an EtherType, peeling any number of VLAN tags first.
    func etherType(_ type: UInt16, _ payload: UnsafeRawBufferPointer, depth: Int, emit: Emit) -> PacketDisposition {
        var t = type
        var p = payload
        while t == 0x8100 || t == 0x88A8 || t == 0x9100 {
            guard p.count >= 4 else { return .malformed(.linkTruncated) }
            counters.bump(.vlanTags)
            t = p.be16(2)
            p = p.dropping(4)
        }
        switch t {
        case 0x0800: return ipv4(p, depth: depth, emit: emit)
        case 0x86DD: return ipv6(p, depth: depth, emit: emit)
        case 0x8864: return pppoe(p, depth: depth, emit: emit)
        default: return .skipped(.notIP)
        }
    }

    /// PPPoE session stage: 6-byte header, then a PPP protocol field.
    func pppoe(_ b: UnsafeRawBufferPointer, depth: Int, emit: Emit) -> PacketDisposition {
        guard b.count >= 8 else { return .malformed(.linkTruncated) }
        counters.bump(.pppoe)
        let length = Int(b.be16(4))
        let session = b.slice(6, min(b.count, 6 + length))
        return ppp(session, depth: depth, emit: emit)
    }

    /// PPP: optional address/control bytes (FF 03), then a 1- or 2-byte protocol.
    func ppp(_ b: UnsafeRawBufferPointer, depth: Int, emit: Emit) -> PacketDisposition {
        var p = b
        if p.count >= 2 && p[0] == 0xFF && p[1] == 0x03 { p = p.dropping(2) }
        guard p.count >= 1 else { return .malformed(.linkTruncated) }
        counters.bump(.ppp)
        let proto: UInt16
        if p[0] & 1 == 1 {  // protocol field compressed to one byte
            proto = UInt16(p[0])
            p = p.dropping(1)
        } else {
            guard p.count >= 2 else { return .malformed(.linkTruncated) }
            proto = p.be16(0)
            p = p.dropping(2)
        }
        switch proto {
        case 0x0021: return ipv4(p, depth: depth, emit: emit)
        case 0x0057: return ipv6(p, depth: depth, emit: emit)
        default: return .skipped(.notIP)
        }
    }
}
