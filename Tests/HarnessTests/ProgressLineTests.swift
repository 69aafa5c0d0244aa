@testable import Harness
import Testing

/// The progress line: what it says, and that it writes a few times a second at most.
@Suite("Progress line")
struct ProgressLineTests {
    @Test func shareCountRateAndTimeLeft() {
        #expect(ProgressLine.text(label: "replay", unit: "packets", count: 1_250_000, fraction: 0.25, detail: "", elapsed: 4)
                == "replay  25%  1.25 M packets  313 k packets/s  0:12 left")
        #expect(ProgressLine.text(label: "bench", unit: "runs", count: 3, fraction: nil, detail: "default on a.pcap", elapsed: 2)
                == "bench  3 runs  2 runs/s  default on a.pcap")
        #expect(ProgressLine.amount(950) == "950" && ProgressLine.amount(12_540) == "12.5 k" && ProgressLine.amount(3_000_000) == "3.00 M")
        #expect(ProgressLine.duration(7) == "0:07" && ProgressLine.duration(750) == "12:30" && ProgressLine.duration(3723) == "1:02:03")
    }

    @Test func writesAtMostOncePerIntervalAndClearsAtTheEnd() {
        var written: [String] = []
        let line = ProgressLine(label: "generate", unit: "calls", minimumInterval: 200_000_000, now: 0) { written.append($0) }
        line.update(count: 1024, fraction: 0.1, now: 100_000_000)
        line.update(count: 2048, fraction: 0.2, now: 150_000_000)   // too soon: skipped
        line.update(count: 3072, fraction: 0.3, now: 400_000_000)
        line.finish()
        #expect(written.count == 3)
        #expect(written[0].hasPrefix("\rgenerate  10%  1024 calls") && written[0].hasSuffix("\u{1B}[K"))
        #expect(written[1].hasPrefix("\rgenerate  30%  3072 calls"))
        #expect(written[2] == "\r\u{1B}[K")
    }
}
