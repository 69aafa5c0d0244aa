import CallEvents
import Calls

/// The decision at call setup, in the verdicts contract's words.
public enum Verdict: UInt8, Sendable, CaseIterable {
    case allow, flag, block

    public var name: String {
        switch self {
        case .allow: "allow"
        case .flag: "flag"
        case .block: "block"
        }
    }
}

/// What screening decided about one call and why.
public struct ScreeningDecision: Sendable, Equatable {
    public var verdict: Verdict
    /// Blocklist entry kinds or detector ids that fired; empty for `allow`.
    public var reasons: [String]
    public var score: Double
    /// The blocklist entry that matched, when one did (`+86170*`).
    public var matchedEntry: String?
    /// Decided inside the warm-up: the verdict is `allow` and `reasons` are what would
    /// have fired.
    public var warmup = false

    public init(verdict: Verdict, reasons: [String] = [], score: Double = 0, matchedEntry: String? = nil) {
        self.verdict = verdict
        self.reasons = reasons
        self.score = score
        self.matchedEntry = matchedEntry
    }

    public static let allow = ScreeningDecision(verdict: .allow)
}

/// The one screening step every initial INVITE passes through before the next packet
/// is taken. Blocklists, detectors and rule sets plug in here; the decoder never
/// changes for them.
public protocol CallScreener: AnyObject {
    func screen(_ call: CallEvent) -> ScreeningDecision
    /// A call screened earlier changed state (answered, ended...): screeners that learn
    /// from outcomes hook in here. Called in trace order, after the packet's setup work.
    func callUpdated(_ record: CallRecord)
}

extension CallScreener {
    public func callUpdated(_ record: CallRecord) {}
}
