import Metrics
import Policy
import Prometheus
import Wire

/// What `serve` exports at `/metrics` (Prometheus text, every name starting `callguard_`):
/// swift-metrics instruments backed by swift-prometheus, on a registry of the server's
/// own, so that several servers in one process (tests) never share counts. Counters are
/// incremented where things happen; gauges (list size, calls open, evictions) are read
/// from the engine when the page is scraped.
public final class ServeMetrics: @unchecked Sendable {
    // @unchecked: every instrument is itself thread-safe (swift-prometheus uses atomics
    // and locks), so the admin thread may increment and render. The dictionaries are
    // filled in `init` and only read. Two exceptions, both touched by the screening loop
    // only: `reasonCounters`, which `reason` fills lazily, and `storeSeen`.
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    let screened: Metrics.Counter
    let retransmissions: Metrics.Counter
    let answeredFromCache: Metrics.Counter
    let unscreenedAnswers: Metrics.Counter
    let verdicts: [Metrics.Counter]
    private var reasonCounters: [String: Metrics.Counter] = [:]
    let latency: Metrics.Timer
    private var answerCounters: [Int: Metrics.Counter] = [:]
    let requestsByKind: [String: Metrics.Counter]
    let malformed: Metrics.Counter
    let responsesIgnored: Metrics.Counter
    let hepPackets: [String: Metrics.Counter]
    let hepOwnAnswers: Metrics.Counter
    let capturePackets: [String: Metrics.Counter]
    let captureDropped: Metrics.Counter
    let connectionsRefused: Metrics.Counter
    let connectionsIdleClosed: Metrics.Counter
    let streamOversized: Metrics.Counter
    let adminApplied: Metrics.Counter
    let adminRefused: Metrics.Counter
    let updatesFileApplied: Metrics.Counter
    let autoBlocks: Metrics.Counter
    let warnings: Metrics.Counter
    let listEntries: Metrics.Gauge
    let callsActive: Metrics.Gauge
    let detectorEvictions: Metrics.Gauge
    let answerCacheEvictions: Metrics.Gauge
    let storeRows: [Metrics.Counter]
    let storeDropped: Metrics.Counter
    let storeRejected: Metrics.Counter
    let storeFailures: Metrics.Counter
    let storeQueue: Metrics.Gauge
    let storeUp: Metrics.Gauge
    /// The store's counts at the last tick (its counters are raised by the difference).
    private var storeSeen = PostgresStore.Statistics()

