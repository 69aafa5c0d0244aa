import Engine
import Wire

/// SIP messages mutated header line by header line. The input is one message's text
/// (seeds are real messages); the custom mutator deletes, duplicates, swaps and inserts
/// header lines, renames headers (compact forms, odd case), swaps values for awkward
/// ones, breaks line ends and Content-Length, and lets libFuzzer mutate the bytes of one
/// line or of the body, so most inputs stay close enough to SIP to reach past the start
/// line. Each message goes through the whole replay pipeline (decoder, SIP adapter, call
/// tracker, the built-in rule set) as a UDP datagram and as a TCP stream cut in two;
/// every range the parser hands out must lie inside the message and the books balance.
enum SIPHeaderFuzz {
    static func run(_ input: UnsafeRawBufferPointer) {
        let message = Array(input.prefix(60_000))
        let udp = FuzzFixtures.udpFrame(message)
        let decoder = PacketDecoder()
        _ = udp.withUnsafeBytes { bytes in
            decoder.decode(CapturedPacket(frame: 1, timestamp: 1, linkType: .ethernet, bytes: bytes, originalLength: bytes.count)) { m, _ in
                for r in [m.callID, m.from.user, m.to.user, m.viaBranch, m.userAgent, m.body, m.sdpOrigin, m.requestURI.user,
                          m.assertedIdentity.user] {
                    precondition(r.isEmpty || (r.lowerBound >= 0 && r.upperBound <= m.bytes.count), "a range outside the message")
                    _ = m.text(r)
                }
            }
        }

        let (engine, _, _) = FuzzFixtures.engine()
        engine.onVerdict = { e, decision in
            for v in [e.callID, e.caller.raw, e.callee.raw, e.device.userAgent, e.device.instance, e.device.accessNetwork] {
                _ = String(decoding: v, as: UTF8.self)
            }
            _ = (e.caller.text, e.callee.text, decision.reasons)
        }
        FuzzFixtures.process(engine, udp, number: 1, seconds: 0)
        let cut = headerEnd(message) ?? message.count / 2
        FuzzFixtures.process(engine, FuzzFixtures.tcpFrame(Array(message[..<cut]), seq: 1000), number: 2, seconds: 0.1)
        FuzzFixtures.process(engine, FuzzFixtures.tcpFrame(Array(message[cut...]), seq: 1000 + UInt32(cut)), number: 3, seconds: 0.2)
        FuzzFixtures.process(engine, FuzzFixtures.tcpFrame([], seq: 1000 + UInt32(message.count), flags: 0x11), number: 4, seconds: 0.3)
        FuzzFixtures.checkAccounting(engine)
    }

