/// Turns SIP messages into Ethernet frames as a capture at the core would record them:
/// optional 802.1Q tag, IPv4 (with header checksum, fragmented past the 1500-byte MTU)
/// or IPv6, UDP or TCP with correct checksums. TCP connections open with a three-way
/// handshake on first use and keep their sequence numbers across calls. Frames are built
/// in buffers reused from packet to packet and handed to the pcap writer with the time
/// set in `time`. A struct held in one variable: its buffers are mutated without the
/// run-time exclusivity checks a class's stored properties pay on every append.
struct PacketFramer {
    static let mtu = 1500
    private(set) var writer: PcapDumpWriter
    /// Closes the file; false when writing failed.
    mutating func close() -> Bool { writer.close() }

    /// Capture time of the frames written next (nanoseconds).
    var time: Int64 = 0
    private var ipID: UInt16 = 1
    private struct Connection: Hashable { var a: IPAddress; var aPort: Int; var b: IPAddress; var bPort: Int }
    private var sequence: [Connection: (a: UInt32, b: UInt32)] = [:]
    private var frame: [UInt8] = []
    private var segment: [UInt8] = []

    init(writer: PcapDumpWriter) {
        self.writer = writer
        frame.reserveCapacity(4096)
        segment.reserveCapacity(4096)
    }

    /// The locally administered MAC address of `ip` (a hash of its bytes).
    private mutating func mac(_ ip: IPAddress) {
        var h: UInt64 = 0
        for b in ip.bytes { h = h &* 31 &+ UInt64(b) }
        h = mixHash(h)
        frame.append(0x02)
        for k in 0..<5 { frame.append(UInt8(truncatingIfNeeded: h >> (8 * UInt64(k)))) }
    }

    private mutating func ethernet(src: IPAddress, dst: IPAddress, vlan: Int?) {
        frame.removeAll(keepingCapacity: true)
        mac(dst)
        mac(src)
        if let vlan {
            frame.append(0x81); frame.append(0x00)
            frame.append(UInt8(vlan >> 8 & 0x0F)); frame.append(UInt8(vlan & 0xFF))
        }
        if src.isIPv6 { frame.append(0x86); frame.append(0xDD) } else { frame.append(0x08); frame.append(0x00) }
    }

    private mutating func be16(_ v: Int) { frame.append(UInt8(v >> 8 & 0xFF)); frame.append(UInt8(v & 0xFF)) }

    /// One's-complement sum of `bytes[start..<end]` as big-endian 16-bit words (folded later).
    private static func sum(_ bytes: [UInt8], _ start: Int, _ end: Int, into s: inout UInt64) {
        bytes.withUnsafeBufferPointer { b in
            var acc: UInt64 = 0
            var i = start
            while i + 1 < end {
                acc &+= UInt64(b[i]) << 8 | UInt64(b[i + 1])
                i += 2
            }
            if i < end { acc &+= UInt64(b[i]) << 8 }
            s &+= acc
        }
    }

    private static func fold(_ s: UInt64) -> UInt16 {
        var s = s
        while s >> 16 != 0 { s = (s & 0xFFFF) &+ (s >> 16) }
        return ~UInt16(s)
    }

    /// Transport checksum over the pseudo-header and the segment `b[from...]`, stored at
    /// `from + offset`.
    private static func storeChecksum(src: IPAddress, dst: IPAddress, proto: UInt8, in b: inout [UInt8], from: Int, at offset: Int) {
        let n = b.count - from
        var s: UInt64 = 0
        PacketFramer.sum(src.bytes, 0, src.bytes.count, into: &s)
        PacketFramer.sum(dst.bytes, 0, dst.bytes.count, into: &s)
        s &+= UInt64(proto) &+ UInt64(n & 0xFFFF) &+ UInt64(n >> 16)
        PacketFramer.sum(b, from, b.count, into: &s)
        var c = PacketFramer.fold(s)
        if proto == 17 && c == 0 { c = 0xFFFF }
        b[from + offset] = UInt8(c >> 8)
        b[from + offset + 1] = UInt8(c & 0xFF)
    }

