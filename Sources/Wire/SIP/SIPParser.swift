/// SIP message parsing over bytes in place (RFC 3261 section 7 and 20).
///
/// A pure function of the bytes: no state, no allocation. Recognition looks at the start
/// line only, so SIP is found on any port; framing finds where a message ends in a
/// stream; parsing fills a reused `SIPMessage` with the fields CallGuard needs and skips
/// every other header after comparing its name's length and first letter.
public enum SIPParser {
    /// Longest header line accepted (folded lines count as one). Longer lines make the
    /// message malformed (`sip_header_too_long`): real stacks cap lines too.
    public static let maxHeaderLine = 16 * 1024
    /// Largest message accepted on a stream before giving up on the flow's framing.
    public static let maxStreamMessage = 256 * 1024

    public enum Recognition: Equatable {
        /// Starts with a SIP request or status line.
        case sip
        /// Only CR/LF: a keepalive (RFC 5626).
        case keepalive
        /// The first line is not complete yet (streams only).
        case needMore
        case notSIP
    }

    /// Does `b` start with a SIP start line? Leading CR/LF are allowed (RFC 3261 7.5).
    public static func recognize(_ b: UnsafeRawBufferPointer) -> Recognition {
        var s = 0
        while s < b.count && (b[s] == ASCII.cr || b[s] == ASCII.lf) { s += 1 }
        if s == b.count { return b.count > 0 ? .keepalive : .needMore }
        let limit = min(b.count, s + 2048)
        guard let lf = firstLineEnd(b, from: s, to: limit) else {
            // A status line we can already see is enough.
            if b.matches("SIP/2.0 ", at: s) { return .sip }
            return limit == b.count && b.count - s < 2048 && plausiblePrefix(b, s) ? .needMore : .notSIP
        }
        var e = lf
        if e > s && b[e - 1] == ASCII.cr { e -= 1 }
        return isStartLine(b, s, e) ? .sip : .notSIP
    }

    /// The LF ending the start line, or a bare CR when one comes first (Wireshark
    /// accepts CR, LF or CRLF as a line end; fuzzed and broken stacks send bare CRs).
    @inline(__always)
    static func firstLineEnd(_ b: UnsafeRawBufferPointer, from s: Int, to limit: Int) -> Int? {
        guard let lf = b.firstIndex(of: ASCII.lf, from: s, to: limit) else { return nil }
        if let cr = b.firstIndex(of: ASCII.cr, from: s, to: lf), cr + 1 < lf { return cr }
        return lf
    }

    /// While the first line is incomplete: could it still become a SIP start line?
    private static func plausiblePrefix(_ b: UnsafeRawBufferPointer, _ s: Int) -> Bool {
        var i = s
        while i < b.count && ASCII.isTokenChar(b[i]) { i += 1 }
        return i == b.count || (i > s && b[i] == ASCII.space)
    }

