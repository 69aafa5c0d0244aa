import Numbering

/// What a number set says about a number: which entry matched and how.
public struct NumberMatch: Sendable, Equatable {
    public var entry: PhoneNumber
    /// The entry is a prefix (`+86170*`) rather than an exact number.
    public var isPrefix: Bool
    /// The entry's kind (`reported`, `range`, ...), when the list gave one.
    public var kind: String

    public init(entry: PhoneNumber, isPrefix: Bool, kind: String) {
        self.entry = entry
        self.isPrefix = isPrefix
        self.kind = kind
    }

    /// `+8613812345678` or `+86170*`.
    public var entryText: String { isPrefix ? "\(entry)*" : entry.description }
}

/// A set of numbers and prefixes consulted at call setup. The screening step depends
/// on this protocol only, so the lock-free blocklist can replace the static one.
public protocol NumberMatcher: AnyObject, Sendable {
    /// The most specific entry matching `number` (exact first, then longest prefix).
    func match(_ number: PhoneNumber) -> NumberMatch?
    var entryCount: Int { get }
}
