import Foundation
import Testing

/// A scenario written as HEP (what a Homer collector records from its capture agents)
/// replays to the same verdicts as the same scenario captured at the core.
@Suite("callguard generate --hep and replay")
struct HEPReplayCommandTests {
    /// call_id -> verdict and reasons, from a verdicts file.
    static func verdicts(_ path: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let v = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            out[v["call_id"] as! String] = "\(v["verdict"]!) \((v["reasons"] as! [String]).joined(separator: ","))"
        }
        return out
    }

    @Test func hepCarriesTheSameCallsToTheSameVerdicts() throws {
        let plain = CLI.temporary("plain.pcap"), hep = CLI.temporary("hep.pcap")
        let vPlain = CLI.temporary("plain.jsonl"), vHEP = CLI.temporary("hep.jsonl")
        defer {
            for f in [plain, hep, vPlain, vHEP] + [plain, hep].map({ $0.replacingOccurrences(of: ".pcap", with: ".labels.csv") }) {
                try? FileManager.default.removeItem(atPath: f)
            }
        }
        for (out, extra) in [(plain, [String]()), (hep, ["--hep"])] {
            let g = try CLI.run(["generate", "--scenario", "adversarial", "--seed", "41", "--calls", "3000", "--out", out] + extra)
            #expect(g.status == 0, "\(g.stderr)")
        }
        let a = try CLI.run(["replay", plain, "--verdicts", vPlain, "--summary", "json"])
        let b = try CLI.run(["replay", hep, "--verdicts", vHEP, "--summary", "json"])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as! [String: Any]
        let packets = summary["packets"] as! [String: Any]
        #expect(packets["malformed"] as? Int == 0 && packets["not_signalling"] as? Int == 0, "\(packets)")
        let expected = try Self.verdicts(vPlain), got = try Self.verdicts(vHEP)
        #expect(expected.count > 2500)
        #expect(got == expected)
        #expect(expected.values.contains { $0.hasPrefix("block") })
    }
}
