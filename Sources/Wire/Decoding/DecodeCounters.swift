/// Packet accounting: every packet read ends in exactly one of signalling, skipped
/// (not signalling) or malformed, so `read == signalling + notSignalling + malformed`
/// once no fragments are pending. Fixed arrays, so counting never allocates.
public struct DecodeCounters: Sendable {
    public var read = 0
    public var signalling = 0
    public var notSignalling = 0
    public var malformed = 0
    /// Packets held in the fragment reassembler, not yet counted above.
    public var pending = 0
    public var malformedBy = [Int](repeating: 0, count: MalformedReason.allCases.count)
    public var skippedBy = [Int](repeating: 0, count: SkipReason.allCases.count)
    public var layers = [Int](repeating: 0, count: LayerCounter.allCases.count)

    public init() {}

    /// Counts `packets` packets with the given fate.
    @inline(__always)
    public mutating func account(_ disposition: PacketDisposition, packets: Int = 1) {
        switch disposition {
        case .signalling: signalling += packets
        case .skipped(let r): notSignalling += packets; skippedBy[r.rawValue] += packets
        case .malformed(let r): malformed += packets; malformedBy[r.rawValue] += packets
        case .pending: pending += packets
        }
    }

    @inline(__always) public mutating func bump(_ counter: LayerCounter, by n: Int = 1) {
        layers[counter.rawValue] += n
    }

    public subscript(_ counter: LayerCounter) -> Int { layers[counter.rawValue] }
    public subscript(malformed reason: MalformedReason) -> Int { malformedBy[reason.rawValue] }
    public subscript(skipped reason: SkipReason) -> Int { skippedBy[reason.rawValue] }

    /// True when every packet read is accounted for.
    public var isBalanced: Bool { read == signalling + notSignalling + malformed + pending }
}
