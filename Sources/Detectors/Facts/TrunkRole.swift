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
