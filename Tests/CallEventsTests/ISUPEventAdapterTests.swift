import CallEvents
import PacketCrafting
import Testing
import Wire

/// The ISUP adapter: message types to event kinds, circuits to keys, numbers to E.164 by
/// their nature of address.
@Suite("ISUP adapter")
struct ISUPEventAdapterTests {
    static func events(_ frames: [[UInt8]]) -> [SeenEvent] {
        let decoder = PacketDecoder()
        let adapter = ISUPEventAdapter()
        var out: [SeenEvent] = []
        decoder.onISUP = { m, c in if let e = adapter.event(m, c) { out.append(SeenEvent(e)) } }
        for (i, f) in frames.enumerated() {
            f.withUnsafeBytes {
                decoder.decode(CapturedPacket(frame: i + 1, timestamp: Int64(i) * 1_000_000_000 + 1_700_000_000_012_345_678, linkType: .mtp2,
                                              bytes: $0, originalLength: $0.count)) { _, _ in }
            }
        }
        return out
    }

    static let out = ISUPCallScript(opc: 1000, dpc: 2000, cic: 31)

    @Test func messageTypesAndTheCircuitKey() {
        let back = Self.out.reversed
        let e = Self.events([Self.out.iam(called: "13987654321", calling: "13812345678"), back.acm(), back.cpg(), back.anm(),
                             back.con(), back.rel(cause: 17), Self.out.rlc()])
        #expect(e.map(\.kind) == [.setup, .progress(180), .progress(183), .answer, .answer, .release(cause: 17), .other])
        #expect(Set(e.map(\.key)).count == 1, "both directions of a circuit are one call")
        #expect(e.allSatisfy { $0.signalling == .isup && $0.alternateKey == 0 && $0.groupKey == 0 })
        #expect(e[0].callID == "1000-2000-31@1700000000.012345")
        let otherCircuit = Self.events([ISUPCallScript(opc: 1000, dpc: 2000, cic: 32).anm(), ISUPCallScript(opc: 1000, dpc: 2001, cic: 31).anm()])
        #expect(!otherCircuit.contains { $0.key == e[0].key } && otherCircuit[0].key != otherCircuit[1].key)
    }

    @Test func numbersByNatureOfAddress() throws {
        let national = try #require(Self.events([Self.out.iam(called: "1087654321", calling: "13812345678", screening: 0)]).first)
        #expect(national.caller == "+8613812345678" && national.callee == "+861087654321")
        #expect(national.nature == .national && national.screening == .userNotVerified && national.presentation == .allowed)
        // An international calling number keeps its own country code whatever the home plan.
        let intl = try #require(Self.events([Self.out.iam(called: "13987654321", calling: "4420794600000", callingNature: ISUPCallScript.international,
                                                          presentation: 1)]).first)
        #expect(intl.caller == "+4420794600000" && intl.nature == .international && intl.presentation == .restricted)
        #expect(intl.screening == .network)
    }

    @Test func anAdditionalCallingNumberAndAMissingOne() throws {
        let extra = try #require(Self.events([Self.out.iam(called: "13987654321", calling: "4420794600000", callingNature: ISUPCallScript.international,
                                                           additionalCalling: "8695588")]).first)
        #expect(extra.caller == "+4420794600000")
        let decoder = PacketDecoder(), adapter = ISUPEventAdapter()
        var additional = "", missing = "?"
        decoder.onISUP = { m, c in
            guard let e = adapter.event(m, c) else { return }
            if m.calling.isEmpty { missing = e.caller.text } else { additional = e.additionalCaller.text }
        }
        for f in [Self.out.iam(called: "1", calling: "4420794600000", callingNature: ISUPCallScript.international, additionalCalling: "8695588"),
                  Self.out.iam(called: "13987654321", calling: "")] {
            f.withUnsafeBytes { decoder.decode(CapturedPacket(frame: 1, timestamp: 0, linkType: .mtp2, bytes: $0, originalLength: $0.count)) { _, _ in } }
        }
        #expect(additional == "+8695588")
        #expect(missing == "")
    }
}
