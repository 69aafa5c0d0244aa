import CallEvents
import Synchronization
import Wire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hand-off between the two stages of a two-thread replay (`ReplayEngine.run(_:threads:)`):
/// a single-producer single-consumer ring of items (a packet begins, a call event, a
/// packet ends, the input ends) and a byte arena the events' views are copied into.
///
/// Why copy: a call event's byte views (Call-ID, user parts, device fields) point into the
/// packet or the decoder's reassembly buffers, which the decoding thread reuses for the
/// next packet. The producer copies the viewed bytes (a few hundred for a setup, the
/// Call-ID for the rest) into the arena and rebases the views there; the consumer reads
/// them in place. Slots and arena are allocated once: nothing is allocated per packet.
///
/// Memory ordering (the whole argument; any architecture):
/// 1. The producer writes slots `h..<h'` and their arena bytes with plain stores, then
///    stores `head = h'` with release. The consumer loads `head` with acquire; seeing
///    `h'` it may read those slots and bytes: the release/acquire pair makes every store
///    before the release visible to every load after the acquire.
/// 2. The consumer, done with slots `..<t'` (and the arena bytes up to the end recorded for
///    slot `t' - 1`), stores `tail = t'` with release. The producer loads `tail` with
///    acquire before it reuses any slot below `t' + capacity` or arena byte below that
///    end: the consumer's reads happen before the producer's overwrites (no torn event).
/// 3. Each index has one writer, and both only grow, so a stale value read by the other
///    side is always a safe under-estimate (less published data, less free space).
/// The producer keeps the arena end of every slot in its own array, so it never reads a
/// slot the consumer is reading. `head`, `tail` and each side's private counters live on
/// separate 128-byte lines (no false sharing; 128 covers adjacent-line prefetch).
public final class EventRing: @unchecked Sendable {
    public enum Kind: UInt8 { case packetBegin, event, packetEnd, inputEnd }

    /// One item: `timestamp` is set for `packetBegin`; `event` for `event`; `elapsed`
    /// (nanoseconds the producer had spent on the packet when it pushed the item) for
    /// `event` and `packetEnd`.
    public struct Item {
        public var kind: Kind
        public var timestamp: Int64
        public var elapsed: UInt64
        public var event: CallEvent
    }

    public let capacity: Int
    public let arenaSize: Int
    /// Where the arena wraps for events that fit before it: usual events cycle through
    /// this much (cache-resident) and only an event larger than it uses the rest.
    public let arenaCycle: Int
    private let slots: UnsafeMutablePointer<Item>
    private let arena: UnsafeMutableRawPointer
    /// Four lines of `EventRing.line` bytes, each written by one side only: `head`, `tail`,
    /// the producer's private counters, the consumer's. Apart, so that neither side's
    /// per-item writes take a cache line the other is reading (in one object, `read` and
    /// `written` shared a line and cost a transfer per item each way).
    private let lines: UnsafeMutableRawPointer
    private static let line = 128

    private struct ProducerState {
        var written = 0
        var knownTail = 0
        var arenaHead = 0
    }
    private struct ConsumerState {
        var read = 0
        var knownHead = 0
        var released = 0
    }
    private var producer: UnsafeMutablePointer<ProducerState> {
        (lines + 2 * EventRing.line).assumingMemoryBound(to: ProducerState.self)
    }
    private var consumer: UnsafeMutablePointer<ConsumerState> {
        (lines + 3 * EventRing.line).assumingMemoryBound(to: ConsumerState.self)
    }

    // Producer-private.
    private var written: Int {
        get { producer.pointee.written }
        set { producer.pointee.written = newValue }
    }
    private var knownTail: Int {
        get { producer.pointee.knownTail }
        set { producer.pointee.knownTail = newValue }
    }
    private var arenaHead: Int {
        get { producer.pointee.arenaHead }
        set { producer.pointee.arenaHead = newValue }
    }
    private let arenaEnds: UnsafeMutablePointer<Int>
    // Consumer-private.
    private var read: Int {
        get { consumer.pointee.read }
        set { consumer.pointee.read = newValue }
    }
    private var knownHead: Int {
        get { consumer.pointee.knownHead }
        set { consumer.pointee.knownHead = newValue }
    }
    private var released: Int {
        get { consumer.pointee.released }
        set { consumer.pointee.released = newValue }
    }
    /// Items handed back at once: one store to the shared line per batch, not per item.
    private let releaseBatch: Int

