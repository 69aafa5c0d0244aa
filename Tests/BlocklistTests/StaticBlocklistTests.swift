import Blocklist
import Numbering
import Testing

@Suite("Static blocklist")
struct StaticBlocklistTests {
    let normalizer = NumberNormalizer()

    func list(_ text: String) throws -> StaticBlocklist {
        StaticBlocklist(entries: try BlocklistFile.parse(text, path: "test.list", normalizer: normalizer))
    }

    @Test func exactBeatsPrefixAndLongestPrefixWins() throws {
        let l = try list("+86170*,range\n+8617012*,narrow\n+8617012345678,reported\n")
        #expect(l.match(PhoneNumber(e164: "+8617012345678")!)?.kind == "reported")
        #expect(l.match(PhoneNumber(e164: "+8617012000000")!)?.entryText == "+8617012*")
        #expect(l.match(PhoneNumber(e164: "+8617099999999")!)?.entryText == "+86170*")
        #expect(l.match(PhoneNumber(e164: "+8613812345678")!) == nil)
        #expect(l.entryCount == 3)
    }

    @Test func numbersInAnyWrittenFormMatchOneEntry() throws {
        let l = try list("013812345678  # national form\n")
        for form in ["013812345678", "+86 138-1234-5678", "008613812345678", "13812345678"] {
            #expect(l.match(normalizer.normalize(form)!) != nil, "form \(form)")
        }
    }

    @Test func commentsBlankLinesAndOptionalFields() throws {
        let l = try list("# header\n\n+8695588,service,3600\n   \n")
        #expect(l.entryCount == 1)
        #expect(l.match(PhoneNumber(e164: "+8695588")!)?.kind == "service")
    }

    @Test func badLinesNameFileAndLine() {
        #expect(throws: BlocklistFile.LineError.self) { try list("+8613812345678\nnot-a-number\n") }
        do {
            _ = try list("+8613812345678\nalice\n")
        } catch {
            #expect("\(error)" == "test.list:2: 'alice' is not a telephone number or prefix")
        }
        #expect(throws: BlocklistFile.LineError.self) { try list("+8613812345678,reported,soon\n") }
    }
}
