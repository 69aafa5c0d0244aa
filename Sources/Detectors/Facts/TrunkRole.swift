/// The volume an enterprise customer contracted for on its trunk (0: not limited).
public struct TrunkContract: Sendable, Equatable {
    public var callsPerMinute = 0.0
    public var callsPerHour = 0.0
    public var concurrent = 0.0

    public init(callsPerMinute: Double = 0, callsPerHour: Double = 0, concurrent: Double = 0) {
        self.callsPerMinute = callsPerMinute
        self.callsPerHour = callsPerHour
        self.concurrent = concurrent
    }
}

/// What the network knows about where a call enters: the role of the trunk or access
/// network its source address belongs to (from the rule set's trunk table).
public enum TrunkRole: String, Sendable, CaseIterable {
    /// An address the rule set does not list: a device talking to us directly.
    case unknown
    /// The operator's own access network (SBCs in front of subscribers).
    case access
    /// Interconnect with domestic operators.
    case domestic
    /// International gateway: domestic caller IDs should not arrive here.
    case international
    /// A business trunk (PBX, call centre).
    case enterprise
    /// Trusted: detectors do not run (blocklists still apply).
    case trusted
}
