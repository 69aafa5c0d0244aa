import Detectors
import Testing

@Suite("Bounded detector state")
struct LRUTableTests {
    @Test func evictsTheLeastRecentlyUsed() {
        var t = LRUTable<Int>(capacity: 3, empty: 0)
        for k: UInt64 in 1...3 { t[t.slot(k).slot] = Int(k) }
        _ = t.slot(1)                       // 1 is now the most recent; 2 is the oldest
        let (s4, new4) = t.slot(4)
        #expect(new4 && t[s4] == 0)
        #expect(t.find(2) == nil && t.find(1) != nil && t.find(3) != nil)
        #expect(t.count == 3 && t.evictions == 1)
        t.reset(1)
        #expect(t[t.find(1)!] == 0)
    }

    @Test func distinctCounterIsExactThenClose() {
        var d = DistinctCounter()
        for i: UInt64 in 0..<8 { d.add(i); d.add(i) }
        #expect(d.count == 8)
        for i: UInt64 in 8..<1000 { d.add(i) }
        #expect(abs(d.count - 1000) < 1000 * 0.4, "estimate \(d.count)")
        var small = DistinctCounter()
        for i: UInt64 in 0..<20 { small.add(i * 7919) }
        #expect(abs(small.count - 20) <= 6, "estimate \(small.count)")
    }
}
