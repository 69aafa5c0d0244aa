import Foundation
import Testing

/// A scenario whose international gateway speaks ISUP over M3UA/SCTP, or SIP-I, instead
/// of SIP replays to the same verdicts for the same calls: detection does not depend on
/// the protocol the calls came in.
@Suite("callguard generate --international isup|sip-i and replay")
struct ISUPLegCommandTests {
    /// call_id -> "verdict reasons protocol", from a verdicts file.
    static func verdicts(_ path: String) throws -> [String: (verdict: String, protocol: String)] {
        var out: [String: (String, String)] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let v = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            out[v["call_id"] as! String] = ("\(v["verdict"]!) \((v["reasons"] as! [String]).joined(separator: ","))",
                                            v["protocol"] as? String ?? "sip")
        }
        return out
    }

    /// The call ids of a labels file, in call order.
    static func labelIDs(_ path: String) throws -> [(id: String, scenario: String)] {
        try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst().map {
            let f = $0.split(separator: ",", omittingEmptySubsequences: false)
            return (String(f[0]), String(f[2]))
        }
    }

    @Test func isupInternationalLegGivesTheSameVerdicts() throws {
        let sip = CLI.temporary("leg-sip.pcap"), isup = CLI.temporary("leg-isup.pcap")
        let vSIP = CLI.temporary("leg-sip.jsonl"), vISUP = CLI.temporary("leg-isup.jsonl")
        let labels = [sip, isup].map { $0.replacingOccurrences(of: ".pcap", with: ".labels.csv") }
        defer { for f in [sip, isup, vSIP, vISUP] + labels { try? FileManager.default.removeItem(atPath: f) } }
        for (out, extra) in [(sip, [String]()), (isup, ["--international", "isup"])] {
            let g = try CLI.run(["generate", "--scenario", "adversarial", "--seed", "43", "--calls", "3000", "--out", out] + extra)
            #expect(g.status == 0, "\(g.stderr)")
        }
        let a = try CLI.run(["replay", sip, "--verdicts", vSIP, "--summary", "json"])
        let b = try CLI.run(["replay", isup, "--verdicts", vISUP, "--summary", "json"])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        let packets = try [a, b].map { (try JSONSerialization.jsonObject(with: Data($0.stdout.utf8)) as! [String: Any])["packets"] as! [String: Any] }
        // Every SCTP packet is signalling: the simulator's M3UA, CRC32c and ISUP are what the decoder expects.
        #expect(packets[1]["malformed"] as? Int == 0 && packets[1]["not_signalling"] as? Int == packets[0]["not_signalling"] as? Int,
                "\(packets[1])")

        let sipIDs = try Self.labelIDs(labels[0]), isupIDs = try Self.labelIDs(labels[1])
        let expected = try Self.verdicts(vSIP), got = try Self.verdicts(vISUP)
        #expect(sipIDs.count == isupIDs.count && sipIDs.count > 2500)
        var isupCalls = 0, isupBlocked = 0, differ: [String] = []
        for (s, i) in zip(sipIDs, isupIDs) {
            #expect(s.scenario == i.scenario)
            guard let want = expected[s.id], let have = got[i.id] else {
                differ.append("\(s.id)/\(i.id): not screened")
                continue
            }
            if have.protocol == "isup" {
                isupCalls += 1
                if have.verdict.hasPrefix("block") { isupBlocked += 1 }
            }
            if want.verdict != have.verdict { differ.append("\(s.scenario) \(s.id) \(want.verdict) / \(i.id) \(have.verdict)") }
        }
        #expect(differ.isEmpty, "\(differ.count) calls differ: \(differ.prefix(5))")
        // The gateway's honest foreign callers and its spoofed home numbers came as ISUP.
        #expect(isupCalls > 60 && isupBlocked > 15, "\(isupCalls) ISUP calls, \(isupBlocked) blocked")
        print("isup leg: \(isupCalls) of \(sipIDs.count) calls came as ISUP, \(isupBlocked) of them blocked; every verdict equals the SIP run's")

        // SIP-I: the same calls, the gateway's INVITEs carrying their IAM; Call-IDs unchanged.
        let sipI = CLI.temporary("leg-sipi.pcap"), vSIPI = CLI.temporary("leg-sipi.jsonl")
        defer { for f in [sipI, vSIPI, sipI.replacingOccurrences(of: ".pcap", with: ".labels.csv")] { try? FileManager.default.removeItem(atPath: f) } }
        let g = try CLI.run(["generate", "--scenario", "adversarial", "--seed", "43", "--calls", "3000", "--out", sipI, "--international", "sip-i"])
        #expect(g.status == 0, "\(g.stderr)")
        let c = try CLI.run(["replay", sipI, "--verdicts", vSIPI, "--summary", "json"])
        #expect(c.status == 0, "\(c.stderr)")
        let interworked = try Self.verdicts(vSIPI)
        #expect(interworked.count == expected.count)
        #expect(interworked.values.filter { $0.protocol == "sip-i" }.count == isupCalls)
        let changed = interworked.filter { entry in expected[entry.key].map { $0.verdict } != entry.value.verdict }
        #expect(changed.isEmpty, "\(changed.count) SIP-I calls differ")
    }

    @Test func theLegIsSIPOrISUPAndNotHEP() throws {
        let out = CLI.temporary("leg-bad.pcap")
        for (args, message) in [(["--international", "sigtran"], "must be sip, isup or sip-i"), (["--international", "isup", "--hep"], "cannot be combined")] {
            let r = try CLI.run(["generate", "--scenario", "smoke", "--out", out] + args)
            #expect(r.status == 2 && r.stderr.contains(message), "\(r.stderr)")
        }
    }
}
