/// URI schemes CallGuard reads numbers from.
public enum URIScheme: UInt8, Sendable {
    case none, sip, sips, tel, other
}

/// A parsed `name-addr` / `addr-spec` (From, To, P-Asserted-Identity, Diversion,
/// Contact) or a bare Request-URI, as byte ranges into the message.
public struct NameAddr: Sendable, Equatable {
    public var present = false
    public var displayName = ByteRange.empty
    public var uri = ByteRange.empty
    public var scheme = URIScheme.none
    /// The user part: for `sip:` the text before `@` without password or user
    /// parameters; for `tel:` the number before any parameter.
    public var user = ByteRange.empty
    public var host = ByteRange.empty
    /// `;phone-context=` value (tel: parameter or sip: user parameter).
    public var phoneContext = ByteRange.empty
    /// `;user=phone` was given on a sip: URI.
    public var userIsPhone = false
    /// `;tag=` of the header (From/To).
    public var tag = ByteRange.empty

    public init() {}

    /// Parses a header value in `start..<end` of `b`.
    static func parse(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> NameAddr {
        var result = NameAddr()
        var s = start
        var e = end
        while s < e && ASCII.isWhitespace(b[s]) { s += 1 }
        while e > s && ASCII.isWhitespace(b[e - 1]) { e -= 1 }
        guard s < e else { return result }
        result.present = true

        // The '<' of a name-addr, outside a quoted display name.
        var angle = b.firstUnquoted(ASCII.lessThan, from: s, to: e, skippingAngles: false) ?? -1
        if angle < 0 {
            // Broken quoting (e.g. `\"name\" <sip:...>` outside a quoted string): take the
            // first '<' as peers such as Wireshark do.
            angle = b.firstIndex(of: ASCII.lessThan, from: s, to: e) ?? -1
        }
        let paramsStart: Int
        if angle >= 0 {
            var ds = s, de = angle
            while de > ds && ASCII.isWhitespace(b[de - 1]) { de -= 1 }
            if de - ds >= 2 && b[ds] == ASCII.quote && b[de - 1] == ASCII.quote { ds += 1; de -= 1 }
            result.displayName = ByteRange(start: ds, end: de)
            let close = b.firstIndex(of: ASCII.greaterThan, from: angle + 1, to: e) ?? e
            result.uri = ByteRange(start: angle + 1, end: close)
            paramsStart = min(close + 1, e)
        } else {
            // addr-spec: parameters after the URI belong to the header, not the URI.
            var u = s
            while u < e && b[u] != ASCII.semicolon && !ASCII.isWhitespace(b[u]) && b[u] != ASCII.comma { u += 1 }
            result.uri = ByteRange(start: s, end: u)
            paramsStart = u
        }
        parseURI(b, into: &result)
        result.tag = headerParameter(b, "tag=", paramsStart, e)
        return result
    }

    /// Fills scheme, user, host and phone-context from `result.uri`.
    static func parseURI(_ b: UnsafeRawBufferPointer, into result: inout NameAddr) {
        let s = result.uri.lowerBound
        let e = result.uri.upperBound
        guard let colon = b.firstIndex(of: ASCII.colon, from: s, to: e) else {
            result.scheme = .other
            return
        }
        switch colon - s {
        case 3 where b.matchesLowercase("sip", at: s): result.scheme = .sip
        case 4 where b.matchesLowercase("sips", at: s): result.scheme = .sips
        case 3 where b.matchesLowercase("tel", at: s): result.scheme = .tel
        default: result.scheme = .other
        }
        let rest = colon + 1
        if result.scheme == .tel {
            var u = rest
            while u < e && b[u] != ASCII.semicolon && b[u] != ASCII.question { u += 1 }
            result.user = ByteRange(start: rest, end: u)
            result.phoneContext = headerParameter(b, "phone-context=", u, e)
            return
        }
        guard result.scheme == .sip || result.scheme == .sips else { return }
        // userinfo ends at the last '@' before any URI parameter section of the host.
        var at = -1
        var k = rest
        while k < e {
            let c = b[k]
            if c == ASCII.at { at = k; break }
            if c == ASCII.question { break }
            k += 1
        }
        var hostStart = rest
        if at >= 0 {
            var u = rest
            var userEnd = at
            while u < at {
                let c = b[u]
                if c == ASCII.colon || c == ASCII.semicolon { userEnd = u; break }
                u += 1
            }
            result.user = ByteRange(start: rest, end: userEnd)
            if userEnd < at && b[userEnd] == ASCII.semicolon {
                result.phoneContext = headerParameter(b, "phone-context=", userEnd, at)
            }
            hostStart = at + 1
        }
        var h = hostStart
        while h < e {
            let c = b[h]
            if c == ASCII.semicolon || c == ASCII.question || c == ASCII.colon { break }
            h += 1
        }
        if h > hostStart && b[hostStart] == 91 /* [ */ {
            // IPv6 reference: the host runs to the closing bracket.
            h = (b.firstIndex(of: 93, from: hostStart, to: e) ?? (e - 1)) + 1
        }
        result.host = ByteRange(start: hostStart, end: h)
        let userParam = headerParameter(b, "user=", h, e)
        result.userIsPhone = userParam.count == 5 && b.matchesLowercase("phone", at: userParam.lowerBound)
    }
}

/// The value of `;name=value` (name given in lower case with its `=`) in `start..<end`,
/// matched case-insensitively; quotes around the value are removed.
@inline(__always)
func headerParameter(_ b: UnsafeRawBufferPointer, _ name: StaticString, _ start: Int, _ end: Int) -> ByteRange {
    var i = start
    let n = name.utf8CodeUnitCount
    while i < end {
        guard let semi = b.firstIndex(of: ASCII.semicolon, from: i, to: end) else { return .empty }
        var p = semi + 1
        while p < end && (b[p] == ASCII.space || b[p] == ASCII.tab) { p += 1 }
        if p + n <= end && b.matchesLowercase(name, at: p) {
            let vs = p + n
            var ve = vs
            if vs < end && b[vs] == ASCII.quote {
                // quoted-string value: may hold ';', '<' or '>' (e.g. +sip.instance="<urn:...>").
                let close = b.firstIndex(of: ASCII.quote, from: vs + 1, to: end) ?? end
                return ByteRange(start: vs + 1, end: close)
            }
            while ve < end {
                let c = b[ve]
                if c == ASCII.semicolon || c == ASCII.comma || c == ASCII.greaterThan || c == ASCII.question
                    || ASCII.isWhitespace(c) { break }
                ve += 1
            }
            return ByteRange(start: vs, end: ve)
        }
        i = semi + 1
    }
    return .empty
}
