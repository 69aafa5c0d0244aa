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
/// so an event's views stay valid until the adapter's next event.
public final class ISUPEventAdapter {
    public let normalizer: NumberNormalizer
    private let homeContext: [UInt8]
    private let scratch: UnsafeMutableRawBufferPointer
    private static let slot = 40

    public init(normalizer: NumberNormalizer = NumberNormalizer()) {
        self.normalizer = normalizer
        homeContext = Array(("+" + normalizer.plan.countryCode).utf8)
        scratch = .allocate(byteCount: Self.slot * 3, alignment: 8)
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
            e.callID = write(Self.callID(m, frame: context.frame), at: 0)
            e.caller = party(m.calling, nature: m.callingNatureOfAddress, at: 1)
            e.caller.nature = NatureOfAddress(isup: m.callingNatureOfAddress)
            if !m.calling.isEmpty {
                e.caller.presentation = m.callingPresentation == 0 ? .allowed : m.callingPresentation == 1 ? .restricted : .unavailable
                e.caller.screening = Screening(isup: m.callingScreening)
            }
            e.callee = party(m.called, nature: m.calledNatureOfAddress, at: 2)
            e.callee.nature = NatureOfAddress(isup: m.calledNatureOfAddress)
            // Forwarded calls are rare: their numbers may allocate.
            if !m.redirecting.isEmpty { e.redirecting = CallParty(number: normalizer.normalize(Self.trimmed(m.redirecting)), raw: .init(start: nil, count: 0)) }
            if !m.additionalCalling.isEmpty {
                e.additionalCaller = CallParty(number: Self.number(m.additionalCalling, nature: m.additionalCallingNatureOfAddress, normalizer), raw: .init(start: nil, count: 0))
            }
            if !m.originalCalled.isEmpty {
                e.originalCalled = CallParty(number: normalizer.normalize(Self.trimmed(m.originalCalled)), raw: .init(start: nil, count: 0))
            }
        }
        return e
    }

    /// An ISUP number as E.164 by its nature of address (allocates: for the rarer
    /// numbers of an IAM, forwarding and additional calling numbers).
    public static func number(_ digits: String, nature: UInt8, _ normalizer: NumberNormalizer) -> PhoneNumber? {
        let d = trimmed(digits)
        switch NatureOfAddress(isup: nature) {
        case .international: return normalizer.normalize("+" + d)
        case .national: return normalizer.normalize(d, phoneContext: "+" + normalizer.plan.countryCode)
        default: return normalizer.normalize(d)
        }
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

    /// `OPC-DPC-CIC@frame`: unique per call although circuits are reused.
    static func callID(_ m: ISUPMessage, frame: Int) -> String { "\(m.opc)-\(m.dpc)-\(m.cic)@\(frame)" }

    /// Digits up to the end-of-pulsing `F`.
    static func trimmed(_ digits: String) -> String {
        digits.hasSuffix("F") ? String(digits.dropLast()) : digits
    }

    private func party(_ digits: String, nature: UInt8, at slot: Int) -> CallParty {
        guard !digits.isEmpty else { return .none }
        let international = NatureOfAddress(isup: nature) == .international
        let raw = write((international ? "+" : "") + Self.trimmed(digits), at: slot)
        let number: PhoneNumber?
        if NatureOfAddress(isup: nature) == .national {
            number = homeContext.withUnsafeBytes { normalizer.normalize(raw, phoneContext: $0) }
        } else {
            number = normalizer.normalize(raw)
        }
        return CallParty(number: number, raw: raw)
    }

    private func write(_ s: String, at slot: Int) -> UnsafeRawBufferPointer {
        let base = slot * Self.slot
        var n = 0
        for c in s.utf8.prefix(Self.slot) {
            scratch[base + n] = c
            n += 1
        }
        return UnsafeRawBufferPointer(rebasing: scratch[base..<(base + n)])
    }
}