    private mutating func ipv4Header(src: IPAddress, dst: IPAddress, proto: UInt8, payloadLength: Int, id: UInt16,
                            fragmentOffset: Int, more: Bool, dontFragment: Bool) {
        let start = frame.count
        frame.append(0x45); frame.append(0x60)  // DSCP CS3, as signalling is usually marked
        be16(20 + payloadLength)
        be16(Int(id))
        be16((dontFragment ? 0x4000 : 0) | (more ? 0x2000 : 0) | (fragmentOffset / 8))
        frame.append(64); frame.append(proto); frame.append(0); frame.append(0)
        frame += src.bytes
        frame += dst.bytes
        var s: UInt64 = 0
        PacketFramer.sum(frame, start, start + 20, into: &s)
        let c = PacketFramer.fold(s)
        frame[start + 10] = UInt8(c >> 8)
        frame[start + 11] = UInt8(c & 0xFF)
    }

    private mutating func ipv6Header(src: IPAddress, dst: IPAddress, proto: UInt8, payloadLength: Int) {
        frame.append(0x60); frame.append(0); frame.append(0); frame.append(0)
        be16(payloadLength)
        frame.append(proto); frame.append(64)
        frame += src.bytes
        frame += dst.bytes
    }

    private mutating func emit() { writer.write(frame, at: time) }

    /// A UDP datagram, in IPv4 fragments when it exceeds the MTU. One that needs no
    /// fragments is built in the frame itself (the payload copied once).
    mutating func udp(src: IPAddress, srcPort: Int, dst: IPAddress, dstPort: Int, vlan: Int?, payload: [UInt8]) {
        let length = payload.count + 8
        if src.isIPv6 || 20 + length <= PacketFramer.mtu {
            ethernet(src: src, dst: dst, vlan: vlan)
            if src.isIPv6 {
                ipv6Header(src: src, dst: dst, proto: 17, payloadLength: length)
            } else {
                ipID &+= 1
                ipv4Header(src: src, dst: dst, proto: 17, payloadLength: length, id: ipID, fragmentOffset: 0, more: false,
                           dontFragment: false)
            }
            let start = frame.count
            PacketFramer.udpHeader(srcPort, dstPort, length, into: &frame)
            frame += payload
            PacketFramer.storeChecksum(src: src, dst: dst, proto: 17, in: &frame, from: start, at: 6)
            emit()
            return
        }
        segment.removeAll(keepingCapacity: true)
        PacketFramer.udpHeader(srcPort, dstPort, length, into: &segment)
        segment += payload
        PacketFramer.storeChecksum(src: src, dst: dst, proto: 17, in: &segment, from: 0, at: 6)
        ipID &+= 1
        let maxPayload = (PacketFramer.mtu - 20) / 8 * 8
        var offset = 0
        repeat {
            let n = min(maxPayload, segment.count - offset)
            ethernet(src: src, dst: dst, vlan: vlan)
            ipv4Header(src: src, dst: dst, proto: 17, payloadLength: n, id: ipID, fragmentOffset: offset,
                       more: offset + n < segment.count, dontFragment: false)
            frame += segment[offset..<(offset + n)]
            emit()
            offset += n
        } while offset < segment.count
    }

    private static func udpHeader(_ srcPort: Int, _ dstPort: Int, _ length: Int, into b: inout [UInt8]) {
        b.append(UInt8(srcPort >> 8 & 0xFF)); b.append(UInt8(srcPort & 0xFF))
        b.append(UInt8(dstPort >> 8 & 0xFF)); b.append(UInt8(dstPort & 0xFF))
        b.append(UInt8(length >> 8 & 0xFF)); b.append(UInt8(length & 0xFF))
        b.append(0); b.append(0)
    }

