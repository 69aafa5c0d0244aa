/// GTP-U (3GPP TS 29.281), the user-plane tunnel of mobile core networks (S1-U, S5/S8,
/// N3): a capture there carries each subscriber's IP packets, VoLTE SIP included, inside
/// UDP port 2152. Version 1 G-PDUs are opened (the optional sequence, N-PDU and
/// extension headers skipped) and their IPv4 or IPv6 packet decoded like any other;
/// signalling messages of the tunnel itself (echo, error indication, end marker) carry
/// no user data.
extension PacketDecoder {
    func gtpU(_ b: UnsafeRawBufferPointer, depth: Int, emit: Emit) -> PacketDisposition {
        guard b.count >= 8 else { return .malformed(.gtpTruncated) }
        let flags = b[0]
        guard flags >> 5 == 1, flags & 0x10 != 0 else { return .skipped(.gtp) }   // GTP' or another version
        guard b[1] == 0xFF else { return .skipped(.gtp) }                          // not a G-PDU
        let end = min(b.count, 8 + Int(b.be16(2)))
        var at = 8
        if flags & 0x07 != 0 {
            guard end >= 12 else { return .malformed(.gtpTruncated) }
            var next = b[11]
            at = 12
            // Extension headers: a length in 4-octet units, the content, the next type last.
            while next != 0 {
                guard at < end else { return .malformed(.gtpTruncated) }
                let length = Int(b[at]) * 4
                guard length > 0, at + length <= end else { return .malformed(.gtpTruncated) }
                next = b[at + length - 1]
                at += length
            }
        }
        guard at < end, depth < configuration.maxTunnelDepth else { return at < end ? .skipped(.gtp) : .malformed(.gtpTruncated) }
        counters.bump(.gtpU)
        return ip(b.slice(at, end), depth: depth + 1, emit: emit)
    }
}
