import CBits
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Grace periods for freeing tables that readers may still be probing: a small
/// user-space read-copy-update scheme, after liburcu's membarrier flavour, in which a
/// reader never waits and executes no fence and no atomic read-modify-write.
///
/// Each reader thread owns a record (claimed on its first lookup, kept in a
/// thread-local pointer, released when the thread exits), alone on its cache line.
/// To read, a thread stores the current epoch into its record, loads the table
/// pointer, probes, and stores 0. A writer that has swapped the table pointer bumps the
/// epoch and issues `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)`, which runs a full
/// memory barrier on every thread of the process: afterwards every reader either has
/// its record's store visible (and the writer waits until that record changes, i.e.
/// the reader left) or will load the table pointer after the barrier and see the new
/// table. Then the old table can go. Only writers wait, and only for lookups that were
/// in flight.
///
/// Where membarrier is unavailable, readers pay a sequentially consistent fence after
/// storing their epoch instead, and the writer a fence in place of the barrier: the two
/// fences order the reader's record store before its pointer load and the writer's
/// pointer store before its record scan, so one of them sees the other (store-buffering
/// excluded). The environment variable `CALLGUARD_BLOCKLIST_FENCES=1` forces this path
/// (tests run the stress suites on it). Should the kernel refuse the barrier later (a
/// seccomp filter installed after start, a checkpoint and restore onto another kernel),
/// the gate switches to fences for good; that grace period then waits for every reader
/// inside, whatever its epoch (what it cannot wait for is a reader whose record store is
/// still in its core's store buffer at that moment: the residual risk of a kernel that
/// withdraws the barrier, for the one table freed then).
///
/// Past 512 reader threads, a thread that finds every record taken stays off the records
/// for its life (it does not scan them again on every lookup) and counts itself into one
/// of two shared counters, chosen by a phase bit, with a read-modify-write and a fence
/// (see `enterShared`); a writer flips the phase and waits for the old counter to drain,
/// twice. New readers always enter the counter the writer is not waiting on, so a
/// stream of overlapping lookups cannot starve the writer (one counter would never drain
/// under it).
final class ReaderGate: @unchecked Sendable {
    static let shared = ReaderGate()

