import Testing
@testable import Server

@Suite("Store queue")
struct StoreQueueTests {
    static func audit(_ i: Int) -> StoreRecord {
        .audit(AuditRow(time: Int64(i), operation: "add", entry: "+86170\(i)", list: "block", kind: "reported",
                        ttlSeconds: nil, origin: "admin", refused: false))
    }

    @Test func holdsAtMostItsCapacityAndCountsWhatItDrops() {
        let q = RecordQueue(capacity: 10)
        for i in 0..<25 { q.offer(Self.audit(i)) }
        #expect(q.depth == 10)
        #expect(q.counts.accepted == 10)
        #expect(q.counts.dropped == 15)
        // What the writer holds still counts: taking does not make room.
        let taken = q.take()
        #expect(taken.count == 10)
        #expect(!q.offer(Self.audit(99)))
        // Committed records leave the bound, and are counted per table.
        q.written(taken[0..<4])
        #expect(q.depth == 6)
        #expect(q.offer(Self.audit(100)))
        #expect(q.counts.written == [0, 0, 4])
        // The first records kept are the first offered (FIFO, newest dropped).
        #expect(taken.first == Self.audit(0))
        #expect(taken.last == Self.audit(9))
    }

    @Test func abandonedAndRejectedRecordsAreCountedAsDropped() {
        let q = RecordQueue(capacity: 100)
        for i in 0..<5 { q.offer(Self.audit(i)) }
        let taken = q.take()
        q.written(taken[0..<2])
        q.reject(1)
        q.abandon(2)
        let c = q.counts
        #expect(q.depth == 0)
        #expect(c.accepted == 5)
        #expect(c.written.reduce(0, +) + c.dropped == 5)
        #expect(c.rejected == 1)
    }
}
