import Calls
import Detectors
import Numbering
import Testing
import Wire

/// The campaign entities, each at its thresholds, and the calls-up-at-once count.
@Suite("Campaign entities and concurrent calls")
struct CampaignDetectorTests {
    static func detector(_ change: (inout CampaignDetector.Config) -> Void = { _ in }) -> CampaignDetector {
        var c = CampaignDetector.Config()
        c.callersWarning = 3; c.callersCritical = 5; c.window = 600; c.hold = 3600
        change(&c)
        return CampaignDetector(configs: [c], capacity: 256)
    }

    /// A detector that has watched traffic for a whole window before `t0` (one call from
    /// the access network), so that number blocks first seen from `t0` on are judged.
    static func watched(_ change: (inout CampaignDetector.Config) -> Void = { _ in }) -> CampaignDetector {
        let d = detector(change)
        _ = d.screen(facts("+8613800000000", callee(0), at: t0 - 601 * second, role: .access))
        return d
    }

    /// A flood presenting a new number of its block on every call is one entity per
    /// source address and block; the same numbers through another source, or on the
    /// operator's access network, are not added to it.
    @Test func rotatingCallerIDsAddUpPerBlockAndSource() {
        let d = Self.watched()
        let rotating = ["+8613512340017", "+8613512344471", "+8613512340993", "+8613512348120", "+8613512345555"]
        let levels = rotating.enumerated().map { i, n in
            d.screen(facts(n, callee(i), at: t0 + Nanoseconds(i) * second, role: .domestic, source: "203.0.113.60")).level
        }
        #expect(levels == [.none, .none, .warning, .warning, .critical])
        // Critical holds for the entity: the block's next number is blocked at its first call.
        #expect(d.screen(facts("+8613512341111", callee(9), at: t0 + 900 * second, role: .domestic, source: "203.0.113.60")).level == .critical)
        // Another source, or subscribers on the access network, are other people.
        #expect(d.screen(facts("+8613512342222", callee(10), at: t0 + 6 * second, role: .domestic, source: "203.0.113.61")).level == .none)
        let access = Self.detector()
        let onAccess = rotating.enumerated().map { i, n in access.screen(facts(n, callee(i), at: t0 + Nanoseconds(i) * second, role: .access)).level }
        #expect(onAccess.allSatisfy { $0 == .none })
    }

