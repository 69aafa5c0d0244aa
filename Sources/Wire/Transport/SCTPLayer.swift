/// SCTP (RFC 9260), as SBCs and IMS cores carry SIP (RFC 4168) and SIGTRAN carries ISUP:
/// every DATA chunk of a packet (bundling), user messages fragmented over several chunks
/// reassembled per association direction and stream (bounded), retransmitted chunks
/// (a TSN already seen) ignored, the CRC32c checked and a bad one counted. A DATA chunk
/// with payload protocol 0 whose bytes are SIP, or any chunk on a SIP port, is SIP;
/// SIGTRAN (M3UA, M2PA) and the association's control chunks carry no SIP.
extension PacketDecoder {
    /// A user message being reassembled from its fragments.
    struct SCTPMessage {
        var bytes: [UInt8] = []
        var nextTSN: UInt32 = 0
    }

    /// Pending reassemblies kept at most, and the largest user message accepted.
    static let sctpMaxPending = 1024
    static let sctpMaxMessage = 65_536

    func sctp(_ p: UnsafeRawBufferPointer, _ source: IPAddress, _ destination: IPAddress, emit: Emit) -> PacketDisposition {
        guard p.count >= 12 else { return .malformed(.sctpTruncated) }
        counters.bump(.sctp)
        let sourcePort = p.be16(0), destinationPort = p.be16(2)
        context.source = Endpoint(address: source, port: sourcePort)
        context.destination = Endpoint(address: destination, port: destinationPort)
        context.transport = .sctp
        context.captureID = 0
        if p.le32(8) != Self.crc32c(p) { counters.bump(.sctpBadChecksum) }
        let onSIPPort = configuration.sipUDPPorts.contains(destinationPort) || configuration.sipUDPPorts.contains(sourcePort)
        let direction = Self.sctpKey(source, sourcePort, destination, destinationPort)
        var result = PacketDisposition.skipped(.sctp)
        func note(_ d: PacketDisposition) {
            // The first malformed outcome wins; SIP beats nothing.
            if case .malformed = result { return }
            if case .malformed = d { result = d } else if d == .signalling { result = d }
        }
        var at = 12
        while at + 4 <= p.count {
            let type = p[at], flags = p[at + 1], length = Int(p.be16(at + 2))
            guard length >= 4, at + length <= p.count else { note(.malformed(.sctpTruncated)); break }
            if type == 0 {
                guard length >= 16 else { note(.malformed(.sctpTruncated)); break }
                counters.bump(.sctpDataChunks)
                let tsn = p.be32(at + 4), stream = p.be16(at + 8), ppid = p.be32(at + 12)
                let data = p.slice(at + 16, at + length)
                note(sctpData(data, tsn: tsn, flags: flags, key: direction ^ UInt64(stream) &* 0x9E37_79B9_7F4A_7C15, ppid: ppid,
                              onSIPPort: onSIPPort, emit: emit))
            }
            at += (length + 3) & ~3
        }
        return result
    }

    private func sctpData(_ data: UnsafeRawBufferPointer, tsn: UInt32, flags: UInt8, key: UInt64, ppid: UInt32,
                          onSIPPort: Bool, emit: Emit) -> PacketDisposition {
        if ppid == 3 || ppid == 5 {
            // SIGTRAN: one whole message per chunk in practice; fragments are not reassembled.
            guard flags & 0x03 == 0x03 else { return .skipped(.sctp) }
            return ppid == 3 ? m3ua(data) : m2pa(data)
        }
        guard ppid == 0 || onSIPPort else { return .skipped(.sctp) }
        // A TSN at or below the last one taken in this direction and stream is a retransmission.
        if let last = sctpLastTSN[key], Int32(bitPattern: tsn &- last) <= 0 {
            counters.bump(.sctpDuplicateChunks)
            return .signalling
        }
        sctpLastTSN[key] = tsn
        if sctpLastTSN.count > Self.sctpMaxPending * 4 { sctpLastTSN.removeAll(keepingCapacity: true) }
        let begins = flags & 0x02 != 0, ends = flags & 0x01 != 0
        if begins && ends {
            return sctpDeliver(data, onSIPPort: onSIPPort, emit: emit)
        }
        if begins {
            if sctpPending.count >= Self.sctpMaxPending, sctpPending[key] == nil {
                return .malformed(.sctpReassemblyTableFull)
            }
            sctpPending[key] = SCTPMessage(bytes: Array(data), nextTSN: tsn &+ 1)
            return .signalling
        }
        guard var m = sctpPending[key], m.nextTSN == tsn else {
            sctpPending[key] = nil
            return .malformed(.sctpFragmentMissing)
        }
        guard m.bytes.count + data.count <= Self.sctpMaxMessage else {
            sctpPending[key] = nil
            return .malformed(.sipMessageTooLarge)
        }
        m.bytes.append(contentsOf: data)
        m.nextTSN = tsn &+ 1
        if !ends {
            sctpPending[key] = m
            return .signalling
        }
        sctpPending[key] = nil
        counters.bump(.sctpMessagesReassembled)
        return m.bytes.withUnsafeBytes { sctpDeliver($0, onSIPPort: onSIPPort, emit: emit) }
    }

    private func sctpDeliver(_ message: UnsafeRawBufferPointer, onSIPPort: Bool, emit: Emit) -> PacketDisposition {
        switch SIPParser.recognize(message) {
        case .sip:
            counters.bump(.sipOverSCTP)
            return deliver(message, isStream: false, emit: emit)
        case .keepalive:
            return .signalling
        case .needMore, .notSIP:
            return onSIPPort ? .malformed(.sipGarbageOnSIPPort) : .skipped(.sctp)
        }
    }

    @inline(__always)
    static func sctpKey(_ s: IPAddress, _ sp: UInt16, _ d: IPAddress, _ dp: UInt16) -> UInt64 {
        var h = s.high &* 0x9E37_79B9_7F4A_7C15 ^ s.low
        h = (h ^ d.high) &* 0xBF58_476D_1CE4_E5B9 ^ d.low
        return (h ^ UInt64(sp) << 16 ^ UInt64(dp)) &* 0x94D0_49BB_1331_11EB
    }

    /// CRC32c (Castagnoli) of an SCTP packet, its checksum field taken as zero.
    static func crc32c(_ p: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for i in 0..<p.count {
            let byte = (8..<12).contains(i) ? 0 : p[i]
            crc = crc32cTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return ~crc
    }

    static let crc32cTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0x82F6_3B78 ^ (c >> 1) : c >> 1 }
        return c
    }
}
