import NIOCore
import NIOHTTP1

/// The metrics and admin endpoint (`--metrics HOST:PORT`), HTTP/1.1:
/// - `GET /metrics`: Prometheus text;
/// - `POST /blocklist`: update lines (JSON Lines as in `--updates`, `ts` optional),
///   applied at once; answers `{"applied":N,"refused":[...]}`, status 200 when every line
///   applied, 400 when any was refused;
/// - `GET /blocklist`: the lists' size and auto-blocks;
/// - `GET /health`: 200 while serving.
/// Bodies over 1 MiB get 413. Runs on the screening loop, so it reads and changes the
/// engine without locks, between two SIP requests.
final class AdminHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let maxBody = 1 << 20

    private let service: ScreeningService
    private let lists: ListAdministration
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(service: ScreeningService, lists: ListAdministration) {
        self.service = service
        self.lists = lists
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
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        switch (head.method, path) {
        case _ where tooLarge:
            send(context, head, .payloadTooLarge, "{\"error\":\"body over 1 MiB\"}\n")
        case (.GET, "/metrics"):
            service.refreshGauges()
            send(context, head, .ok, service.metrics.render(), type: "text/plain; version=0.0.4")
        case (.POST, "/blocklist"):
            let outcome = lists.apply(String(decoding: body, as: UTF8.self), origin: "admin")
            service.metrics.adminApplied.increment(by: outcome.applied)
            service.metrics.adminRefused.increment(by: outcome.refused.count)
            let refused = outcome.refused.map { "\"" + Self.escape($0) + "\"" }.joined(separator: ",")
            send(context, head, outcome.refused.isEmpty ? .ok : .badRequest,
                 "{\"applied\":\(outcome.applied),\"refused\":[\(refused)]}\n")
        case (.GET, "/blocklist"):
            send(context, head, .ok, lists.statistics() + "\n")
        case (.GET, "/health"):
            send(context, head, .ok, "{\"status\":\"serving\"}\n")
        case (_, "/metrics"), (_, "/blocklist"), (_, "/health"):
            send(context, head, .methodNotAllowed, "{\"error\":\"method not allowed\"}\n")
        default:
            send(context, head, .notFound, "{\"error\":\"no such path; try /metrics, /blocklist, /health\"}\n")
        }
    }

    private func send(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ status: HTTPResponseStatus, _ text: String,
                      type: String = "application/json") {
        send(context, request, status, Array(text.utf8), type: type)
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