    /// `capacity` items and `arenaSize` bytes of copied views, of which the first
    /// `arenaCycle` are used round and round while events fit. The arena must hold the
    /// largest event twice over (wrap-around wastes up to one event): 12 views of one SIP
    /// message of at most 256 KiB each is 3 MiB, so the default 8 MiB always suffices; the
    /// pages past `arenaCycle` are touched only if such an event comes. The defaults keep
    /// slots (472 bytes each) and the cycled arena within a core's L2 cache: a longer ring
    /// only lets decoding run further ahead, and measured slower (items evicted before
    /// they are read).
    public init(capacity: Int = 512, arenaSize: Int = 8 << 20, arenaCycle: Int = 256 << 10) {
        precondition(capacity > 1 && arenaSize >= 1 << 16 && arenaCycle > 0 && arenaCycle <= arenaSize)
        self.capacity = capacity
        self.arenaSize = arenaSize
        self.arenaCycle = arenaCycle
        releaseBatch = max(capacity / 8, 1)
        slots = UnsafeMutablePointer<Item>.allocate(capacity: capacity)
        let placeholder = Item(kind: .inputEnd, timestamp: 0, elapsed: 0,
                               event: CallEvent(kind: .other, signalling: .sip, context: MessageContext(), key: 0,
                                                callID: UnsafeRawBufferPointer(start: nil, count: 0)))
        slots.initialize(repeating: placeholder, count: capacity)
        arena = UnsafeMutableRawPointer.allocate(byteCount: arenaSize, alignment: 64)
        arenaEnds = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        arenaEnds.initialize(repeating: 0, count: capacity)
        lines = UnsafeMutableRawPointer.allocate(byteCount: 4 * EventRing.line, alignment: EventRing.line)
        lines.bindMemory(to: Atomic<Int>.self, capacity: 1).initialize(to: Atomic(0))
        (lines + EventRing.line).bindMemory(to: Atomic<Int>.self, capacity: 1).initialize(to: Atomic(0))
        (lines + 2 * EventRing.line).bindMemory(to: ProducerState.self, capacity: 1).initialize(to: ProducerState())
        (lines + 3 * EventRing.line).bindMemory(to: ConsumerState.self, capacity: 1).initialize(to: ConsumerState())
    }

    deinit {
        slots.deinitialize(count: capacity)
        slots.deallocate()
        arena.deallocate()
        arenaEnds.deallocate()
        head.deinitialize(count: 1)
        tail.deinitialize(count: 1)
        lines.deallocate()
    }

    private var head: UnsafeMutablePointer<Atomic<Int>> { lines.assumingMemoryBound(to: Atomic<Int>.self) }
    private var tail: UnsafeMutablePointer<Atomic<Int>> { (lines + EventRing.line).assumingMemoryBound(to: Atomic<Int>.self) }

    // MARK: Producer

    /// A packet begins: its trace time.
    @inline(__always)
    public func beginPacket(timestamp: Int64) {
        let slot = reserve(bytes: 0)
        slot.pointee.kind = .packetBegin
        slot.pointee.timestamp = timestamp
        commitSlot()
    }

    /// A call event, its views copied into the arena.
    @inline(__always)
    public func push(_ event: CallEvent, elapsed: UInt64 = 0) {
        let bytes = EventRing.viewBytes(event)
        let slot = reserve(bytes: bytes)
        slot.pointee.kind = .event
        slot.pointee.elapsed = elapsed
        slot.pointee.event = event
        if bytes > 0 {
            var at = arena + (arenaHead % arenaSize)
            EventRing.rebaseViews(&slot.pointee.event) { view in
                guard view.count > 0 else { return view }
                at.copyMemory(from: view.baseAddress!, byteCount: view.count)
                let copy = UnsafeRawBufferPointer(start: at, count: view.count)
                at += view.count
                return copy
            }
            arenaHead += bytes
        }
        commitSlot()
    }

    /// The packet's items are complete: they are published to the consumer.
    @inline(__always)
    public func endPacket(elapsed: UInt64 = 0) {
        let slot = reserve(bytes: 0)
        slot.pointee.kind = .packetEnd
        slot.pointee.elapsed = elapsed
        commitSlot()
        publish()
    }

    /// No more packets; published at once.
    public func endInput() {
        let slot = reserve(bytes: 0)
        slot.pointee.kind = .inputEnd
        commitSlot()
        publish()
    }

    @inline(__always)
    private func publish() {
        head.pointee.store(written, ordering: .releasing)
    }

    @inline(__always)
    private func commitSlot() {
        arenaEnds[written % capacity] = arenaHead
        written += 1
    }

