import ArgumentParser
import Blocklist
import Dispatch
import Engine
import Logging
import Numbering
import Policy
import Server

#if canImport(Glibc)
import Glibc
#endif

/// `callguard serve`: a SIP redirect server that screens every call as it is placed.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Screen live calls as a SIP redirect server (302 to continue, 608 to reject).",
        discussion: """
            A proxy (Kamailio, OpenSIPS, an SBC) sends each new INVITE here and follows the answer: \
            302 with the Request-URI as Contact lets the call continue, 608 Rejected (or the rule set's \
            reject_status) stops it; both carry X-CallGuard-Verdict. Call outcomes mirrored as HEP \
            (--hep) teach the detectors. Runs until SIGTERM or SIGINT, then prints a JSON summary.
            """)

    @Option(help: "Where to take SIP: udp:HOST:PORT or tcp:HOST:PORT (IPv6 in brackets). Repeatable. Default: udp and tcp on 0.0.0.0:5060.")
    var listen: [String] = []

    @Option(help: "Where to take mirrored signalling as HEP (udp:HOST:PORT). Repeatable.")
    var hep: [String] = []

    @Option(help: "Also read signalling live from this network interface (libpcap; a SPAN port, a tap, or the proxy's host) for call outcomes.")
    var interface: String?

    @Option(help: "BPF filter for --interface (libpcap syntax, e.g. 'udp port 5060').")
    var filter: String?

    @Option(help: "Serve Prometheus metrics (/metrics) and the admin API (/blocklist) on HOST:PORT.")
    var metrics: String?

    @OptionGroup var lists: ListOptions

    @Option(help: "Rule set: a YAML file, 'default' (built in, the default) or 'none' (lists only).")
    var rules: String = "default"

    @Option(help: "Blocklist updates file (JSON Lines as in replay; ts optional) applied at start and followed as lines are appended.")
    var updates: String?

    @Option(help: "Write verdicts as JSON Lines to this file ('-' for standard output).")
    var verdicts: String?

    @Option(help: "Write victim warnings as JSON Lines to this file (the rule set needs a warnings action).")
    var warnings: String?

    @Option(help: "Append every list change (auto-blocks, admin and file updates) as JSON Lines to this file.")
    var audit: String?

    @Option(help: ArgumentHelp(
        "Also write verdicts, warnings and list changes to PostgreSQL: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require|verify-full].",
        discussion: "Tables callguard_verdicts, callguard_warnings and callguard_audit are created when missing. Screening never waits for the database: rows are queued (--store-queue) and retried while it is away."))
    var store: String?

    @Option(name: .customLong("store-queue"), help: "Rows queued for --store at most while the database is slow or away; more are dropped and counted.")
    var storeQueue: Int = 100_000

    @Option(name: .customLong("store-drain"), help: "Seconds to keep writing queued rows to --store after SIGTERM before counting them as dropped.")
    var storeDrain: Int = 10

    @Option(name: .customLong("state-in"), help: "Start from the state a replay or serve saved (--state-out).")
    var stateIn: String?

    @Option(name: .customLong("state-out"), help: "Save what was learnt to FILE on shutdown.")
    var stateOut: String?

    @Option(name: .customLong("country-code"), help: "Home country code for number normalisation.")
    var countryCode: String = "86"

    @Option(name: .customLong("max-calls"), help: "Calls tracked at most.")
    var maxCalls: Int = 1_000_000

    @Option(name: .customLong("max-connections"), help: "Open SIP TCP connections at most; more are refused and counted.")
    var maxConnections: Int = 1024

    @Option(name: .customLong("idle-timeout"), help: "Seconds a SIP TCP connection may stay silent before it is closed.")
    var idleTimeout: Int = 120

    @Option(help: "Run the screening loop on this CPU alone and the server's other threads (admin, store, capture) on the rest.")
    var cpu: Int?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard countryCode.allSatisfy(\.isNumber), (1...3).contains(countryCode.count) else {
            throw ValidationError("--country-code must be 1 to 3 digits, not '\(countryCode)'")
        }
        guard maxCalls > 0, maxConnections > 0, idleTimeout > 0, storeQueue > 0, storeDrain >= 0 else {
            throw ValidationError("--max-calls, --max-connections, --idle-timeout and --store-queue must be positive, --store-drain not negative")
        }
        _ = try storeLocation()
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: '\(logLevel)' is not a level") }
        _ = try serverConfiguration()
    }

    func serverConfiguration() throws -> ServerConfiguration {
        var c = ServerConfiguration()
        do {
            c.listen = try listen.map { text throws(ServeError) in try ListenAddress(parsing: text) }
            if c.listen.isEmpty {
                c.listen = [ListenAddress(transport: .udp, host: "0.0.0.0", port: 5060),
                            ListenAddress(transport: .tcp, host: "0.0.0.0", port: 5060)]
            }
            c.hep = try hep.map { text throws(ServeError) in try ListenAddress(parsing: text, implied: .udp) }
            guard c.hep.allSatisfy({ $0.transport == .udp }) else { throw ServeError("--hep takes UDP only (udp:HOST:PORT)") }
            c.metrics = try metrics.map { text throws(ServeError) in try ListenAddress(parsing: text, implied: .tcp) }
        } catch let e as ServeError {
            throw ValidationError(e.description)
        }
        c.maxConnections = maxConnections
        c.idleTimeout = .seconds(Int64(idleTimeout))
        c.updatesFile = updates
        guard filter == nil || interface != nil else { throw ValidationError("--filter needs --interface") }
        c.captureInterface = interface
        c.captureFilter = filter
        c.screeningCPU = cpu
        return c
    }

    func storeLocation() throws -> StoreLocation? {
        do {
            return try store.map { text throws(StoreError) in try StoreLocation(parsing: text) }
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        var logger = Logger(label: "callguard.serve")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var options = ScreeningService.Options()
        options.numbering = NumberingPlan(countryCode: countryCode)
        options.calls.capacity = maxCalls
        options.reserveTables = true
        let configuration = try serverConfiguration()
        for a in configuration.listen where a.transport == .udp { options.decoder.sipUDPPorts.insert(UInt16(a.port)) }
        for a in configuration.listen where a.transport == .tcp { options.decoder.sipTCPPorts.insert(UInt16(a.port)) }
        if let first = configuration.hep.first { options.decoder.hepPort = UInt16(first.port) }

        let ruleSet = try loadRuleSet(rules)
        options.rejectStatus = ruleSet?.rejectStatus ?? 608
        let setup = try ScreeningSetup(lists: lists, ruleSet: ruleSet, plan: options.numbering, ttlBase: WallClock.now(),
                                       alwaysList: true)
        let verdictWriter: VerdictWriter?
        let auditFile: OutputFile?
        let warningWriter: WarningWriter?
        do {
            verdictWriter = try verdicts.map { VerdictWriter(output: try OutputFile(path: $0)) }
            auditFile = try audit.map { try OutputFile(path: $0, append: true) }
            warningWriter = try warnings.map { WarningWriter(output: try OutputFile(path: $0)) }
        } catch let e as OutputError {
            throw Failure(message: e.description)
        }
        if warningWriter != nil, setup.policyScreener?.policy.warnings == nil {
            throw Failure(message: "--warnings: the rule set '\(rules)' has no warnings action (actions: warnings: {min_talk: 30s})")
        }
        // The store starts before the server so that nothing screened is missed; it
        // connects (and creates its tables) in the background and retries while the
        // database is away.
        let database = try storeLocation().map { location in
            var o = PostgresStore.Options()
            o.capacity = storeQueue
            return PostgresStore(location: location, options: o, logger: logger)
        }
        let service = ScreeningService(options: options, screener: setup.screener, policyScreener: setup.policyScreener,
                                       list: setup.list, schedule: setup.schedule, verdictWriter: verdictWriter,
                                       warningWriter: warningWriter, records: database, metrics: ServeMetrics())
        if let stateIn {
            do {
                try StateFile.decode(try StateFile.read(stateIn), tracker: service.tracker, screener: setup.policyScreener, list: setup.list)
            } catch {
                throw Failure(message: error.description.hasPrefix(stateIn) ? error.description : "\(stateIn): \(error.description)")
            }
        }
        let stateOut = self.stateOut
        let server: CallGuardServer
        let summary = SummaryBox()
        do {
            server = try CallGuardServer(configuration: configuration, service: service, audit: auditFile, store: database,
                                         onStop: { service in
                if let stateOut {
                    let bytes = StateFile.encode(tracker: service.tracker, screener: service.policyScreener, list: service.list)
                    do { try StateFile.write(bytes, to: stateOut) } catch { printError("callguard: \(error)") }
                }
                summary.set(ServeSummary(service))
            }, logger: logger)
            try server.start()
            if let database, let others = configuration.otherCPUs { database.pin(to: others) }
        } catch {
            _ = database?.finish(within: .zero)
            throw Failure(message: error.description)
        }
        // Ready: tell whoever started us where we listen (port 0 becomes a real port).
        printError("callguard: serving " + server.bound.map(\.description).joined(separator: " "))
        let signals = [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { server.shutdown() }
            source.resume()
            return source
        }
        server.waitUntilStopped()
        signals.forEach { $0.cancel() }
        // Every row screened is queued by now; give the database its chance to take them.
        var line = summary.get()
        if let database {
            line.add(store: database.finish(within: .seconds(storeDrain)))
        }
        print(line.json)
    }
}

