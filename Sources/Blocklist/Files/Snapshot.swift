#if canImport(Glibc)
import Glibc
#endif

/// The compiled blocklist file (`.cgbl`): the slot arrays exactly as they sit in
/// memory, so loading is one private memory mapping plus a checksum pass; no entry is
/// parsed or re-hashed. Later updates write to private copies of the touched pages.
///
/// Layout (little-endian 64-bit words): a 4096-byte header (magic `CGBL`, version,
/// creation time, per array capacity, offset, live and key counts, the prefix-length
/// masks, where the source tags are, a checksum of everything after the header and one
/// of the header itself), the four arrays at page-aligned offsets (block exact, block
/// prefix, allow exact, allow prefix), then the source tags as length-prefixed UTF-8.
public enum Snapshot {
    static let magic: UInt64 = 0x4C42_4743 | 1 << 32  // "CGBL", version 1
    static let page = 4096
    static let headerWords = 23

    /// True when the file starts like a snapshot (the loader sniffs lists with this).
    public static func isSnapshot(path: String) -> Bool {
        guard let f = fopen(path, "r") else { return false }
        defer { fclose(f) }
        var word: UInt64 = 0
        return fread(&word, 8, 1, f) == 1 && UInt32(truncatingIfNeeded: word) == UInt32(truncatingIfNeeded: magic)
    }

