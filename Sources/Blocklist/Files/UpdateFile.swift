import FoundationEssentials
import Numbering

/// Reads blocklist updates, JSON Lines in time order (the blocklist-updates contract):
///
///     {"ts":1700000100.0,"op":"add","entry":"+8617012345678","kind":"reported","ttl":3600}
///     {"ts":1700000200.0,"op":"remove","entry":"+8617012345678"}
///
/// `entry` is a number or a prefix ending in `*`; `kind` and `ttl` (seconds) are
/// optional. Extra keys: `"list":"allow"` targets the allowlist, `"source"` tags the
/// entry (default `updates`). Times are read to the microsecond.
public enum UpdateFile {
    private struct Line: Decodable {
        var ts: Double?
        var op: String
        var entry: String
        var kind: String?
        var ttl: Double?
        var source: String?
        var list: String?
    }

    /// Parses `path`'s text; bad lines are skipped and reported, or under `.strict`
    /// the first one throws. With `now` (live updates: `serve`'s admin API and watched
    /// file), `ts` may be left out and means `now`.
    public static func parse(_ text: String, path: String, normalizer: NumberNormalizer,
                             policy: BadLinePolicy, now: Int64? = nil) throws(LineError) -> (updates: [BlocklistUpdate], report: LoadReport) {
        var report = LoadReport(path: path)
        var updates: [BlocklistUpdate] = []
        let decoder = JSONDecoder()
        var lineNumber = 0
        var last = Int64.min
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if raw.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            do throws(LineError) {
                let u = try update(String(raw), decoder: decoder, normalizer: normalizer, path: path, line: lineNumber, now: now)
                guard u.time >= last else {
                    throw LineError(path: path, line: lineNumber, reason: "updates must be in time order: ts goes back in time")
                }
                last = u.time
                updates.append(u)
                report.entries += 1
            } catch {
                if policy == .strict { throw error }
                report.skip(error)
            }
        }
        return (updates, report)
    }

    private static func update(_ json: String, decoder: JSONDecoder, normalizer: NumberNormalizer,
                               path: String, line: Int, now: Int64?) throws(LineError) -> BlocklistUpdate {
        func fail(_ reason: String) -> LineError { LineError(path: path, line: line, reason: reason) }
        let l: Line
        do {
            l = try decoder.decode(Line.self, from: Data(json.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw fail("missing \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw fail("\"\(context.codingPath.last?.stringValue ?? "?")\" has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw fail("\"\(context.codingPath.last?.stringValue ?? "?")\" is null")
        } catch {
            throw fail("not a JSON object")
        }
        guard let ts = l.ts ?? now.map({ Double($0) / 1e9 }) else { throw fail("missing \"ts\"") }
        guard ts.isFinite, ts >= 0, ts < 9e9 else { throw fail("ts \(ts) is not a Unix time in seconds") }
        guard let op = BlocklistUpdate.Operation(rawValue: l.op) else { throw fail("op '\(l.op)' is not add, remove or reset") }
        let side: ListSide
        switch l.list ?? "block" {
        case "block", "blocklist": side = .block
        case "allow", "allowlist": side = .allow
        default: throw fail("list '\(l.list!)' is not block or allow")
        }
        guard let (number, isPrefix) = EntryText.parse(l.entry, normalizer: normalizer) else {
            throw fail("entry '\(l.entry)' is not a telephone number or prefix")
        }
        if op == .reset && (isPrefix || side != .block) { throw fail("reset takes one number on the blocklist, not a prefix") }
        var kind: EntryKind?
        if let name = l.kind {
            guard let k = EntryKind(name: name), (k == .allow) == (side == .allow) else {
                throw fail("kind '\(name)' is not valid on the \(side.name)")
            }
            kind = k
        }
        var ttl: Int64?
        if let t = l.ttl {
            guard t.isFinite, t > 0, t < 1e9 else { throw fail("ttl \(t) is not a positive number of seconds") }
            ttl = Int64((t * 1e6).rounded()) * 1000
        }
        let entry = BlocklistEntry(number: number, isPrefix: isPrefix, side: side, kind: kind, source: l.source ?? "updates")
        let time = l.ts == nil ? now! : Int64((ts * 1e6).rounded()) * 1000
        return BlocklistUpdate(time: time, operation: op, entry: entry, ttlNanoseconds: ttl)
    }
}
