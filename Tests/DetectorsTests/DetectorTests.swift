import CallEvents
import Calls
import Detectors
import Numbering
import Testing
import Wire

/// Each detector driven by hand-built call sequences, just below, at and past its
/// thresholds.
@Suite("Detectors at their thresholds")
struct DetectorTests {
    @Test func fanOutCountsDistinctCalleesInItsWindow() {
        var c = FanOutDetector.Config()
        c.window = 60; c.warning = 3; c.critical = 5
        let d = FanOutDetector(configs: [c], capacity: 64)
        let levels = (0..<5).map { d.screen(facts("+8617000000001", callee($0), at: t0 + Nanoseconds($0) * second)).level }
        #expect(levels == [.none, .none, .warning, .warning, .critical])
        // Repeats of one callee do not add; a new window starts over.
        #expect(d.screen(facts("+8617000000001", callee(0), at: t0 + 6 * second)).value == 5)
        #expect(d.screen(facts("+8617000000001", callee(9), at: t0 + 70 * second)) == Finding(.none, 1))
        // Another caller is counted apart.
        #expect(d.screen(facts("+8617000000002", callee(1), at: t0 + 7 * second)).value == 1)
    }

    @Test func newNumberBurstOnlyCountsAfterFirstSightAndSkipsAccess() {
        var c = NewNumberBurstDetector.Config()
        c.window = 30; c.warning = 2; c.critical = 3
        let d = NewNumberBurstDetector(configs: [c], capacity: 64)
        #expect(d.screen(facts("+8617000000001", callee(0), at: t0)).level == .none)
        #expect(d.screen(facts("+8617000000001", callee(1), at: t0 + 5 * second)).level == .warning)
        #expect(d.screen(facts("+8617000000001", callee(2), at: t0 + 10 * second)).level == .critical)
        // Past the window after first sight the number is no longer new.
        #expect(d.screen(facts("+8617000000001", callee(3), at: t0 + 31 * second)) == .none)
        // Subscribers on the operator's access network are known numbers.
        for i in 0..<5 { #expect(d.screen(facts("+8613800000001", callee(i), at: t0, role: .access)) == .none) }
    }

    @Test func callRateUsesSlidingMinuteAndConcurrency() {
        var c = CallRateDetector.Config()
        c.perMinuteWarning = 3; c.perMinuteCritical = 5; c.concurrentWarning = 100; c.concurrentCritical = 100
        let d = CallRateDetector(configs: [c], capacity: 64)
        let levels = (0..<5).map { d.screen(facts("+8613800000001", callee($0), at: t0 + Nanoseconds($0) * 10 * second)).level }
        #expect(levels == [.none, .none, .warning, .warning, .critical])
        // Two minutes of quiet: the rate has decayed.
        #expect(d.screen(facts("+8613800000001", callee(9), at: t0 + 200 * second)).level == .none)

        var cc = CallRateDetector.Config()
        cc.concurrentWarning = 2; cc.concurrentCritical = 3
        let conc = CallRateDetector(configs: [cc], capacity: 64)
        #expect(conc.screen(facts("+8613800000002", callee(0), at: t0)).level == .none)
        #expect(conc.screen(facts("+8613800000002", callee(1), at: t0 + 2 * second)).level == .warning)
        conc.ended(ended("+8613800000002", callee(0), .answered, setup: t0, answer: t0 + second, end: t0 + 3 * second))
        #expect(conc.screen(facts("+8613800000002", callee(2), at: t0 + 4 * second)).level == .warning)  // 2 up again
        #expect(conc.screen(facts("+8613800000002", callee(3), at: t0 + 5 * second)).level == .critical)
    }

    @Test func sequentialRunsAllowSkipsButNotJumps() {
        var c = SequentialDialingDetector.Config()
        c.maxStep = 5; c.warning = 3; c.critical = 4
        c.walkWarning = 1000; c.walkCritical = 1000  // the per-caller run alone
        let d = SequentialDialingDetector(configs: [c], capacity: 64)
        let walk = ["+8613900001000", "+8613900001001", "+8613900001004", "+8613900001004", "+8613900001005"]
        let levels = walk.enumerated().map { d.screen(facts("+8617000000001", $0.element, at: t0 + Nanoseconds($0.offset) * second)).level }
        #expect(levels == [.none, .none, .warning, .warning, .critical], "a skip of 3 continues, a repeat keeps the run")
        #expect(d.screen(facts("+8617000000001", "+8613900001020", at: t0 + 9 * second)).level == .none, "a jump of 15 > max_step ends it")
        #expect(d.screen(facts("+8617000000001", "+8613900001019", at: t0 + 10 * second)).level == .none, "going down ends it")
    }

    /// A scanner that presents a new number of its block on every call is one walk per
    /// source address and caller block; other callers' calls into the same callee block,
    /// another source, or a pause longer than `max_gap` do not extend it.
    @Test func sequentialWalksFollowRotatingCallerIDs() {
        var c = SequentialDialingDetector.Config()
        c.maxStep = 5; c.walkWarning = 3; c.walkCritical = 4; c.maxGap = 60
        let d = SequentialDialingDetector(configs: [c], capacity: 64)
        let rotating = ["+8617000004711", "+8617000000093", "+8617000008250", "+8617000001234"]
        var levels: [Level] = []
        for (i, caller) in rotating.enumerated() {
            // An honest call from another block lands in the walk's callee block between steps.
            _ = d.screen(facts("+8613500002222", "+86139000010" + String(90 - i), at: t0 + Nanoseconds(2 * i) * second))
            levels.append(d.screen(facts(caller, "+8613900001" + String(100 + 2 * i), at: t0 + Nanoseconds(2 * i + 1) * second)).level)
        }
        #expect(levels == [.none, .none, .warning, .critical], "four numbers of one block walking up are one scan")
        // The same steps from another source address start their own walk.
        #expect(d.screen(facts("+8617000005555", "+8613900001108", at: t0 + 9 * second, source: "203.0.113.2")).level == .none)
        // After a pause longer than max_gap the walk starts again.
        #expect(d.screen(facts("+8617000006666", "+8613900001110", at: t0 + 200 * second)).level == .none)
    }

    @Test func wangiriPremiumRangesAndOneRingCancels() {
        var c = WangiriDetector.Config()
        c.ringMax = 5; c.warning = 2; c.critical = 3
        let d = WangiriDetector(configs: [c], capacity: 64)
        d.premiumRanges = NumberRanges(parsing: ["+88216*"])!
        #expect(d.screen(facts("+882160000001", callee(0), at: t0)).level == .critical)
        let caller = "+4420000000001"
        for i in 0..<3 {
            let s = t0 + Nanoseconds(i) * 20 * second
            let ring: Nanoseconds = i == 1 ? 8 * second : 2 * second   // the second one rang too long to count
            d.ended(ended(caller, callee(i), .cancelled, setup: s, ring: s + second, end: s + second + ring))
        }
        #expect(d.screen(facts(caller, callee(5), at: t0 + 70 * second)) == Finding(.warning, 2))
        d.ended(ended(caller, callee(6), .cancelled, setup: t0 + 80 * second, ring: t0 + 81 * second, end: t0 + 82 * second))
        #expect(d.screen(facts(caller, callee(7), at: t0 + 90 * second)).level == .critical)
        // Answered calls and callee rejections are not one-ring calls.
        d.ended(ended("+4420000000002", callee(1), .rejected, setup: t0, ring: t0 + second, end: t0 + 2 * second))
        #expect(d.screen(facts("+4420000000002", callee(2), at: t0 + 3 * second)) == .none)
    }

    @Test func spoofedOriginByTrunkRoleRangesAndLength() {
        let d = SpoofedOriginDetector(configs: [SpoofedOriginDetector.Config()], capacity: 1)
        d.home = NumberRanges(parsing: ["+86"])!
        d.serviceNumbers = NumberRanges(parsing: ["+86110", "+8695588"])!
        d.ownRanges = NumberRanges(parsing: ["+86138*"])!
        d.validNationalLengths = [3, 5, 11]
        #expect(d.screen(facts("+8613800000001", callee(0), at: t0, role: .international)).level == .critical)
        #expect(d.screen(facts("+8695588", callee(0), at: t0, role: .international)).level == .critical)
        #expect(d.screen(facts("+14155550100", callee(0), at: t0, role: .international)) == .none)
        #expect(d.screen(facts("+8613800000001", callee(0), at: t0, role: .domestic)) == .none)
        #expect(d.screen(facts("+8617000000001", callee(0), at: t0, role: .access)).level == .critical, "not one of ours")
        #expect(d.screen(facts("+8613800000001", callee(0), at: t0, role: .access)) == .none)
        #expect(d.screen(facts("+861380000001", callee(0), at: t0, role: .domestic)).level == .warning, "10 national digits")
        d.allocatedRanges = NumberRanges(parsing: ["+8613", "+8615", "+8617", "+86400", "+8695"])!
        #expect(d.screen(facts("+8614900000001", callee(0), at: t0, role: .domestic)) == Finding(.warning, 4), "unallocated")
        #expect(d.screen(facts("+8615000000001", callee(0), at: t0, role: .domestic)) == .none)
    }

    /// What ISUP says about the calling number counts on international routes only, and
    /// only when it came as ISUP or SIP-I.
    @Test func spoofedOriginOnISUPScreeningFacts() {
        let d = SpoofedOriginDetector(configs: [SpoofedOriginDetector.Config()], capacity: 1)
        d.home = NumberRanges(parsing: ["+86"])!
        d.serviceNumbers = NumberRanges(parsing: ["+86110", "+8695588"])!
        func isup(_ caller: String, role: TrunkRole = .international, screening: Screening = .network,
                  presentation: Presentation = .allowed, extra: String? = nil, signalling: SignallingProtocol = .isup) -> CallFacts {
            var f = facts(caller, callee(0), at: t0, role: role)
            f.signalling = signalling
            f.callerScreening = screening
            f.callerPresentation = presentation
            f.additionalCaller = extra.map(number)
            return f
        }
        #expect(d.screen(isup("+4420794600000")) == .none, "a verified foreign number")
        #expect(d.screen(isup("+4420794600000", presentation: .restricted)) == .none, "withheld is a right, not a sign")
        #expect(d.screen(isup("+4420794600000", extra: "+8695588")) == Finding(.critical, 6), "shows a bank's number")
        #expect(d.screen(isup("+4420794600000", extra: "+4420794600001")) == .none)
        #expect(d.screen(isup("+4420794600000", screening: .userVerifiedFailed)) == Finding(.critical, 7))
        #expect(d.screen(isup("+4420794600000", screening: .userNotVerified)) == Finding(.warning, 8))
        #expect(d.screen(isup("+4420794600000", presentation: .unavailable)) == Finding(.warning, 8))
        var none = isup("+4420794600000")
        none.caller = nil
        #expect(d.screen(none) == Finding(.warning, 9), "no calling number on international ingress")
        // The same facts on a domestic route, or from plain SIP, say nothing.
        #expect(d.screen(isup("+4420794600000", role: .domestic, screening: .userNotVerified, extra: "+8695588")) == .none)
        #expect(d.screen(isup("+4420794600000", screening: .userNotVerified, signalling: .sip)) == .none)
        #expect(d.screen(isup("+4420794600000", screening: .userNotVerified, signalling: .sipI)) == Finding(.warning, 8))
        var off = SpoofedOriginDetector.Config()
        off.isupScreening = 0
        let quiet = SpoofedOriginDetector(configs: [off], capacity: 1)
        quiet.home = d.home
        #expect(quiet.screen(isup("+4420794600000", screening: .userNotVerified)) == .none)
    }

    @Test func simBoxScoresTraitsAndBehaviour() {
        var c = SimBoxDetector.Config()
        c.callersPerCellAndTAC = 3; c.cellWeight = 0.3
        let d = SimBoxDetector(configs: [c], capacity: 64)
        let all: DeviceTraits = [.userAgentToken, .maxForwards30, .digitBranch, .sdpSession, .sdpUserN]
        #expect(d.screen(facts("+8617000000001", callee(0), at: t0, traits: all)).level == .critical)
        #expect(d.screen(facts("+8617000000001", callee(0), at: t0, traits: [.maxForwards30, .digitBranch])) == Finding(.none, 0.4))
        #expect(d.screen(facts("+8617000000001", callee(0), at: t0, traits: [.userAgentToken])).level == .warning)
        // Many SIMs behind one cell and one TAC add to weak traits.
        var last = Finding.none
        for i in 0..<3 {
            last = d.screen(facts("+8617000000\(100 + i)", callee(i), at: t0 + Nanoseconds(i) * second, role: .access,
                                  traits: [.maxForwards30], cell: 42, tac: 86_217_004))
        }
        #expect(last.level == .warning && abs(last.value - 0.5) < 1e-9)
    }

    @Test func shortCallsJudgeOnlyAfterEnoughEndedCalls() {
        var c = ShortCallDetector.Config()
        c.minCalls = 4; c.asrWarning = 0.5; c.asrCritical = 0.25
        let d = ShortCallDetector(configs: [c], capacity: 64)
        let caller = "+8617000000001"
        for i in 0..<3 { d.ended(ended(caller, callee(i), .cancelled, setup: t0, end: t0 + Nanoseconds(i + 1) * second)) }
        #expect(d.screen(facts(caller, callee(9), at: t0 + 10 * second)) == .none, "3 ended calls are too few")
        d.ended(ended(caller, callee(3), .answered, setup: t0, answer: t0 + 5 * second, end: t0 + 65 * second))
        #expect(d.screen(facts(caller, callee(9), at: t0 + 70 * second)) == Finding(.critical, 0.25))
        d.ended(ended(caller, callee(4), .answered, setup: t0, answer: t0 + 71 * second, end: t0 + 131 * second))
        #expect(d.screen(facts(caller, callee(9), at: t0 + 140 * second)).level == .warning)  // ASR 0.4
    }

    /// A flood of distinct callers never grows a detector past its capacity.
    @Test(arguments: [FanOutDetector.id, NewNumberBurstDetector.id, CallRateDetector.id, SequentialDialingDetector.id])
    func memoryStaysBoundedUnderAFloodOfCallers(_ id: String) {
        let d: any Detector = switch id {
        case FanOutDetector.id: FanOutDetector(configs: [.init()], capacity: 1000)
        case NewNumberBurstDetector.id: NewNumberBurstDetector(configs: [.init()], capacity: 1000)
        case CallRateDetector.id: CallRateDetector(configs: [.init()], capacity: 1000)
        default: SequentialDialingDetector(configs: [.init()], capacity: 1000)
        }
        for i in 0..<20_000 {
            _ = d.screen(facts("+861700" + String(1_000_000 + i), callee(i), at: t0 + Nanoseconds(i) * 1_000_000))
        }
        // Each caller table of 1,000 evicts the other 19,000 (sequential also keeps a walk
        // table of its own, bounded the same way).
        if id == SequentialDialingDetector.id { #expect(d.evictions >= 19_000) } else { #expect(d.evictions == 19_000) }
    }

    @Test func resetForgetsOneCaller() {
        var c = FanOutDetector.Config()
        c.warning = 2; c.critical = 3
        let d = FanOutDetector(configs: [c], capacity: 64)
        for i in 0..<3 { _ = d.screen(facts("+8617000000001", callee(i), at: t0)) }
        d.reset(number("+8617000000001").key)
        #expect(d.screen(facts("+8617000000001", callee(7), at: t0 + second)) == Finding(.none, 1))
    }
}
