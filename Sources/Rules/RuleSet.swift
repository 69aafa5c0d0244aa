import Blocklist
import Detectors
import Engine
import Policy

/// A parsed rule set: which lists to load, the network's trunks and numbering facts,
/// caller profiles, the detectors and their actions, how findings combine, and the
/// interception actions. `policy(list:)` turns it into a `ScreeningPolicy` with fresh
/// detector state.
public struct RuleSet: Sendable {
    public var name: String
    public var description: String
    public var path: String
    /// List files named by the rule set, resolved against its directory.
    public var blocklists: [String]
    public var allowlists: [String]
    public var trunks: TrunkTable
    public var profiles: ProfileSelector
    public var fingerprints: FingerprintRules
    public var combination: Combination
    public var autoBlock: AutoBlock?
    public var warnings: WarningPolicy?
    public var rails: SafetyRails
    public var blockedCalls: BlockedCalls
    /// The SIP status `serve` rejects a blocked call with: 608 (RFC 8688, an
    /// intermediary's analytics rejected it), 603 or 403 (`actions: reject_status`).
    public var rejectStatus = 608
    /// Seconds of warm-up (learn, do not act), set by `replay --warmup`.
    public var warmupSeconds = 0.0
    /// Score mode: warnings alone never block (`combine.block_needs_critical`).
    public var blockNeedsCritical = false
    /// Builds the detectors (fresh state each time).
    var makeDetectors: @Sendable () -> [PolicyDetector]

    /// The policy to screen with, writing auto-blocks into `list`.
    public func policy(list: LiveBlocklist) -> ScreeningPolicy {
        var p = ScreeningPolicy(list: list, trunks: trunks, profiles: profiles, extractor: FactExtractor(fingerprints: fingerprints),
                                detectors: makeDetectors(), combination: combination, autoBlock: autoBlock, warnings: warnings)
        p.rails = rails
        p.blockedCalls = blockedCalls
        p.warmupSeconds = warmupSeconds
        p.blockNeedsCritical = blockNeedsCritical
        return p
    }

    /// Detector ids in the order they run.
    public var detectorIDs: [String] { makeDetectors().map(\.detector.id) }
}
