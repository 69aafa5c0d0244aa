import Synchronization

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

    /// Whether `deinit` unmaps the pages (false once they were handed on in pieces).
    private var owned = true

    /// Takes ownership of an existing mapping, or of a page-aligned piece of one (a
    /// snapshot file mapped privately: each slot array owns its own piece, so that an
    /// array rebuilt after loading gives its pages back instead of keeping the whole
    /// file mapped for the life of the process).
    init(mapping base: UnsafeMutableRawPointer, length: Int) {
        self.base = base
        self.length = length
    }

    /// Hands the pages on (to pieces made with `init(mapping:length:)`): `deinit` leaves
    /// them mapped. Only before the memory is shared.
    func disown() { owned = false }

    /// Debug mode for the reclamation proof: the pages of a freed array are made
    /// inaccessible (physical pages dropped, then `PROT_NONE`) instead of unmapped, so a
    /// reader that still used an array after its grace period faults at that read instead
    /// of reading whatever the address space holds next. The address space is not given
    /// back in this mode. `CALLGUARD_BLOCKLIST_POISON=1` turns it on for a process; the
    /// stress suites turn it on while they run.
    static let poisonFreed = Atomic<Bool>(getenv("CALLGUARD_BLOCKLIST_POISON").map { String(cString: $0) == "1" } ?? false)
    /// Arrays freed in that mode (for the tests: reclamation happened under the readers).
    static let poisonedArrays = Atomic<Int>(0)

    private func poisonedArraysIncrement() { Self.poisonedArrays.wrappingAdd(1, ordering: .relaxed) }

    deinit {
        guard owned else { return }
        if Self.poisonFreed.load(ordering: .relaxed) {
            _ = madvise(base, length, Int32(MADV_DONTNEED))
            _ = mprotect(base, length, PROT_NONE)
            poisonedArraysIncrement()
        } else {
            munmap(base, length)
        }
    }
}
