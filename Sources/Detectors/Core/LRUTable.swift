/// A bounded map from 64-bit keys to values that evicts the least recently used entry
/// when full. Storage grows by doubling up to `capacity` and never beyond, so a short
/// trace touches only the memory it needs (pre-sizing a 200,000-entry hash index made
/// a 5,000-packet replay twice as slow from page faults alone); once full, lookups and
/// inserts allocate nothing. Detectors keep their per-caller, per-source and per-cell
/// state here, so memory stays bounded on any input.
public struct LRUTable<Value> {
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
}
