import CZlib

/// HEP (Homer Encapsulation Protocol), how capture agents (heplify, Kamailio and OpenSIPS
/// `siptrace`, FreeSWITCH) ship the signalling they saw to a collector: each datagram
/// carries one captured message with its original addresses, ports and capture time.
/// Versions 1 and 2 are a fixed header; version 3 (`HEP3`) is a list of typed chunks.
/// The inner addresses, ports and timestamp replace the outer ones, so a HEP capture
/// replays as the traffic the agent saw; chunk 0x0010 (a zlib-compressed payload) is
/// inflated into a buffer of bounded size. HEP of other protocol types (RTCP, logs) is
/// skipped; a HEP datagram that breaks its own lengths is malformed.
extension PacketDecoder {
    /// The largest inflated payload accepted: a SIP message larger than this is not one.
    static let hepInflateLimit = 65_536

    /// What a HEP header says about the message it carries.
    struct HEPHeader {
        var source = Endpoint(address: .unspecified, port: 0)
        var destination = Endpoint(address: .unspecified, port: 0)
        var transport = MessageContext.Transport.udp
        var timestamp: Nanoseconds = 0
        var captureID: UInt32 = 0
        /// 1: SIP. 0 when the header does not say (versions 1 and 2 carry SIP only).
        var protocolType: UInt8 = 1
        var payload: Range<Int> = 0..<0
        var compressed = false
    }

    /// Whether a UDP payload on `port`s is HEP: `HEP3` by content on any port; versions 1
    /// and 2 (no magic) only on the HEP port.
    @inline(__always)
    static func looksLikeHEP(_ payload: UnsafeRawBufferPointer, sourcePort: UInt16, destinationPort: UInt16, hepPort: UInt16) -> Bool {
        if payload.matches("HEP3", at: 0) { return true }
        guard destinationPort == hepPort || sourcePort == hepPort, payload.count >= 16 else { return false }
        return (payload[0] == 1 || payload[0] == 2) && (payload[2] == 2 || payload[2] == 10)
    }

    func hep(_ p: UnsafeRawBufferPointer, emit: Emit) -> PacketDisposition {
        let parsed = p.matches("HEP3", at: 0) ? Self.hep3(p) : Self.hep2(p)
        guard let h = parsed else { return .malformed(.hepBadHeader) }
        counters.bump(.hep)
        guard h.protocolType == 1 else { return .skipped(.hep) }
        context.source = h.source
        context.destination = h.destination
        context.transport = h.transport
        if h.timestamp > 0 && configuration.hepCaptureTime { context.timestamp = h.timestamp }
        context.captureID = h.captureID
        if !h.compressed {
            return hepPayload(p.slice(h.payload.lowerBound, h.payload.upperBound), emit: emit)
        }
        let compressed = p.slice(h.payload.lowerBound, h.payload.upperBound)
        var size = 0
        let ok = hepInflated.withUnsafeMutableBytes { out -> Bool in
            var length = uLongf(out.count)
            let status = uncompress(out.baseAddress!.assumingMemoryBound(to: Bytef.self), &length,
                                    compressed.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(compressed.count))
            size = Int(length)
            return status == Z_OK
        }
        guard ok else { return .malformed(.hepInflateFailed) }
        counters.bump(.hepInflated)
        return hepInflated.withUnsafeBytes { hepPayload($0.slice(0, size), emit: emit) }
    }

    private func hepPayload(_ payload: UnsafeRawBufferPointer, emit: Emit) -> PacketDisposition {
        switch SIPParser.recognize(payload) {
        case .sip:
            counters.bump(.sipOverHEP)
            return deliver(payload, isStream: false, emit: emit)
        case .keepalive:
            counters.bump(.sipKeepalives)
            return .signalling
        case .needMore, .notSIP:
            return .malformed(.hepPayloadNotSIP)
        }
    }

