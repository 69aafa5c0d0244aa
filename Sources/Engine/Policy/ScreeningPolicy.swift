import Blocklist
import Detectors

/// What a detector's finding does to the verdict.
public enum DetectorAction: String, Sendable, CaseIterable {
    case none, flag, block
}

/// How findings become a verdict.
public enum Combination: Sendable {
    /// Each detector's warning and critical levels map to an action; the strongest wins.
    case actions
    /// Each finding adds its detector's weight (half for a warning); the sum is compared
    /// with `flagAt` and `blockAt`.
    case score(flagAt: Double, blockAt: Double)
}

/// One detector in a policy, with what its levels do.
public struct PolicyDetector {
    public var detector: any Detector
    public var onWarning: DetectorAction
    public var onCritical: DetectorAction
    public var weight: Double
    /// Whether this detector's critical findings auto-block the caller. Off for findings
    /// where the presented number is the spoofing's victim, not the fraudster's.
    public var autoBlocks: Bool

    public init(_ detector: any Detector, onWarning: DetectorAction = .flag, onCritical: DetectorAction = .block, weight: Double = 1,
                autoBlocks: Bool = true) {
        self.detector = detector
        self.onWarning = onWarning
        self.onCritical = onCritical
        self.weight = weight
        self.autoBlocks = autoBlocks
    }
}

/// Auto-block: a caller a detector finds critical goes into the live blocklist for
/// `ttlSeconds` of trace time (kind `auto`, source `auto:<detector>`), so its next calls
/// are stopped by a lookup. An allowlist entry still wins.
public struct AutoBlock: Sendable {
    public var ttlSeconds: Double
    public init(ttlSeconds: Double) { self.ttlSeconds = ttlSeconds }
}

/// Victim warnings: when a number is blocked, the callees who answered its earlier
/// calls and talked at least `minTalkSeconds` are reported.
public struct WarningPolicy: Sendable {
    public var minTalkSeconds: Double
    /// Callers whose answered calls are remembered at most (least recently active go first).
    public var callers: Int
    public init(minTalkSeconds: Double, callers: Int = 100_000) {
        self.minTalkSeconds = minTalkSeconds
        self.callers = callers
    }
}

/// Everything a rule set decides, ready to run: the lists, the network's trunks, the
/// caller profiles, the detectors and what they do, and the actions.
public struct ScreeningPolicy {
    public var list: LiveBlocklist
    public var trunks: TrunkTable
    public var profiles: ProfileSelector
    public var extractor: FactExtractor
    public var detectors: [PolicyDetector]
    public var combination: Combination
    public var autoBlock: AutoBlock?
    public var warnings: WarningPolicy?

    public init(list: LiveBlocklist, trunks: TrunkTable = TrunkTable(), profiles: ProfileSelector = ProfileSelector(),
                extractor: FactExtractor = FactExtractor(), detectors: [PolicyDetector] = [], combination: Combination = .actions,
                autoBlock: AutoBlock? = nil, warnings: WarningPolicy? = nil) {
        self.list = list
        self.trunks = trunks
        self.profiles = profiles
        self.extractor = extractor
        self.detectors = detectors
        self.combination = combination
        self.autoBlock = autoBlock
        self.warnings = warnings
    }
}
