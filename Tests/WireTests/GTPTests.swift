import PacketCrafting
import Testing
@testable import Wire

/// GTP-U on UDP 2152: a subscriber's IP packet, SIP included, inside the mobile core's
/// user-plane tunnel.
@Suite("GTP-U tunnels")
struct GTPTests {
    /// A GTPv1-U message of `type` around `inner`, with an optional PDU-session extension header.
    static func gtp(_ inner: [UInt8], type: UInt8 = 0xFF, extensionHeader: Bool = false, brokenExtension: Bool = false) -> [UInt8] {
        var optional: [UInt8] = []
        if extensionHeader {
            // Sequence (2), N-PDU (1), next type 0x85 (PDU session container), then the
            // container: length 1 (4 octets), two octets of content, next type 0.
            optional = [0, 0, 0, 0x85] + (brokenExtension ? [9, 0, 0, 0] : [1, 0x10, 0x05, 0])
        }
        let body = optional + inner
        let flags: UInt8 = 0x30 | (extensionHeader ? 0x04 : 0)
        return [flags, type, UInt8(body.count >> 8), UInt8(body.count & 0xFF), 0, 0, 0x12, 0x34] + body
    }

    static func frame(_ gtp: [UInt8]) -> [UInt8] {
        FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(gtp, sourcePort: 2152, destinationPort: 2152),
                                                source: "10.200.0.1", destination: "10.200.0.2", proto: 17))
    }

    static let userPacket = FrameBuilder.ipv4(FrameBuilder.udp(Array(inviteText(callID: "volte@ue").utf8), sourcePort: 5060,
                                                               destinationPort: 5060),
                                              source: "100.64.0.9", destination: "10.10.0.1", proto: 17)

    @Test func gPDUsCarryTheSubscribersSIP() {
        let (seen, counters) = decode([Self.frame(Self.gtp(Self.userPacket)), Self.frame(Self.gtp(Self.userPacket, extensionHeader: true))])
        #expect(seen.map(\.callID) == ["volte@ue", "volte@ue"])
        #expect(seen.allSatisfy { $0.source == "100.64.0.9:5060" }, "the subscriber's address, not the tunnel's")
        #expect(counters.signalling == 2 && counters.layers[LayerCounter.gtpU.rawValue] == 2)
    }

    @Test func tunnelSignallingAndBrokenHeadersAreAccounted() {
        let frames = [
            Self.frame(Self.gtp([], type: 0x01)),                                                 // echo request
            Self.frame(Self.gtp(Self.userPacket, extensionHeader: true, brokenExtension: true)),  // extension past the end
            Self.frame([0x30, 0xFF, 0, 4]),                                                       // shorter than its header
        ]
        let (seen, counters) = decode(frames)
        #expect(seen.isEmpty)
        #expect(counters.skippedBy[SkipReason.gtp.rawValue] == 1)
        #expect(counters.malformedBy[MalformedReason.gtpTruncated.rawValue] == 2)
        #expect(counters.isBalanced)
    }
}