    /// HEP3: `HEP3`, total length, then chunks of vendor (2), type (2), length (2, with
    /// the chunk header) and value. Vendor chunks other than 0 are passed over.
    static func hep3(_ p: UnsafeRawBufferPointer) -> HEPHeader? {
        guard p.count >= 6 else { return nil }
        let total = Int(p.be16(4))
        guard total >= 6, total <= p.count else { return nil }
        var h = HEPHeader()
        h.protocolType = 0
        var family: UInt8 = 0, seconds: UInt64 = 0, micros: UInt64 = 0
        var src4: IPAddress?, dst4: IPAddress?, src6: IPAddress?, dst6: IPAddress?
        var sourcePort: UInt16 = 0, destinationPort: UInt16 = 0
        var havePayload = false
        var at = 6
        while at < total {
            guard at + 6 <= total else { return nil }
            let vendor = p.be16(at), type = p.be16(at + 2), length = Int(p.be16(at + 4))
            guard length >= 6, at + length <= total else { return nil }
            let v = at + 6, n = length - 6
            if vendor == 0 {
                switch type {
                case 0x0001 where n >= 1: family = p[v]
                case 0x0002 where n >= 1: h.transport = p[v] == 6 ? .tcp : .udp
                case 0x0003 where n >= 4: src4 = IPAddress(v4: p, at: v)
                case 0x0004 where n >= 4: dst4 = IPAddress(v4: p, at: v)
                case 0x0005 where n >= 16: src6 = IPAddress(v6: p, at: v)
                case 0x0006 where n >= 16: dst6 = IPAddress(v6: p, at: v)
                case 0x0007 where n >= 2: sourcePort = p.be16(v)
                case 0x0008 where n >= 2: destinationPort = p.be16(v)
                case 0x0009 where n >= 4: seconds = UInt64(p.be32(v))
                case 0x000a where n >= 4: micros = UInt64(p.be32(v))
                case 0x000b where n >= 1: h.protocolType = p[v]
                case 0x000c where n >= 4: h.captureID = p.be32(v)
                case 0x000c where n >= 2: h.captureID = UInt32(p.be16(v))
                case 0x000f, 0x0010:
                    h.payload = v..<(v + n)
                    h.compressed = type == 0x0010
                    havePayload = true
                default: break
                }
            }
            at += length
        }
        guard havePayload else { return nil }
        let (src, dst) = family == 10 ? (src6, dst6) : (src4, dst4)
        h.source = Endpoint(address: src ?? .unspecified, port: sourcePort)
        h.destination = Endpoint(address: dst ?? .unspecified, port: destinationPort)
        if seconds > 0 { h.timestamp = Nanoseconds(seconds * 1_000_000_000 + min(micros, 999_999) * 1_000) }
        return h
    }

    /// HEP versions 1 and 2: version, header length, family, protocol, ports (network
    /// order), source and destination addresses; version 2 adds the capture time
    /// (seconds, microseconds) and a 16-bit capture id, which agents write in their own
    /// byte order (little-endian on every agent in use). The payload follows the header.
    static func hep2(_ p: UnsafeRawBufferPointer) -> HEPHeader? {
        guard p.count >= 8 else { return nil }
        let version = p[0], family = p[2]
        let addressLength = family == 10 ? 16 : 4
        var at = 8 + 2 * addressLength
        guard family == 2 || family == 10, p.count >= at else { return nil }
        var h = HEPHeader()
        h.transport = p[3] == 6 ? .tcp : .udp
        let src = family == 10 ? IPAddress(v6: p, at: 8) : IPAddress(v4: p, at: 8)
        let dst = family == 10 ? IPAddress(v6: p, at: 8 + addressLength) : IPAddress(v4: p, at: 8 + addressLength)
        h.source = Endpoint(address: src, port: p.be16(4))
        h.destination = Endpoint(address: dst, port: p.be16(6))
        if version == 2 {
            guard p.count >= at + 12 else { return nil }
            let seconds = UInt64(p.le32(at)), micros = UInt64(p.le32(at + 4))
            h.timestamp = Nanoseconds(seconds * 1_000_000_000 + min(micros, 999_999) * 1_000)
            h.captureID = UInt32(p[at + 8]) | UInt32(p[at + 9]) << 8
            at += 12
        }
        h.payload = at..<p.count
        return h
    }
}
