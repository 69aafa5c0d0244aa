import Foundation
import Testing

/// Damaged copies of a shipped capture, as disks, transfers and crashed capture tools
/// leave them: cut at a random offset, bytes flipped inside a packet, a record's length
/// fields or a pcapng block's length overwritten, the file header damaged. Whatever the
/// damage, `replay` must not crash, must exit 0 (with a warning for a cut) or 2 (with a
/// one-line reason naming the file), must account for every packet it read, and must
/// give every call set up before the damage exactly the verdict the intact capture
/// gives it: screening is causal, so nothing before the fault may change.
@Suite("Damaged captures: what comes before the damage is replayed as if intact")
struct ChaosCaptureTests {
    /// A small deterministic generator (SplitMix64), so that a failing trial can be rerun.
    struct Mix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    enum Format { case pcap, pcapng }

    /// A packet record (pcap) or any block (pcapng) of a capture: where it starts, how long
    /// it is, and how many packets come before it.
    struct Record {
        var offset: Int
        var length: Int
        var packetsBefore: Int
        var isPacket: Bool
    }

    static func u32(_ d: [UInt8], _ at: Int) -> Int {
        Int(d[at]) | Int(d[at + 1]) << 8 | Int(d[at + 2]) << 16 | Int(d[at + 3]) << 24
    }

    /// The records of a little-endian capture, in file order.
    static func records(_ d: [UInt8], _ format: Format) -> [Record] {
        var out: [Record] = []
        var packets = 0
        var at = format == .pcap ? 24 : 0
        while at + 12 <= d.count {
            let length: Int, isPacket: Bool
            switch format {
            case .pcap:
                length = 16 + u32(d, at + 8)
                isPacket = true
            case .pcapng:
                length = u32(d, at + 4)
                isPacket = [3, 6].contains(u32(d, at))
            }
            guard length >= 12, at + length <= d.count else { break }
            out.append(Record(offset: at, length: length, packetsBefore: packets, isPacket: isPacket))
            if isPacket { packets += 1 }
            at += length
        }
        return out
    }

    /// Each call setup's verdict line by frame, without the measured latency.
    static func verdicts(_ path: String) throws -> [Int: String] {
        var out: [Int: String] = [:]
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let frame = o["frame"] as? Int else { continue }
            out[frame] = [o["call_id"], o["verdict"], o["reasons"], o["score"]].map { "\($0 ?? "")" }.joined(separator: "|")
        }
        return out
    }

    struct Run {
        var status: Int32
        var stderr: String
        var summary: [String: Any]?
        var verdicts: [Int: String]
    }

    static func replay(_ path: String) throws -> Run {
        let v = CLI.temporary("chaos.jsonl")
        defer { try? FileManager.default.removeItem(atPath: v) }
        let r = try CLI.run(["replay", path, "--verdicts", v, "--summary", "json", "--quiet"], timeout: 120)
        let summary = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return Run(status: r.status, stderr: r.stderr, summary: summary, verdicts: try verdicts(v))
    }

    static func pcapng(of pcap: String) throws -> String? {
        guard let editcap = ["/usr/bin/editcap", "/usr/local/bin/editcap"].first(where: FileManager.default.isExecutableFile) else { return nil }
        let out = CLI.temporary("chaos-source.pcapng")
        let r = try CLI.run(["-F", "pcapng", pcap, out], executable: editcap, timeout: 60)
        return r.status == 0 ? out : nil
    }

    @Test(arguments: [Format.pcap, .pcapng])
    func damagedCopiesReplayTheirIntactPrefix(format: Format) throws {
        let smoke = CLI.packageRoot + "/traces/smoke.pcap"
        let source: String
        switch format {
        case .pcap: source = smoke
        case .pcapng:
            guard let converted = try Self.pcapng(of: smoke) else {
                Issue.record("editcap (Debian package wireshark-common, installed by .ci/run) is needed to make the pcapng copy")
                return
            }
            source = converted
        }
        defer { if source != smoke { try? FileManager.default.removeItem(atPath: source) } }
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        let records = Self.records(original, format)
        #expect(records.filter(\.isPacket).count == 4701, "the walk over the records must see every packet")
        let intact = try Self.replay(source)
        #expect(intact.status == 0 && intact.verdicts.count > 700)

        var mix = Mix(state: format == .pcap ? 2026 : 2027)
        let damaged = CLI.temporary("chaos.\(format)")
        defer { try? FileManager.default.removeItem(atPath: damaged) }
        for trial in 0..<20 {
            var bytes = original
            // A record in the middle two thirds, so that there is a prefix and damage after it.
            let r = records[records.count / 6 + mix.below(records.count * 2 / 3)]
            let what: String
            switch trial % 5 {
            case 0:
                bytes.removeSubrange((r.offset + mix.below(r.length))...)
                what = "cut inside record at \(r.offset)"
            case 1:
                for _ in 0..<4 { bytes[r.offset + 16 + mix.below(r.length - 20)] ^= UInt8(1 + mix.below(255)) }
                what = "bytes flipped inside record at \(r.offset)"
            case 2:
                // pcap: captured or original length; pcapng: the block's total length.
                let field = format == .pcap ? r.offset + 8 + 4 * mix.below(2) : r.offset + 4
                let value = UInt32(truncatingIfNeeded: mix.next())
                withUnsafeBytes(of: value.littleEndian) { for (i, b) in $0.enumerated() { bytes[field + i] = b } }
                what = "length field of record at \(r.offset) set to \(value)"
            case 3:
                bytes[r.offset + mix.below(8)] ^= 0xFF
                what = "header of record at \(r.offset) flipped"
            default:
                bytes[mix.below(format == .pcap ? 24 : 28)] ^= UInt8(1 + mix.below(255))
                what = "file header flipped"
            }
            try Data(bytes).write(to: URL(fileURLWithPath: damaged))
            let run = try Self.replay(damaged)
            let context = "\(format) trial \(trial): \(what)"
            #expect(run.status == 0 || run.status == 2, "\(context): exit \(run.status), \(run.stderr)")
            if run.status == 2 {
                let lines = run.stderr.split(separator: "\n").filter { !$0.hasPrefix("callguard: warning") }
                #expect(lines.count == 1 && lines[0].contains(damaged), "\(context): \(run.stderr)")
            }
            if let packets = run.summary?["packets"] as? [String: Any] {
                #expect(packets["accounted"] as? Bool == true, "\(context)")
                let read = packets["read"] as? Int ?? -1
                let sum = ["signalling", "not_signalling", "malformed"].map { packets[$0] as? Int ?? 0 }.reduce(0, +)
                #expect(read == sum, "\(context): \(read) read, \(sum) accounted")
                if trial % 5 != 4 { #expect(read >= r.packetsBefore, "\(context): \(read) read of \(r.packetsBefore) intact") }
            } else {
                #expect(run.status == 2 && trial % 5 == 4, "\(context): no summary, exit \(run.status): \(run.stderr)")
            }
            // Every call set up before the damaged record: the intact capture's verdict.
            guard trial % 5 != 4 else { continue }
            let before = intact.verdicts.filter { $0.key <= r.packetsBefore }
            let changed = before.filter { run.verdicts[$0.key] != $0.value }
            #expect(changed.isEmpty, "\(context): \(changed.count) of \(before.count) earlier verdicts differ, e.g. frame \(changed.keys.min() ?? 0)")
        }
    }
}
