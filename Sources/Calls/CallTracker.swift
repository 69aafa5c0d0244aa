import CallEvents
import Numbering
import Wire

/// Limits and timers of call tracking.
public struct CallTrackerConfiguration: Sendable {
    /// A call with no final answer this long after its INVITE times out.
    public var setupTimeout: Nanoseconds = 180_000_000_000
    /// An answered call with no BYE this long after its answer times out.
    public var maxHoldingTime: Nanoseconds = 4 * 3600 * 1_000_000_000
    /// How long an ended dialog is remembered, so that retransmissions and late
    /// messages do not look like new calls (RFC 3261 Timer D / 64*T1).
    public var linger: Nanoseconds = 32_000_000_000
    /// Dialogs kept at most; past it, the one with the nearest deadline is evicted.
    public var capacity = 1_000_000
    /// A setup on a reused key (an ISUP circuit) whose call is still open: within this
    /// time of that call's setup it is the same message seen twice (a capture tapping
    /// both copies of a link); later, the circuit was released unseen and a new call
    /// begins. SS7 does not retransmit an IAM itself.
    public var duplicateSetupWindow: Nanoseconds = 1_000_000_000

    public init() {}
}

/// Counts of what call tracking saw.
public struct CallStatistics: Sendable, Equatable {
    public var total = 0
    /// Indexed by `CallOutcome.rawValue`; filled as calls end (and at `finish`).
    public var outcomes = [Int](repeating: 0, count: CallOutcome.allCases.count)
    public var invitesRetransmitted = 0
    public var reInvites = 0
    /// In-dialog requests or responses that matched no known dialog (the capture
    /// started mid-call, or the dialog was evicted).
    public var unmatched = 0
    /// Dialogs pushed out because the table was full.
    public var evicted = 0
    /// Dialogs in the table now.
    public var active = 0

    public init() {}

    public subscript(_ outcome: CallOutcome) -> Int { outcomes[Int(outcome.rawValue)] }
}

/// Everything remembered about one call.
public struct CallRecord: Sendable {
    public var key: UInt64
    public var callIDKey: UInt64
    public var state: DialogState
    public var caller: PhoneNumber?
    public var callee: PhoneNumber?
    public var inviteCSeq: UInt32
    public var setupTime: Nanoseconds
    public var ringTime: Nanoseconds = 0
    public var answerTime: Nanoseconds = 0
    public var endTime: Nanoseconds = 0
    public var finalStatus = 0
    /// Where the setup came from (an SBC, a trunk, a gateway, a signalling peer).
    public var source = IPAddress.unspecified
    public var signalling = SignallingProtocol.sip
    /// The signalling point that sent the setup (ISUP OPC; 0 for SIP): a release from it
    /// before an answer is the caller abandoning, from elsewhere the callee refusing.
    public var origin: UInt32 = 0
    var deadline: Nanoseconds = 0
    var generation: UInt32 = 0

    public init(key: UInt64, callIDKey: UInt64, state: DialogState, caller: PhoneNumber?, callee: PhoneNumber?,
                inviteCSeq: UInt32, setupTime: Nanoseconds, ringTime: Nanoseconds = 0, answerTime: Nanoseconds = 0,
                endTime: Nanoseconds = 0, finalStatus: Int = 0) {
        self.key = key
        self.callIDKey = callIDKey
        self.state = state
        self.caller = caller
        self.callee = callee
        self.inviteCSeq = inviteCSeq
        self.setupTime = setupTime
        self.ringTime = ringTime
        self.answerTime = answerTime
        self.endTime = endTime
        self.finalStatus = finalStatus
    }

    /// Seconds of conversation (answer to BYE), when both were seen.
    public var talkDuration: Nanoseconds? {
        answerTime > 0 && endTime > answerTime ? endTime - answerTime : nil
    }
}

/// What one message did to the calls.
public enum TrackResult {
    /// Not part of an INVITE dialog we follow (REGISTER, OPTIONS, retransmissions...).
    case none
    /// A setup (initial INVITE, IAM): a new call to screen now.
    case setup(CallEvent)
    /// An existing call changed state.
    case updated(CallRecord)
}

