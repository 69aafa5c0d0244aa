import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Grace periods for freeing tables that readers may still be probing: a small
/// read-copy-update scheme that never makes a reader wait.
///
/// A reader increments one of 64 striped counters (picked by its thread, each on its
/// own cache line so readers on different cores do not share a line) for the current
/// parity before it loads the table pointer, and decrements it when done. A writer
/// that has swapped the table pointer flips the parity and waits until every counter of
/// the old parity has drained; afterwards no reader can hold the old table, because
/// any reader that incremented after the writer saw its counter at zero loads the
/// pointer after the swap (all of these operations are sequentially consistent). New
/// readers go to the other parity, so a steady stream of readers cannot starve the
/// writer. Readers do two uncontended atomic additions per lookup; only writers wait.
final class ReaderGate: @unchecked Sendable {
    private static let stripes = 64
    /// 128 bytes between counters: a cache line plus the adjacent-line prefetcher.
    private static let spacing = 16
    private let parity = Atomic<Int>(0)
    private let counters: UnsafeMutablePointer<Atomic<Int>>
    private let count = 2 * ReaderGate.stripes * ReaderGate.spacing

    init() {
        counters = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: count)
        for i in 0..<count { (counters + i).initialize(to: Atomic(0)) }
    }

    deinit {
        counters.deinitialize(count: count)
        counters.deallocate()
    }

    /// Marks the calling thread as reading; returns the token to pass to `exit`.
    @inline(__always)
    func enter() -> Int {
        let stripe = Int(truncatingIfNeeded: (UInt(bitPattern: Int(bitPattern: UInt(pthread_self()))) &* 0x9E37_79B9_7F4A_7C15) >> 58)
        let p = parity.load(ordering: .sequentiallyConsistent)
        let slot = (p &* ReaderGate.stripes &+ stripe) &* ReaderGate.spacing
        counters[slot].wrappingAdd(1, ordering: .sequentiallyConsistent)
        return slot
    }

    @inline(__always)
    func exit(_ token: Int) {
        counters[token].wrappingSubtract(1, ordering: .releasing)
    }

    /// Waits until every reader that might have seen the previous table pointer is done.
    /// Writers only, one at a time, after publishing the new pointer.
    func synchronize() {
        let old = parity.load(ordering: .sequentiallyConsistent)
        parity.store(1 - old, ordering: .sequentiallyConsistent)
        for s in 0..<ReaderGate.stripes {
            let slot = (old * ReaderGate.stripes + s) * ReaderGate.spacing
            var spins = 0
            while counters[slot].load(ordering: .sequentiallyConsistent) != 0 {
                spins += 1
                if spins > 64 { sched_yield() }
            }
        }
    }
}
