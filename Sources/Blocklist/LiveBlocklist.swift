import CBits
import Numbering
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The number blocklist and allowlist consulted at every call setup, updated while
/// traffic flows.
///
/// **Reading** (`match`) is wait-free, lock-free and allocation-free: a reader marks
/// itself in the `ReaderGate` (one store to its own cache line, no fence), loads the
/// current `TableSet` pointer, probes at most a few open-addressing slot arrays and
/// leaves. An allowlist
/// entry (exact or prefix) overrides any block; within a list the exact number beats
/// prefixes and the longest prefix wins. Entries past their expiry are ignored at once,
/// before any purge.
///
/// **Writing** (`insert`, `remove`, `purgeExpired`) is serialised by a mutex that only
/// writers take. Each change is a single atomic store into a slot (see `SlotArray`), so
/// a concurrent reader sees each entry as it was before or after the change, never torn.
///
/// **One state per lookup.** A lookup reads up to four arrays one after another, so
/// without more it could combine two states: with "insert exact X; remove prefix P
/// covering X" landing between its probes it would answer "not blocked" though X was
/// blocked at every moment. A sequence counter (a seqlock, after Boehm, "Can seqlocks get
/// along with programming language memory models?", 2012) makes every lookup see one
/// state: a writer makes it odd before the stores of a change and even after; a reader
/// that saw it change, or odd, probes again. Writers keep it odd only across a few
/// stores (never across a rebuild or a grace period), so a lookup retries at most while
/// one change lands; readers stay lock-free and still take no lock or read-modify-write.
///
/// **Memory reclamation.** Keys are never moved or deleted in place: removal leaves a
/// tombstone. When an array passes 85% occupancy (live entries plus tombstones) the
/// writer copies the live entries into a new array sized for 60% occupancy, builds a new
/// `TableSet`, swaps the pointer, and waits for a grace period (`ReaderGate.synchronize`)
/// before freeing the old set and its pages. Readers never wait for this; a writer waits
/// at most for the lookups that were in flight at the swap.
///
/// **Memory.** A slot is 16 bytes (key and entry word); a bulk load sizes the exact
/// array for 75% occupancy, 21.3 bytes per exact entry.
///
/// **Time.** Expiry is compared with the time the caller passes (trace time during a
/// replay, wall time elsewhere), at millisecond resolution.
public final class LiveBlocklist: @unchecked Sendable {
    private let current: Atomic<UInt>
    private let gate = ReaderGate.shared
    private let tags = SourceTags()
    private let writer: Mutex<WriterState>
    private let liveCount = Atomic<Int>(0)
    /// Earliest pending expiry (ms), so that `purgeExpired` returns without locking
    /// when nothing is due.
    private let nextExpiry = Atomic<UInt64>(.max)
    /// Odd while a writer's change is landing; bumped twice per change (see the type's
    /// comment). Memory ordering: the writer stores it odd (relaxed), then a release fence,
    /// then the slot stores, then stores it even with release. A reader loads it with
    /// acquire, probes, issues an acquire fence and loads it again: if any probe read a
    /// store made after a writer's release fence, that fence synchronises with the
    /// reader's, so the second load sees at least the odd value and the lookup retries;
    /// if both loads return the same even value, every probe read the state it names.
    private let version = Atomic<UInt64>(0)

    struct WriterState {
        var live = [Int](repeating: 0, count: TableSet.count)
        /// Keys present in each array, tombstones included.
        var used = [Int](repeating: 0, count: TableSet.count)
        var expiries = ExpiryQueue()
        var rebuilds = 0
    }

    /// An empty list with room for `exactCapacity` exact blocklist entries before it grows.
    public convenience init(exactCapacity: Int = 0) {
        let caps = [SlotArray.capacity(atLeast: max(16, exactCapacity * 4 / 3 + 1)), 16, 16, 16]
        let memory = caps.map { SlotMemory(zeroedBytes: SlotArray.bytes(capacity: $0)) }
        let arrays = zip(memory, caps).map { SlotArray(words: $0.base, capacity: $1) }
        self.init(tables: TableSet(arrays: arrays, memory: memory, masks: (0, 0)), state: WriterState(), sources: [])
    }

    /// Wraps tables built elsewhere (a snapshot).
    init(tables: TableSet, state: WriterState, sources: [String]) {
        current = Atomic(UInt(bitPattern: Unmanaged.passRetained(tables).toOpaque()))
        writer = Mutex(state)
        for s in sources { _ = try? tags.register(s) }
        liveCount.store(state.live.reduce(0, +), ordering: .relaxed)
        nextExpiry.store(state.expiries.next ?? .max, ordering: .relaxed)
    }

