/// How ISUP reaches a capture: MTP3 (service indicator and routing label) over MTP2 on a
/// signalling link, over M2PA, or M3UA's Protocol Data (RFC 4666, and the draft-6 encoding
/// that still carries the MTP3 label) over SCTP. Each hands the ISUP message it finds to
/// `onISUP`; other SS7 users (SCCP, TUP) and link-management messages carry no call.
extension PacketDecoder {
    /// MTP2 without pseudo-header (DLT 140): BSN, FSN and the length indicator; fill-in
    /// and link-status units (length 0 to 2) carry no message.
    func mtp2(_ b: UnsafeRawBufferPointer) -> PacketDisposition {
        guard b.count >= 3 else { return .malformed(.linkTruncated) }
        counters.bump(.mtp2)
        guard b[2] & 0x3F > 2, b.count > 3 else { return .skipped(.notISUP) }
        return mtp3(b.dropping(3))
    }

    /// MTP3: service information octet, the ITU routing label (DPC 14 bits, OPC 14 bits,
    /// SLS 4 bits, little-endian), then the user part.
    func mtp3(_ b: UnsafeRawBufferPointer) -> PacketDisposition {
        guard b.count >= 5 else { return .malformed(.isupTruncated) }
        guard b[0] & 0x0F == 5 else { return .skipped(.notISUP) }
        let label = b.le32(1)
        return isup(b.dropping(5), opc: label >> 14 & 0x3FFF, dpc: label & 0x3FFF)
    }

    /// M2PA (RFC 4165) User Data: the common header, BSN, FSN, a priority octet, then MTP3.
    func m2pa(_ b: UnsafeRawBufferPointer) -> PacketDisposition {
        guard b.count >= 8, b[0] == 1 else { return .malformed(.isupTruncated) }
        counters.bump(.m2pa)
        guard b[2] == 11, b[3] == 1 else { return .skipped(.notISUP) }   // link status
        guard b.count > 17 else { return .skipped(.notISUP) }           // no user data
        return mtp3(b.dropping(17))
    }

    /// M3UA (RFC 4666) Transfer messages: Protocol Data (tag 0x0210: OPC, DPC, SI, NI, MP,
    /// SLS, user data) or, in draft-6, tag 0x0002 holding an MTP3 message. Management,
    /// state and traffic-maintenance messages carry no call.
    func m3ua(_ b: UnsafeRawBufferPointer) -> PacketDisposition {
        guard b.count >= 8, b[0] == 1 else { return .malformed(.isupTruncated) }
        counters.bump(.m3ua)
        guard b[2] == 1, b[3] == 1 else { return .skipped(.notISUP) }
        var at = 8
        let end = min(b.count, Int(b.be32(4)))
        while at + 4 <= end {
            let tag = b.be16(at), length = Int(b.be16(at + 2))
            guard length >= 4, at + length <= end else { return .malformed(.isupTruncated) }
            let v = b.slice(at + 4, at + length)
            if tag == 0x0210 {
                guard v.count >= 12 else { return .malformed(.isupTruncated) }
                guard v[8] == 5 else { return .skipped(.notISUP) }
                return isup(v.dropping(12), opc: v.be32(0), dpc: v.be32(4))
            }
            if tag == 0x0002 { return mtp3(v) }
            at += (length + 3) & ~3
        }
        return .skipped(.notISUP)
    }

    func isup(_ b: UnsafeRawBufferPointer, opc: UInt32, dpc: UInt32) -> PacketDisposition {
        isupMessage.opc = opc
        isupMessage.dpc = dpc
        isupMessage.inSIPBody = false
        guard ISUPMessage.parse(b, into: &isupMessage) else { return .malformed(.isupTruncated) }
        counters.bump(.isupMessages)
        onISUP?(isupMessage, context)
        return .signalling
    }
}
