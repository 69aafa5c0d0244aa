import PacketCrafting

// Writes the small demo trace shipped in traces/: a few calls of every outcome, two of
// them from numbers on traces/demo.blocklist. Usage: demo-trace OUT.pcap
// Deterministic: the same binary always writes the same bytes.

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    print("usage: demo-trace OUT.pcap")
    exit(2)
}

/// Packets collected first, then written in time order (calls overlap in time).
var packets: [(frame: [UInt8], ns: Int64)] = []
let start: Int64 = 1_763_800_000 * 1_000_000_000  // 2025-11-22 08:26:40 UTC

/// Emits one call's messages over UDP between two addresses.
@MainActor func emit(_ messages: [(String, SIPCallScript.Direction, Double)], at offset: Double,
          caller: String, callee: String, ipv6: Bool = false, vlan: Int? = nil, fragmentInvite: Bool = false,
          identification: inout Int) {
    for (text, direction, t) in messages {
        let (src, dst) = direction == .callerToCallee ? (caller, callee) : (callee, caller)
        let udp = FrameBuilder.udp(Array(text.utf8), sourcePort: 5060, destinationPort: 5060)
        let ns = start + Int64(((offset + t) * 1e9).rounded())
        identification += 1
        if ipv6 {
            packets.append((FrameBuilder.ethernet(FrameBuilder.ipv6(udp, source: src, destination: dst, nextHeader: 17),
                                             etherType: 0x86DD), ns))
        } else if fragmentInvite && text.hasPrefix("INVITE") {
            for (i, f) in FrameBuilder.ipv4Fragments(udp, source: src, destination: dst, proto: 17,
                                                     identification: identification, fragmentSize: 504).enumerated() {
                packets.append((FrameBuilder.ethernet(f), ns + Int64(i) * 1000))
            }
        } else {
            let ip = FrameBuilder.ipv4(udp, source: src, destination: dst, proto: 17, identification: identification)
            packets.append((FrameBuilder.ethernet(ip, vlans: vlan.map { [(0x8100, $0)] } ?? []), ns))
        }
    }
}

var ipID = 100
// 1. An ordinary answered call, national number format.
emit(SIPCallScript(callID: "demo-1@192.0.2.10", caller: "13812345678", callee: "013987654321",
                   fromTag: "f1a").answeredCall(talkSeconds: 42),
     at: 0, caller: "192.0.2.10", callee: "198.51.100.20", identification: &ipID)
// 2. A reported fraud number, presented through P-Asserted-Identity: blocked.
emit(SIPCallScript(callID: "demo-2@203.0.113.7", caller: "anonymous", callee: "+8613987650001",
                   callerHost: "203.0.113.7", fromTag: "f2b", userAgent: "dble",
                   extraInviteHeaders: ["P-Asserted-Identity: <tel:+8617012345678>"]).cancelledCall(),
     at: 2, caller: "203.0.113.7", callee: "198.51.100.20", identification: &ipID)
// 3. A caller in a blocked international premium range (prefix entry): blocked.
emit(SIPCallScript(callID: "demo-3@203.0.113.9", caller: "0088216001234", callee: "13987650002",
                   callerHost: "203.0.113.9", fromTag: "f3c").rejectedCall(603, "Decline"),
     at: 3, caller: "203.0.113.9", callee: "198.51.100.20", identification: &ipID)
// 4. A cancelled call on a VLAN-tagged link.
emit(SIPCallScript(callID: "demo-4@192.0.2.11", caller: "+86 138-0000-1111", callee: "13987650003",
                   callerHost: "192.0.2.11", fromTag: "f4d").cancelledCall(),
     at: 5, caller: "192.0.2.11", callee: "198.51.100.20", vlan: 42, identification: &ipID)
// 5. A busy callee, over IPv6.
emit(SIPCallScript(callID: "demo-5@2001:db8::10", caller: "13812340000", callee: "13987650004",
                   callerHost: "[2001:db8::10]", fromTag: "f5e").rejectedCall(),
     at: 6, caller: "2001:db8::10", callee: "2001:db8::20", ipv6: true, identification: &ipID)
// 6. An answered call whose large INVITE travels as IPv4 fragments.
emit(SIPCallScript(callID: "demo-6@192.0.2.12", caller: "95588", callee: "13987650005", callerHost: "192.0.2.12",
                   fromTag: "f6f", extraInviteHeaders: (1...8).map { "X-Padding-\($0): " + String(repeating: "p", count: 90) })
        .answeredCall(talkSeconds: 12),
     at: 8, caller: "192.0.2.12", callee: "198.51.100.20", fragmentInvite: true, identification: &ipID)

let writer = PcapWriter(linkType: 1)
for p in packets.enumerated().sorted(by: { ($0.element.ns, $0.offset) < ($1.element.ns, $1.offset) }) {
    writer.add(p.element.frame, nanoseconds: p.element.ns)
}
guard writer.write(to: arguments[1]) else {
    print("demo-trace: cannot write \(arguments[1])")
    exit(2)
}

#if canImport(Glibc)
import Glibc
#endif
