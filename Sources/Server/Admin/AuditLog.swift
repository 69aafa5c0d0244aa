import Blocklist
import Engine
import Numbering
import Wire

/// Every change of the live lists made while serving, as JSON Lines (`--audit FILE`):
/// auto-blocks by the detectors, and what the admin API and the watched updates file
/// added, removed or reset, each with its time and origin, so a centre can answer
/// "who blocked this number, and when".
final class AuditLog {
    private let output: OutputFile

    init(output: OutputFile) { self.output = output }

    func autoBlock(_ entry: BlocklistEntry, at time: Nanoseconds) {
        var line = "{\"ts\":\(Self.seconds(time)),\"op\":\"add\",\"entry\":\"\(entry.entryText)\",\"kind\":\"auto\",\"by\":\"\(entry.source)\""
        if let expires = entry.expiresAt { line += ",\"ttl\":\(Double((expires - time) / 1_000_000) / 1000)" }
        output.write(line + "}\n")
        output.flush()
    }

    func update(_ u: BlocklistUpdate, by origin: String, applied: Bool) {
        var line = "{\"ts\":\(Self.seconds(u.time)),\"op\":\"\(u.operation.rawValue)\",\"entry\":\"\(u.entry.entryText)\""
        if u.entry.side == .allow { line += ",\"list\":\"allow\"" }
        line += ",\"kind\":\"\(u.entry.kind.name)\""
        if let ttl = u.ttlNanoseconds { line += ",\"ttl\":\(Double(ttl / 1_000_000) / 1000)" }
        line += ",\"by\":\"\(origin)\""
        if !applied { line += ",\"refused\":true" }
        output.write(line + "}\n")
        output.flush()
    }

    private static func seconds(_ ns: Int64) -> String {
        let frac = String(ns % 1_000_000_000)
        return "\(ns / 1_000_000_000)." + String(repeating: "0", count: 9 - frac.count) + frac
    }
}
