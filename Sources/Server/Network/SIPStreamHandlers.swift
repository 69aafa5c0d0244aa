import NIOCore
import Wire

/// Splits a SIP connection's bytes into messages by `Content-Length` (RFC 3261 18.3),
/// with the same framing code a replay uses for TCP captures. A message larger than
/// `SIPParser.maxStreamMessage` or framing that cannot be found again closes the
/// connection: the byte stream has no other resynchronisation point. A double-CRLF
/// keepalive ping gets its single-CRLF pong (RFC 5626 4.4.1).
struct SIPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// Why the connection was given up.
    struct FramingError: Error {}

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let framing = buffer.withUnsafeReadableBytes { SIPParser.frame($0) }
        switch framing {
        case .needMore:
            return .needMoreData
        case .message(let skip, let length):
            buffer.moveReaderIndex(forwardBy: skip)
            guard let message = buffer.readSlice(length: length) else { return .needMoreData }
            context.fireChannelRead(wrapInboundOut(message))
            return .continue
        case .keepalive(let skip):
            buffer.moveReaderIndex(forwardBy: skip)
            if skip >= 4 {
                var pong = context.channel.allocator.buffer(capacity: 2)
                pong.writeStaticString("\r\n")
                context.writeAndFlush(NIOAny(pong), promise: nil)
            }
            return .continue
        case .oversized, .invalid:
            throw FramingError()
        }
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// A SIP connection's framed messages to the screening service, answers back on the
/// same connection. Idle connections (no bytes for the idle timeout: half-open peers,
/// slow-loris) and connections whose framing failed are closed and counted.
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let service: ScreeningService
    private var local = Endpoint(address: .unspecified, port: 0)
    private var remote = Endpoint(address: .unspecified, port: 0)
    private var pendingFlush = false

    init(service: ScreeningService) { self.service = service }

    func channelActive(context: ChannelHandlerContext) {
        local = Endpoint(context.channel.localAddress)
        remote = Endpoint(context.channel.remoteAddress)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        message.withUnsafeReadableBytes { bytes in
            service.sipStreamMessage(bytes, from: remote, to: local) { answer in
                var buffer = context.channel.allocator.buffer(capacity: answer.count)
                buffer.writeBytes(answer)
                context.write(wrapOutboundOut(buffer), promise: nil)
                pendingFlush = true
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if pendingFlush {
            pendingFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            service.metrics.connectionsIdleClosed.increment()
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is SIPFrameDecoder.FramingError || error is ByteToMessageDecoderError {
            service.metrics.streamOversized.increment()
        }
        context.close(promise: nil)
    }
}
