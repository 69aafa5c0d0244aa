/// A half-open range of byte offsets into a message buffer.
///
/// Parsed SIP fields are ranges rather than strings so that decoding allocates nothing;
/// `SIPMessage.text(_:)` turns one into a `String` when a caller really needs it.
public struct ByteRange: Sendable, Equatable {
    public var start: Int32
    public var end: Int32

    public static let empty = ByteRange(start: 0, end: 0)

    @inline(__always) public init(start: Int, end: Int) {
        self.start = Int32(truncatingIfNeeded: start)
        self.end = Int32(truncatingIfNeeded: end)
    }

    @inline(__always) public var isEmpty: Bool { end <= start }
    @inline(__always) public var count: Int { Int(end - start) }
    @inline(__always) public var lowerBound: Int { Int(start) }
    @inline(__always) public var upperBound: Int { Int(end) }
}
