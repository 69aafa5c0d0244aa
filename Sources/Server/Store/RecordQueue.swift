import NIOConcurrencyHelpers

/// The bounded hand-off between the screening loop (any number of producers) and the
/// store's writer (one consumer). Memory stays bounded whatever the database does: at
/// `capacity` records waiting or being written, new records are dropped and counted.
///
/// The writer takes everything pending at once (`take`) and owns it until each batch
/// is written (`written`); records it holds still count against the bound, so a
/// database that is down for an hour costs `capacity` records of memory, not an hour
/// of them. Records leave the queue only after the database committed them: a batch
/// that fails is retried, never lost, and not written twice unless a commit's answer
/// itself was lost (at-least-once; see README "Serving live calls").
public final class RecordQueue: Sendable {
    struct State {
        var pending: [StoreRecord] = []
        /// Records the writer took and has not yet seen committed.
        var held = 0
        var accepted = 0
        var dropped = 0
        var rejected = 0
        var written = [0, 0, 0]
    }

    public let capacity: Int
    /// A pthread mutex (NIO's lock box): unlike the standard library's `Mutex`, whose
    /// lock lives in uninstrumented runtime code, ThreadSanitizer sees its ordering.
    private let state = NIOLockedValueBox(State())

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Queues a record, or drops and counts it when `capacity` records are waiting.
    /// A lock and an append: cheap enough for the screening loop.
    @discardableResult
    public func offer(_ record: StoreRecord) -> Bool {
        state.withLockedValue { s in
            guard s.pending.count + s.held < capacity else {
                s.dropped += 1
                return false
            }
            s.pending.append(record)
            s.accepted += 1
            return true
        }
    }

    /// Everything pending, now owned by the writer (empty when nothing waits).
    func take() -> [StoreRecord] {
        state.withLockedValue { s in
            let taken = s.pending
            s.pending.removeAll(keepingCapacity: true)
            s.held += taken.count
            return taken
        }
    }

    /// The writer committed these records: they leave the bound.
    func written(_ records: ArraySlice<StoreRecord>) {
        state.withLockedValue { s in
            s.held -= records.count
            for r in records { s.written[r.table.index] += 1 }
        }
    }

    /// The writer gave up on records it held (shutdown with the database away): they
    /// are counted as dropped.
    func abandon(_ count: Int) {
        state.withLockedValue { s in
            s.held -= count
            s.dropped += count
        }
    }

    /// The database refused a record the writer held (its content, not the
    /// connection): it is dropped, and counted apart.
    func reject(_ count: Int) {
        state.withLockedValue { s in
            s.held -= count
            s.dropped += count
            s.rejected += count
        }
    }

    /// Records waiting or being written.
    public var depth: Int { state.withLockedValue { $0.pending.count + $0.held } }

    /// Counts since start: accepted, dropped (of which rejected), written per table.
    public var counts: (accepted: Int, dropped: Int, rejected: Int, written: [Int]) {
        state.withLockedValue { ($0.accepted, $0.dropped, $0.rejected, $0.written) }
    }
}
