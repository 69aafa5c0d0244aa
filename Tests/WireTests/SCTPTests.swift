import PacketCrafting
import Testing
@testable import Wire

/// SIP over SCTP (RFC 4168): bundled chunks, fragmented messages, retransmissions, and
/// SIGTRAN and control chunks told apart from SIP.
@Suite("SCTP")
struct SCTPTests {
    /// One DATA chunk: flags B/E, TSN, stream 0, PPID, the user data padded to 4 octets.
    static func data(_ bytes: [UInt8], tsn: UInt32, begins: Bool = true, ends: Bool = true, ppid: UInt32 = 0) -> [UInt8] {
        let length = 16 + bytes.count
        var c: [UInt8] = [0, (begins ? 2 : 0) | (ends ? 1 : 0), UInt8(length >> 8), UInt8(length & 0xFF)]
        c += [UInt8(tsn >> 24), UInt8(tsn >> 16 & 0xFF), UInt8(tsn >> 8 & 0xFF), UInt8(tsn & 0xFF), 0, 0, 0, 0]
        c += [UInt8(ppid >> 24), UInt8(ppid >> 16 & 0xFF), UInt8(ppid >> 8 & 0xFF), UInt8(ppid & 0xFF)] + bytes
        while c.count % 4 != 0 { c.append(0) }
        return c
    }

    /// An SCTP packet from port `sourcePort` to 5060 with `chunks`, its CRC32c right unless `badChecksum`.
    static func frame(_ chunks: [UInt8], sourcePort: Int = 40000, destinationPort: Int = 5060, badChecksum: Bool = false) -> [UInt8] {
        var packet: [UInt8] = [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xFF), UInt8(destinationPort >> 8), UInt8(destinationPort & 0xFF),
                               0, 0, 0, 1, 0, 0, 0, 0] + chunks
        let crc = badChecksum ? 0 : packet.withUnsafeBytes { PacketDecoder.crc32c($0) }
        packet[8] = UInt8(crc & 0xFF); packet[9] = UInt8(crc >> 8 & 0xFF); packet[10] = UInt8(crc >> 16 & 0xFF); packet[11] = UInt8(crc >> 24)
        return FrameBuilder.ethernet(FrameBuilder.ipv4(packet, source: "192.0.2.1", destination: "192.0.2.2", proto: 132))
    }

    @Test func bundledFragmentedAndRetransmittedSIP() {
        let a = Array(inviteText(callID: "a@sctp").utf8), b = Array(inviteText(callID: "b@sctp").utf8)
        let c = Array(inviteText(callID: "c@sctp").utf8)
        let half = c.count / 2
        let frames = [
            Self.frame(Self.data(a, tsn: 1) + Self.data(b, tsn: 2)),                        // two messages bundled
            Self.frame(Self.data(Array(c[..<half]), tsn: 3, ends: false)),                  // first fragment
            Self.frame(Self.data(Array(c[..<half]), tsn: 3, ends: false)),                  // retransmitted
            Self.frame(Self.data(Array(c[half...]), tsn: 4, begins: false)),                // last fragment
            Self.frame(Self.data(b, tsn: 2)),                                               // an old chunk again
        ]
        let (seen, counters) = decode(frames)
        #expect(seen.map(\.callID) == ["a@sctp", "b@sctp", "c@sctp"])
        #expect(seen.allSatisfy { $0.transport == .sctp && $0.source == "192.0.2.1:40000" })
        #expect(counters.layers[LayerCounter.sctpMessagesReassembled.rawValue] == 1)
        #expect(counters.layers[LayerCounter.sctpDuplicateChunks.rawValue] == 2)
        #expect(counters.layers[LayerCounter.sctpBadChecksum.rawValue] == 0)
        #expect(counters.signalling == 5 && counters.isBalanced)
    }

    @Test func sigtranControlLossAndDamageAreAccounted() {
        let invite = Array(inviteText().utf8)
        let frames = [
            Self.frame(Self.data([1, 0, 1, 1, 0, 0, 0, 8], tsn: 1, ppid: 3), sourcePort: 2905, destinationPort: 2905),  // M3UA
            Self.frame([3, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0x10, 0, 0, 0, 0, 0]),                                        // SACK
            Self.frame(Self.data(Array(invite.suffix(40)), tsn: 9, begins: false)),                                   // a lost start
            Self.frame(Self.data(invite, tsn: 10), badChecksum: true),                                                // CRC wrong: counted, still read
            Self.frame([0, 3, 0, 40, 0, 0, 0, 11]),                                                                   // chunk past the packet
        ]
        let (seen, counters) = decode(frames)
        #expect(seen.count == 1)
        #expect(counters.skippedBy[SkipReason.sctp.rawValue] == 2)
        #expect(counters.malformedBy[MalformedReason.sctpFragmentMissing.rawValue] == 1)
        #expect(counters.malformedBy[MalformedReason.sctpTruncated.rawValue] == 1)
        #expect(counters.layers[LayerCounter.sctpBadChecksum.rawValue] == 1)
        #expect(counters.isBalanced)
    }
}
