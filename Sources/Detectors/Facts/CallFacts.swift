import CallEvents
import Numbering
import Wire

/// What detectors may know about one call setup, extracted once from the INVITE:
/// parties as number keys, where it entered, the radio cell and handset type when the
/// network reports them, and gateway traits. Plain values: detectors never touch bytes.
public struct CallFacts: Sendable {
    public var time: Nanoseconds = 0
    public var caller: PhoneNumber?
    public var callee: PhoneNumber?
    /// `caller.key`, or a hash of the raw user part when it is not a number (0: none).
    public var callerKey: UInt64 = 0
    public var calleeKey: UInt64 = 0
    public var source = IPAddress.unspecified
    public var role = TrunkRole.unknown
    /// The declared trunk the call entered on (its number in the rule set, from 1; 0: none).
    public var trunk: UInt16 = 0
    /// That trunk's contracted volume, when the rule set gives one.
    public var contract = TrunkContract()
    /// Index of the caller profile whose thresholds apply (0: default).
    public var profile = 0
    /// Hash of the `P-Access-Network-Info` cell identity (0: none).
    public var cell: UInt64 = 0
    /// Type Allocation Code: the first 8 IMEI digits of `+sip.instance` (0: none).
    public var tac: UInt32 = 0
    /// Hash of the whole IMEI of `+sip.instance` (0: none): one handset, or one module of
    /// a gateway. A handset carries one or two numbers; a SIM box module carries many.
    public var imei: UInt64 = 0
    public var traits = DeviceTraits()
    /// The protocol the setup came in, and who vouches for the calling number.
    public var signalling = SignallingProtocol.sip
    public var callerScreening = Screening.unknown
    public var callerPresentation = Presentation.unknown
    /// A second calling number to show (ISUP Generic Number), when one was signalled.
    public var additionalCaller: PhoneNumber?

    public init() {}

    /// A key for the source address.
    public var sourceKey: UInt64 { Self.sourceKey(source) }

    @inline(__always)
    public static func sourceKey(_ a: IPAddress) -> UInt64 { a.high &* 0x9E37_79B9_7F4A_7C15 ^ a.low ^ (a.isIPv6 ? 1 : 0) }
}

/// Builds `CallFacts` from a setup event of any protocol. Works on the event's byte
/// views in place.
public struct FactExtractor: Sendable {
    public var fingerprints: FingerprintRules

    public init(fingerprints: FingerprintRules = FingerprintRules()) {
        self.fingerprints = fingerprints
    }

    public func facts(_ call: CallEvent) -> CallFacts {
        var f = CallFacts()
        f.time = call.context.timestamp
        f.signalling = call.signalling
        f.caller = call.caller.number
        f.callee = call.callee.number
        f.callerScreening = call.caller.screening
        f.callerPresentation = call.caller.presentation
        f.additionalCaller = call.additionalCaller.number
        // A withheld identity (`anonymous`, RFC 3323) is nobody in particular: keying it would
        // lump every anonymous caller into one busy "number". The network's asserted
        // identity, when there is one, is the caller (the adapter prefers it).
        f.callerKey = call.caller.number?.key ?? (WithheldIdentity.matches(call.caller.raw) ? 0 : Bytes.hash(call.caller.raw))
        f.calleeKey = call.callee.number?.key ?? Bytes.hash(call.callee.raw)
        f.source = call.context.source.address
        let d = call.device
        f.cell = Bytes.cellHash(d.accessNetwork)
        f.tac = Bytes.tac(d.instance)
        f.imei = Bytes.imeiHash(d.instance)
        f.traits = traits(d)
        return f
    }

