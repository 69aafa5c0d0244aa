import Blocklist
import Engine
import Numbering
import Policy
import Rules

/// The screener a command runs, built the same way for `replay` and `serve`: the live
/// lists (command line first, then the rule set's), the rule set's policy over them, and
/// the schedule that applies updates and expiries as time passes.
struct ScreeningSetup {
    var screener: any CallScreener
    var policyScreener: PolicyScreener?
    var list: LiveBlocklist?
    var schedule: BlocklistSchedule?
    var reports: [LoadReport] = []

    /// `updates` apply at their own times; `ttlBase` starts the clocks of entries with a
    /// TTL (nil: at the trace's first packet). Without lists, updates or a rule set the
    /// screener allows everything, unless `alwaysList` (a server's list can be filled
    /// while it runs).
    init(lists: ListOptions, ruleSet: RuleSet?, updates: [BlocklistUpdate] = [], updateReport: LoadReport? = nil,
         plan: NumberingPlan, ttlBase: Int64?, alwaysList: Bool = false) throws {
        guard alwaysList || lists.blocklist != nil || lists.allowlist != nil || updateReport != nil || ruleSet != nil else {
            screener = AllowAllScreener()
            return
        }
        let (list, loaded) = try lists.load(plan: plan, ttlBase: ttlBase, ruleBlocklists: ruleSet?.blocklists ?? [],
                                            ruleAllowlists: ruleSet?.allowlists ?? [])
        reports = loaded
        if let updateReport { reports.append(updateReport) }
        self.list = list
        let schedule = BlocklistSchedule(list: list, updates: updates, startingWithTrace: loaded.flatMap(\.timedEntries))
        self.schedule = schedule
        if let ruleSet {
            let p = PolicyScreener(policy: ruleSet.policy(list: list))
            policyScreener = p
            screener = p
            schedule.onReset = { p.reset(caller: $0) }
        } else {
            screener = BlocklistScreener(list: list)
        }
    }
}
