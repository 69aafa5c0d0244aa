#if canImport(Glibc)
import Glibc
#endif

/// Owns the pages behind slot arrays: anonymous memory (with transparent huge pages
/// advised, since lookups are random accesses across hundreds of megabytes) or a private
/// mapping of a snapshot file, whose pages are shared with the page cache until written.
final class SlotMemory: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let length: Int

    /// Zeroed anonymous memory of at least `bytes` bytes.
    init(zeroedBytes bytes: Int) {
        let length = max(bytes, 64)
        guard let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              p != MAP_FAILED else {
            fatalError("blocklist: cannot map \(length) bytes (\(String(cString: strerror(errno))))")
        }
        if length >= 4 << 20 { _ = madvise(p, length, 14 /* MADV_HUGEPAGE */) }
        self.base = p
        self.length = length
    }

    /// Takes ownership of an existing mapping (a snapshot file mapped privately).
    init(mapping base: UnsafeMutableRawPointer, length: Int) {
        self.base = base
        self.length = length
    }

    deinit { munmap(base, length) }
}
