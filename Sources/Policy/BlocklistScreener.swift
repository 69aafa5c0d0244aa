import Blocklist
import CallEvents
import Calls

/// Screens a call against the live lists: the caller's number at the call's trace time.
/// A blocklist match blocks with the entry's kind as the reason; an allowlist match
/// allows, whatever else matched, and names the allowlist entry.
public final class BlocklistScreener: CallScreener {
    public let list: LiveBlocklist

    public init(list: LiveBlocklist) {
        self.list = list
    }

    @inline(__always)
    public func screen(_ call: CallEvent) -> ScreeningDecision {
        guard let number = call.caller.number, let hit = list.match(number, at: call.context.timestamp) else { return .allow }
        if hit.isAllowed { return ScreeningDecision(verdict: .allow, matchedEntry: hit.entryText) }
        return ScreeningDecision(verdict: .block, reasons: [hit.kind.name], score: 1.0, matchedEntry: hit.entryText)
    }
}

/// Allows every call: the baseline when no list or rule set is given.
public final class AllowAllScreener: CallScreener {
    public init() {}
    public func screen(_ call: CallEvent) -> ScreeningDecision { .allow }
}
