/// Writes a scenario as a HEP capture agent would send it (heplify, Kamailio `siptrace`):
/// every SIP message becomes one HEP3 datagram from the agent to its collector, carrying
/// the message's own addresses, ports, transport and capture time (microseconds) and the
/// agent's id. The capture then holds only agent-to-collector UDP, as a Homer collector's
/// capture does. Written from the HEP3 specification, apart from the engine's decoder.
struct HEPWrapper: Sendable {
    var agent = IPAddress(bytes: [192, 0, 2, 250])
    var collector = IPAddress(bytes: [192, 0, 2, 251])
    var agentPort = 47_000
    var collectorPort = 9060
    var captureID: UInt32 = 2001

    /// The HEP3 datagram for one message.
    func wrap(_ payload: [UInt8], src: IPAddress, srcPort: Int, dst: IPAddress, dstPort: Int, tcp: Bool, at time: Int64) -> [UInt8] {
        var out = Array("HEP3".utf8) + [0, 0]
        func chunk(_ type: UInt16, _ value: [UInt8]) {
            let length = 6 + value.count
            out += [0, 0, UInt8(type >> 8), UInt8(type & 0xFF), UInt8(length >> 8), UInt8(length & 0xFF)]
            out += value
        }
        func be(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(v >> (8 * UInt64(n - 1 - $0)) & 0xFF) } }
        chunk(0x0001, [src.isIPv6 ? 10 : 2])
        chunk(0x0002, [tcp ? 6 : 17])
        chunk(src.isIPv6 ? 0x0005 : 0x0003, src.bytes)
        chunk(dst.isIPv6 ? 0x0006 : 0x0004, dst.bytes)
        chunk(0x0007, be(UInt64(srcPort), 2))
        chunk(0x0008, be(UInt64(dstPort), 2))
        chunk(0x0009, be(UInt64(time / 1_000_000_000), 4))
        chunk(0x000a, be(UInt64(time % 1_000_000_000 / 1_000), 4))
        chunk(0x000b, [1])
        chunk(0x000c, be(UInt64(captureID), 4))
        chunk(0x000f, payload)
        out[4] = UInt8(out.count >> 8)
        out[5] = UInt8(out.count & 0xFF)
        return out
    }
}