    /// The next slot, once it and `bytes` contiguous arena bytes are free (moving
    /// `arenaHead` past the arena's end when the bytes would not fit before it).
    @inline(__always)
    private func reserve(bytes: Int) -> UnsafeMutablePointer<Item> {
        if bytes > 0 {
            // Wrap to the arena's start when the bytes would cross the cycle's end, or the
            // arena's end. Skipped bytes count as used until the consumer passes them, so
            // the free-space test below holds; and a wrap only ever happens for bytes no
            // more than this lap has written (`bytes <= phys`: an early wrap asks it, a
            // wrap at the arena's end implies it as `bytes <= arenaSize / 2`), so the space
            // the test waits for is always freed once the consumer catches up.
            let phys = arenaHead % arenaSize
            if phys + bytes > arenaCycle && bytes <= phys || phys + bytes > arenaSize { arenaHead += arenaSize - phys }
        }
        if written - knownTail >= capacity || arenaHead + bytes - arenaFreedUpTo > arenaSize {
            waitForSpace(bytes: bytes)
        }
        return slots + (written % capacity)
    }

    /// Where the consumer's last finished slot ended in the arena.
    private var arenaFreedUpTo: Int { knownTail == 0 ? 0 : arenaEnds[(knownTail - 1) % capacity] }

    private func waitForSpace(bytes: Int) {
        precondition(bytes <= arenaSize / 2, "event views larger than half the arena")
        publish()  // the consumer may be waiting for what this packet holds so far
        var spins = 0
        while true {
            knownTail = tail.pointee.load(ordering: .acquiring)
            if written - knownTail < capacity && arenaHead + bytes - arenaFreedUpTo <= arenaSize { return }
            EventRing.pause(&spins)
        }
    }

    // MARK: Consumer

    /// The next item, waiting for the producer when none is published. Taking it declares
    /// every earlier item done with: their slots and arena bytes are handed back in
    /// batches, and always before waiting (the producer may be waiting for them: a packet
    /// may hold more items than the ring).
    @inline(__always)
    public func next() -> UnsafeMutablePointer<Item> {
        if read &- released >= releaseBatch { release() }
        if read == knownHead {
            if released != read { release() }
            var spins = 0
            while true {
                knownHead = head.pointee.load(ordering: .acquiring)
                if read != knownHead { break }
                EventRing.pause(&spins)
            }
        }
        let slot = slots + (read % capacity)
        read += 1
        return slot
    }

    /// Every item taken so far is done with: its slot and arena bytes may be reused.
    @inline(__always)
    private func release() {
        released = read
        tail.pointee.store(read, ordering: .releasing)
    }



    // MARK: Shared

    /// Busy-waits briefly, then yields the core, then sleeps 20 µs at a time: the other
    /// stage is usually microseconds away, but on a loaded machine it may not be running.
    @inline(__always)
    private static func pause(_ spins: inout Int) {
        spins += 1
        if spins < 200 {
            return
        } else if spins < 2000 {
            sched_yield()
        } else {
            var ts = timespec(tv_sec: 0, tv_nsec: 20_000)
            nanosleep(&ts, nil)
        }
    }

    /// Bytes viewed by an event's views (every kind's: adapters fill parties and device
    /// for setups only today, but an event that carried more would still be copied whole).
    @inline(__always)
    static func viewBytes(_ e: CallEvent) -> Int {
        var n = e.callID.count
        n += e.caller.raw.count + e.callee.raw.count + e.redirecting.raw.count + e.originalCalled.raw.count
        n += e.additionalCaller.raw.count
        let d = e.device
        n += d.userAgent.count + d.instance.count + d.accessNetwork.count + d.transaction.count
        n += d.sessionOrigin.count + d.sessionName.count
        return n
    }

    /// Replaces every view of `e` (the same ones `viewBytes` counts) with `move(view)`.
    @inline(__always)
    static func rebaseViews(_ e: inout CallEvent, _ move: (UnsafeRawBufferPointer) -> UnsafeRawBufferPointer) {
        e.callID = move(e.callID)
        e.caller.raw = move(e.caller.raw)
        e.callee.raw = move(e.callee.raw)
        e.redirecting.raw = move(e.redirecting.raw)
        e.originalCalled.raw = move(e.originalCalled.raw)
        e.additionalCaller.raw = move(e.additionalCaller.raw)
        e.device.userAgent = move(e.device.userAgent)
        e.device.instance = move(e.device.instance)
        e.device.accessNetwork = move(e.device.accessNetwork)
        e.device.transaction = move(e.device.transaction)
        e.device.sessionOrigin = move(e.device.sessionOrigin)
        e.device.sessionName = move(e.device.sessionName)
    }
}