    deinit {
        Unmanaged<TableSet>.fromOpaque(UnsafeRawPointer(bitPattern: current.load(ordering: .acquiring))!).release()
    }

    // MARK: reading

    /// The entry deciding about `number` at `time` (nanoseconds since the Unix epoch):
    /// an allowlist entry, a blocklist entry, or nil when the number is on neither list.
    @inline(__always)
    public func match(_ number: PhoneNumber, at time: Int64) -> NumberMatch? {
        let token = gate.enter()
        let nowMs = EntryWord.nowMilliseconds(time)
        var result: NumberMatch?
        var attempts = 0
        while true {
            let before = version.load(ordering: .acquiring)
            if before & 1 == 0 {
                let bits = current.load(ordering: .sequentiallyConsistent)
                result = Unmanaged<TableSet>.fromOpaque(UnsafeRawPointer(bitPattern: bits).unsafelyUnwrapped)
                    ._withUnsafeGuaranteedRef { $0.match(number, nowMs: nowMs) }
                atomicMemoryFence(ordering: .acquiring)
                if version.load(ordering: .relaxed) == before { break }
            }
            // A change is landing: a few stores long, unless its writer was descheduled.
            attempts += 1
            if attempts > 64 { sched_yield() }
        }
        gate.exit(token)
        return result
    }

    /// Brackets the stores of one change (writers only, under the lock; see `version`).
    @inline(__always)
    private func changing<R>(_ body: () -> R) -> R {
        version.wrappingAdd(1, ordering: .relaxed)
        atomicMemoryFence(ordering: .releasing)
        let r = body()
        version.wrappingAdd(1, ordering: .releasing)
        return r
    }

    /// True when `number` is blocked at `time` (on the blocklist and not allowlisted).
    @inline(__always)
    public func isBlocked(_ number: PhoneNumber, at time: Int64) -> Bool {
        match(number, at: time).map { !$0.isAllowed } ?? false
    }

    /// Entries present in both lists (expired entries count until purged).
    public var entryCount: Int { liveCount.load(ordering: .relaxed) }

    /// The source tag of a match.
    public func sourceName(_ id: UInt16) -> String { tags.name(id) }

    // MARK: writing

    /// An entry as the batch insert takes it: the source already registered.
    public struct RawEntry: Sendable {
        public var number: PhoneNumber
        public var isPrefix: Bool
        public var side: ListSide
        public var kind: EntryKind
        public var sourceID: UInt16
        /// Milliseconds since the epoch; 0 for never.
        public var expiryMs: UInt64

        public init(number: PhoneNumber, isPrefix: Bool, side: ListSide, kind: EntryKind, sourceID: UInt16, expiryMs: UInt64) {
            self.number = number
            self.isPrefix = isPrefix
            self.side = side
            self.kind = kind
            self.sourceID = sourceID
            self.expiryMs = expiryMs
        }
    }

    /// The id entries from `name` carry.
    public func registerSource(_ name: String) throws(BlocklistError) -> UInt16 {
        try writer.withLock { _ throws(BlocklistError) in try tags.register(name) }
    }

    /// Adds or replaces an entry (a later insert of the same number and list wins).
    public func insert(_ entry: BlocklistEntry) throws(BlocklistError) {
        try writer.withLock { state throws(BlocklistError) in
            let id = try tags.register(entry.source)
            var set = tables
            insertLocked(RawEntry(number: entry.number, isPrefix: entry.isPrefix, side: entry.side, kind: entry.kind,
                                  sourceID: id, expiryMs: entry.expiresAt.map(EntryWord.expiryMilliseconds) ?? 0),
                         &state, &set)
        }
    }

    /// Adds or replaces many entries under one acquisition of the writer lock.
    /// Slots are prefetched a few entries ahead, so that loading a table far larger than
    /// the cache overlaps its cache misses instead of paying them one by one.
    public func insert(contentsOf entries: UnsafeBufferPointer<RawEntry>) {
        let ahead = 12
        writer.withLock { state in
            var set = tables
            for i in entries.indices {
                if i + ahead < entries.count {
                    let e = entries[i + ahead]
                    let a = set.array(TableSet.index(e.side, prefix: e.isPrefix))
                    callguard_prefetch_write(a.words + 2 * a.home(e.number.key))
                }
                insertLocked(entries[i], &state, &set)
            }
        }
    }

    /// Removes an entry; false when there was none.
    @discardableResult
    public func remove(_ number: PhoneNumber, isPrefix: Bool = false, from side: ListSide = .block) -> Bool {
        writer.withLock { state in
            let t = TableSet.index(side, prefix: isPrefix)
            let array = tables.array(t)
            guard let (i, found) = array.slot(for: number.key), found, array.word(at: i) != 0 else { return false }
            changing { array.setWord(i, 0) }
            state.live[t] -= 1
            liveCount.wrappingSubtract(1, ordering: .relaxed)
            return true
        }
    }

