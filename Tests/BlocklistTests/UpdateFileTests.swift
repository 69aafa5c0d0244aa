import Blocklist
import Numbering
import Testing

@Suite("Blocklist update files (JSON Lines)")
struct UpdateFileTests {
    let normalizer = NumberNormalizer()

    @Test func contractExampleAndExtras() throws {
        let text = """
        {"ts":1700000100.0,"op":"add","entry":"+8617012345678","kind":"reported","ttl":3600}
        {"ts":1700000150.25,"op":"add","entry":"+88216*"}

        {"ts":1700000160,"op":"add","entry":"tel:+86110","list":"allow","source":"ops"}
        {"ts":1700000200.0,"op":"remove","entry":"+8617012345678"}
        """
        let (updates, report) = try UpdateFile.parse(text, path: "u.jsonl", normalizer: normalizer, policy: .strict)
        #expect(report.entries == 4 && report.skipped == 0)
        #expect(updates.map(\.time) == [1_700_000_100_000_000_000, 1_700_000_150_250_000_000, 1_700_000_160_000_000_000, 1_700_000_200_000_000_000])
        #expect(updates[0].operation == .add && updates[0].ttlNanoseconds == 3_600_000_000_000 && updates[0].entry.kind == .reported)
        #expect(updates[1].entry.isPrefix && updates[1].entry.kind == .range && updates[1].entry.source == "updates")
        #expect(updates[2].entry.side == .allow && updates[2].entry.source == "ops" && updates[2].entry.number == e164("+86110"))
        #expect(updates[3].operation == .remove)

        let l = LiveBlocklist()
        for u in updates.prefix(3) { try l.apply(u) }
        let m = try #require(l.match(e164("+8617012345678"), at: updates[0].time))
        #expect(m.expiresAtMilliseconds == 1_700_003_700_000)
        try l.apply(updates[3])
        #expect(l.match(e164("+8617012345678"), at: updates[3].time) == nil)
    }

    @Test(arguments: [
        (#"{"op":"add","entry":"+8613800000000"}"#, "u.jsonl:1: missing \"ts\""),
        (#"{"ts":"soon","op":"add","entry":"+8613800000000"}"#, "u.jsonl:1: \"ts\" has the wrong type"),
        (#"{"ts":1700000000,"op":"block","entry":"+8613800000000"}"#, "u.jsonl:1: op 'block' is not add, remove or reset"),
        (#"{"ts":1700000000,"op":"add","entry":"bob"}"#, "u.jsonl:1: entry 'bob' is not a telephone number or prefix"),
        (#"{"ts":1700000000,"op":"add","entry":"+8613800000000","ttl":-5}"#, "u.jsonl:1: ttl -5.0 is not a positive number of seconds"),
        (#"{"ts":1700000000,"op":"add","entry":"+8613800000000","kind":"allow"}"#, "u.jsonl:1: kind 'allow' is not valid on the blocklist"),
        (#"{"ts":1700000000,"op":"add","entry":"+8613800000000","list":"grey"}"#, "u.jsonl:1: list 'grey' is not block or allow"),
        ("not json", "u.jsonl:1: not a JSON object"),
        ("{\"ts\":1700000010,\"op\":\"add\",\"entry\":\"+861\"}\n{\"ts\":1700000000,\"op\":\"add\",\"entry\":\"+862\"}",
         "u.jsonl:2: updates must be in time order: ts goes back in time"),
    ])
    func badLinesNameFileAndLine(_ text: String, _ message: String) {
        do {
            _ = try UpdateFile.parse(text, path: "u.jsonl", normalizer: normalizer, policy: .strict)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func badLinesAreSkippedAndCountedByDefault() throws {
        let text = "{\"ts\":1,\"op\":\"add\",\"entry\":\"+8613800000001\"}\nnonsense\n{\"ts\":2,\"op\":\"remove\",\"entry\":\"+8613800000001\"}\n"
        let (updates, report) = try UpdateFile.parse(text, path: "u.jsonl", normalizer: normalizer, policy: .skip)
        #expect(updates.count == 2 && report.skipped == 1 && report.firstErrors.first?.line == 2)
    }
}
