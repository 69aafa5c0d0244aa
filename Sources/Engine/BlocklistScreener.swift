import Blocklist
import Calls

/// Screens a call against a number list: the caller's number, exact or by prefix.
/// A match blocks with the entry's kind as the reason.
public final class BlocklistScreener: CallScreener {
    public let list: any NumberMatcher

    public init(list: any NumberMatcher) {
        self.list = list
    }

    @inline(__always)
    public func screen(_ call: CallSetup) -> ScreeningDecision {
        guard let number = call.caller.number, let hit = list.match(number) else { return .allow }
        return ScreeningDecision(verdict: .block, reasons: [hit.kind], score: 1.0, matchedEntry: hit.entryText)
    }
}

/// Allows every call: the baseline when no list or rule set is given.
public final class AllowAllScreener: CallScreener {
    public init() {}
    public func screen(_ call: CallSetup) -> ScreeningDecision { .allow }
}
