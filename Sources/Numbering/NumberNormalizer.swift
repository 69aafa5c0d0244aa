/// Normalises the user part of a `sip:`/`tel:` URI to E.164 under a numbering plan.
///
/// Works on bytes in place with a fixed digit buffer: no allocation. Rules, in order:
/// visual separators (`-` `.` space `(` `)`) are dropped; a leading `+` means the digits
/// are already international; a `phone-context` that is a global number (`+86`) supplies
/// the country code of a local number (unless it is dialled with the international prefix); the international prefix (`00`) starts an
/// international number; the trunk prefix (`0`) starts a national one; a digit string
/// longer than any national number that begins with the country code is international
/// already; any other digits (mobile numbers, short codes like `95588` or `110`) are
/// national and get the country code. Anything else is not a number: nil.
public struct NumberNormalizer: Sendable {
    public let plan: NumberingPlan
    private let cc: (value: UInt64, count: Int)
    /// The international and trunk prefixes (at most two digits each), stored inline
    /// so that normalising touches no reference count.
    private let intl: Prefix
    private let trunk: Prefix

    private struct Prefix {
        var first: UInt8 = 0, second: UInt8 = 0, count = 0
        init(_ text: String) {
            let u = Array(text.utf8.prefix(2))
            count = text.utf8.count > 2 ? 3 : u.count  // longer than two digits: never matches
            if u.count > 0 { first = u[0] }
            if u.count > 1 { second = u[1] }
        }
        var isEmpty: Bool { count == 0 }
    }

    public init(plan: NumberingPlan = .china) {
        self.plan = plan
        var v: UInt64 = 0
        for c in plan.countryCode.utf8 where c >= 48 && c <= 57 { v = v * 10 + UInt64(c - 48) }
        cc = (v, plan.countryCode.utf8.count)
        intl = Prefix(plan.internationalPrefix)
        trunk = Prefix(plan.trunkPrefix)
    }

    /// Normalises `user` (and an optional `phone-context` value).
    public func normalize(_ user: UnsafeRawBufferPointer,
                          phoneContext: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) -> PhoneNumber? {
        // Collect digits into a fixed buffer, dropping visual separators.
        var value: UInt64 = 0
        var sawPlus = false
        var count = 0
        var first: UInt8 = 0, second: UInt8 = 0
        for (i, c) in user.enumerated() {
            switch c {
            case 48...57:
                if count == 0 { first = c } else if count == 1 { second = c }
                count += 1
                guard count <= 18 else { return nil }
                value = value * 10 + UInt64(c - 48)
            case 43 where i == 0 && count == 0:  // '+'
                sawPlus = true
            case 45, 46, 32, 40, 41:  // - . space ( )
                continue
            default:
                return nil
            }
        }
        guard count > 0 else { return nil }
        if sawPlus { return PhoneNumber(value: value, digitCount: count) }

        // A global phone-context (`+86`) gives the country code of a local number.
        if phoneContext.count > 1 && phoneContext[0] == 43 {
            var ctxValue: UInt64 = 0, ctxCount = 0
            for c in phoneContext.dropFirst() {
                if c >= 48 && c <= 57 { ctxValue = ctxValue * 10 + UInt64(c - 48); ctxCount += 1 }
                else if c == 45 || c == 46 { continue } else { break }
            }
            // A number dialled in that context may still start with the international
            // prefix (`tel:00882160583416;phone-context=+86`, as IMS handsets send dialled
            // strings): it is international, not local.
            if !intl.isEmpty && hasPrefix(first, second, count, intl) {
                let (v, n) = dropLeading(value, count, intl.count)
                return PhoneNumber(value: v, digitCount: n)
            }
            let (local, localCount) = stripPrefix(value, count, first: first, second: second, prefix: trunk)
            return combine(ctxValue, ctxCount, local, localCount)
        }
        if !intl.isEmpty && hasPrefix(first, second, count, intl) {
            let (v, n) = dropLeading(value, count, intl.count)
            return PhoneNumber(value: v, digitCount: n)
        }
        if !trunk.isEmpty && hasPrefix(first, second, count, trunk) {
            let (v, n) = dropLeading(value, count, trunk.count)
            return combine(cc.value, cc.count, v, n)
        }
        if count > plan.maxNationalLength && leadingDigits(value, count, cc.count) == cc.value {
            return PhoneNumber(value: value, digitCount: count)
        }
        return combine(cc.value, cc.count, value, count)
    }

    /// Convenience for tests and tools (allocates).
    public func normalize(_ user: String, phoneContext: String = "") -> PhoneNumber? {
        var u = user
        var c = phoneContext
        return u.withUTF8 { ub in c.withUTF8 { cb in normalize(UnsafeRawBufferPointer(ub), phoneContext: UnsafeRawBufferPointer(cb)) } }
    }

    private func hasPrefix(_ first: UInt8, _ second: UInt8, _ count: Int, _ prefix: Prefix) -> Bool {
        guard prefix.count <= 2, count > prefix.count else { return false }
        if prefix.count == 1 { return first == prefix.first }
        return first == prefix.first && second == prefix.second
    }

    private func stripPrefix(_ v: UInt64, _ n: Int, first: UInt8, second: UInt8, prefix: Prefix) -> (UInt64, Int) {
        hasPrefix(first, second, n, prefix) ? dropLeading(v, n, prefix.count) : (v, n)
    }

    private func dropLeading(_ v: UInt64, _ n: Int, _ k: Int) -> (UInt64, Int) {
        var p: UInt64 = 1
        for _ in 0..<(n - k) { p *= 10 }
        return (v % p, n - k)
    }

    private func leadingDigits(_ v: UInt64, _ n: Int, _ k: Int) -> UInt64 {
        var x = v
        for _ in 0..<max(0, n - k) { x /= 10 }
        return x
    }

    private func combine(_ a: UInt64, _ an: Int, _ b: UInt64, _ bn: Int) -> PhoneNumber? {
        guard an + bn <= PhoneNumber.maxDigits, bn > 0 else { return nil }
        var p: UInt64 = 1
        for _ in 0..<bn { p *= 10 }
        return PhoneNumber(value: a * p + b, digitCount: an + bn)
    }
}
