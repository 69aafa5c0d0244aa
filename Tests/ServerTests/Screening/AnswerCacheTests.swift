import Testing
@testable import Server

@Suite("serve: answers remembered per dialog")
struct AnswerCacheTests {
    func answer(_ status: Int) -> AnswerCache.Answer { .init(status: status, verdict: .allow, reasons: [], sequence: 1) }

    @Test func theOldestAnswerLeavesFirstAndCountIsBounded() {
        var cache = AnswerCache(capacity: 3)
        for key in UInt64(1)...5 { cache.insert(key, answer(300 + Int(key))) }
        #expect(cache.count == 3)
        #expect(cache.evictions == 2)
        #expect(cache.find(1) == nil && cache.find(2) == nil)
        #expect(cache.find(3)?.status == 303 && cache.find(5)?.status == 305)
        // Replacing keeps the slot: nothing else leaves.
        cache.insert(4, answer(608))
        #expect(cache.find(4)?.status == 608)
        #expect(cache.find(3) != nil && cache.evictions == 2)
        for key in UInt64(6)...100 { cache.insert(key, answer(302)) }
        #expect(cache.count == 3)
        #expect(cache.find(98) != nil && cache.find(97) == nil)
    }
}
