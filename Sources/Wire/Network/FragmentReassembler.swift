/// Reassembles fragmented IPv4 and IPv6 datagrams, in any order, with bounded memory.
///
/// Datagrams are keyed by (source, destination, identification, protocol). Each holds a
/// byte buffer up to 65,535 bytes and the list of byte ranges received; later bytes win
/// where fragments overlap. A datagram that does not complete within `timeout` of its
/// first fragment (trace time), or that is pushed out when `capacity` datagrams are
/// pending, is dropped and its fragments reported as incomplete.
final class FragmentReassembler {
    struct Key: Hashable {
        var source: IPAddress
        var destination: IPAddress
        var identification: UInt32
        var proto: UInt8
    }

    final class Datagram {
        var data: [UInt8] = []
        /// Sorted, merged [start, end) ranges received.
        var ranges: [(Int, Int)] = []
        /// Total payload length, known once the last fragment arrived.
        var total = -1
        var firstSeen: Nanoseconds
        /// Fragments held (each a packet waiting to be counted).
        var packets = 0

        init(firstSeen: Nanoseconds) { self.firstSeen = firstSeen }

        var isComplete: Bool {
            total >= 0 && ranges.count == 1 && ranges[0].0 == 0 && ranges[0].1 >= total
        }
    }

    enum Result {
        case held
        /// The datagram is whole; `packets` fragments (this one included) belong to it.
        case complete(Datagram)
        case invalid(MalformedReason)
    }

    let capacity: Int
    let timeout: Nanoseconds
    private(set) var table: [Key: Datagram] = [:]
    private var nextSweep: Nanoseconds = .min

    init(capacity: Int, timeout: Nanoseconds) {
        self.capacity = capacity
        self.timeout = timeout
    }

    var pendingDatagrams: Int { table.count }

    /// Adds a fragment carrying `payload` at byte `offset` of the datagram.
    /// `expired` is called with the packet count of every datagram dropped meanwhile.
    func add(_ key: Key, offset: Int, more: Bool, payload: UnsafeRawBufferPointer,
             now: Nanoseconds, expired: (Int) -> Void) -> Result {
        let end = offset + payload.count
        guard end <= 65_535 else { return .invalid(.ipFragmentBadOffset) }
        sweep(now: now, expired: expired)
        let d: Datagram
        if let existing = table[key] {
            d = existing
        } else {
            if table.count >= capacity {
                // Push out the oldest pending datagram to stay within bounds.
                if let oldest = table.min(by: { $0.value.firstSeen < $1.value.firstSeen }) {
                    table[oldest.key] = nil
                    expired(oldest.value.packets)
                }
            }
            d = Datagram(firstSeen: now)
            table[key] = d
        }
        if !more {
            if d.total >= 0 && d.total != end {
                // Two different "last" fragments: the datagram cannot be trusted.
                table[key] = nil
                expired(d.packets)
                return .invalid(.ipFragmentBadOffset)
            }
            d.total = end
        }
        if d.data.count < end { d.data.append(contentsOf: repeatElement(0, count: end - d.data.count)) }
        d.data.withUnsafeMutableBytes { dst in
            if payload.count > 0 { dst.baseAddress!.advanced(by: offset).copyMemory(from: payload.baseAddress!, byteCount: payload.count) }
        }
        insert(range: (offset, end), into: d)
        d.packets += 1
        if d.isComplete {
            table[key] = nil
            if d.data.count > d.total { d.data.removeLast(d.data.count - d.total) }
            return .complete(d)
        }
        return .held
    }

    /// Drops every datagram older than the timeout (checked at most once a second).
    func sweep(now: Nanoseconds, expired: (Int) -> Void) {
        guard now >= nextSweep else { return }
        nextSweep = now + 1_000_000_000
        guard !table.isEmpty else { return }
        for (key, d) in table where now - d.firstSeen > timeout {
            table[key] = nil
            expired(d.packets)
        }
    }

    /// Drops everything (end of input); returns the fragments still held.
    func flush() -> Int {
        let n = table.values.reduce(0) { $0 + $1.packets }
        table.removeAll()
        return n
    }

    private func insert(range: (Int, Int), into d: Datagram) {
        var merged: [(Int, Int)] = []
        merged.reserveCapacity(d.ranges.count + 1)
        var r = range
        var placed = false
        for existing in d.ranges {
            if existing.1 < r.0 {
                merged.append(existing)
            } else if r.1 < existing.0 {
                if !placed { merged.append(r); placed = true }
                merged.append(existing)
            } else {
                r = (min(r.0, existing.0), max(r.1, existing.1))
            }
        }
        if !placed { merged.append(r) }
        d.ranges = merged
    }
}
