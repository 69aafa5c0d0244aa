import Foundation
import Testing

@Suite("callguard blocklist and replay with live lists")
struct BlocklistCommandTests {
    @Test func checkExitsZeroOnlyWhenEveryNumberIsBlocked() throws {
        let all = try CLI.run(["blocklist", "check", "traces/demo.blocklist", "+8617012345678", "tel:+88216001234"])
        #expect(all.status == 0, "\(all.stderr)")
        let lines = all.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("blocked by blocklist entry +8617012345678 (exact, kind reported, source demo.blocklist)"))
        #expect(lines[1].contains("blocked by blocklist entry +88216* (prefix, kind range"))

        let some = try CLI.run(["blocklist", "check", "traces/demo.blocklist", "008617012345678", "13812345678"])
        #expect(some.status == 1 && some.stderr.isEmpty)
        #expect(some.stdout.contains("13812345678\t+8613812345678\tnot listed"))

        let bad = try CLI.run(["blocklist", "check", "traces/demo.blocklist", "+8617012345678", "alice"])
        #expect(bad.status == 2 && bad.stderr.contains("'alice' is not a telephone number") && bad.stdout.isEmpty)
    }

    @Test func allowlistWinsInCheckAndTheAnswerSaysWhy() throws {
        let allow = CLI.temporary("allow.list")
        try "+8617012345678   # a known call centre\n".write(toFile: allow, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: allow) }
        let r = try CLI.run(["blocklist", "check", "traces/demo.blocklist", "--allowlist", allow, "+8617012345678"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("allowed by allowlist entry +8617012345678 (exact, kind allow"))
    }

    @Test func compiledSnapshotAnswersLikeTheTextAndStatsDescribeIt() throws {
        let list = CLI.temporary("big.list")
        var text = "# generated\n+88216*,range\n"
        for i in 0..<20_000 { text += "+86139\(String(10_000_000 + i * 3))\n" }
        text += "not-a-number\n"
        try text.write(toFile: list, atomically: true, encoding: .utf8)
        let snapshot = CLI.temporary("big.cgbl")
        defer { for p in [list, snapshot] { try? FileManager.default.removeItem(atPath: p) } }

        let c = try CLI.run(["blocklist", "compile", list, "-o", snapshot])
        #expect(c.status == 0)
        #expect(c.stdout.contains("20001 entries compiled"))
        #expect(c.stderr.contains(":20003: 'not-a-number' is not a telephone number or prefix (line skipped)"))
        let strict = try CLI.run(["blocklist", "compile", list, "-o", snapshot + ".strict", "--strict"])
        #expect(strict.status == 2 && strict.stderr.split(separator: "\n").count == 1 && strict.stderr.contains(":20003:"))
        #expect(!FileManager.default.fileExists(atPath: snapshot + ".strict"))

        let numbers = ["+8613910000000", "+8613910000001", "+8613910059997", "+88216555"]
        let fromText = try CLI.run(["blocklist", "check", list] + numbers)
        let fromSnapshot = try CLI.run(["blocklist", "check", snapshot] + numbers)
        #expect(fromText.status == 1 && fromSnapshot.status == 1)
        #expect(fromText.stdout == fromSnapshot.stdout)
        #expect(fromSnapshot.stdout.split(separator: "\n").map { $0.contains("blocked") } == [true, false, true, true])

        let stats = try CLI.run(["blocklist", "stats", snapshot])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("blocklist   20001 entries: 20000 exact, 1 prefixes; reported=20000 range=1"))
        #expect(stats.stdout.contains("prefixes    5 digits: 1"))
    }

    @Test func replayAppliesUpdatesAtTraceTimeAndReportsThem() throws {
        // The demo's second call (+8617012345678 at ts 1763800002) is blocked by the list;
        // an update allowlists it just before, and another blocks the fourth caller.
        let updates = CLI.temporary("updates.jsonl")
        try """
        {"ts":1763800001.5,"op":"add","entry":"+8617012345678","list":"allow"}
        {"ts":1763800004,"op":"add","entry":"+8613800001111","kind":"reported","ttl":60}
        """.write(toFile: updates, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: updates) }
        let r = try CLI.run(["replay", "traces/demo.pcap", "--blocklist", "traces/demo.blocklist", "--updates", updates,
                             "--verdicts", "-", "--summary", "none"])
        #expect(r.status == 0, "\(r.stderr)")
        let verdicts = r.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(verdicts.map { $0["verdict"] as! String } == ["allow", "allow", "block", "block", "allow", "allow"])
        #expect(verdicts[1]["match"] as? String == "+8617012345678")
        #expect(verdicts[3]["reasons"] as? [String] == ["reported"])

        let json = try CLI.run(["replay", "traces/demo.pcap", "--blocklist", "traces/demo.blocklist", "--updates", updates,
                                "--summary", "json"])
        let o = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let b = try #require(o["blocklist"] as? [String: Any])
        #expect(b["updates_applied"] as? Int == 2 && b["updates_pending"] as? Int == 0)
        #expect(b["entries_at_end"] as? Int == 4)
    }

    @Test func badUpdatesAreSkippedWithAWarningOrRefusedUnderStrict() throws {
        let updates = CLI.temporary("bad-updates.jsonl")
        try "{\"ts\":1763800004,\"op\":\"add\",\"entry\":\"+8613800001111\"}\n{\"ts\":1763800005,\"op\":\"ban\",\"entry\":\"+861\"}\n"
            .write(toFile: updates, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: updates) }
        let lenient = try CLI.run(["replay", "traces/demo.pcap", "--updates", updates, "--rules", "none", "--summary", "json"])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains(":2: op 'ban' is not add, remove or reset (line skipped)"))
        let o = try JSONSerialization.jsonObject(with: Data(lenient.stdout.utf8)) as! [String: Any]
        #expect((o["verdicts"] as! [String: Any])["block"] as? Int == 1)

        let strict = try CLI.run(["replay", "traces/demo.pcap", "--updates", updates, "--strict"])
        #expect(strict.status == 2)
        #expect(strict.stderr == "callguard: \(updates):2: op 'ban' is not add, remove or reset\n")
    }
}