    /// `SIP/2.0 NNN reason` or `METHOD SP Request-URI SP SIP/2.0`.
    @inline(__always)
    static func isStartLine(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Bool {
        if b.matches("SIP/2.0 ", at: s) {
            return e - s >= 11 && ASCII.isDigit(b[s + 8]) && ASCII.isDigit(b[s + 9]) && ASCII.isDigit(b[s + 10])
        }
        guard e - s >= 13, b.matches(" SIP/2.0", at: e - 8) else { return false }
        var i = s
        while i < e && ASCII.isTokenChar(b[i]) { i += 1 }
        return i > s && i < e && b[i] == ASCII.space
    }

    public enum Framing: Equatable {
        case needMore
        /// The first message is `length` bytes long (after `skip` leading CR/LF bytes).
        case message(skip: Int, length: Int)
        /// Only keepalive CR/LF bytes: drop `skip` bytes.
        case keepalive(skip: Int)
        /// Longer than `maxStreamMessage`: the next `skip + length` bytes are one message to drop.
        case oversized(skip: Int, length: Int)
        case invalid(MalformedReason)
    }

    /// Where the first message in a stream buffer ends, from its `Content-Length`.
    public static func frame(_ b: UnsafeRawBufferPointer) -> Framing {
        var s = 0
        while s < b.count && (b[s] == ASCII.cr || b[s] == ASCII.lf) { s += 1 }
        if s == b.count { return s > 0 ? .keepalive(skip: s) : .needMore }
        guard let headerEnd = endOfHeaders(b, from: s) else {
            return b.count - s > maxStreamMessage ? .invalid(.sipMessageTooLarge) : .needMore
        }
        // Find Content-Length among the header lines (full or compact form).
        var lineStart = s
        var contentLength = -1
        while lineStart < headerEnd {
            let lf = b.firstIndex(of: ASCII.lf, from: lineStart, to: headerEnd) ?? headerEnd
            if let colon = b.firstIndex(of: ASCII.colon, from: lineStart, to: lf) {
                var ne = colon
                while ne > lineStart && (b[ne - 1] == ASCII.space || b[ne - 1] == ASCII.tab) { ne -= 1 }
                let n = ne - lineStart
                if (n == 14 && b.matchesLowercase("content-length", at: lineStart))
                    || (n == 1 && ASCII.lower(b[lineStart]) == 108 /* l */) {
                    guard let v = parseDecimal(b, colon + 1, lf) else { return .invalid(.sipBadContentLength) }
                    contentLength = v
                }
            }
            lineStart = lf + 1
        }
        if contentLength < 0 { contentLength = 0 }
        let total = headerEnd - s + contentLength
        if total > maxStreamMessage { return .oversized(skip: s, length: total) }
        if s + total > b.count { return .needMore }
        return .message(skip: s, length: total)
    }

    /// Offset just past the empty line that ends the headers (CRLFCRLF or LFLF), or nil.
    @inline(__always)
    static func endOfHeaders(_ b: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = start
        while let lf = b.firstIndex(of: ASCII.lf, from: i, to: b.count) {
            let next = lf + 1
            if next < b.count {
                if b[next] == ASCII.lf { return next + 1 }
                if b[next] == ASCII.cr && next + 1 < b.count && b[next + 1] == ASCII.lf { return next + 2 }
            }
            i = next
        }
        return nil
    }

    /// Decimal digits in `start..<end` with surrounding whitespace; nil if anything else.
    @inline(__always)
    static func parseDecimal(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var s = start, e = end
        while s < e && ASCII.isWhitespace(b[s]) { s += 1 }
        while e > s && ASCII.isWhitespace(b[e - 1]) { e -= 1 }
        guard s < e, e - s <= 9 else { return nil }
        var v = 0
        for i in s..<e {
            let c = b[i]
            guard ASCII.isDigit(c) else { return nil }
            v = v * 10 + Int(c - ASCII.zero)
        }
        return v
    }

    /// Parses the message that occupies all of `b`. Returns false when not even a start
    /// line could be read (nothing to show); otherwise `message` holds what was found
    /// and `message.defect` says whether it is fit for call tracking.
    /// `isStream`: the message was framed from a stream (Content-Length is mandatory).
    @discardableResult
    public static func parse(_ b: UnsafeRawBufferPointer, into m: inout SIPMessage, isStream: Bool = false) -> Bool {
        m.reset(b)
        var s = 0
        while s < b.count && (b[s] == ASCII.cr || b[s] == ASCII.lf) { s += 1 }
        guard let lf = firstLineEnd(b, from: s, to: b.count) else {
            return false
        }
        var lineEnd = lf
        if lineEnd > s && b[lineEnd - 1] == ASCII.cr { lineEnd -= 1 }
        guard parseStartLine(b, s, lineEnd, &m) else { return false }

        // Header lines. A header's value is committed when the next line does not
        // continue it (folding: a line starting with SP or HT continues the previous).
        var pos = lf + 1
        var pendingName = HeaderName.none
        var valueStart = 0, valueEnd = 0, lineBegin = 0
        var sawEmptyLine = false
        while pos < b.count {
            let next = b.firstIndex(of: ASCII.lf, from: pos, to: b.count)
            let hasLF = next != nil
            let nl = next ?? b.count
            var le = nl
            if le > pos && b[le - 1] == ASCII.cr { le -= 1 }
            if le == pos {  // empty line: end of headers
                pos = nl + 1
                sawEmptyLine = hasLF
                break
            }
            let c = b[pos]
            if c == ASCII.space || c == ASCII.tab {
                if pendingName != .none { valueEnd = le }
            } else {
                if pendingName != .none || lineBegin > 0 {
                    if valueEnd - lineBegin > maxHeaderLine { m.defect = m.defect ?? .sipHeaderTooLong }
                    commit(pendingName, b, valueStart, valueEnd, &m)
                }
                lineBegin = pos
                if let colon = b.firstIndex(of: ASCII.colon, from: pos, to: le) {
                    var ne = colon
                    while ne > pos && (b[ne - 1] == ASCII.space || b[ne - 1] == ASCII.tab) { ne -= 1 }
                    pendingName = HeaderName.identify(b, pos, ne)
                    valueStart = colon + 1
                    valueEnd = le
                } else {
                    pendingName = .none
                    valueStart = le
                    valueEnd = le
                }
            }
            pos = nl + 1
        }
        if pendingName != .none || lineBegin > 0 {
            if valueEnd - lineBegin > maxHeaderLine { m.defect = m.defect ?? .sipHeaderTooLong }
            commit(pendingName, b, valueStart, valueEnd, &m)
        }

        // Body: Content-Length bytes after the empty line (the rest of a datagram when absent).
        let bodyStart = min(pos, b.count)
        if !sawEmptyLine {
            m.defect = m.defect ?? .sipTruncatedHeaders
            m.body = ByteRange(start: b.count, end: b.count)
        } else if m.contentLength >= 0 {
            if bodyStart + m.contentLength > b.count {
                m.defect = m.defect ?? .sipBadContentLength
                m.body = ByteRange(start: bodyStart, end: b.count)
            } else {
                m.body = ByteRange(start: bodyStart, end: bodyStart + m.contentLength)
            }
        } else {
            if isStream { m.defect = m.defect ?? .sipBadContentLength }
            m.body = ByteRange(start: bodyStart, end: b.count)
        }
        if m.contentLength == -2 { m.defect = m.defect ?? .sipBadContentLength }

        if m.callID.isEmpty {
            m.defect = m.defect ?? .sipMissingCallID
        } else if !m.from.present || !m.to.present {
            m.defect = m.defect ?? .sipMissingFromOrTo
        } else if m.cseqMethodText.isEmpty {
            m.defect = m.defect ?? .sipBadCSeq
        }
        if !m.body.isEmpty { scanSDP(b, &m) }
        return true
    }

    private static func parseStartLine(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int, _ m: inout SIPMessage) -> Bool {
        if b.matches("SIP/2.0 ", at: s) {
            guard e - s >= 11, ASCII.isDigit(b[s + 8]), ASCII.isDigit(b[s + 9]), ASCII.isDigit(b[s + 10]) else { return false }
            m.isRequest = false
            m.statusCode = Int(b[s + 8] - ASCII.zero) * 100 + Int(b[s + 9] - ASCII.zero) * 10 + Int(b[s + 10] - ASCII.zero)
            return true
        }
        guard isStartLine(b, s, e) else { return false }
        var i = s
        while i < e && b[i] != ASCII.space { i += 1 }
        m.isRequest = true
        m.methodText = ByteRange(start: s, end: i)
        m.method = SIPMethod.identify(b, s, i)
        let uriStart = i + 1
        var uriEnd = e - 8
        while uriEnd > uriStart && b[uriEnd - 1] == ASCII.space { uriEnd -= 1 }
        var ruri = NameAddr()
        ruri.present = true
        ruri.uri = ByteRange(start: uriStart, end: uriEnd)
        NameAddr.parseURI(b, into: &ruri)
        m.requestURI = ruri
        return true
    }

    /// Stores one header's value (`start..<end`, after the colon) into the message.
    @inline(__always)
    private static func commit(_ name: HeaderName, _ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ m: inout SIPMessage) {
        var s = start, e = end
        while s < e && ASCII.isWhitespace(b[s]) { s += 1 }
        while e > s && ASCII.isWhitespace(b[e - 1]) { e -= 1 }
        switch name {
        case .none, .other:
            return
        case .callID:
            if m.callID.isEmpty { m.callID = ByteRange(start: s, end: e) }
        case .from:
            if !m.from.present { m.from = NameAddr.parse(b, s, e) }
        case .to:
            if !m.to.present { m.to = NameAddr.parse(b, s, e) }
        case .cseq:
            guard m.cseqMethodText.isEmpty else { return }
            var i = s
            var n: UInt32 = 0
            while i < e && ASCII.isDigit(b[i]) {
                n = n &* 10 &+ UInt32(b[i] - ASCII.zero)
                i += 1
            }
            guard i > s else { return }
            while i < e && ASCII.isWhitespace(b[i]) { i += 1 }
            var j = i
            while j < e && !ASCII.isWhitespace(b[j]) { j += 1 }
            guard j > i else { return }
            m.cseqNumber = n
            m.cseqMethodText = ByteRange(start: i, end: j)
            m.cseqMethod = SIPMethod.identify(b, i, j)
            if !m.isRequest { m.method = m.cseqMethod }
        case .via:
            // A Via header may hold several comma-separated hops; the first one is the top.
            if m.viaCount == 0 {
                let topEnd = b.firstUnquoted(ASCII.comma, from: s, to: e, skippingAngles: false) ?? e
                m.viaBranch = headerParameter(b, "branch=", s, topEnd)
            }
            m.viaCount += 1
        case .maxForwards:
            if m.maxForwards < 0, let v = parseDecimal(b, s, e) { m.maxForwards = v }
        case .contact:
            if !m.contact.present {
                m.contact = NameAddr.parse(b, s, firstValueEnd(b, s, e))
                m.sipInstance = headerParameter(b, "+sip.instance=", s, e)
            }
        case .assertedIdentity:
            var vs = s
            while vs < e {
                let ve = firstValueEnd(b, vs, e)
                if !m.assertedIdentity.present {
                    m.assertedIdentity = NameAddr.parse(b, vs, ve)
                } else if !m.assertedIdentity2.present {
                    m.assertedIdentity2 = NameAddr.parse(b, vs, ve)
                }
                vs = ve + 1
            }
        case .diversion:
            if !m.diversion.present { m.diversion = NameAddr.parse(b, s, firstValueEnd(b, s, e)) }
        case .userAgent:
            // Product strings keep trailing blanks, as Wireshark shows them.
            if m.userAgent.isEmpty { m.userAgent = ByteRange(start: s, end: end) }
        case .server:
            if m.server.isEmpty { m.server = ByteRange(start: s, end: end) }
        case .accessNetworkInfo:
            if m.accessNetworkInfo.isEmpty { m.accessNetworkInfo = ByteRange(start: s, end: e) }
        case .contentType:
            if m.contentType.isEmpty { m.contentType = ByteRange(start: s, end: e) }
        case .contentLength:
            if let v = parseDecimal(b, s, e) { m.contentLength = v } else { m.contentLength = -2 }
        }
    }

    /// End of the first comma-separated value in `start..<end` (commas inside quotes or
    /// angle brackets do not count).
    @inline(__always)
    private static func firstValueEnd(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int {
        b.firstUnquoted(ASCII.comma, from: start, to: end, skippingAngles: true) ?? end
    }

    /// Finds the SDP `o=` and `s=` lines when the body is SDP.
    private static func scanSDP(_ b: UnsafeRawBufferPointer, _ m: inout SIPMessage) {
        let s = m.body.lowerBound, e = m.body.upperBound
        let isSDP = (e - s >= 4 && b.matches("v=0", at: s))
            || (m.contentType.count >= 15 && b.matchesLowercase("application/sdp", at: m.contentType.lowerBound))
        guard isSDP else { return }
        var line = s
        while line < e {
            let lf = b.firstIndex(of: ASCII.lf, from: line, to: e) ?? e
            var le = lf
            if le > line && b[le - 1] == ASCII.cr { le -= 1 }
            if le - line >= 2 && b[line + 1] == ASCII.equals {
                if b[line] == 111 /* o */ && m.sdpOrigin.isEmpty { m.sdpOrigin = ByteRange(start: line + 2, end: le) }
                if b[line] == 115 /* s */ && m.sdpSessionName.isEmpty { m.sdpSessionName = ByteRange(start: line + 2, end: le) }
            }
            line = lf + 1
        }
    }
}
