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
    /// Detectors that measure the same thing (call volume, say) share a family; in score
    /// mode a family adds only its strongest finding, so two views of one signal never
    /// count as two independent signals agreeing.
    public var family: String

    public init(_ detector: any Detector, onWarning: DetectorAction = .flag, onCritical: DetectorAction = .block, weight: Double = 1,
                autoBlocks: Bool = true, family: String? = nil) {
        self.detector = detector
        self.onWarning = onWarning
        self.onCritical = onCritical
        self.weight = weight
        self.autoBlocks = autoBlocks
        self.family = family ?? detector.id
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

/// What a replay tells the detectors about a call it blocked. A real interceptor rejects
/// the call (608/603), so nothing of it rings, answers or lasts; the capture, taken
/// without the interceptor in the path, still plays the call out.
public enum BlockedCalls: String, Sendable, CaseIterable {
    /// The call ends as rejected at its setup for every detector (the default): detectors
    /// learn what would have happened with CallGuard in the path.
    case reject
    /// Detectors see the call as the capture plays it (the capture's own network did
    /// not block it).
    case play
}

/// Safety rails: what is never blocked or auto-blocked, whatever detectors say.
public struct SafetyRails: Sendable {
    /// Calls *to* these numbers (emergency, police, ambulance) are never blocked: a
    /// subscriber whose number was auto-blocked can still call for help.
    public var protectedCallees: NumberRanges
    /// Callers never auto-blocked (service and official numbers: a spoofed call
    /// presenting them is blocked, the number itself never goes on the list).
    public var neverAutoBlock: NumberRanges

    public init(protectedCallees: NumberRanges = NumberRanges(), neverAutoBlock: NumberRanges = NumberRanges()) {
        self.protectedCallees = protectedCallees
        self.neverAutoBlock = neverAutoBlock
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
    public var rails = SafetyRails()
    public var blockedCalls = BlockedCalls.reject
    /// Score mode: a block needs at least one critical finding; warnings alone, however
    /// many agree, only flag (`combine: {block_needs_critical: true}`).
    public var blockNeedsCritical = false
    /// Seconds of trace time, from the first call setup, in which detectors learn but
    /// every verdict is `allow` (the would-be reasons are kept, marked `warmup`).
    public var warmupSeconds = 0.0

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
