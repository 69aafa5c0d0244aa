/// GRE (RFC 2784/2890 and the enhanced PPTP variant) carrying IP, Ethernet
/// (transparent bridging), PPP, or ERSPAN types I, II and III.
extension PacketDecoder {
    func gre(_ b: UnsafeRawBufferPointer, depth: Int, emit: Emit) -> PacketDisposition {
        guard b.count >= 4 else { return .malformed(.tunnelTruncated) }
        counters.bump(.gre)
        let flags = b.be16(0)
        let version = flags & 0x7
        let proto = b.be16(2)
        var len = 4
        if version == 1 {
            // Enhanced GRE (PPTP): key always present; sequence and acknowledgement optional.
            len += 4
            if flags & 0x1000 != 0 { len += 4 }
            if flags & 0x0080 != 0 { len += 4 }
        } else {
            if flags & 0x8000 != 0 { len += 4 }  // checksum + reserved
            if flags & 0x2000 != 0 { len += 4 }  // key
            if flags & 0x1000 != 0 { len += 4 }  // sequence
        }
        guard b.count >= len else { return .malformed(.tunnelTruncated) }
        let p = b.dropping(len)
        switch proto {
        case 0x0800: return ipv4(p, depth: depth, emit: emit)
        case 0x86DD: return ipv6(p, depth: depth, emit: emit)
        case 0x6558: return ethernet(p, depth: depth, emit: emit)
        case 0x880B: return ppp(p, depth: depth, emit: emit)
        case 0x88BE:
            counters.bump(.erspan)
            // ERSPAN type II has an 8-byte header and sets the GRE sequence bit; type I has none.
            if flags & 0x1000 != 0 {
                guard p.count >= 8 else { return .malformed(.tunnelTruncated) }
                return ethernet(p.dropping(8), depth: depth, emit: emit)
            }
            return ethernet(p, depth: depth, emit: emit)
        case 0x22EB:
            counters.bump(.erspan)
            // ERSPAN type III: 12-byte header, plus an 8-byte platform sub-header when O is set.
            guard p.count >= 12 else { return .malformed(.tunnelTruncated) }
            let headerLength = p[11] & 0x01 != 0 ? 20 : 12
            guard p.count >= headerLength else { return .malformed(.tunnelTruncated) }
            return ethernet(p.dropping(headerLength), depth: depth, emit: emit)
        default:
            return .skipped(.notIP)
        }
    }
}
