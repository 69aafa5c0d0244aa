import Engine
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Numbering
import Policy

/// Where and how `serve` listens.
public struct ServerConfiguration: Sendable {
    /// SIP listeners (UDP and TCP, IPv4 and IPv6).
    public var listen: [ListenAddress] = []
    /// HEP listeners (UDP): mirrored signalling that feeds call outcomes to the detectors.
    public var hep: [ListenAddress] = []
    /// The metrics and admin HTTP endpoint.
    public var metrics: ListenAddress?
    /// Open SIP TCP connections at most; more are closed at once and counted.
    public var maxConnections = 1024
    /// A SIP TCP connection with no bytes for this long is closed (half-open peers).
    public var idleTimeout: TimeAmount = .seconds(120)
    /// The updates file followed while serving (`--updates`).
    public var updatesFile: String?
    /// A live capture (`--interface`, optional BPF `--filter`) feeding call outcomes.
    public var captureInterface: String?
    public var captureFilter: String?
    /// How often list expiries, the updates file and the verdict file are seen to.
    public var tickInterval: TimeAmount = .milliseconds(250)
    /// The CPU the screening loop runs on alone (`--cpu`); the server's other threads
    /// run on the remaining CPUs. Nil: the scheduler decides.
    public var screeningCPU: Int?

    /// The CPUs for every thread but the screening loop's (nil when not pinning, or
    /// when the screening CPU is the only one).
    public var otherCPUs: [Int]? {
        guard let screeningCPU else { return nil }
        let rest = CPUAffinity.allowed().filter { $0 != screeningCPU }
        return rest.isEmpty ? nil : rest
    }

    public init() {}
}

/// `callguard serve`: the screening service behind SwiftNIO listeners.
///
/// Everything that touches the engine runs on **one event loop thread**: SIP over UDP and
/// TCP, HEP, the live capture's packets, list changes and the timers (the admin
/// endpoint reads and parses on a thread of its own and submits its changes here). The engine's state (calls, detector tables, answers) is
/// touched by that thread only, so it needs no locks and a setup is screened on exactly
/// what arrived before it, as in a replay. One core answers the load a redirect server
/// sees (see README "Serving"); the lock-free live list is what other threads may read.
public final class CallGuardServer: @unchecked Sendable {
    // @unchecked: `channels` and `bound` are written by `start` before any other thread
    // sees the server, then only read; the engine lives in `parts`, bound to the loop.
    public let configuration: ServerConfiguration
    public let group: MultiThreadedEventLoopGroup
    public let loop: EventLoop
    /// The admin endpoint's own thread (parsing and rendering stay off the screening loop).
    private let adminGroup: MultiThreadedEventLoopGroup
    private let normalizer: NumberNormalizer
    private let parts: NIOLoopBoundBox<Parts>
    private var channels: [Channel] = []
    /// The addresses actually bound (port 0 replaced by the port the system chose), in
    /// the order listen, hep, metrics.
    public private(set) var bound: [ListenAddress] = []
    private let stoppedPromise: EventLoopPromise<Void>
    private var capture: LiveCapture?
    public let logger: Logger

    /// The engine and what hangs off it, confined to the loop.
    final class Parts {
        let service: ScreeningService
        let lists: ListAdministration
        let follower: UpdatesFollower?
        let store: PostgresStore?
        var connections: [ObjectIdentifier: Channel] = [:]
        var ticks = 0
        var stopping = false
        /// Runs on the loop once listening has stopped and the engine has finished.
        var onStop: ((ScreeningService) -> Void)?

        init(service: ScreeningService, lists: ListAdministration, follower: UpdatesFollower?, store: PostgresStore?) {
            self.service = service
            self.lists = lists
            self.follower = follower
            self.store = store
        }

        /// Packets the live capture dropped so far (for the metrics page).
        var captureDropped: (() -> Int)?
        private var droppedSeen = 0

