import Histogram

/// Per-packet (or per-setup) latency in nanoseconds, in an HdrHistogram with three
/// significant digits from 1 ns to 60 s: constant memory, no allocation per record.
/// The histogram's counts (about 300 KB) are allocated at the first record, not when the
/// engine is made: an engine that screens a handful of messages (a test, a fuzz input,
/// a `check`) does not pay for four of them.
public struct LatencyHistogram: Sendable {
    private var histogram: Histogram<UInt64>?
    public init() {}

    private static func make() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    }

    @inline(__always)
    public mutating func record(_ nanoseconds: UInt64) {
        let value = Swift.max(1, Swift.min(nanoseconds, 60_000_000_000))
        if histogram == nil { histogram = Self.make() }
        histogram!.record(value)
    }

    public var count: UInt64 { histogram?.totalCount ?? 0 }

    /// The value at a percentile (0-100); 0 when empty.
    public func percentile(_ p: Double) -> UInt64 {
        guard let h = histogram, h.totalCount > 0 else { return 0 }
        return h.valueAtPercentile(p)
    }

    public var max: UInt64 {
        guard let h = histogram, h.totalCount > 0 else { return 0 }
        return h.max
    }

    public mutating func merge(_ other: LatencyHistogram) {
        guard let o = other.histogram else { return }
        if histogram == nil { histogram = Self.make() }
        histogram!.add(o)
    }
}
