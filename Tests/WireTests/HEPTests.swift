import CZlib
import PacketCrafting
import Testing
@testable import Wire

/// HEP, as capture agents send it: the inner addresses, ports and time replace the outer
/// ones; compressed payloads are inflated; other protocol types and broken lengths are
/// accounted for, never lost.
@Suite("HEP encapsulation")
struct HEPTests {
    /// One HEP3 chunk: vendor 0, type, length with the 6-byte header, value.
    static func chunk(_ type: UInt16, _ value: [UInt8]) -> [UInt8] {
        let length = UInt16(6 + value.count)
        return [0, 0, UInt8(type >> 8), UInt8(type & 0xFF), UInt8(length >> 8), UInt8(length & 0xFF)] + value
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    /// A HEP3 datagram carrying `payload` (chunk 0x000f, or 0x0010 when `compressed`).
    static func hep3(_ payload: [UInt8], type: UInt8 = 1, compressed: Bool = false, badLength: Bool = false) -> [UInt8] {
        var chunks = chunk(0x0001, [2]) + chunk(0x0002, [17])
        chunks += chunk(0x0003, [198, 51, 100, 7]) + chunk(0x0004, [10, 10, 0, 1])
        chunks += chunk(0x0007, [0x13, 0xC4]) + chunk(0x0008, [0x13, 0xC4])
        chunks += chunk(0x0009, be32(1_763_800_000)) + chunk(0x000a, be32(250_000))
        chunks += chunk(0x000b, [type]) + chunk(0x000c, be32(2001))
        chunks += chunk(compressed ? 0x0010 : 0x000f, payload)
        if badLength { chunks += [0, 0, 0, 0x0f, 0x40, 0x00] }
        let total = UInt16(6 + chunks.count)
        return Array("HEP3".utf8) + [UInt8(total >> 8), UInt8(total & 0xFF)] + chunks
    }

    static func frame(_ hep: [UInt8], port: Int = 9060) -> [UInt8] {
        FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(hep, sourcePort: 40000, destinationPort: port),
                                                source: "192.0.2.50", destination: "192.0.2.60", proto: 17))
    }

    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(compressBound(uLong(bytes.count))))
        var length = uLongf(out.count)
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { compress(o.baseAddress, &length, $0.baseAddress, uLong(bytes.count)) }
        }
        precondition(status == Z_OK)
        return Array(out.prefix(Int(length)))
    }

    @Test func hep3CarriesTheAgentsViewOfTheMessage() {
        let invite = Array(inviteText(callID: "hep-1@agent").utf8)
        var context = MessageContext()
        let decoder = PacketDecoder()
        var ids: [String] = []
        for (i, f) in [Self.frame(Self.hep3(invite)), Self.frame(Self.hep3(Self.deflate(invite), compressed: true), port: 9999)].enumerated() {
            f.withUnsafeBytes { bytes in
                decoder.decode(CapturedPacket(frame: i + 1, timestamp: 1_900_000_000_000_000_000, linkType: .ethernet, bytes: bytes,
                                              originalLength: bytes.count)) { m, c in
                    ids.append(m.text(m.callID))
                    context = c
                }
            }
        }
        #expect(ids == ["hep-1@agent", "hep-1@agent"], "plain on the HEP port, compressed on another port")
        #expect(context.source.description == "198.51.100.7:5060" && context.destination.description == "10.10.0.1:5060")
        #expect(context.timestamp == 1_763_800_000_250_000_000, "the agent's capture time, not the collector's")
        #expect(context.captureID == 2001)
        let c = decoder.counters
        #expect(c.signalling == 2 && c.layers[LayerCounter.hep.rawValue] == 2 && c.layers[LayerCounter.hepInflated.rawValue] == 1)
        #expect(c.layers[LayerCounter.sipOverHEP.rawValue] == 2)
    }

    @Test func otherTypesAndBrokenDatagramsAreAccounted() {
        let invite = Array(inviteText().utf8)
        let frames = [
            Self.frame(Self.hep3(Array("RTCP report".utf8), type: 5)),       // RTCP: not signalling
            Self.frame(Self.hep3(invite, badLength: true)),                  // a chunk past the end
            Self.frame(Self.hep3([0x78, 0x9c, 1, 2, 3], compressed: true)),  // not a zlib stream
            Self.frame(Self.hep3(Self.deflate([UInt8](repeating: 65, count: 200_000)), compressed: true)),  // inflates past the bound
            Self.frame(Self.hep3(Array("hello".utf8))),                      // SIP type, not SIP
        ]
        let (seen, counters) = decode(frames)
        #expect(seen.isEmpty)
        #expect(counters.notSignalling == 1 && counters.skippedBy[SkipReason.hep.rawValue] == 1)
        #expect(counters.malformedBy[MalformedReason.hepBadHeader.rawValue] == 1)
        #expect(counters.malformedBy[MalformedReason.hepInflateFailed.rawValue] == 2)
        #expect(counters.malformedBy[MalformedReason.hepPayloadNotSIP.rawValue] == 1)
        #expect(counters.isBalanced)
    }

    /// HEP version 2: a fixed header, the capture time in the agent's (little-endian) byte order.
    @Test func hep2() {
        var h: [UInt8] = [2, 28, 2, 17, 0x13, 0xC4, 0x13, 0xC5, 203, 0, 113, 9, 10, 10, 0, 1]
        h += [0x40, 0x97, 0x21, 0x69] + [0xA0, 0x86, 0x01, 0x00] + [0xD1, 0x07, 0, 0]   // 1763874624 s, 100000 us, id 2001
        let (seen, counters) = decode([Self.frame(h + Array(inviteText(callID: "v2@agent").utf8))])
        #expect(seen.map(\.callID) == ["v2@agent"])
        #expect(seen.first?.source == "203.0.113.9:5060")
        #expect(counters.signalling == 1)
        // Without the HEP port, a datagram that merely starts with 2 is not taken for HEP.
        let (elsewhere, _) = decode([Self.frame(h + Array(inviteText().utf8), port: 7000)])
        #expect(elsewhere.isEmpty)
    }

    /// Agents that send HEP over TCP: messages back to back in one stream, split across
    /// segments anywhere; each is cut at its own length and read like a datagram.
    @Test func hep3OverTCP() {
        let a = Self.hep3(Array(inviteText(callID: "tcp-a@agent").utf8))
        let b = Self.hep3(Self.deflate(Array(inviteText(callID: "tcp-b@agent").utf8)), compressed: true)
        let rtcp = Self.hep3([0x80, 0xC8, 0, 6], type: 5)
        let stream = a + rtcp + b
        let cut1 = a.count - 10, cut2 = a.count + rtcp.count + 3
        let segments = [Array(stream[..<cut1]), Array(stream[cut1..<cut2]), Array(stream[cut2...])]
        var seq: UInt32 = 1
        var frames: [[UInt8]] = []
        for s in segments {
            frames.append(FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.tcp(s, sourcePort: 47000, destinationPort: 9061, seq: seq),
                                                                   source: "192.0.2.50", destination: "192.0.2.60", proto: 6)))
            seq &+= UInt32(s.count)
        }
        let decoder = PacketDecoder()
        var seen: [String] = []
        for (i, f) in frames.enumerated() {
            f.withUnsafeBytes { bytes in
                decoder.decode(CapturedPacket(frame: i + 1, timestamp: 1_900_000_000_000_000_000, linkType: .ethernet, bytes: bytes,
                                              originalLength: bytes.count)) { m, c in
                    seen.append("\(m.text(m.callID)) \(c.source) \(c.timestamp)")
                }
            }
        }
        #expect(seen == ["tcp-a@agent 198.51.100.7:5060 1763800000250000000", "tcp-b@agent 198.51.100.7:5060 1763800000250000000"])
        let c = decoder.counters
        #expect(c.layers[LayerCounter.hepOverTCP.rawValue] == 3 && c.layers[LayerCounter.sipOverHEP.rawValue] == 2)
        #expect(c.signalling == 3 && c.malformed == 0 && c.isBalanced)

        // A stream that claims HEP and then breaks its framing is malformed, not lost.
        let broken = Self.hep3(Array(inviteText(callID: "tcp-c@agent").utf8)) + Array("HEPX\0\u{10}garbage!".utf8)
        let d2 = PacketDecoder()
        var n = 0
        FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.tcp(broken, sourcePort: 47001, destinationPort: 9061, seq: 1),
                                                source: "192.0.2.50", destination: "192.0.2.60", proto: 6)).withUnsafeBytes { bytes in
            d2.decode(CapturedPacket(frame: 1, timestamp: 1, linkType: .ethernet, bytes: bytes, originalLength: bytes.count)) { _, _ in n += 1 }
        }
        #expect(n == 1 && d2.counters.malformedBy[MalformedReason.hepBadHeader.rawValue] == 1 && d2.counters.isBalanced)
    }
}
