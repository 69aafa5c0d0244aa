import Foundation
import Testing

@Suite("callguard generate")
struct GenerateCommandTests {
    @Test func listNamesTheBuiltInScenarios() throws {
        let r = try CLI.run(["generate", "--list"])
        #expect(r.status == 0)
        let names = r.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(names.contains("smoke") && names.contains("busy-hour"))
        // --show prints a built-in as YAML that generates the same trace from a file.
        let shown = try CLI.run(["generate", "--show", "smoke"])
        #expect(shown.status == 0 && shown.stdout.hasPrefix("name: smoke\n"))
        let file = CLI.temporary("smoke.yaml")
        try shown.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let a = CLI.temporary("a.pcap"), b = CLI.temporary("b.pcap")
        defer { for f in [file, a, b, a.replacingOccurrences(of: ".pcap", with: ".labels.csv"),
                          b.replacingOccurrences(of: ".pcap", with: ".labels.csv")] { try? FileManager.default.removeItem(atPath: f) } }
        #expect(try CLI.run(["generate", "--scenario", "smoke", "--calls", "60", "--out", a]).status == 0)
        #expect(try CLI.run(["generate", "--scenario", file, "--calls", "60", "--out", b]).status == 0)
        #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
        #expect(try CLI.run(["generate", "--show", "nope"]).status == 2)
    }

    @Test func writesATraceThatReplaysAndItsLabels() throws {
        let out = CLI.temporary("gen.pcap")
        let labels = String(out.dropLast(5)) + ".labels.csv"
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: labels)
        }
        let g = try CLI.run(["generate", "--scenario", "smoke", "--seed", "3", "--calls", "120", "--out", out])
        #expect(g.status == 0, "\(g.stderr)")
        let rows = try String(contentsOfFile: labels, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "call_id,label,scenario,caller,callee,source")
        // The summary line reports the calls written; the labels hold one row for each.
        #expect(g.stdout.contains("\(rows.count - 1) calls"))

        let r = try CLI.run(["replay", out, "--summary", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let calls = summary["calls"] as! [String: Any]
        #expect(calls["total"] as? Int == rows.count - 1)
    }

    @Test func badScenarioFileNamesFileAndLineAndExitsTwo() throws {
        let file = CLI.temporary("bad.yaml")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "name: bad\nstart: 2025-11-20T10:00:00Z\nduration: forever\n".write(toFile: file, atomically: true, encoding: .utf8)
        let out = CLI.temporary("never.pcap")
        let r = try CLI.run(["generate", "--scenario", file, "--out", out])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("callguard: \(file):3: duration: 'forever' is not a duration"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out), "nothing written for a bad scenario")
    }

    @Test func unknownScenarioAndBadArgumentsExitTwo() throws {
        let missing = try CLI.run(["generate", "--scenario", "no-such-scenario", "--out", CLI.temporary("x.pcap")])
        #expect(missing.status == 2)
        #expect(missing.stderr == "callguard: no-such-scenario: neither a built-in scenario (smoke, busy-hour, adversarial) nor a file\n", "\(missing.stderr)")
        let noOut = try CLI.run(["generate", "--scenario", "smoke", "--out", "trace.txt"])
        #expect(noOut.status == 2 && noOut.stderr.contains("--out must name a .pcap file"))
        let unwritable = try CLI.run(["generate", "--scenario", "smoke", "--out", "/nonexistent-dir/x.pcap"])
        #expect(unwritable.status == 2 && unwritable.stderr.contains("/nonexistent-dir/x.pcap"), "\(unwritable.stderr)")
    }
}
