/// Builds link, IP and transport headers around a payload: the bytes tests, benchmarks
/// and the demo trace feed the decoder. Deliberately independent of `Wire`, so a test
/// that builds a packet here and decodes it there checks both against the RFCs rather
/// than against each other.
public enum FrameBuilder {
    /// An IPv4 address from dotted-quad text; traps on bad text (test input).
    public static func ipv4(_ text: String) -> [UInt8] {
        let parts = text.split(separator: ".").compactMap { UInt8($0) }
        precondition(parts.count == 4, "bad IPv4 address \(text)")
        return parts
    }

    /// An IPv6 address from full or `::`-compressed text.
    public static func ipv6(_ text: String) -> [UInt8] {
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        func groups(_ s: String) -> [UInt16] { s.isEmpty ? [] : s.split(separator: ":").map { UInt16($0, radix: 16)! } }
        let head = groups(halves[0])
        let tail = halves.count > 1 ? groups(halves[1]) : []
        let all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    public static func be16(_ v: Int) -> [UInt8] { [UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
    public static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
    }

    /// Ethernet II with optional VLAN tags (outermost first; 0x88A8 for a QinQ outer tag).
    public static func ethernet(_ payload: [UInt8], etherType: Int = 0x0800, vlans: [(tpid: Int, id: Int)] = []) -> [UInt8] {
        var f: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x66, 0x77, 0x88, 0x99, 0xaa]
        for v in vlans { f += be16(v.tpid) + be16(v.id & 0x0fff) }
        return f + be16(etherType) + payload
    }

    /// Linux cooked capture v1 (16 bytes) or v2 (20 bytes) header.
    public static func linuxCooked(_ payload: [UInt8], version: Int = 1, protocolType: Int = 0x0800) -> [UInt8] {
        if version == 2 {
            return be16(protocolType) + [0, 0] + be32(1) + be16(1) + [0, 6] + [0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0] + payload
        }
        return [0, 0] + be16(1) + be16(6) + [0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0] + be16(protocolType) + payload
    }

    /// BSD loopback (DLT_NULL): the address family in little-endian host order.
    public static func loopback(_ payload: [UInt8], family: UInt32 = 2) -> [UInt8] {
        [UInt8(family & 0xff), UInt8((family >> 8) & 0xff), 0, 0] + payload
    }

    /// PPPoE session header plus PPP protocol field.
    public static func pppoe(_ payload: [UInt8], pppProtocol: Int = 0x0021) -> [UInt8] {
        [0x11, 0x00] + be16(0x0001) + be16(payload.count + 2) + be16(pppProtocol) + payload
    }

    /// GRE header (no options) for the given protocol type.
    public static func gre(_ payload: [UInt8], protocolType: Int, sequence: UInt32? = nil) -> [UInt8] {
        var flags = 0
        var extra: [UInt8] = []
        if let sequence { flags |= 0x1000; extra = be32(sequence) }
        return be16(flags) + be16(protocolType) + extra + payload
    }

    /// ERSPAN type II header (8 bytes) around a mirrored Ethernet frame.
    public static func erspanII(_ frame: [UInt8]) -> [UInt8] {
        [0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00] + frame
    }

    /// ERSPAN type III header (12 bytes, no platform sub-header).
    public static func erspanIII(_ frame: [UInt8]) -> [UInt8] {
        [0x20, 0x00, 0x00, 0x01] + be32(0x1234_5678) + [0, 0, 0, 0] + frame
    }

    /// IPv4 header (with checksum) around a payload; `fragmentOffset` in bytes.
    public static func ipv4(_ payload: [UInt8], source: String, destination: String, proto: UInt8,
                            identification: Int = 1, moreFragments: Bool = false, fragmentOffset: Int = 0,
                            ttl: UInt8 = 64) -> [UInt8] {
        let flagsOffset = (moreFragments ? 0x2000 : 0) | (fragmentOffset / 8)
        var h: [UInt8] = [0x45, 0] + be16(20 + payload.count) + be16(identification) + be16(flagsOffset)
            + [ttl, proto, 0, 0] + ipv4(source) + ipv4(destination)
        let c = checksum(h)
        h[10] = UInt8(c >> 8)
        h[11] = UInt8(c & 0xff)
        return h + payload
    }

    /// IPv6 header; `extensionHeaders` are (type, bytes) inserted before the payload.
    public static func ipv6(_ payload: [UInt8], source: String, destination: String, nextHeader: UInt8,
                            extensionHeaders: [(type: UInt8, bytes: [UInt8])] = []) -> [UInt8] {
        var chain: [UInt8] = []
        var first = nextHeader
        // Each extension header's first byte names what follows it.
        for (i, ext) in extensionHeaders.enumerated().reversed() {
            var b = ext.bytes
            b[0] = i == extensionHeaders.count - 1 ? nextHeader : extensionHeaders[i + 1].type
            chain = b + chain
        }
        if let e = extensionHeaders.first { first = e.type }
        var payload = payload
        if nextHeader == 17 && payload.count >= 8 && !extensionHeaders.contains(where: { $0.type == 44 }) {
            // UDP over IPv6 must carry a checksum (RFC 8200 8.1).
            let c = checksum(ipv6(source) + ipv6(destination) + be32(UInt32(payload.count)) + [0, 0, 0, 17] + payload)
            let v = c == 0 ? 0xffff : c
            payload[6] = UInt8(v >> 8)
            payload[7] = UInt8(v & 0xff)
        }
        let body = chain + payload
        return [0x60, 0, 0, 0] + be16(body.count) + [first, 64] + ipv6(source) + ipv6(destination) + body
    }

    /// The Internet checksum (RFC 1071) of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < bytes.count {
            sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
            i += 2
        }
        if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// An IPv6 hop-by-hop options header of 8 bytes (PadN).
    public static let ipv6HopByHop: (type: UInt8, bytes: [UInt8]) = (0, [0, 0, 1, 4, 0, 0, 0, 0])

    /// IPv6 fragment extension header fields: offset in bytes.
    public static func ipv6Fragment(offset: Int, more: Bool, identification: UInt32) -> (type: UInt8, bytes: [UInt8]) {
        (44, [0, 0] + be16(offset | (more ? 1 : 0)) + be32(identification))
    }

    public static func udp(_ payload: [UInt8], sourcePort: Int, destinationPort: Int) -> [UInt8] {
        be16(sourcePort) + be16(destinationPort) + be16(8 + payload.count) + [0, 0] + payload
    }

    /// TCP header (20 bytes, PSH/ACK unless flags are given).
    public static func tcp(_ payload: [UInt8], sourcePort: Int, destinationPort: Int, seq: UInt32,
                           ack: UInt32 = 1, flags: UInt8 = 0x18) -> [UInt8] {
        be16(sourcePort) + be16(destinationPort) + be32(seq) + be32(ack) + [0x50, flags] + be16(65535) + [0, 0, 0, 0] + payload
    }

    /// Splits an IPv4 datagram's payload into fragment packets (each a full IPv4 packet).
    public static func ipv4Fragments(_ transportPayload: [UInt8], source: String, destination: String, proto: UInt8,
                                     identification: Int, fragmentSize: Int) -> [[UInt8]] {
        precondition(fragmentSize % 8 == 0)
        var out: [[UInt8]] = []
        var offset = 0
        while offset < transportPayload.count {
            let end = min(offset + fragmentSize, transportPayload.count)
            out.append(ipv4(Array(transportPayload[offset..<end]), source: source, destination: destination, proto: proto,
                            identification: identification, moreFragments: end < transportPayload.count,
                            fragmentOffset: offset))
            offset = end
        }
        return out
    }
}
