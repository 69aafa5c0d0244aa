import Numbering
import Wire

/// Turns ISUP messages (over MTP2, M2PA or M3UA) into call events. A call is a circuit:
/// the two signalling points (in either order) and the CIC, through IAM → ACM/CPG →
/// ANM (or CON) → REL → RLC; a new IAM on a released circuit is a new call. Numbers are
/// normalised to E.164 by their nature of address (international as is, national with
/// the home country code, others under the numbering plan like a dialled string). ISUP
/// carried in a SIP-I body belongs to its SIP call and is left to the SIP adapter.
///
/// The raw digits and the call identifier are written into buffers the adapter owns,
/// so an event's views stay valid until the adapter's next event, and an IAM costs no
/// allocation.
public final class ISUPEventAdapter {
    public let normalizer: NumberNormalizer
    private let homeContext: [UInt8]
    private let scratch: UnsafeMutableRawBufferPointer
    private static let slot = 40

    public init(normalizer: NumberNormalizer = NumberNormalizer()) {
        self.normalizer = normalizer
        homeContext = Array(("+" + normalizer.plan.countryCode).utf8)
        scratch = .allocate(byteCount: Self.slot * 4, alignment: 8)
    }

    deinit { scratch.deallocate() }

    /// The event `m` stands for, or nil for messages that carry no call (circuit
    /// supervision, maintenance) and for ISUP inside SIP bodies.
    public func event(_ m: ISUPMessage, _ context: MessageContext) -> CallEvent? {
        guard !m.inSIPBody else { return nil }
        let kind: CallEventKind
        switch m.type {
        case ISUPMessage.initialAddress: kind = .setup
        case ISUPMessage.addressComplete: kind = .progress(180)
        case ISUPMessage.callProgress: kind = .progress(183)
        case ISUPMessage.answer, ISUPMessage.connect: kind = .answer
        case ISUPMessage.release: kind = .release(cause: m.cause == 0 ? ReleaseCause.normalClearing : m.cause)
        case ISUPMessage.resetCircuit: kind = .release(cause: ReleaseCause.temporaryFailure)
        case ISUPMessage.subsequentAddress, ISUPMessage.releaseComplete: kind = .other
        default: return nil
        }
        var e = CallEvent(kind: kind, signalling: .isup, context: context, key: Self.circuitKey(m.opc, m.dpc, m.cic),
                          callID: UnsafeRawBufferPointer(start: nil, count: 0))
        e.keyReusable = true
        e.origin = m.opc
        if kind == .setup {
            e.callID = writeCallID(m, at: context.timestamp)
            e.caller = party(m.calling, nature: m.callingNatureOfAddress, at: 1)
            if !m.calling.isEmpty {
                e.caller.presentation = m.callingPresentation == 0 ? .allowed : m.callingPresentation == 1 ? .restricted : .unavailable
                e.caller.screening = Screening(isup: m.callingScreening)
            }
            e.callee = party(m.called, nature: m.calledNatureOfAddress, at: 2)
            // Numbers of forwarded calls and shown-number arrangements: number only.
            if !m.additionalCalling.isEmpty {
                e.additionalCaller.number = party(m.additionalCalling, nature: m.additionalCallingNatureOfAddress, at: 3).number
            }
            if !m.redirecting.isEmpty { e.redirecting.number = party(m.redirecting, nature: 0, at: 3).number }
            e.redirections = m.redirectionCounter
            e.redirectingReason = m.redirectingReason
            if !m.originalCalled.isEmpty { e.originalCalled.number = party(m.originalCalled, nature: 0, at: 3).number }
        }
        return e
    }

    /// An ISUP number as E.164 by its nature of address (for ISUP found elsewhere, such
    /// as a SIP-I body).
    public func number(_ digits: ISUPDigits, nature: UInt8) -> PhoneNumber? {
        party(digits, nature: nature, at: 3).number
    }

    /// The same key for both directions of a circuit.
    @inline(__always)
    static func circuitKey(_ a: UInt32, _ b: UInt32, _ cic: UInt16) -> UInt64 {
        let lo = UInt64(min(a, b)), hi = UInt64(max(a, b))
        var h: UInt64 = 0x6973_7570  // "isup": apart from SIP dialog keys
        @inline(__always) func fold(_ v: UInt64) {
            h = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
        }
        fold(lo)
        fold(hi)
        fold(UInt64(cic))
        return h
    }

    /// Writes `OPC-DPC-CIC@SECONDS.MICROSECONDS`, the circuit and the IAM's trace time
    /// (unique per call although circuits are reused, and the same whichever capture,
    /// filter or merge the IAM is read from), into slot 0.
    private func writeCallID(_ m: ISUPMessage, at t: Nanoseconds) -> UnsafeRawBufferPointer {
        var n = 0
        func put(_ c: UInt8) {
            if n < Self.slot { scratch[n] = c; n += 1 }
        }
        func put(_ v: Int) {
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var x = max(v, 0), k = 0
            withUnsafeMutableBytes(of: &digits) { d in
                repeat { d[k] = UInt8(48 + x % 10); x /= 10; k += 1 } while x > 0 && k < 20
                while k > 0 { k -= 1; put(d[k]) }
            }
        }
        put(Int(m.opc)); put(UInt8(ascii: "-")); put(Int(m.dpc)); put(UInt8(ascii: "-")); put(Int(m.cic))
        put(UInt8(ascii: "@")); put(Int(t / 1_000_000_000)); put(UInt8(ascii: "."))
        let micros = Int(t % 1_000_000_000 / 1_000)
        var scale = 100_000
        while scale > 0 { put(UInt8(48 + micros / scale % 10)); scale /= 10 }
        return UnsafeRawBufferPointer(rebasing: scratch[0..<n])
    }

    /// A party from its signals: written into `slot` as text (`+` first when
    /// international, end of pulsing dropped), normalised by its nature of address.
    private func party(_ digits: ISUPDigits, nature: UInt8, at slot: Int) -> CallParty {
        guard !digits.isEmpty else { return .none }
        let d = digits.withoutEndOfPulsing
        let kind = NatureOfAddress(isup: nature)
        let base = slot * Self.slot
        var n = 0
        if kind == .international { scratch[base] = UInt8(ascii: "+"); n = 1 }
        for i in 0..<min(d.count, Self.slot - n) { scratch[base + n + i] = d.character(i) }
        n += min(d.count, Self.slot - n)
        let raw = UnsafeRawBufferPointer(rebasing: scratch[base..<(base + n)])
        let number = kind == .national
            ? homeContext.withUnsafeBytes { normalizer.normalize(raw, phoneContext: $0) }
            : normalizer.normalize(raw)
        var p = CallParty(number: number, raw: raw)
        p.nature = kind
        return p
    }
}
