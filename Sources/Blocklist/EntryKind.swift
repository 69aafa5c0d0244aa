/// Why a number is on a list. The kind is what a block verdict gives as its reason.
public enum EntryKind: UInt8, Sendable, CaseIterable {
    /// A number reported by a victim or an operator.
    case reported = 1
    /// A number range, such as a virtual-operator block or a premium-rate range.
    case range = 2
    /// Added by a detector's auto-block action.
    case auto = 3
    /// An allowlist entry: emergency and service numbers, call centres, trusted trunks.
    case allow = 4

    /// The name used in list files, update files and verdicts.
    public var name: String {
        switch self {
        case .reported: "reported"
        case .range: "range"
        case .auto: "auto"
        case .allow: "allow"
        }
    }

    /// Parses a kind name from list or update files.
    public init?(name: String) {
        guard let k = EntryKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = k
    }
}

/// Which of the two lists an entry belongs to. An allowlist match overrides any block.
public enum ListSide: Int, Sendable, CaseIterable {
    case block = 0
    case allow = 1

    public var name: String { self == .block ? "blocklist" : "allowlist" }
}
