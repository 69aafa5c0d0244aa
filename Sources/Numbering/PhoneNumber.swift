/// An E.164 number (country code included, at most 15 digits) packed in one word, so
/// that comparing, hashing and prefix lookups allocate nothing.
public struct PhoneNumber: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The digits read as a decimal integer (leading zeros kept by `digitCount`).
    public let value: UInt64
    public let digitCount: UInt8

    public static let maxDigits = 15

    public init?(value: UInt64, digitCount: Int) {
        guard digitCount >= 1, digitCount <= PhoneNumber.maxDigits else { return nil }
        self.value = value
        self.digitCount = UInt8(digitCount)
    }

    /// From E.164 text such as `+8613812345678` (the `+` is optional here).
    public init?(e164 text: String) {
        var v: UInt64 = 0
        var n = 0
        for (i, c) in text.utf8.enumerated() {
            if i == 0 && c == UInt8(ascii: "+") { continue }
            guard c >= 48 && c <= 57, n < PhoneNumber.maxDigits else { return nil }
            v = v * 10 + UInt64(c - 48)
            n += 1
        }
        self.init(value: v, digitCount: n)
    }

    /// One word identifying the number *and* its length (`00123` differs from `123`).
    @inline(__always) public var key: UInt64 { value &* 16 &+ UInt64(digitCount) }

    /// The first `count` digits.
    @inline(__always) public func prefix(_ count: Int) -> PhoneNumber {
        let n = Swift.min(count, Int(digitCount))
        var v = value
        for _ in 0..<(Int(digitCount) - n) { v /= 10 }
        return PhoneNumber(uncheckedValue: v, digitCount: UInt8(n))
    }

    @inline(__always) init(uncheckedValue: UInt64, digitCount: UInt8) {
        self.value = uncheckedValue
        self.digitCount = digitCount
    }

    /// The digits without `+`, leading zeros kept.
    public var digits: String {
        let s = String(value)
        return String(repeating: "0", count: Swift.max(0, Int(digitCount) - s.count)) + s
    }

    /// `+8613812345678`.
    public var description: String { "+" + digits }

    public static func < (a: PhoneNumber, b: PhoneNumber) -> Bool { a.digits < b.digits }
}
