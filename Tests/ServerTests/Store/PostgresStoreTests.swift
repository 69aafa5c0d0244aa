import Foundation
import Logging
import Testing
@testable import Server

/// The store against a real PostgreSQL server (started per test by `TestDatabase`).
@Suite("PostgreSQL store", .enabled(if: TestDatabase.available, "PostgreSQL is not installed and cannot be installed here"))
struct PostgresStoreTests {
    static func verdict(_ callID: String, verdict: String = "allow", reasons: [String] = [], match: String? = nil,
                        time: Int64 = 1_796_000_000_123_456_789) -> StoreRecord {
        .verdict(VerdictRow(time: time, callID: callID, caller: "+8617012345678", callee: "+8613912345678",
                            source: "192.0.2.1:5060", destination: "192.0.2.80:5060", verdict: verdict, reasons: reasons,
                            score: verdict == "block" ? 1 : 0, latencyNanoseconds: 12_345, matchedEntry: match,
                            signalling: "sip", warmup: false))
    }

    static func fastRetries() -> PostgresStore.Options {
        var o = PostgresStore.Options()
        o.retryDelay = .milliseconds(20) ... .milliseconds(200)
        o.operationTimeout = .seconds(3)
        return o
    }

    @Test func writesEveryKindOfRecordIntoTablesItCreates() async throws {
        let db = try TestDatabase()
        defer { db.close() }
        let store = PostgresStore(location: try StoreLocation(parsing: db.url), logger: Logger(label: "test"))
        store.submit(Self.verdict("c-1", verdict: "block", reasons: ["reported", "wangiri"], match: "+8617012345678"))
        store.submit(Self.verdict("it's \"quoted\"; DROP TABLE callguard_audit; --"))
        store.submit(.warning(WarningRow(callee: "+8613912345678", caller: "+8617012345678", callTime: 1_796_000_000_000_000_000,
                                         talkSeconds: 95.5, warnedAt: 1_796_000_600_000_000_000, reasons: ["wangiri"])))
        store.submit(.audit(AuditRow(time: 1_796_000_600_000_000_000, operation: "add", entry: "+8617012345678", list: "block",
                                     kind: "auto", ttlSeconds: 3600, origin: "wangiri", refused: false)))
        store.submit(.audit(AuditRow(time: 1_796_000_700_000_000_000, operation: "remove", entry: "+86110*", list: "allow",
                                     kind: "allow", ttlSeconds: nil, origin: "admin", refused: true)))
        let s = await store.finish(within: .seconds(20))
        #expect(s.written == [2, 1, 2])
        #expect(s.dropped == 0)
        #expect(s.accepted == 5)

        // Nanoseconds become exact microseconds; empty reasons an empty array; no match NULL.
        #expect(try db.sql("""
            SELECT call_id, verdict, array_to_string(reasons, ','), cardinality(reasons), coalesce(matched_entry, 'NULL'),
                   to_char(screened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), latency_ns, protocol
            FROM callguard_verdicts ORDER BY id
            """) == """
            c-1|block|reported,wangiri|2|+8617012345678|2026-11-30 00:53:20.123456|12345|sip
            it's "quoted"; DROP TABLE callguard_audit; --|allow||0|NULL|2026-11-30 00:53:20.123456|12345|sip
            """)
        #expect(try db.sql("SELECT callee, caller, talk_seconds, extract(epoch FROM warned_at - call_time), reasons FROM callguard_warnings")
                == "+8613912345678|+8617012345678|95.5|600.000000|{wangiri}")
        #expect(try db.sql("SELECT op, entry, list, kind, coalesce(ttl_seconds::text, 'NULL'), origin, refused FROM callguard_audit ORDER BY id")
                == "add|+8617012345678|block|auto|3600|wangiri|f\nremove|+86110*|allow|allow|NULL|admin|t")
    }

    @Test func screeningGoesOnWhileTheDatabaseIsDownAndQueuedRowsArriveOnceItIsBack() async throws {
        let db = try TestDatabase()
        defer { db.close() }
        let store = PostgresStore(location: try StoreLocation(parsing: db.url), options: Self.fastRetries(), logger: Logger(label: "test"))
        for i in 0..<50 { store.submit(Self.verdict("before-\(i)")) }
        #expect(await eventually { store.statistics.written[0] == 50 })
        #expect(store.statistics.connected)

        try db.kill()
        for i in 0..<50 { store.submit(Self.verdict("during-\(i)")) }
        #expect(await eventually { store.statistics.failures > 0 && !store.statistics.connected })
        try await Task.sleep(for: .milliseconds(300))
        var s = store.statistics
        #expect(s.written[0] == 50)
        #expect(s.queued == 50)
        #expect(s.dropped == 0)

        try db.start()
        #expect(await eventually { store.statistics.written[0] == 100 })
        s = await store.finish(within: .seconds(10))
        #expect(s.connected == false)
        #expect(s.dropped == 0)
        // Every row once: none lost with the server, none written twice by the retries.
        #expect(try db.sql("SELECT count(*), count(DISTINCT call_id) FROM callguard_verdicts") == "100|100")
        #expect(try db.sql("SELECT count(*) FROM callguard_verdicts WHERE call_id LIKE 'during-%'") == "50")
    }

    /// The writer has a thread of its own: with every thread of the shared concurrency
    /// pool blocked (here by tasks that wait for the rows without yielding), rows still
    /// reach the database. On the shared pool it would write nothing until they gave up.
    @Test func writesWhileTheConcurrencyPoolIsBlocked() async throws {
        let db = try TestDatabase()
        defer { db.close() }
        let store = PostgresStore(location: try StoreLocation(parsing: db.url), options: Self.fastRetries(), logger: Logger(label: "test"))
        for i in 0..<20 { store.submit(Self.verdict("pool-\(i)")) }
        let width = ProcessInfo.processInfo.activeProcessorCount
        let sawAll = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<width {
                group.addTask {
                    let end = Date().addingTimeInterval(10)
                    while Date() < end {
                        if store.statistics.written[0] == 20 { return true }
                        usleep(1_000)   // blocks the pool thread on purpose
                    }
                    return false
                }
            }
            var all = true
            for await saw in group { all = all && saw }
            return all
        }
        #expect(sawAll)
        await store.finish(within: .seconds(5))
    }

    @Test func aRowTheDatabaseRefusesIsDroppedAloneNotItsBatch() async throws {
        let db = try TestDatabase()
        defer { db.close() }
        let store = PostgresStore(location: try StoreLocation(parsing: db.url), options: Self.fastRetries(), logger: Logger(label: "test"))
        for i in 0..<5 { store.submit(Self.verdict("good-\(i)")) }
        store.submit(Self.verdict("bad-verdict", verdict: "maybe"))   // CHECK constraint: SQLSTATE 23514
        store.submit(Self.verdict("nul-\u{0}-byte"))                  // text cannot hold NUL: SQLSTATE 22021
        for i in 5..<10 { store.submit(Self.verdict("good-\(i)")) }
        let s = await store.finish(within: .seconds(20))
        #expect(s.written[0] == 10)
        #expect(s.rejected == 2)
        #expect(s.dropped == 2)
        #expect(try db.sql("SELECT count(*) FROM callguard_verdicts WHERE call_id LIKE 'good-%'") == "10")
    }
}

/// No server needed: a database that never answers.
@Suite("Store without a database")
struct UnreachableStoreTests {
    @Test func aDatabaseThatNeverAnswersCostsAtMostTheQueueBound() async throws {
        var o = PostgresStoreTests.fastRetries()
        o.capacity = 10
        // Port 1 on loopback: nothing listens, every connect is refused.
        let store = PostgresStore(location: try StoreLocation(parsing: "postgres://cg@127.0.0.1:1/db?sslmode=disable"), options: o,
                                  logger: Logger(label: "test"))
        for i in 0..<25 { store.submit(PostgresStoreTests.verdict("v-\(i)")) }
        var s = store.statistics
        #expect(s.accepted == 10)
        #expect(s.dropped == 15)
        #expect(s.queued == 10)
        #expect(await eventually { store.statistics.failures >= 2 })
        #expect(store.statistics.lastError?.contains("connect") == true, "\(store.statistics.lastError ?? "")")
        // Shutdown gives up at its deadline and counts what it could not write.
        let started = ContinuousClock.now
        s = await store.finish(within: .milliseconds(300))
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(s.dropped == 25)
        #expect(s.totalWritten == 0)
        #expect(s.queued == 0)
    }
}
