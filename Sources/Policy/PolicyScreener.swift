import Blocklist
import CallEvents
import Calls
import Detectors
import Numbering
import StateCoding
import Wire

/// Screens each call setup with a rule set's policy, in order:
/// 1. the trunk table: calls from `trusted` sources are allowed (decided before the
///    lists: a trusted partner answers for its own calls);
/// 2. safety rails: calls to protected numbers (emergency, police) are allowed;
/// 3. the live lists: an allowlist entry allows, a blocklist entry blocks;
/// 4. every detector, on the call's facts and its caller profile; findings combine
///    into allow, flag or block (per-detector actions, or a weighted score in which a
///    family of detectors adds only its strongest finding);
/// 5. actions: a critical finding auto-blocks the caller in the live list (never a
///    service number or an allowlisted one); a blocked caller's earlier answered calls
///    become victim warnings (unless only detectors that do not implicate the number,
///    such as spoofed origin, blocked it).
/// Detectors also see every call's end, so later setups are judged on the outcomes of
/// earlier calls; nothing looks ahead. A call this screener blocked ends, for the
/// detectors, as rejected at its setup (`BlockedCalls.reject`), however the capture
/// plays it out. Inside the warm-up every verdict is `allow` and nothing is acted on.
public final class PolicyScreener: CallScreener {
    public let policy: ScreeningPolicy
    private let lists: BlocklistScreener
    private let victims: VictimLog?
    /// Victim warnings as they arise (the engine's caller writes them out).
    public var onWarning: ((VictimWarning) -> Void)?
    /// Each auto-block as it lands on the live list, with the time of the call that
    /// caused it (`serve` writes it to the audit log).
    public var onAutoBlock: ((BlocklistEntry, Nanoseconds) -> Void)?
    public private(set) var autoBlocked = 0
    public private(set) var warningsIssued = 0
    /// Auto-blocks the safety rails refused (service and allowlisted numbers).
    public private(set) var autoBlocksRefused = 0
    /// Findings per detector and level (indexed like `policy.detectors`), for reports.
    public private(set) var findings: [[Int]]
    /// Dialogs blocked here, so their played-out ends are not taught to the detectors.
    private var blockedDialogs: LRUTable<Bool>
    private var firstSetup: Nanoseconds = 0
    private let families: [Int]
    /// Per-family scores of the call being screened (reused: no allocation per setup).
    private var familyScore: [Double]

    public init(policy: ScreeningPolicy) {
        self.policy = policy
        lists = BlocklistScreener(list: policy.list)
        victims = policy.warnings.map(VictimLog.init)
        findings = Array(repeating: [0, 0, 0], count: policy.detectors.count)
        blockedDialogs = LRUTable(capacity: 100_000, empty: false)
        var names: [String] = []
        families = policy.detectors.map { d in
            if let i = names.firstIndex(of: d.family) { return i }
            names.append(d.family)
            return names.count - 1
        }
        familyScore = Array(repeating: 0, count: names.count)
    }

    /// Sizes every detector table, the blocked-dialog table and the victim log for their
    /// capacity now: a long-running server (`serve`) then never stalls on a table
    /// growing under load.
    public func reserveCapacity() {
        for d in policy.detectors { d.detector.reserveCapacity() }
        blockedDialogs.reserveCapacity()
        victims?.reserveCapacity()
    }

    public func screen(_ call: CallEvent) -> ScreeningDecision {
        let t = call.context.timestamp
        if firstSetup == 0 { firstSetup = t }
        let warmup = policy.warmupSeconds > 0 && t - firstSetup < Nanoseconds(policy.warmupSeconds * 1e9)
        let (role, trunk, contract) = policy.trunks.lookup(call)
        var decision: ScreeningDecision
        if role == .trusted {
            decision = .allow
        } else if let callee = call.callee.number, policy.rails.protectedCallees.contains(callee) {
            decision = .allow
        } else {
            decision = decide(call, role: role, trunk: trunk, contract: contract, warmup: warmup)
        }
        if warmup {
            decision.verdict = .allow
            decision.warmup = true
        } else if decision.verdict == .block && policy.blockedCalls == .reject {
            endBlocked(call)
        }
        return decision
    }

