import Numbering

/// An immutable blocklist built once before replay: exact numbers and prefixes in hash
/// sets keyed by `PhoneNumber.key`. A lookup is one probe for the exact number plus one
/// per prefix length present in the list (at most 15), without allocation.
public final class StaticBlocklist: NumberMatcher {
    private let exact: [UInt64: UInt8]
    private let prefixes: [UInt64: UInt8]
    /// Bit n set when some prefix has n digits.
    private let prefixLengths: UInt32
    private let kinds: [String]

    public let entryCount: Int

    /// One list entry.
    public struct Entry: Sendable, Equatable {
        public var number: PhoneNumber
        public var isPrefix: Bool
        public var kind: String

        public init(number: PhoneNumber, isPrefix: Bool, kind: String = "blocklist") {
            self.number = number
            self.isPrefix = isPrefix
            self.kind = kind
        }
    }

    public init(entries: [Entry]) {
        var kinds: [String] = []
        var exact: [UInt64: UInt8] = [:]
        var prefixes: [UInt64: UInt8] = [:]
        var lengths: UInt32 = 0
        for e in entries {
            let k: UInt8
            if let i = kinds.firstIndex(of: e.kind) { k = UInt8(i) } else { kinds.append(e.kind); k = UInt8(kinds.count - 1) }
            if e.isPrefix {
                prefixes[e.number.key] = k
                lengths |= 1 << UInt32(e.number.digitCount)
            } else {
                exact[e.number.key] = k
            }
        }
        self.exact = exact
        self.prefixes = prefixes
        self.prefixLengths = lengths
        self.kinds = kinds
        self.entryCount = exact.count + prefixes.count
    }

    @inline(__always)
    public func match(_ number: PhoneNumber) -> NumberMatch? {
        if let k = exact[number.key] {
            return NumberMatch(entry: number, isPrefix: false, kind: kinds[Int(k)])
        }
        guard prefixLengths != 0 else { return nil }
        var n = Int(number.digitCount)
        while n >= 1 {
            if prefixLengths & (1 << UInt32(n)) != 0 {
                let p = number.prefix(n)
                if let k = prefixes[p.key] { return NumberMatch(entry: p, isPrefix: true, kind: kinds[Int(k)]) }
            }
            n -= 1
        }
        return nil
    }
}
