import Detectors
import Numbering
import Wire

/// A group of callers with their own thresholds: business numbers that legitimately
/// call many people, calls entering on enterprise trunks (a PBX or contact centre is
/// judged against a business's volume, not a handset's), night hours with lower limits.
/// A call uses the first profile whose ranges contain the caller, whose trunk roles
/// contain the role of the call's source, whose trunks contain the trunk it entered on
/// (one customer's contract) and whose hours contain the call's time (UTC hour plus
/// `utcOffsetHours`); otherwise the default thresholds (profile 0).
public struct CallerProfile: Sendable {
    public var name: String
    /// Empty: every caller.
    public var callers: NumberRanges
    /// Hours of the day `from..<to` (wrapping past midnight when `from > to`); nil: all day.
    public var hours: (from: Int, to: Int)?
    /// Roles of the trunk the call enters on; empty: any.
    public var roles: [TrunkRole]
    /// Trunk numbers (`TrunkTable.names`) the call may enter on; empty: any.
    public var trunks: [UInt16]

    public init(name: String, callers: NumberRanges, hours: (from: Int, to: Int)?, roles: [TrunkRole] = [], trunks: [UInt16] = []) {
        self.name = name
        self.callers = callers
        self.hours = hours
        self.roles = roles
        self.trunks = trunks
    }

    @inline(__always)
    func applies(_ caller: PhoneNumber?, role: TrunkRole, trunk: UInt16, hour: Int) -> Bool {
        if !roles.isEmpty && !roles.contains(role) { return false }
        if !trunks.isEmpty && !trunks.contains(trunk) { return false }
        if !callers.isEmpty {
            guard let caller, callers.contains(caller) else { return false }
        }
        if let h = hours {
            return h.from <= h.to ? (hour >= h.from && hour < h.to) : (hour >= h.from || hour < h.to)
        }
        return true
    }
}

/// Chooses a call's profile index (1-based among `profiles`; 0 is the default).
public struct ProfileSelector: Sendable {
    public var profiles: [CallerProfile]
    public var utcOffsetHours: Int

    public init(profiles: [CallerProfile] = [], utcOffsetHours: Int = 0) {
        self.profiles = profiles
        self.utcOffsetHours = utcOffsetHours
    }

    @inline(__always)
    public func index(caller: PhoneNumber?, role: TrunkRole = .unknown, trunk: UInt16 = 0, at time: Nanoseconds) -> Int {
        guard !profiles.isEmpty else { return 0 }
        let hour = Int(((time / 3_600_000_000_000) + Int64(utcOffsetHours) % 24 + 24) % 24)
        for (i, p) in profiles.enumerated() where p.applies(caller, role: role, trunk: trunk, hour: hour) { return i + 1 }
        return 0
    }
}