    /// Brief rings the caller cancels count once per callee against the block's entity.
    @Test func oneRingCancelsCountDistinctCallees() {
        let d = Self.watched { $0.oneRingsWarning = 2; $0.oneRingsCritical = 3; $0.ringMax = 5 }
        func ring(_ caller: String, _ callee: String, at s: Nanoseconds, rang: Nanoseconds) {
            _ = d.screen(facts(caller, callee, at: t0 + s * second, role: .international, source: "203.0.113.50"))
            var r = ended(caller, callee, .cancelled, setup: t0 + s * second, ring: t0 + s * second, end: t0 + (s + rang) * second)
            r.source = IPAddress(ipv4: "203.0.113.50")!
            d.ended(r)
        }
        ring("+21650001111", callee(1), at: 0, rang: 3)
        ring("+21650002222", callee(1), at: 10, rang: 3)   // the same callee again: still one
        ring("+21650003333", callee(2), at: 20, rang: 30)  // rang long: a person gave up, not Wangiri
        #expect(d.screen(facts("+21650004444", callee(3), at: t0 + 30 * second, role: .international, source: "203.0.113.50")).level == .warning,
                "4 numbers of the block (warning at 3) and 1 one-ring so far")
        ring("+21650005555", callee(4), at: 40, rang: 2)
        ring("+21650006666", callee(5), at: 50, rang: 2)
        #expect(d.screen(facts("+21650007777", callee(6), at: t0 + 60 * second, role: .international, source: "203.0.113.50")).level == .critical)
    }

    /// Before the engine has watched a whole window nothing is usual yet: a dense honest
    /// block at the start of a capture looks like a new campaign's, so neither is judged
    /// by its callers. The same count in a block the engine had watched stay quiet is.
    @Test func callersOfABlockAreNotJudgedBeforeAnythingIsUsual() {
        let fresh = Self.detector()
        let early = (0..<10).map { i in
            fresh.screen(facts("+86135123\(40000 + i * 37)", callee(i), at: t0 + Nanoseconds(i) * second, role: .domestic, source: "203.0.113.60")).level
        }
        #expect(early.allSatisfy { $0 == .none }, "\(early)")
        let later = (0..<5).map { i in
            fresh.screen(facts("+86136777\(40000 + i * 37)", callee(i), at: t0 + Nanoseconds(700 + i) * second, role: .domestic, source: "203.0.113.60")).level
        }
        #expect(later.last == .critical, "a block unseen for a whole window, then five callers: \(later)")
    }

    /// A block that usually carries many callers is judged against that: its ordinary
    /// windows pass, three times its usual number (plus the thresholds) is critical.
    @Test func aBlockIsJudgedAgainstItsOwnHistory() {
        let d = Self.detector { $0.baselineFactor = 3; $0.baselineWeight = 0.3 }
        var n = 0
        func window(_ k: Int, callers: Int) -> [Level] {
            (0..<callers).map { i in
                n += 1
                return d.screen(facts("+86135123\(String(10_000 + n).suffix(4))", callee(n), at: t0 + Nanoseconds(k * 601 + i) * second,
                                      role: .domestic, source: "203.0.113.60")).level
            }
        }
        for k in 0..<4 {
            let levels = window(k, callers: 20)
            #expect(levels.allSatisfy { $0 == .none }, "an ordinary window \(k) of a dense block: \(levels)")
        }
        // Usual: about 20 callers a window (counts past 8 are HyperLogLog estimates, within a
        // few callers). Critical from about 5 + 3 x 20 = 65, never near the thresholds alone.
        let surge = window(4, callers: 80)
        let first = surge.firstIndex(of: .critical) ?? -1
        #expect((50...75).contains(first), "first critical caller of the surge: \(first)")
    }

    /// A block the engine knows little of is expected to carry what its source's typical
    /// block carries: on an interconnect whose blocks each bring several callers a window,
    /// a new block with several is ordinary; through a quiet source it is not.
    @Test func aSourcesTypicalBlockRaisesTheBarForBlocksItHardlyKnows() {
        let d = Self.watched { $0.callersWarning = 6; $0.callersCritical = 8 }
        // Forty blocks through the busy interconnect, four callers each, twice.
        for b in 0..<40 {
            for k in 0..<2 {
                for i in 0..<4 {
                    let number = "+861351\(String(100 + b).suffix(2))\(String(1000 + 10 * i + k).suffix(4))"
                    _ = d.screen(facts(number, callee(i), at: t0 + Nanoseconds(k * 601 + b * 5 + i) * second, role: .domestic, source: "203.0.113.60"))
                }
            }
        }
        func eight(_ block: String, _ source: String) -> Level {
            (0..<8).map { i in
                d.screen(facts(block + String(1000 + 17 * i).suffix(4), callee(i), at: t0 + Nanoseconds(1300 + i) * second,
                               role: .domestic, source: source)).level
            }.max()!
        }
        #expect(eight("+8613699", "203.0.113.60") < .critical, "a new block of the busy interconnect with eight callers")
        #expect(eight("+8613699", "203.0.113.61") == .critical, "the same through a quiet source")
    }

    /// Brief rings are Wangiri's when they come from several numbers of a block and are
    /// most of its calls: one person's quick hang-ups, or a few among a dense block's
    /// answered calls, are not.
    @Test func oneRingsOfOnePersonOrAmongManyAnsweredCallsAreNotWangiri() {
        func ring(_ d: CampaignDetector, _ caller: String, _ i: Int, at s: Nanoseconds, _ outcome: CallOutcome = .cancelled) -> Level {
            let level = d.screen(facts(caller, callee(i), at: t0 + s * second, role: .international, source: "203.0.113.50")).level
            var r = ended(caller, callee(i), outcome, setup: t0 + s * second, ring: t0 + s * second, end: t0 + (s + 2) * second)
            r.source = IPAddress(ipv4: "203.0.113.50")!
            d.ended(r)
            return level
        }
        let person = Self.watched { $0.oneRingsWarning = 2; $0.oneRingsCritical = 2 }
        let own = (0..<4).map { i in ring(person, "+441632960001", i, at: Nanoseconds(10 * i)) }
        #expect(own.allSatisfy { $0 < .critical }, "one number's quick hang-ups: \(own)")
        let dense = Self.watched { $0.oneRingsWarning = 2; $0.oneRingsCritical = 2; $0.callersWarning = 1000; $0.callersCritical = 1000 }
        for i in 0..<20 { _ = ring(dense, "+4416329\(60100 + i)", i, at: Nanoseconds(i), .answered) }
        let amongMany = (0..<4).map { i in ring(dense, "+4416329\(60200 + i)", 100 + i, at: Nanoseconds(30 + 5 * i)) }
        #expect(amongMany.allSatisfy { $0 == .none }, "four brief rings among twenty answered calls: \(amongMany)")
        let wangiri = Self.watched { $0.oneRingsWarning = 2; $0.oneRingsCritical = 2; $0.callersWarning = 1000; $0.callersCritical = 1000 }
        let rotating = (0..<3).map { i in ring(wangiri, "+2165975\(6000 + 137 * i)", i, at: Nanoseconds(10 * i)) }
        #expect(rotating == [.none, .none, .critical], "two brief rings from two of its numbers, then the third call: \(rotating)")
    }

    /// A SIM box's modules rotate their SIMs together: several IMEIs of one TAC in one
    /// cell each changing numbers in the window make each of them critical at its second
    /// number. Handsets that changed SIMs in different cells stay warnings.
    @Test func modulesRotatingTogetherInOneCell() {
        func run(cells: [UInt64]) -> [Level] {
            let d = Self.detector { $0.numbersPerIMEIWarning = 2; $0.numbersPerIMEICritical = 3; $0.rotatingIMEIs = 3 }
            var minute: Nanoseconds = 0
            return cells.enumerated().map { m, cell in
                var last = Level.none
                for sim in 0..<2 {
                    minute += 1
                    var f = facts("+86138000\(String(10_000 + 10 * m + sim).suffix(5))", callee(Int(minute)), at: t0 + minute * 30 * second,
                                  role: .access, cell: cell, tac: 86_217_004)
                    f.imei = 0x8621_7004_0000_0000 + UInt64(m)
                    last = d.screen(f).level
                }
                return last
            }
        }
        #expect(run(cells: [0xCE11, 0xCE11, 0xCE11]) == [.warning, .warning, .critical])
        #expect(run(cells: [0xCE11, 0xCE22, 0xCE33]) == [.warning, .warning, .warning])
    }

    /// A SIM-box module rotating SIMs shows several numbers on one IMEI; a dual-SIM
    /// handset shows two.
    @Test func numbersPerIMEI() {
        let d = Self.detector { $0.numbersPerIMEIWarning = 2; $0.numbersPerIMEICritical = 3 }
        func call(_ n: String, _ i: Int) -> Level {
            var f = facts(n, callee(i), at: t0 + Nanoseconds(i) * 60 * second, role: .access)
            f.imei = 0x3533_2811_0000_0001
            return d.screen(f).level
        }
        #expect([call("+8613800000001", 0), call("+8613800000001", 1), call("+8613800000002", 2), call("+8613800000003", 3)]
                == [.none, .none, .warning, .critical])
    }

    /// A held IMEI blocks its numbers in the cell where it was found, not a clone's owner
    /// elsewhere.
    @Test func aHeldIMEIBlocksNewNumbersInItsCell() {
        let d = Self.detector { $0.numbersPerIMEIWarning = 2; $0.numbersPerIMEICritical = 3; $0.imeiWindow = 3600 }
        let cell: UInt64 = 0xCE11, elsewhere: UInt64 = 0xCE22
        var minute: Nanoseconds = 0
        func call(_ n: String, in c: UInt64 = cell) -> Level {
            minute += 1
            var f = facts(n, callee(Int(minute)), at: t0 + minute * 60 * second, role: .access, cell: c, tac: 86_217_004)
            f.imei = 0x8621_7004_0000_0001
            return d.screen(f).level
        }
        #expect(call("+8613800000001") == .none, "the IMEI's first owner")
        #expect(call("+8613800000002") == .warning, "two numbers: a dual-SIM handset, or a clone")
        #expect(call("+8613800000003") == .critical, "a third number: a module rotating SIMs")
        #expect(call("+8613800000004") == .critical, "the next new number in its cell")
        #expect(call("+8613800000001") == .critical, "its first number too: a module's first SIM")
        #expect(call("+8613800000002") == .critical, "its other numbers in the cell it was found in")
        #expect(call("+8613800000005", in: elsewhere) == .warning, "a clone's owner in another cell")
    }

    /// Many busy callers with one TAC in one cell make the cell hot; a busy caller there is
    /// flagged by the cell, and critical by it alone only after `member_calls` calls; a
    /// handset making its first call there is not judged by it at all.
    @Test func busyCallersInOneCellAndTAC() {
        let d = Self.detector { $0.busyCalls = 2; $0.busyWarning = 3; $0.busyCritical = 4; $0.memberCalls = 4 }
        let cell: UInt64 = 0xCE11, tac: UInt32 = 86_217_004
        func call(_ n: String, _ i: Int, at s: Nanoseconds) -> Level {
            d.screen(facts(n, callee(i), at: t0 + s * second, role: .access, cell: cell, tac: tac)).level
        }
        var last: [Level] = []
        for k in 0..<4 {
            let n = "+861380000010\(k)"
            _ = call(n, 2 * k, at: Nanoseconds(10 * k))
            last.append(call(n, 2 * k + 1, at: Nanoseconds(10 * k + 5)))
        }
        #expect(last == [.none, .none, .warning, .warning], "the fourth busy caller makes the cell critical; its busy callers are flagged")
        #expect(call("+8613800009999", 50, at: 60) == .none, "a first call in a hot cell is not judged by it")
        #expect(call("+8613800009999", 51, at: 70) == .warning, "busy in a hot cell: flagged, not blocked")
        _ = call("+8613800009999", 52, at: 80)
        #expect(call("+8613800009999", 53, at: 90) == .critical, "member_calls calls in the hot cell")
        // Another TAC in the same cell is another group.
        #expect(d.screen(facts("+8613800008888", callee(60), at: t0 + 95 * second, role: .access, cell: cell, tac: 35_332_811)).level == .none)
    }

    /// A hot group whose busy callers answer few calls while the rest of the cell answers
    /// its own is confirmed as a SIM box: its busy callers are critical from their second
    /// call. In a congested cell, where nobody's calls are answered, the same low answer
    /// ratio confirms nothing; nor does a group that answers like everybody else.
    @Test(arguments: [(groupAnswers: false, othersAnswer: true, confirmed: true),
                      (groupAnswers: false, othersAnswer: false, confirmed: false),
                      (groupAnswers: true, othersAnswer: true, confirmed: false)])
    func lowAnswerRatioConfirmsAHotGroup(groupAnswers: Bool, othersAnswer: Bool, confirmed: Bool) {
        let d = Self.detector {
            $0.busyCalls = 2; $0.busyWarning = 3; $0.busyCritical = 4; $0.memberCalls = 6
            $0.groupASRMax = 0.35; $0.groupMinEnded = 4; $0.cellASRMargin = 0.1
        }
        let cell: UInt64 = 0xCE11, box: UInt32 = 86_217_004, phone: UInt32 = 35_332_811
        var next = 0
        func call(_ n: String, at s: Nanoseconds, tac: UInt32, outcome: CallOutcome?) -> Level {
            next += 1
            let to = callee(next)
            let level = d.screen(facts(n, to, at: t0 + s * second, role: .access, cell: cell, tac: tac)).level
            if let outcome { d.ended(ended(n, to, outcome, setup: t0 + s * second, end: t0 + (s + 2) * second)) }
            return level
        }
        // The rest of the cell: six handsets of another model, one call each.
        for k in 0..<6 { _ = call("+861390000020\(k)", at: Nanoseconds(k), tac: phone, outcome: othersAnswer ? .answered : .rejected) }
        // Four SIMs of one TAC, two calls each: the group turns hot on the fourth.
        for k in 0..<4 {
            let n = "+861380000010\(k)"
            for j in 0..<2 {
                let outcome: CallOutcome = groupAnswers || (k == 0 && j == 0) ? .answered : .cancelled
                _ = call(n, at: Nanoseconds(10 + 10 * k + 5 * j), tac: box, outcome: outcome)
            }
        }
        _ = call("+8613800009999", at: 60, tac: box, outcome: .cancelled)
        #expect(call("+8613800009999", at: 70, tac: box, outcome: nil) == (confirmed ? .critical : .warning))
    }

    /// A SIM box in a quiet cell is most of the cell's calls: its group is compared with
    /// the whole radio network's answer ratio instead, and confirmed.
    @Test func aThinCellIsComparedWithTheNetwork() {
        let d = Self.detector {
            $0.busyCalls = 2; $0.busyWarning = 3; $0.busyCritical = 4; $0.memberCalls = 6
            $0.groupASRMax = 0.35; $0.groupMinEnded = 4; $0.cellASRMargin = 0.1
        }
        var next = 0
        func call(_ n: String, at s: Nanoseconds, cell: UInt64, tac: UInt32, outcome: CallOutcome?) -> Level {
            next += 1
            let to = callee(next)
            let level = d.screen(facts(n, to, at: t0 + s * second, role: .access, cell: cell, tac: tac)).level
            if let outcome { d.ended(ended(n, to, outcome, setup: t0 + s * second, end: t0 + (s + 2) * second)) }
            return level
        }
        // People elsewhere answer; the SIM box's cell has nobody else.
        for k in 0..<6 { _ = call("+861390000020\(k)", at: Nanoseconds(k), cell: 0xCE22, tac: 35_332_811, outcome: .answered) }
        for k in 0..<4 {
            for j in 0..<2 { _ = call("+861380000010\(k)", at: Nanoseconds(10 + 10 * k + 5 * j), cell: 0xCE11, tac: 86_217_004, outcome: .cancelled) }
        }
        _ = call("+8613800009999", at: 60, cell: 0xCE11, tac: 86_217_004, outcome: .cancelled)
        #expect(call("+8613800009999", at: 70, cell: 0xCE11, tac: 86_217_004, outcome: nil) == .critical)
    }

    /// In a dense cell of a popular phone, several busy callers among many are people:
    /// the group counts only while its busy callers are `busy_share` of its callers.
    @Test func busyCallersAmongManyAreNotAGroup() {
        let d = Self.detector { $0.busyCalls = 2; $0.busyWarning = 3; $0.busyCritical = 4; $0.busyShare = 0.5 }
        let cell: UInt64 = 0xCE11, tac: UInt32 = 35_332_811
        var next = 0
        func call(_ n: String, at s: Nanoseconds) -> Level {
            next += 1
            return d.screen(facts(n, callee(next), at: t0 + s * second, role: .access, cell: cell, tac: tac)).level
        }
        for k in 0..<10 { _ = call("+861390000030\(k)", at: Nanoseconds(k)) }
        var levels: [Level] = []
        for k in 0..<5 {
            let n = "+861380000010\(k)"
            _ = call(n, at: Nanoseconds(20 + 10 * k))
            levels.append(call(n, at: Nanoseconds(25 + 10 * k)))
        }
        #expect(levels.allSatisfy { $0 == .none }, "5 busy of 15 callers: \(levels)")
        // The same five busy callers alone in another cell are a group.
        let alone = Self.detector { $0.busyCalls = 2; $0.busyWarning = 3; $0.busyCritical = 4; $0.busyShare = 0.5 }
        let last = (0..<5).map { k -> Level in
            let n = "+861380000010\(k)"
            _ = alone.screen(facts(n, callee(100 + 2 * k), at: t0 + Nanoseconds(20 + 10 * k) * second, role: .access, cell: cell, tac: tac))
            return alone.screen(facts(n, callee(101 + 2 * k), at: t0 + Nanoseconds(25 + 10 * k) * second, role: .access, cell: cell, tac: tac)).level
        }
        #expect(last == [.none, .none, .warning, .warning, .warning])
    }

    @Test func concurrentCallsEndWithTheirCalls() {
        var c = ConcurrentCallsDetector.Config()
        c.warning = 2; c.critical = 3
        let d = ConcurrentCallsDetector(configs: [c], capacity: 16)
        let caller = "+8613900007777"
        #expect(d.screen(facts(caller, callee(0), at: t0)).level == .none)
        #expect(d.screen(facts(caller, callee(1), at: t0 + second)).level == .warning)
        d.ended(ended(caller, callee(0), .timedOut, setup: t0, end: t0 + 2 * second))
        d.ended(ended(caller, callee(1), .rejected, setup: t0 + second, end: t0 + 2 * second))
        #expect(d.screen(facts(caller, callee(2), at: t0 + 3 * second)).level == .none, "time-outs and rejections end calls too")
        #expect(d.screen(facts(caller, callee(3), at: t0 + 4 * second)).level == .warning)
        #expect(d.screen(facts(caller, callee(4), at: t0 + 5 * second)).level == .critical)
    }
}
