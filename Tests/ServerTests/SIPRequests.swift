import Blocklist
import Engine
import Numbering
import Policy
import Rules
import Wire
@testable import Server

/// SIP requests as a proxy sends them to a redirect server, and a service to send them to.
enum SIPRequests {
    static func invite(caller: String, callee: String = "+8613912345678", callID: String = "call-1@proxy",
                       fromTag: String = "f1", cseq: Int = 1, branch: String = "z9hG4bK-a1", toTag: String? = nil,
                       compact: Bool = false, extraVia: Bool = true) -> String {
        var lines = ["INVITE sip:\(callee)@192.0.2.80:5060 SIP/2.0",
                     "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=\(branch);rport"]
        if extraVia { lines.append("Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK-uac;received=198.51.100.7") }
        let to = "<sip:\(callee)@192.0.2.80>" + (toTag.map { ";tag=\($0)" } ?? "")
        lines += [(compact ? "f: " : "From: ") + "\"Caller\" <sip:\(caller)@192.0.2.10>;tag=\(fromTag)",
                  (compact ? "t: " : "To: ") + to,
                  (compact ? "i: " : "Call-ID: ") + callID,
                  "CSeq: \(cseq) INVITE",
                  "Contact: <sip:\(caller)@198.51.100.7:5062>",
                  "Max-Forwards: 69",
                  "User-Agent: Yealink SIP-T46S",
                  "Content-Length: 0", "", ""]
        return lines.joined(separator: "\r\n")
    }

    static func request(_ method: String, callID: String = "call-1@proxy", cseq: Int = 1, toTag: String? = nil) -> String {
        let to = "<sip:+8613912345678@192.0.2.80>" + (toTag.map { ";tag=\($0)" } ?? "")
        return ["\(method) sip:+8613912345678@192.0.2.80:5060 SIP/2.0",
                "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-\(method.lowercased())",
                "From: <sip:+8613800000001@192.0.2.10>;tag=f1", "To: \(to)", "Call-ID: \(callID)",
                "CSeq: \(cseq) \(method)", "Max-Forwards: 70", "Content-Length: 0", "", ""].joined(separator: "\r\n")
    }

    static func response(_ status: Int, _ reason: String, callID: String = "call-1@proxy", fromTag: String = "f1",
                         toTag: String = "t9", cseq: Int = 1, method: String = "INVITE", callee: String = "+8613912345678") -> String {
        ["SIP/2.0 \(status) \(reason)", "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-a1",
         "From: <sip:+8613800000001@192.0.2.10>;tag=\(fromTag)", "To: <sip:\(callee)@192.0.2.80>;tag=\(toTag)",
         "Call-ID: \(callID)", "CSeq: \(cseq) \(method)", "Content-Length: 0", "", ""].joined(separator: "\r\n")
    }

    /// A HEP3 datagram carrying `sip` as seen from `source` to `destination`.
    static func hep3(_ sip: String, source: (UInt32, UInt16) = (0xC000_020A, 5060), destination: (UInt32, UInt16) = (0xC000_0250, 5060)) -> [UInt8] {
        var chunks: [UInt8] = []
        func chunk(_ type: UInt16, _ value: [UInt8]) {
            let length = UInt16(6 + value.count)
            chunks += [0, 0, UInt8(type >> 8), UInt8(type & 0xff), UInt8(length >> 8), UInt8(length & 0xff)] + value
        }
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        chunk(0x0001, [2])
        chunk(0x0002, [17])
        chunk(0x0003, be32(source.0))
        chunk(0x0004, be32(destination.0))
        chunk(0x0007, [UInt8(source.1 >> 8), UInt8(source.1 & 0xff)])
        chunk(0x0008, [UInt8(destination.1 >> 8), UInt8(destination.1 & 0xff)])
        chunk(0x000b, [1])
        chunk(0x000f, Array(sip.utf8))
        let total = UInt16(6 + chunks.count)
        return Array("HEP3".utf8) + [UInt8(total >> 8), UInt8(total & 0xff)] + chunks
    }
}

/// A screening service over a list and optionally a rule set, driven without sockets.
final class ServiceHarness {
    let service: ScreeningService
    let list: LiveBlocklist
    let proxy = Endpoint(address: IPAddress(ipv4: "192.0.2.10")!, port: 5060)
    let local = Endpoint(address: IPAddress(ipv4: "192.0.2.80")!, port: 5060)

    init(blocked: [String] = [], ruleSet: RuleSet? = nil, screener: (any CallScreener)? = nil, rejectStatus: Int = 608,
         records: (any RecordSink)? = nil) throws {
        list = LiveBlocklist()
        for n in blocked { try list.insert(BlocklistEntry(number: PhoneNumber(e164: n)!)) }
        var options = ScreeningService.Options()
        options.rejectStatus = rejectStatus
        options.answerCacheCapacity = 64
        var policyScreener: PolicyScreener?
        let chosen: any CallScreener
        if let screener {
            chosen = screener
        } else if let ruleSet {
            let p = PolicyScreener(policy: ruleSet.policy(list: list))
            policyScreener = p
            chosen = p
        } else {
            chosen = BlocklistScreener(list: list)
        }
        service = ScreeningService(options: options, screener: chosen, policyScreener: policyScreener, list: list,
                                   schedule: BlocklistSchedule(list: list), verdictWriter: nil, records: records,
                                   metrics: ServeMetrics())
    }

    /// Sends one datagram to the SIP listener; the answer's text, or nil when none.
    func send(_ text: String) -> String? {
        var answer: String?
        Array(text.utf8).withUnsafeBytes { bytes in
            service.sipDatagram(bytes, from: proxy, to: local) { answer = String(decoding: $0, as: UTF8.self) }
        }
        return answer
    }

    func sendStream(_ text: String) -> String? {
        var answer: String?
        Array(text.utf8).withUnsafeBytes { bytes in
            service.sipStreamMessage(bytes, from: proxy, to: local) { answer = String(decoding: $0, as: UTF8.self) }
        }
        return answer
    }

    func hep(_ sip: String) {
        SIPRequests.hep3(sip).withUnsafeBytes { service.hepDatagram($0, from: proxy, to: Endpoint(address: local.address, port: 9060)) }
    }
}

extension String {
    /// The header lines named `name` (exact, case-sensitive), values only.
    func headers(_ name: String) -> [String] {
        split(separator: "\r\n").filter { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
    }

    var statusLine: String { split(separator: "\r\n").first.map(String.init) ?? "" }
}
