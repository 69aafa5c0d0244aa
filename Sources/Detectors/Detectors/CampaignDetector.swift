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
///   nor to enterprise or trusted trunks.
/// - **IMEI**: the handset (or gateway module) of `+sip.instance`. A handset carries one
///   number, a dual-SIM one two; a SIM box module carries the SIMs it rotates through.
///   Two numbers on one IMEI are critical when its cell and TAC group is (below).
/// - **cell and handset type (TAC)**: callers in one radio cell, with one TAC, that each
///   made `busy_calls` calls within the window. A SIM box puts many such SIMs in one
///   cell at once; handsets of one model in one cell rarely are busy together. Only the
///   busy callers are judged by their cell (a TAC can be a popular phone's), and only
///   those with `member_calls` calls there are critical by it alone. `newcomer_window`
///   (off by default) also makes critical a busy caller first seen in the cell that
///   recently: it catches a SIM box's fresh SIMs minutes sooner, but on busy-hour
///   traffic it blocked 2 to 9 honest callers in 20,000 who had just arrived in the cell.
/// Once an entity is critical, its calls stay critical for `hold`: the campaign, not
/// only its current number, is stopped.
public final class CampaignDetector: ConfigurableDetector {
    public struct Config: DetectorConfig {
        public var window = 600.0
        public var callerBlockDigits = 4.0
        public var callersWarning = 4.0, callersCritical = 6.0
        public var ringMax = 5.0
        public var oneRingsWarning = 2.0, oneRingsCritical = 3.0
        public var imeiWindow = 3600.0
        public var numbersPerIMEIWarning = 2.0, numbersPerIMEICritical = 3.0
        public var busyCalls = 2.0
        public var busyWarning = 4.0, busyCritical = 8.0
        public var memberCalls = 6.0
        public var newcomerWindow = 0.0
        public var hold = 3600.0
        public init() {}
        public static var parameters: [Parameter<Config>] {
            [Parameter("window", \.window, 1...86_400, duration: true), Parameter("caller_block_digits", \.callerBlockDigits, 1...8),
             Parameter("callers_warning", \.callersWarning, 2...1e9), Parameter("callers_critical", \.callersCritical, 2...1e9),
             Parameter("ring_max", \.ringMax, 0.1...120, duration: true),
             Parameter("one_rings_warning", \.oneRingsWarning, 1...1e9), Parameter("one_rings_critical", \.oneRingsCritical, 1...1e9),
             Parameter("imei_window", \.imeiWindow, 1...(30 * 86_400), duration: true),
             Parameter("numbers_per_imei_warning", \.numbersPerIMEIWarning, 2...1e9),
             Parameter("numbers_per_imei_critical", \.numbersPerIMEICritical, 2...1e9),
             Parameter("busy_calls", \.busyCalls, 2...1e6), Parameter("busy_warning", \.busyWarning, 1...1e9),
             Parameter("busy_critical", \.busyCritical, 1...1e9), Parameter("member_calls", \.memberCalls, 1...1e6),
             Parameter("newcomer_window", \.newcomerWindow, 0...86_400, duration: true),
             Parameter("hold", \.hold, 0...(30 * 86_400), duration: true)]
        }
    }

    struct Entity {
        var opened: Nanoseconds = 0
        var criticalUntil: Nanoseconds = 0
        var members = DistinctCounter()
        var oneRings = DistinctCounter()
    }

    struct CallerCount {
        var opened: Nanoseconds = 0
        var calls: UInt32 = 0
        /// The caller's first call in this cell and TAC group (kept across windows).
        var firstSeen: Nanoseconds = 0
    }

    public static let id = "campaign"
    public var id: String { Self.id }
    let configs: [Config]
    var blocks: LRUTable<Entity>
    var imeis: LRUTable<Entity>
    var cells: LRUTable<Entity>
    var callersInCell: LRUTable<CallerCount>

    public init(configs: [Config], capacity: Int) {
        self.configs = configs
        blocks = LRUTable(capacity: max(1, capacity / 4), empty: Entity())
        imeis = LRUTable(capacity: max(1, capacity / 4), empty: Entity())
        cells = LRUTable(capacity: max(1, capacity / 8), empty: Entity())
        callersInCell = LRUTable(capacity: max(1, capacity / 4), empty: CallerCount())
    }

