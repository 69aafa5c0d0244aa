/// SIP traits of the calling device that GoIP / SIM-box gateways are known for, as
/// found in one INVITE. Each is weak alone; the SIM-box detector weighs them.
public struct DeviceTraits: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// User-Agent contains a listed token (`dble`, `DBL`, `HYBERTONE`, `GoIP`).
    public static let userAgentToken = DeviceTraits(rawValue: 1)
    /// `Max-Forwards: 30` where user agents write 70.
    public static let maxForwards30 = DeviceTraits(rawValue: 2)
    /// Via branch of digits only after the magic cookie (`z9hG4bK363969813`).
    public static let digitBranch = DeviceTraits(rawValue: 4)
    /// SDP session name of a listed gateway (`s=DBL Session`).
    public static let sdpSession = DeviceTraits(rawValue: 8)
    /// SDP origin user `user` followed by digits (`o=user1 ...`).
    public static let sdpUserN = DeviceTraits(rawValue: 16)
}

/// Which byte patterns count as gateway traits (from the rule set).
public struct FingerprintRules: Sendable {
    /// Lower-case tokens searched case-insensitively in User-Agent.
    public var userAgentTokens: [[UInt8]]
    /// Session names compared exactly with SDP `s=`.
    public var sdpSessions: [[UInt8]]
    public var maxForwards: Int

    public init(userAgentTokens: [String] = ["dble", "hybertone", "goip", "ejoin", "simbank"],
                sdpSessions: [String] = ["DBL Session"], maxForwards: Int = 30) {
        self.userAgentTokens = userAgentTokens.map { Array($0.lowercased().utf8) }
        self.sdpSessions = sdpSessions.map { Array($0.utf8) }
        self.maxForwards = maxForwards
    }
}