/// Carries the summary from the loop's last task to the main thread.
private final class SummaryBox: @unchecked Sendable {
    // @unchecked: set once on the loop before `waitUntilStopped` returns (which
    // synchronises through the loop's shutdown), then read on the main thread.
    private var value: ServeSummary?
    func set(_ s: ServeSummary) { value = s }
    func get() -> ServeSummary { value ?? ServeSummary(json: "{}") }
}

/// The one JSON line `serve` prints when it stops.
struct ServeSummary {
    var json: String

    init(json: String) { self.json = json }

    /// Adds `"store":{…}`: rows accepted, written per table, dropped (queue full, or
    /// still queued when the drain time ran out), refused by the database.
    mutating func add(store s: PostgresStore.Statistics) {
        json.removeLast()
        json += (json.hasSuffix("{") ? "" : ",") + "\"store\":{\"accepted\":\(s.accepted),\"written\":{\"verdicts\":\(s.written[0]),\"warnings\":\(s.written[1]),"
            + "\"audit\":\(s.written[2])},\"dropped\":\(s.dropped),\"rejected\":\(s.rejected),\"failures\":\(s.failures)}}"
    }

    init(_ s: ScreeningService) {
        let c = s.counts
        let d = s.decoder.counters
        let l = s.setupLatency
        json = "{\"requests\":\(c.requests),\"screened\":\(c.screened),\"retransmissions\":\(c.retransmissions),"
            + "\"answered_from_cache\":\(c.answeredFromCache),\"list_only\":\(c.listOnly),\"answers\":\(c.answers),"
            + "\"malformed\":\(c.malformed),\"responses_ignored\":\(c.responsesIgnored),\"hep_messages\":\(c.hepMessages),"
            + "\"hep_own_answers\":\(c.hepOwnAnswers),"
            + "\"verdicts\":{\"allow\":\(c.verdicts[0]),\"flag\":\(c.verdicts[1]),\"block\":\(c.verdicts[2])},"
            + "\"packets\":{\"read\":\(d.read),\"signalling\":\(d.signalling),\"not_signalling\":\(d.notSignalling),\"malformed\":\(d.malformed)},"
            + "\"calls\":{\"total\":\(s.tracker.statistics.total)},"
            + "\"latency_ns\":{\"p50\":\(l.percentile(50)),\"p99\":\(l.percentile(99)),\"max\":\(l.max)}}"
    }
}
