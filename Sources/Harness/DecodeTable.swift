import CallEvents
import Numbering
import Wire

/// The `callguard decode` table: one tab-separated row per SIP message, with a header
/// line, for comparing CallGuard's decoding with Wireshark's field by field.
public struct DecodeTable {
    /// A column of the table.
    public enum Field: String, CaseIterable, Sendable {
        case frame, time, src, dst, transport, method, status
        case callID = "call_id"
        case fromUser = "from_user"
        case toUser = "to_user"
        case userAgent = "user_agent"
        case cseq
        case cseqMethod = "cseq_method"
        case caller, callee
        case requestURI = "request_uri"
        case viaBranch = "via_branch"
        case maxForwards = "max_forwards"
        case paiUser = "pai_user"
        case diversionUser = "diversion_user"
        case contactUser = "contact_user"
        case sipInstance = "sip_instance"
        case accessNetworkInfo = "access_network_info"
        case contentType = "content_type"
        case contentLength = "content_length"
        case sdpOrigin = "sdp_o"
        case sdpSession = "sdp_s"
        case defect
        /// `sip` or `isup`; the ISUP message's point codes, circuit, type and IAM numbers.
        case proto = "protocol"
        case opc, dpc, cic
        case isupType = "isup_type"
        case called, calling
        case callingNOA = "calling_noa"
        case callingPresentation = "calling_presentation"
        case callingScreening = "calling_screening"
        case redirecting
        case originalCalled = "original_called"
    }

    public static let defaultFields: [Field] = [.frame, .time, .src, .dst, .method, .status, .callID, .fromUser, .toUser,
                                                .userAgent, .cseqMethod, .caller, .callee]

    public let fields: [Field]
    public let normalizer: NumberNormalizer
    /// Caller and callee exactly as call tracking chooses them.
    let adapter: SIPEventAdapter

    public init(fields: [Field] = DecodeTable.defaultFields, normalizer: NumberNormalizer = NumberNormalizer()) {
        self.fields = fields
        self.normalizer = normalizer
        self.adapter = SIPEventAdapter(normalizer: normalizer)
    }

    /// Parses `frame,time,method` into fields; throws a message naming the bad one.
    public static func parseFields(_ list: String) throws -> [Field] {
        try list.split(separator: ",").map { name in
            guard let f = Field(rawValue: String(name).lowercased()) else {
                throw FieldError(name: String(name))
            }
            return f
        }
    }

    public struct FieldError: Error, CustomStringConvertible {
        public var name: String
        public var description: String {
            "unknown field '\(name)'; known fields: " + Field.allCases.map(\.rawValue).joined(separator: ",")
        }
    }

    public var header: String { fields.map(\.rawValue).joined(separator: "\t") }

    /// One row; tabs and line breaks inside values become spaces.
    public func row(_ m: SIPMessage, _ c: MessageContext) -> String {
        fields.map { clean(value($0, m, c)) }.joined(separator: "\t")
    }

    public func value(_ field: Field, _ m: SIPMessage, _ c: MessageContext) -> String {
        switch field {
        case .frame: return String(c.frame)
        case .time: return Self.epoch(c.timestamp)
        case .src: return c.source.description
        case .dst: return c.destination.description
        case .transport: return c.transport == .udp ? "udp" : c.transport == .tcp ? "tcp" : "sctp"
        case .method: return m.isRequest ? m.methodName : ""
        case .status: return m.isRequest ? "" : String(m.statusCode)
        case .callID: return m.text(m.callID)
        case .fromUser: return m.text(m.from.user)
        case .toUser: return m.text(m.to.user)
        case .userAgent: return m.text(m.userAgent)
        case .cseq: return m.cseqMethodText.isEmpty ? "" : String(m.cseqNumber)
        case .cseqMethod: return m.text(m.cseqMethodText)
        case .caller: return adapter.caller(of: m).text
        case .callee: return m.isRequest ? adapter.callee(of: m).text : ""
        case .requestURI: return m.isRequest ? m.text(m.requestURI.uri) : ""
        case .viaBranch: return m.text(m.viaBranch)
        case .maxForwards: return m.maxForwards >= 0 ? String(m.maxForwards) : ""
        case .paiUser: return m.text(m.assertedIdentity.user)
        case .diversionUser: return m.text(m.diversion.user)
        case .contactUser: return m.text(m.contact.user)
        case .sipInstance: return m.text(m.sipInstance)
        case .accessNetworkInfo: return m.text(m.accessNetworkInfo)
        case .contentType: return m.text(m.contentType)
        case .contentLength: return m.contentLength >= 0 ? String(m.contentLength) : ""
        case .sdpOrigin: return m.text(m.sdpOrigin)
        case .sdpSession: return m.text(m.sdpSessionName)
        case .defect: return m.defect?.name ?? ""
        case .proto: return "sip"
        case .opc, .dpc, .cic, .isupType, .called, .calling, .callingNOA, .callingPresentation, .callingScreening,
             .redirecting, .originalCalled: return ""
        }
    }

    /// One row for an ISUP message: its own fields and the carrying packet's; SIP fields empty.
    public func row(_ m: ISUPMessage, _ c: MessageContext) -> String {
        fields.map { f -> String in
            switch f {
            case .frame, .time, .src, .dst, .transport: return value(f, SIPMessage(), c)
            case .proto: return "isup"
            case .opc: return m.inSIPBody ? "" : String(m.opc)
            case .dpc: return m.inSIPBody ? "" : String(m.dpc)
            case .cic: return m.inSIPBody ? "" : String(m.cic)
            case .isupType: return m.typeName
            case .called: return m.called.description
            case .calling: return m.calling.description
            case .callingNOA: return m.type == 1 && !m.calling.isEmpty ? String(m.callingNatureOfAddress) : ""
            case .callingPresentation: return m.type == 1 && !m.calling.isEmpty ? String(m.callingPresentation) : ""
            case .callingScreening: return m.type == 1 && !m.calling.isEmpty ? String(m.callingScreening) : ""
            case .redirecting: return m.redirecting.description
            case .originalCalled: return m.originalCalled.description
            default: return ""
            }
        }.joined(separator: "\t")
    }

    /// `1362867909.703901000`: seconds with nine decimals, as tshark prints `frame.time_epoch`.
    public static func epoch(_ ns: Nanoseconds) -> String {
        let sign = ns < 0 ? "-" : ""
        let f = String(ns.magnitude % 1_000_000_000)
        return sign + "\(ns.magnitude / 1_000_000_000)." + String(repeating: "0", count: 9 - f.count) + f
    }

    private func clean(_ value: String) -> String {
        // Values end at a NUL byte, as Wireshark shows strings.
        let s = value.firstIndex(of: "\0").map { String(value[..<$0]) } ?? value
        guard s.contains(where: { $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return s }
        return String(s.map { $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }
}
