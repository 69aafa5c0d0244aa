import Foundation
import Testing

/// `replay --state-out` / `--state-in`: a capture cut in two and replayed as two runs,
/// the second resuming from the first's state, gets the verdicts one unbroken replay gives.
@Suite("callguard replay with state files")
struct StateFileCommandTests {
    /// Splits a classic little-endian pcap at the second of its median packet: (before, from then on).
    static func split(_ path: String) throws -> (String, String) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func u32(_ i: Int) -> UInt32 { UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24 }
        var records: [(seconds: UInt32, range: Range<Int>)] = []
        var i = 24
        while i + 16 <= bytes.count {
            let length = Int(u32(i + 8))
            records.append((u32(i), i..<(i + 16 + length)))
            i += 16 + length
        }
        let cut = UInt64(records[records.count / 2].seconds)  // the median packet's second
        let header = Array(bytes[0..<24])
        var a = header, b = header
        for r in records {
            if UInt64(r.seconds) < cut { a += bytes[r.range] } else { b += bytes[r.range] }
        }
        let pa = CLI.temporary("a.pcap"), pb = CLI.temporary("b.pcap")
        try Data(a).write(to: URL(fileURLWithPath: pa))
        try Data(b).write(to: URL(fileURLWithPath: pb))
        return (pa, pb)
    }

    /// (call id, verdict, reasons) of every verdict line.
    static func verdicts(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return "\(o["call_id"] ?? "?") \(o["verdict"] ?? "?") \(o["reasons"] ?? "?")"
        }
    }

    @Test func aCaptureReplayedInTwoPartsGetsTheVerdictsOfOne() throws {
        let trace = CLI.temporary("adv.pcap")
        let labels = String(trace.dropLast(5)) + ".labels.csv"
        let whole = CLI.temporary("whole.jsonl"), first = CLI.temporary("a.jsonl"), second = CLI.temporary("b.jsonl")
        let state = CLI.temporary("state.cgstate")
        defer { for f in [trace, labels, whole, first, second, state] { try? FileManager.default.removeItem(atPath: f) } }
        let g = try CLI.run(["generate", "--scenario", "adversarial", "--seed", "11", "--calls", "3000", "--out", trace])
        #expect(g.status == 0, "\(g.stderr)")
        let (a, b) = try Self.split(trace)
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }

        let one = try CLI.run(["replay", trace, "--verdicts", whole, "--summary", "none"])
        #expect(one.status == 0, "\(one.stderr)")
        let ra = try CLI.run(["replay", a, "--verdicts", first, "--state-out", state, "--summary", "none"])
        #expect(ra.status == 0, "\(ra.stderr)")
        let rb = try CLI.run(["replay", b, "--verdicts", second, "--state-in", state, "--summary", "json"])
        #expect(rb.status == 0, "\(rb.stderr)")

        let unbroken = try Self.verdicts(whole)
        let resumed = try Self.verdicts(first) + Self.verdicts(second)
        #expect(unbroken.count > 2500)
        let (na, nb) = (try Self.verdicts(first).count, try Self.verdicts(second).count)
        #expect(na > 1000 && nb > 1000, "\(na) + \(nb)")
        #expect(resumed == unbroken, "first difference: \(zip(resumed, unbroken).first { $0 != $1 }.map { "\($0) vs \($1)" } ?? "lengths")")
        // Calls that were ringing or talking at the cut are finished in the second part,
        // not counted there as unmatched messages.
        let summary = try JSONSerialization.jsonObject(with: Data(rb.stdout.utf8)) as? [String: Any]
        #expect((summary?["calls"] as? [String: Any])?["unmatched_in_dialog"] as? Int == 0)

        // Without the state, the second part starts cold: calls that began in the first
        // part are unmatched and campaigns are seen afresh.
        let coldVerdicts = CLI.temporary("cold.jsonl")
        defer { try? FileManager.default.removeItem(atPath: coldVerdicts) }
        let cold = try CLI.run(["replay", b, "--summary", "json", "--verdicts", coldVerdicts])
        let coldSummary = try JSONSerialization.jsonObject(with: Data(cold.stdout.utf8)) as? [String: Any]
        #expect(((coldSummary?["calls"] as? [String: Any])?["unmatched_in_dialog"] as? Int ?? 0) > 0)
        #expect(try Self.verdicts(coldVerdicts) != Self.verdicts(second), "the state changes the second part's verdicts")
    }

    @Test func damagedForeignOrMismatchedStateIsRefused() throws {
        let state = CLI.temporary("state.cgstate")
        defer { try? FileManager.default.removeItem(atPath: state) }
        let saved = try CLI.run(["replay", "traces/smoke.pcap", "--state-out", state, "--summary", "none"])
        #expect(saved.status == 0, "\(saved.stderr)")
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: state)))
        #expect(good.count > 1000 && good.prefix(7) == ArraySlice("CGSTATE".utf8))

        func refusal(_ bytes: [UInt8], _ extra: [String] = []) throws -> CLI.Output {
            let f = CLI.temporary("bad.cgstate")
            defer { try? FileManager.default.removeItem(atPath: f) }
            try Data(bytes).write(to: URL(fileURLWithPath: f))
            let r = try CLI.run(["replay", "traces/smoke.pcap", "--state-in", f, "--summary", "none"] + extra)
            #expect(r.status == 2)
            #expect(r.stderr.hasPrefix("callguard: \(f): ") && r.stderr.filter { $0 == "\n" }.count == 1, "\(r.stderr)")
            return r
        }
        var damaged = good
        damaged[good.count / 2] ^= 0x40
        #expect(try refusal(damaged).stderr.contains("checksum"))
        var otherVersion = good
        otherVersion[8] = 99
        #expect(try refusal(otherVersion).stderr.contains("version 99"))
        #expect(try refusal(Array(good.prefix(good.count / 3))).stderr.contains("checksum"))
        #expect(try refusal(Array("name: default\n".utf8)).stderr.contains("not a CallGuard state file"))
        let otherRules = try refusal(good, ["--rules", "rules/score.yaml"])
        #expect(otherRules.stderr.contains("detectors"))

        let missing = try CLI.run(["replay", "traces/smoke.pcap", "--state-in", "no/such.cgstate"])
        #expect(missing.status == 2 && missing.stderr.hasPrefix("callguard: no/such.cgstate: "))
        let unwritable = try CLI.run(["replay", "traces/smoke.pcap", "--state-out", "/no/such/dir/s.cgstate", "--summary", "json"])
        #expect(unwritable.status == 2 && unwritable.stderr.hasPrefix("callguard: /no/such/dir/s.cgstate: "))
        #expect(unwritable.stdout.contains("\"packets\""), "the summary is printed before the state write fails")
    }

    /// `--warmup`: the first minutes only teach the detectors; verdicts are allow and say so.
    @Test func warmupLearnsWithoutActing() throws {
        let out = CLI.temporary("warm.jsonl")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try CLI.run(["replay", "traces/smoke.pcap", "--warmup", "20s", "--verdicts", out, "--summary", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        let rows = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let start = rows.first?["ts"] as? Double ?? 0
        let early = rows.filter { ($0["ts"] as? Double ?? 0) < start + 19.9 }
        let late = rows.filter { ($0["ts"] as? Double ?? 0) > start + 20.1 }
        #expect(!early.isEmpty && early.allSatisfy { $0["verdict"] as? String == "allow" && $0["warmup"] as? Bool == true })
        #expect(early.contains { !($0["reasons"] as? [String] ?? []).isEmpty }, "warm-up verdicts still say what would have fired")
        #expect(late.contains { $0["verdict"] as? String == "block" } && late.allSatisfy { $0["warmup"] == nil })

        let none = try CLI.run(["replay", "traces/smoke.pcap", "--warmup", "20s", "--rules", "none"])
        #expect(none.status == 2 && none.stderr.contains("--warmup"))
        let bad = try CLI.run(["replay", "traces/smoke.pcap", "--warmup", "soon"])
        #expect(bad.status == 2 && bad.stderr.contains("'soon' is not a duration"))
    }
}