    /// Makes room for `count` more exact entries on `side` at once (bulk loads).
    public func reserve(exact count: Int, side: ListSide = .block) {
        writer.withLock { state in
            let t = TableSet.index(side, prefix: false)
            let need = state.used[t] + count
            if need * 4 > tables.array(t).capacity * 3 { rebuild(t, capacity: need * 4 / 3 + 1, &state) }
        }
    }

    /// Removes the entries whose expiry has passed at `time`; returns how many. Returns
    /// at once, without locking, when nothing is due.
    @discardableResult
    public func purgeExpired(at time: Int64) -> Int {
        let nowMs = EntryWord.nowMilliseconds(time)
        guard nowMs >= nextExpiry.load(ordering: .relaxed) else { return 0 }
        return writer.withLock { state in
            var removed = 0
            while let item = state.expiries.popDue(nowMs) {
                let array = tables.array(item.table)
                guard let (i, found) = array.slot(for: item.key), found else { continue }
                let w = array.word(at: i)
                guard w != 0, EntryWord.expiry(w) == item.expiryMs else { continue }  // stale item
                changing { array.setWord(i, 0) }
                state.live[item.table] -= 1
                removed += 1
            }
            liveCount.wrappingSubtract(removed, ordering: .relaxed)
            nextExpiry.store(state.expiries.next ?? .max, ordering: .relaxed)
            return removed
        }
    }

    /// The current tables; writers only (under the lock) or for the snapshot writer.
    private var tables: TableSet {
        Unmanaged<TableSet>.fromOpaque(UnsafeRawPointer(bitPattern: current.load(ordering: .acquiring))!)
            .takeUnretainedValue()
    }

    /// `set` is the current table set, refreshed here when an array is rebuilt.
    @inline(__always)
    private func insertLocked(_ e: RawEntry, _ state: inout WriterState, _ set: inout TableSet) {
        let t = TableSet.index(e.side, prefix: e.isPrefix)
        if (state.used[t] + 1) * 100 > set.array(t).capacity * 85 {
            rebuild(t, capacity: max(16, (state.live[t] + 1) * 5 / 3 + 1), &state)
            set = tables
        }
        let array = set.array(t)
        let word = EntryWord.pack(kind: e.kind, sourceID: e.sourceID, expiryMilliseconds: e.expiryMs)
        let key = e.number.key
        guard let (i, found) = array.slot(for: key) else { preconditionFailure("slot array full after rebuild") }
        if found && array.word(at: i) == 0 || !found {
            state.live[t] += 1
            liveCount.wrappingAdd(1, ordering: .relaxed)
        }
        if !found { state.used[t] += 1 }
        let prefixes = set
        changing {
            if e.isPrefix { prefixes.addPrefixLength(e.side, e.number.digitCount) }
            if found { array.setWord(i, word) } else { array.claim(i, key: key, word: word) }
        }
        if e.expiryMs != 0 {
            state.expiries.push(.init(expiryMs: e.expiryMs, key: key, table: t))
            if e.expiryMs < nextExpiry.load(ordering: .relaxed) { nextExpiry.store(e.expiryMs, ordering: .relaxed) }
            // Each live entry has at most one current item: past twice the live entries (and
            // some slack) the rest are stale. Dropping them then costs O(1) per insert over time
            // and bounds the queue by the list, whatever the pattern of re-adds.
            if state.expiries.count > 2 * state.live.reduce(0, +) + Self.expirySlack {
                let set = tables
                state.expiries.compact { item in
                    let array = set.array(item.table)
                    guard let (i, found) = array.slot(for: item.key), found else { return false }
                    let w = array.word(at: i)
                    return w != 0 && EntryWord.expiry(w) == item.expiryMs
                }
                nextExpiry.store(state.expiries.next ?? .max, ordering: .relaxed)
            }
        }
    }

    /// Stale expiry items tolerated beyond twice the live entries before the queue is compacted.
    public static let expirySlack = 1024

