import Blocklist
import Engine
import Numbering
import Wire

/// Every change of the live lists made while serving: auto-blocks by the detectors, and
/// what the admin API and the watched updates file added, removed or reset, each with
/// its time and origin, so a centre can answer "who blocked this number, and when".
/// Written as JSON Lines (`--audit FILE`) and/or as rows of `callguard_audit`
/// (`--store`), whichever the server has.
final class AuditLog {
    private let output: OutputFile?
    private let records: (any RecordSink)?

    init(output: OutputFile?, records: (any RecordSink)?) {
        self.output = output
        self.records = records
    }

    func autoBlock(_ entry: BlocklistEntry, at time: Nanoseconds) {
        let ttl = entry.expiresAt.map { Double(($0 - time) / 1_000_000) / 1000 }
        record(AuditRow(time: time, operation: "add", entry: entry.entryText, list: "block", kind: "auto", ttlSeconds: ttl,
                        origin: entry.source, refused: false))
    }

    func update(_ u: BlocklistUpdate, by origin: String, applied: Bool) {
        record(AuditRow(time: u.time, operation: u.operation.rawValue, entry: u.entry.entryText,
                        list: u.entry.side == .allow ? "allow" : "block", kind: u.entry.kind.name,
                        ttlSeconds: u.ttlNanoseconds.map { Double($0 / 1_000_000) / 1000 }, origin: origin, refused: !applied))
    }

    private func record(_ row: AuditRow) {
        records?.submit(.audit(row))
        guard let output else { return }
        var line = "{\"ts\":\(Self.seconds(row.time)),\"op\":\"\(row.operation)\",\"entry\":\"\(row.entry)\""
        if row.list == "allow" { line += ",\"list\":\"allow\"" }
        line += ",\"kind\":\"\(row.kind)\""
        if let ttl = row.ttlSeconds { line += ",\"ttl\":\(ttl)" }
        line += ",\"by\":\"\(row.origin)\""
        if row.refused { line += ",\"refused\":true" }
        output.write(line + "}\n")
        output.flush()
    }

    private static func seconds(_ ns: Int64) -> String {
        let frac = String(ns % 1_000_000_000)
        return "\(ns / 1_000_000_000)." + String(repeating: "0", count: 9 - frac.count) + frac
    }
}
