/// Frames ISUP messages as SIGTRAN carries them between two exchanges: M3UA DATA
/// (RFC 4666: Protocol Data with OPC, DPC, service indicator 5 = ISUP, national network,
/// the circuit's SLS) in one SCTP DATA chunk (RFC 9260: PPID 3, one stream per SLS,
/// TSNs and stream sequence numbers per direction) in an SCTP packet with its CRC32c, on
/// port 2905 between the two exchanges' addresses.
final class SIGTRANFramer {
    static let port = 2905
    private var tsn: [Bool: UInt32] = [true: 1, false: 1]
    private var streamSequence: [Int: UInt16] = [:]
    private let streams = 16

    /// The SCTP packet for one ISUP message (from its CIC), sent by the gateway or to it.
    func packet(_ isup: [UInt8], opc: UInt32, dpc: UInt32, fromGateway: Bool) -> [UInt8] {
        let cic = Int(isup[0]) | Int(isup[1]) << 8
        let sls = UInt8(cic & 0x0F)
        var data: [UInt8] = [0x02, 0x10, 0, 0]
        for v in [opc, dpc] { data += Self.be32(v) }
        data += [5, 2, 0, sls] + isup
        let dataLength = data.count
        data[2] = UInt8(dataLength >> 8)
        data[3] = UInt8(dataLength & 0xFF)
        while data.count % 4 != 0 { data.append(0) }
        let m3ua: [UInt8] = [1, 0, 1, 1] + Self.be32(UInt32(8 + data.count)) + data

        let stream = Int(sls) % streams
        let key = stream * 2 + (fromGateway ? 1 : 0)
        let ssn = streamSequence[key, default: 0]
        streamSequence[key] = ssn &+ 1
        let t = tsn[fromGateway]!
        tsn[fromGateway] = t &+ 1
        let chunkLength = 16 + m3ua.count
        var chunk: [UInt8] = [0, 0x03, UInt8(chunkLength >> 8), UInt8(chunkLength & 0xFF)] + Self.be32(t)
        chunk += [UInt8(stream >> 8), UInt8(stream & 0xFF), UInt8(ssn >> 8), UInt8(ssn & 0xFF)] + Self.be32(3) + m3ua
        while chunk.count % 4 != 0 { chunk.append(0) }
        var sctp: [UInt8] = [UInt8(Self.port >> 8), UInt8(Self.port & 0xFF), UInt8(Self.port >> 8), UInt8(Self.port & 0xFF)]
        sctp += Self.be32(fromGateway ? 0x5347_0001 : 0x5347_0002) + [0, 0, 0, 0] + chunk
        let crc = Self.crc32c(sctp)
        sctp[8] = UInt8(crc & 0xFF); sctp[9] = UInt8(crc >> 8 & 0xFF); sctp[10] = UInt8(crc >> 16 & 0xFF); sctp[11] = UInt8(crc >> 24)
        return sctp
    }

    private static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    /// CRC32c (Castagnoli, reflected polynomial 0x82F63B78), stored little-endian.
    static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0x82F6_3B78 ^ (c >> 1) : c >> 1 }
        return c
    }
}
