/// The national rules used to turn dialled or presented digits into E.164.
public struct NumberingPlan: Sendable, Equatable {
    /// Home country code without `+` (default China, `86`).
    public var countryCode: String
    /// Prefix that starts an international number when dialled nationally (`00`).
    public var internationalPrefix: String
    /// Prefix of a national number dialled with its trunk code (`0`).
    public var trunkPrefix: String
    /// Longest national significant number; longer digit strings that begin with the
    /// country code are taken as already international (`8613812345678`).
    public var maxNationalLength: Int

    public init(countryCode: String = "86", internationalPrefix: String = "00", trunkPrefix: String = "0",
                maxNationalLength: Int = 11) {
        self.countryCode = countryCode
        self.internationalPrefix = internationalPrefix
        self.trunkPrefix = trunkPrefix
        self.maxNationalLength = maxNationalLength
    }

    public static let china = NumberingPlan()
}