    /// The number-block entity of a caller through a source (0: none).
    @inline(__always)
    static func blockKey(source: UInt64, caller: PhoneNumber, digits: Int) -> UInt64 {
        var div: UInt64 = 1
        for _ in 0..<digits { div &*= 10 }
        return mix(source ^ (caller.value / div) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(caller.digitCount) << 56) | 1
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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

        if let caller = f.caller, f.role == .unknown || f.role == .domestic || f.role == .international {
            let s = open(&blocks, Self.blockKey(source: f.sourceKey, caller: caller, digits: Int(c.callerBlockDigits)), f.time, window)
            blocks[s].members.add(caller.key)
            let callers = blocks[s].members.count, rings = blocks[s].oneRings.count
            consider(max(Level.of(callers, warning: c.callersWarning, critical: c.callersCritical),
                         Level.of(rings, warning: c.oneRingsWarning, critical: c.oneRingsCritical)), max(callers, rings), &blocks, s)
        }
        let group = f.cell ^ (UInt64(f.tac) &* 0x9E37_79B9_7F4A_7C15)
        let radio = f.cell != 0 && f.tac != 0 && f.callerKey != 0
        if f.imei != 0 && f.callerKey != 0 {
            let s = open(&imeis, f.imei, f.time, Nanoseconds(c.imeiWindow * 1e9))
            imeis[s].members.add(f.callerKey)
            let n = imeis[s].members.count
            var level = Level.of(n, warning: c.numbersPerIMEIWarning, critical: c.numbersPerIMEICritical)
            // Two signals agreeing: a handset that changed numbers, in a cell and TAC already
            // found to hold a SIM box, is one of its modules with a fresh SIM.
            if level == .warning && radio, let g = cells.find(group), cells[g].criticalUntil > f.time { level = .critical }
            consider(level, n, &imeis, s)
        }
        if radio {
            let g = open(&cells, group, f.time, window)
            let k = callersInCell.slot(Self.mix(f.callerKey ^ group)).slot
            if callersInCell[k].opened == 0 || f.time - callersInCell[k].opened > window {
                callersInCell[k] = CallerCount(opened: f.time, firstSeen: callersInCell[k].firstSeen == 0 ? f.time : callersInCell[k].firstSeen)
            }
            callersInCell[k].calls += 1
            let isBusy = Double(callersInCell[k].calls) >= c.busyCalls
            if isBusy { cells[g].members.add(f.callerKey) }
            let busy = cells[g].members.count
            // A cell is shared with honest handsets of the same model: only the busy callers
            // in it are judged by it, never a handset making its first call there. And the
            // cell says a SIM box is in it, not which busy caller is one of its SIMs: a
            // caller is critical by the cell alone only once it has made `member_calls`
            // calls there in the window; before that the cell's verdict on it is a warning
            // that other evidence (its IMEI changing numbers, its outcomes) must confirm.
            if isBusy {
                let level = Level.of(busy, warning: c.busyWarning, critical: c.busyCritical)
                if level == .critical { cells[g].criticalUntil = max(cells[g].criticalUntil, f.time + Nanoseconds(c.hold * 1e9)) }
                let hot = cells[g].criticalUntil > f.time
                let newcomer = c.newcomerWindow > 0 && f.time - callersInCell[k].firstSeen <= Nanoseconds(c.newcomerWindow * 1e9)
                let member = Double(callersInCell[k].calls) >= c.memberCalls || newcomer
                let mine: Level = hot ? (member ? .critical : .warning) : level
                if mine > worst.level || (mine == worst.level && busy > worst.value) { worst = Finding(mine, busy) }
            }
        }
        return worst
    }

    /// A brief ring the caller cancelled counts against its number block's entity, once per
    /// callee (a person redialling one number is not a Wangiri).
    public func ended(_ r: CallRecord) {
        guard r.state == .terminated(.cancelled), let caller = r.caller, let callee = r.callee else { return }
        let c = configs[0]
        let rang = r.ringTime > 0 ? r.endTime - r.ringTime : r.endTime - r.setupTime
        guard Double(rang) / 1e9 <= c.ringMax else { return }
        let source = CallFacts.sourceKey(r.source)
        guard let s = blocks.find(Self.blockKey(source: source, caller: caller, digits: Int(c.callerBlockDigits))) else { return }
        blocks[s].oneRings.add(callee.key)
    }

    private func open(_ table: inout LRUTable<Entity>, _ key: UInt64, _ t: Nanoseconds, _ window: Nanoseconds) -> Int {
        let s = table.slot(key).slot
        if table[s].opened == 0 || t - table[s].opened > window {
            table[s] = Entity(opened: t, criticalUntil: table[s].criticalUntil)
        }
        return s
    }

    public func reset(_ entity: UInt64) {
        blocks.reset(entity)
        imeis.reset(entity)
        cells.reset(entity)
    }

    public var evictions: Int { blocks.evictions + imeis.evictions + cells.evictions + callersInCell.evictions }

    public func save(_ w: inout StateWriter) {
        blocks.save(&w)
        imeis.save(&w)
        cells.save(&w)
        callersInCell.save(&w)
    }

    public func load(_ r: inout StateReader) throws(StateError) {
        try blocks.load(&r)
        try imeis.load(&r)
        try cells.load(&r)
        try callersInCell.load(&r)
    }
}