    /// An IPv4 packet of protocol `proto` carrying `payload` as it is (SCTP: the payload
    /// carries its own checksum). Signalling between exchanges stays under the MTU.
    mutating func ip(src: IPAddress, dst: IPAddress, vlan: Int?, proto: UInt8, payload: [UInt8]) {
        ipID &+= 1
        ethernet(src: src, dst: dst, vlan: vlan)
        ipv4Header(src: src, dst: dst, proto: proto, payloadLength: payload.count, id: ipID, fragmentOffset: 0, more: false,
                   dontFragment: true)
        frame += payload
        emit()
    }

    /// SIP over TCP from `src` to `dst`: a handshake if this connection is new (the origin
    /// side opens it), then the payload in segments of at most one MSS.
    mutating func tcp(src: IPAddress, srcPort: Int, dst: IPAddress, dstPort: Int, vlan: Int?, payload: [UInt8], fromOrigin: Bool) {
        let key = fromOrigin ? Connection(a: src, aPort: srcPort, b: dst, bPort: dstPort)
                             : Connection(a: dst, aPort: dstPort, b: src, bPort: srcPort)
        if sequence[key] == nil {
            let isnA = UInt32(truncatingIfNeeded: mixHash(UInt64(srcPort), UInt64(key.a.bytes.last ?? 0), 11))
            let isnB = UInt32(truncatingIfNeeded: mixHash(UInt64(dstPort), UInt64(key.b.bytes.last ?? 0), 12))
            segment(key.a, key.aPort, key.b, key.bPort, vlan, seq: isnA, ack: 0, flags: 0x02, payload: payload[0..<0])
            segment(key.b, key.bPort, key.a, key.aPort, vlan, seq: isnB, ack: isnA &+ 1, flags: 0x12, payload: payload[0..<0])
            segment(key.a, key.aPort, key.b, key.bPort, vlan, seq: isnA &+ 1, ack: isnB &+ 1, flags: 0x10, payload: payload[0..<0])
            sequence[key] = (isnA &+ 1, isnB &+ 1)
        }
        var (a, b) = sequence[key]!
        let mss = PacketFramer.mtu - 40 - (src.isIPv6 ? 20 : 0)
        var offset = 0
        while offset < payload.count {
            let n = min(mss, payload.count - offset)
            let chunk = payload[offset..<(offset + n)]
            if fromOrigin {
                segment(src, srcPort, dst, dstPort, vlan, seq: a, ack: b, flags: 0x18, payload: chunk)
                a &+= UInt32(n)
            } else {
                segment(src, srcPort, dst, dstPort, vlan, seq: b, ack: a, flags: 0x18, payload: chunk)
                b &+= UInt32(n)
            }
            offset += n
        }
        sequence[key] = (a, b)
    }

    private mutating func segment(_ src: IPAddress, _ sport: Int, _ dst: IPAddress, _ dport: Int, _ vlan: Int?, seq: UInt32, ack: UInt32,
                         flags: UInt8, payload: ArraySlice<UInt8>) {
        segment.removeAll(keepingCapacity: true)
        segment.append(UInt8(sport >> 8)); segment.append(UInt8(sport & 0xFF))
        segment.append(UInt8(dport >> 8)); segment.append(UInt8(dport & 0xFF))
        for shift in stride(from: 24, through: 0, by: -8) { segment.append(UInt8(truncatingIfNeeded: seq >> UInt32(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { segment.append(UInt8(truncatingIfNeeded: ack >> UInt32(shift))) }
        segment.append(0x50); segment.append(flags); segment.append(0xFF); segment.append(0xFF)
        segment.append(0); segment.append(0); segment.append(0); segment.append(0)
        segment += payload
        PacketFramer.storeChecksum(src: src, dst: dst, proto: 6, in: &segment, from: 0, at: 16)
        ethernet(src: src, dst: dst, vlan: vlan)
        if src.isIPv6 {
            ipv6Header(src: src, dst: dst, proto: 6, payloadLength: segment.count)
        } else {
            ipID &+= 1
            ipv4Header(src: src, dst: dst, proto: 6, payloadLength: segment.count, id: ipID, fragmentOffset: 0, more: false,
                       dontFragment: true)
        }
        frame += segment
        emit()
    }
}
