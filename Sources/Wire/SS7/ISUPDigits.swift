/// Address signals of an ISUP number as signalled (Q.763 3.9: BCD, `A`–`F` for the
/// non-digit signals, `F` ending pulsing), up to 32, stored inline in two words so that
/// decoding an IAM allocates nothing. Text is made only for output.
public struct ISUPDigits: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// Signal `i` in bits `4 * i` of `low` (signals 0–15) and of `high` (16–31).
    private var low: UInt64 = 0, high: UInt64 = 0
    public private(set) var count = 0
    public static let capacity = 32

    public init() {}

    /// From text of `0`–`9` and `A`–`F` (tests and tools).
    public init(stringLiteral text: String) {
        for c in text.utf8 {
            switch c {
            case 48...57: append(c - 48)
            case 65...70: append(c - 55)
            default: continue
            }
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// Appends one signal (the low four bits of `nibble`); signals past the capacity are dropped.
    @inline(__always)
    public mutating func append(_ nibble: UInt8) {
        guard count < Self.capacity else { return }
        let v = UInt64(nibble & 0x0F)
        if count < 16 { low |= v << UInt64(4 * count) } else { high |= v << UInt64(4 * (count - 16)) }
        count += 1
    }

    @inline(__always)
    public subscript(_ i: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (i < 16 ? low >> UInt64(4 * i) : high >> UInt64(4 * (i - 16))) & 0x0F)
    }

    /// The signals up to the end-of-pulsing `F`.
    public var withoutEndOfPulsing: ISUPDigits {
        var d = self
        if count > 0 && self[count - 1] == 0x0F {
            d = ISUPDigits()
            for i in 0..<(count - 1) { d.append(self[i]) }
        }
        return d
    }

    /// The ASCII character of signal `i` (`0`–`9`, `A`–`F`).
    @inline(__always)
    public func character(_ i: Int) -> UInt8 {
        let v = self[i]
        return v < 10 ? 48 + v : 55 + v
    }

    /// `0483902899` (allocates).
    public var description: String {
        String(decoding: (0..<count).map { character($0) }, as: UTF8.self)
    }
}
