import NIOCore

/// Runs tasks that prefer it on one SwiftNIO event loop's thread (SE-0417).
///
/// The store's writer is async code (postgres-nio's API), and async code runs on the
/// process's shared concurrency pool unless told otherwise: a pool of one thread per
/// core that anything else blocking (a synchronous wait, a busy test) would starve, and
/// with it the writer. With this executor preferred, the writer, its timers and the
/// library code it awaits run on the store's own thread.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