/// Turns call events of any protocol into calls: one dialog state machine per call (SIP
/// Call-ID plus tag, ISUP circuit), timers driven by trace time, and a table bounded by
/// `capacity` whose entries leave after their deadline, so memory stays flat on endless
/// input. Every state change goes through `DialogState.next`, time-outs included.
public final class CallTracker {
    public let configuration: CallTrackerConfiguration
    public internal(set) var statistics = CallStatistics()
    var slots: [CallRecord] = []
    var free: [Int32] = []
    var index: [UInt64: Int32] = [:]
    /// Group key (SIP Call-ID alone) to the latest call with it, for peers that mangle tags.
    var byCallID: [UInt64: Int32] = [:]
    var deadlines = DeadlineQueue()
    var now: Nanoseconds = 0
    /// Sees every call that ends without a message: timed out (no final answer, or no BYE
    /// within the holding limit) or evicted from a full table while still open. Screeners
    /// learn from these ends like from any other, so a lost BYE does not leave a call
    /// "up" in a detector for ever.
    public var onEndedWithoutMessage: ((CallRecord) -> Void)?

    public init(configuration: CallTrackerConfiguration = CallTrackerConfiguration()) {
        self.configuration = configuration
    }

    /// Allocates the table for `configuration.capacity` calls now (address space; pages
    /// are touched as calls come), so it never grows again. `serve` does this at start:
    /// growing a 10^6-call table under load copies it and rehashes both indexes in one
    /// go, tens of milliseconds in which no request is answered. Replays grow on demand.
    public func reserveCapacity() {
        let n = configuration.capacity
        slots.reserveCapacity(n)
        free.reserveCapacity(n)
        index.reserveCapacity(n)
        byCallID.reserveCapacity(n)
        deadlines.reserveCapacity(n)
    }

    /// Feeds one call event.
    public func track(_ e: CallEvent) -> TrackResult {
        advance(to: e.context.timestamp)
        let isSetup = e.kind == .setup
        if let slot = index[e.key] ?? lookupOther(e, isSetup: isSetup) {
            let s = Int(slot)
            // A circuit is reused call after call: a setup on an ended call starts the next,
            // and so does one on a call open too long to be its duplicate (its release was
            // not captured: it ends now, for the detectors too, like a time-out).
            guard isSetup && e.keyReusable else { return apply(e, slot: s) }
            if !slots[s].state.isTerminated {
                guard e.context.timestamp - slots[s].setupTime >= configuration.duplicateSetupWindow else { return apply(e, slot: s) }
                var r = slots[s]
                r.state = r.state.next(.timeout)
                r.endTime = e.context.timestamp
                statistics.outcomes[Int(CallOutcome.timedOut.rawValue)] += 1
                onEndedWithoutMessage?(r)
            }
            remove(s)
        }
        guard isSetup else {
            if e.kind == .modify { statistics.reInvites += 1 }
            statistics.unmatched += 1
            return .none
        }
        var record = CallRecord(key: e.key, callIDKey: e.groupKey, state: .calling, caller: e.caller.number,
                                callee: e.callee.number, inviteCSeq: e.sequence, setupTime: e.context.timestamp)
        record.source = e.context.source.address
        record.signalling = e.signalling
        record.origin = e.origin
        let slot = insert(record)
        schedule(slot, at: e.context.timestamp + configuration.setupTimeout)
        statistics.total += 1
        return .setup(e)
    }

    /// Ends the input: every call still open is counted by the state it is in.
    public func finish() {
        for slot in index.values where !slots[Int(slot)].state.isTerminated {
            statistics.outcomes[Int(slots[Int(slot)].state.outcomeAtEnd.rawValue)] += 1
        }
        slots.removeAll()
        free.removeAll()
        index.removeAll()
        byCallID.removeAll()
        deadlines.removeAll()
        statistics.active = 0
    }

    // MARK: - Matching and transitions

    private func lookupOther(_ e: CallEvent, isSetup: Bool) -> Int32? {
        if e.alternateKey != 0, let s = index[e.alternateKey] { return s }
        // A new setup must not be glued to another call by its group alone.
        if isSetup || e.groupKey == 0 { return nil }
        return byCallID[e.groupKey]
    }

    /// The dialog event `e` is for the call in `r`, or nil when it changes nothing.
    private func dialogEvent(_ e: CallEvent, _ r: inout CallRecord) -> DialogEvent? {
        switch e.kind {
        case .setup:
            if e.sequence > r.inviteCSeq, case .challenged = r.state {
                r.inviteCSeq = e.sequence
                return .reattempt
            }
            statistics.invitesRetransmitted += 1
            return nil
        case .modify:
            statistics.reInvites += 1
            return nil
        case .progress(let code): return e.sequence >= r.inviteCSeq ? .provisional(code) : nil
        case .answer: return e.sequence >= r.inviteCSeq ? .success : nil
        case .reject(let code): return e.sequence >= r.inviteCSeq ? .failure(code) : nil
        case .confirm: return .ack
        case .cancel: return .cancel
        case .release(let cause):
            // Before an answer, only the caller's side abandons; the callee's refuses.
            return r.state.isUp || e.origin == r.origin ? .bye : .failure(ReleaseCause.sipStatus(cause))
        case .other: return nil
        }
    }

