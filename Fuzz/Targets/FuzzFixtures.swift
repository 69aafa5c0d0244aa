import Blocklist
import Engine
import PacketCrafting
import Policy
import Rules
import Wire

/// What the state and SIP targets replay through: the built-in rule set (parsed once)
/// and frames carrying SIP text.
enum FuzzFixtures {
    /// The built-in rule set with its detector tables bounded at 64 entries instead of
    /// 200,000, so that the eviction paths are within the fuzzer's reach with inputs of
    /// a few messages (every input gets a fresh engine). Thresholds are the defaults.
    static let defaultRules: RuleSet = {
        let yaml = DefaultRuleSet.yaml.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("capacity: 200000") ? String($0.dropLast(6)) + "64" : String($0) }
            .joined(separator: "\n")
        precondition(yaml != DefaultRuleSet.yaml, "the default rule set no longer says capacity: 200000")
        return try! RuleSetFile.parse(yaml, path: "default")
    }()

    /// A replay engine screening with the built-in rule set over an empty list.
    static func engine() -> (ReplayEngine, PolicyScreener, LiveBlocklist) {
        let list = LiveBlocklist()
        let screener = PolicyScreener(policy: defaultRules.policy(list: list))
        return (ReplayEngine(screener: screener), screener, list)
    }

    static func udpFrame(_ payload: [UInt8]) -> [UInt8] {
        FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(payload, sourcePort: 5060, destinationPort: 5060),
                                                source: "192.0.2.10", destination: "198.51.100.20", proto: 17))
    }

    static func tcpFrame(_ payload: [UInt8], seq: UInt32, flags: UInt8 = 0x18) -> [UInt8] {
        FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.tcp(payload, sourcePort: 40000, destinationPort: 5060, seq: seq,
                                                                 flags: flags),
                                                source: "192.0.2.11", destination: "198.51.100.20", proto: 6))
    }

    /// Feeds `frame` to `engine` as Ethernet at `seconds` past a fixed epoch.
    static func process(_ engine: ReplayEngine, _ frame: [UInt8], number: Int, seconds: Double) {
        frame.withUnsafeBytes { bytes in
            engine.process(CapturedPacket(frame: number, timestamp: 1_763_800_000_000_000_000 + Int64(seconds * 1e9),
                                          linkType: .ethernet, bytes: bytes, originalLength: bytes.count))
        }
    }

    /// The decoder's books balance once the input has ended.
    static func checkAccounting(_ engine: ReplayEngine) {
        engine.decoder.finish()
        let c = engine.decoder.counters
        precondition(c.pending == 0 && c.read == c.signalling + c.notSignalling + c.malformed, "unbalanced books")
    }
}
