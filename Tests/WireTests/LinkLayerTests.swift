import PacketCrafting
import Testing
@testable import Wire

@Suite("Link layers and tunnels")
struct LinkLayerTests {
    let udp = FrameBuilder.udp(Array(inviteText().utf8), sourcePort: 5060, destinationPort: 5060)
    var ip: [UInt8] { FrameBuilder.ipv4(udp, source: "192.0.2.1", destination: "192.0.2.2", proto: 17) }

    func expectOneInvite(_ frames: [[UInt8]], _ link: LinkType, sourceLocation: SourceLocation = #_sourceLocation) {
        let (seen, c) = decode(frames, linkType: link)
        #expect(seen.count == 1, sourceLocation: sourceLocation)
        #expect(seen.first?.method == "INVITE", sourceLocation: sourceLocation)
        #expect(seen.first?.callID == "abc@host", sourceLocation: sourceLocation)
        #expect(c.signalling == frames.count && c.isBalanced, sourceLocation: sourceLocation)
    }

    @Test func ethernet() { expectOneInvite([FrameBuilder.ethernet(ip)], .ethernet) }

    @Test func vlanAndQinQ() {
        expectOneInvite([FrameBuilder.ethernet(ip, vlans: [(0x8100, 42)])], .ethernet)
        expectOneInvite([FrameBuilder.ethernet(ip, vlans: [(0x88A8, 100), (0x8100, 42)])], .ethernet)
        let (_, c) = decode([FrameBuilder.ethernet(ip, vlans: [(0x88A8, 100), (0x8100, 42)])])
        #expect(c[.vlanTags] == 2)
    }

    @Test func linuxCookedV1AndV2() {
        expectOneInvite([FrameBuilder.linuxCooked(ip, version: 1)], .linuxSLL)
        expectOneInvite([FrameBuilder.linuxCooked(ip, version: 2)], .linuxSLL2)
    }

    @Test func rawIPAndLoopback() {
        expectOneInvite([ip], .raw)
        expectOneInvite([ip], .ipv4)
        expectOneInvite([FrameBuilder.loopback(ip)], .null)
        let v6 = FrameBuilder.ipv6(udp, source: "2001:db8::1", destination: "2001:db8::2", nextHeader: 17)
        expectOneInvite([FrameBuilder.loopback(v6, family: 30)], .null)
        expectOneInvite([v6], .ipv6)
    }

    @Test func pppoe() {
        expectOneInvite([FrameBuilder.ethernet(FrameBuilder.pppoe(ip), etherType: 0x8864)], .ethernet)
    }

    @Test func ipv6WithExtensionHeaders() {
        let v6 = FrameBuilder.ipv6(udp, source: "2001:db8::1", destination: "2001:db8::2", nextHeader: 17,
                                   extensionHeaders: [FrameBuilder.ipv6HopByHop])
        expectOneInvite([FrameBuilder.ethernet(v6, etherType: 0x86DD)], .ethernet)
        let (seen, _) = decode([FrameBuilder.ethernet(v6, etherType: 0x86DD)])
        #expect(seen.first?.source == "[2001:db8::1]:5060")
    }

    @Test func ipInIP() {
        let outer = FrameBuilder.ipv4(ip, source: "10.0.0.1", destination: "10.0.0.2", proto: 4)
        expectOneInvite([FrameBuilder.ethernet(outer)], .ethernet)
        let v6inv4 = FrameBuilder.ipv4(FrameBuilder.ipv6(udp, source: "2001:db8::1", destination: "2001:db8::2", nextHeader: 17),
                                       source: "10.0.0.1", destination: "10.0.0.2", proto: 41)
        expectOneInvite([FrameBuilder.ethernet(v6inv4)], .ethernet)
    }

    @Test func greVariants() {
        func wrap(_ gre: [UInt8]) -> [UInt8] {
            FrameBuilder.ethernet(FrameBuilder.ipv4(gre, source: "10.0.0.1", destination: "10.0.0.2", proto: 47))
        }
        expectOneInvite([wrap(FrameBuilder.gre(ip, protocolType: 0x0800))], .ethernet)
        expectOneInvite([wrap(FrameBuilder.gre(FrameBuilder.ethernet(ip), protocolType: 0x6558))], .ethernet)
        expectOneInvite([wrap(FrameBuilder.gre([0xFF, 0x03, 0x00, 0x21] + ip, protocolType: 0x880B))], .ethernet)
        expectOneInvite([wrap(FrameBuilder.gre(FrameBuilder.erspanII(FrameBuilder.ethernet(ip)), protocolType: 0x88BE,
                                               sequence: 7))], .ethernet)
        expectOneInvite([wrap(FrameBuilder.gre(FrameBuilder.erspanIII(FrameBuilder.ethernet(ip)), protocolType: 0x22EB))],
                        .ethernet)
    }

    @Test func nonIPAndUnknownLinkAreSkippedNotMalformed() {
        let arp = FrameBuilder.ethernet([UInt8](repeating: 0, count: 28), etherType: 0x0806)
        let (_, c) = decode([arp])
        #expect(c[skipped: .notIP] == 1 && c.malformed == 0)
        let (_, c2) = decode([ip], linkType: LinkType(rawValue: 147))
        #expect(c2[skipped: .unsupportedLinkType] == 1)
    }

    @Test func truncatedHeadersAreMalformedByReason() {
        let (_, c) = decode([[0x00, 0x11], Array(FrameBuilder.ethernet(ip).prefix(20)),
                             Array(FrameBuilder.ethernet(ip).prefix(38))])
        #expect(c[malformed: .linkTruncated] == 1)
        #expect(c[malformed: .ipv4Truncated] == 1)
        // An IP header whose length runs past the capture is decoded as far as captured:
        // here that is 4 bytes of UDP header.
        #expect(c[malformed: .udpTruncated] == 1 && c[.ipLengthBeyondCapture] == 1)
        #expect(c.read == 3 && c.isBalanced)
    }
}
