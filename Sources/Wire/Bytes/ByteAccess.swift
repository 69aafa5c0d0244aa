/// Big-endian loads and small ASCII helpers over raw bytes.
///
/// Every decoder in `Wire` reads the packet in place through these: no copies, no
/// allocation, no Foundation. Callers check bounds before loading.
extension UnsafeRawBufferPointer {
    @inline(__always) func be16(_ offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    @inline(__always) func be32(_ offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16
            | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    @inline(__always) func le32(_ offset: Int) -> UInt32 {
        UInt32(self[offset + 3]) << 24 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 1]) << 8 | UInt32(self[offset])
    }

    /// The bytes from `offset` to the end, rebased so that index 0 is `offset`.
    @inline(__always) func dropping(_ offset: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[Swift.min(offset, count)...])
    }

    /// The bytes in `start..<end`, rebased.
    @inline(__always) func slice(_ start: Int, _ end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[start..<end])
    }
}

enum ASCII {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let space: UInt8 = 32
    static let tab: UInt8 = 9
    static let colon: UInt8 = 58
    static let semicolon: UInt8 = 59
    static let comma: UInt8 = 44
    static let lessThan: UInt8 = 60
    static let greaterThan: UInt8 = 62
    static let quote: UInt8 = 34
    static let backslash: UInt8 = 92
    static let at: UInt8 = 64
    static let equals: UInt8 = 61
    static let question: UInt8 = 63
    static let zero: UInt8 = 48
    static let nine: UInt8 = 57

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 {
        (b >= 65 && b <= 90) ? b | 0x20 : b
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= zero && b <= nine }

    @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool {
        b == space || b == tab || b == cr || b == lf
    }

    /// RFC 3261 `token` characters (method names, header names).
    @inline(__always) static func isTokenChar(_ b: UInt8) -> Bool {
        switch b {
        case 48...57, 65...90, 97...122: return true
        case 45, 46, 33, 37, 42, 95, 43, 96, 39, 126: return true  // - . ! % * _ + ` ' ~
        default: return false
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Case-insensitive comparison of `length` bytes at `offset` with an ASCII literal
    /// written in lower case.
    @inline(__always)
    func matchesLowercase(_ literal: StaticString, at offset: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard offset >= 0, offset + n <= count else { return false }
        let lit = literal.utf8Start
        for i in 0..<n where ASCII.lower(self[offset + i]) != lit[i] {
            return false
        }
        return true
    }

    /// Offset of the first case-insensitive match of a lower-case ASCII literal at or after
    /// `start`; nil when none.
    func firstIndex(ofLowercase literal: StaticString, from start: Int) -> Int? {
        let n = literal.utf8CodeUnitCount
        guard start >= 0, count >= n, start <= count - n else { return nil }
        for i in start...(count - n) where matchesLowercase(literal, at: i) { return i }
        return nil
    }

    /// Exact comparison with an ASCII literal.
    @inline(__always)
    func matches(_ literal: StaticString, at offset: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard offset >= 0, offset + n <= count else { return false }
        let lit = literal.utf8Start
        for i in 0..<n where self[offset + i] != lit[i] {
            return false
        }
        return true
    }

    /// Index of the first `target` in `start..<end` that is outside a quoted string
    /// (with `\` escapes) and, when `skippingAngles`, outside `<...>`; nil when none.
    /// How SIP finds the `<` of a name-addr or the comma between header values.
    @inline(__always)
    func firstUnquoted(_ target: UInt8, from start: Int, to end: Int, skippingAngles: Bool) -> Int? {
        var i = start
        var inQuotes = false
        var inAngle = false
        while i < end {
            let c = self[i]
            if inQuotes {
                if c == ASCII.backslash { i += 1 } else if c == ASCII.quote { inQuotes = false }
            } else if c == ASCII.quote {
                inQuotes = true
            } else if skippingAngles && c == ASCII.lessThan {
                inAngle = true
            } else if skippingAngles && c == ASCII.greaterThan {
                inAngle = false
            } else if c == target && !inAngle {
                return i
            }
            i += 1
        }
        return nil
    }

    /// Index of the first `byte` in `start..<end`, or nil.
    @inline(__always)
    func firstIndex(of byte: UInt8, from start: Int, to end: Int) -> Int? {
        guard start < end, let base = baseAddress else { return nil }
        guard let hit = memchr(base + start, Int32(byte), end - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
