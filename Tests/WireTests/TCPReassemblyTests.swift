import PacketCrafting
import Testing
@testable import Wire

@Suite("TCP stream reassembly for SIP")
struct TCPReassemblyTests {
    func segment(_ bytes: [UInt8], seq: UInt32) -> [UInt8] { tcpFrame(bytes, sourcePort: 40000, seq: seq) }

    let one = Array(inviteText(callID: "one", body: "v=0\r\ns=x\r\n").utf8)
    let two = Array(inviteText(callID: "two").utf8)

    @Test func severalMessagesInOneSegment() {
        let (seen, c) = decode([segment(one + two, seq: 1000)])
        #expect(seen.map(\.callID) == ["one", "two"])
        #expect(seen.allSatisfy { $0.transport == .tcp && $0.defect == nil })
        #expect(c.signalling == 1)
    }

    @Test func oneMessageOverSeveralSegments() {
        let a = Array(one[0..<50]), b = Array(one[50..<200]), rest = Array(one[200...])
        let (seen, c) = decode([segment(a, seq: 1), segment(b, seq: 51), segment(rest + two, seq: 201)])
        #expect(seen.map(\.callID) == ["one", "two"])
        #expect(seen[0].frame == 3)  // reported at the frame that completes it
        #expect(c.signalling == 3 && c[.tcpMessagesSpanningSegments] == 1)
    }

    @Test func splitInsideTheBodyUsesContentLength() {
        let cut = one.count - 4
        let (seen, _) = decode([segment(Array(one[0..<cut]), seq: 1), segment(Array(one[cut...]), seq: UInt32(1 + cut))])
        #expect(seen.count == 1 && seen[0].frame == 2)
    }

    @Test func retransmissionsAndOverlapsAreIgnored() {
        let a = Array(one[0..<100]), b = Array(one[100...])
        let overlapping = Array(one[80...])  // resends 20 old bytes with the new ones
        let (seen, c) = decode([segment(a, seq: 1), segment(a, seq: 1), segment(overlapping, seq: 81), segment(b, seq: 101)])
        #expect(seen.count == 1)
        #expect(c[.tcpRetransmissions] == 2)
        #expect(c.isBalanced)
    }

    @Test func outOfOrderSegmentsWaitForTheGap() {
        let a = Array(one[0..<100]), b = Array(one[100...])
        // The segment carrying "two" arrives before the middle of "one".
        let (seen, c) = decode([segment(a, seq: 1), segment(two, seq: UInt32(1 + one.count)), segment(b, seq: 101)])
        #expect(seen.map(\.callID) == ["one", "two"])
        #expect(seen.allSatisfy { $0.frame == 3 })
        #expect(c[.tcpOutOfOrder] == 1 && c.signalling == 3)
    }

    @Test func nonSIPStreamsAreSkippedAndHTTPOnSIPPortIsMalformed() {
        let http = Array("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let other = FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.tcp(http, sourcePort: 40000, destinationPort: 80,
                                                                              seq: 1), source: "192.0.2.1",
                                                            destination: "192.0.2.2", proto: 6))
        let (_, c) = decode([other])
        #expect(c[skipped: .tcpNotSIP] == 1)
        let garbage = Array("HELLO WORLD THIS IS NOT SIP\r\n\r\n".utf8)
        let (_, c2) = decode([segment(garbage, seq: 1)])
        #expect(c2[malformed: .sipGarbageOnSIPPort] == 1)
    }

    @Test func oversizedMessageIsDroppedAndFramingRecovers() {
        let huge = Array(inviteText(callID: "huge", body: String(repeating: "a", count: SIPParser.maxStreamMessage)).utf8)
        var frames: [[UInt8]] = []
        var seq: UInt32 = 1
        var i = 0
        while i < huge.count {
            let end = min(i + 60_000, huge.count)
            frames.append(segment(Array(huge[i..<end]), seq: seq))
            seq &+= UInt32(end - i)
            i = end
        }
        frames.append(segment(two, seq: seq))
        let (seen, c) = decode(frames)
        #expect(seen.map(\.callID) == ["two"])
        #expect(c[malformed: .sipMessageTooLarge] >= 1)
        #expect(c.isBalanced)
    }

    @Test func bufferedBytesStayWithinTheBudget() {
        var config = DecoderConfiguration()
        config.maxTCPBufferedBytes = 100_000
        let decoder = PacketDecoder(configuration: config)
        // 200 connections each leave 10 KB of an unfinished message behind.
        let partial = Array(inviteText(body: String(repeating: "b", count: 20_000)).utf8.prefix(10_000))
        for port in 0..<200 {
            feed(decoder, tcpFrame(partial, sourcePort: 20000 + port), index: port)
            #expect(decoder.streams.bufferedBytes <= 100_000)
        }
        decoder.finish()
        #expect(decoder.counters[.tcpFlowsEvicted] > 150)
    }

    @Test func idleStreamsAreEvicted() {
        var config = DecoderConfiguration()
        config.maxTCPStreams = 4
        let decoder = PacketDecoder(configuration: config)
        for port in 0..<50 {
            feed(decoder, tcpFrame(Array(one[0..<20]), sourcePort: 10000 + port), index: port)
            #expect(decoder.streams.count <= 4)
        }
        decoder.finish()
        #expect(decoder.counters[.tcpFlowsEvicted] == 46)
    }

    /// A segment exactly 2^31 bytes behind the stream (found by the fuzzer: negating the
    /// smallest 32-bit difference trapped) is an old retransmission, counted, not a crash.
    @Test func aSegmentHalfTheSequenceSpaceBehind() {
        let (seen, c) = decode([segment(one, seq: 0x8000_0001), segment(two, seq: 0x8000_0001 &+ UInt32(one.count) &- 0x8000_0000)])
        #expect(seen.map(\.callID) == ["one"])
        #expect(c.isBalanced && c.layers[LayerCounter.tcpRetransmissions.rawValue] == 1)
    }
}
