import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import NIOConcurrencyHelpers

/// `serve --store postgres://…`: verdicts, victim warnings and list changes written to
/// PostgreSQL by a writer of its own, so the screening loop never waits for the
/// database.
///
/// - The screening loop `submit`s records into a bounded `RecordQueue` (a lock and an
///   append); at the bound new records are dropped and counted.
/// - The writer (one task on the store's own thread, `EventLoopTaskExecutor`) takes what is queued,
///   writes it in batches of up to `batchSize` rows, each batch in one transaction
///   (all its rows or none), and only then lets the records go.
/// - When the database is unreachable, slow or restarts, the batch is kept and retried
///   with a growing delay (0.1 s to 5 s) on a new connection; screening goes on. Tables
///   are created when missing on every new connection (idempotent, see `StoreSchema`).
/// - `finish` writes what is left within a deadline; what cannot be written by then is
///   counted as dropped, so `accepted = written + dropped` when the store has finished.
public final class PostgresStore: RecordSink {
    public struct Options: Sendable {
        /// Records waiting or being written at most (memory bound while the database is away).
        public var capacity = 100_000
        /// Rows per transaction at most.
        public var batchSize = 1_000
        /// How long the writer sleeps when nothing is queued.
        public var idleWait: Duration = .milliseconds(50)
        /// An idle connection is checked (`SELECT 1`) this often.
        public var idleCheck: Duration = .seconds(5)
        /// A connect or a batch taking longer than this is abandoned and retried.
        public var operationTimeout: Duration = .seconds(10)
        public var retryDelay: ClosedRange<Duration> = .milliseconds(100) ... .seconds(5)

        public init() {}
    }

    /// What the store did so far (the `/metrics` page and the shutdown summary).
    public struct Statistics: Sendable, Equatable {
        public var accepted = 0
        public var dropped = 0
        /// Of `dropped`: rows the database refused for their content (logged one by one).
        public var rejected = 0
        /// Rows committed, per `StoreTable.index`.
        public var written = [0, 0, 0]
        public var queued = 0
        /// Failed connects and batches (each retried).
        public var failures = 0
        public var connected = false
        public var lastError: String?
        public var totalWritten: Int { written.reduce(0, +) }
    }

    public let location: StoreLocation
    public let options: Options
    public let queue: RecordQueue
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    /// The writer and everything it awaits run on `group`'s one thread.
    private let executor: EventLoopTaskExecutor
    private let writer: EventLoopPromise<Void>
    /// Written by the writer, read by anyone (`statistics`).
    private let status = NIOLockedValueBox((failures: 0, connected: false, lastError: String?.none))
    /// Set once by `finish`: the writer's deadline, in `ContinuousClock` terms.
    private let deadline = NIOLockedValueBox(ContinuousClock.Instant?.none)

    /// Starts the writer. Nothing is connected yet: the first connection is tried at
    /// once and retried until the database answers, so a server may start before its
    /// database.
    public init(location: StoreLocation, options: Options = Options(), logger: Logger) {
        self.location = location
        self.options = options
        self.logger = logger
        queue = RecordQueue(capacity: options.capacity)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        writer = group.next().makePromise()
        executor = EventLoopTaskExecutor(group.next())
        let done = writer
        Task(executorPreference: executor) { [self] in
            await run()
            done.succeed(())
        }
    }

    public func submit(_ record: StoreRecord) { queue.offer(record) }

    /// Keeps the writer's thread on `cpus` (`serve --cpu`: off the screening loop's CPU).
    public func pin(to cpus: [Int]) { CPUAffinity.pin(group.next(), to: cpus) }

    public var statistics: Statistics {
        let c = queue.counts
        let s = status.withLockedValue { $0 }
        return Statistics(accepted: c.accepted, dropped: c.dropped, rejected: c.rejected, written: c.written, queued: queue.depth,
                          failures: s.failures, connected: s.connected, lastError: s.lastError)
    }

    /// Writes what is queued, waiting at most `timeout` for the database; what is left
    /// then is counted as dropped. Blocks the calling thread (the CLI's main thread at
    /// shutdown); async code uses the async overload rather than block a thread of the
    /// shared concurrency pool. Call `finish` once.
    @discardableResult
    public func finish(within timeout: Duration) -> Statistics {
        deadline.withLockedValue { $0 = ContinuousClock.now + timeout }
        try? writer.futureResult.wait()
        try? group.syncShutdownGracefully()
        return statistics
    }

    /// `finish` for async callers.
    @discardableResult
    public func finish(within timeout: Duration) async -> Statistics {
        deadline.withLockedValue { $0 = ContinuousClock.now + timeout }
        try? await writer.futureResult.get()
        try? await group.shutdownGracefully()
        return statistics
    }

    // MARK: - The writer

    private var finishing: ContinuousClock.Instant? { deadline.withLockedValue { $0 } }