    func traits(_ d: DeviceContext) -> DeviceTraits {
        var t = DeviceTraits()
        let ua = d.userAgent
        if !ua.isEmpty && fingerprints.userAgentTokens.contains(where: { Bytes.containsLowercased(ua, $0) }) { t.insert(.userAgentToken) }
        if d.maxForwards == fingerprints.maxForwards { t.insert(.maxForwards30) }
        if Bytes.isDigitBranch(d.transaction) { t.insert(.digitBranch) }
        let s = d.sessionName
        if !s.isEmpty && fingerprints.sdpSessions.contains(where: { Bytes.equal(s, $0) }) { t.insert(.sdpSession) }
        if Bytes.isUserN(d.sessionOrigin) { t.insert(.sdpUserN) }
        return t
    }
}

/// Byte-level helpers for fact extraction: no strings, no allocation.
enum Bytes {
    static let cellKey: [UInt8] = Array("cell-id-3gpp=".utf8)
    static let imeiKey: [UInt8] = Array("imei:".utf8)
    static let cookie: [UInt8] = Array("z9hG4bK".utf8)

    /// FNV-1a over the bytes (0 for none).
    @inline(__always)
    static func hash(_ b: UnsafeRawBufferPointer) -> UInt64 {
        guard !b.isEmpty else { return 0 }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
        return h | 1
    }

    /// The cell identity after `cell-id-3gpp=` (any `*-cell-id-3gpp`), else the whole value.
    static func cellHash(_ b: UnsafeRawBufferPointer) -> UInt64 {
        guard !b.isEmpty else { return 0 }
        let key = cellKey
        if let at = find(b, key) {
            var end = at + key.count
            while end < b.count && b[end] != 59 && b[end] != 32 && b[end] != 44 { end += 1 }  // ; space ,
            return hash(UnsafeRawBufferPointer(rebasing: b[(at + key.count)..<end]))
        }
        return hash(b)
    }

    /// The TAC of `<urn:gsma:imei:86217004-296554-0>` (0 when absent or malformed).
    static func tac(_ b: UnsafeRawBufferPointer) -> UInt32 {
        let key = imeiKey
        guard let at = find(b, key), at + key.count + 8 <= b.count else { return 0 }
        var v: UInt32 = 0
        for i in (at + key.count)..<(at + key.count + 8) {
            let c = b[i]
            guard c >= 48 && c <= 57 else { return 0 }
            v = v * 10 + UInt32(c - 48)
        }
        return v
    }

    /// Hash of the IMEI after `imei:` up to `>`, `"` or `;` (0 when absent).
    static func imeiHash(_ b: UnsafeRawBufferPointer) -> UInt64 {
        guard let at = find(b, imeiKey) else { return 0 }
        var end = at + imeiKey.count
        while end < b.count && b[end] != 62 && b[end] != 34 && b[end] != 59 { end += 1 }
        return hash(UnsafeRawBufferPointer(rebasing: b[(at + imeiKey.count)..<end]))
    }

    static func find(_ b: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Int? {
        guard b.count >= needle.count, !needle.isEmpty else { return nil }
        var i = 0
        while i + needle.count <= b.count {
            var j = 0
            while j < needle.count && lower(b[i + j]) == needle[j] { j += 1 }
            if j == needle.count { return i }
            i += 1
        }
        return nil
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }

    static func containsLowercased(_ b: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool { find(b, needle) != nil }

    static func equal(_ b: UnsafeRawBufferPointer, _ s: [UInt8]) -> Bool {
        b.count == s.count && zip(b, s).allSatisfy { $0 == $1 }
    }

    /// `z9hG4bK` followed by digits only (at least 6).
    static func isDigitBranch(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count >= 13 else { return false }
        for i in 0..<7 where b[i] != cookie[i] { return false }
        for i in 7..<b.count where b[i] < 48 || b[i] > 57 { return false }
        return true
    }

    /// An SDP origin whose user is `user` followed by digits.
    static func isUserN(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count > 5, lower(b[0]) == 117, lower(b[1]) == 115, lower(b[2]) == 101, lower(b[3]) == 114 else { return false }
        var i = 4
        while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
        return i > 4 && (i == b.count || b[i] == 32)
    }
}
