#if canImport(Glibc)
import Glibc
#endif

import Numbering

/// Loads blocklist and allowlist text: one number or prefix per line, optionally
/// followed by `,kind` and `,ttl` (seconds); `#` starts a comment; blank lines are
/// ignored. Kinds are `reported` (the default for numbers), `range` (the default for
/// prefixes) and `auto` on a blocklist, `allow` on an allowlist. Every entry's source
/// tag is the file's name.
///
/// The file is mapped and parsed in place, entries go to the table in batches under
/// one writer-lock acquisition each: ten million lines load in well under two seconds.
public enum ListFile {
    /// Loads `path` into `list`. `ttlBase` starts the TTL clocks (nanoseconds since the
    /// epoch); nil leaves entries with a TTL in the report's `timedEntries`. Under
    /// `.strict` the first bad line throws and the caller must discard `list`.
    public static func load(path: String, side: ListSide, into list: LiveBlocklist, normalizer: NumberNormalizer,
                            policy: BadLinePolicy, ttlBase: Int64?) throws -> LoadReport {
        let file = try MappedFile(path: path)
        return try load(file.bytes, path: path, side: side, into: list, normalizer: normalizer, policy: policy, ttlBase: ttlBase)
    }

    /// Loads list text already in memory.
    public static func load(_ text: UnsafeRawBufferPointer, path: String, side: ListSide, into list: LiveBlocklist,
                            normalizer: NumberNormalizer, policy: BadLinePolicy, ttlBase: Int64?) throws -> LoadReport {
        var report = LoadReport(path: path)
        let source = String(path.split(separator: "/").last ?? Substring(path))
        let sourceID = try list.registerSource(source)
        guard let base = text.baseAddress, text.count > 0 else { return report }
        list.reserve(exact: lineCount(text), side: side)

        var batch = [LiveBlocklist.RawEntry]()
        batch.reserveCapacity(4096)
        func flush() {
            batch.withUnsafeBufferPointer { list.insert(contentsOf: $0) }
            batch.removeAll(keepingCapacity: true)
        }
        var lineNumber = 0
        var start = 0
        while start < text.count {
            lineNumber += 1
            var end = start
            if let nl = memchr(base + start, 10, text.count - start) {
                end = base.distance(to: UnsafeRawPointer(nl))
            } else {
                end = text.count
            }
            let line = UnsafeRawBufferPointer(start: base + start, count: end - start)
            start = end + 1
            switch parseLine(line, side: side, normalizer: normalizer) {
            case .blank:
                continue
            case .failure(let reason):
                let e = LineError(path: path, line: lineNumber, reason: reason)
                if policy == .strict { throw e }
                report.skip(e)
            case .entry(let number, let isPrefix, let kind, let ttl):
                report.entries += 1
                if let ttl, ttlBase == nil {
                    report.timedEntries.append(TimedEntry(
                        entry: BlocklistEntry(number: number, isPrefix: isPrefix, side: side, kind: kind, source: source),
                        ttlNanoseconds: ttl))
                    continue
                }
                let expiry = ttl.map { EntryWord.expiryMilliseconds(ttlBase! &+ $0) } ?? 0
                batch.append(.init(number: number, isPrefix: isPrefix, side: side, kind: kind, sourceID: sourceID, expiryMs: expiry))
                if batch.count == 4096 { flush() }
            }
        }
        flush()
        return report
    }

    enum Line {
        case blank
        case entry(PhoneNumber, isPrefix: Bool, kind: EntryKind, ttl: Int64?)
        case failure(String)
    }

    /// One line: `entry[,kind[,ttl]]`, comments and blanks already allowed for.
    static func parseLine(_ line: UnsafeRawBufferPointer, side: ListSide, normalizer: NumberNormalizer) -> Line {
        var end = line.count
        for i in 0..<line.count where line[i] == UInt8(ascii: "#") { end = i; break }
        // Up to three comma-separated fields, without allocating.
        var fields = (0..<0, 0..<0, 0..<0)
        var count = 0
        var fieldStart = 0
        var allEmpty = true
        for i in 0...end where i == end || line[i] == UInt8(ascii: ",") {
            let f = trimmed(line, fieldStart..<i)
            if !f.isEmpty { allEmpty = false }
            switch count {
            case 0: fields.0 = f
            case 1: fields.1 = f
            case 2: fields.2 = f
            default: break
            }
            count += 1
            fieldStart = i + 1
        }
        if allEmpty { return .blank }
        guard count <= 3 else { return .failure("expected 'number[,kind[,ttl]]', found \(count) fields") }
        let entryText = UnsafeRawBufferPointer(rebasing: line[fields.0])
        guard !fields.0.isEmpty, let (number, isPrefix) = EntryText.parse(entryText, normalizer: normalizer) else {
            return .failure("'\(text(entryText))' is not a telephone number or prefix")
        }
        var kind = BlocklistEntry(number: number, isPrefix: isPrefix, side: side).kind
        if !fields.1.isEmpty {
            let name = text(UnsafeRawBufferPointer(rebasing: line[fields.1]))
            guard let k = EntryKind(name: name), (k == .allow) == (side == .allow) else {
                return .failure(side == .allow ? "kind '\(name)' on an allowlist (only 'allow')"
                                               : "unknown kind '\(name)' (expected reported, range or auto)")
            }
            kind = k
        }
        var ttl: Int64?
        if !fields.2.isEmpty {
            let t = UnsafeRawBufferPointer(rebasing: line[fields.2])
            guard let ns = seconds(t), ns > 0 else { return .failure("ttl '\(text(t))' is not a positive number of seconds") }
            ttl = ns
        }
        return .entry(number, isPrefix: isPrefix, kind: kind, ttl: ttl)
    }

    /// Decimal seconds (`3600`, `1.5`) as nanoseconds; nil when not a number.
    public static func seconds(_ t: UnsafeRawBufferPointer) -> Int64? {
        var whole: Int64 = 0, frac: Int64 = 0, scale: Int64 = 1_000_000_000
        var digits = 0, dot = false
        for c in t {
            if c == UInt8(ascii: "."), !dot { dot = true; continue }
            guard c >= 48 && c <= 57 else { return nil }
            digits += 1
            if dot {
                if scale > 1 { scale /= 10; frac += Int64(c - 48) * scale }
            } else {
                // At most 999,999,999 s (~31 years is plenty): the nanoseconds fit an
                // Int64 (ten digits used to overflow it and trap; found by fuzzing).
                whole = whole * 10 + Int64(c - 48)
                guard whole < 1_000_000_000 else { return nil }
            }
        }
        guard digits > 0 else { return nil }
        return whole * 1_000_000_000 + frac
    }

    private static func trimmed(_ line: UnsafeRawBufferPointer, _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi && EntryText.isBlank(line[lo]) { lo += 1 }
        while hi > lo && EntryText.isBlank(line[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    static func text(_ b: UnsafeRawBufferPointer) -> String {
        String(decoding: b.prefix(60), as: UTF8.self)
    }

    /// Newlines in `text` plus one: an upper bound on entries, to size the table once.
    static func lineCount(_ text: UnsafeRawBufferPointer) -> Int {
        guard let base = text.baseAddress else { return 0 }
        var n = 1, at = 0
        while at < text.count, let nl = memchr(base + at, 10, text.count - at) {
            n += 1
            at = base.distance(to: UnsafeRawPointer(nl)) + 1
        }
        return n
    }
}
