import Synchronization

/// Source tags (file names, `updates`, detector ids) by the 12-bit id entries carry.
/// Append-only and fixed in size, so readers resolve an id without locking: a writer
/// publishes a name by storing its retained object's address with release order, and
/// names are released only when the registry itself goes.
final class SourceTags: @unchecked Sendable {
    private final class Name { let text: String; init(_ t: String) { text = t } }
    private let slots: UnsafeMutablePointer<Atomic<UInt>>
    private let capacity = EntryWord.maxSources
    /// Writer side, guarded by the owner's writer lock.
    private var ids: [String: UInt16] = [:]

    init() {
        slots = UnsafeMutablePointer<Atomic<UInt>>.allocate(capacity: capacity)
        for i in 0..<capacity { (slots + i).initialize(to: Atomic(0)) }
        _ = try? register("")  // id 0: no source given
    }

    deinit {
        for i in 0..<capacity {
            let bits = slots[i].load(ordering: .acquiring)
            if bits != 0 { Unmanaged<Name>.fromOpaque(UnsafeRawPointer(bitPattern: bits)!).release() }
        }
        slots.deinitialize(count: capacity)
        slots.deallocate()
    }

    /// The id for `name`, registering it if new. Writers only.
    func register(_ name: String) throws(BlocklistError) -> UInt16 {
        if let id = ids[name] { return id }
        guard ids.count < capacity else { throw .tooManySources(capacity) }
        let id = UInt16(ids.count)
        ids[name] = id
        let bits = UInt(bitPattern: Unmanaged.passRetained(Name(name)).toOpaque())
        slots[Int(id)].store(bits, ordering: .releasing)
        return id
    }

    /// The name of a registered id ("" when unknown). Any thread.
    func name(_ id: UInt16) -> String {
        guard Int(id) < capacity else { return "" }
        let bits = slots[Int(id)].load(ordering: .acquiring)
        guard bits != 0 else { return "" }
        return Unmanaged<Name>.fromOpaque(UnsafeRawPointer(bitPattern: bits)!).takeUnretainedValue().text
    }

    /// Every registered name in id order (for snapshots). Writers only.
    var all: [String] { ids.sorted { $0.value < $1.value }.map(\.key) }
}
