import Numbering

/// One entry of the blocklist or the allowlist, as writers give it.
public struct BlocklistEntry: Sendable, Equatable {
    public var number: PhoneNumber
    /// A prefix (`+86170*`) rather than an exact number.
    public var isPrefix: Bool
    public var side: ListSide
    public var kind: EntryKind
    /// Where the entry came from: a file name, `updates`, a detector id.
    public var source: String
    /// When the entry stops applying, in nanoseconds since the Unix epoch; nil for never.
    public var expiresAt: Int64?

    public init(number: PhoneNumber, isPrefix: Bool = false, side: ListSide = .block,
                kind: EntryKind? = nil, source: String = "", expiresAt: Int64? = nil) {
        self.number = number
        self.isPrefix = isPrefix
        self.side = side
        self.kind = kind ?? (side == .allow ? .allow : isPrefix ? .range : .reported)
        self.source = source
        self.expiresAt = expiresAt
    }

    /// `+8613812345678` or `+86170*`.
    public var entryText: String { isPrefix ? "\(number)*" : number.description }
}

/// What a lookup found: the entry that decides about a number. Plain values only, so a
/// lookup never allocates or touches a reference count.
public struct NumberMatch: Sendable, Equatable {
    public var entry: PhoneNumber
    public var isPrefix: Bool
    public var side: ListSide
    public var kind: EntryKind
    /// Resolve with `LiveBlocklist.sourceName(_:)`.
    public var sourceID: UInt16
    /// Expiry in milliseconds since the Unix epoch; 0 for never.
    public var expiresAtMilliseconds: UInt64

    /// `+8613812345678` or `+86170*`.
    public var entryText: String { isPrefix ? "\(entry)*" : entry.description }
    public var isAllowed: Bool { side == .allow }
}