        func tick() {
            service.tick()
            if let captureDropped {
                let now = captureDropped()
                service.metrics.captureDropped.increment(by: now - droppedSeen)
                droppedSeen = now
            }
            if let store { service.metrics.store(store.statistics) }
            if let follower, let text = follower.poll() {
                let outcome = lists.apply(text, origin: follower.path)
                service.metrics.updatesFileApplied.increment(by: outcome.applied)
            }
            ticks += 1
            if ticks % 4 == 0 { service.flush() }
        }
    }

    /// Takes the service (built by the caller, with its lists, rule set and writers) and
    /// hands it to the loop. `audit` receives every list change; `onStop` runs on the
    /// loop after the last request (save state, flush files).
    public init(configuration: ServerConfiguration, service: sending ScreeningService, audit: sending OutputFile?,
                store: PostgresStore? = nil, onStop: sending ((ScreeningService) -> Void)? = nil,
                logger: Logger = Logger(label: "callguard.serve")) throws(ServeError) {
        self.configuration = configuration
        self.logger = logger
        let log = audit != nil || store != nil ? AuditLog(output: audit, records: store) : nil
        if let log, let policy = service.policyScreener {
            let metrics = service.metrics
            policy.onAutoBlock = { entry, time in
                metrics.autoBlocks.increment()
                log.autoBlock(entry, at: time)
            }
        } else if let policy = service.policyScreener {
            let metrics = service.metrics
            policy.onAutoBlock = { _, _ in metrics.autoBlocks.increment() }
        }
        let lists = ListAdministration(service: service, audit: log)
        var follower: UpdatesFollower?
        if let path = configuration.updatesFile {
            follower = try UpdatesFollower(path: path)
        }
        let p = Parts(service: service, lists: lists, follower: follower, store: store)
        p.onStop = onStop
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        adminGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        normalizer = lists.normalizer
        parts = NIOLoopBoundBox.makeBoxSendingValue(p, eventLoop: loop)
        stoppedPromise = loop.makePromise()
    }

    /// Binds every listener; throws a one-line reason naming the address that failed.
    /// Updates already in the updates file are applied before the first request.
    public func start() throws(ServeError) {
        let parts = self.parts
        if let cpu = configuration.screeningCPU {
            guard CPUAffinity.allowed().contains(cpu) else {
                shutdown()
                waitUntilStopped()
                throw ServeError("--cpu \(cpu): not a CPU this process may use (\(CPUAffinity.allowed().map(String.init).joined(separator: ",")))")
            }
            CPUAffinity.pin(loop, to: [cpu])
            if let others = configuration.otherCPUs { CPUAffinity.pin(adminGroup.next(), to: others) }
        }
        do {
            try loop.submit { parts.value.tick() }.wait()
        } catch {
            throw ServeError("start-up: \(error)")
        }
        for address in configuration.listen {
            let channel = try bind(address, "SIP") {
                address.transport == .udp ? try self.bindSIPUDP(address) : try self.bindSIPTCP(address)
            }
            channels.append(channel)
            bound.append(Self.boundAddress(address, channel))
        }
        for address in configuration.hep {
            let channel = try bind(address, "HEP") { try self.bindHEP(address) }
            channels.append(channel)
            bound.append(Self.boundAddress(address, channel))
        }
        if let address = configuration.metrics {
            let channel = try bind(address, "metrics") { try self.bindAdmin(address) }
            channels.append(channel)
            bound.append(Self.boundAddress(address, channel))
        }
        if let interface = configuration.captureInterface {
            let capture: LiveCapture
            do {
                capture = try LiveCapture(interface: interface, filter: configuration.captureFilter,
                                          cpus: configuration.otherCPUs)
            } catch {
                shutdown()
                waitUntilStopped()
                throw error
            }
            let linkType = capture.linkType
            capture.start(on: loop) { bytes in
                bytes.withUnsafeBytes { parts.value.service.capturedPacket($0, linkType: linkType) }
            }
            self.capture = capture
            loop.execute { parts.value.captureDropped = { capture.dropped.load(ordering: .relaxed) } }
            logger.info("capturing", metadata: ["interface": "\(interface)", "filter": "\(configuration.captureFilter ?? "")"])
        }
        loop.scheduleRepeatedTask(initialDelay: configuration.tickInterval, delay: configuration.tickInterval) { task in
            if parts.value.stopping { task.cancel() } else { parts.value.tick() }
        }
        for b in bound { logger.info("listening", metadata: ["address": "\(b)"]) }
    }

