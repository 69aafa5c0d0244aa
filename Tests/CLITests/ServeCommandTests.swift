import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `callguard serve` as a user runs it: started, asked over UDP, stopped with SIGTERM.
@Suite("callguard serve")
struct ServeCommandTests {
    /// A running `callguard serve` whose stderr says where it listens.
    final class Running {
        let process = Process()
        let outPath = CLI.temporary("serve-out"), errPath = CLI.temporary("serve-err")
        var addresses: [String] = []

        init(_ arguments: [String]) throws {
            FileManager.default.createFile(atPath: outPath, contents: nil)
            FileManager.default.createFile(atPath: errPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = ["serve"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: CLI.packageRoot)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            try process.run()
            for _ in 0..<200 {
                let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
                if let line = err.split(separator: "\n").first(where: { $0.hasPrefix("callguard: serving ") }) {
                    addresses = line.dropFirst("callguard: serving ".count).split(separator: " ").map(String.init)
                    return
                }
                if !process.isRunning { break }
                usleep(50_000)
            }
            process.terminate()
            throw CLIFailure("serve did not start: \((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")")
        }

        func port(_ prefix: String) -> Int? {
            addresses.first { $0.hasPrefix(prefix) }.flatMap { Int($0.split(separator: ":").last ?? "") }
        }

        /// SIGTERM, then the exit status and standard output (bounded wait).
        func stop() -> (status: Int32, stdout: String) {
            kill(process.processIdentifier, SIGTERM)
            for _ in 0..<200 where process.isRunning { usleep(50_000) }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
            return (process.terminationStatus, out)
        }
    }

    struct CLIFailure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// One UDP request to 127.0.0.1:port and its answer (2 s at most).
    func ask(port: Int, _ text: String) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = UInt16(port).bigEndian
        a.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bytes = Array(text.utf8)
        _ = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }

    func invite(_ caller: String, callID: String) -> String {
        ["INVITE sip:+8613912345678@192.0.2.80 SIP/2.0", "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-\(callID)",
         "From: <sip:\(caller)@127.0.0.1>;tag=1", "To: <sip:+8613912345678@192.0.2.80>", "Call-ID: \(callID)",
         "CSeq: 1 INVITE", "Max-Forwards: 70", "Content-Length: 0", "", ""].joined(separator: "\r\n")
    }

    @Test func answersOverUDPAndPrintsItsSummaryOnSIGTERM() throws {
        let state = CLI.temporary("serve.state")
        defer { try? FileManager.default.removeItem(atPath: state) }
        let serve = try Running(["--listen", "udp:127.0.0.1:0", "--listen", "tcp:127.0.0.1:0", "--blocklist", "traces/demo.blocklist",
                                 "--state-out", state, "--log-level", "warning"])
        let port = try #require(serve.port("udp:"))
        #expect(serve.port("tcp:") != nil)
        #expect(ask(port: port, invite("+8613800000001", callID: "a"))?.hasPrefix("SIP/2.0 302 Moved Temporarily\r\n") == true)
        let blocked = ask(port: port, invite("+8617012345678", callID: "b"))
        #expect(blocked?.hasPrefix("SIP/2.0 608 Rejected\r\n") == true)
        #expect(blocked?.contains("\r\nX-CallGuard-Verdict: block;reasons=reported\r\n") == true)
        let (status, out) = serve.stop()
        #expect(status == 0)
        let summary = try #require(out.split(separator: "\n").last)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        #expect(json["screened"] as? Int == 2)
        #expect((json["verdicts"] as? [String: Int]) == ["allow": 1, "flag": 0, "block": 1])
        // What it learnt is kept for the next run (or a replay).
        #expect(FileManager.default.fileExists(atPath: state))
        let again = try Running(["--listen", "udp:127.0.0.1:0", "--state-in", state, "--log-level", "warning"])
        #expect(again.stop().status == 0)
    }

    @Test func badAddressesAndTakenPortsAreOneLineErrors() throws {
        let bad = try CLI.run(["serve", "--listen", "udp:localhost"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("'udp:localhost': no port"))
        #expect(bad.stderr.split(separator: "\n").count == 1)

        // A port another server holds is refused, UDP as well as TCP (two servers must
        // never share one port and split its traffic).
        let first = try Running(["--listen", "udp:127.0.0.1:0", "--listen", "tcp:127.0.0.1:0", "--log-level", "warning"])
        for prefix in ["udp:", "tcp:"] {
            let port = try #require(first.port(prefix))
            let clash = try CLI.run(["serve", "--listen", "\(prefix)127.0.0.1:\(port)", "--log-level", "warning"], timeout: 30)
            #expect(clash.status == 2)
            #expect(clash.stderr.contains("cannot listen for SIP on \(prefix)127.0.0.1:\(port)"), "\(clash.stderr)")
            #expect(clash.stderr.split(separator: "\n").filter { $0.hasPrefix("callguard:") }.count == 1)
        }
        #expect(first.stop().status == 0)

        // A --store address it cannot use: one line, the password not in it.
        let store = try CLI.run(["serve", "--store", "postgres://cg:hunter2@db.example/x?sslmode=maybe", "--listen", "udp:127.0.0.1:0"],
                                timeout: 30)
        #expect(store.status == 2)
        #expect(store.stderr.contains("--store: sslmode 'maybe'"), "\(store.stderr)")
        #expect(!store.stderr.contains("hunter2"))
        #expect(store.stderr.split(separator: "\n").count == 1)

        let noWarnings = try CLI.run(["serve", "--rules", "none", "--warnings", "/tmp/w.jsonl", "--listen", "udp:127.0.0.1:0"], timeout: 30)
        #expect(noWarnings.status == 2)
        #expect(noWarnings.stderr.contains("--warnings"))
    }

    @Test func sippStraightToServe() throws {
        let r = try CLI.run(["Tests/Serve/sipp-direct.sh", CLI.binary], executable: "/bin/bash", timeout: 300)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("all checks passed") || r.stdout.hasPrefix("SKIP"), "\(r.stdout)")
    }

    @Test func rowsReachPostgreSQLAndSurviveItsCrash() throws {
        let r = try CLI.run(["Tests/Serve/postgres-store.sh", CLI.binary], executable: "/bin/bash", timeout: 600)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("all checks passed") || r.stdout.hasPrefix("SKIP"), "\(r.stdout)")
    }

    @Test func kamailioAsksServeAndFollowsItsAnswers() throws {
        let r = try CLI.run(["Tests/Serve/kamailio-e2e.sh", CLI.binary], executable: "/bin/bash", timeout: 300)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("all checks passed") || r.stdout.hasPrefix("SKIP"), "\(r.stdout)")
    }
}
