import Blocklist
import Calls
import Numbering
import Policy
import StateCoding

#if canImport(Glibc)
import Glibc
#endif

/// `replay --state-out FILE` / `--state-in FILE`: everything a replay has learnt, so that
/// the next capture of the same traffic picks up where this one stopped. Replaying A
/// with `--state-out S`, then its continuation B with `--state-in S`, gives B's calls the
/// verdicts that replaying A and B as one gives.
///
/// Holds: the call table (calls still in progress and the recently ended ones that
/// absorb late messages, the deadline heap, the trace clock), every detector's tables,
/// the screener's blocked dialogs and warm-up clock, the victim log, and the live list's
/// auto-blocks with their expiry. Not held: list files and updates (inputs: give them
/// again), the decoder's IP-fragment and TCP reassembly buffers (a message cut across
/// the two captures is lost, as at any capture boundary), and per-run counters.
///
/// Layout: `CGSTATE` and a NUL, the format version (u32), the payload, then a 64-bit
/// FNV-1a checksum of everything before it. A file of another version, a damaged one
/// (checksum), or one written with another rule set's detectors is refused with a
/// one-line reason. The checksum finds damage; it is not a signature.
public enum StateFile {
    public static let version: UInt32 = 4
    static let magic = Array("CGSTATE\0".utf8)

    public static func encode(tracker: CallTracker, screener: PolicyScreener?, list: LiveBlocklist?) -> [UInt8] {
        var w = StateWriter()
        for b in magic { w.u8(b) }
        w.u32(version)
        tracker.save(&w)
        w.bool(screener != nil)
        screener?.save(&w)
        w.tag("auto-blocks")
        var autos: [(NumberMatch, String)] = []
        if let list {
            list.forEachEntry { if $0.kind == .auto && $0.side == .block { autos.append(($0, list.sourceName($0.sourceID))) } }
        }
        w.int(autos.count)
        for (a, source) in autos {
            w.u64(a.entry.value); w.u8(a.entry.digitCount); w.bool(a.isPrefix)
            w.string(source)
            w.u64(a.expiresAtMilliseconds)
        }
        var bytes = w.bytes
        let sum = checksum(bytes[...])
        withUnsafeBytes(of: sum.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    public static func decode(_ bytes: [UInt8], tracker: CallTracker, screener: PolicyScreener?, list: LiveBlocklist?) throws(StateError) {
        guard bytes.count >= magic.count + 12, Array(bytes[0..<magic.count]) == magic else {
            throw StateError("not a CallGuard state file")
        }
        var stored: UInt64 = 0
        for (i, b) in bytes[(bytes.count - 8)...].enumerated() { stored |= UInt64(b) << (8 * UInt64(i)) }
        var r = StateReader(Array(bytes.dropLast(8)), offset: magic.count)
        let v = try r.u32()
        guard v == version else { throw StateError("state format version \(v); this callguard reads version \(version)") }
        guard checksum(bytes.dropLast(8)) == stored else { throw StateError("damaged (checksum mismatch)") }
        try tracker.load(&r)
        let hasPolicy = try r.bool()
        guard hasPolicy == (screener != nil) else {
            throw StateError(hasPolicy ? "it holds detector state but this replay runs no rule set" : "it holds no rule set's state, this replay runs one")
        }
        try screener?.load(&r)
        try r.expect("auto-blocks")
        let n = try r.int()
        guard (0...100_000_000).contains(n) else { throw StateError("\(n) auto-blocks is more than any list holds") }
        for _ in 0..<n {
            let value = try r.u64(), digits = try r.u8(), prefix = try r.bool()
            let source = try r.string()
            let ms = try r.u64()
            guard let number = PhoneNumber(value: value, digitCount: Int(digits)) else { throw StateError("an auto-block has an invalid number") }
            guard ms < UInt64(Int64.max / 1_000_000) else { throw StateError("an auto-block has an invalid expiry") }
            do {
                try list?.insert(BlocklistEntry(number: number, isPrefix: prefix, kind: .auto, source: source,
                                                expiresAt: ms == 0 ? nil : Int64(ms) * 1_000_000))
            } catch {
                throw StateError("an auto-block cannot be restored (\(error))")
            }
        }
        guard r.remaining == 0 else { throw StateError("\(r.remaining) bytes after the last section") }
    }

    /// Writes the state to `path` (whole file, then renamed into place, so a reader never
    /// sees half of it).
    public static func write(_ bytes: [UInt8], to path: String) throws(StateError) {
        let tmp = path + ".tmp"
        guard let f = fopen(tmp, "wb") else { throw StateError("\(path): cannot write (\(String(cString: strerror(errno))))") }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f) == 0
        guard written == bytes.count, closed, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw StateError("\(path): cannot write (\(String(cString: strerror(errno))))")
        }
    }

    public static func read(_ path: String) throws(StateError) -> [UInt8] {
        do { return try InputFile.readBytes(path) } catch { throw StateError(error.description) }
    }

    static func checksum(_ b: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
        return h
    }
}
