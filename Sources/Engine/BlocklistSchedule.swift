import Blocklist
import Numbering
import Wire

/// Keeps the live lists in step with trace time during a replay: entries whose TTL
/// starts with the trace are added before the first packet, each update is applied
/// before the first packet at or after its time (so it affects calls set up from its
/// time on), and expired entries are purged as trace time passes them.
public final class BlocklistSchedule {
    public let list: LiveBlocklist
    private let updates: [BlocklistUpdate]
    private var timedAtStart: [TimedEntry]
    private var next = 0
    private var nextDue: Nanoseconds

    /// What the schedule did, for the summary.
    public struct Statistics: Sendable {
        public var updatesApplied = 0
        public var updatesPending = 0
        public var expired = 0
        public var refused: [String] = []
    }
    public private(set) var statistics = Statistics()

    public init(list: LiveBlocklist, updates: [BlocklistUpdate] = [], startingWithTrace: [TimedEntry] = []) {
        self.list = list
        self.updates = updates
        self.timedAtStart = startingWithTrace
        self.nextDue = startingWithTrace.isEmpty ? (updates.first?.time ?? .max) : .min
        statistics.updatesPending = updates.count
    }

    /// Called with every packet's timestamp before the packet is processed.
    @inline(__always)
    /// Called for each `reset` update as it applies (the policy screener's detectors
    /// forget the number).
    public var onReset: ((PhoneNumber) -> Void)?

    public func advance(to time: Nanoseconds) {
        if time >= nextDue { applyDue(time) }
        statistics.expired &+= list.purgeExpired(at: time)
    }

    private func applyDue(_ time: Nanoseconds) {
        for t in timedAtStart {
            var e = t.entry
            e.expiresAt = time &+ t.ttlNanoseconds
            record { () throws(BlocklistError) in try list.insert(e) }
        }
        timedAtStart = []
        while next < updates.count && updates[next].time <= time {
            let u = updates[next]
            record { () throws(BlocklistError) in try list.apply(u) }
            if u.operation == .reset { onReset?(u.entry.number) }
            next += 1
        }
        statistics.updatesPending = updates.count - next
        nextDue = next < updates.count ? updates[next].time : .max
    }

    private func record(_ body: () throws(BlocklistError) -> Void) {
        do { try body(); statistics.updatesApplied += 1 } catch { statistics.refused.append(error.description) }
    }
}
