// libFuzzer entry point: arbitrary bytes through link-layer-to-SIP and ISUP decoding
// and on into call events (the SIP and ISUP adapters), whose views must stay inside
// their buffers.
//
// Built together with the Wire sources (see Fuzz/build.sh), not through SwiftPM.
// The first byte picks the link type; the rest is cut into packets at every "\xff\xfe"
// pair, so one input exercises IP fragment and TCP stream state across packets. After
// each input the decoder's books must balance: read == signalling + not signalling +
// malformed, with nothing left pending.

private let linkTypes: [LinkType] = [.ethernet, .raw, .linuxSLL, .linuxSLL2, .null, .loop, .ppp, .pppEther, .ipv6, .mtp2]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 1 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let link = linkTypes[Int(input[0]) % linkTypes.count]
    var config = DecoderConfiguration()
    config.maxPendingDatagrams = 4
    config.maxTCPStreams = 4
    let decoder = PacketDecoder(configuration: config)
    let sipAdapter = SIPEventAdapter(), isupAdapter = ISUPEventAdapter()
    func touch(_ e: CallEvent) {
        for v in [e.callID, e.caller.raw, e.callee.raw, e.device.userAgent, e.device.instance, e.device.accessNetwork] {
            _ = String(decoding: v, as: UTF8.self)
        }
        _ = e.caller.text
        _ = e.callee.text
    }
    decoder.onISUP = { m, c in
        precondition(m.called.count <= ISUPDigits.capacity && m.calling.count <= ISUPDigits.capacity)
        if let e = isupAdapter.event(m, c) { touch(e) }
    }
    var start = 1
    var frame = 0
    var i = 1
    while i <= size {
        let atEnd = i == size
        if atEnd || (i + 1 < size && input[i] == 0xFF && input[i + 1] == 0xFE) {
            frame += 1
            let packet = CapturedPacket(frame: frame, timestamp: Int64(frame) * 1_000_000, linkType: link,
                                        bytes: input.slice(start, i), originalLength: i - start)
            decoder.decode(packet) { message, context in
                if message.defect == nil, let e = sipAdapter.event(message, context) { touch(e) }
                // Touch every range the parser produced: they must lie inside the message.
                for r in [message.callID, message.from.user, message.to.user, message.viaBranch, message.userAgent,
                          message.body, message.sdpOrigin, message.requestURI.user, message.assertedIdentity.user] {
                    precondition(r.isEmpty || (r.lowerBound >= 0 && r.upperBound <= message.bytes.count))
                    _ = message.text(r)
                }
            }
            start = i + 2
            i += 2
            continue
        }
        i += 1
    }
    decoder.finish()
    let c = decoder.counters
    precondition(c.pending == 0 && c.read == c.signalling + c.notSignalling + c.malformed, "unbalanced books")
    return 0
}
