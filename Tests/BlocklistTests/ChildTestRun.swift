import Foundation

/// Runs tests of this test binary in a child process with extra environment variables
/// (paths the parent cannot switch to: the reader gate's fence path, poisoned frees).
struct ChildTestRun {
    var status: Int32
    var reason: Process.TerminationReason
    var output: String

    static func run(filter: String, environment: [String: String], timeout: TimeInterval) throws -> ChildTestRun {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID())-child.txt").path
        FileManager.default.createFile(atPath: out, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        p.arguments = ["--testing-library", "swift-testing", "--filter", filter]
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        try? handle.close()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self)
        return ChildTestRun(status: p.terminationStatus, reason: p.terminationReason, output: text)
    }
}
