import Engine
import Harness
import Policy
import Testing

@Suite("Scoring against labels")
struct ScoringTests {
    /// Known values of the 95% Wilson interval (worked from the formula by hand):
    /// 0 of 600 is not 0% but up to 0.635%; 0 of 10,000 up to 0.0384%.
    @Test func wilsonIntervalsAreHonestAtZeroAndSmallN() {
        func close(_ a: (low: Double, high: Double), _ low: Double, _ high: Double) -> Bool {
            abs(a.low - low) < 5e-5 && abs(a.high - high) < 5e-5
        }
        #expect(close(Wilson.interval(0, of: 600), 0, 0.006362))
        #expect(close(Wilson.interval(0, of: 10_000), 0, 0.000384))
        #expect(close(Wilson.interval(5, of: 10), 0.236593, 0.763407))
        #expect(close(Wilson.interval(44, of: 50), 0.761952, 0.943824))
        #expect(Wilson.interval(0, of: 0) == (0, 1), "no calls, no knowledge")
        let full = Wilson.interval(20, of: 20)
        #expect(full.high == 1 && full.low > 0.83 && full.low < 0.84)
    }

    /// Labels written on Windows (CRLF) read like LF ones; the optional sixth column names
    /// the campaign source, which scores calls-before-block per source as well as per
    /// presented number.
    @Test func crlfLabelsAndCampaignSources() throws {
        let text = "call_id,label,scenario,caller,callee,source\r\n"
            + "a,fraud,flood,+8617000000001,+8613900000001,flood#0\r\n"
            + "b,fraud,flood,+8617000000002,+8613900000002,flood#0\r\n"
            + "c,fraud,flood,+8617000000003,+8613900000003,flood#0\r\n"
            + "d,legit,normal,+8613800000004,+8613900000004,\r\n"
        let labels = try LabelFile(text: text, path: "l.csv")
        #expect(labels.rows.count == 4 && labels.rows[0].source == "flood#0" && labels.rows[3].callee == "+8613900000004")
        var scorer = Scorer(labels: labels)
        for (id, v) in [("a", Verdict.allow), ("b", .allow), ("c", .block), ("d", .allow)] { scorer.add(callID: id, verdict: v) }
        let s = scorer.finish()
        // Each rotating number is a fresh "source" with 0 or 1 calls before block; the
        // campaign behind them got two calls through before its first block.
        #expect(s.callsBeforeBlock == ["+8617000000001": 1, "+8617000000002": 1, "+8617000000003": 0])
        #expect(s.callsBeforeBlockBySource == ["flood#0": 2])
        #expect(s.fraud.interval.low > 0 && s.fraud.interval.high < 1)

        #expect(throws: LabelFile.Error.self) { try LabelFile(text: "call_id,label,scenario,caller,callee,source\r\na,fraud,x,+1,+2\r\n", path: "l.csv") }
        do {
            _ = try LabelFile(text: "call_id,label,scenario,caller,callee,source\na,fraud,x,+1,+2\n", path: "l.csv")
        } catch {
            #expect(error.description == "l.csv:2: expected 6 fields: call_id,fraud|legit,scenario,caller,callee,source")
        }
    }
}
