import Histogram

/// Per-packet (or per-setup) latency in nanoseconds, in an HdrHistogram with three
/// significant digits from 1 ns to 60 s: constant memory, no allocation per record.
public struct LatencyHistogram: Sendable {
    public private(set) var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1,
                                                          highestTrackableValue: 60_000_000_000,
                                                          numberOfSignificantValueDigits: .three)
    public init() {}

    @inline(__always)
    public mutating func record(_ nanoseconds: UInt64) {
        histogram.record(Swift.max(1, Swift.min(nanoseconds, 60_000_000_000)))
    }

    public var count: UInt64 { histogram.totalCount }

    /// The value at a percentile (0-100); 0 when empty.
    public func percentile(_ p: Double) -> UInt64 {
        count == 0 ? 0 : histogram.valueAtPercentile(p)
    }

    public var max: UInt64 { count == 0 ? 0 : histogram.max }

    public mutating func merge(_ other: LatencyHistogram) { histogram.add(other.histogram) }
}
