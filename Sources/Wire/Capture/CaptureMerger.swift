/// Reads several captures as one stream in timestamp order (ties keep file order),
/// numbering packets 1, 2, 3... across the merged stream.
public final class CaptureMerger {
    public let readers: [PcapFileReader]
    private var pending: [(timestamp: Nanoseconds, bytes: UnsafeRawBufferPointer, originalLength: Int)?]
    private var frame = 0

    /// Opens every path (throws on the first that cannot be opened).
    public convenience init(paths: [String], filter: String? = nil) throws {
        try self.init(readers: paths.map { try PcapFileReader(path: $0, filter: filter) })
    }

    public init(readers: [PcapFileReader]) {
        self.readers = readers
        pending = readers.map { $0.next() }
    }

    /// The next packet in timestamp order; its bytes are valid until the next call.
    @inline(__always)
    public func next() -> CapturedPacket? {
        // The packet returned last time is done with: only now may its reader move on,
        // since libpcap reuses the buffer on the next read.
        if lastReturned >= 0 {
            pending[lastReturned] = readers[lastReturned].next()
            lastReturned = -1
        }
        var best = -1
        var bestTS = Nanoseconds.max
        if pending.count == 1 {
            if pending[0] != nil { best = 0 }
        } else {
            for i in pending.indices {
                if let p = pending[i], p.timestamp < bestTS {
                    best = i
                    bestTS = p.timestamp
                }
            }
        }
        guard best >= 0, let p = pending[best] else { return nil }
        frame += 1
        let packet = CapturedPacket(frame: frame, timestamp: p.timestamp, linkType: readers[best].linkType,
                                    bytes: p.bytes, originalLength: p.originalLength)
        lastReturned = best
        return packet
    }

    private var lastReturned = -1

    /// The share of the input read so far (0...1), when every input's size is known.
    public var fractionRead: Double? {
        var read = 0, total = 0
        for r in readers {
            guard let size = r.fileSize, let at = r.bytesRead else { return nil }
            read += min(at, size)
            total += size
        }
        return total > 0 ? Double(read) / Double(total) : nil
    }
}
