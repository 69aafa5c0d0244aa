/// Turns SIP messages into Ethernet frames as a capture at the core would record them:
/// optional 802.1Q tag, IPv4 (with header checksum, fragmented past the 1500-byte MTU)
/// or IPv6, UDP or TCP with correct checksums. TCP connections open with a three-way
/// handshake on first use and keep their sequence numbers across calls.
final class PacketFramer {
    typealias Emit = ([UInt8]) -> Void

    static let mtu = 1500
    private var ipID: UInt16 = 1
    private struct Connection: Hashable { var a: IPAddress; var aPort: Int; var b: IPAddress; var bPort: Int }
    private var sequence: [Connection: (a: UInt32, b: UInt32)] = [:]
    private var frame: [UInt8] = []

    init() { frame.reserveCapacity(4096) }

    private static func mac(_ ip: IPAddress) -> [UInt8] {
        let h = mixHash(ip.bytes.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) })
        return [0x02, UInt8(h & 0xFF), UInt8(h >> 8 & 0xFF), UInt8(h >> 16 & 0xFF), UInt8(h >> 24 & 0xFF), UInt8(h >> 32 & 0xFF)]
    }

    private func ethernet(src: IPAddress, dst: IPAddress, vlan: Int?) {
        frame.removeAll(keepingCapacity: true)
        frame += PacketFramer.mac(dst)
        frame += PacketFramer.mac(src)
        if let vlan {
            frame += [0x81, 0x00, UInt8(vlan >> 8 & 0x0F), UInt8(vlan & 0xFF)]
        }
        frame += src.isIPv6 ? [0x86, 0xDD] : [0x08, 0x00]
    }

    private func be16(_ v: Int) { frame.append(UInt8(v >> 8 & 0xFF)); frame.append(UInt8(v & 0xFF)) }
    private func be32(_ v: UInt32) { be16(Int(v >> 16)); be16(Int(v & 0xFFFF)) }

    /// One's-complement sum of `bytes` (folded later).
    private static func sum(_ bytes: ArraySlice<UInt8>, into s: inout UInt32) {
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex { s &+= UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1]); i += 2 }
        if i < bytes.endIndex { s &+= UInt32(bytes[i]) << 8 }
    }

    private static func fold(_ s: UInt32) -> UInt16 {
        var s = s
        while s >> 16 != 0 { s = (s & 0xFFFF) &+ (s >> 16) }
        return ~UInt16(s)
    }

    /// Transport checksum over the pseudo-header and `segment`.
    private static func checksum(src: IPAddress, dst: IPAddress, proto: UInt8, segment: [UInt8]) -> UInt16 {
        var s: UInt32 = 0
        sum(src.bytes[...], into: &s)
        sum(dst.bytes[...], into: &s)
        s &+= UInt32(proto) &+ UInt32(segment.count & 0xFFFF) &+ UInt32(segment.count >> 16)
        sum(segment[...], into: &s)
        let c = fold(s)
        return proto == 17 && c == 0 ? 0xFFFF : c
    }

    private func ipv4Header(src: IPAddress, dst: IPAddress, proto: UInt8, payloadLength: Int, id: UInt16,
                            fragmentOffset: Int, more: Bool, dontFragment: Bool) {
        let start = frame.count
        frame += [0x45, 0x60]  // DSCP CS3, as signalling is usually marked
        be16(20 + payloadLength)
        be16(Int(id))
        be16((dontFragment ? 0x4000 : 0) | (more ? 0x2000 : 0) | (fragmentOffset / 8))
        frame += [64, proto, 0, 0]
        frame += src.bytes
        frame += dst.bytes
        var s: UInt32 = 0
        PacketFramer.sum(frame[start..<(start + 20)], into: &s)
        let c = PacketFramer.fold(s)
        frame[start + 10] = UInt8(c >> 8)
        frame[start + 11] = UInt8(c & 0xFF)
    }

    private func ipv6Header(src: IPAddress, dst: IPAddress, proto: UInt8, payloadLength: Int) {
        frame += [0x60, 0x00, 0x00, 0x00]
        be16(payloadLength)
        frame += [proto, 64]
        frame += src.bytes
        frame += dst.bytes
    }

    /// A UDP datagram, in IPv4 fragments when it exceeds the MTU.
    func udp(src: IPAddress, srcPort: Int, dst: IPAddress, dstPort: Int, vlan: Int?, payload: [UInt8], emit: Emit) {
        var segment: [UInt8] = []
        segment.reserveCapacity(payload.count + 8)
        let length = payload.count + 8
        segment += [UInt8(srcPort >> 8), UInt8(srcPort & 0xFF), UInt8(dstPort >> 8), UInt8(dstPort & 0xFF),
                    UInt8(length >> 8), UInt8(length & 0xFF), 0, 0]
        segment += payload
        let c = PacketFramer.checksum(src: src, dst: dst, proto: 17, segment: segment)
        segment[6] = UInt8(c >> 8)
        segment[7] = UInt8(c & 0xFF)
        if src.isIPv6 {
            ethernet(src: src, dst: dst, vlan: vlan)
            ipv6Header(src: src, dst: dst, proto: 17, payloadLength: segment.count)
            frame += segment
            emit(frame)
            return
        }
        ipID &+= 1
        let maxPayload = (PacketFramer.mtu - 20) / 8 * 8
        var offset = 0
        repeat {
            let n = min(maxPayload, segment.count - offset)
            ethernet(src: src, dst: dst, vlan: vlan)
            ipv4Header(src: src, dst: dst, proto: 17, payloadLength: n, id: ipID, fragmentOffset: offset,
                       more: offset + n < segment.count, dontFragment: false)
            frame += segment[offset..<(offset + n)]
            emit(frame)
            offset += n
        } while offset < segment.count
    }

    /// An IPv4 packet of protocol `proto` carrying `payload` as it is (SCTP: the payload
    /// carries its own checksum). Signalling between exchanges stays under the MTU.
    func ip(src: IPAddress, dst: IPAddress, vlan: Int?, proto: UInt8, payload: [UInt8], emit: Emit) {
        ipID &+= 1
        ethernet(src: src, dst: dst, vlan: vlan)
        ipv4Header(src: src, dst: dst, proto: proto, payloadLength: payload.count, id: ipID, fragmentOffset: 0, more: false,
                   dontFragment: true)
        frame += payload
        emit(frame)
    }

    /// SIP over TCP from `src` to `dst`: a handshake if this connection is new (the origin
    /// side opens it), then the payload in segments of at most one MSS.
    func tcp(src: IPAddress, srcPort: Int, dst: IPAddress, dstPort: Int, vlan: Int?, payload: [UInt8], fromOrigin: Bool,
             emit: Emit) {
        let key = fromOrigin ? Connection(a: src, aPort: srcPort, b: dst, bPort: dstPort)
                             : Connection(a: dst, aPort: dstPort, b: src, bPort: srcPort)
        if sequence[key] == nil {
            let isnA = UInt32(truncatingIfNeeded: mixHash(UInt64(srcPort), UInt64(key.a.bytes.last ?? 0), 11))
            let isnB = UInt32(truncatingIfNeeded: mixHash(UInt64(dstPort), UInt64(key.b.bytes.last ?? 0), 12))
            segment(key.a, key.aPort, key.b, key.bPort, vlan, seq: isnA, ack: 0, flags: 0x02, payload: [], emit: emit)
            segment(key.b, key.bPort, key.a, key.aPort, vlan, seq: isnB, ack: isnA &+ 1, flags: 0x12, payload: [], emit: emit)
            segment(key.a, key.aPort, key.b, key.bPort, vlan, seq: isnA &+ 1, ack: isnB &+ 1, flags: 0x10, payload: [], emit: emit)
            sequence[key] = (isnA &+ 1, isnB &+ 1)
        }
        var (a, b) = sequence[key]!
        let mss = PacketFramer.mtu - 40 - (src.isIPv6 ? 20 : 0)
        var offset = 0
        while offset < payload.count {
            let n = min(mss, payload.count - offset)
            let chunk = Array(payload[offset..<(offset + n)])
            if fromOrigin {
                segment(src, srcPort, dst, dstPort, vlan, seq: a, ack: b, flags: 0x18, payload: chunk, emit: emit)
                a &+= UInt32(n)
            } else {
                segment(src, srcPort, dst, dstPort, vlan, seq: b, ack: a, flags: 0x18, payload: chunk, emit: emit)
                b &+= UInt32(n)
            }
            offset += n
        }
        sequence[key] = (a, b)
    }

    private func segment(_ src: IPAddress, _ sport: Int, _ dst: IPAddress, _ dport: Int, _ vlan: Int?, seq: UInt32, ack: UInt32,
                         flags: UInt8, payload: [UInt8], emit: Emit) {
        var seg: [UInt8] = [UInt8(sport >> 8), UInt8(sport & 0xFF), UInt8(dport >> 8), UInt8(dport & 0xFF)]
        seg.reserveCapacity(20 + payload.count)
        for v in [seq, ack] { seg += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        seg += [0x50, flags, 0xFF, 0xFF, 0, 0, 0, 0]
        seg += payload
        let c = PacketFramer.checksum(src: src, dst: dst, proto: 6, segment: seg)
        seg[16] = UInt8(c >> 8)
        seg[17] = UInt8(c & 0xFF)
        ethernet(src: src, dst: dst, vlan: vlan)
        if src.isIPv6 {
            ipv6Header(src: src, dst: dst, proto: 6, payloadLength: seg.count)
        } else {
            ipID &+= 1
            ipv4Header(src: src, dst: dst, proto: 6, payloadLength: seg.count, id: ipID, fragmentOffset: 0, more: false,
                       dontFragment: true)
        }
        frame += seg
        emit(frame)
    }
}
