import Policy

/// The answers given to recent call setups, by dialog (Call-ID and From tag), so that a
/// retransmitted INVITE, a re-attempt after an authentication challenge, or an INVITE
/// that arrives after the same call was already seen through HEP gets the answer the call
/// got the first time, without being screened twice. A ring of fixed capacity: the
/// oldest answer leaves first (retransmissions stop after 32 s, RFC 3261 Timer B), and
/// once the ring has gone round nothing allocates.
struct AnswerCache {
    struct Answer {
        var status: Int
        var verdict: Verdict
        var reasons: [String]
        /// The INVITE's CSeq number: the same number again is a retransmission.
        var sequence: UInt32
    }

    let capacity: Int
    private var keys: [UInt64] = []
    private var answers: [Answer] = []
    private var index: [UInt64: Int32] = [:]
    private var next = 0
    private(set) var evictions = 0

    /// Storage for `capacity` answers is allocated at once: a server must not stall
    /// while the index doubles under load.
    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        keys.reserveCapacity(capacity)
        answers.reserveCapacity(capacity)
        index.reserveCapacity(capacity)
    }

    var count: Int { index.count }

    func find(_ key: UInt64) -> Answer? {
        guard let s = index[key] else { return nil }
        return answers[Int(s)]
    }

    /// Remembers (or replaces) the answer to `key`.
    mutating func insert(_ key: UInt64, _ answer: Answer) {
        if let s = index[key] {
            answers[Int(s)] = answer
            return
        }
        if keys.count < capacity {
            index[key] = Int32(keys.count)
            keys.append(key)
            answers.append(answer)
            return
        }
        index.removeValue(forKey: keys[next])
        evictions += 1
        keys[next] = key
        answers[next] = answer
        index[key] = Int32(next)
        next = (next + 1) % capacity
    }
}
