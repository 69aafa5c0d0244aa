import Engine
import NIOCore
import NIOHTTP1
import Numbering

/// The metrics and admin endpoint (`--metrics HOST:PORT`), HTTP/1.1:
/// - `GET /metrics`: Prometheus text;
/// - `POST /blocklist`: update lines (JSON Lines as in `--updates`, `ts` optional),
///   applied at once; answers `{"applied":N,"refused":[...]}`, status 200 when every line
///   applied, 400 when any was refused;
/// - `GET /blocklist`: the lists' size and auto-blocks;
/// - `GET /health`: 200 while serving.
/// Bodies over 1 MiB get 413.
///
/// The endpoint runs on a thread of its own: reading requests, parsing update lines and
/// rendering the metrics page never hold up a SIP request. What touches the engine (the
/// gauges, applying parsed updates, the list's statistics) is submitted to the screening
/// loop, where it runs between two SIP requests, and the reply comes back here.
final class AdminHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let maxBody = 1 << 20

    typealias Reply = (status: HTTPResponseStatus, body: [UInt8], type: String)

    private let parts: NIOLoopBoundBox<CallGuardServer.Parts>
    private let metrics: ServeMetrics
    private let normalizer: NumberNormalizer
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(parts: NIOLoopBoundBox<CallGuardServer.Parts>, metrics: ServeMetrics, normalizer: NumberNormalizer) {
        self.parts = parts
        self.metrics = metrics
        self.normalizer = normalizer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body.removeAll(keepingCapacity: true)
            tooLarge = false
        case .body(let chunk):
            if body.count + chunk.readableBytes > Self.maxBody {
                tooLarge = true
            } else {
                chunk.withUnsafeReadableBytes { body.append(contentsOf: $0) }
            }
        case .end:
            guard let head else { return }
            self.head = nil
            respond(context, head)
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        let reply = route(head).hop(to: context.eventLoop)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        reply.whenComplete { result in
            let (handler, context) = bound.value
            switch result {
            case .success(let r): handler.send(context, head, r.status, r.body, type: r.type)
            case .failure: handler.send(context, head, .serviceUnavailable, Array("{\"error\":\"shutting down\"}\n".utf8))
            }
        }
    }

    private func route(_ head: HTTPRequestHead) -> EventLoopFuture<Reply> {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let parts = self.parts, metrics = self.metrics
        @Sendable func json(_ status: HTTPResponseStatus, _ text: String) -> Reply { (status, Array(text.utf8), "application/json") }
        func now(_ r: Reply) -> EventLoopFuture<Reply> { parts.eventLoop.makeSucceededFuture(r) }
        switch (head.method, path) {
        case _ where tooLarge:
            return now(json(.payloadTooLarge, "{\"error\":\"body over 1 MiB\"}\n"))
        case (.GET, "/metrics"):
            return parts.eventLoop.submit { parts.value.service.refreshGauges() }
                .map { (.ok, metrics.render(), "text/plain; version=0.0.4") }
        case (.POST, "/blocklist"):
            // Parsed here, applied on the screening loop.
            let parsed = ListAdministration.parse(String(decoding: body, as: UTF8.self), origin: "admin",
                                                  normalizer: normalizer, now: WallClock.now())
            return parts.eventLoop.submit {
                parts.value.lists.apply(parsed.updates, refused: parsed.refused, origin: "admin")
            }.map { outcome in
                metrics.adminApplied.increment(by: outcome.applied)
                metrics.adminRefused.increment(by: outcome.refused.count)
                let refused = outcome.refused.map { "\"" + Self.escape($0) + "\"" }.joined(separator: ",")
                return json(outcome.refused.isEmpty ? .ok : .badRequest, "{\"applied\":\(outcome.applied),\"refused\":[\(refused)]}\n")
            }
        case (.GET, "/blocklist"):
            return parts.eventLoop.submit { json(.ok, parts.value.lists.statistics() + "\n") }
        case (.GET, "/health"):
            return now(json(.ok, "{\"status\":\"serving\"}\n"))
        case (_, "/metrics"), (_, "/blocklist"), (_, "/health"):
            return now(json(.methodNotAllowed, "{\"error\":\"method not allowed\"}\n"))
        default:
            return now(json(.notFound, "{\"error\":\"no such path; try /metrics, /blocklist, /health\"}\n"))
        }
    }

    private func send(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ status: HTTPResponseStatus, _ bytes: [UInt8],
                      type: String = "application/json") {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(bytes.count))
        let keepAlive = request.isKeepAlive && !tooLarge
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where c.value < 0x20: out += " "
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
