#if canImport(Glibc)
import Glibc
#endif

/// Writes classic pcap files with nanosecond timestamps (magic 0xA1B23C4D), which
/// libpcap, tcpdump and Wireshark all read.
public final class PcapWriter {
    private var bytes: [UInt8] = []
    public let linkType: UInt32

    public init(linkType: UInt32 = 1, snapLength: UInt32 = 262_144) {
        self.linkType = linkType
        bytes += le32(0xA1B2_3C4D) + le16(2) + le16(4) + le32(0) + le32(0) + le32(snapLength) + le32(linkType)
    }

    /// Appends one packet stamped `nanoseconds` since the epoch; `capturedLength` below
    /// the frame's length simulates a snap length cut.
    public func add(_ frame: [UInt8], nanoseconds: Int64, capturedLength: Int? = nil) {
        let caplen = min(capturedLength ?? frame.count, frame.count)
        bytes += le32(UInt32(nanoseconds / 1_000_000_000)) + le32(UInt32(nanoseconds % 1_000_000_000))
            + le32(UInt32(caplen)) + le32(UInt32(frame.count))
        bytes += frame[0..<caplen]
    }

    /// The file so far.
    public var data: [UInt8] { bytes }

    /// Writes the file; returns false when it cannot be written.
    @discardableResult
    public func write(to path: String) -> Bool {
        guard let f = fopen(path, "wb") else { return false }
        defer { fclose(f) }
        return fwrite(bytes, 1, bytes.count, f) == bytes.count
    }

    private func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xff), UInt8((v >> 8) & 0xff), UInt8((v >> 16) & 0xff), UInt8(v >> 24)] }
    private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
}
