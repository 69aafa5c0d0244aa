import Foundation
import Testing

/// Runs the built `callguard` binary, as a user would.
struct CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static var binary: String {
        let dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return dir.appendingPathComponent("callguard").path
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` (a product beside callguard, or an absolute path) with `arguments` from the package root. Its output goes to files,
    /// not pipes, so a child that writes much to both streams cannot stall on a full pipe
    /// while the test reads the other one; a child still running after `timeout` seconds
    /// is killed, so a hang fails one test instead of stalling the whole run.
    static func run(_ arguments: [String], stdin: Data? = nil, executable: String = "callguard",
                    timeout: Double = 600) throws -> Output {
        let p = Process()
        p.executableURL = executable.hasPrefix("/") ? URL(fileURLWithPath: executable)
                                                    : URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent(executable)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: packageRoot)
        let outPath = temporary("stdout"), errPath = temporary("stderr")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        try? out.close()
        try? err.close()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(2_000) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            Issue.record("callguard \(arguments.joined(separator: " ")) still running after \(timeout) s; killed")
        }
        p.waitUntilExit()
        let o = try Data(contentsOf: URL(fileURLWithPath: outPath))
        let e = try Data(contentsOf: URL(fileURLWithPath: errPath))
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID())-\(name)").path
    }
}

@Suite("callguard command line")
struct CommandLineTests {
    @Test func readmeMainCommand() throws {
        let r = try CLI.run(["replay", "traces/demo.pcap", "--blocklist", "traces/demo.blocklist", "--verdicts", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let verdicts = r.stdout.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(verdicts.count == 6)
        #expect(verdicts.filter { $0.contains("\"verdict\":\"block\"") }.count == 2)
        #expect(r.stdout.contains("(all accounted)"))
    }

    @Test func jsonSummary() throws {
        let r = try CLI.run(["replay", "traces/demo.pcap", "--summary", "json"])
        #expect(r.status == 0)
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((o["packets"] as! [String: Any])["read"] as? Int == 38)
        #expect((o["calls"] as! [String: Any])["total"] as? Int == 6)
    }

    @Test func standardInputAndFilter() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: CLI.packageRoot + "/traces/demo.pcap"))
        let r = try CLI.run(["replay", "-", "--summary", "json", "--filter", "ip6"], stdin: data)
        #expect(r.status == 0, "\(r.stderr)")
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((o["packets"] as! [String: Any])["read"] as? Int == 4)  // only the IPv6 call passes
    }

    @Test(arguments: [
        (["replay", "no/such/file.pcap"], "no/such/file.pcap: no such file"),
        (["replay", "Package.swift"], "Package.swift: not a pcap or pcapng capture"),
        (["replay", "traces/demo.pcap", "--filter", "udp port nonsense"], "bad filter"),
        (["replay", "traces/demo.pcap", "--blocklist", "Package.swift"], "Package.swift:1:"),
        (["replay", "traces/demo.pcap", "--decode-as", "sctp:1=sip"], "--decode-as"),
        (["replay", "traces/demo.pcap", "--no-such-option"], "no-such-option"),
        (["decode", "traces/demo.pcap", "--fields", "frame,bogus"], "unknown field 'bogus'"),
        (["replay"], "traces"),
    ])
    func badInputExitsTwoWithOneLine(_ arguments: [String], _ expected: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 2)
        #expect(r.stderr.contains(expected), "stderr: \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "stderr: \(r.stderr)")
    }

    @Test func netMonCaptureFailsCleanly() throws {
        let path = CLI.packageRoot + "/../shared/conformance/wireshark-samples/c07-sip-r2.cap"
        guard FileManager.default.fileExists(atPath: path) else { return }
        let r = try CLI.run(["replay", path])
        #expect(r.status == 2 && r.stderr.contains("not a pcap or pcapng capture"))
    }

    @Test func truncatedCaptureWarnsButSucceeds() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: CLI.packageRoot + "/traces/demo.pcap"))
        let cut = CLI.temporary("cut.pcap")
        try data.prefix(data.count - 100).write(to: URL(fileURLWithPath: cut))
        defer { try? FileManager.default.removeItem(atPath: cut) }
        let r = try CLI.run(["replay", cut, "--summary", "json"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("truncated"))
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(o["truncated"] as? Bool == true)
        #expect((o["packets"] as! [String: Any])["read"] as? Int == 37)
    }

    @Test func shippedDemoTraceIsRegeneratedByteForByte() throws {
        let out = CLI.temporary("demo.pcap")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try CLI.run([out], executable: "demo-trace")
        #expect(r.status == 0, "\(r.stdout)")
        let fresh = try Data(contentsOf: URL(fileURLWithPath: out))
        let shipped = try Data(contentsOf: URL(fileURLWithPath: CLI.packageRoot + "/traces/demo.pcap"))
        #expect(fresh == shipped)
    }

    @Test func decodePrintsOneRowPerMessage() throws {
        let r = try CLI.run(["decode", "traces/demo.pcap", "--fields", "frame,method,status,call_id,caller,callee"])
        #expect(r.status == 0)
        let rows = r.stdout.split(separator: "\n")
        #expect(rows.first == "frame\tmethod\tstatus\tcall_id\tcaller\tcallee")
        #expect(rows.count == 1 + 36)
        #expect(rows[1] == "1\tINVITE\t\tdemo-1@192.0.2.10\t+8613812345678\t+8613987654321")
    }
}
