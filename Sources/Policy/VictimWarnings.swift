import Calls
import Detectors
import Numbering
import StateCoding
import Wire

/// One person to warn: they answered a call from a number that was blocked later.
public struct VictimWarning: Sendable, Equatable {
    public var callee: PhoneNumber
    public var caller: PhoneNumber
    /// When the answered call was set up (nanoseconds since the epoch).
    public var callTime: Nanoseconds
    public var talkSeconds: Double
    /// When the caller was blocked.
    public var warnedAt: Nanoseconds
    public var reasons: [String]
}

/// Remembers each caller's recent answered calls (the last four, over a bounded
/// table of callers) so that when the caller is blocked the people who already talked
/// to it can be warned. Each call is warned about once.
final class VictimLog {
    struct Answered {
        var callee: UInt64 = 0   // PhoneNumber.key; 0: empty
        var digits: UInt8 = 0
        var callTime: Nanoseconds = 0
        var talk: Float = 0
    }
    struct Recent { var calls: (Answered, Answered, Answered, Answered) = (.init(), .init(), .init(), .init()); var next: UInt8 = 0 }

    let policy: WarningPolicy
    private var callers: LRUTable<Recent>

    init(policy: WarningPolicy) {
        self.policy = policy
        callers = LRUTable(capacity: policy.callers, empty: Recent())
    }

    var evictions: Int { callers.evictions }

    func reserveCapacity() { callers.reserveCapacity() }

    func save(_ w: inout StateWriter) { callers.save(&w) }
    func load(_ r: inout StateReader) throws(StateError) { try callers.load(&r) }

    func ended(_ r: CallRecord) {
        guard r.state == .terminated(.answered), let caller = r.caller, let callee = r.callee,
              let talk = r.talkDuration, Double(talk) / 1e9 >= policy.minTalkSeconds else { return }
        let s = callers.slot(caller.key).slot
        let a = Answered(callee: callee.value, digits: callee.digitCount, callTime: r.setupTime, talk: Float(Double(talk) / 1e9))
        switch callers[s].next & 3 {
        case 0: callers[s].calls.0 = a
        case 1: callers[s].calls.1 = a
        case 2: callers[s].calls.2 = a
        default: callers[s].calls.3 = a
        }
        callers[s].next &+= 1
    }

    /// The warnings owed now that `caller` is blocked; forgets them.
    func blocked(_ caller: PhoneNumber, at t: Nanoseconds, reasons: [String]) -> [VictimWarning] {
        guard let s = callers.find(caller.key) else { return [] }
        let c = callers[s].calls
        var out: [VictimWarning] = []
        for a in [c.0, c.1, c.2, c.3] where a.digits > 0 {
            guard let callee = PhoneNumber(value: a.callee, digitCount: Int(a.digits)) else { continue }
            out.append(VictimWarning(callee: callee, caller: caller, callTime: a.callTime, talkSeconds: Double(a.talk),
                                     warnedAt: t, reasons: reasons))
        }
        callers.reset(caller.key)
        return out.sorted { $0.callTime < $1.callTime }
    }
}
