/// The parts of a request a stateless response copies (RFC 3261 8.2.6.2): the
/// Request-URI, every Via line in order, From, To, Call-ID and CSeq, as ranges into the
/// request's bytes, found in one pass over its header block. Compact forms (`v`, `f`,
/// `t`, `i`) count; folded lines extend the header they continue. The Via array is reused
/// from request to request, so a scan allocates nothing once it has grown.
struct RequestHeaders {
    var requestURI = 0..<0
    var vias: [Range<Int>] = []
    var from = 0..<0
    var to = 0..<0
    var callID = 0..<0
    var cseq = 0..<0
    /// Whether the To header carries a tag (a response must not add a second one).
    var toHasTag = false

    init() { vias.reserveCapacity(8) }

    /// Vias copied at most: more is a loop or an attack, and the request is not answered.
    static let maxVias = 70

    /// Scans `b`; false when a header a response needs is missing or the start line is
    /// not a request line.
    mutating func scan(_ b: UnsafeRawBufferPointer) -> Bool {
        vias.removeAll(keepingCapacity: true)
        from = 0..<0; to = 0..<0; callID = 0..<0; cseq = 0..<0
        toHasTag = false
        guard let firstEnd = Self.lineEnd(b, from: 0) else { return false }
        var lineStop = firstEnd
        if lineStop > 0 && b[lineStop - 1] == 13 { lineStop -= 1 }
        guard let sp = Self.index(of: 32, in: b, 0, lineStop), lineStop - sp > 9 else { return false }
        requestURI = (sp + 1)..<(lineStop - 8)
        var at = firstEnd + 1
        var current: Header = .other
        while at < b.count {
            guard let end = Self.lineEnd(b, from: at) else { return false }
            var stop = end
            if stop > at && b[stop - 1] == 13 { stop -= 1 }
            if stop == at { break }  // the empty line ending the headers
            if b[at] == 32 || b[at] == 9 {
                extend(current, to: stop)  // a folded continuation
            } else if let colon = Self.index(of: 58, in: b, at, stop) {
                var nameEnd = colon
                while nameEnd > at && (b[nameEnd - 1] == 32 || b[nameEnd - 1] == 9) { nameEnd -= 1 }
                current = Self.header(b, at, nameEnd)
                var v = colon + 1
                while v < stop && (b[v] == 32 || b[v] == 9) { v += 1 }
                switch current {
                case .via:
                    guard vias.count < Self.maxVias else { return false }
                    vias.append(v..<stop)
                case .from: from = v..<stop
                case .to: to = v..<stop
                case .callID: callID = v..<stop
                case .cseq: cseq = v..<stop
                case .other: break
                }
            }
            at = end + 1
        }
        guard !vias.isEmpty, !from.isEmpty, !to.isEmpty, !callID.isEmpty, !cseq.isEmpty else { return false }
        toHasTag = Self.hasTag(b, to)
        return true
    }

    private enum Header { case via, from, to, callID, cseq, other }

    private mutating func extend(_ h: Header, to stop: Int) {
        switch h {
        case .via: if let last = vias.indices.last { vias[last] = vias[last].lowerBound..<stop }
        case .from: from = from.lowerBound..<stop
        case .to: to = to.lowerBound..<stop
        case .callID: callID = callID.lowerBound..<stop
        case .cseq: cseq = cseq.lowerBound..<stop
        case .other: break
        }
    }

    /// The header a name (case-insensitive, compact forms too) stands for.
    private static func header(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Header {
        @inline(__always) func lower(_ i: Int) -> UInt8 { b[i] | 0x20 }
        switch e - s {
        case 1:
            switch lower(s) {
            case UInt8(ascii: "v"): return .via
            case UInt8(ascii: "f"): return .from
            case UInt8(ascii: "t"): return .to
            case UInt8(ascii: "i"): return .callID
            default: return .other
            }
        case 2: return lower(s) == UInt8(ascii: "t") && lower(s + 1) == UInt8(ascii: "o") ? .to : .other
        case 3: return matches(b, s, "via") ? .via : .other
        case 4:
            if matches(b, s, "from") { return .from }
            return matches(b, s, "cseq") ? .cseq : .other
        case 7: return matches(b, s, "call-id") ? .callID : .other
        default: return .other
        }
    }

    private static func matches(_ b: UnsafeRawBufferPointer, _ s: Int, _ name: StaticString) -> Bool {
        let n = name.utf8CodeUnitCount
        let p = name.utf8Start
        for i in 0..<n where b[s + i] | 0x20 != p[i] { return false }
        return true
    }

    /// Whether a From/To value has a `;tag=` parameter outside its URI's angle brackets.
    static func hasTag(_ b: UnsafeRawBufferPointer, _ r: Range<Int>) -> Bool {
        var i = r.lowerBound
        if let close = index(of: UInt8(ascii: ">"), in: b, r.lowerBound, r.upperBound) { i = close + 1 }
        while i < r.upperBound {
            if b[i] == UInt8(ascii: ";") {
                var j = i + 1
                while j < r.upperBound && (b[j] == 32 || b[j] == 9) { j += 1 }
                if j + 4 <= r.upperBound && b[j] | 0x20 == UInt8(ascii: "t") && b[j + 1] | 0x20 == UInt8(ascii: "a")
                    && b[j + 2] | 0x20 == UInt8(ascii: "g") && (b[j + 3] == UInt8(ascii: "=") || b[j + 3] == 32) {
                    return true
                }
            }
            i += 1
        }
        return false
    }

    static func lineEnd(_ b: UnsafeRawBufferPointer, from s: Int) -> Int? { index(of: 10, in: b, s, b.count) }

    static func index(of byte: UInt8, in b: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Int? {
        var i = s
        while i < e {
            if b[i] == byte { return i }
            i += 1
        }
        return nil
    }
}
