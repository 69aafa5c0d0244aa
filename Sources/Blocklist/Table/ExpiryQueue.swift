/// The writer's agenda of entries with a TTL: a binary min-heap by expiry, so purging
/// costs only the entries that are due. An item is stale when its entry has since been
/// removed or given another expiry; the purge checks the entry word before removing, and
/// the writer compacts the queue once stale items outnumber the live entries.
struct ExpiryQueue {
    struct Item {
        var expiryMs: UInt64
        var key: UInt64
        /// 0 block exact, 1 block prefix, 2 allow exact, 3 allow prefix.
        var table: Int
    }

    private var heap: [Item] = []

    var count: Int { heap.count }
    var next: UInt64? { heap.first?.expiryMs }

    mutating func push(_ item: Item) {
        heap.append(item)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[parent].expiryMs > heap[i].expiryMs else { break }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    /// Removes and returns the earliest item if it is due at `nowMs`.
    mutating func popDue(_ nowMs: UInt64) -> Item? {
        guard let first = heap.first, first.expiryMs <= nowMs else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return first }
        heap[0] = last
        siftDown(0)
        return first
    }

    /// Moves the item at `i` down until neither child is due earlier.
    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && heap[l].expiryMs < heap[m].expiryMs { m = l }
            if r < heap.count && heap[r].expiryMs < heap[m].expiryMs { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
    }

    mutating func removeAll() { heap.removeAll() }

    /// Keeps only the items `isCurrent` accepts and restores the heap (bottom-up, linear).
    /// Stale items otherwise stay until they fall due: re-adding one number with a TTL a
    /// million times would leave a million items behind.
    mutating func compact(_ isCurrent: (Item) -> Bool) {
        heap.removeAll { !isCurrent($0) }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }
}
