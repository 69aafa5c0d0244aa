import Wire

/// Writes stateless SIP responses (RFC 3261 8.2.6 and 16.7) into one reused byte buffer:
/// the request's Vias in order (the top one with `received` and a filled-in `rport`,
/// RFC 3581, so the proxy's response routing works behind NAT too), From, To with a tag
/// derived from the dialog (a retransmitted request gets the very same response),
/// Call-ID, CSeq, then the extra lines of the status. Nothing here allocates once the
/// buffer has grown.
struct ResponseWriter {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(2048) }

    /// The status line's reason phrase.
    static func reason(_ status: Int) -> StaticString {
        switch status {
        case 200: "OK"
        case 302: "Moved Temporarily"
        case 403: "Forbidden"
        case 405: "Method Not Allowed"
        case 481: "Call/Transaction Does Not Exist"
        case 603: "Decline"
        case 608: "Rejected"
        default: "Unknown"
        }
    }

    /// Starts a response to `request` (scanned into `h`) received from `source`; add
    /// lines with `line`, then `finish`.
    mutating func begin(status: Int, request b: UnsafeRawBufferPointer, _ h: RequestHeaders, source: Endpoint, toTag: UInt64) {
        bytes.removeAll(keepingCapacity: true)
        put("SIP/2.0 ")
        putInt(status)
        put(" ")
        put(Self.reason(status))
        put("\r\n")
        for (i, via) in h.vias.enumerated() {
            put("Via: ")
            if i == 0 { putTopVia(b, via, source) } else { put(b, via) }
            put("\r\n")
        }
        put("From: ")
        put(b, h.from)
        put("\r\nTo: ")
        put(b, h.to)
        if !h.toHasTag && status != 100 {
            put(";tag=cg")
            putHex(toTag)
        }
        put("\r\nCall-ID: ")
        put(b, h.callID)
        put("\r\nCSeq: ")
        put(b, h.cseq)
        put("\r\n")
    }

    /// `Contact: <Request-URI>`: where a redirected call goes on (the destination it asked for).
    mutating func contact(_ b: UnsafeRawBufferPointer, _ h: RequestHeaders) {
        put("Contact: <")
        put(b, h.requestURI)
        put(">\r\n")
    }

    mutating func line(_ text: StaticString) {
        put(text)
        put("\r\n")
    }

    /// `X-CallGuard-Verdict: VERDICT[;reasons=a,b]` (reasons are detector ids and list
    /// kinds: tokens, safe in a header).
    mutating func verdict(_ verdict: StaticString, reasons: [String]) {
        put("X-CallGuard-Verdict: ")
        put(verdict)
        if !reasons.isEmpty {
            put(";reasons=")
            for (i, r) in reasons.enumerated() {
                if i > 0 { put(",") }
                bytes.append(contentsOf: r.utf8)
            }
        }
        put("\r\n")
    }

    mutating func finish() {
        put("Server: CallGuard\r\nContent-Length: 0\r\n\r\n")
    }

    // MARK: - Pieces

    /// The top Via with `received=SOURCE` added unless present, and an empty `rport`
    /// filled with the source port.
    private mutating func putTopVia(_ b: UnsafeRawBufferPointer, _ via: Range<Int>, _ source: Endpoint) {
        var hasReceived = false
        var i = via.lowerBound
        var copiedTo = via.lowerBound
        while i < via.upperBound {
            if b[i] == UInt8(ascii: ";") {
                var j = i + 1
                while j < via.upperBound && b[j] == 32 { j += 1 }
                if Self.matchesWord(b, j, via.upperBound, "received") { hasReceived = true }
                if Self.matchesWord(b, j, via.upperBound, "rport") {
                    let after = j + 5
                    if after == via.upperBound || b[after] == UInt8(ascii: ";") || b[after] == UInt8(ascii: ",") || b[after] == 32 {
                        put(b, copiedTo..<after)
                        put("=")
                        putInt(Int(source.port))
                        copiedTo = after
                    }
                }
            } else if b[i] == UInt8(ascii: ",") {
                break  // a second Via value on the same line: only the first is ours to amend
            }
            i += 1
        }
        put(b, copiedTo..<i)
        if !hasReceived {
            put(";received=")
            bytes.append(contentsOf: source.address.description.utf8)
        }
        put(b, i..<via.upperBound)
    }

    private static func matchesWord(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard s + n <= e else { return false }
        for k in 0..<n where b[s + k] | 0x20 != word.utf8Start[k] { return false }
        return true
    }

    private mutating func put(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private mutating func put(_ b: UnsafeRawBufferPointer, _ r: Range<Int>) {
        guard !r.isEmpty else { return }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[r]))
    }

    private mutating func putInt(_ v: Int) {
        var v = v
        if v == 0 { bytes.append(48); return }
        let start = bytes.count
        while v > 0 {
            bytes.append(UInt8(48 + v % 10))
            v /= 10
        }
        bytes[start...].reverse()
    }

    private mutating func putHex(_ v: UInt64) {
        for shift in stride(from: 60, through: 0, by: -4) {
            let d = UInt8((v >> UInt64(shift)) & 15)
            bytes.append(d < 10 ? 48 + d : 87 + d)
        }
    }
}
