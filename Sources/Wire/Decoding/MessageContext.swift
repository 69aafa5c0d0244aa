/// Where a SIP message came from: the frame that completed it and its addresses.
public struct MessageContext: Sendable {
    public enum Transport: UInt8, Sendable { case udp, tcp, sctp }
    public var frame = 0
    public var timestamp: Nanoseconds = 0
    public var source = Endpoint(address: .unspecified, port: 0)
    public var destination = Endpoint(address: .unspecified, port: 0)
    public var transport = Transport.udp
    /// The HEP capture agent's id when the message came in HEP (0: not HEP).
    public var captureID: UInt32 = 0

    public init() {}
}
