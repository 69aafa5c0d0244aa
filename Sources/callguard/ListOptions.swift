import ArgumentParser
import Blocklist
import Engine
import Numbering

#if canImport(Glibc)
import Glibc
#endif

/// The live lists as the command line names them: a blocklist (text or compiled
/// `.cgbl`), an allowlist, and how bad lines are treated.
struct ListOptions: ParsableArguments {
    @Option(help: "Blocklist: text (one number or prefix '+86170*' per line, optional ',kind,ttl', '#' comments) or a compiled .cgbl snapshot.")
    var blocklist: String?

    @Option(help: "Allowlist of the same shape; an allowlist match overrides any block.")
    var allowlist: String?

    @Flag(help: "Fail (exit 2) on the first bad list or update line instead of skipping and counting it.")
    var strict = false

    var policy: BadLinePolicy { strict ? .strict : .skip }

    /// Loads the lists. `ttlBase` starts the clocks of entries with a TTL; nil leaves
    /// them in the reports (replay starts them at the first packet). Skipped lines are
    /// reported on stderr; a bad file is a `Failure` (exit 2).
    func load(plan: NumberingPlan, ttlBase: Int64?, ruleBlocklists: [String] = [], ruleAllowlists: [String] = []) throws
        -> (list: LiveBlocklist, reports: [LoadReport])
    {
        let normalizer = NumberNormalizer(plan: plan)
        var reports: [LoadReport] = []
        let list: LiveBlocklist
        do {
            if let path = blocklist, Snapshot.isSnapshot(path: path) {
                list = try Snapshot.load(path: path)
                var r = LoadReport(path: path)
                r.entries = list.entryCount
                reports.append(r)
            } else {
                list = LiveBlocklist()
                if let path = blocklist {
                    reports.append(try ListFile.load(path: path, side: .block, into: list, normalizer: normalizer,
                                                     policy: policy, ttlBase: ttlBase))
                }
            }
            if let path = allowlist {
                reports.append(try ListFile.load(path: path, side: .allow, into: list, normalizer: normalizer,
                                                 policy: policy, ttlBase: ttlBase))
            }
            // Lists the rule set names load after the command line's.
            for path in ruleBlocklists {
                reports.append(try ListFile.load(path: path, side: .block, into: list, normalizer: normalizer,
                                                 policy: policy, ttlBase: ttlBase))
            }
            for path in ruleAllowlists {
                reports.append(try ListFile.load(path: path, side: .allow, into: list, normalizer: normalizer,
                                                 policy: policy, ttlBase: ttlBase))
            }
        } catch let e as LineError {
            throw Failure(message: e.description)
        } catch let e as BlocklistError {
            throw Failure(message: e.description)
        }
        if let useless = reports.first(where: { $0.entries == 0 && $0.skipped > 0 }), let first = useless.firstErrors.first {
            throw Failure(message: "\(first) (no line of \(useless.path) is a list entry)")
        }
        reports.forEach(warnSkipped)
        return (list, reports)
    }
}

/// Tells stderr which lines a load skipped (the first ten, then how many more).
func warnSkipped(_ r: LoadReport) {
    guard r.skipped > 0 else { return }
    for e in r.firstErrors { printError("callguard: warning: \(e) (line skipped)") }
    if r.skipped > r.firstErrors.count {
        printError("callguard: warning: \(r.path): \(r.skipped - r.firstErrors.count) more bad lines skipped")
    }
}

/// `2026-11-22T13:42:34.000Z` for a millisecond epoch time.
func utcText(milliseconds ms: UInt64) -> String {
    var t = time_t(ms / 1000)
    var parts = tm()
    gmtime_r(&t, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    let millis = Int(ms % 1000)
    let frac = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(frac)Z"
}
