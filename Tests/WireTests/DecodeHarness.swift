import PacketCrafting
@testable import Wire

/// What a test keeps of a decoded message (the message's bytes die with the callback).
struct Seen: Equatable {
    var frame: Int
    var method: String
    var status: Int
    var callID: String
    var fromUser: String
    var toUser: String
    var defect: MalformedReason?
    var source: String
    var transport: MessageContext.Transport
}

/// Feeds frames to a fresh decoder (1 ms apart) and collects what it emits.
func decode(_ frames: [[UInt8]], linkType: LinkType = .ethernet,
            configuration: DecoderConfiguration = DecoderConfiguration(),
            finish: Bool = true, inspect: ((SIPMessage) -> Void)? = nil) -> (seen: [Seen], counters: DecodeCounters) {
    let decoder = PacketDecoder(configuration: configuration)
    var seen: [Seen] = []
    for (i, frame) in frames.enumerated() {
        frame.withUnsafeBytes { bytes in
            let packet = CapturedPacket(frame: i + 1, timestamp: 1_700_000_000_000_000_000 + Int64(i) * 1_000_000,
                                        linkType: linkType, bytes: bytes, originalLength: bytes.count)
            decoder.decode(packet) { m, c in
                inspect?(m)
                seen.append(Seen(frame: c.frame, method: m.isRequest ? m.methodName : "", status: m.statusCode,
                                 callID: m.text(m.callID), fromUser: m.text(m.from.user), toUser: m.text(m.to.user),
                                 defect: m.defect, source: c.source.description, transport: c.transport))
            }
        }
    }
    if finish { decoder.finish() }
    return (seen, decoder.counters)
}

/// Feeds one Ethernet frame to an existing decoder as packet `index` (0-based), stamped `index` ns.
func feed(_ decoder: PacketDecoder, _ frame: [UInt8], index: Int) {
    frame.withUnsafeBytes {
        decoder.decode(CapturedPacket(frame: index + 1, timestamp: Int64(index), linkType: .ethernet,
                                      bytes: $0, originalLength: $0.count)) { _, _ in }
    }
}

/// A TCP segment to port 5060 from `sourcePort`, in an Ethernet/IPv4 frame.
func tcpFrame(_ payload: [UInt8], sourcePort: Int, seq: UInt32 = 1) -> [UInt8] {
    FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.tcp(payload, sourcePort: sourcePort, destinationPort: 5060, seq: seq),
                                            source: "192.0.2.1", destination: "192.0.2.2", proto: 6))
}

/// A minimal valid INVITE (optionally with a body and extra headers).
func inviteText(callID: String = "abc@host", from: String = "13812345678", to: String = "13987654321",
                extra: [String] = [], body: String = "") -> String {
    ([
        "INVITE sip:\(to)@example.net SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
        "Max-Forwards: 70",
        "To: <sip:\(to)@example.net>",
        "From: \"Alice\" <sip:\(from)@example.com>;tag=1928301774",
        "Call-ID: \(callID)",
        "CSeq: 314159 INVITE",
    ] + extra + ["Content-Length: \(body.utf8.count)"]).joined(separator: "\r\n") + "\r\n\r\n" + body
}

/// An Ethernet/IPv4/UDP frame carrying `text` on port 5060.
func udpFrame(_ text: String, source: String = "192.0.2.1", destination: String = "192.0.2.2",
              sourcePort: Int = 5060, destinationPort: Int = 5060) -> [UInt8] {
    FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(Array(text.utf8), sourcePort: sourcePort,
                                                             destinationPort: destinationPort),
                                            source: source, destination: destination, proto: 17))
}
