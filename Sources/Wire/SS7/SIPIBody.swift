/// SIP-I (ITU-T Q.1912.5) and SIP-T (RFC 3372): an interconnect that bridges SS7 carries
/// the ISUP message in the SIP body, as a `multipart/mixed` part of type
/// `application/ISUP` (`version=ansi88` or `ansi92` for ANSI ISUP, ITU otherwise). The
/// ISUP facts (screening indicator, nature of address) then join the SIP message. The
/// body starts at the message type: the circuit is the SIP dialog's, not signalled.
extension PacketDecoder {
    /// Finds the ISUP part of `m`'s body, if any, and puts it on the message, so that its
    /// facts join the SIP call. Only multipart bodies are searched.
    func sipISUPBody(_ m: inout SIPMessage) {
        let type = m.slice(m.contentType)
        guard type.count > 9, type[0] | 0x20 == UInt8(ascii: "m") else { return }
        let body = m.slice(m.body)
        guard body.count > 20, let type = body.firstIndex(ofLowercase: "application/isup", from: 0) else { return }
        // The part's headers end at the first blank line after its Content-Type.
        guard let start = SIPParser.endOfHeaders(body, from: type) else { return }
        let ansi = body.slice(type, start).firstIndex(ofLowercase: "version=ansi", from: 0) != nil
        let end = body.firstIndex(ofLowercase: "\r\n--", from: start) ?? body.count
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
        m.isup = isupMessage
    }
}
