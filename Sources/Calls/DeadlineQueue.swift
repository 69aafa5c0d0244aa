import Wire

/// A binary min-heap of (deadline, slot, generation): the call table's timer wheel.
/// Entries are never removed early; an entry whose generation no longer matches its
/// slot is stale and skipped when it surfaces.
struct DeadlineQueue {
    struct Entry {
        var deadline: Nanoseconds
        var slot: Int32
        var generation: UInt32
    }

    private(set) var heap: [Entry] = []

    var count: Int { heap.count }
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
            var i = 0
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
        return first
    }

    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }
}
