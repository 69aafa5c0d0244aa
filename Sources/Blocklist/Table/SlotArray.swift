import Synchronization

/// An open-addressing hash table of fixed capacity whose slots are two atomic words,
/// key then entry word (16 bytes). Keys are `PhoneNumber.key`, never 0; 0 marks an
/// empty slot.
///
/// The rules that make lock-free reading safe:
/// - a slot's key is written once (entry word first, then the key with release order)
///   and never changes for the life of the array, so a reader that finds a key is
///   looking at that key's slot;
/// - removal stores 0 into the entry word and leaves the key as a tombstone, so no
///   probe chain is ever cut short; tombstones go when the writer rebuilds the table;
/// - every change of an entry is one atomic store of its word, so a reader sees the
///   entry before or after a change, never a mix.
/// A lookup probes linearly from the key's home slot, at most `capacity` slots: it is
/// wait-free and allocates nothing. Home slots are the first of a 64-byte group of four
/// (the capacity is a multiple of four and the array is page-aligned), so a lookup
/// usually reads a single cache line. Only one writer at a time may call the mutating
/// methods (the owner serialises writers).
struct SlotArray: @unchecked Sendable {
    let words: UnsafeMutablePointer<Atomic<UInt64>>
    let capacity: Int

    /// Bytes needed for `capacity` slots.
    static func bytes(capacity: Int) -> Int { capacity * 16 }

    /// Slots in a cache line; capacities are multiples of it.
    static let group = 4

    /// `n` rounded up to whole groups.
    static func capacity(atLeast n: Int) -> Int { max(group, (n + group - 1) / group * group) }

    init(words: UnsafeMutableRawPointer, capacity: Int) {
        precondition(capacity % SlotArray.group == 0)
        self.words = words.bindMemory(to: Atomic<UInt64>.self, capacity: capacity * 2)
        self.capacity = capacity
    }

    /// Spreads phone-number keys, which come in dense runs (number blocks), over the table.
    @inline(__always)
    static func mix(_ key: UInt64) -> UInt64 {
        var h = key
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// The key's home slot: the first slot of the group the mixed key scales to (no
    /// power of two needed).
    @inline(__always)
    func home(_ key: UInt64) -> Int { home(hash: SlotArray.mix(key)) }

    @inline(__always)
    func home(hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(capacity / SlotArray.group)).high) &* SlotArray.group
    }

    /// The entry word stored for `key`, or 0 when the key has no entry. Wait-free.
    @inline(__always)
    func find(_ key: UInt64) -> UInt64 { find(key, hash: SlotArray.mix(key)) }

    /// `find` with the key's `mix` already computed (one number is looked up in two lists).
    @inline(__always)
    func find(_ key: UInt64, hash: UInt64) -> UInt64 {
        var i = home(hash: hash)
        var left = capacity
        while left > 0 {
            let k = words[2 &* i].load(ordering: .acquiring)
            if k == key { return words[2 &* i &+ 1].load(ordering: .acquiring) }
            if k == 0 { return 0 }
            i &+= 1
            if i == capacity { i = 0 }
            left &-= 1
        }
        return 0
    }

    // MARK: writer side (one writer at a time)

    @inline(__always) func key(at i: Int) -> UInt64 { words[2 * i].load(ordering: .relaxed) }
    @inline(__always) func word(at i: Int) -> UInt64 { words[2 * i + 1].load(ordering: .relaxed) }

    /// The slot holding `key`, or the empty slot where it would go (`found == false`);
    /// nil only when the table is completely full.
    func slot(for key: UInt64) -> (index: Int, found: Bool)? {
        var i = home(key)
        for _ in 0..<capacity {
            let k = words[2 * i].load(ordering: .relaxed)
            if k == key { return (i, true) }
            if k == 0 { return (i, false) }
            i += 1
            if i == capacity { i = 0 }
        }
        return nil
    }

    /// Publishes a new key in an empty slot: the word first, then the key (release), so a
    /// reader that sees the key sees its word.
    @inline(__always)
    func claim(_ i: Int, key: UInt64, word: UInt64) {
        words[2 * i + 1].store(word, ordering: .relaxed)
        words[2 * i].store(key, ordering: .releasing)
    }

    /// Changes the entry of an existing key in one atomic store (0 removes it).
    @inline(__always)
    func setWord(_ i: Int, _ word: UInt64) {
        words[2 * i + 1].store(word, ordering: .releasing)
    }
}
