import Blocklist
import Engine
import PacketCrafting

/// State files (`replay --state-in`). The input is the payload between the header and
/// the checksum: the target seals it (magic, version, FNV-1a) so that mutations reach
/// the sections instead of dying at the checksum. Whatever loads must screen calls,
/// keep the list's invariants and save again into a file that loads.
enum StateFuzz {
    static let magic = Array("CGSTATE\0".utf8)

    static func seal(_ payload: UnsafeRawBufferPointer) -> [UInt8] {
        var bytes = magic
        withUnsafeBytes(of: StateFile.version.littleEndian) { bytes += $0 }
        bytes += payload
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in bytes { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
        withUnsafeBytes(of: h.littleEndian) { bytes += $0 }
        return bytes
    }

    /// One answered call and one rejected one, replayed after the state loads.
    static let calls: [[UInt8]] = {
        let a = SIPCallScript(callID: "fuzz-a", caller: "+8613812345678", callee: "+8613987654321")
        let b = SIPCallScript(callID: "fuzz-b", caller: "+8617012345678", callee: "+8613987650001")
        return (a.answeredCall(talkSeconds: 40) + b.rejectedCall()).map { FuzzFixtures.udpFrame(Array($0.0.utf8)) }
    }()

    static func run(_ input: UnsafeRawBufferPointer) {
        let (engine, screener, list) = FuzzFixtures.engine()
        do {
            try StateFile.decode(seal(input), tracker: engine.tracker, screener: screener, list: list)
        } catch {
            return
        }
        let saved = StateFile.encode(tracker: engine.tracker, screener: screener, list: list)
        for (i, frame) in calls.enumerated() { FuzzFixtures.process(engine, frame, number: i + 1, seconds: Double(i)) }
        FuzzFixtures.checkAccounting(engine)
        let problems = list.verifyInvariants()
        precondition(problems.isEmpty, "\(problems)")
        let (again, againScreener, againList) = FuzzFixtures.engine()
        do {
            try StateFile.decode(saved, tracker: again.tracker, screener: againScreener, list: againList)
        } catch {
            preconditionFailure("a loaded state saved again does not load: \(error)")
        }
        let resaved = StateFile.encode(tracker: again.tracker, screener: againScreener, list: againList)
        precondition(resaved.count == saved.count, "a state saved, loaded and saved again changed size")
    }
}
