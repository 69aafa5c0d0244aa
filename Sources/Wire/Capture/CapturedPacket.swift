/// Nanoseconds since the Unix epoch, as libpcap gives them with nanosecond precision.
public typealias Nanoseconds = Int64

/// One packet as read from a capture: its bytes are valid only until the next read
/// from the same source, so decoders use them in place and keep nothing.
public struct CapturedPacket {
    /// 1-based position of the packet in the (merged) input, like Wireshark's frame number.
    public var frame: Int
    public var timestamp: Nanoseconds
    public var linkType: LinkType
    /// The captured bytes (possibly shorter than `originalLength` when a snap length cut it).
    public var bytes: UnsafeRawBufferPointer
    public var originalLength: Int

    public init(frame: Int, timestamp: Nanoseconds, linkType: LinkType,
                bytes: UnsafeRawBufferPointer, originalLength: Int) {
        self.frame = frame
        self.timestamp = timestamp
        self.linkType = linkType
        self.bytes = bytes
        self.originalLength = originalLength
    }
}

/// A link-layer header type (libpcap's DLT values).
public struct LinkType: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let null = LinkType(rawValue: 0)          // BSD loopback, host byte order
    public static let ethernet = LinkType(rawValue: 1)
    public static let ppp = LinkType(rawValue: 9)
    public static let raw = LinkType(rawValue: 12)          // DLT_RAW on Linux
    public static let rawAlt = LinkType(rawValue: 14)       // DLT_RAW on some BSDs
    public static let pppEther = LinkType(rawValue: 51)     // PPPoE without Ethernet
    public static let linktypeRaw = LinkType(rawValue: 101)
    public static let loop = LinkType(rawValue: 108)        // OpenBSD loopback, network order
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    public static let linuxSLL2 = LinkType(rawValue: 276)
    public static let mtp2 = LinkType(rawValue: 140)        // SS7 MTP2 without pseudo-header
}
