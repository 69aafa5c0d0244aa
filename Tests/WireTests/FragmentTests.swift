import PacketCrafting
import Testing
@testable import Wire

@Suite("IP fragment reassembly")
struct FragmentTests {
    let big = inviteText(extra: (1...12).map { "X-Pad-\($0): " + String(repeating: "x", count: 100) })
    var udp: [UInt8] { FrameBuilder.udp(Array(big.utf8), sourcePort: 5060, destinationPort: 5060) }
    var fragments: [[UInt8]] {
        FrameBuilder.ipv4Fragments(udp, source: "192.0.2.1", destination: "192.0.2.2", proto: 17, identification: 7,
                                   fragmentSize: 400).map { FrameBuilder.ethernet($0) }
    }

    @Test func inOrder() {
        #expect(fragments.count >= 3)
        let (seen, c) = decode(fragments)
        #expect(seen.count == 1 && seen[0].defect == nil)
        #expect(seen[0].frame == fragments.count)  // reported where reassembly completes
        #expect(c.signalling == fragments.count && c.pending == 0 && c.isBalanced)
        #expect(c[.ipDatagramsReassembled] == 1)
    }

    @Test func outOfOrder() {
        let (seen, c) = decode(fragments.reversed())
        #expect(seen.count == 1 && seen[0].callID == "abc@host")
        #expect(c.signalling == fragments.count)
    }

    @Test func overlappingFragmentsStillReassemble() {
        // Re-send the second fragment's bytes as an overlapping piece starting 8 bytes earlier.
        let payloadOffset = 400
        let overlap = Array(udp[(payloadOffset - 8)..<(payloadOffset + 200)])
        let extra = FrameBuilder.ethernet(FrameBuilder.ipv4(overlap, source: "192.0.2.1", destination: "192.0.2.2", proto: 17,
                                                            identification: 7, moreFragments: true,
                                                            fragmentOffset: payloadOffset - 8))
        var frames = fragments
        frames.insert(extra, at: 1)
        let (seen, c) = decode(frames)
        #expect(seen.count == 1 && seen[0].defect == nil)
        #expect(c.signalling == frames.count && c.isBalanced)
    }

    @Test func ipv6Fragments() {
        let half = 512
        let first = FrameBuilder.ipv6(Array(udp[0..<half]), source: "2001:db8::1", destination: "2001:db8::2", nextHeader: 17,
                                      extensionHeaders: [FrameBuilder.ipv6Fragment(offset: 0, more: true, identification: 9)])
        let second = FrameBuilder.ipv6(Array(udp[half...]), source: "2001:db8::1", destination: "2001:db8::2", nextHeader: 17,
                                       extensionHeaders: [FrameBuilder.ipv6Fragment(offset: half, more: false, identification: 9)])
        let (seen, c) = decode([second, first].map { FrameBuilder.ethernet($0, etherType: 0x86DD) })
        #expect(seen.count == 1 && seen[0].method == "INVITE")
        #expect(c.signalling == 2)
    }

    @Test func incompleteDatagramIsCountedMalformedAtEnd() {
        let (seen, c) = decode(Array(fragments.dropLast()))
        #expect(seen.isEmpty)
        #expect(c[malformed: .ipFragmentIncomplete] == fragments.count - 1)
        #expect(c.pending == 0 && c.isBalanced)
    }

    @Test func staleFragmentsExpireAndTableStaysBounded() {
        var config = DecoderConfiguration()
        config.maxPendingDatagrams = 8
        // 100 first-fragments of distinct datagrams: never complete.
        let frames = (0..<100).map { i in
            FrameBuilder.ethernet(FrameBuilder.ipv4(Array(udp[0..<400]), source: "192.0.2.1", destination: "192.0.2.2",
                                                    proto: 17, identification: 1000 + i, moreFragments: true))
        }
        let decoder = PacketDecoder(configuration: config)
        for (i, f) in frames.enumerated() {
            feed(decoder, f, index: i)
            #expect(decoder.fragments.pendingDatagrams <= 8)
        }
        decoder.finish()
        #expect(decoder.counters[malformed: .ipFragmentIncomplete] == 100)
        #expect(decoder.counters.isBalanced && decoder.counters.pending == 0)
    }
}
