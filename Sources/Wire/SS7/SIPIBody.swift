/// SIP-I (ITU-T Q.1912.5) and SIP-T (RFC 3372): an interconnect that bridges SS7 carries
/// the ISUP message in the SIP body, as a `multipart/mixed` part of type
/// `application/ISUP` (`version=ansi88` or `ansi92` for ANSI ISUP, ITU otherwise). The
/// ISUP facts (screening indicator, nature of address) then join the SIP message. The
/// body starts at the message type: the circuit is the SIP dialog's, not signalled.
extension PacketDecoder {
    /// Finds the ISUP part of `m`'s body, if any, and hands it to `onISUP`.
    func sipISUPBody(_ m: SIPMessage) {
        let body = m.slice(m.body)
        guard body.count > 20, let type = Self.find(body, "application/isup", from: 0) else { return }
        // The part's headers end at the first blank line after its Content-Type.
        guard let headersEnd = Self.find(body, "\r\n\r\n", from: type) else { return }
        let headers = body.slice(type, headersEnd)
        let ansi = Self.find(headers, "version=ansi", from: 0) != nil
        let start = headersEnd + 4
        let end = Self.find(body, "\r\n--", from: start) ?? body.count
        guard end > start else { return }
        isupMessage = ISUPMessage()
        isupMessage.inSIPBody = true
        // Parse as if a CIC of 0 preceded the message type.
        sipIBuffer.removeAll(keepingCapacity: true)
        sipIBuffer.append(contentsOf: [0, 0])
        sipIBuffer.append(contentsOf: body.slice(start, end))
        let ok = sipIBuffer.withUnsafeBytes { ISUPMessage.parse($0, into: &isupMessage, ansi: ansi) }
        guard ok else { return }
        counters.bump(.isupMessages)
        onISUP?(isupMessage, context)
    }

    /// The offset of `needle` (matched case-insensitively, lowercase ASCII) at or after `from`.
    static func find(_ b: UnsafeRawBufferPointer, _ needle: StaticString, from: Int) -> Int? {
        let n = needle.utf8CodeUnitCount
        guard b.count >= n, from <= b.count - n else { return nil }
        return needle.withUTF8Buffer { w -> Int? in
            for i in from...(b.count - n) {
                var j = 0
                while j < n && (b[i + j] == w[j] || (b[i + j] | 0x20) == w[j]) { j += 1 }
                if j == n { return i }
            }
            return nil
        }
    }
}
