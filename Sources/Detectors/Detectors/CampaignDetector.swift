import StateCoding
import Calls
import Numbering
import Wire

/// Campaign entities: what a fraud operation keeps when it changes the presented number
/// on every call. Three kinds, each with its own bounded table:
/// - **number block through one source**: the source address (a trunk, an unknown
///   device) together with the caller's number block (the number less its last
///   `caller_block_digits` digits). A robocaller or Wangiri operator that rotates caller
///   IDs inside the block it holds shows many distinct presented numbers here, and its
///   brief rings cancelled by the caller (to distinct callees) add up here too. Not
///   applied to the operator's access network, whose subscribers share blocks and SBCs,
///   nor to enterprise or trusted trunks. A block is judged against **its own history**:
///   a real operator's block of 10,000 numbers carries hundreds of honest callers an
///   hour over an interconnect, so the distinct callers of a window count past the
///   thresholds only above `baseline_factor` times the block's usual number (an
///   exponentially weighted mean over its earlier windows, learned from ordinary windows
///   only), and not at all in a window that opened before the engine had watched a
///   whole window: nothing is usual yet. Brief rings count only while they are at least
///   `one_ring_share` of the block's ended calls (in the window, or usually, whichever
///   is more): a dense block's honest quick hang-ups are a small share of its calls, a
///   Wangiri block's are nearly all of them. And they are critical only when they came
///   from at least two of its numbers: one person's quick hang-ups are one number's.
/// - **IMEI**: the handset (or gateway module) of `+sip.instance`. A handset carries one
///   number, a dual-SIM one two; a SIM box module carries the SIMs it rotates through.
///   `numbers_per_imei_critical` numbers hold the IMEI critical in the cell it was found
///   in; two are critical when another of its numbers was busy in the same hot group,
///   or when `rotating_imeis` IMEIs of one cell and TAC changed numbers in the window
///   (a SIM box's modules rotating their SIMs together; 0 turns it off).
/// - **cell and handset type (TAC)**: callers in one radio cell, with one TAC, that each
///   made `busy_calls` calls within the window. A SIM box puts many such SIMs in one
///   cell at once, and nearly all its SIMs are busy; a dense cell of a popular phone has
///   busy callers too, but among many who are not, so the group counts only while its
///   busy callers are `busy_share` of its callers. Only the busy callers are judged by
///   their group, and a hot group only flags them: at the busy hour's full density,
///   blocking on that alone hurt 0.1% of honest calls. They are blocked once the group is
///   confirmed: its busy callers answer at most `group_asr_max` of `group_min_ended`
///   ended calls while the rest of the cell answers at least `cell_asr_margin` more of
///   its own (a congested cell, a stadium or a disaster where nobody gets through,
///   confirms nothing), and they rarely call one callee twice (`group_repeat_max`: people
///   redial, a SIM box dials strangers). `member_calls` calls in a hot group also make a
///   caller critical. `newcomer_window` (off by default) makes critical a busy caller
///   first seen in the group that recently: a SIM box's fresh SIMs minutes sooner, but on
///   busy-hour traffic it blocked 2 to 9 honest callers in 20,000 who had just arrived.
/// Once an entity is critical, its calls stay critical for `hold`: the campaign, not
/// only its current number, is stopped.
public final class CampaignDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var window = 600.0
        public var callerBlockDigits = 4.0
        public var callersWarning = 4.0, callersCritical = 6.0
        public var baselineFactor = 3.0, baselineWeight = 0.3
        public var ringMax = 5.0
        public var oneRingsWarning = 2.0, oneRingsCritical = 3.0, oneRingShare = 0.5
        public var imeiWindow = 3600.0
        public var numbersPerIMEIWarning = 2.0, numbersPerIMEICritical = 3.0
        public var rotatingIMEIs = 3.0
        public var busyCalls = 2.0
        public var busyWarning = 4.0, busyCritical = 8.0
        public var memberCalls = 8.0
        public var busyShare = 0.5
        public var newcomerWindow = 0.0
        public var groupASRMax = 0.35, groupMinEnded = 16.0, cellASRMargin = 0.1, groupRepeatMax = 0.05
        public var hold = 3600.0
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("window", \.window, 1...86_400, duration: true), Parameter("caller_block_digits", \.callerBlockDigits, 1...8),
             Parameter("callers_warning", \.callersWarning, 2...1e9), Parameter("callers_critical", \.callersCritical, 2...1e9),
             Parameter("baseline_factor", \.baselineFactor, 0...1e6), Parameter("baseline_weight", \.baselineWeight, 0.01...1),
             Parameter("ring_max", \.ringMax, 0.1...120, duration: true),
             Parameter("one_rings_warning", \.oneRingsWarning, 1...1e9), Parameter("one_rings_critical", \.oneRingsCritical, 1...1e9),
             Parameter("one_ring_share", \.oneRingShare, 0...1),
             Parameter("imei_window", \.imeiWindow, 1...(30 * 86_400), duration: true),
             Parameter("numbers_per_imei_warning", \.numbersPerIMEIWarning, 2...1e9),
             Parameter("numbers_per_imei_critical", \.numbersPerIMEICritical, 2...1e9),
             Parameter("rotating_imeis", \.rotatingIMEIs, 0...1e6),
             Parameter("busy_calls", \.busyCalls, 2...1e6), Parameter("busy_warning", \.busyWarning, 1...1e9),
             Parameter("busy_critical", \.busyCritical, 1...1e9), Parameter("member_calls", \.memberCalls, 1...1e6),
             Parameter("busy_share", \.busyShare, 0...1),
             Parameter("newcomer_window", \.newcomerWindow, 0...86_400, duration: true),
             Parameter("group_asr_max", \.groupASRMax, 0...1), Parameter("group_min_ended", \.groupMinEnded, 1...1e6),
             Parameter("cell_asr_margin", \.cellASRMargin, 0...1), Parameter("group_repeat_max", \.groupRepeatMax, 0...1),
             Parameter("hold", \.hold, 0...(30 * 86_400), duration: true)]
        }
    }

    struct Entity {
        var opened: Nanoseconds = 0
        var criticalUntil: Nanoseconds = 0
        var members = DistinctCounter()
        /// A number block: the callees of its brief rings. A cell and TAC group: the IMEIs
        /// that changed numbers in it (one counter, two uses, to keep entries small).
        var oneRings = DistinctCounter()
        var rotatedIMEIs: DistinctCounter {
            get { oneRings }
            set { oneRings = newValue }
        }
        /// A number block: its calls ended in the window (the share brief rings are
        /// judged by), its usual distinct callers per window and how many windows taught it.
        var ended: UInt32 = 0
        /// The caller of its last brief ring, and how many times the caller changed from one
        /// brief ring to the next (a person's quick hang-ups are one number's).
        var lastRingCaller: UInt64 = 0
        var ringCallers: UInt32 = 0
        var usualCallers: Float = 0
        var usualEnded: Float = 0
        var learnedWindows: UInt32 = 0
        /// A cell and TAC group: its busy callers' calls ended and answered in the window,
        /// and until when their low answer ratio confirmed the group as a SIM box.
        var outcomes = Outcomes()
        /// Its busy callers' calls, and those that went again to a callee they had called.
        var memberCalls: UInt32 = 0
        /// Its callers in the window (busy or not).
        var callers: UInt32 = 0
        var memberRepeats: UInt32 = 0
        var confirmedUntil: Nanoseconds = 0
        /// An IMEI: the cell it was in when it was found critical (a SIM box does not move;
        /// a clone's honest owner is elsewhere).
        var heldCell: UInt64 = 0
        /// An IMEI: the hot cell and TAC group one of its numbers was busy in, that number,
        /// and until when.
        var hotGroup: UInt64 = 0
        var hotCaller: UInt64 = 0
        var busyInHotCellUntil: Nanoseconds = 0
    }

    struct Outcomes {
        var opened: Nanoseconds = 0
        var ended: UInt32 = 0
        var answered: UInt32 = 0

        mutating func add(answered a: Bool) {
            ended &+= 1
            if a { answered &+= 1 }
        }
        var ratio: Double { ended == 0 ? 0 : Double(answered) / Double(ended) }
    }

    struct CallerCount {
        var opened: Nanoseconds = 0
        var calls: UInt32 = 0
        /// The caller's first call in this cell and TAC group (kept across windows).
        var firstSeen: Nanoseconds = 0
        /// The group window it was last counted among the group's callers in.
        var countedIn: Nanoseconds = 0
        /// Its calls there that ended, and were answered, in the window.
        var outcomes = Outcomes()
        /// Its last callees, and how many of its calls went to one of them again.
        var recent = SIMD4<UInt64>(repeating: 0)
        var repeats: UInt32 = 0
    }

    /// Where a caller last called from, so that its call's end can be counted there.
    struct Whereabouts {
        var group: UInt64 = 0
        var cell: UInt64 = 0
    }

    public static let id = "campaign"
    public var id: String { Self.id }
    let configs: [Config]
    /// The time of the first call the engine screened (0: none yet): number blocks seen
    /// in the window after it have no history to be judged against.
    var started: Nanoseconds = 0
    /// Per source address, the distinct callers of its typical number block in a window:
    /// a running estimate of the upper quartile over its blocks' ordinary windows (not
    /// a mean, which one dense block would drag up for all the sparse ones). What a block
    /// the engine knows little of is expected to carry.
    var typicalBlock: LRUTable<Float>
    var blocks: LRUTable<Entity>
    var imeis: LRUTable<Entity>
    var cells: LRUTable<Entity>
    var callersInCell: LRUTable<CallerCount>
    var whereabouts: LRUTable<Whereabouts>
    /// Every radio caller's outcomes per cell, whatever its TAC: the contrast a SIM box
    /// group's answer ratio is judged against.
    var cellOutcomes: LRUTable<Outcomes>
    /// The same over all cells: what a cell too thin to compare with is compared with.
    var radioOutcomes = Outcomes()

    public init(configs: [Config], capacity: Int) {
        self.configs = configs
        blocks = LRUTable(capacity: max(1, capacity / 4), empty: Entity())
        imeis = LRUTable(capacity: max(1, capacity / 4), empty: Entity())
        cells = LRUTable(capacity: max(1, capacity / 8), empty: Entity())
        callersInCell = LRUTable(capacity: max(1, capacity / 4), empty: CallerCount())
        whereabouts = LRUTable(capacity: max(1, capacity / 4), empty: Whereabouts())
        cellOutcomes = LRUTable(capacity: max(1, capacity / 8), empty: Outcomes())
        typicalBlock = LRUTable(capacity: 4096, empty: 0)
    }

    /// How far one closed window moves its source's typical block (callers): the upper
    /// quartile estimate steps up three times as far as down.
    static let typicalStep: Float = 0.2

    /// The number-block entity of a caller through a source (0: none).
    @inline(__always)
    static func blockKey(source: UInt64, caller: PhoneNumber, digits: Int) -> UInt64 {
        var div: UInt64 = 1
        for _ in 0..<digits { div &*= 10 }
        return KeyMix.mix(source ^ (caller.value / div) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(caller.digitCount) << 56) | 1
    }

    public func screen(_ f: CallFacts) -> Finding {
        let c = configs[f.profile]
        let window = Nanoseconds(c.window * 1e9)
        var worst = Finding.none
        func consider(_ level: Level, _ value: Double, _ table: inout LRUTable<Entity>, _ s: Int) {
            if level == .critical { table[s].criticalUntil = max(table[s].criticalUntil, f.time + Nanoseconds(c.hold * 1e9)) }
            if table[s].criticalUntil > f.time { worst = Finding(.critical, max(value, worst.value)) }
            else if level > worst.level { worst = Finding(level, value) }
        }

        if started == 0 { started = f.time }
        if let caller = f.caller, f.role == .unknown || f.role == .domestic || f.role == .international {
            let s = openBlock(Self.blockKey(source: f.sourceKey, caller: caller, digits: Int(c.callerBlockDigits)), f.sourceKey, f.time, window, c)
            blocks[s].members.add(caller.key)
            let callers = blocks[s].members.count, rings = blocks[s].oneRings.count
            let typical = typicalBlock.find(f.sourceKey).map { Double(typicalBlock[$0]) } ?? 0
            let usual = c.baselineFactor * max(Double(blocks[s].usualCallers), typical)
            // A block whose window opened before the engine had watched a whole window has no
            // history yet: a dense honest block and a new campaign's look the same.
            let known = blocks[s].learnedWindows > 0 || blocks[s].opened - started >= window
            let byCallers = known ? Level.of(callers, warning: c.callersWarning + usual, critical: c.callersCritical + usual) : .none
            let ended = max(Double(blocks[s].ended), Double(blocks[s].usualEnded))
            var byRings = rings >= c.oneRingShare * ended ? Level.of(rings, warning: c.oneRingsWarning, critical: c.oneRingsCritical) : .none
            if byRings == .critical && blocks[s].ringCallers < 2 { byRings = .warning }
            consider(max(byCallers, byRings), max(callers, rings), &blocks, s)
        }
        let group = f.cell ^ (UInt64(f.tac) &* 0x9E37_79B9_7F4A_7C15)
        var imeiSlot = -1
        let radio = f.cell != 0 && f.tac != 0 && f.callerKey != 0
        if f.imei != 0 && f.callerKey != 0 {
            let s = open(&imeis, f.imei, f.time, Nanoseconds(c.imeiWindow * 1e9))
            imeis[s].members.add(f.callerKey)
            let n = imeis[s].members.count
            // An IMEI with `numbers_per_imei_critical` numbers is held critical for `hold`, in the
            // cell it was found in: a SIM box does not move. A held IMEI blocks its numbers
            // there, not in other cells: a cloned IMEI's honest owner elsewhere keeps calling
            // (judged by the rest of the evidence).
            let level = Level.of(n, warning: c.numbersPerIMEIWarning, critical: c.numbersPerIMEICritical)
            imeiSlot = s
            if level == .critical {
                if imeis[s].criticalUntil <= f.time { imeis[s].heldCell = f.cell }
                imeis[s].criticalUntil = max(imeis[s].criticalUntil, f.time + Nanoseconds(c.hold * 1e9))
            }
            let held = imeis[s].criticalUntil > f.time
            // Two signals agreeing: a handset that changed numbers after another of its numbers
            // was busy in a cell and TAC found to hold a SIM box is one of its modules with a
            // fresh SIM. Two numbers alone are only a warning: dual-SIM handsets and cloned
            // IMEIs show them too, and a clone's twin is rarely busy in the same hot group.
            let freshSIM = level == .warning && radio && imeis[s].hotGroup == group && imeis[s].hotCaller != f.callerKey
                && imeis[s].busyInHotCellUntil > f.time
            // Two signals agreeing, sooner: several handsets of one type in one cell changing
            // numbers in the same window are the modules of one SIM box rotating its SIMs.
            // A person who swaps SIMs is one IMEI; counterfeit phones sharing an IMEI are one
            // IMEI too, and sit in different cells.
            var rotating = false
            if level >= .warning && radio && c.rotatingIMEIs > 0 {
                let g = open(&cells, group, f.time, window)
                cells[g].rotatedIMEIs.add(f.imei)
                rotating = cells[g].rotatedIMEIs.count >= c.rotatingIMEIs
                if rotating && level == .warning {
                    if imeis[s].criticalUntil <= f.time { imeis[s].heldCell = f.cell }
                    imeis[s].criticalUntil = max(imeis[s].criticalUntil, f.time + Nanoseconds(c.hold * 1e9))
                }
            }
            if (held && imeis[s].heldCell == f.cell) || freshSIM || rotating {
                worst = Finding(.critical, max(n, worst.value))
            } else if (held || level > .none) && worst.level < .warning {
                worst = Finding(.warning, n)
            }
        }
        if radio {
            let g = open(&cells, group, f.time, window)
            let k = callersInCell.slot(KeyMix.mix(f.callerKey ^ group)).slot
            if callersInCell[k].opened == 0 || f.time - callersInCell[k].opened > window {
                callersInCell[k] = CallerCount(opened: f.time, firstSeen: callersInCell[k].firstSeen == 0 ? f.time : callersInCell[k].firstSeen,
                                               countedIn: callersInCell[k].countedIn)
            }
            if callersInCell[k].countedIn != cells[g].opened {
                callersInCell[k].countedIn = cells[g].opened
                cells[g].callers &+= 1
            }
            callersInCell[k].calls += 1
            let repeated = f.calleeKey != 0 && any(callersInCell[k].recent .== SIMD4(repeating: f.calleeKey))
            if repeated { callersInCell[k].repeats += 1 }
            let r = callersInCell[k].recent
            callersInCell[k].recent = SIMD4(f.calleeKey, r[0], r[1], r[2])
            if let number = f.caller, c.groupASRMax > 0 {
                whereabouts[whereabouts.slot(number.key).slot] = Whereabouts(group: group, cell: f.cell)
            }
            let isBusy = Double(callersInCell[k].calls) >= c.busyCalls
            if isBusy { cells[g].members.add(f.callerKey) }
            // The call that makes a caller busy brings the outcomes of its earlier calls here.
            if isBusy && Double(callersInCell[k].calls) < c.busyCalls + 1 {
                cells[g].outcomes.ended &+= callersInCell[k].outcomes.ended
                cells[g].outcomes.answered &+= callersInCell[k].outcomes.answered
                cells[g].memberCalls &+= callersInCell[k].calls
                cells[g].memberRepeats &+= callersInCell[k].repeats
            } else if isBusy {
                cells[g].memberCalls &+= 1
                if repeated { cells[g].memberRepeats &+= 1 }
            }
            let busy = cells[g].members.count
            // A cell is shared with honest handsets of the same model: only the busy callers
            // in it are judged by it, never a handset making its first call there. And the
            // cell says a SIM box is in it, not which busy caller is one of its SIMs: a
            // caller is critical by the cell alone only once it has made `member_calls`
            // calls there in the window; before that the cell's verdict on it is a warning
            // that other evidence (its IMEI changing numbers, its outcomes) must confirm.
            // Busy callers are many in a dense cell of a popular phone; a SIM box's SIMs are
            // nearly all busy. A group counts only while its busy callers are `busy_share` of
            // its callers, so the judgement does not drift with the cell's population.
            let share = Double(busy) / Double(max(cells[g].callers, UInt32(busy), 1))
            if isBusy {
                let level = share >= c.busyShare ? Level.of(busy, warning: c.busyWarning, critical: c.busyCritical) : .none
                if level == .critical { cells[g].criticalUntil = max(cells[g].criticalUntil, f.time + Nanoseconds(c.hold * 1e9)) }
                let hot = cells[g].criticalUntil > f.time
                if hot && c.groupASRMax > 0 && Double(cells[g].memberRepeats) <= c.groupRepeatMax * Double(cells[g].memberCalls)
                    && confirms(cells[g].outcomes, f.cell, f.time, window, c) {
                    cells[g].confirmedUntil = max(cells[g].confirmedUntil, f.time + Nanoseconds(c.hold * 1e9))
                }
                let newcomer = c.newcomerWindow > 0 && f.time - callersInCell[k].firstSeen <= Nanoseconds(c.newcomerWindow * 1e9)
                let member = Double(callersInCell[k].calls) >= c.memberCalls || newcomer || cells[g].confirmedUntil > f.time
                let mine: Level = hot ? (member ? .critical : .warning) : level
                if hot && imeiSlot >= 0 {
                    imeis[imeiSlot].hotGroup = group
                    imeis[imeiSlot].hotCaller = f.callerKey
                    imeis[imeiSlot].busyInHotCellUntil = f.time + Nanoseconds(c.hold * 1e9)
                    if member {
                        if imeis[imeiSlot].criticalUntil <= f.time { imeis[imeiSlot].heldCell = f.cell }
                        imeis[imeiSlot].criticalUntil = max(imeis[imeiSlot].criticalUntil, f.time + Nanoseconds(c.hold * 1e9))
                    }
                }
                if mine > worst.level || (mine == worst.level && busy > worst.value) { worst = Finding(mine, busy) }
            }
        }
        return worst
    }

    /// Whether a hot group's busy callers answer too few of their calls, against the rest
    /// of their cell (which must have ended enough calls to compare with).
    /// A cell too thin to compare with (a SIM box in a quiet cell is most of its calls) is
    /// compared with the whole radio network instead: congestion, the reason for the
    /// contrast, shows in cells full of callers, where the cell's own ratio is at hand.
    private func confirms(_ group: Outcomes, _ cell: UInt64, _ t: Nanoseconds, _ window: Nanoseconds, _ c: Config) -> Bool {
        guard Double(group.ended) >= c.groupMinEnded, group.ratio <= c.groupASRMax else { return false }
        func others(_ all: Outcomes) -> Outcomes {
            Outcomes(opened: all.opened, ended: all.ended &- min(all.ended, group.ended), answered: all.answered &- min(all.answered, group.answered))
        }
        var rest = Outcomes()
        if let s = cellOutcomes.find(KeyMix.mix(cell)), t - cellOutcomes[s].opened <= window { rest = others(cellOutcomes[s]) }
        if Double(rest.ended) < c.groupMinEnded && t - radioOutcomes.opened <= window { rest = others(radioOutcomes) }
        guard Double(rest.ended) >= c.groupMinEnded else { return false }
        return rest.ratio >= group.ratio + c.cellASRMargin
    }

    /// A brief ring the caller cancelled counts against its number block's entity, once per
    /// callee (a person redialling one number is not a Wangiri). A radio caller's outcome
    /// counts for its cell, and for its group while it is busy there.
    public func ended(_ r: CallRecord) {
        let c = configs[0]
        if c.groupASRMax > 0 { countOutcome(r, c) }
        guard let caller = r.caller,
              let s = blocks.find(Self.blockKey(source: CallFacts.sourceKey(r.source), caller: caller, digits: Int(c.callerBlockDigits)))
        else { return }
        blocks[s].ended &+= 1
        guard r.state == .terminated(.cancelled), let callee = r.callee else { return }
        let rang = r.ringTime > 0 ? r.endTime - r.ringTime : r.endTime - r.setupTime
        guard Double(rang) / 1e9 <= c.ringMax else { return }
        blocks[s].oneRings.add(callee.key)
        if blocks[s].lastRingCaller != caller.key {
            blocks[s].lastRingCaller = caller.key
            blocks[s].ringCallers &+= 1
        }
    }

    private func countOutcome(_ r: CallRecord, _ c: Config) {
        guard case .terminated(let outcome) = r.state, let caller = r.caller, let w = whereabouts.find(caller.key) else { return }
        let place = whereabouts[w]
        let answered = outcome == .answered
        let window = Nanoseconds(c.window * 1e9)
        let t = cellOutcomes.slot(KeyMix.mix(place.cell)).slot
        if cellOutcomes[t].opened == 0 || r.endTime - cellOutcomes[t].opened > window { cellOutcomes[t] = Outcomes(opened: r.endTime) }
        cellOutcomes[t].add(answered: answered)
        if radioOutcomes.opened == 0 || r.endTime - radioOutcomes.opened > window { radioOutcomes = Outcomes(opened: r.endTime) }
        radioOutcomes.add(answered: answered)
        guard let k = callersInCell.find(KeyMix.mix(caller.key ^ place.group)) else { return }
        callersInCell[k].outcomes.add(answered: answered)
        if Double(callersInCell[k].calls) >= c.busyCalls, let g = cells.find(place.group) { cells[g].outcomes.add(answered: answered) }
    }

    /// A number block's entity for a call at `t`. A new window first folds the one that
    /// closed into the block's usual number of callers (unless the block was critical in
    /// it: a campaign does not teach the baseline it is judged against), then decays it
    /// over the empty windows since. The closed window also teaches its source's typical
    /// block.
    private func openBlock(_ key: UInt64, _ source: UInt64, _ t: Nanoseconds, _ window: Nanoseconds, _ c: Config) -> Int {
        let s = blocks.slot(key).slot
        let e = blocks[s]
        guard e.opened == 0 || t - e.opened > window else { return s }
        var callers = e.usualCallers, ended = e.usualEnded, learned = e.learnedWindows
        if e.opened != 0 {
            let w = Float(c.baselineWeight)
            if e.criticalUntil <= e.opened {
                let m = Float(e.members.count), n = Float(e.ended)
                (callers, ended) = learned == 0 ? (m, n) : (callers + w * (m - callers), ended + w * (n - ended))
                learned &+= 1
                let p = typicalBlock.slot(source)
                let q = p.isNew ? 0 : typicalBlock[p.slot]
                typicalBlock[p.slot] = m > q ? q + 0.75 * Self.typicalStep : m < q ? max(0, q - 0.25 * Self.typicalStep) : q
            }
            let empty = min(64, Int((t - e.opened) / window) - 1)
            for _ in 0..<max(0, empty) { callers *= 1 - w; ended *= 1 - w }
        }
        blocks[s] = Entity(opened: t, criticalUntil: e.criticalUntil, usualCallers: callers, usualEnded: ended, learnedWindows: learned)
        return s
    }

    private func open(_ table: inout LRUTable<Entity>, _ key: UInt64, _ t: Nanoseconds, _ window: Nanoseconds) -> Int {
        let s = table.slot(key).slot
        if table[s].opened == 0 || t - table[s].opened > window {
            table[s] = Entity(opened: t, criticalUntil: table[s].criticalUntil, confirmedUntil: table[s].confirmedUntil,
                              heldCell: table[s].heldCell, hotGroup: table[s].hotGroup, hotCaller: table[s].hotCaller, busyInHotCellUntil: table[s].busyInHotCellUntil)
        }
        return s
    }

    public func reserveCapacity() {
        typicalBlock.reserveCapacity()
        blocks.reserveCapacity()
        imeis.reserveCapacity()
        cells.reserveCapacity()
        callersInCell.reserveCapacity()
        whereabouts.reserveCapacity()
        cellOutcomes.reserveCapacity()
    }

    public func reset(_ entity: UInt64) {
        blocks.reset(entity)
        imeis.reset(entity)
        cells.reset(entity)
    }

    public var evictions: Int {
        blocks.evictions + typicalBlock.evictions + imeis.evictions + cells.evictions + callersInCell.evictions + whereabouts.evictions + cellOutcomes.evictions
    }

    public func save(_ w: inout StateWriter) {
        w.i64(started)
        w.i64(radioOutcomes.opened)
        w.u32(radioOutcomes.ended)
        w.u32(radioOutcomes.answered)
        typicalBlock.save(&w)
        blocks.save(&w)
        imeis.save(&w)
        cells.save(&w)
        callersInCell.save(&w)
        whereabouts.save(&w)
        cellOutcomes.save(&w)
    }

    public func load(_ r: inout StateReader) throws(StateError) {
        started = try r.i64()
        radioOutcomes = Outcomes(opened: try r.i64(), ended: try r.u32(), answered: try r.u32())
        try typicalBlock.load(&r)
        try blocks.load(&r)
        try imeis.load(&r)
        try cells.load(&r)
        try callersInCell.load(&r)
        try whereabouts.load(&r)
        try cellOutcomes.load(&r)
    }
}
