import Foundation
import Harness
import Testing
import Wire

/// Compares CallGuard's decoding of the public captures in `../shared/conformance` with
/// tshark 4.0.17's, field by field (`expected/<source>/<capture>.tsv`).
@Suite("Conformance with Wireshark")
struct WiresharkConformanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/conformance").path
    static let available = FileManager.default.fileExists(atPath: root + "/MANIFEST.md")

    /// Captures whose SIP travels in an encapsulation not decoded yet (none now: HEP,
    /// GTP-U, SCTP and WebSocket are). Their rows would be reported but not scored.
    static let deferred: Set<String> = []
    /// HEP captures: CallGuard stamps each message with the capture time the HEP agent
    /// recorded, tshark (with hep.lua) with the collector's frame time; every other field
    /// must agree.
    static let hepCaptures: Set<String> = ["hep-wireshark/hep.pcap", "hep-wireshark/hep3_compressed.pcap.pcapng"]
    /// libpcap cannot open these (NetMon 2.x): they must fail cleanly instead.
    static let unreadable: Set<String> = ["wireshark-samples/c07-sip-r2.cap"]

    static let fields: [DecodeTable.Field] = [.frame, .time, .method, .status, .callID, .fromUser, .toUser, .userAgent,
                                              .cseqMethod]

    @Test(.enabled(if: available, "../shared/conformance is absent (repository cloned on its own): skipped"))
    func decodedFieldsEqualWireshark() throws {
        let expectedFiles = try FileManager.default.subpathsOfDirectory(atPath: Self.root + "/expected")
            .filter { $0.hasSuffix(".tsv") && !$0.hasSuffix(".isup.tsv") }.sorted()
        #expect(expectedFiles.count >= 50)
        var scored = 0, matched = 0, notSIP = 0, deferredRows = 0
        var report: [String] = []
        for tsv in expectedFiles {
            let capture = String(tsv.dropLast(4))
            let path = Self.root + "/" + capture
            let expected = try String(contentsOfFile: Self.root + "/expected/" + tsv, encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            if Self.unreadable.contains(capture) {
                #expect(throws: CaptureError.self) { try PcapFileReader(path: path) }
                report.append("\(capture): not openable by libpcap (exit 2), \(expected.count) rows not compared")
                continue
            }
            let (rows, counters) = try decode(path)
            if Self.deferred.contains(capture) {
                #expect(counters.malformed == 0, "\(capture): deferred protocols must not count as malformed")
                deferredRows += expected.count
                continue
            }
            #expect(counters.isBalanced && counters.pending == 0, "\(capture): packets not all accounted")
            var byFrame: [String: [[String]]] = [:]
            for r in rows { byFrame[r[0], default: []].append(r) }
            for row in expected {
                // tshark labels some frames on port 5060 "sip" though they carry no SIP start line.
                if row[2].isEmpty && row[3].isEmpty && row[4].isEmpty {
                    notSIP += 1
                    continue
                }
                scored += 1
                guard var candidates = byFrame[row[0]], !candidates.isEmpty else {
                    report.append("\(capture) frame \(row[0]): missing (\(row[2].isEmpty ? row[3] : row[2]))")
                    continue
                }
                let got = candidates.removeFirst()
                byFrame[row[0]] = candidates
                let diffs = Self.fields.indices.filter { i in
                    row[i] != got[i] && !(Self.hepCaptures.contains(capture) && Self.fields[i] == .time)
                        && !Self.telUserUnshown(Self.fields[i], wireshark: row[i], telFrom: got[Self.fields.count] == "tel",
                                                telTo: got[Self.fields.count + 1] == "tel")
                }
                if diffs.isEmpty {
                    matched += 1
                } else {
                    for i in diffs {
                        report.append("\(capture) frame \(row[0]) \(Self.fields[i].rawValue): wireshark '\(row[i].prefix(60))' callguard '\(got[i].prefix(60))'")
                    }
                }
            }
        }
        let ratio = Double(matched) / Double(max(scored, 1))
        print("conformance: \(matched)/\(scored) Wireshark SIP messages identical (\(String(format: "%.2f", ratio * 100))%); "
              + "\(notSIP) tshark rows without SIP fields skipped; \(deferredRows) rows in deferred encapsulations")
        for line in report { print("conformance: " + line) }
        #expect(scored >= 1300)
        #expect(ratio >= 0.99, "only \(matched) of \(scored) messages match Wireshark")
    }

    /// ISUP over MTP2, M2PA and M3UA (RFC 4666 and draft-6): OPC, DPC, CIC, message type
    /// and the IAM's called and calling digits, against tshark's `*.isup.tsv`, ISUP inside
    /// SIP-I bodies included (no point codes or circuit there).
    @Test(.enabled(if: available, "../shared/conformance is absent (repository cloned on its own): skipped"))
    func isupEqualsWireshark() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.root + "/expected").filter { $0.hasSuffix(".isup.tsv") }.sorted()
        var scored = 0, matched = 0, sipI = 0
        var report: [String] = []
        for tsv in files {
            let capture = String(tsv.dropLast(".isup.tsv".count))
            let expected = try String(contentsOfFile: Self.root + "/expected/" + tsv, encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            let source = try CaptureMerger(paths: [Self.root + "/" + capture])
            let decoder = PacketDecoder()
            var byFrame: [String: [[String]]] = [:]
            decoder.onISUP = { m, c in
                let where_ = m.inSIPBody ? ["", "", ""] : [String(m.opc), String(m.dpc), String(m.cic)]
                byFrame[String(c.frame), default: []].append(where_ + [String(m.type), m.called.description, m.calling.description])
            }
            while let packet = source.next() { decoder.decode(packet) { _, _ in } }
            decoder.finish()
            #expect(decoder.counters.isBalanced && decoder.counters.pending == 0, "\(capture): packets not all accounted")
            for row in expected {
                if row[6].contains("SIP body") { sipI += 1 }
                scored += 1
                let want = [row[2], row[3], row[4], row[5], row[7], row[8]]
                guard var got = byFrame[row[0]], !got.isEmpty else {
                    report.append("\(capture) frame \(row[0]): missing \(row[6])")
                    continue
                }
                let first = got.removeFirst()
                byFrame[row[0]] = got
                if first == want { matched += 1 } else { report.append("\(capture) frame \(row[0]): wireshark \(want) callguard \(first)") }
            }
        }
        let ratio = Double(matched) / Double(max(scored, 1))
        print("conformance: \(matched)/\(scored) Wireshark ISUP messages identical (\(String(format: "%.2f", ratio * 100))%), \(sipI) of them in SIP-I bodies")
        for line in report.prefix(20) { print("conformance: " + line) }
        #expect(scored >= 5000)
        #expect(ratio >= 0.99, "only \(matched) of \(scored) ISUP messages match Wireshark")
    }

    /// tshark 4.0 fills `sip.from.user` and `sip.to.user` for `sip:`/`sips:` URIs only; for a
    /// `tel:` URI (VoLTE handsets use them) it leaves them empty where CallGuard gives the
    /// number.
    static func telUserUnshown(_ field: DecodeTable.Field, wireshark: String, telFrom: Bool, telTo: Bool) -> Bool {
        wireshark.isEmpty && ((field == .fromUser && telFrom) || (field == .toUser && telTo))
    }

    /// Decodes one capture into rows of `fields` (as strings), each followed by the schemes
    /// of its From and To URIs.
    func decode(_ path: String) throws -> ([[String]], DecodeCounters) {
        let source = try CaptureMerger(paths: [path])
        let decoder = PacketDecoder()
        let table = DecodeTable(fields: Self.fields)
        var rows: [[String]] = []
        while let packet = source.next() {
            decoder.decode(packet) { m, c in
                rows.append(table.row(m, c).split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                            + [m.from.scheme == .tel ? "tel" : "", m.to.scheme == .tel ? "tel" : ""])
            }
        }
        decoder.finish()
        return (rows, decoder.counters)
    }
}
