import Blocklist
import Calls
import Detectors
import Numbering
import Wire

/// Screens each call setup with a rule set's policy, in order:
/// 1. the live lists: an allowlist entry allows, a blocklist entry blocks;
/// 2. the trunk table: calls from `trusted` sources are allowed;
/// 3. every detector, on the call's facts and its caller profile; findings combine
///    into allow, flag or block (per-detector actions or a weighted score);
/// 4. actions: a critical finding auto-blocks the caller in the live list; a blocked
///    caller's earlier answered calls become victim warnings (unless only detectors that
///    do not implicate the number, such as spoofed origin, blocked it).
/// Detectors also see every call's end, so later setups are judged on the outcomes of
/// earlier calls; nothing looks ahead.
public final class PolicyScreener: CallScreener {
    public let policy: ScreeningPolicy
    private let lists: BlocklistScreener
    private let victims: VictimLog?
    /// Victim warnings as they arise (the engine's caller writes them out).
    public var onWarning: ((VictimWarning) -> Void)?
    public private(set) var autoBlocked = 0
    public private(set) var warningsIssued = 0
    /// Findings per detector and level (indexed like `policy.detectors`), for reports.
    public private(set) var findings: [[Int]]

    public init(policy: ScreeningPolicy) {
        self.policy = policy
        lists = BlocklistScreener(list: policy.list)
        victims = policy.warnings.map(VictimLog.init)
        findings = Array(repeating: [0, 0, 0], count: policy.detectors.count)
    }

    public func screen(_ call: CallSetup) -> ScreeningDecision {
        let listed = lists.screen(call)
        if listed.verdict == .block {
            warn(call.caller.number, at: call.context.timestamp, reasons: listed.reasons)
            return listed
        }
        if listed.matchedEntry != nil { return listed }  // allowlisted

        var facts = policy.extractor.facts(call)
        facts.role = policy.trunks.role(of: facts.source)
        if facts.role == .trusted { return .allow }
        facts.profile = policy.profiles.index(caller: facts.caller, at: facts.time)

        var verdict = Verdict.allow
        var reasons: [String] = []
        var score = 0.0
        var critical: String?
        var implicatesCaller = false   // a blocking finding that says the number itself is the fraudster's
        for (i, d) in policy.detectors.enumerated() {
            let f = d.detector.screen(facts)
            findings[i][Int(f.level.rawValue)] += 1
            guard f.level != .none else { continue }
            if f.level == .critical && critical == nil && d.autoBlocks { critical = d.detector.id }
            switch policy.combination {
            case .actions:
                let action = f.level == .critical ? d.onCritical : d.onWarning
                guard action != .none else { continue }
                reasons.append(d.detector.id)
                if action == .block {
                    verdict = .block
                    if d.autoBlocks { implicatesCaller = true }
                } else if verdict == .allow {
                    verdict = .flag
                }
                score = max(score, f.level == .critical ? 1 : 0.5)
            case .score:
                reasons.append(d.detector.id)
                score += f.level == .critical ? d.weight : d.weight / 2
                if d.autoBlocks { implicatesCaller = true }
            }
        }
        if case .score(let flagAt, let blockAt) = policy.combination {
            verdict = score >= blockAt ? .block : score >= flagAt ? .flag : .allow
            if verdict == .allow { reasons.removeAll() }
        }
        if let id = critical, verdict == .block, let auto = policy.autoBlock, let caller = facts.caller {
            let entry = BlocklistEntry(number: caller, kind: .auto, source: "auto:" + id,
                                       expiresAt: facts.time + Int64(auto.ttlSeconds * 1e9))
            if (try? policy.list.insert(entry)) != nil { autoBlocked += 1 }
        }
        // A spoofed number is the spoofing's victim: its earlier callees talked to its
        // real owner, so only findings that implicate the number raise warnings.
        if verdict == .block && implicatesCaller { warn(facts.caller, at: facts.time, reasons: reasons) }
        return ScreeningDecision(verdict: verdict, reasons: reasons, score: score)
    }

    public func callUpdated(_ record: CallRecord) {
        guard record.state.isTerminated else { return }
        for d in policy.detectors { d.detector.ended(record) }
        victims?.ended(record)
    }

    /// Forgets what every detector knows about a caller (after a false alarm).
    public func reset(caller: PhoneNumber) {
        for d in policy.detectors { d.detector.reset(caller.key) }
    }

    private func warn(_ caller: PhoneNumber?, at t: Nanoseconds, reasons: [String]) {
        guard let victims, let caller else { return }
        for w in victims.blocked(caller, at: t, reasons: reasons) {
            warningsIssued += 1
            onWarning?(w)
        }
    }

    /// Entries dropped from full detector tables, for the summary.
    public var evictions: Int { policy.detectors.reduce(victims?.evictions ?? 0) { $0 + $1.detector.evictions } }
}