    public init() {
        registry = PrometheusCollectorRegistry()
        var f = PrometheusMetricsFactory(registry: registry)
        let micro = Duration.microseconds
        f.durationHistogramBuckets["callguard_screening_latency_seconds"] = [
            micro(1), micro(2), micro(5), micro(10), micro(20), micro(50), micro(100), micro(200), micro(500),
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(50),
        ]
        factory = f
        func counter(_ name: String, _ dims: [(String, String)] = []) -> Metrics.Counter { Metrics.Counter(label: name, dimensions: dims, factory: f) }
        screened = counter("callguard_invites_screened_total")
        retransmissions = counter("callguard_invites_retransmitted_total")
        answeredFromCache = counter("callguard_invites_answered_from_cache_total")
        unscreenedAnswers = counter("callguard_invites_list_only_total")
        verdicts = Verdict.allCases.map { counter("callguard_verdicts_total", [("verdict", $0.name)]) }
        latency = Metrics.Timer(label: "callguard_screening_latency_seconds", dimensions: [], factory: f)
        for status in [200, 302, 403, 405, 481, 603, 608] {
            answerCounters[status] = counter("callguard_sip_answers_total", [("status", String(status))])
        }
        var kinds: [String: Metrics.Counter] = [:]
        for k in ["invite", "ack", "cancel", "options", "other"] {
            kinds[k] = counter("callguard_sip_requests_total", [("method", k)])
        }
        requestsByKind = kinds
        malformed = counter("callguard_sip_malformed_total")
        responsesIgnored = counter("callguard_sip_responses_ignored_total")
        var hep: [String: Metrics.Counter] = [:]
        for d in ["signalling", "not_signalling", "malformed"] { hep[d] = counter("callguard_hep_packets_total", [("disposition", d)]) }
        hepPackets = hep
        hepOwnAnswers = counter("callguard_hep_own_answers_total")
        var capture: [String: Metrics.Counter] = [:]
        for d in ["signalling", "not_signalling", "malformed"] { capture[d] = counter("callguard_capture_packets_total", [("disposition", d)]) }
        capturePackets = capture
        captureDropped = counter("callguard_capture_packets_dropped_total")
        connectionsRefused = counter("callguard_tcp_connections_refused_total")
        connectionsIdleClosed = counter("callguard_tcp_connections_idle_closed_total")
        streamOversized = counter("callguard_tcp_streams_dropped_total")
        adminApplied = counter("callguard_list_updates_total", [("source", "admin"), ("result", "applied")])
        adminRefused = counter("callguard_list_updates_total", [("source", "admin"), ("result", "refused")])
        updatesFileApplied = counter("callguard_list_updates_total", [("source", "file"), ("result", "applied")])
        autoBlocks = counter("callguard_auto_blocks_total")
        warnings = counter("callguard_victim_warnings_total")
        listEntries = Metrics.Gauge(label: "callguard_list_entries", dimensions: [], factory: f)
        callsActive = Metrics.Gauge(label: "callguard_calls_active", dimensions: [], factory: f)
        detectorEvictions = Metrics.Gauge(label: "callguard_detector_evictions", dimensions: [], factory: f)
        answerCacheEvictions = Metrics.Gauge(label: "callguard_answer_cache_evictions", dimensions: [], factory: f)
        storeRows = StoreTable.allCases.map { counter("callguard_store_rows_total", [("table", $0.rawValue)]) }
        storeDropped = counter("callguard_store_rows_dropped_total")
        storeRejected = counter("callguard_store_rows_rejected_total")
        storeFailures = counter("callguard_store_failures_total")
        storeQueue = Metrics.Gauge(label: "callguard_store_queue_rows", dimensions: [], factory: f)
        storeUp = Metrics.Gauge(label: "callguard_store_up", dimensions: [], factory: f)
    }

    /// Brings the `callguard_store_*` family up to the store's counts (on the loop's tick).
    func store(_ s: PostgresStore.Statistics) {
        for t in StoreTable.allCases { storeRows[t.index].increment(by: s.written[t.index] - storeSeen.written[t.index]) }
        storeDropped.increment(by: s.dropped - storeSeen.dropped)
        storeRejected.increment(by: s.rejected - storeSeen.rejected)
        storeFailures.increment(by: s.failures - storeSeen.failures)
        storeQueue.record(s.queued)
        storeUp.record(s.connected ? 1 : 0)
        storeSeen = s
    }

    func answered(_ status: Int) { answerCounters[status]?.increment() }

    /// Counts a packet's fate in a `{disposition=...}` family (HEP, capture).
    func count(_ disposition: PacketDisposition, in family: [String: Metrics.Counter]) {
        switch disposition {
        case .signalling, .pending: family["signalling"]?.increment()
        case .skipped: family["not_signalling"]?.increment()
        case .malformed: family["malformed"]?.increment()
        }
    }

    /// Counts a reason of a flag or block. Reasons are detector ids and list kinds: a
    /// small, fixed set per rule set, so the label's cardinality stays bounded.
    func reason(_ r: String) {
        if let c = reasonCounters[r] { c.increment(); return }
        let c = Metrics.Counter(label: "callguard_verdict_reasons_total", dimensions: [("reason", r)], factory: factory)
        reasonCounters[r] = c
        c.increment()
    }

    /// The Prometheus text page.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}
