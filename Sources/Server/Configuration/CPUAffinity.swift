import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Which CPUs a thread may run on (`serve --cpu N`).
///
/// The screening loop answers every request in a few microseconds, so what delays an
/// answer is mostly the loop not running: another thread of the process (the admin
/// endpoint parsing a batch of list updates, the store's writer, the capture reader)
/// taking its core. With `--cpu N` the screening loop's thread runs on CPU N only and
/// every other thread of the server on the remaining CPUs.
public enum CPUAffinity {
    /// glibc's `sched_getaffinity`/`sched_setaffinity` (declared only under _GNU_SOURCE,
    /// which Swift's Glibc module does not define), looked up once.
    private typealias AffinityCall = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
    private static let getAffinity: AffinityCall? = symbol("sched_getaffinity")
    private static let setAffinity: AffinityCall? = symbol("sched_setaffinity")

    private static func symbol(_ name: String) -> AffinityCall? {
        guard let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(f, to: AffinityCall.self)
    }

    /// The CPUs the calling thread may use, in order (on the main thread at start: the
    /// process's affinity mask, which `taskset` sets).
    public static func allowed() -> [Int] {
        var set = cpu_set_t()
        guard let getAffinity, getAffinity(0, MemoryLayout<cpu_set_t>.size, &set) == 0 else { return [] }
        return withUnsafeBytes(of: &set) { raw in
            (0..<raw.count * 8).filter { raw[$0 / 8] & (1 << ($0 % 8)) != 0 }
        }
    }

    /// Restricts the calling thread to `cpus` (Linux: `sched_setaffinity` with pid 0
    /// applies to the calling thread only). Returns whether the kernel accepted it.
    @discardableResult
    public static func pinCurrentThread(to cpus: [Int]) -> Bool {
        var set = cpu_set_t()
        withUnsafeMutableBytes(of: &set) { raw in
            for c in cpus where c >= 0 && c < raw.count * 8 { raw[c / 8] |= UInt8(1 << (c % 8)) }
        }
        guard let setAffinity else { return false }
        return setAffinity(0, MemoryLayout<cpu_set_t>.size, &set) == 0
    }

    /// Restricts an event loop's thread to `cpus` (runs on that loop, waits for it).
    public static func pin(_ loop: any EventLoop, to cpus: [Int]) {
        _ = try? loop.submit { pinCurrentThread(to: cpus) }.wait()
    }
}
