import Wire

/// SIP messages by request method and by response class.
public struct SIPStatistics: Sendable, Equatable {
    /// Indexed by `SIPMethod.rawValue`.
    public var requests = [Int](repeating: 0, count: SIPMethod.allCases.count)
    /// Methods CallGuard does not name, by their text (rare; allocates only for them).
    public var otherRequests: [String: Int] = [:]
    /// Index 1...6 for 1xx...6xx.
    public var responses = [Int](repeating: 0, count: 7)

    public init() {}

    @inline(__always)
    mutating func count(_ m: SIPMessage) {
        if m.isRequest {
            if m.method == .other {
                otherRequests[m.text(m.methodText), default: 0] += 1
            } else {
                requests[Int(m.method.rawValue)] += 1
            }
        } else {
            let cls = m.statusCode / 100
            if cls >= 1 && cls <= 6 { responses[cls] += 1 }
        }
    }
}
