import Calls
import Detectors
import Numbering
import Wire

let second: Nanoseconds = 1_000_000_000
let t0: Nanoseconds = 1_763_632_800 * second

func number(_ e164: String) -> PhoneNumber { PhoneNumber(e164: e164)! }

/// Facts of a call from `caller` to `callee` at `t`.
func facts(_ caller: String, _ callee: String, at t: Nanoseconds, role: TrunkRole = .unknown, profile: Int = 0,
           source: String = "203.0.113.1", traits: DeviceTraits = [], cell: UInt64 = 0, tac: UInt32 = 0) -> CallFacts {
    var f = CallFacts()
    f.time = t
    f.caller = number(caller)
    f.callee = number(callee)
    f.callerKey = f.caller!.key
    f.calleeKey = f.callee!.key
    f.source = IPAddress(ipv4: source)!
    f.role = role
    f.profile = profile
    f.traits = traits
    f.cell = cell
    f.tac = tac
    return f
}

/// An ended call record.
func ended(_ caller: String, _ callee: String, _ outcome: CallOutcome, setup: Nanoseconds, ring: Nanoseconds = 0,
           answer: Nanoseconds = 0, end: Nanoseconds) -> CallRecord {
    CallRecord(key: 1, callIDKey: 1, state: .terminated(outcome), caller: number(caller), callee: number(callee),
               inviteCSeq: 1, setupTime: setup, ringTime: ring, answerTime: answer, endTime: end)
}

/// The `i`th distinct callee.
func callee(_ i: Int) -> String { "+86139" + String(10_000_000 + i * 7919 % 90_000_000) }
