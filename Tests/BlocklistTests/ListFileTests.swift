import Blocklist
import Numbering
import Testing

@Suite("List files: normalisation, fields, bad lines")
struct ListFileTests {
    let normalizer = NumberNormalizer()

    @Test(arguments: ["013812345678", "+86 138-1234-5678", "008613812345678", "tel:+8613812345678",
                      "13812345678", "sip:+8613812345678@ims.example.net;user=phone", "tel:13812345678;phone-context=+86",
                      "TEL:+86(138)12345678"])
    func everyWrittenFormMatchesOneEntry(_ form: String) throws {
        let l = try list("013812345678  # national form\n")
        let (number, isPrefix) = try #require(EntryText.parse(form, normalizer: normalizer))
        #expect(!isPrefix)
        #expect(l.match(number, at: 0)?.entryText == "+8613812345678")
        // And the form itself, as a list line, names the same entry.
        let l2 = try list(form + "\n")
        #expect(l2.match(e164("+8613812345678"), at: 0) != nil)
    }

    @Test func commentsBlankLinesKindsAndTTL() throws {
        let l = try list("# header\n\n+8695588,auto,3600\n   \n+86170*   # default kind of a prefix\n+8613800000000 ,, \r\n", at: 1_000_000_000)
        #expect(l.entryCount == 3)
        let m = try #require(l.match(e164("+8695588"), at: 0))
        #expect(m.kind == .auto && m.expiresAtMilliseconds == 3_601_000)
        #expect(l.match(e164("+8617000000000"), at: 0)?.kind == .range)
        #expect(l.match(e164("+8613800000000"), at: 0)?.kind == .reported)
    }

    @Test func ttlWithoutABaseIsLeftForTheReplayToStart() throws {
        let l = LiveBlocklist()
        var text = "+8613800000001,reported,1.5\n+8613800000002\n"
        let report = try text.withUTF8 {
            try ListFile.load(UnsafeRawBufferPointer($0), path: "x.list", side: .block, into: l, normalizer: normalizer,
                              policy: .strict, ttlBase: nil)
        }
        #expect(report.entries == 2 && l.entryCount == 1)
        #expect(report.timedEntries.map(\.ttlNanoseconds) == [1_500_000_000])
        #expect(report.timedEntries.first?.entry.source == "x.list")
    }

    @Test func ttlUpToNineDigitsOfSeconds() {
        let ns = { (t: String) in Array(t.utf8).withUnsafeBytes { ListFile.seconds($0) } }
        #expect(ns("999999999") == 999_999_999_000_000_000)
        #expect(ns("999999999.999999999") == 999_999_999_999_999_999)
        #expect(ns("9999999999") == nil)
        #expect(ns("99999999999999999999") == nil)
        #expect(ns("1.5") == 1_500_000_000)
    }

    @Test(arguments: [
        ("+8613812345678\nalice\n", "bad.list:2: 'alice' is not a telephone number or prefix"),
        ("+8613812345678,reported,soon\n", "bad.list:1: ttl 'soon' is not a positive number of seconds"),
        ("+8613812345678,reported,0\n", "bad.list:1: ttl '0' is not a positive number of seconds"),
        // Ten digits of seconds used to overflow the nanoseconds and trap (fuzzer find, 2026-12-05).
        ("+86,auto,9600000300.\n", "bad.list:1: ttl '9600000300.' is not a positive number of seconds"),
        ("+8613812345678,reported,1000000000\n", "bad.list:1: ttl '1000000000' is not a positive number of seconds"),
        ("\n\n+8613812345678,bogus\n", "bad.list:3: unknown kind 'bogus' (expected reported, range or auto)"),
        ("+8613812345678,allow\n", "bad.list:1: unknown kind 'allow' (expected reported, range or auto)"),
        ("+8613812345678,reported,60,extra\n", "bad.list:1: expected 'number[,kind[,ttl]]', found 4 fields"),
        ("*\n", "bad.list:1: '*' is not a telephone number or prefix"),
        (",reported\n", "bad.list:1: '' is not a telephone number or prefix"),
        ("+8612345678901234567\n", "bad.list:1: '+8612345678901234567' is not a telephone number or prefix"),
    ])
    func strictLoadFailsOnTheFirstBadLineNamingFileAndLine(_ text: String, _ message: String) {
        var t = text
        #expect(throws: LineError.self) {
            try t.withUTF8 {
                _ = try ListFile.load(UnsafeRawBufferPointer($0), path: "bad.list", side: .block, into: LiveBlocklist(),
                                      normalizer: normalizer, policy: .strict, ttlBase: 0)
            }
        }
        do {
            try t.withUTF8 {
                _ = try ListFile.load(UnsafeRawBufferPointer($0), path: "bad.list", side: .block, into: LiveBlocklist(),
                                      normalizer: normalizer, policy: .strict, ttlBase: 0)
            }
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func defaultLoadSkipsAndCountsBadLines() throws {
        let l = LiveBlocklist()
        var text = "+8613800000001\nalice\n+8613800000002,bogus\n+8613800000003\n"
        let report = try text.withUTF8 {
            try ListFile.load(UnsafeRawBufferPointer($0), path: "mixed.list", side: .block, into: l, normalizer: normalizer,
                              policy: .skip, ttlBase: 0)
        }
        #expect(report.entries == 2 && report.skipped == 2)
        #expect(report.firstErrors.map(\.line) == [2, 3])
        #expect(l.entryCount == 2)
        #expect(l.isBlocked(e164("+8613800000003"), at: 0))
    }

    @Test func allowlistLinesTakeOnlyTheAllowKind() throws {
        let l = try list("", allow: "+86110,allow\n+86120\n")
        #expect(l.match(e164("+86120"), at: 0)?.kind == .allow)
        #expect(throws: LineError.self) { _ = try list("", allow: "+86110,reported\n") }
    }
}

@Suite("List memory")
struct ListMemoryTests {
    @Test func bulkLoadUsesAtMost24BytesPerExactEntry() throws {
        var text = ""
        for i in 0..<200_000 { text += "+86138\(String(10_000_000 + 37 * i))\n" }
        let l = try list(text)
        #expect(l.entryCount == 200_000)
        let exact = l.tableStatistics().tables[0]
        let perEntry = Double(exact.bytes) / Double(exact.live)
        #expect(perEntry <= 24, "\(perEntry) bytes per exact entry")
        #expect(l.tableStatistics().rebuilds <= 1)  // sized once from the line count, not grown step by step
    }
}
