import StateCoding

/// A bounded map from 64-bit keys to values that evicts the least recently used entry
/// when full. Storage grows by doubling up to `capacity` and never beyond, so a short
/// trace touches only the memory it needs (pre-sizing a 200,000-entry hash index made
/// a 5,000-packet replay twice as slow from page faults alone); once full, lookups and
/// inserts allocate nothing. Detectors keep their per-caller, per-source and per-cell
/// state here, so memory stays bounded on any input.
public struct LRUTable<Value: BitwiseCopyable> {
    public let capacity: Int
    private var keys: [UInt64]
    private var values: [Value]
    private var prev: [Int32]
    private var next: [Int32]
    private var index: [UInt64: Int32]
    private var head: Int32 = -1   // most recent
    private var tail: Int32 = -1   // least recent
    private let empty: Value
    public private(set) var evictions = 0

    public init(capacity: Int, empty: Value) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.empty = empty
        keys = []
        values = []
        prev = []
        next = []
        index = [:]
    }

    public var count: Int { index.count }

    /// Allocates storage for `capacity` entries now, so the table never grows again: a
    /// server pays its memory up front (as address space; pages are touched as entries
    /// come) instead of stalling while a dictionary of 10^5 entries doubles and
    /// rehashes under load. Replays keep growing on demand (see above).
    public mutating func reserveCapacity() {
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
        prev.reserveCapacity(capacity)
        next.reserveCapacity(capacity)
        index.reserveCapacity(capacity)
    }

    /// The slot of `key`, created (with the empty value) if absent; marks it most recent.
    /// `isNew` says whether it was created.
    @inline(__always)
    public mutating func slot(_ key: UInt64) -> (slot: Int, isNew: Bool) {
        if let s = index[key] {
            touch(s)
            return (Int(s), false)
        }
        let s: Int32
        if keys.count < capacity {
            s = Int32(keys.count)
            keys.append(key)
            values.append(empty)
            prev.append(-1)
            next.append(-1)
        } else {
            s = tail
            unlink(s)
            index.removeValue(forKey: keys[Int(s)])
            keys[Int(s)] = key
            values[Int(s)] = empty
            evictions += 1
        }
        index[key] = s
        pushFront(s)
        return (Int(s), true)
    }

    /// The slot of `key` if present, without creating or touching it.
    public func find(_ key: UInt64) -> Int? { index[key].map(Int.init) }

    public subscript(slot: Int) -> Value {
        get { values[slot] }
        _modify { yield &values[slot] }
    }

    /// Resets `key`'s value to empty (the entry stays).
    public mutating func reset(_ key: UInt64) {
        if let s = index[key] { values[Int(s)] = empty }
    }

    private mutating func touch(_ s: Int32) {
        guard head != s else { return }
        unlink(s)
        pushFront(s)
    }

    private mutating func unlink(_ s: Int32) {
        let p = prev[Int(s)], n = next[Int(s)]
        if p >= 0 { next[Int(p)] = n } else { head = n }
        if n >= 0 { prev[Int(n)] = p } else { tail = p }
        prev[Int(s)] = -1
        next[Int(s)] = -1
    }

    private mutating func pushFront(_ s: Int32) {
        next[Int(s)] = head
        prev[Int(s)] = -1
        if head >= 0 { prev[Int(head)] = s }
        head = s
        if tail < 0 { tail = s }
    }

    // MARK: state files

    /// Writes the whole table: keys, values, the recency list and the eviction count.
    public func save(_ w: inout StateWriter) {
        w.tag("lru")
        w.int(capacity)
        w.plain(keys)
        w.plain(values)
        w.plain(prev)
        w.plain(next)
        w.i64(Int64(head))
        w.i64(Int64(tail))
        w.int(evictions)
    }

    /// Restores what `save` wrote into an empty table of the same capacity, checking
    /// every link so a damaged file cannot leave a broken list behind.
    public mutating func load(_ r: inout StateReader) throws(StateError) {
        try r.expect("lru")
        let cap = try r.int()
        guard cap == capacity else { throw StateError("a detector table has capacity \(cap) in the file, \(capacity) in the rule set") }
        let k = try r.plain(UInt64.self, limit: capacity)
        let v = try r.plain(Value.self, limit: capacity)
        let p = try r.plain(Int32.self, limit: capacity)
        let n = try r.plain(Int32.self, limit: capacity)
        let h = try r.i64(), t = try r.i64()
        let ev = try r.int()
        let count = k.count
        guard v.count == count, p.count == count, n.count == count, (-1..<Int64(count)).contains(h), (-1..<Int64(count)).contains(t),
              (count == 0) == (h < 0), p.allSatisfy({ $0 >= -1 && Int($0) < count }), n.allSatisfy({ $0 >= -1 && Int($0) < count }),
              ev >= 0 else {
            throw StateError("a detector table's recency list is damaged")
        }
        var idx: [UInt64: Int32] = [:]
        idx.reserveCapacity(count)
        for (i, key) in k.enumerated() {
            guard idx.updateValue(Int32(i), forKey: key) == nil else { throw StateError("a detector table holds a key twice") }
        }
        keys = k
        values = v
        prev = p
        next = n
        index = idx
        head = Int32(h)
        tail = Int32(t)
        evictions = ev
    }
}