    /// Stops listening, closes every connection, finishes the engine (open calls counted,
    /// files flushed) and runs `onStop`. Safe to call more than once and from any thread.
    public func shutdown() {
        capture?.stop()
        let parts = self.parts, channels = self.channels, promise = stoppedPromise
        loop.execute {
            guard !parts.value.stopping else { return }
            parts.value.stopping = true
            let all = channels + Array(parts.value.connections.values)
            let closed = all.map { $0.close().recover { _ in } }
            EventLoopFuture.andAllComplete(closed, on: parts.eventLoop).whenComplete { _ in
                parts.value.service.finish()
                parts.value.onStop?(parts.value.service)
                promise.succeed(())
            }
        }
    }

    /// Waits until `shutdown` has finished, then stops the loop thread.
    public func waitUntilStopped() {
        try? stoppedPromise.futureResult.wait()
        try? adminGroup.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
    }

    /// Runs `body` on the loop with the engine (tests and the summary read counts here).
    public func withService<T: Sendable>(_ body: @escaping @Sendable (ScreeningService) -> T) throws -> T {
        let parts = self.parts
        return try loop.submit { body(parts.value.service) }.wait()
    }

    // MARK: - Listeners

    private func bind(_ address: ListenAddress, _ what: String, _ body: () throws -> Channel) throws(ServeError) -> Channel {
        do {
            return try body()
        } catch {
            shutdown()
            waitUntilStopped()
            throw ServeError("cannot listen for \(what) on \(address): \(error)")
        }
    }

    private static func boundAddress(_ a: ListenAddress, _ channel: Channel) -> ListenAddress {
        ListenAddress(transport: a.transport, host: a.host, port: channel.localAddress?.port ?? a.port)
    }

    private func bindSIPUDP(_ a: ListenAddress) throws -> Channel {
        try bindUDP(a) { SIPDatagramHandler(service: $0) }
    }

    private func bindHEP(_ a: ListenAddress) throws -> Channel {
        try bindUDP(a) { HEPDatagramHandler(service: $0) }
    }

    /// A UDP listener whose pipeline is the one handler `makeHandler` builds on the loop.
    private func bindUDP<H: ChannelInboundHandler>(_ a: ListenAddress, _ makeHandler: @escaping @Sendable (ScreeningService) -> H)
        throws -> Channel
    {
        let parts = self.parts
        // No SO_REUSEADDR on UDP: on Linux it would let a second server share the port
        // and silently take half the traffic; a taken port must be an error.
        return try DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(.maxMessagesPerRead, value: 32)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(makeHandler(parts.value.service))
                }
            }
            .bind(host: a.host, port: a.port).wait()
    }

    private func bindSIPTCP(_ a: ListenAddress) throws -> Channel {
        let parts = self.parts
        let maxConnections = configuration.maxConnections, idle = configuration.idleTimeout
        return try ServerBootstrap(group: loop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let p = parts.value
                guard !p.stopping, p.connections.count < maxConnections else {
                    p.service.metrics.connectionsRefused.increment()
                    return channel.close()
                }
                let id = ObjectIdentifier(channel)
                p.connections[id] = channel
                channel.closeFuture.whenComplete { _ in parts.value.connections[id] = nil }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: idle))
                    try sync.addHandler(ByteToMessageHandler(SIPFrameDecoder(), maximumBufferSize: 2 * 256 * 1024))
                    try sync.addHandler(SIPStreamHandler(service: p.service))
                }
            }
            .bind(host: a.host, port: a.port).wait()
    }

    private func bindAdmin(_ a: ListenAddress) throws -> Channel {
        let parts = self.parts, normalizer = self.normalizer
        let metrics = try loop.submit { parts.value.service.metrics }.wait()
        return try ServerBootstrap(group: adminGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        AdminHTTPHandler(parts: parts, metrics: metrics, normalizer: normalizer))
                }
            }
            .bind(host: a.host, port: a.port).wait()
    }
}