    private static let capacity = 512
    /// 128 bytes between records: a cache line plus the adjacent-line prefetcher.
    private static let spacing = 16
    /// Word 0 of a record: the epoch its thread entered in, 0 when outside.
    /// Word 1: 1 while a thread owns the record.
    private let records: UnsafeMutablePointer<Atomic<UInt64>>
    private let epoch = Atomic<UInt64>(1)
    /// Readers past the records, by phase (see `enterShared`), and the phase bit.
    private let shared0 = Atomic<Int>(0), shared1 = Atomic<Int>(0)
    private let phase = Atomic<UInt64>(0)
    /// The thread-local record value of a thread that found no record free.
    private static let sharedMarkerBits: UInt = 1
    private static var sharedMarker: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: sharedMarkerBits).unsafelyUnwrapped }
    /// Whether readers fence and writers fence instead of calling membarrier.
    private let fences: Atomic<Bool>
    private var releaseKey = pthread_key_t()

    /// Whether the gate runs on fences (membarrier unavailable, refused, or switched off).
    var usesFences: Bool { fences.load(ordering: .relaxed) }

    private init() {
        let words = ReaderGate.capacity * ReaderGate.spacing
        records = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: words)
        for i in 0..<words { (records + i).initialize(to: Atomic(0)) }
        // MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED (16), then PRIVATE_EXPEDITED (8) works.
        let expedited = callguard_membarrier(16, 0) == 0 && callguard_membarrier(8, 0) == 0
        let forced = getenv("CALLGUARD_BLOCKLIST_FENCES").map { String(cString: $0) == "1" } ?? false
        fences = Atomic(!expedited || forced)
        // When a thread exits, its record goes back to the pool.
        pthread_key_create(&releaseKey) { record in
            guard let r = record?.assumingMemoryBound(to: Atomic<UInt64>.self) else { return }
            r[0].store(0, ordering: .releasing)
            r[1].store(0, ordering: .releasing)
        }
    }

    /// What `exit` takes: the thread's record, or which shared counter it entered.
    enum Token {
        case record(UnsafeMutablePointer<Atomic<UInt64>>)
        case shared(UInt64)
    }

    /// Marks the calling thread as reading. Must be paired with `exit`, no nesting.
    @inline(__always)
    func enter() -> Token {
        let raw = callguard_get_reader_record() ?? claim()
        guard raw != Self.sharedMarker else { return enterShared() }
        let record = raw.assumingMemoryBound(to: Atomic<UInt64>.self)
        // The epoch is loaded with acquire: the table pointer, loaded after `enter` returns,
        // may then not be read before it (ARMv8 reorders two plain loads; x86 does not).
        // A reader that sees the epoch a writer's `synchronize` set (`next`) thereby also
        // sees the pointer the writer published before bumping it, so the writer may skip
        // that record; a reader that sees an older epoch is waited for. With a relaxed
        // load a reader could record `next` yet hold the old pointer, and the old table
        // would be freed under it.
        record[0].store(epoch.load(ordering: .acquiring), ordering: .relaxed)
        if fences.load(ordering: .relaxed) { atomicMemoryFence(ordering: .sequentiallyConsistent) } else { callguard_compiler_barrier() }
        return .record(record)
    }

    /// A reader without a record. It loads the phase p, increments counter p, then fences
    /// (sequentially consistent) before its caller loads the table pointer. The writer,
    /// after publishing the new pointer, twice: flips the phase, fences, and waits until
    /// the counter of the phase before the flip reads 0. Take a reader that increments
    /// counter c. If its increment comes before the writer's check of counter c (in the
    /// order the two fences put them in), the writer waits for it to leave. If after, its
    /// fence follows the writer's fence, which follows the pointer store: the reader
    /// loads the new pointer and holds nothing being freed. The two rounds check counter
    /// 0 and counter 1 once each, so every reader falls under one of the two cases,
    /// whichever phase it read (even one that read it before both flips). Each wait is
    /// only for readers already inside: new ones enter the other counter.
    private func enterShared() -> Token {
        let p = phase.load(ordering: .sequentiallyConsistent) & 1
        if p == 0 { shared0.wrappingAdd(1, ordering: .sequentiallyConsistent) } else { shared1.wrappingAdd(1, ordering: .sequentiallyConsistent) }
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        return .shared(p)
    }

    @inline(__always)
    func exit(_ token: Token) {
        switch token {
        case .record(let record): record[0].store(0, ordering: .releasing)
        case .shared(0): shared0.wrappingSubtract(1, ordering: .releasing)
        case .shared: shared1.wrappingSubtract(1, ordering: .releasing)
        }
    }

    /// Whether the calling thread reads through the shared counters (for tests).
    static var callingThreadIsShared: Bool { callguard_get_reader_record() == sharedMarker }

    /// Gives the calling thread a record of its own; when all are taken, marks the thread
    /// as one that reads through the shared counters from now on (so it does not scan
    /// the 512 records with compare-and-swap again on every lookup).
    private func claim() -> UnsafeMutableRawPointer {
        for i in 0..<ReaderGate.capacity {
            let record = records + i * ReaderGate.spacing
            if record[1].compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged {
                let raw = UnsafeMutableRawPointer(record)
                callguard_set_reader_record(raw)
                pthread_setspecific(releaseKey, raw)
                return raw
            }
        }
        callguard_set_reader_record(Self.sharedMarker)
        return Self.sharedMarker
    }

    /// Waits until every reader that might have seen the previous table pointer is done.
    /// Writers only, after publishing the new pointer.
    func synchronize() {
        let next = epoch.add(1, ordering: .sequentiallyConsistent).newValue
        var refused = false
        if !fences.load(ordering: .relaxed) && callguard_membarrier(8, 0) != 0 {
            // The kernel accepted the barrier at start and refuses it now: fences from here on.
            // Readers that entered without a fence may have recorded the new epoch before
            // their store was ordered, so this once every reader inside is waited for.
            fences.store(true, ordering: .sequentiallyConsistent)
            refused = true
        }
        if fences.load(ordering: .relaxed) { atomicMemoryFence(ordering: .sequentiallyConsistent) }
        for i in 0..<ReaderGate.capacity {
            let record = records + i * ReaderGate.spacing
            let seen = record[0].load(ordering: .acquiring)
            guard seen != 0 && (seen < next || refused) else { continue }
            var spins = 0
            while record[0].load(ordering: .acquiring) == seen {
                spins += 1
                if spins > 64 { sched_yield() }
            }
        }
        for _ in 0..<2 {
            let before = phase.wrappingAdd(1, ordering: .sequentiallyConsistent).oldValue & 1
            atomicMemoryFence(ordering: .sequentiallyConsistent)
            while (before == 0 ? shared0.load(ordering: .acquiring) : shared1.load(ordering: .acquiring)) != 0 { sched_yield() }
        }
    }
}
