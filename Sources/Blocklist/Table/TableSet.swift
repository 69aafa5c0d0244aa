import Numbering
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The four slot arrays a blocklist consists of at one moment: exact numbers and
/// prefixes, for the blocklist and the allowlist, with a bit mask per list of the
/// prefix lengths present. Readers reach it through one atomic pointer; a writer that
/// outgrows an array builds a new set around a new array and swaps the pointer.
final class TableSet: @unchecked Sendable {
    static let count = 4
    let blockExact: SlotArray
    let blockPrefix: SlotArray
    let allowExact: SlotArray
    let allowPrefix: SlotArray
    /// Bit n set when the list may hold a prefix of n digits (set before the prefix is
    /// inserted, recomputed on rebuild).
    let blockPrefixLengths: Atomic<UInt32>
    let allowPrefixLengths: Atomic<UInt32>
    /// The pages behind each array (one snapshot mapping may back all four).
    let memory: [SlotMemory]

    init(arrays: [SlotArray], memory: [SlotMemory], masks: (UInt32, UInt32)) {
        precondition(arrays.count == TableSet.count && memory.count == TableSet.count)
        blockExact = arrays[0]
        blockPrefix = arrays[1]
        allowExact = arrays[2]
        allowPrefix = arrays[3]
        blockPrefixLengths = Atomic(masks.0)
        allowPrefixLengths = Atomic(masks.1)
        self.memory = memory
    }

    /// Table index: 0 block exact, 1 block prefix, 2 allow exact, 3 allow prefix.
    @inline(__always)
    static func index(_ side: ListSide, prefix: Bool) -> Int { side.rawValue * 2 + (prefix ? 1 : 0) }

    func array(_ t: Int) -> SlotArray {
        switch t {
        case 0: blockExact
        case 1: blockPrefix
        case 2: allowExact
        default: allowPrefix
        }
    }

    var arrays: [SlotArray] { (0..<TableSet.count).map(array) }

    func prefixLengths(_ side: ListSide) -> UInt32 {
        side == .block ? blockPrefixLengths.load(ordering: .acquiring) : allowPrefixLengths.load(ordering: .acquiring)
    }

    func addPrefixLength(_ side: ListSide, _ digits: UInt8) {
        if side == .block {
            blockPrefixLengths.bitwiseOr(1 << UInt32(digits), ordering: .releasing)
        } else {
            allowPrefixLengths.bitwiseOr(1 << UInt32(digits), ordering: .releasing)
        }
    }

    #if DEBUG
    /// Tests only (debug builds): when set, a lookup yields its thread between probes, so
    /// that stress tests widen the windows in which a concurrent writer's change lands.
    static let yieldBetweenProbes = Atomic<Bool>(false)

    @inline(__always)
    static func betweenProbes() {
        if yieldBetweenProbes.load(ordering: .relaxed) { sched_yield() }
    }
    #endif

    /// The deciding entry for `number`: any allowlist entry first, then the blocklist;
    /// within a list the exact number, then the longest live prefix.
    @inline(__always)
    func match(_ number: PhoneNumber, nowMs: UInt64) -> NumberMatch? {
        let hash = SlotArray.mix(number.key)
        if let m = TableSet.match(number, hash, nowMs, allowExact, allowPrefix,
                                  allowPrefixLengths.load(ordering: .acquiring), .allow) { return m }
        #if DEBUG
        TableSet.betweenProbes()
        #endif
        return TableSet.match(number, hash, nowMs, blockExact, blockPrefix,
                              blockPrefixLengths.load(ordering: .acquiring), .block)
    }

    @inline(__always)
    private static func match(_ number: PhoneNumber, _ hash: UInt64, _ nowMs: UInt64, _ exact: SlotArray, _ prefix: SlotArray,
                              _ lengths: UInt32, _ side: ListSide) -> NumberMatch? {
        let w = exact.find(number.key, hash: hash)
        if EntryWord.isLive(w, nowMs: nowMs) { return found(number, false, side, w) }
        #if DEBUG
        betweenProbes()
        #endif
        guard lengths != 0 else { return nil }
        var n = Int(number.digitCount)
        while n >= 1 {
            if lengths & (1 << UInt32(n)) != 0 {
                let p = number.prefix(n)
                let pw = prefix.find(p.key)
                if EntryWord.isLive(pw, nowMs: nowMs) { return found(p, true, side, pw) }
            }
            n -= 1
        }
        return nil
    }

    @inline(__always)
    private static func found(_ n: PhoneNumber, _ isPrefix: Bool, _ side: ListSide, _ w: UInt64) -> NumberMatch {
        NumberMatch(entry: n, isPrefix: isPrefix, side: side, kind: EntryWord.kind(w) ?? .reported,
                    sourceID: EntryWord.sourceID(w), expiresAtMilliseconds: EntryWord.expiry(w))
    }
}
