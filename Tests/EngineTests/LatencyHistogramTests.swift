import Testing
@testable import Engine

/// The latency histogram allocates its counts at the first record; empty and merged
/// histograms must still answer as before.
@Suite struct LatencyHistogramTests {
    @Test func emptyAnswersZero() {
        let h = LatencyHistogram()
        #expect(h.count == 0)
        #expect(h.percentile(99) == 0)
        #expect(h.max == 0)
    }

    @Test func recordsClampedValuesAndPercentiles() {
        var h = LatencyHistogram()
        for v in 1...1000 { h.record(UInt64(v)) }
        h.record(0)                        // clamped to 1 ns
        h.record(100_000_000_000)          // clamped to 60 s
        #expect(h.count == 1002)
        #expect(h.percentile(50) >= 499 && h.percentile(50) <= 501)
        #expect(h.max >= 59_900_000_000 && h.max <= 60_100_000_000)
    }

    @Test func mergeWithEmptySides() {
        var a = LatencyHistogram(), b = LatencyHistogram()
        a.merge(b)
        #expect(a.count == 0)
        b.record(2_000)
        b.record(4_000)
        a.merge(b)
        #expect(a.count == 2)
        #expect(a.max >= 3_990 && a.max <= 4_010)
        a.merge(LatencyHistogram())
        #expect(a.count == 2)
    }
}
