/// User parts that withhold the caller instead of naming one (RFC 3323 `anonymous`, and
/// what gateways write: `Unknown`, `restricted`, `unavailable`, `private`).
public enum WithheldIdentity {
    static let words: [[UInt8]] = ["anonymous", "unknown", "restricted", "unavailable", "private"].map { Array($0.utf8) }

    /// True when `user` is one of the words, in any letter case. No allocation.
    public static func matches(_ user: UnsafeRawBufferPointer) -> Bool {
        words.contains { w in
            guard user.count == w.count else { return false }
            for i in 0..<w.count where user[i] | 0x20 != w[i] { return false }
            return true
        }
    }
}
