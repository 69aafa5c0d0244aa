import NIOCore
import Wire

/// A SIP listener over UDP: each datagram goes to the screening service, and the answer
/// goes back to the address it came from (RFC 3581 symmetric response routing: what a
/// proxy behind NAT needs). Writes are flushed once per read burst. Socket errors (an
/// ICMP unreachable from a peer that went away) never close the listener.
final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let service: ScreeningService
    private var local = Endpoint(address: .unspecified, port: 0)
    private var pendingFlush = false

    init(service: ScreeningService) { self.service = service }

    func channelActive(context: ChannelHandlerContext) {
        local = Endpoint(context.channel.localAddress)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let source = Endpoint(envelope.remoteAddress)
        envelope.data.withUnsafeReadableBytes { bytes in
            service.sipDatagram(bytes, from: source, to: local) { answer in
                var buffer = context.channel.allocator.buffer(capacity: answer.count)
                buffer.writeBytes(answer)
                context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
                pendingFlush = true
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if pendingFlush {
            pendingFlush = false
            context.flush()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {}
}

/// A HEP listener: mirrored signalling (Kamailio and OpenSIPS `siptrace`, heplify) that
/// tells the detectors how screened calls ended. Never answered.
final class HEPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let service: ScreeningService
    private var local = Endpoint(address: .unspecified, port: 0)

    init(service: ScreeningService) { self.service = service }

    func channelActive(context: ChannelHandlerContext) {
        local = Endpoint(context.channel.localAddress)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let source = Endpoint(envelope.remoteAddress)
        envelope.data.withUnsafeReadableBytes { service.hepDatagram($0, from: source, to: local) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {}
}