    private func run() async {
        var connection: PostgresConnection?
        var held: [StoreRecord] = []
        var next = 0
        var delay = options.retryDelay.lowerBound
        var singleRows = 0
        var lastUse = ContinuousClock.now
        while true {
            // A connection the server closed (a restart, a crash, an idle timeout) is
            // replaced before use: a query sent on it would never be answered.
            if let c = connection, c.isClosed {
                Self.drop(c)
                connection = nil
                status.withLockedValue { $0.connected = false }
                logger.warning("store: connection lost", metadata: ["store": "\(location)"])
            }
            if next == held.count {
                held = queue.take()
                next = 0
            }
            if held.isEmpty {
                if finishing != nil { break }
                // Connected even when idle, and checked every few seconds, so that the
                // tables exist and `callguard_store_up` tells the truth between calls.
                if let c = connection {
                    if ContinuousClock.now - lastUse >= options.idleCheck {
                        do {
                            try await withTimeout(closing: c) { try await c.query("SELECT 1", logger: self.logger) }
                            lastUse = .now
                        } catch {
                            Self.drop(c)
                            connection = nil
                            await failed(error, &delay)
                            continue
                        }
                    }
                    await pause(options.idleWait)
                } else if let c = await connectOrWait(&delay) {
                    connection = c
                    lastUse = .now
                }
                continue
            }
            if let end = finishing, ContinuousClock.now >= end {
                queue.abandon(held.count - next)
                held = []
                next = 0
                // Anything queued after the last take is abandoned too.
                let rest = queue.take()
                queue.abandon(rest.count)
                break
            }
            // After a batch the database refused for its data, its rows go one by one
            // so that only the offending row is lost.
            let size = singleRows > 0 ? 1 : options.batchSize
            let batch = held[next ..< min(held.count, next + size)]
            do {
                let c: PostgresConnection
                if let connection { c = connection } else {
                    c = try await connect()
                    connection = c
                }
                try await withTimeout(closing: c) { try await Self.write(batch, on: c, logger: self.logger) }
                queue.written(batch)
                lastUse = .now
                next += batch.count
                singleRows = max(0, singleRows - batch.count)
                delay = options.retryDelay.lowerBound
            } catch where Self.isDataError(error) && connection != nil {
                // The connection is fine (the transaction was rolled back); the rows are not.
                let text = Self.describe(error)
                if batch.count > 1 {
                    singleRows = batch.count
                } else {
                    queue.reject(1)
                    next += 1
                    singleRows = max(0, singleRows - 1)
                    logger.error("store: row refused by the database, dropped", metadata: ["error": "\(text)"])
                }
                status.withLockedValue { $0.lastError = text }
            } catch {
                if let c = connection { Self.drop(c) }
                connection = nil
                await failed(error, &delay)
            }
        }
        if let connection { Self.drop(connection) }
        status.withLockedValue { $0.connected = false }
    }

    /// A connection, or nil after a failed attempt and its back-off.
    private func connectOrWait(_ delay: inout Duration) async -> PostgresConnection? {
        do {
            let c = try await connect()
            delay = options.retryDelay.lowerBound
            return c
        } catch {
            await failed(error, &delay)
            return nil
        }
    }

    /// Counts and logs a failed connect or batch (the first of a run of failures only),
    /// then waits before the retry: twice as long each time, up to the upper bound, and
    /// never past the shutdown deadline.
    private func failed(_ error: any Error, _ delay: inout Duration) async {
        let text = Self.describe(error)
        let first = status.withLockedValue { s in
            let first = s.connected || s.failures == 0
            s.failures += 1
            s.connected = false
            s.lastError = text
            return first
        }
        if first { logger.warning("store: cannot write, retrying", metadata: ["store": "\(location)", "error": "\(text)"]) }
        await pause(delay)
        delay = min(delay * 2, options.retryDelay.upperBound)
    }

