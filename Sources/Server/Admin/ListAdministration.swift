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
    let normalizer: NumberNormalizer

    init(service: ScreeningService, audit: AuditLog?) {
        self.service = service
        self.audit = audit
        normalizer = NumberNormalizer(plan: service.options.numbering)
    }

    /// Applies every valid line of `text`; `origin` names where they came from (in
    /// messages and the audit log). Bad lines are refused one by one, never the batch.
    func apply(_ text: String, origin: String) -> Outcome {
        let parsed = Self.parse(text, origin: origin, normalizer: normalizer, now: WallClock.now())
        return apply(parsed.updates, refused: parsed.refused, origin: origin)
    }

    /// The updates in `text` and a reason for each line refused. Pure: the admin API
    /// parses on its own thread and only `apply` runs on the screening loop.
    static func parse(_ text: String, origin: String, normalizer: NumberNormalizer, now: Int64)
        -> (updates: [BlocklistUpdate], refused: [String])
    {
        do {
            let (updates, report) = try UpdateFile.parse(text, path: origin, normalizer: normalizer, policy: .skip, now: now)
            var refused = report.firstErrors.map(\.description)
            if report.skipped > report.firstErrors.count {
                refused.append("\(origin): \(report.skipped - report.firstErrors.count) more bad lines")
            }
            return (updates, refused)
        } catch {
            return ([], [error.description])
        }
    }

    /// Applies parsed updates now, in order (on the screening loop: the list has one writer).
    func apply(_ updates: [BlocklistUpdate], refused: [String], origin: String) -> Outcome {
        var outcome = Outcome()
        outcome.refused = refused
        guard let list = service.list else {
            outcome.refused.append("\(origin): the server runs without lists")
            return outcome
        }
        for u in updates {
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
