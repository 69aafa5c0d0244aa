/// A telephone number as the simulator knows it: E.164 digits (country code included).
/// The simulator writes numbers in the forms real networks use; it never parses them
/// back, so it shares no normalisation code with the engine it tests.
public struct SimNumber: Hashable, Sendable, CustomStringConvertible {
    /// E.164 digits without `+`.
    public var digits: String

    public init(_ digits: String) { self.digits = digits }

    /// `+8613812345678`.
    public var description: String { "+" + digits }

    /// How a number is written in a header.
    public enum Form: Sendable {
        /// `+8613812345678`
        case e164
        /// `13812345678` for a mobile, `010...` style with trunk 0 for fixed lines; a
        /// short code (`95588`) stays as it is.
        case national
        /// `008613812345678`
        case internationalPrefix
    }

    /// The number as written in `form`, for a home country code `cc`.
    public func written(_ form: Form, homeCountryCode cc: String) -> String {
        switch form {
        case .e164: return "+" + digits
        case .internationalPrefix: return "00" + digits
        case .national:
            guard digits.hasPrefix(cc) else { return "00" + digits }
            let national = String(digits.dropFirst(cc.count))
            if national.count <= 6 || national.hasPrefix("1") || national.hasPrefix("4") || national.hasPrefix("9") {
                return national  // mobiles, 400 numbers and short codes are dialled bare
            }
            return "0" + national
        }
    }

    /// The number `offset` places after the start of a block prefix, padded to `length`
    /// digits in all.
    static func inBlock(_ prefix: String, offset: UInt64, length: Int) -> SimNumber {
        let room = max(0, length - prefix.count)
        var tail = String(offset)
        if tail.count < room { tail = String(repeating: "0", count: room - tail.count) + tail }
        return SimNumber(prefix + String(tail.suffix(room)))
    }
}
