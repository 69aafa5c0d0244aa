import Blocklist
import Engine
import Numbering
import NIOConcurrencyHelpers
import Testing
@testable import Server

/// Keeps what the service would hand to `--store`.
final class RecordingSink: RecordSink {
    private let records = NIOLockedValueBox<[StoreRecord]>([])
    func submit(_ record: StoreRecord) { records.withLockedValue { $0.append(record) } }
    var all: [StoreRecord] { records.withLockedValue { $0 } }
    var verdicts: [VerdictRow] { all.compactMap { if case .verdict(let v) = $0 { v } else { nil } } }
    var audit: [AuditRow] { all.compactMap { if case .audit(let a) = $0 { a } else { nil } } }
}

@Suite("serve: rows for --store")
struct StoreRowsTests {
    @Test func oneVerdictRowPerScreenedSetupNotPerRetransmission() throws {
        let sink = RecordingSink()
        let h = try ServiceHarness(blocked: ["+8617012345678"], records: sink)
        _ = h.send(SIPRequests.invite(caller: "+8613800000001", callID: "allowed-1"))
        _ = h.send(SIPRequests.invite(caller: "+8617012345678", callID: "blocked-1"))
        _ = h.send(SIPRequests.invite(caller: "+8617012345678", callID: "blocked-1"))  // retransmission
        let rows = sink.verdicts
        #expect(rows.map(\.callID) == ["allowed-1", "blocked-1"])
        #expect(rows.map(\.verdict) == ["allow", "block"])
        let blocked = try #require(rows.last)
        #expect(blocked.caller == "+8617012345678")
        #expect(blocked.callee == "+8613912345678")
        #expect(blocked.reasons == ["reported"])
        #expect(blocked.matchedEntry == "+8617012345678")
        #expect(blocked.source == "192.0.2.10:5060")
        #expect(blocked.signalling == "sip")
        #expect(blocked.latencyNanoseconds > 0)
        #expect(rows.first?.matchedEntry == nil)
    }

    @Test func wireTextIsMadeStorable() {
        let bytes: [UInt8] = Array("id-".utf8) + [0, 0xff] + Array("-x".utf8)
        let text = bytes.withUnsafeBytes { VerdictRow.storable($0) }
        #expect(!text.unicodeScalars.contains("\0"))
        #expect(text == "id-\u{FFFD}\u{FFFD}-x")
    }

    @Test func listChangesBecomeAuditRows() throws {
        let sink = RecordingSink()
        let log = AuditLog(output: nil, records: sink)
        let number = try #require(PhoneNumber(e164: "+8617012345678"))
        log.autoBlock(BlocklistEntry(number: number, kind: .auto, source: "wangiri", expiresAt: 5_000_000_000), at: 1_000_000_000)
        log.update(BlocklistUpdate(time: 2_000_000_000, operation: .remove, entry: BlocklistEntry(number: number)), by: "admin",
                   applied: false)
        #expect(sink.audit == [
            AuditRow(time: 1_000_000_000, operation: "add", entry: "+8617012345678", list: "block", kind: "auto", ttlSeconds: 4,
                     origin: "wangiri", refused: false),
            AuditRow(time: 2_000_000_000, operation: "remove", entry: "+8617012345678", list: "block", kind: "reported",
                     ttlSeconds: nil, origin: "admin", refused: true),
        ])
    }
}
