import CallEvents
import Numbering
import StateCoding
import Wire

/// The call table in a state file: every slot (live, ended-but-lingering and free), the
/// free list, the deadline heap as it stands and the trace clock, so that a replay
/// resumed from it follows the calls still in progress exactly as one unbroken replay
/// would. Statistics are per run and start again at zero.
extension CallTracker {
    public func save(_ w: inout StateWriter) {
        w.tag("calls")
        w.i64(now)
        w.int(slots.count)
        for r in slots { Self.write(r, &w) }
        w.plain(free)
        w.int(index.count)
        for (k, v) in index.sorted(by: { $0.key < $1.key }) { w.u64(k); w.u32(UInt32(bitPattern: v)) }
        w.int(byCallID.count)
        for (k, v) in byCallID.sorted(by: { $0.key < $1.key }) { w.u64(k); w.u32(UInt32(bitPattern: v)) }
        // Only the deadlines still in force: the queue drops superseded ones lazily, when
        // they come due, and there can be many more of those than calls.
        var seen = Set<Int32>()
        let live = deadlines.heap.filter { e in isLive(e) && seen.insert(e.slot).inserted }.sorted { ($0.deadline, $0.slot) < ($1.deadline, $1.slot) }
        w.int(live.count)
        for e in live { w.i64(e.deadline); w.u32(UInt32(bitPattern: e.slot)); w.u32(e.generation) }
    }

    /// Restores a saved table into this (empty) tracker. The table's bound still holds:
    /// a file with more calls than `capacity` is refused.
    public func load(_ r: inout StateReader) throws(StateError) {
        try r.expect("calls")
        let t = try r.i64()
        let n = try r.int()
        let bound = max(configuration.capacity, 1) * 2 + 1024
        guard (0...bound).contains(n) else { throw StateError("the call table holds \(n) slots, more than its bound") }
        // Each slot is written in `recordBytes`: a count the file cannot hold is refused
        // before anything is reserved for it.
        guard n <= r.remaining / Self.recordBytes else { throw StateError("the call table claims \(n) slots, more than the file holds") }
        var s: [CallRecord] = []
        s.reserveCapacity(n)
        for _ in 0..<n { s.append(try Self.read(&r)) }
        let f = try r.plain(Int32.self, limit: n)
        func slotIndex(_ v: UInt32) throws(StateError) -> Int32 {
            let i = Int32(bitPattern: v)
            guard i >= 0 && Int(i) < n else { throw StateError("a call table link points outside the table") }
            return i
        }
        var idx: [UInt64: Int32] = [:], byID: [UInt64: Int32] = [:]
        let ni = try r.int()
        guard (0...n).contains(ni) else { throw StateError("the call index is larger than the table") }
        for _ in 0..<ni { let k = try r.u64(); idx[k] = try slotIndex(try r.u32()) }
        let nb = try r.int()
        guard (0...n).contains(nb) else { throw StateError("the Call-ID index is larger than the table") }
        for _ in 0..<nb { let k = try r.u64(); byID[k] = try slotIndex(try r.u32()) }
        let nd = try r.int()
        guard (0...n).contains(nd) else { throw StateError("the deadline queue is larger than the table") }
        var q = DeadlineQueue()
        for _ in 0..<nd {
            let d = try r.i64()
            let slot = try slotIndex(try r.u32())
            q.push(.init(deadline: d, slot: slot, generation: try r.u32()))
        }
        guard f.allSatisfy({ $0 >= 0 && Int($0) < n }) else { throw StateError("the call table's free list is damaged") }
        // The links must agree with the slots: an index entry names the slot holding that
        // key, a free slot is neither indexed nor free twice. (A file that breaks these
        // would make two calls share a slot.)
        var inUse = [Bool](repeating: false, count: n)
        for (k, v) in idx {
            guard s[Int(v)].key == k, !inUse[Int(v)] else { throw StateError("the call index does not match the table") }
            inUse[Int(v)] = true
        }
        for (k, v) in byID where s[Int(v)].callIDKey != k || !inUse[Int(v)] {
            throw StateError("the Call-ID index does not match the table")
        }
        for slot in f {
            guard !inUse[Int(slot)] else { throw StateError("the call table's free list is damaged") }
            inUse[Int(slot)] = true
        }
        now = t
        slots = s
        free = f
        index = idx
        byCallID = byID
        deadlines = q
        statistics.active = idx.count
    }

    /// Bytes `write` takes per call record.
    static let recordBytes = 117

    static func write(_ r: CallRecord, _ w: inout StateWriter) {
        w.u64(r.key)
        w.u64(r.callIDKey)
        switch r.state {
        case .calling: w.u8(0); w.u32(0)
        case .proceeding: w.u8(1); w.u32(0)
        case .ringing: w.u8(2); w.u32(0)
        case .answered: w.u8(3); w.u32(0)
        case .confirmed: w.u8(4); w.u32(0)
        case .cancelling: w.u8(5); w.u32(0)
        case .challenged(let code): w.u8(6); w.u32(UInt32(truncatingIfNeeded: code))
        case .terminated(let o): w.u8(7); w.u32(UInt32(o.rawValue))
        }
        for n in [r.caller, r.callee] { w.u64(n?.value ?? 0); w.u8(n?.digitCount ?? 0) }
        w.u32(r.inviteCSeq)
        for t in [r.setupTime, r.ringTime, r.answerTime, r.endTime, r.deadline] { w.i64(t) }
        w.i64(Int64(r.finalStatus))
        w.u64(r.source.high); w.u64(r.source.low); w.bool(r.source.isIPv6)
        w.u8(r.signalling.rawValue)
        w.u32(r.origin)
        w.u32(r.generation)
    }

    static func read(_ r: inout StateReader) throws(StateError) -> CallRecord {
        let key = try r.u64(), callIDKey = try r.u64()
        let tag = try r.u8(), payload = try r.u32()
        let state: DialogState
        switch tag {
        case 0: state = .calling
        case 1: state = .proceeding
        case 2: state = .ringing
        case 3: state = .answered
        case 4: state = .confirmed
        case 5: state = .cancelling
        case 6: state = .challenged(Int(payload))
        case 7:
            guard let o = CallOutcome(rawValue: UInt8(truncatingIfNeeded: payload)), payload < 256 else {
                throw StateError("a call has an unknown outcome \(payload)")
            }
            state = .terminated(o)
        default: throw StateError("a call has an unknown dialog state \(tag)")
        }
        var parties: [PhoneNumber?] = []
        for _ in 0..<2 {
            let v = try r.u64(), d = try r.u8()
            if d == 0 { parties.append(nil) } else {
                guard let n = PhoneNumber(value: v, digitCount: Int(d)) else { throw StateError("a call has an invalid number") }
                parties.append(n)
            }
        }
        let cseq = try r.u32()
        var times: [Int64] = []
        for _ in 0..<5 { times.append(try r.i64()) }
        let status = try r.i64()
        let source = IPAddress(high: try r.u64(), low: try r.u64(), isIPv6: try r.bool())
        var rec = CallRecord(key: key, callIDKey: callIDKey, state: state, caller: parties[0], callee: parties[1], inviteCSeq: cseq,
                             setupTime: times[0], ringTime: times[1], answerTime: times[2], endTime: times[3], finalStatus: Int(status))
        rec.deadline = times[4]
        rec.source = source
        let p = try r.u8()
        guard let signalling = SignallingProtocol(rawValue: p) else { throw StateError("a call has an unknown protocol \(p)") }
        rec.signalling = signalling
        rec.origin = try r.u32()
        rec.generation = try r.u32()
        return rec
    }
}
