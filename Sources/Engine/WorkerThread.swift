import CBits

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain OS thread running one closure, joined by its owner: the decoding stage of a
/// two-thread replay. Not a task: the stage blocks on its ring, which must not tie up a
/// thread of Swift's cooperative pool.
///
/// The closure is not `Sendable`: the caller hands the thread state no other thread
/// touches until `join()`, which orders everything the thread did before whatever follows
/// it (pthread_join synchronises with the thread's end).
final class WorkerThread {
    private final class Body: @unchecked Sendable {
        let run: () -> Void
        let name: String
        init(_ name: String, _ run: @escaping () -> Void) {
            self.name = name
            self.run = run
        }
    }

    #if canImport(Glibc)
    private var thread = pthread_t()
    #else
    private var thread: pthread_t?
    #endif
    private var joined = false

    /// `name` (at most 15 bytes) shows in `top -H`, `perf report --sort comm` and debuggers.
    init(name: String, _ run: @escaping () -> Void) {
        let body = Unmanaged.passRetained(Body(name, run)).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            #if canImport(Glibc)
            let body = Unmanaged<Body>.fromOpaque(arg!).takeRetainedValue()
            #else
            let body = Unmanaged<Body>.fromOpaque(arg).takeRetainedValue()
            #endif
            callguard_set_thread_name(body.name)
            body.run()
            return nil
        }, body)
        precondition(rc == 0, "pthread_create failed (\(rc))")
    }

    func join() {
        guard !joined else { return }
        joined = true
        #if canImport(Glibc)
        pthread_join(thread, nil)
        #else
        pthread_join(thread!, nil)
        #endif
    }

    deinit { join() }
}
