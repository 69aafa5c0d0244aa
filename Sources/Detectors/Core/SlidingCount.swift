import Wire

/// Events per window, estimated over a sliding window from two fixed buckets (the
/// current one and the one before, weighted by how much of it still overlaps), as
/// rate limiters do. Eight bytes of counts, no history.
public struct SlidingCount: Sendable, BitwiseCopyable {
    private var bucketStart: Nanoseconds = 0
    private var current: UInt32 = 0
    private var previous: UInt32 = 0

    public init() {}

    /// Counts one event at `t` and returns the estimate over the window ending at `t`.
    @inline(__always)
    public mutating func add(at t: Nanoseconds, window: Nanoseconds) -> Double {
        roll(to: t, window: window)
        current &+= 1
        return estimate(at: t, window: window)
    }

    @inline(__always)
    private mutating func roll(to t: Nanoseconds, window: Nanoseconds) {
        if bucketStart == 0 { bucketStart = t }
        let elapsed = t - bucketStart
        if elapsed >= 2 * window {
            previous = 0
            current = 0
            bucketStart = t
        } else if elapsed >= window {
            previous = current
            current = 0
            bucketStart += window
        }
    }

    @inline(__always)
    private func estimate(at t: Nanoseconds, window: Nanoseconds) -> Double {
        let into = Double(t - bucketStart) / Double(window)
        return Double(previous) * max(0, 1 - into) + Double(current)
    }
}
