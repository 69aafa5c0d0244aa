import Calls
import Engine
import Foundation
import Testing
import Wire

/// ISUP calls as CallGuard follows them, against the calls Wireshark's decoding of the
/// same captures implies: every IAM starts a call on its circuit; ANM or CON answers it;
/// a REL ends it, as answered after an answer, as abandoned when the caller's side sends
/// it first and as refused when the callee's side does.
@Suite("ISUP calls against Wireshark's messages")
struct ISUPCallConformanceTests {
    /// Outcomes from tshark's rows (`frame, time, opc, dpc, cic, type, name, ...`).
    static func outcomes(_ rows: [[String]]) -> (total: Int, answered: Int, cancelled: Int, rejected: Int, open: Int) {
        struct Call { var origin: String; var answered = false }
        var live: [String: Call] = [:]
        var total = 0, answered = 0, cancelled = 0, rejected = 0
        for r in rows where !r[2].isEmpty {
            let ends = [r[2], r[3]].sorted()
            let circuit = ends[0] + "/" + ends[1] + "/" + r[4]
            switch r[6] {
            case "IAM":
                if live[circuit] == nil { total += 1; live[circuit] = Call(origin: r[2]) }
            case "ANM", "CON":
                live[circuit]?.answered = true
            case "REL":
                guard let c = live.removeValue(forKey: circuit) else { continue }
                if c.answered { answered += 1 } else if c.origin == r[2] { cancelled += 1 } else { rejected += 1 }
            default:
                break
            }
        }
        return (total, answered + live.values.filter(\.answered).count, cancelled, rejected, live.values.filter { !$0.answered }.count)
    }

    @Test(.enabled(if: WiresharkConformanceTests.available, "../shared/conformance is absent (repository cloned on its own): skipped"))
    func callsAndOutcomesMatchWiresharksMessages() throws {
        let root = WiresharkConformanceTests.root
        let files = try FileManager.default.subpathsOfDirectory(atPath: root + "/expected").filter { $0.hasSuffix(".isup.tsv") }.sorted()
        var calls = 0
        for tsv in files {
            let capture = String(tsv.dropLast(".isup.tsv".count))
            let rows = try String(contentsOfFile: root + "/expected/" + tsv, encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            let want = Self.outcomes(rows)
            guard want.total > 0 else { continue }  // SIP-I only: those calls are SIP calls
            let result = ReplayEngine().run(try CaptureMerger(paths: [root + "/" + capture]))
            let s = result.calls
            let got = (s.total, s[.answered], s[.cancelled], s[.rejected], s[.inProgress] + s[.timedOut])
            #expect(got == want, "\(capture): callguard \(got), from wireshark's messages \(want)")
            #expect(result.verdicts.reduce(0, +) == want.total, "\(capture): every IAM is screened")
            calls += want.total
            print("conformance: \(capture): \(want.total) ISUP calls, \(want.answered) answered, \(want.cancelled) abandoned, \(want.rejected) refused")
        }
        #expect(calls >= 1000)
    }
}