    /// Sleeps `duration` in short slices, ending early once `finish` was called and
    /// its deadline has passed or nothing is left to write.
    private func pause(_ duration: Duration) async {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            if let deadline = finishing, ContinuousClock.now >= deadline || queue.depth == 0 { return }
            try? await Task.sleep(for: min(.milliseconds(50), end - ContinuousClock.now))
        }
    }

    /// A new connection with the tables in place.
    private func connect() async throws -> PostgresConnection {
        let configuration = try location.configuration(connectTimeout: TimeAmount(options.operationTimeout))
        let c = try await PostgresConnection.connect(on: group.next(), configuration: configuration, id: 1, logger: logger)
        do {
            try await withTimeout(closing: c) {
                try await c.withTransaction(logger: self.logger) { c in
                    for statement in StoreSchema.create { try await c.query(PostgresQuery(unsafeSQL: statement), logger: self.logger) }
                }
            }
        } catch {
            Self.drop(c)
            throw error
        }
        let wasDown = status.withLockedValue { s in
            let was = s.failures > 0
            s.connected = true
            return was
        }
        logger.info(wasDown ? "store: connected again" : "store: connected", metadata: ["store": "\(location)"])
        return c
    }

    /// One transaction: the batch's rows, grouped by table.
    private static func write(_ batch: ArraySlice<StoreRecord>, on c: PostgresConnection, logger: Logger) async throws {
        var verdicts: [VerdictRow] = [], warnings: [WarningRow] = [], audit: [AuditRow] = []
        for r in batch {
            switch r {
            case .verdict(let v): verdicts.append(v)
            case .warning(let w): warnings.append(w)
            case .audit(let a): audit.append(a)
            }
        }
        let (v, w, a) = (verdicts, warnings, audit)
        try await c.withTransaction(logger: logger) { c in
            if !v.isEmpty { try await c.query(StoreSchema.insert(v), logger: logger) }
            if !w.isEmpty { try await c.query(StoreSchema.insert(w), logger: logger) }
            if !a.isEmpty { try await c.query(StoreSchema.insert(a), logger: logger) }
        }
    }

    /// Runs `body`; past `operationTimeout` the connection is closed and the operation
    /// given up. Neither the operation nor the close is awaited past the deadline: a
    /// query sent on a connection the server dropped while it was idle can wait for
    /// ever in postgres-nio 1.33 (its answer never comes and nothing fails it), and a
    /// writer waiting on it would stop the store. Such a query is abandoned (one
    /// suspended task) and the writer goes on with a new connection.
    private func withTimeout(closing c: PostgresConnection, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let timeout = options.operationTimeout
        let race = Race()
        let work = Task(executorPreference: executor) {
            do {
                try await body()
                race.finish(nil)
            } catch {
                race.finish(error)
            }
        }
        let timer = Task(executorPreference: executor) {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled, race.finish(StoreError("no answer within \(timeout)")) {
                Self.drop(c)
                work.cancel()
            }
        }
        defer { timer.cancel() }
        try await race.outcome()
    }

    /// Closes a connection without waiting for it: closing one the server already
    /// dropped need not complete promptly, and the writer has better things to do. The
    /// connection object lives until its channel has closed (postgres-nio asserts that
    /// a connection is closed before it goes away).
    private static func drop(_ c: PostgresConnection) {
        let _: EventLoopFuture<Void> = c.close()
        c.closeFuture.whenComplete { _ in withExtendedLifetime(c) {} }
    }

    /// The database refused the rows themselves (SQLSTATE class 22, data exception, or
    /// 23, integrity constraint): retrying them as they are cannot succeed.
    static func isDataError(_ error: any Error) -> Bool {
        if let e = error as? PostgresTransactionError, let inner = e.closureError { return isDataError(inner) }
        guard let e = error as? PSQLError, let state = e.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }

    /// One line for logs and metrics: postgres-nio's errors hide the server's message
    /// behind `String(reflecting:)`.
    static func describe(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] { return message }
            if let underlying = e.underlying { return "\(e.code): \(underlying)" }
            return "\(e.code)"
        }
        if let e = error as? PostgresTransactionError {
            return describe(e.closureError ?? e.commitError ?? e.beginError ?? e.rollbackError ?? StoreError("transaction failed"))
        }
        return "\(error)"
    }
}

/// The first of several outcomes (an operation's end, its timeout), handed to one
/// waiter whether it comes before or after the waiter arrives.
private final class Race: Sendable {
    private enum State {
        case waiting
        case waiter(CheckedContinuation<Void, any Error>)
        case done((any Error)?)
        case delivered
    }

    private let state = NIOLockedValueBox(State.waiting)

    /// Records an outcome (nil: success). Only the first counts; returns whether this was it.
    @discardableResult
    func finish(_ error: (any Error)?) -> Bool {
        let (won, waiter): (Bool, CheckedContinuation<Void, any Error>?) = state.withLockedValue { s in
            switch s {
            case .waiting:
                s = .done(error)
                return (true, nil)
            case .waiter(let k):
                s = .delivered
                return (true, k)
            case .done, .delivered:
                return (false, nil)
            }
        }
        if let waiter { resume(waiter, error) }
        return won
    }

    func outcome() async throws {
        try await withCheckedThrowingContinuation { (k: CheckedContinuation<Void, any Error>) in
            let ready: (any Error)?? = state.withLockedValue { s in
                switch s {
                case .done(let e):
                    s = .delivered
                    return .some(e)
                default:
                    s = .waiter(k)
                    return .none
                }
            }
            if let ready { resume(k, ready) }
        }
    }

    private func resume(_ k: CheckedContinuation<Void, any Error>, _ error: (any Error)?) {
        if let error { k.resume(throwing: error) } else { k.resume() }
    }
}
