import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of the test's own (`Tests/Serve/postgres.sh`): a temporary data
/// directory, a free loopback port, killed and restarted at will, stopped and removed
/// by `close`.
final class TestDatabase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Serve/postgres.sh").path

    /// Whether the script can provide a server: PostgreSQL is installed, or this runs as
    /// root with apt-get (the script installs Debian's package then).
    static let available: Bool = {
        let fm = FileManager.default
        if let versions = try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql"),
           versions.contains(where: { fm.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb") }) {
            return true
        }
        return geteuid() == 0 && fm.isExecutableFile(atPath: "/usr/bin/apt-get")
    }()

    let directory: String
    private(set) var port = 0

    init() throws {
        var template = Array("/tmp/callguard-pg.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("mkdtemp failed") }
        directory = String(cString: made)
        port = try start()
    }

    /// `postgres://` for the store, TLS off (a loopback test server has no certificate).
    var url: String { "postgres://callguard@127.0.0.1:\(port)/postgres?sslmode=disable" }

    /// Starts (or restarts, on the same port) the server.
    @discardableResult
    func start() throws -> Int {
        let out = try Self.run(["start", directory])
        guard let p = Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw Failure("postgres.sh start: \(out)") }
        port = p
        return p
    }

    /// SIGKILL: the server and its backends vanish without a word to clients.
    func kill() throws { _ = try Self.run(["kill", directory]) }

    /// One query through psql; rows on lines, columns separated by `|`.
    func sql(_ query: String) throws -> String {
        try Self.run(["sql", directory, query]).trimmingCharacters(in: .newlines)
    }

    func close() {
        _ = try? Self.run(["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Runs the script with its output in files (an install through apt-get writes more
    /// than a pipe holds; and the server it starts must not keep a pipe of ours open).
    private static func run(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script] + arguments
        let base = NSTemporaryDirectory() + "postgres-sh-\(UUID().uuidString)"
        let outPath = base + ".out", errPath = base + ".err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        try? out.close()
        try? err.close()
        // Bounded: an install may take minutes, a start some seconds.
        let deadline = Date().addingTimeInterval(600)
        while p.isRunning && Date() < deadline { usleep(5_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        let output = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        guard p.terminationStatus == 0 else {
            let errors = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
            throw Failure("postgres.sh \(arguments.joined(separator: " ")): exit \(p.terminationStatus): \(errors)")
        }
        return output
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
func eventually(within timeout: Duration = .seconds(20), _ condition: () throws -> Bool) async rethrows -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}
