import PacketCrafting
import Testing
@testable import Wire

/// ISUP over MTP2, M2PA and M3UA: point codes, circuit, type and the IAM's numbers with
/// the facts that reveal a typed-in caller ID.
@Suite("ISUP")
struct ISUPTests {
    /// An ITU IAM on CIC 14: called 0483902899 (national), calling 71375480 with
    /// presentation restricted and screening "user provided, not verified".
    static let iam: [UInt8] = [0x0E, 0x00, 0x01, 0x11, 0x00, 0x00, 0x0A, 0x03, 0x02, 0x09,
                               0x07, 0x03, 0x90, 0x40, 0x38, 0x09, 0x82, 0x99,
                               0x0A, 0x06, 0x03, 0x14, 0x17, 0x73, 0x45, 0x08, 0x00]
    /// MTP3: SIO (national, ISUP) and the label DPC 2, OPC 1, SLS 9.
    static let mtp3: [UInt8] = [0x85, 0x02, 0x40, 0x00, 0x90]

    static func decodeAll(_ frames: [[UInt8]], linkType: LinkType) -> ([ISUPMessage], DecodeCounters) {
        let decoder = PacketDecoder()
        var out: [ISUPMessage] = []
        decoder.onISUP = { m, _ in out.append(m) }
        for (i, f) in frames.enumerated() {
            f.withUnsafeBytes { decoder.decode(CapturedPacket(frame: i + 1, timestamp: Int64(i), linkType: linkType, bytes: $0,
                                                              originalLength: $0.count)) { _, _ in } }
        }
        return (out, decoder.counters)
    }

    @Test func anIAMOverMTP2() {
        let (messages, counters) = Self.decodeAll([[0x1D, 0x1D, 0x20] + Self.mtp3 + Self.iam,
                                                   [0x1D, 0x1D, 0x00],                                   // fill-in unit
                                                   [0x1D, 0x1D, 0x20] + Self.mtp3 + Array(Self.iam.prefix(12))], linkType: .mtp2)
        #expect(messages.count == 1)
        let m = messages[0]
        #expect(m.opc == 1 && m.dpc == 2 && m.cic == 14 && m.typeName == "IAM")
        #expect(m.called == "0483902899" && m.calledNatureOfAddress == 3)
        #expect(m.calling == "71375480" && m.callingPresentation == 1 && m.callingScreening == 0)
        #expect(counters.skippedBy[SkipReason.notISUP.rawValue] == 1)
        #expect(counters.malformedBy[MalformedReason.isupTruncated.rawValue] == 1)
        #expect(counters.isBalanced)
    }

    @Test func anACMOverM3UAAndM2PA() {
        let acm: [UInt8] = [0x01, 0x00, 0x06, 0x11, 0x00, 0x00]
        // M3UA DATA: Protocol Data (tag 0x0210): OPC 200, DPC 400, SI 5, NI 0, MP 0, SLS 0, then ISUP.
        let data: [UInt8] = [0x02, 0x10, 0x00, UInt8(16 + acm.count), 0, 0, 0, 200, 0, 0, 1, 0x90, 5, 0, 0, 0] + acm + [0, 0]
        let m3ua: [UInt8] = [1, 0, 1, 1, 0, 0, 0, UInt8(8 + data.count)] + data
        // M2PA User Data: header, BSN, FSN, priority, then MTP3.
        let user: [UInt8] = [0] + Self.mtp3 + acm
        let m2pa: [UInt8] = [1, 0, 11, 1, 0, 0, 0, UInt8(16 + user.count), 0, 0, 0, 1, 0, 0, 0, 2] + user
        let frames = [SCTPTests.frame(SCTPTests.data(m3ua, tsn: 1, ppid: 3), sourcePort: 2905, destinationPort: 2905),
                      SCTPTests.frame(SCTPTests.data(m2pa, tsn: 1, ppid: 5), sourcePort: 3565, destinationPort: 3565)]
        let (messages, counters) = Self.decodeAll(frames, linkType: .ethernet)
        #expect(messages.map { [$0.opc, $0.dpc, UInt32($0.cic)] } == [[200, 400, 1], [1, 2, 1]])
        #expect(messages.allSatisfy { $0.typeName == "ACM" })
        #expect(counters.signalling == 2)
    }

    /// SIP-I: the IAM in a `multipart/mixed` part of type `application/ISUP`, from its
    /// message type on.
    @Test func anIAMInASIPIBody() {
        let isup = Array(Self.iam.dropFirst(2))
        let part1 = Array("--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n".utf8)
        let part2 = Array("--b1\r\nContent-Type: application/ISUP; version=itu-t92+\r\nContent-Disposition: signal; handling=required\r\n\r\n".utf8)
        let body = part1 + part2 + isup + Array("\r\n--b1--\r\n".utf8)
        let head = String(inviteText(callID: "sipi@ic", extra: ["Content-Type: multipart/mixed;boundary=b1"]).dropLast("Content-Length: 0\r\n\r\n".utf8.count))
            + "Content-Length: \(body.count)\r\n\r\n"
        let frame = FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(Array(head.utf8) + body, sourcePort: 5060, destinationPort: 5060),
                                                            source: "203.0.113.60", destination: "10.10.0.1", proto: 17))
        let (messages, counters) = Self.decodeAll([frame], linkType: .ethernet)
        #expect(messages.count == 1)
        #expect(messages.first?.inSIPBody == true && messages.first?.typeName == "IAM")
        #expect(messages.first?.called == "0483902899" && messages.first?.calling == "71375480" && messages.first?.callingScreening == 0)
        #expect(counters.signalling == 1 && counters.layers[LayerCounter.isupMessages.rawValue] == 1)
    }

    /// A forwarded call's IAM carries the redirecting and original called numbers.
    @Test func redirectingAndOriginalCalledNumbers() {
        // The IAM above, its end-of-optional octet replaced by a redirecting number
        // (0x0B: 13800001111) and an original called number (0x28: 13912345678).
        let forwarded = Array(Self.iam.dropLast()) + [0x0B, 0x08, 0x83, 0x10, 0x31, 0x08, 0x00, 0x10, 0x11, 0x01]
            + [0x28, 0x08, 0x83, 0x10, 0x31, 0x19, 0x32, 0x54, 0x76, 0x08, 0x00]
        let (messages, _) = Self.decodeAll([[0x1D, 0x1D, 0x3F] + Self.mtp3 + forwarded], linkType: .mtp2)
        #expect(messages.first?.redirecting == "13800001111")
        #expect(messages.first?.originalCalled == "13912345678")
        #expect(messages.first?.calling == "71375480")
        #expect(messages.first?.redirectionCounter == 0)
    }

    /// Redirection information: forwarded twice, the last time on no reply (2); and a
    /// REL's cause value past its location octet.
    @Test func redirectionInformationAndReleaseCause() {
        let forwarded = Array(Self.iam.dropLast()) + [0x13, 0x02, 0x33, 0x22, 0x00]
        let rel: [UInt8] = [0x0E, 0x00, 0x0C, 0x02, 0x00, 0x02, 0x82, 0x91]
        let (messages, _) = Self.decodeAll([[0x1D, 0x1D, 0x3F] + Self.mtp3 + forwarded, [0x1D, 0x1D, 0x0D] + Self.mtp3 + rel], linkType: .mtp2)
        #expect(messages.count == 2)
        #expect(messages[0].redirectionCounter == 2 && messages[0].redirectingReason == 2)
        #expect(messages[1].typeName == "REL" && messages[1].cause == 17)
    }
}
