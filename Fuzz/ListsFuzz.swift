// libFuzzer entry point: the blocklist's untrusted files. The first byte picks the
// format, the rest is the file:
//   0: list text (numbers, prefixes, kinds, TTLs) loaded leniently into a fresh list;
//   1: update lines (JSON Lines) parsed leniently and applied, purges in between;
//   2: a compiled snapshot (.cgbl) written to a file and loaded.
// Whatever loads must keep the list's invariants (keys reachable and unique, counts,
// prefix masks) and answer lookups without trapping; whatever is refused must be
// refused with an error, never a crash.
//
// Built together with the Blocklist and Numbering sources (see Fuzz/build.sh).

#if canImport(Glibc)
import Glibc
#endif

private let normalizer = NumberNormalizer()
private let probes = ["+8613800000000", "+88216001234", "+86110", "+8617012345678", "+1"].compactMap { PhoneNumber(e164: $0) }
private let snapshotPath = "/dev/shm/callguard-lists-fuzz-\(getpid()).cgbl"

private func exercise(_ list: LiveBlocklist) {
    let problems = list.verifyInvariants()
    precondition(problems.isEmpty, "\(problems)")
    for n in probes { _ = list.match(n, at: 1_700_000_000_000_000_000) }
    _ = list.purgeExpired(at: Int64.max / 2)
    list.forEachEntry { _ = $0.entryText }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 1 else { return 0 }
    let file = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch data[0] % 3 {
    case 0:
        let list = LiveBlocklist()
        _ = try? ListFile.load(file, path: "fuzz.list", side: data[0] & 4 == 0 ? .block : .allow, into: list,
                               normalizer: normalizer, policy: .skip, ttlBase: 1_700_000_000_000_000_000)
        exercise(list)
    case 1:
        let list = LiveBlocklist()
        if let (updates, _) = try? UpdateFile.parse(String(decoding: file, as: UTF8.self), path: "fuzz.jsonl",
                                                    normalizer: normalizer, policy: .skip) {
            for u in updates {
                try? list.apply(u)
                _ = list.purgeExpired(at: u.time)
            }
        }
        exercise(list)
    default:
        let fd = open(snapshotPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return 0 }
        _ = write(fd, file.baseAddress, file.count)
        close(fd)
        if let list = try? Snapshot.load(path: snapshotPath) { exercise(list) }
    }
    return 0
}
