import CallEvents
import Calls
import Engine
import Foundation
import Harness
import Policy
import Simulator
import Testing
import Wire

/// Allows every call and remembers what the engine saw at each setup.
final class RecordingScreener: CallScreener {
    struct Seen: Equatable { var callID, caller, callee: String }
    var seen: [Seen] = []
    func screen(_ call: CallEvent) -> ScreeningDecision {
        seen.append(Seen(callID: call.callIDText,
                         caller: call.caller.text, callee: call.callee.text))
        return .allow
    }
}

/// The shipped traces and freshly generated ones, read back by CallGuard's own engine
/// (which shares no code with the simulator) and, when installed, by tshark.
@Suite("Generated traces")
struct GeneratedTraceTests {
    @Test(arguments: TraceFixtures.shipped.map(\.name))
    func shippedTraceIsRegeneratedByteForByte(_ name: String) throws {
        let entry = TraceFixtures.shipped.first { $0.name == name }!
        let fresh = try TraceFixtures.generate(try TraceFixtures.scenario(entry.scenario), seed: entry.seed, calls: entry.calls)
        let committed = try Data(contentsOf: URL(fileURLWithPath: TraceFixtures.trace(name)))
        let regenerated = try Data(contentsOf: URL(fileURLWithPath: fresh.pcap))
        #expect(regenerated.count == committed.count)
        #expect(regenerated == committed, "traces/\(name).pcap differs from what traces/generate.sh makes now")
        #expect(try Data(contentsOf: URL(fileURLWithPath: fresh.labels)) ==
                Data(contentsOf: URL(fileURLWithPath: TraceFixtures.labels(name))))
    }

    /// What each way of writing a call produces is pinned: a busy hour (UDP, TCP with
    /// handshakes, IPv6, VLAN tags, IP fragments, anonymous and tel: callers) as the
    /// core's capture, as HEP3, with the international leg over ISUP/M3UA and over SIP-I.
    /// Digests (FNV-1a 64) of the files the generator wrote before its messages were
    /// built as bytes (2026-12-05): a faster writer must write the same bytes.
    @Test(arguments: [
        ("core", 4_994_278, 0x9f7a1e4dd96ce689 as UInt64, 0x311476c46b210bb5 as UInt64),
        ("hep", 5_946_480, 0xd2454d785c24c51f, 0x311476c46b210bb5),
        ("isup", 4_793_547, 0xe56a2442b180f155, 0xd99d4e8badf8aa88),
        ("sip-i", 5_013_480, 0xeab6242a83e82ee8, 0x311476c46b210bb5),
    ])
    func everyLegWritesThePinnedBytes(_ leg: String, _ size: Int, _ pcapDigest: UInt64, _ labelsDigest: UInt64) throws {
        let dir = try TraceFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let generator = Generator(scenario: try TraceFixtures.scenario("busy-hour"), seed: 9, targetCalls: 1500)
        switch leg {
        case "hep": generator.hep = true
        case "isup": generator.internationalLeg = .isup
        case "sip-i": generator.internationalLeg = .sipI
        default: break
        }
        try generator.run(pcap: dir + "/t.pcap", labels: dir + "/t.labels.csv")
        let fnv = { (data: Data) -> UInt64 in
            data.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        }
        let pcap = try Data(contentsOf: URL(fileURLWithPath: dir + "/t.pcap"))
        #expect(pcap.count == size)
        #expect(fnv(pcap) == pcapDigest, "\(leg): the trace's bytes changed")
        #expect(fnv(try Data(contentsOf: URL(fileURLWithPath: dir + "/t.labels.csv"))) == labelsDigest)
    }

    @Test func sameSeedSameBytesOtherSeedOtherTraffic() throws {
        let smoke = try TraceFixtures.scenario("smoke")
        let a = try TraceFixtures.generate(smoke, seed: 42, calls: 150)
        let b = try TraceFixtures.generate(smoke, seed: 42, calls: 150)
        let c = try TraceFixtures.generate(smoke, seed: 43, calls: 150)
        let bytes = { (p: String) in try Data(contentsOf: URL(fileURLWithPath: p)) }
        #expect(try bytes(a.pcap) == bytes(b.pcap) && bytes(a.labels) == bytes(b.labels))
        #expect(try bytes(a.pcap) != bytes(c.pcap))
    }

    /// Replays a trace with an allow-all screener; every packet must be accounted for,
    /// none malformed, and the engine's call setups must be exactly the labeled calls,
    /// with the same parties.
    @Test(arguments: TraceFixtures.shipped.map(\.name))
    func replayAccountsForEveryPacketAndMatchesTheLabels(_ name: String) throws {
        let screener = RecordingScreener()
        let engine = ReplayEngine(screener: screener, verdictWriter: nil)
        let result = engine.run(try CaptureMerger(paths: [TraceFixtures.trace(name)]))
        let p = result.packets
        #expect(p.isBalanced && p.pending == 0)
        // Nothing is malformed; the only packets without signalling are TCP's handshake
        // and teardown segments.
        #expect(p.malformed == 0)
        #expect(p.notSignalling == p[skipped: .tcpNoPayload])
        #expect(p.read == p.signalling + p[skipped: .tcpNoPayload] && p.signalling > 0)
        #expect(result.calls.unmatched == 0 && result.calls.evicted == 0)

        let rows = try TraceFixtures.labelRows(TraceFixtures.labels(name))
        #expect(rows.count == result.calls.total, "one label row per call setup")
        #expect(rows.allSatisfy { $0.count == 6 })
        #expect(rows.allSatisfy { ($0[1] == "fraud") == !$0[5].isEmpty }, "fraud rows name their campaign source, legit rows none")
        #expect(Set(rows.map { $0[0] }).count == rows.count, "Call-IDs are unique")
        #expect(screener.seen.count == rows.count)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0) })
        var mismatches: [String] = []
        for s in screener.seen {
            guard let row = byID[s.callID] else { mismatches.append("\(s.callID): not labeled"); continue }
            if row[3] != s.caller || row[4] != s.callee {
                mismatches.append("\(s.callID): engine \(s.caller)->\(s.callee), label \(row[3])->\(row[4])")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        // Labels are in setup order, as the contract asks.
        #expect(screener.seen.map(\.callID) == rows.map { $0[0] })
    }

    /// The dialogs on the wire end the way the simulator planned them.
    @Test func dialogOutcomesOnTheWireMatchThePlans() throws {
        let run = try TraceFixtures.generate(try TraceFixtures.scenario("smoke"), seed: 1)
        let engine = ReplayEngine(screener: RecordingScreener(), verdictWriter: nil)
        let result = engine.run(try CaptureMerger(paths: [run.pcap]))
        var answered = 0, cancelled = 0, refused = 0
        for plan in run.plans {
            switch plan.outcome {
            case .answered: answered += 1
            case .cancelled: cancelled += 1
            case .busy, .rejected, .unavailable: refused += 1
            }
        }
        #expect(result.calls[.answered] == answered)
        #expect(result.calls[.cancelled] == cancelled)
        #expect(result.calls[.rejected] == refused)
        #expect(result.calls[.timedOut] == 0 && result.calls[.inProgress] == 0)
        #expect(result.calls.invitesRetransmitted == run.plans.filter(\.retransmitInvite).count)
        let p = result.packets
        #expect(p[.ipFragments] > 0 && p[.ipDatagramsReassembled] > 0, "some INVITEs travel IP-fragmented")
        #expect(p[.ipv6] > 0 && p[.sipOverTCP] > 0 && p[.vlanTags] > 0, "IPv6, TCP and VLAN-tagged links are all present")
    }

    /// Every campaign's share of the calls matches its configuration within sampling
    /// error (four standard deviations of a Poisson count, over several seeds).
    @Test func campaignSharesMatchTheConfiguration() throws {
        let smoke = try TraceFixtures.scenario("smoke")
        var observed: [String: Int] = [:]
        var expected: [String: Double] = [:]
        for seed: UInt64 in 1...4 {
            let run = try TraceFixtures.generate(smoke, seed: seed, calls: 3000)
            for (k, v) in run.summary.callsByScenario { observed[k, default: 0] += v }
            for (k, v) in run.generator.expectedCallsByScenario { expected[k, default: 0] += v }
            let rows = try TraceFixtures.labelRows(run.labels)
            #expect(rows.count == run.summary.calls)
            #expect(rows.filter { $0[1] == "fraud" }.count == run.summary.fraudCalls)
        }
        #expect(Set(observed.keys) == Set(expected.keys))
        #expect(Set(observed.keys).isSuperset(of: ["normal", "goip_simbox", "spoofed_origin", "wangiri", "flood", "scanning", "targeted"]))
        for (scenario, lambda) in expected.sorted(by: { $0.key < $1.key }) {
            let n = Double(observed[scenario] ?? 0)
            print("campaign share \(scenario): \(Int(n)) calls, expected \(Int(lambda.rounded()))")
            #expect(abs(n - lambda) <= 4 * lambda.squareRoot() + 2, "\(scenario): \(n) calls, expected \(lambda)")
        }
    }

    /// The GoIP gateway's calls carry its device traits as CallGuard decodes them:
    /// one source IP, one cell, IMEIs sharing the configured TAC, the `dble` user agent,
    /// Max-Forwards 30, digit-only branches and the `DBL Session` SDP.
    @Test func goipTraitsAreOnTheWire() throws {
        let name = "smoke"
        let goip = Set(try TraceFixtures.labelRows(TraceFixtures.labels(name)).filter { $0[2] == "goip_simbox" }.map { $0[0] })
        #expect(goip.count >= 20)
        let fields: [DecodeTable.Field] = [.callID, .src, .userAgent, .maxForwards, .viaBranch, .sipInstance, .accessNetworkInfo,
                                           .sdpOrigin, .sdpSession, .caller]
        let table = DecodeTable(fields: fields)
        let decoder = PacketDecoder()
        let source = try CaptureMerger(paths: [TraceFixtures.trace(name)])
        var invites: [String: [String]] = [:]
        while let packet = source.next() {
            decoder.decode(packet) { m, c in
                guard m.isRequest, m.method == .invite else { return }
                let callID = table.value(.callID, m, c)
                guard goip.contains(callID), invites[callID] == nil else { return }
                invites[callID] = fields.map { table.value($0, m, c) }
            }
        }
        decoder.finish()
        #expect(invites.count == goip.count)
        let rows = Array(invites.values)
        #expect(Set(rows.map { String($0[1].split(separator: ":")[0]) }).count == 1, "one public IP")
        #expect(rows.allSatisfy { $0[2] == "dble" })
        #expect(rows.allSatisfy { $0[3] == "30" })
        #expect(rows.allSatisfy { $0[4].hasPrefix("z9hG4bK") && $0[4].dropFirst(7).allSatisfy(\.isNumber) })
        #expect(rows.allSatisfy { $0[5].hasPrefix("<urn:gsma:imei:86217004-") })
        #expect(Set(rows.map { $0[6] }).count == 1, "every call from one cell")
        #expect(rows.allSatisfy { $0[7].hasPrefix("user") && $0[8] == "DBL Session" })
        let callers = Set(rows.map { $0[9] })
        #expect(callers.count >= 8, "many SIM numbers behind the gateway, \(callers.count) seen")
        #expect(Set(rows.map { $0[5] }).count >= 8, "one IMEI per SIM slot in use")
    }

    static let tshark = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Wireshark decodes every packet, finds nothing malformed and no error-level
    /// expert info, and sees as many SIP messages as CallGuard.
    @Test(.enabled(if: tshark != nil, "tshark is not installed (.ci/run installs it)"),
          arguments: TraceFixtures.shipped.map(\.name))
    func tsharkFindsNoMalformedPackets(_ name: String) throws {
        let path = TraceFixtures.trace(name)
        let bad = try Self.runTshark(["-n", "-r", path, "-Y", "_ws.malformed || _ws.expert.severity == error",
                                      "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message"])
        #expect(bad.isEmpty, "tshark flags frames: \(bad.prefix(400))")
        let sip = try Self.runTshark(["-n", "-r", path, "-Y", "sip", "-T", "fields", "-e", "sip.Call-ID"])
        let tsharkMessages = sip.split(separator: "\n").count
        let engine = ReplayEngine(screener: RecordingScreener(), verdictWriter: nil)
        let result = engine.run(try CaptureMerger(paths: [path]))
        #expect(tsharkMessages == result.packets[.sipMessages])
    }

    static func runTshark(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tshark!)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
