import Blocklist
import Engine
import Foundation
import PacketCrafting
import Policy
import Rules
import Wire

/// A handful of hand-written calls, each a full SIP exchange from a chosen source
/// address, written to a temporary pcap: the smallest traces that show one rule of the
/// policy at work.
struct CraftedTrace {
    static let start: Int64 = 1_763_800_000_000_000_000

    enum Ending {
        case answered(talk: Double)
        case cancelled
        case rejected
        /// The INVITE and its provisional answers only: the call times out.
        case unanswered
        /// Answered, but the BYE never reaches the capture.
        case lostBye
    }

    struct Call {
        var at: Double
        var caller: String
        var callee: String
        var source = "198.51.100.10"
        var ending = Ending.answered(talk: 60)
        var headers: [String] = []
    }

    var calls: [Call] = []

    mutating func add(_ call: Call) { calls.append(call) }

    /// Writes the trace (messages of every call merged in time order) and returns its path.
    func write() -> String {
        var frames: [(Int64, [UInt8])] = []
        for (i, c) in calls.enumerated() {
            let s = SIPCallScript(callID: "crafted-\(i)@\(c.source)", caller: c.caller, callee: c.callee, callerHost: c.source,
                                  calleeHost: "10.10.0.1", fromTag: "f\(i)", toTag: "t\(i)", branch: "z9hG4bKc\(i)",
                                  userAgent: "Handset/1.0", extraInviteHeaders: c.headers)
            let messages: [(String, SIPCallScript.Direction, Double)]
            switch c.ending {
            case .answered(let talk): messages = s.answeredCall(talkSeconds: talk)
            case .cancelled: messages = s.cancelledCall()
            case .rejected: messages = s.rejectedCall()
            case .unanswered: messages = [(s.invite, .callerToCallee, 0), (s.trying, .calleeToCaller, 0.01), (s.ringing, .calleeToCaller, 0.5)]
            case .lostBye: messages = Array(s.answeredCall().prefix(5))
            }
            for (text, direction, offset) in messages {
                let udp = FrameBuilder.udp(Array(text.utf8), sourcePort: 5060, destinationPort: 5060)
                let (src, dst) = direction == .callerToCallee ? (c.source, "10.10.0.1") : ("10.10.0.1", c.source)
                frames.append((Self.start + Int64((c.at + offset) * 1e9),
                               FrameBuilder.ethernet(FrameBuilder.ipv4(udp, source: src, destination: dst, proto: 17))))
            }
        }
        let writer = PcapWriter(linkType: 1)
        for (t, frame) in frames.sorted(by: { $0.0 < $1.0 }) { writer.add(frame, nanoseconds: t) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crafted-\(UUID()).pcap").path
        precondition(writer.write(to: path))
        return path
    }

    struct Run {
        var decisions: [ScreeningDecision]
        var screener: PolicyScreener
        var result: ReplayResult
        var verdicts: [Verdict] { decisions.map(\.verdict) }
    }

    /// Replays the trace under `rules` with `list`; decisions come in call order.
    func replay(_ rules: RuleSet, list: LiveBlocklist = LiveBlocklist(), configuration: ReplayConfiguration = ReplayConfiguration()) throws -> Run {
        let path = write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let screener = PolicyScreener(policy: rules.policy(list: list))
        let engine = ReplayEngine(configuration: configuration, screener: screener)
        var byID: [String: ScreeningDecision] = [:]
        engine.onVerdict = { call, d in byID[call.callIDText] = d }
        let result = engine.run(try CaptureMerger(paths: [path]))
        let decisions = calls.indices.map { i in byID["crafted-\(i)@\(calls[i].source)"] ?? ScreeningDecision(verdict: .allow, reasons: ["unseen"]) }
        return Run(decisions: decisions, screener: screener, result: result)
    }
}
