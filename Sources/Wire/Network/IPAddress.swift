/// An IPv4 or IPv6 address stored inline (no allocation), hashable for flow tables.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The 16 address bytes; an IPv4 address lives in the low 4 bytes of `low`.
    public var high: UInt64
    public var low: UInt64
    public var isIPv6: Bool

    public init(high: UInt64, low: UInt64, isIPv6: Bool) {
        self.high = high
        self.low = low
        self.isIPv6 = isIPv6
    }

    public static let unspecified = IPAddress(high: 0, low: 0, isIPv6: false)

    /// IPv4 from four bytes at `offset`.
    @inline(__always) init(v4 bytes: UnsafeRawBufferPointer, at offset: Int) {
        self.init(high: 0, low: UInt64(bytes.be32(offset)), isIPv6: false)
    }

    /// IPv6 from sixteen bytes at `offset`.
    @inline(__always) init(v6 bytes: UnsafeRawBufferPointer, at offset: Int) {
        let h = UInt64(bytes.be32(offset)) << 32 | UInt64(bytes.be32(offset + 4))
        let l = UInt64(bytes.be32(offset + 8)) << 32 | UInt64(bytes.be32(offset + 12))
        self.init(high: h, low: l, isIPv6: true)
    }

    /// IPv4 from a dotted quad, for tests and configuration (`"192.0.2.1"`).
    public init?(ipv4 text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt64 = 0
        for p in parts {
            guard let b = UInt8(p) else { return nil }
            value = value << 8 | UInt64(b)
        }
        self.init(high: 0, low: value, isIPv6: false)
    }

    /// Dotted quad for IPv4; RFC 5952 text (longest zero run compressed) for IPv6.
    public var description: String {
        if !isIPv6 {
            let v = UInt32(truncatingIfNeeded: low)
            return "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
        }
        var groups = [UInt16](repeating: 0, count: 8)
        for i in 0..<4 {
            groups[i] = UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64(i)))
            groups[i + 4] = UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64(i)))
        }
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8 && groups[j] == 0 { j += 1 }
                if j - i > bestLen && j - i >= 2 { bestStart = i; bestLen = j - i }
                i = j
            } else {
                i += 1
            }
        }
        var out = ""
        i = 0
        while i < 8 {
            if i == bestStart {
                out += "::"
                i += bestLen
                continue
            }
            if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
            out += String(groups[i], radix: 16)
            i += 1
        }
        return out
    }
}

/// An address and a transport port.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// `203.0.113.7:5060`, or `[2001:db8::1]:5060` for IPv6.
    public var description: String {
        address.isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
