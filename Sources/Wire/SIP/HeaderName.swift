/// The SIP headers CallGuard reads, identified from full or compact names
/// (RFC 3261 7.3.3: `f t i m v l c`; `k s e o` are recognised and skipped).
enum HeaderName: UInt8 {
    case none, other
    case callID, from, to, cseq, via, maxForwards, contact
    case assertedIdentity, diversion, userAgent, server, accessNetworkInfo
    case contentType, contentLength

    /// Case-insensitive match on `start..<end`; switches on length first so unknown
    /// headers cost one comparison or two.
    @inline(__always)
    static func identify(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> HeaderName {
        let n = end - start
        guard n > 0 else { return .other }
        let first = ASCII.lower(b[start])
        switch n {
        case 1:
            switch first {
            case 102: return .from          // f
            case 116: return .to            // t
            case 105: return .callID        // i
            case 109: return .contact       // m
            case 118: return .via           // v
            case 108: return .contentLength // l
            case 99: return .contentType    // c
            default: return .other          // k s e o and others
            }
        case 2:
            if first == 116 && b.matchesLowercase("to", at: start) { return .to }
        case 3:
            if first == 118 && b.matchesLowercase("via", at: start) { return .via }
        case 4:
            if first == 102 && b.matchesLowercase("from", at: start) { return .from }
            if first == 99 && b.matchesLowercase("cseq", at: start) { return .cseq }
        case 6:
            if first == 115 && b.matchesLowercase("server", at: start) { return .server }
        case 7:
            if first == 99 && b.matchesLowercase("call-id", at: start) { return .callID }
            if first == 99 && b.matchesLowercase("contact", at: start) { return .contact }
        case 9:
            if first == 100 && b.matchesLowercase("diversion", at: start) { return .diversion }
        case 10:
            if first == 117 && b.matchesLowercase("user-agent", at: start) { return .userAgent }
        case 12:
            if first == 109 && b.matchesLowercase("max-forwards", at: start) { return .maxForwards }
            if first == 99 && b.matchesLowercase("content-type", at: start) { return .contentType }
        case 14:
            if first == 99 && b.matchesLowercase("content-length", at: start) { return .contentLength }
        case 19:
            if first == 112 && b.matchesLowercase("p-asserted-identity", at: start) { return .assertedIdentity }
        case 21:
            if first == 112 && b.matchesLowercase("p-access-network-info", at: start) { return .accessNetworkInfo }
        default:
            break
        }
        return .other
    }
}