    /// Writes `list` to `path` (through a temporary file renamed into place).
    public static func write(_ list: LiveBlocklist, to path: String, createdAt: Int64) throws(BlocklistError) {
        let tmp = path + ".tmp"
        guard let f = fopen(tmp, "w") else { throw .io(path: path, reason: "cannot write (\(String(cString: strerror(errno))))") }
        var ok = true
        list.withFrozenTables { tables, state, sources in
            var header = [UInt64](repeating: 0, count: page / 8)
            header[0] = magic
            header[1] = UInt64(bitPattern: createdAt)
            var offset = page
            var checksum = Checksum()
            for t in 0..<TableSet.count {
                let a = tables.array(t)
                header[2 + t] = UInt64(a.capacity)
                header[6 + t] = UInt64(offset)
                header[10 + t] = UInt64(state.live[t])
                header[14 + t] = UInt64(state.used[t])
                offset += align(SlotArray.bytes(capacity: a.capacity))
            }
            header[18] = UInt64(tables.prefixLengths(.block)) | UInt64(tables.prefixLengths(.allow)) << 32
            var sourceBytes: [UInt8] = []
            for s in sources {
                let u = Array(s.utf8.prefix(65_535))
                sourceBytes.append(UInt8(u.count & 0xFF))
                sourceBytes.append(UInt8(u.count >> 8))
                sourceBytes += u
            }
            header[19] = UInt64(offset)
            header[20] = UInt64(sourceBytes.count)
            for t in 0..<TableSet.count {
                let a = tables.array(t)
                checksum.add(UnsafeRawBufferPointer(start: UnsafeRawPointer(a.words), count: SlotArray.bytes(capacity: a.capacity)))
                checksum.addZeros(align(SlotArray.bytes(capacity: a.capacity)) - SlotArray.bytes(capacity: a.capacity))
            }
            sourceBytes.withUnsafeBytes { checksum.add($0) }
            header[21] = checksum.value
            header[22] = headerChecksum(header)
            ok = header.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) == $0.count }
            let zeros = [UInt8](repeating: 0, count: page)
            for t in 0..<TableSet.count where ok {
                let a = tables.array(t)
                let n = SlotArray.bytes(capacity: a.capacity)
                ok = fwrite(UnsafeRawPointer(a.words), 1, n, f) == n
                let pad = align(n) - n
                if ok && pad > 0 { ok = fwrite(zeros, 1, pad, f) == pad }
            }
            if ok && !sourceBytes.isEmpty { ok = fwrite(sourceBytes, 1, sourceBytes.count, f) == sourceBytes.count }
        }
        if fclose(f) != 0 { ok = false }
        guard ok, rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw .io(path: path, reason: "cannot write (\(reason))")
        }
    }

    /// Maps a snapshot and wraps it as a live list. Every size and offset is checked
    /// against the file, and the checksum against the contents, before anything is used.
    public static func load(path: String) throws(BlocklistError) -> LiveBlocklist {
        func bad(_ reason: String) -> BlocklistError { .badSnapshot(path: path, reason: reason) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .io(path: path, reason: "cannot read (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(path: path, reason: "cannot stat") }
        let size = Int(st.st_size)
        guard size >= page else { throw bad("shorter than its header") }
        // Private and writable, so that later inserts copy only the pages they touch; no
        // MAP_POPULATE, which on a private writable mapping breaks copy-on-write for every
        // page and copies the whole file into anonymous memory. Read-ahead is advised instead.
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw .io(path: path, reason: "cannot map (\(String(cString: strerror(errno))))")
        }
        _ = madvise(p, size, MADV_WILLNEED)
        let memory = SlotMemory(mapping: p, length: size)
        let h = UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt64.self), count: page / 8)
        guard h[0] == magic else {
            throw bad(UInt32(truncatingIfNeeded: h[0]) == UInt32(truncatingIfNeeded: magic) ? "unsupported version \(h[0] >> 32)" : "wrong magic")
        }
        guard h[22] == headerChecksum(Array(h)) else { throw bad("header checksum mismatch") }
        var arrays: [SlotArray] = []
        var state = LiveBlocklist.WriterState()
        var end = page
        for t in 0..<TableSet.count {
            let cap = Int(clamping: h[2 + t]), off = Int(clamping: h[6 + t])
            let live = Int(clamping: h[10 + t]), used = Int(clamping: h[14 + t])
            guard cap >= SlotArray.group, cap % SlotArray.group == 0, cap <= (1 << 40), off == end, off % page == 0,
                  off + SlotArray.bytes(capacity: cap) <= size, live <= used, used < cap else {
                throw bad("array \(t) does not fit the file")
            }
            arrays.append(SlotArray(words: p + off, capacity: cap))
            state.live[t] = live
            state.used[t] = used
            end = off + align(SlotArray.bytes(capacity: cap))
        }
        let sourcesOffset = Int(clamping: h[19]), sourcesLength = Int(clamping: h[20])
        // Compared by subtraction: a hostile length near Int.max must be refused, not overflow.
        guard sourcesOffset == end, sourcesOffset <= size, sourcesLength == size - sourcesOffset else {
            throw bad("source tags do not fit the file")
        }
        var checksum = Checksum()
        checksum.add(UnsafeRawBufferPointer(start: p + page, count: size - page))
        guard checksum.value == h[21] else { throw bad("checksum mismatch: the file is damaged") }

        var sources: [String] = []
        var at = sourcesOffset
        let bytes = UnsafeRawBufferPointer(start: p, count: size)
        while at + 2 <= size {
            let n = Int(bytes[at]) | Int(bytes[at + 1]) << 8
            guard at + 2 + n <= size else { throw bad("source tags are cut short") }
            guard let name = String(validating: bytes[(at + 2)..<(at + 2 + n)], as: UTF8.self) else {
                throw bad("source tag \(sources.count) is not UTF-8")
            }
            guard !sources.contains(name) else { throw bad("source tag '\(name)' twice") }
            guard sources.count < EntryWord.maxSources else { throw bad("too many source tags") }
            sources.append(name)
            at += 2 + n
        }
        let blockMask = UInt32(truncatingIfNeeded: h[18]), allowMask = UInt32(truncatingIfNeeded: h[18] >> 32)
        // Every slot is checked as a lookup relies on it: a key is reachable from its home
        // slot without crossing an empty one and appears once; an entry names a known kind
        // and source tag; a prefix's length is in its list's mask (else lookups skip it).
        // Entries with an expiry go on the writer's agenda, and the counts are checked.
        for t in 0..<TableSet.count {
            let a = arrays[t]
            var live = 0, used = 0
            let mask = t == 1 ? blockMask : t == 3 ? allowMask : ~0
            for i in 0..<a.capacity {
                let k = a.key(at: i)
                guard k != 0 else { continue }
                used += 1
                var j = a.home(k)
                while j != i {
                    let other = a.key(at: j)
                    guard other != 0 else { throw bad("array \(t) slot \(i): key unreachable from its home slot") }
                    guard other != k else { throw bad("array \(t) slot \(i): key also in slot \(j)") }
                    j = j + 1 == a.capacity ? 0 : j + 1
                }
                let w = a.word(at: i)
                guard w != 0 else { continue }
                guard EntryWord.kind(w) != nil else { throw bad("array \(t) slot \(i): unknown entry kind") }
                let source = Int(EntryWord.sourceID(w))
                guard source == 0 || source < sources.count else { throw bad("array \(t) slot \(i): unknown source tag \(source)") }
                guard mask & (1 << UInt32(k & 15)) != 0 else { throw bad("array \(t) slot \(i): prefix length not in the list's mask") }
                live += 1
                let e = EntryWord.expiry(w)
                if e != 0 { state.expiries.push(.init(expiryMs: e, key: k, table: t)) }
            }
            guard live == state.live[t], used == state.used[t] else { throw bad("array \(t) counts do not match its slots") }
        }
        let masks = (blockMask, allowMask)
        // Each array owns its piece of the mapping; the header page and the source tags (now
        // copied into strings) are unmapped at once.
        memory.disown()
        let pieces = (0..<TableSet.count).map { t in
            SlotMemory(mapping: p + Int(h[6 + t]), length: align(SlotArray.bytes(capacity: arrays[t].capacity)))
        }
        _ = SlotMemory(mapping: p, length: page)
        if sourcesOffset < size { _ = SlotMemory(mapping: p + sourcesOffset, length: size - sourcesOffset) }
        let tables = TableSet(arrays: arrays, memory: pieces, masks: masks)
        return LiveBlocklist(tables: tables, state: state, sources: sources)
    }

    static func align(_ n: Int) -> Int { (n + page - 1) / page * page }

    static func headerChecksum(_ h: [UInt64]) -> UInt64 {
        var c = Checksum()
        h.prefix(22).withUnsafeBytes { c.add($0) }
        return c.value
    }

    /// A fast 64-bit checksum over whole words (four independent lanes, then mixed).
    struct Checksum {
        private var lanes: (UInt64, UInt64, UInt64, UInt64) = (1, 2, 3, 4)
        private var length: UInt64 = 0
        private static let k: UInt64 = 0x9E37_79B9_7F4A_7C15

        /// Adds bytes; the result does not depend on how the input is split, as long as
        /// every piece but the last is a whole number of words.
        mutating func add(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress else { return }
            let words = bytes.count / 8
            var i = 0
            var lane = Int(length / 8 & 3)
            while i < words && lane != 0 {
                mixIn(base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self), lane: lane)
                i += 1
                lane = (lane + 1) & 3
            }
            while i + 4 <= words {
                lanes.0 = (lanes.0 ^ base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* Checksum.k
                lanes.1 = (lanes.1 ^ base.loadUnaligned(fromByteOffset: i * 8 + 8, as: UInt64.self)) &* Checksum.k
                lanes.2 = (lanes.2 ^ base.loadUnaligned(fromByteOffset: i * 8 + 16, as: UInt64.self)) &* Checksum.k
                lanes.3 = (lanes.3 ^ base.loadUnaligned(fromByteOffset: i * 8 + 24, as: UInt64.self)) &* Checksum.k
                i += 4
            }
            while i < words {
                mixIn(base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self), lane: lane)
                i += 1
                lane = (lane + 1) & 3
            }
            for j in (words * 8)..<bytes.count { lanes.0 = (lanes.0 ^ UInt64(bytes[j]) ^ 0x100) &* Checksum.k }
            length &+= UInt64(bytes.count)
        }

        private mutating func mixIn(_ w: UInt64, lane: Int) {
            switch lane {
            case 0: lanes.0 = (lanes.0 ^ w) &* Checksum.k
            case 1: lanes.1 = (lanes.1 ^ w) &* Checksum.k
            case 2: lanes.2 = (lanes.2 ^ w) &* Checksum.k
            default: lanes.3 = (lanes.3 ^ w) &* Checksum.k
            }
        }

        mutating func addZeros(_ n: Int) {
            guard n > 0 else { return }
            let zeros = [UInt8](repeating: 0, count: n)
            zeros.withUnsafeBytes { add($0) }
        }

        var value: UInt64 {
            var h = lanes.0 ^ (lanes.1 >> 7 | lanes.1 << 57) ^ (lanes.2 >> 19 | lanes.2 << 45) ^ (lanes.3 >> 31 | lanes.3 << 33) ^ length
            h ^= h >> 29; h &*= Checksum.k; h ^= h >> 32
            return h
        }
    }
}
