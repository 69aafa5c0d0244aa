/// One parsed SIP message: fixed fields and byte ranges into `bytes`, which stay valid
/// only inside the callback that hands the message out. Reused for every message, so
/// parsing allocates nothing.
public struct SIPMessage {
    /// The whole message (start line, headers, body).
    public var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
    public var isRequest = false
    /// The request method; for a response, the method of its CSeq.
    public var method = SIPMethod.other
    public var methodText = ByteRange.empty
    /// Status code of a response; 0 for a request.
    public var statusCode = 0
    public var requestURI = NameAddr()
    public var callID = ByteRange.empty
    public var from = NameAddr()
    public var to = NameAddr()
    public var cseqNumber: UInt32 = 0
    public var cseqMethod = SIPMethod.other
    public var cseqMethodText = ByteRange.empty
    /// The `branch` of the top Via.
    public var viaBranch = ByteRange.empty
    public var viaCount = 0
    /// -1 when absent.
    public var maxForwards = -1
    public var contact = NameAddr()
    /// `+sip.instance` of the first Contact, e.g. `<urn:gsma:imei:35209900-176148-0>`.
    public var sipInstance = ByteRange.empty
    /// The first P-Asserted-Identity entry, and the second (networks often send a sip: and a tel: one).
    public var assertedIdentity = NameAddr()
    public var assertedIdentity2 = NameAddr()
    public var diversion = NameAddr()
    public var userAgent = ByteRange.empty
    public var server = ByteRange.empty
    public var accessNetworkInfo = ByteRange.empty
    public var contentType = ByteRange.empty
    /// -1 when absent, -2 when present but not a number.
    public var contentLength = -1
    public var body = ByteRange.empty
    /// SDP `o=` and `s=` line values when the body is SDP.
    public var sdpOrigin = ByteRange.empty
    public var sdpSessionName = ByteRange.empty
    /// The ISUP message of a SIP-I/SIP-T body (`application/ISUP`), when there is one.
    public var isup: ISUPMessage?
    /// Set when the message could be read but breaks a rule that makes it unusable for
    /// call tracking (missing Call-ID, bad Content-Length...). Such a message is counted
    /// as malformed; `decode` still shows it.
    public var defect: MalformedReason?

    public init() {}

    /// The text of a range (allocates: for output and tests, not the hot path).
    public func text(_ range: ByteRange) -> String {
        guard !range.isEmpty, range.upperBound <= bytes.count else { return "" }
        return String(decoding: bytes.slice(range.lowerBound, range.upperBound), as: UTF8.self)
    }

    /// The bytes of a range, in place.
    @inline(__always)
    public func slice(_ range: ByteRange) -> UnsafeRawBufferPointer {
        guard !range.isEmpty, range.upperBound <= bytes.count else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return bytes.slice(range.lowerBound, range.upperBound)
    }

    /// The method name as written (for `.other` methods too); for responses, the CSeq method.
    public var methodName: String {
        if isRequest { return method == .other ? text(methodText) : method.name }
        return cseqMethod == .other ? text(cseqMethodText) : cseqMethod.name
    }

    mutating func reset(_ b: UnsafeRawBufferPointer) {
        self = SIPMessage()
        bytes = b
    }
}