    /// Copies array `t`'s live entries into a new array of `capacity` slots, publishes a
    /// new table set and frees the old one after a grace period.
    private func rebuild(_ t: Int, capacity: Int, _ state: inout WriterState) {
        let old = tables
        let source = old.array(t)
        let capacity = SlotArray.capacity(atLeast: capacity)
        let memory = SlotMemory(zeroedBytes: SlotArray.bytes(capacity: capacity))
        let fresh = SlotArray(words: memory.base, capacity: capacity)
        var live = 0
        var lengths: UInt32 = 0
        for i in 0..<source.capacity {
            let w = source.word(at: i)
            guard w != 0 else { continue }
            let key = source.key(at: i)
            let (j, _) = fresh.slot(for: key)!
            fresh.claim(j, key: key, word: w)
            live += 1
            lengths |= 1 << UInt32(key & 15)
        }
        var arrays = old.arrays
        var memories = old.memory
        arrays[t] = fresh
        memories[t] = memory
        var masks = (old.prefixLengths(.block), old.prefixLengths(.allow))
        if t == 1 { masks.0 = lengths }
        if t == 3 { masks.1 = lengths }
        let next = TableSet(arrays: arrays, memory: memories, masks: masks)
        state.used[t] = live
        state.live[t] = live
        state.rebuilds += 1
        let oldBits = current.exchange(UInt(bitPattern: Unmanaged.passRetained(next).toOpaque()),
                                       ordering: .sequentiallyConsistent)
        gate.synchronize()
        Unmanaged<TableSet>.fromOpaque(UnsafeRawPointer(bitPattern: oldBits)!).release()
    }

    // MARK: inspection

    /// Calls `body` for every live entry (writer lock held; for snapshots, stats, tests).
    public func forEachEntry(_ body: (NumberMatch) throws -> Void) rethrows {
        try writer.withLock { _ in
            let set = tables
            for t in 0..<TableSet.count {
                let a = set.array(t)
                for i in 0..<a.capacity {
                    let w = a.word(at: i)
                    guard w != 0, let n = PhoneNumber(value: a.key(at: i) >> 4, digitCount: Int(a.key(at: i) & 15)) else { continue }
                    try body(NumberMatch(entry: n, isPrefix: t & 1 == 1, side: t >= 2 ? .allow : .block,
                                         kind: EntryWord.kind(w) ?? .reported, sourceID: EntryWord.sourceID(w),
                                         expiresAtMilliseconds: EntryWord.expiry(w)))
                }
            }
        }
    }

    /// Sizes of the four arrays.
    public struct TableStatistics: Sendable {
        public var capacity: Int
        public var live: Int
        public var tombstones: Int
        public var bytes: Int { SlotArray.bytes(capacity: capacity) }
    }

    /// Block exact, block prefix, allow exact, allow prefix; and how often arrays were rebuilt.
    public func tableStatistics() -> (tables: [TableStatistics], rebuilds: Int, pendingExpiries: Int) {
        writer.withLock { state in
            let set = tables
            let stats = (0..<TableSet.count).map {
                TableStatistics(capacity: set.array($0).capacity, live: state.live[$0], tombstones: state.used[$0] - state.live[$0])
            }
            return (stats, state.rebuilds, state.expiries.count)
        }
    }

    /// Checks the structure a lock-free reader relies on; returns what is wrong (empty
    /// when sound): every key reachable from its home slot without crossing an empty
    /// slot, no key twice, counts and prefix-length masks consistent with the slots.
    public func verifyInvariants() -> [String] {
        writer.withLock { state in
            var problems: [String] = []
            let set = tables
            for t in 0..<TableSet.count {
                let a = set.array(t)
                var live = 0, used = 0
                var seen = Set<UInt64>()
                var lengths: UInt32 = 0
                for i in 0..<a.capacity {
                    let k = a.key(at: i)
                    if k == 0 { if a.word(at: i) != 0 { problems.append("table \(t) slot \(i): entry without key") }; continue }
                    used += 1
                    if a.word(at: i) != 0 { live += 1; lengths |= 1 << UInt32(k & 15) }
                    if !seen.insert(k).inserted { problems.append("table \(t): key \(k) twice") }
                    var j = a.home(k)
                    while j != i {
                        if a.key(at: j) == 0 { problems.append("table \(t): key \(k) unreachable (empty slot \(j) before \(i))"); break }
                        j = j + 1 == a.capacity ? 0 : j + 1
                    }
                }
                if live != state.live[t] { problems.append("table \(t): \(live) live entries, counted \(state.live[t])") }
                if used != state.used[t] { problems.append("table \(t): \(used) keys, counted \(state.used[t])") }
                if t & 1 == 1 {
                    let mask = set.prefixLengths(t == 1 ? .block : .allow)
                    if lengths & ~mask != 0 { problems.append("table \(t): prefix lengths \(lengths) not all in mask \(mask)") }
                }
            }
            if liveCount.load(ordering: .relaxed) != state.live.reduce(0, +) {
                problems.append("entry count \(liveCount.load(ordering: .relaxed)) differs from tables \(state.live.reduce(0, +))")
            }
            return problems
        }
    }

    /// Runs `body` with the writer lock held and the current arrays (snapshot writer).
    func withFrozenTables<R>(_ body: (TableSet, WriterState, [String]) throws -> R) rethrows -> R {
        try writer.withLock { state in try body(tables, state, tags.all) }
    }
}