    /// Where the body starts (after the first empty line), if the message has one.
    static func headerEnd(_ m: [UInt8]) -> Int? {
        var i = 0
        while i + 1 < m.count {
            if m[i] == 10 && m[i + 1] == 10 { return i + 2 }
            if i + 3 < m.count && m[i] == 13 && m[i + 1] == 10 && m[i + 2] == 13 && m[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    // MARK: - Mutator

    /// Header lines that real peers send and parsers trip over.
    static let lines: [String] = [
        "i: fuzz-compact@host", "f: <sip:+8613800000000@h>;tag=1", "t: <sip:+8613900000000@h>", "l: 0", "v: SIP/2.0/UDP h;branch=z9hG4bKc",
        "Content-Length: 4294967296", "Content-Length: -1", "Content-Length:   12  ", "CSeq: 4294967296 INVITE", "CSeq: 2 BYE", "CSeq: 1 CANCEL",
        "P-Asserted-Identity: <tel:+8617012345678>", "P-Asserted-Identity: \"Police\" <sip:110@host;user=phone>, <tel:110>",
        "Via: SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK-x;rport", "Via: SIP/2.0/UDP a;branch=z9hG4bK1,SIP/2.0/UDP b;branch=z9hG4bK2",
        "Max-Forwards: 0", "User-Agent: dble", "User-Agent: HYBERTONE GoIP-32", "Contact: *",
        "Contact: <sip:x@h>;+sip.instance=\"<urn:gsma:imei:86217004-123456-0>\"",
        "Content-Type: multipart/mixed;boundary=unique-boundary-1", "Content-Type: application/isup;version=itu-t92+;base=itu-t92+",
        "Content-Type: application/sdp", "Remote-Party-ID: <sip:+8613812345678@h>;party=calling;privacy=off",
        "Diversion: <tel:+8613800000001>;reason=unconditional", "Privacy: id", "  folded continuation, <sip:fold@h>",
        "From: <sip:+8613800000000@h>;tag=second", "Call-ID: ", "To: <tel:+8613900000000;phone-context=+86>;tag=",
        "P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=46000123456789AB",
        "X-Long: " + String(repeating: "a", count: 2_000), "From: \"unterminated <sip:a@b>;tag=9", "From: <sip:@>", ": no name",
    ]
    static let names: [String] = ["i", "f", "t", "l", "v", "m", "c", "CALL-ID", "from", "tO", "Content-length", "P-Asserted-identity",
                                  "Call-Info", "X", ""]
    static let values: [String] = ["", " ", ";;;", "<", ">", "<sip:>", "\"", "<tel:+>", "sip:+8613800000000@h;user=phone",
                                   String(repeating: "9", count: 40), "<sip:a@b>;tag=" + String(repeating: "t", count: 300), "\u{0}"]

    struct Line { var text: [UInt8]; var end: [UInt8] }

    static func mutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, seed: UInt32,
                       bytes: (UnsafeMutablePointer<UInt8>, Int, Int) -> Int) -> Int {
        var rng = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ n: Int) -> Int {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            return n <= 1 ? 0 : Int(rng % UInt64(n))
        }
        let input = Array(UnsafeBufferPointer(start: data, count: size))
        let split = headerEnd(input) ?? input.count
        var lines: [Line] = []
        var start = 0
        for i in 0..<split where input[i] == 10 {
            let cr = i > start && input[i - 1] == 13
            lines.append(Line(text: Array(input[start..<(cr ? i - 1 : i)]), end: cr ? [13, 10] : [10]))
            start = i + 1
        }
        if start < split { lines.append(Line(text: Array(input[start..<split]), end: [])) }
        var body = Array(input[split...])
        // The empty line closing the header block stays last.
        let closing = lines.last.map { $0.text.isEmpty } == true ? lines.removeLast() : nil
        guard lines.count >= 1 else { return bytes(data, size, maxSize) }

        func libFuzzer(_ b: inout [UInt8]) {
            let capacity = b.count + 64
            var buffer = b + [UInt8](repeating: 0, count: 64)
            let n = buffer.withUnsafeMutableBufferPointer { bytes($0.baseAddress!, b.count, capacity) }
            b = Array(buffer[..<min(n, capacity)])
        }
        let header = 1 + next(max(1, lines.count - 1))   // a header line (not the start line) when there is one
        let h = min(header, lines.count - 1)
        func colon(_ t: [UInt8]) -> Int? { t.firstIndex(of: 58) }
        switch next(11) {
        case 0: if lines.count > 1 { lines.remove(at: h) }
        case 1: lines.insert(lines[h], at: 1 + next(lines.count))
        case 2: if lines.count > 2 { lines.swapAt(h, 1 + next(lines.count - 1)) }
        case 3: lines.insert(Line(text: Array(Self.lines[next(Self.lines.count)].utf8), end: [13, 10]), at: 1 + next(lines.count))
        case 4: libFuzzer(&lines[next(lines.count)].text)
        case 5: lines[next(lines.count)].end = [[10], [13], [], [32, 13, 10], [13, 13, 10]][next(5)]
        case 6:
            let n = [body.count - 1, body.count + 1, 0, body.count + 1_000, body.count][next(5)]
            let value = next(4) == 0 ? "99999999999999999999" : String(n)
            if let i = lines.firstIndex(where: { $0.text.starts(with: Array("Content-Length".utf8)) || $0.text.starts(with: Array("l:".utf8)) }) {
                lines[i].text = Array("Content-Length: \(value)".utf8)
            } else {
                lines.append(Line(text: Array("Content-Length: \(value)".utf8), end: [13, 10]))
            }
        case 7: libFuzzer(&body)
        case 8:
            if let c = colon(lines[h].text) { lines[h].text = Array(names[next(names.count)].utf8) + lines[h].text[c...] }
        case 9:
            if let c = colon(lines[h].text) { lines[h].text = Array(lines[h].text[...c]) + Array((" " + values[next(values.count)]).utf8) }
        default: libFuzzer(&lines[0].text)
        }
        var out: [UInt8] = []
        for l in lines { out += l.text; out += l.end }
        if let closing { out += closing.text; out += closing.end }
        out += body
        let n = min(out.count, maxSize)
        out.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: n) }
        return n
    }
}
