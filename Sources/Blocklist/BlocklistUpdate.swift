import Numbering

/// One timestamped change of the lists (the blocklist-updates contract), applied at
/// its trace time: it affects calls set up at or after `time`.
public struct BlocklistUpdate: Sendable, Equatable {
    /// `reset` lifts an auto-block on one number and asks the detectors to forget it
    /// (after a false alarm); reported and range entries stay.
    public enum Operation: String, Sendable { case add, remove, reset }

    /// Nanoseconds since the Unix epoch.
    public var time: Int64
    public var operation: Operation
    public var entry: BlocklistEntry
    /// Time to live from `time`, for adds; nil for no expiry.
    public var ttlNanoseconds: Int64?

    public init(time: Int64, operation: Operation, entry: BlocklistEntry, ttlNanoseconds: Int64? = nil) {
        self.time = time
        self.operation = operation
        self.entry = entry
        self.ttlNanoseconds = ttlNanoseconds
    }
}

extension LiveBlocklist {
    /// Applies one update now (its TTL runs from the update's own time).
    public func apply(_ u: BlocklistUpdate) throws(BlocklistError) {
        switch u.operation {
        case .add:
            var e = u.entry
            e.expiresAt = u.ttlNanoseconds.map { u.time &+ $0 }
            try insert(e)
        case .remove:
            remove(u.entry.number, isPrefix: u.entry.isPrefix, from: u.entry.side)
        case .reset:
            if let m = match(u.entry.number, at: u.time), !m.isPrefix, m.side == .block, m.kind == .auto, m.entry == u.entry.number {
                remove(u.entry.number)
            }
        }
    }
}
