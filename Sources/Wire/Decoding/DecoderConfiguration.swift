/// Tunables of the packet decoder; the defaults suit replaying field captures.
public struct DecoderConfiguration: Sendable {
    /// Ports where a payload that is not SIP counts as malformed rather than skipped
    /// (`--decode-as udp:PORT=sip` adds to these). SIP is recognised on every port.
    public var sipUDPPorts: Set<UInt16> = [5060]
    public var sipTCPPorts: Set<UInt16> = [5060]
    /// The port where HEP versions 1 and 2 (which have no magic) are looked for; `HEP3`
    /// is recognised by content on every port.
    public var hepPort: UInt16 = 9060
    /// Whether a HEP message takes the agent's capture time (replays: yes). A live server
    /// keeps its own arrival time, so one clock orders what it sees directly and through
    /// HEP, whatever the agents' clocks say.
    public var hepCaptureTime = true
    /// Pending fragmented datagrams kept at most, and how long one may wait for its rest.
    public var maxPendingDatagrams = 4096
    public var fragmentTimeout: Nanoseconds = 30_000_000_000
    /// TCP streams tracked at most, and how long an idle one is kept.
    public var maxTCPStreams = 65_536
    public var tcpIdleTimeout: Nanoseconds = 300_000_000_000
    /// Bytes held across all TCP streams at most (partial messages, early segments).
    public var maxTCPBufferedBytes = 64 * 1024 * 1024
    /// How many tunnel layers (IP-in-IP, GRE) are followed.
    public var maxTunnelDepth = 4

    public init() {}
}
