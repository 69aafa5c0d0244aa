import PacketCrafting
import Testing
@testable import Wire

/// SIP over WebSocket (RFC 7118): the HTTP upgrade, then masked and fragmented frames, one
/// SIP message per WebSocket message.
@Suite("SIP over WebSocket")
struct WebSocketTests {
    static let upgrade = Array(("GET / HTTP/1.1\r\nHost: sbc.example.net\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)

    /// One frame: FIN, opcode, masked with `key` when given.
    static func frame(_ payload: [UInt8], opcode: UInt8 = 1, fin: Bool = true, key: [UInt8]? = [0x11, 0x22, 0x33, 0x44]) -> [UInt8] {
        var f: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let mask: UInt8 = key == nil ? 0 : 0x80
        if payload.count < 126 {
            f.append(mask | UInt8(payload.count))
        } else {
            f += [mask | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        if let key {
            f += key
            f += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        } else {
            f += payload
        }
        return f
    }

    @Test func framesCarrySIPMessages() {
        let a = Array(inviteText(callID: "ws-a@webrtc").utf8), b = Array(inviteText(callID: "ws-b@webrtc").utf8)
        let first = Self.frame(Array(b[..<100]), fin: false), rest = Self.frame(Array(b[100...]), opcode: 0)
        let stream = Self.upgrade + Self.frame(a) + Self.frame([], opcode: 9, key: nil) + first + rest
        // Cut the stream across segments in awkward places: inside the handshake and inside frames.
        let cuts = [0, 40, Self.upgrade.count + 3, Self.upgrade.count + 200, stream.count - 7, stream.count]
        var seq: UInt32 = 1
        var frames: [[UInt8]] = []
        for i in 0..<(cuts.count - 1) {
            frames.append(tcpFrame(Array(stream[cuts[i]..<cuts[i + 1]]), sourcePort: 51000, seq: seq))
            seq &+= UInt32(cuts[i + 1] - cuts[i])
        }
        let (seen, counters) = decode(frames)
        #expect(seen.map(\.callID) == ["ws-a@webrtc", "ws-b@webrtc"])
        #expect(counters.layers[LayerCounter.webSocketFrames.rawValue] == 4)
        #expect(counters.layers[LayerCounter.sipOverWebSocket.rawValue] == 2)
        #expect(counters.malformed == 0 && counters.isBalanced)
    }

    @Test func anUpgradeToSomethingElseIsNotSIP() {
        let http = Array("GET /index.html HTTP/1.1\r\nHost: example.net\r\n\r\n".utf8) + Self.frame(Array(inviteText().utf8))
        let (seen, counters) = decode([tcpFrame(http, sourcePort: 51001)])
        #expect(seen.isEmpty)
        #expect(counters.skippedBy[SkipReason.tcpNotSIP.rawValue] == 1)
        let notSIP = Self.upgrade + Self.frame(Array("{\"hello\":1}".utf8))
        let (_, c2) = decode([tcpFrame(notSIP, sourcePort: 51002)])
        #expect(c2.malformedBy[MalformedReason.webSocketPayloadNotSIP.rawValue] == 1)
    }
}