    private func apply(_ e: CallEvent, slot: Int) -> TrackResult {
        var r = slots[slot]
        let before = r.state
        let event = dialogEvent(e, &r)
        guard let event else { return .none }
        let after = before.next(event)
        guard after != before else { return .none }
        let t = now
        r.state = after
        switch (before, after) {
        case (_, .ringing) where r.ringTime == 0:
            r.ringTime = t
        case (_, .answered):
            r.answerTime = t
            r.deadline = t + configuration.maxHoldingTime
        case (_, .challenged(let code)):
            r.finalStatus = code
        case (_, .calling):
            r.deadline = t + configuration.setupTimeout
        default:
            break
        }
        if case .terminated(let outcome) = after {
            r.endTime = t
            if case .failure(let code) = event { r.finalStatus = code }
            r.deadline = t + configuration.linger
            statistics.outcomes[Int(outcome.rawValue)] += 1
        }
        let rescheduled = r.deadline != slots[slot].deadline
        slots[slot] = r
        if rescheduled { schedule(slot, at: r.deadline) }
        return .updated(r)
    }

    // MARK: - Table and timers

    private func insert(_ record: CallRecord) -> Int {
        if index.count >= configuration.capacity { evictNearestDeadline() }
        var r = record
        let slot: Int
        if let f = free.popLast() {
            slot = Int(f)
            r.generation = slots[slot].generation &+ 1
            slots[slot] = r
        } else {
            slot = slots.count
            slots.append(r)
        }
        index[r.key] = Int32(slot)
        byCallID[r.callIDKey] = Int32(slot)
        statistics.active = index.count
        return slot
    }

    private func schedule(_ slot: Int, at deadline: Nanoseconds) {
        slots[slot].deadline = deadline
        deadlines.push(.init(deadline: deadline, slot: Int32(slot), generation: slots[slot].generation))
        // Each call in the table has one live entry; past twice that many stale ones
        // (answered calls' holding limits superseded by their BYE, hours before they
        // fall due) the queue is compacted.
        if deadlines.count > 2 * index.count + Self.deadlineSlack { deadlines.retain(where: isLive) }
    }

    /// Stale deadline entries tolerated beyond twice the calls in the table.
    static let deadlineSlack = 1024

    /// Whether `e` is the deadline in force for a call still in the table.
    func isLive(_ e: DeadlineQueue.Entry) -> Bool {
        let slot = Int(e.slot)
        return slot < slots.count && slots[slot].generation == e.generation && slots[slot].deadline == e.deadline
            && index[slots[slot].key] == e.slot
    }

    /// Moves trace time forward, firing every deadline that has passed.
    private func advance(to t: Nanoseconds) {
        if t > now { now = t }
        while let top = deadlines.top, top.deadline <= now {
            _ = deadlines.pop()
            expire(top)
        }
    }

    /// Handles one deadline: a live call times out; an ended one is forgotten.
    private func expire(_ e: DeadlineQueue.Entry) {
        guard isLive(e) else { return }
        let slot = Int(e.slot)
        if slots[slot].state.isTerminated {
            remove(slot)
        } else {
            slots[slot].state = slots[slot].state.next(.timeout)
            slots[slot].endTime = e.deadline
            statistics.outcomes[Int(CallOutcome.timedOut.rawValue)] += 1
            schedule(slot, at: e.deadline + configuration.linger)
            onEndedWithoutMessage?(slots[slot])
        }
    }

    private func evictNearestDeadline() {
        while let e = deadlines.pop() {
            guard isLive(e) else { continue }
            let slot = Int(e.slot)
            if !slots[slot].state.isTerminated {
                statistics.outcomes[Int(CallOutcome.timedOut.rawValue)] += 1
                var r = slots[slot]
                r.state = r.state.next(.timeout)
                r.endTime = now
                onEndedWithoutMessage?(r)
            }
            statistics.evicted += 1
            remove(slot)
            return
        }
    }

    private func remove(_ slot: Int) {
        let r = slots[slot]
        index[r.key] = nil
        if byCallID[r.callIDKey] == Int32(slot) { byCallID[r.callIDKey] = nil }
        slots[slot].generation &+= 1
        free.append(Int32(slot))
        statistics.active = index.count
    }
}
