import Foundation
import PacketCrafting
import Testing

/// ISUP calls go through the same screening as SIP calls: an SS7 trunk declared by point
/// code gives them their entry role, lists and detectors judge them, and their verdicts
/// say `"protocol":"isup"`.
@Suite("callguard replay: ISUP")
struct ISUPReplayCommandTests {
    /// Three calls over MTP2: from the international gateway's point code presenting a
    /// home mobile number (spoofed), from a domestic exchange presenting a blocklisted
    /// number, from the same exchange presenting an ordinary one.
    static func trace(_ path: String) -> Bool {
        let intl = ISUPCallScript(opc: 2001, dpc: 100, cic: 1)
        let domestic = ISUPCallScript(opc: 3001, dpc: 100, cic: 2)
        let ordinary = ISUPCallScript(opc: 3001, dpc: 100, cic: 3)
        let w = PcapWriter(linkType: ISUPCallScript.linkType)
        let t0: Int64 = 1_700_000_000_000_000_000
        let frames: [([UInt8], Int64)] = [
            (intl.iam(called: "13987654321", calling: "13812345678", screening: 0), 0),
            (domestic.iam(called: "13987654322", calling: "13600000666"), 1),
            (ordinary.iam(called: "13987654323", calling: "13912340000"), 2),
            (ordinary.reversed.acm(), 3), (ordinary.reversed.anm(), 6), (ordinary.rel(cause: 16), 66), (ordinary.reversed.rlc(), 67),
        ]
        for (f, s) in frames { w.add(f, nanoseconds: t0 + s * 1_000_000_000) }
        return w.write(to: path)
    }

    @Test func ss7TrunksByPointCodeListsAndDetectorsJudgeISUPCalls() throws {
        let pcap = CLI.temporary("isup.pcap"), rules = CLI.temporary("ss7-rules.yaml")
        let list = CLI.temporary("ss7-list.txt"), verdicts = CLI.temporary("isup.jsonl")
        defer { for f in [pcap, rules, list, verdicts] { try? FileManager.default.removeItem(atPath: f) } }
        #expect(Self.trace(pcap))
        let shown = try CLI.run(["rules", "show"])
        #expect(shown.status == 0)
        // The built-in rule set with an SS7 international gateway (point code 2001) added.
        let yaml = shown.stdout.replacingOccurrences(of: "name: default\n", with: "name: ss7\n")
            .replacingOccurrences(of: "trunks:\n", with: "trunks:\n  - {name: intl-stp, role: international, point_codes: [2001]}\n")
        try yaml.write(toFile: rules, atomically: true, encoding: .utf8)
        try "+8613600000666\n".write(toFile: list, atomically: true, encoding: .utf8)

        let r = try CLI.run(["replay", pcap, "--rules", rules, "--blocklist", list, "--verdicts", verdicts, "--summary", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: verdicts, encoding: .utf8).split(separator: "\n")
        let v = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(v.count == 3)
        #expect(v.allSatisfy { $0["protocol"] as? String == "isup" })
        #expect(v.map { $0["call_id"] as? String } == ["2001-100-1@1700000000.000000", "3001-100-2@1700000001.000000", "3001-100-3@1700000002.000000"])
        #expect(v.map { $0["caller"] as? String } == ["+8613812345678", "+8613600000666", "+8613912340000"])
        #expect(v[0]["verdict"] as? String == "block" && (v[0]["reasons"] as? [String])?.contains("spoofed_origin") == true)
        #expect(v[1]["verdict"] as? String == "block" && v[1]["match"] as? String == "+8613600000666", "\(v[1])")
        #expect(v[2]["verdict"] as? String == "allow")
        let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let calls = summary["calls"] as! [String: Any]
        #expect(calls["total"] as? Int == 3 && calls["answered"] as? Int == 1, "\(calls)")

        // Without the point code the same call enters nowhere in particular and is not spoofed.
        let plain = try CLI.run(["replay", pcap, "--verdicts", verdicts])
        #expect(plain.status == 0, "\(plain.stderr)")
        let first = try JSONSerialization.jsonObject(with: Data(try String(contentsOfFile: verdicts, encoding: .utf8).split(separator: "\n")[0].utf8)) as! [String: Any]
        #expect(first["verdict"] as? String == "allow")
    }

    @Test func aTrunkNeedsAddressesOrPointCodes() throws {
        let rules = CLI.temporary("bad-trunk.yaml")
        defer { try? FileManager.default.removeItem(atPath: rules) }
        for (bad, message) in [("{name: x, role: domestic}", "needs 'cidr'"), ("{name: x, role: domestic, point_codes: [2-3-4]}", "not a point code")] {
            try "name: bad\ntrunks:\n  - \(bad)\n".write(toFile: rules, atomically: true, encoding: .utf8)
            let r = try CLI.run(["rules", "check", rules])
            #expect(r.status == 2 && r.stderr.contains(message) && r.stderr.contains(rules), "\(r.stderr)")
        }
    }
}
