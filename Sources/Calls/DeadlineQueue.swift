import Wire

/// A binary min-heap of (deadline, slot, generation): the call table's timer wheel.
/// Entries are not removed when a call is rescheduled (an answered call's holding limit,
/// hours away, is superseded by its linger when the BYE comes); an entry whose generation
/// or deadline no longer matches its slot is stale and skipped when it surfaces. The
/// owner drops stale entries in bulk with `retain(where:)` once they outnumber the live
/// ones, so the heap stays proportional to the calls in the table, not to the calls seen
/// within the longest deadline.
struct DeadlineQueue {
    struct Entry {
        var deadline: Nanoseconds
        var slot: Int32
        var generation: UInt32
    }

    private(set) var heap: [Entry] = []

    var count: Int { heap.count }

    mutating func reserveCapacity(_ n: Int) { heap.reserveCapacity(n) }
    var top: Entry? { heap.first }

    mutating func push(_ e: Entry) {
        heap.append(e)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].deadline < heap[parent].deadline else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return first
    }

    /// Keeps only the entries `keep` accepts and restores the heap order bottom-up
    /// (Floyd): O(n), so done once per n stale pushes it costs O(1) per push.
    mutating func retain(where keep: (Entry) -> Bool) {
        heap.removeAll { !keep($0) }
        var i = heap.count / 2
        while i > 0 {
            i -= 1
            siftDown(i)
        }
    }

    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && heap[l].deadline < heap[m].deadline { m = l }
            if r < heap.count && heap[r].deadline < heap[m].deadline { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
    }
}
