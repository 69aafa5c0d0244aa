/// Builds ITU ISUP messages of one call on one circuit and frames them as MTP2 signal
/// units (pcap link type 140), the way a link monitor records an SS7 interconnect. For
/// tests and benchmarks of ISUP call tracking and screening.
public struct ISUPCallScript: Sendable {
    public var opc: UInt32
    public var dpc: UInt32
    public var cic: UInt16

    public init(opc: UInt32, dpc: UInt32, cic: UInt16) {
        self.opc = opc
        self.dpc = dpc
        self.cic = cic
    }

    /// Link type of the frames (`LINKTYPE_MTP2`).
    public static let linkType: UInt32 = 140

    /// Nature of address values (Q.763 3.9).
    public static let national: UInt8 = 3, international: UInt8 = 4

    /// An IAM (no calling number when `calling` is empty). `screening` 0 is "user
    /// provided, not verified", 3 "network provided"; `presentation` 0 allowed, 1
    /// restricted, 2 not available; `additionalCalling` adds a Generic Number.
    public func iam(called: String, calledNature: UInt8 = national, calling: String, callingNature: UInt8 = national,
                    presentation: UInt8 = 0, screening: UInt8 = 3, additionalCalling: String? = nil,
                    additionalNature: UInt8 = international) -> [UInt8] {
        let calledPart = Self.number(called, first: calledNature, second: 0x10)  // ISDN plan, INN allowed
        let callingPart = Self.number(calling, first: callingNature, second: 0x10 | presentation << 2 | screening & 3)
        // Nature of connection, forward call indicators, calling party's category (ordinary),
        // transmission medium requirement (speech); pointers to the called number and the
        // optional part; the called number; the calling number (0x0A) and end of optional part.
        var m: [UInt8] = [0x00, 0x60, 0x01, 0x0A, 0x00, 0x02, 0x00]
        m[5] = 2
        m[6] = UInt8(2 + calledPart.count)
        m += [UInt8(calledPart.count)] + calledPart
        if !calling.isEmpty { m += [0x0A, UInt8(callingPart.count)] + callingPart }
        if let extra = additionalCalling {
            // Generic number (0xC0), qualifier 6: additional calling party number, user provided.
            let part = [0x06] + Self.number(extra, first: additionalNature, second: 0x10)
            m += [0xC0, UInt8(part.count)] + part
        }
        m += [0x00]
        return frame(type: 1, m)
    }

    public func acm() -> [UInt8] { frame(type: 6, [0x16, 0x14, 0x00]) }
    public func cpg() -> [UInt8] { frame(type: 44, [0x01, 0x00]) }
    public func anm() -> [UInt8] { frame(type: 9, [0x00]) }
    public func con() -> [UInt8] { frame(type: 7, [0x16, 0x14, 0x00]) }
    /// A REL with `cause` (16 normal clearing, 17 user busy...), location "public network".
    public func rel(cause: UInt8) -> [UInt8] { frame(type: 12, [0x02, 0x00, 0x02, 0x82, 0x80 | cause]) }
    public func rlc() -> [UInt8] { frame(type: 16, [0x00]) }

    /// The same circuit seen from the other signalling point (for backward messages).
    public var reversed: ISUPCallScript { ISUPCallScript(opc: dpc, dpc: opc, cic: cic) }

    /// MTP2 (BSN, FSN, length indicator), MTP3 (SIO national ISUP, routing label) and
    /// the ISUP message from its CIC.
    func frame(type: UInt8, _ body: [UInt8]) -> [UInt8] {
        let label = UInt32(0) << 28 | (opc & 0x3FFF) << 14 | dpc & 0x3FFF  // SLS 0
        let mtp3: [UInt8] = [0x85, UInt8(label & 0xFF), UInt8(label >> 8 & 0xFF), UInt8(label >> 16 & 0xFF), UInt8(label >> 24)]
        let isup: [UInt8] = [UInt8(cic & 0xFF), UInt8(cic >> 8 & 0x0F), type] + body
        let payload = mtp3 + isup
        return [0x80, 0x80, UInt8(min(payload.count, 63))] + payload
    }

    /// Address signals in BCD, the low nibble first, with the odd/even bit.
    static func number(_ digits: String, first: UInt8, second: UInt8) -> [UInt8] {
        let d = digits.utf8.map { $0 - 48 }
        var out: [UInt8] = [(d.count % 2 == 1 ? 0x80 : 0) | first, second]
        var i = 0
        while i < d.count {
            out.append(d[i] | (i + 1 < d.count ? d[i + 1] << 4 : 0))
            i += 2
        }
        return out
    }
}