    private func decide(_ call: CallEvent, role: TrunkRole, trunk: UInt16, contract: TrunkContract, warmup: Bool) -> ScreeningDecision {
        let listed = lists.screen(call)
        if listed.verdict == .block {
            if !warmup { warn(call.caller.number, at: call.context.timestamp, reasons: listed.reasons) }
            return listed
        }
        if listed.matchedEntry != nil { return listed }  // allowlisted

        var facts = policy.extractor.facts(call)
        facts.role = role
        facts.trunk = trunk
        facts.contract = contract
        facts.profile = policy.profiles.index(caller: facts.caller, role: role, trunk: trunk, at: facts.time)

        var verdict = Verdict.allow
        var reasons: [String] = []
        var score = 0.0
        for i in familyScore.indices { familyScore[i] = 0 }
        var critical: String?
        var anyCritical = false
        var implicatesCaller = false   // a blocking finding that says the number itself is the fraudster's
        for (i, d) in policy.detectors.enumerated() {
            let f = d.detector.screen(facts)
            findings[i][Int(f.level.rawValue)] += 1
            guard f.level != .none else { continue }
            if f.level == .critical {
                anyCritical = true
                if critical == nil && d.autoBlocks { critical = d.detector.id }
            }
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
                let fam = families[i]
                familyScore[fam] = max(familyScore[fam], f.level == .critical ? d.weight : d.weight / 2)
                if d.autoBlocks { implicatesCaller = true }
            }
        }
        if case .score(let flagAt, let blockAt) = policy.combination {
            score = familyScore.reduce(0, +)
            verdict = score >= blockAt ? .block : score >= flagAt ? .flag : .allow
            // Weak signals that agree are worth a look, not a block: a courier has many
            // callees, overlapping calls and a busy cell, and is still one honest person.
            if verdict == .block && policy.blockNeedsCritical && !anyCritical { verdict = .flag }
            if verdict == .allow { reasons.removeAll() }
        }
        guard !warmup else { return ScreeningDecision(verdict: verdict, reasons: reasons, score: score) }
        if let id = critical, verdict == .block, let auto = policy.autoBlock, let caller = facts.caller {
            autoBlock(caller, by: id, at: facts.time, ttl: auto.ttlSeconds)
        }
        // A spoofed number is the spoofing's victim: its earlier callees talked to its
        // real owner, so only findings that implicate the number raise warnings.
        if verdict == .block && implicatesCaller { warn(facts.caller, at: facts.time, reasons: reasons) }
        return ScreeningDecision(verdict: verdict, reasons: reasons, score: score)
    }

    /// Puts `caller` on the live list for `ttl` seconds, unless a rail forbids it: service
    /// and official numbers (a call presenting them is blocked, the number never is) and
    /// numbers on the allowlist.
    private func autoBlock(_ caller: PhoneNumber, by id: String, at t: Nanoseconds, ttl: Double) {
        if policy.rails.neverAutoBlock.contains(caller) || policy.list.match(caller, at: t)?.isAllowed == true {
            autoBlocksRefused += 1
            return
        }
        let entry = BlocklistEntry(number: caller, kind: .auto, source: "auto:" + id, expiresAt: t + Int64(ttl * 1e9))
        if (try? policy.list.insert(entry)) != nil {
            autoBlocked += 1
            onAutoBlock?(entry, t)
        }
    }

    /// Tells the detectors a blocked call ended as rejected at its setup, and remembers it
    /// so that the capture's own ending of the call is not taught to them again.
    private func endBlocked(_ call: CallEvent) {
        let t = call.context.timestamp
        var r = CallRecord(key: call.key, callIDKey: 0, state: .terminated(.rejected), caller: call.caller.number,
                           callee: call.callee.number, inviteCSeq: 0, setupTime: t, endTime: t, finalStatus: 608)
        r.source = call.context.source.address
        r.signalling = call.signalling
        r.origin = call.origin
        let s = blockedDialogs.slot(call.key).slot
        blockedDialogs[s] = true
        for d in policy.detectors { d.detector.ended(r) }
    }

    public func callUpdated(_ record: CallRecord) {
        guard record.state.isTerminated else { return }
        if let s = blockedDialogs.find(record.key), blockedDialogs[s] {
            blockedDialogs[s] = false
            return
        }
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

    // MARK: state files

    /// The detectors' tables, the blocked dialogs, the warm-up clock and the victim log.
    /// The detector list is written first so a state from another rule set is refused.
    public func save(_ w: inout StateWriter) {
        w.tag("policy")
        w.string(policy.detectors.map(\.detector.id).joined(separator: ","))
        w.i64(firstSetup)
        blockedDialogs.save(&w)
        for d in policy.detectors { d.detector.save(&w) }
        w.bool(victims != nil)
        victims?.save(&w)
    }

    public func load(_ r: inout StateReader) throws(StateError) {
        try r.expect("policy")
        let ids = try r.string()
        let mine = policy.detectors.map(\.detector.id).joined(separator: ",")
        guard ids == mine else { throw StateError("it was written with detectors [\(ids)], this rule set runs [\(mine)]") }
        firstSetup = try r.i64()
        try blockedDialogs.load(&r)
        for d in policy.detectors { try d.detector.load(&r) }
        guard try r.bool() == (victims != nil) else { throw StateError("victim warnings are on in one of the file and the rule set only") }
        try victims?.load(&r)
    }
}
