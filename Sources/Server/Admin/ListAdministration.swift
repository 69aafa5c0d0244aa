import Blocklist
import Engine
import Numbering
import Wire

/// Changes to the live lists while serving: update lines (the blocklist-updates format,
/// `ts` optional and meaning now) from the admin API or the watched updates file, applied
/// at once on the screening loop, so the next INVITE sees them. A `reset` also makes the
/// detectors forget the number. Every change goes to the audit log.
final class ListAdministration {
    struct Outcome: Sendable {
        var applied = 0
        var refused: [String] = []
    }

    private let service: ScreeningService
    private let audit: AuditLog?
    private let normalizer: NumberNormalizer

    init(service: ScreeningService, audit: AuditLog?) {
        self.service = service
        self.audit = audit
        normalizer = NumberNormalizer(plan: service.options.numbering)
    }

    /// Applies every valid line of `text`; `origin` names where they came from (in
    /// messages and the audit log). Bad lines are refused one by one, never the batch.
    func apply(_ text: String, origin: String) -> Outcome {
        var outcome = Outcome()
        guard let list = service.list else {
            outcome.refused.append("\(origin): the server runs without lists")
            return outcome
        }
        let now = WallClock.now()
        let parsed: (updates: [BlocklistUpdate], report: LoadReport)
        do {
            parsed = try UpdateFile.parse(text, path: origin, normalizer: normalizer, policy: .skip, now: now)
        } catch {
            outcome.refused.append(error.description)
            return outcome
        }
        outcome.refused += parsed.report.firstErrors.map(\.description)
        if parsed.report.skipped > parsed.report.firstErrors.count {
            outcome.refused.append("\(origin): \(parsed.report.skipped - parsed.report.firstErrors.count) more bad lines")
        }
        for u in parsed.updates {
            do {
                try list.apply(u)
                if u.operation == .reset { service.policyScreener?.reset(caller: u.entry.number) }
                outcome.applied += 1
                audit?.update(u, by: origin, applied: true)
            } catch {
                outcome.refused.append("\(origin): \(u.entry.entryText): \(error.description)")
                audit?.update(u, by: origin, applied: false)
            }
        }
        return outcome
    }

    /// The lists' state for `GET /blocklist`, as one JSON object.
    func statistics() -> String {
        guard let list = service.list else { return "{\"entries\":0}" }
        let stats = list.tableStatistics()
        return "{\"entries\":\(list.entryCount),\"rebuilds\":\(stats.rebuilds),\"pending_expiries\":\(stats.pendingExpiries),"
            + "\"auto_blocked\":\(service.policyScreener?.autoBlocked ?? 0)}"
    }
}
