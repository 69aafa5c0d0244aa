import Blocklist
import Calls
import Engine
import Foundation
import NIOCore
import Numbering
import Policy
import Testing
import Wire
@testable import Server

/// A server on loopback ports the system picks, over a blocklist.
func startServer(blocked: [String] = ["+8617012345678"], maxConnections: Int = 64, idleMs: Int64 = 5_000,
                 audit: String? = nil, updates: String? = nil, capture: (interface: String, filter: String)? = nil,
                 cpu: Int? = nil) throws -> CallGuardServer {
    let list = LiveBlocklist()
    for n in blocked { try list.insert(BlocklistEntry(number: PhoneNumber(e164: n)!)) }
    let service = ScreeningService(options: ScreeningService.Options(), screener: BlocklistScreener(list: list), policyScreener: nil,
                                   list: list, schedule: BlocklistSchedule(list: list), verdictWriter: nil, metrics: ServeMetrics())
    var c = ServerConfiguration()
    c.listen = [ListenAddress(transport: .udp, host: "127.0.0.1", port: 0), ListenAddress(transport: .tcp, host: "127.0.0.1", port: 0)]
    c.hep = [ListenAddress(transport: .udp, host: "127.0.0.1", port: 0)]
    c.metrics = ListenAddress(transport: .tcp, host: "127.0.0.1", port: 0)
    c.maxConnections = maxConnections
    c.idleTimeout = .milliseconds(idleMs)
    c.updatesFile = updates
    c.tickInterval = .milliseconds(50)
    c.captureInterface = capture?.interface
    c.captureFilter = capture?.filter
    c.screeningCPU = cpu
    let server = try CallGuardServer(configuration: c, service: service, audit: try audit.map { try OutputFile(path: $0) })
    try server.start()
    return server
}

extension CallGuardServer {
    var udpPort: Int { bound[0].port }
    var tcpPort: Int { bound[1].port }
    var hepPort: Int { bound[2].port }
    var metricsPort: Int { bound[3].port }

    func stop() {
        shutdown()
        waitUntilStopped()
    }
}

@Suite("serve: listeners on loopback")
struct ServerNetworkTests {
    @Test func udpAndTcpAreAnswered() throws {
        let server = try startServer()
        defer { server.stop() }
        let udp = try LoopbackClient(udp: true, port: server.udpPort)
        udp.send(SIPRequests.invite(caller: "+8613800000001"))
        #expect(udp.receive()?.statusLine == "SIP/2.0 302 Moved Temporarily")

        // Two messages in one segment, then one split across two segments.
        let tcp = try LoopbackClient(udp: false, port: server.tcpPort)
        tcp.send(SIPRequests.invite(caller: "+8613800000002", callID: "t1") + SIPRequests.invite(caller: "+8617012345678", callID: "t2"))
        let split = Array(SIPRequests.invite(caller: "+8613800000003", callID: "t3").utf8)
        tcp.send(Array(split[0..<40]))
        usleep(50_000)
        tcp.send(Array(split[40...]))
        let answers = tcp.receiveMessages(3)
        #expect(answers.map(\.statusLine) == ["SIP/2.0 302 Moved Temporarily", "SIP/2.0 608 Rejected", "SIP/2.0 302 Moved Temporarily"])
        #expect(answers.map { $0.headers("Call-ID") } == [["t1"], ["t2"], ["t3"]])
        // A double-CRLF keepalive ping gets its pong (RFC 5626).
        tcp.send("\r\n\r\n")
        #expect(tcp.receive() == "\r\n")
        let counts = try server.withService { $0.counts }
        #expect(counts.screened == 4)
        #expect(counts.verdicts == [3, 0, 1])
    }

    @Test func oversizedStreamMessageClosesOnlyItsConnection() throws {
        let server = try startServer()
        defer { server.stop() }
        let tcp = try LoopbackClient(udp: false, port: server.tcpPort)
        tcp.send(SIPRequests.invite(caller: "+8613800000001").replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 99999999"))
        #expect(tcp.closedByPeer())
        let fresh = try LoopbackClient(udp: false, port: server.tcpPort)
        fresh.send(SIPRequests.invite(caller: "+8613800000001", callID: "after"))
        #expect(fresh.receive()?.statusLine == "SIP/2.0 302 Moved Temporarily")
        let page = try httpRequest(port: server.metricsPort, "GET", "/metrics")
        #expect(page.body.contains("callguard_tcp_streams_dropped_total 1"))
    }

    @Test func idleAndSurplusConnectionsAreClosedAndCounted() throws {
        let server = try startServer(maxConnections: 2, idleMs: 300)
        defer { server.stop() }
        // A half-open peer: sends half an INVITE and never the rest.
        let halfOpen = try LoopbackClient(udp: false, port: server.tcpPort)
        halfOpen.send(String(SIPRequests.invite(caller: "+8613800000001").prefix(60)))
        let second = try LoopbackClient(udp: false, port: server.tcpPort)
        usleep(50_000)
        let third = try LoopbackClient(udp: false, port: server.tcpPort)
        #expect(third.closedByPeer())
        // UDP is served meanwhile.
        let udp = try LoopbackClient(udp: true, port: server.udpPort)
        udp.send(SIPRequests.invite(caller: "+8613800000001"))
        #expect(udp.receive()?.statusLine == "SIP/2.0 302 Moved Temporarily")
        #expect(halfOpen.closedByPeer())
        #expect(second.closedByPeer())
        let page = try httpRequest(port: server.metricsPort, "GET", "/metrics").body
        #expect(page.contains("callguard_tcp_connections_refused_total 1"))
        #expect(page.contains("callguard_tcp_connections_idle_closed_total 2"))
    }

    @Test func adminAPIChangesTheListAtOnceAndAuditsIt() throws {
        let audit = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: audit) }
        let server = try startServer(blocked: [], audit: audit)
        defer { server.stop() }
        let udp = try LoopbackClient(udp: true, port: server.udpPort)
        udp.send(SIPRequests.invite(caller: "+8613800000077", callID: "before"))
        #expect(udp.receive()?.statusLine == "SIP/2.0 302 Moved Temporarily")

        let add = try httpRequest(port: server.metricsPort, "POST", "/blocklist",
                                  body: "{\"op\":\"add\",\"entry\":\"+8613800000077\",\"kind\":\"reported\",\"ttl\":600}\n")
        #expect(add.status == 200)
        #expect(add.body.contains("\"applied\":1"))
        udp.send(SIPRequests.invite(caller: "+8613800000077", callID: "after"))
        let blocked = udp.receive()
        #expect(blocked?.statusLine == "SIP/2.0 608 Rejected")
        #expect(blocked?.headers("X-CallGuard-Verdict") == ["block;reasons=reported"])

        let bad = try httpRequest(port: server.metricsPort, "POST", "/blocklist",
                                  body: "{\"op\":\"add\",\"entry\":\"not a number\"}\n{\"op\":\"remove\",\"entry\":\"+8613800000077\"}\n")
        #expect(bad.status == 400)
        #expect(bad.body.contains("\"applied\":1"))
        #expect(bad.body.contains("not a telephone number"))
        udp.send(SIPRequests.invite(caller: "+8613800000077", callID: "removed"))
        #expect(udp.receive()?.statusLine == "SIP/2.0 302 Moved Temporarily")

        #expect(try httpRequest(port: server.metricsPort, "GET", "/blocklist").body.contains("\"entries\":0"))
        #expect(try httpRequest(port: server.metricsPort, "GET", "/health").status == 200)
        #expect(try httpRequest(port: server.metricsPort, "GET", "/nowhere").status == 404)
        #expect(try httpRequest(port: server.metricsPort, "DELETE", "/blocklist").status == 405)
        let metrics = try httpRequest(port: server.metricsPort, "GET", "/metrics").body
        #expect(metrics.contains("callguard_invites_screened_total 3"))
        #expect(metrics.contains("callguard_list_updates_total{source=\"admin\",result=\"applied\"} 2"))
        #expect(metrics.contains("callguard_list_updates_total{source=\"admin\",result=\"refused\"} 1"))
        #expect(metrics.contains("callguard_sip_answers_total{status=\"608\"} 1"))
        #expect(metrics.contains("callguard_screening_latency_seconds_count 3"))
        let lines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("\"op\":\"add\",\"entry\":\"+8613800000077\",\"kind\":\"reported\",\"ttl\":600.0,\"by\":\"admin\"") == true)
        #expect(lines.last?.contains("\"op\":\"remove\"") == true)
    }

    @Test func updatesFileIsFollowedAsLinesAreAppended() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("updates-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "{\"op\":\"add\",\"entry\":\"+8613800000051\"}\n".write(toFile: path, atomically: false, encoding: .utf8)
        let server = try startServer(blocked: [], updates: path)
        defer { server.stop() }
        let udp = try LoopbackClient(udp: true, port: server.udpPort)
        udp.send(SIPRequests.invite(caller: "+8613800000051", callID: "a"))
        #expect(udp.receive()?.statusLine == "SIP/2.0 608 Rejected")
        // Appended, and a half-written line that must wait for its newline.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"op\":\"add\",\"entry\":\"+8613800000052\"}\n{\"op\":\"add\",\"en".utf8))
        var answered = ""
        for attempt in 0..<40 {
            udp.send(SIPRequests.invite(caller: "+8613800000052", callID: "b\(attempt)"))
            answered = udp.receive()?.statusLine ?? ""
            if answered == "SIP/2.0 608 Rejected" { break }
            usleep(50_000)
        }
        #expect(answered == "SIP/2.0 608 Rejected")
        handle.write(Data("try\":\"+8613800000053\"}\n".utf8))
        try handle.close()
        for attempt in 0..<40 {
            udp.send(SIPRequests.invite(caller: "+8613800000053", callID: "c\(attempt)"))
            answered = udp.receive()?.statusLine ?? ""
            if answered == "SIP/2.0 608 Rejected" { break }
            usleep(50_000)
        }
        #expect(answered == "SIP/2.0 608 Rejected")
    }

    @Test func fuzzedDatagramsNeitherCrashNorStallTheServer() throws {
        let server = try startServer()
        defer { server.stop() }
        let udp = try LoopbackClient(udp: true, port: server.udpPort, timeoutMs: 3000)
        let hep = try LoopbackClient(udp: true, port: server.hepPort)
        let valid = Array(SIPRequests.invite(caller: "+8613800000001").utf8)
        var seed: UInt64 = 0x5EED
        func next() -> UInt64 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return seed >> 33
        }
        for i in 0..<3000 {
            var bytes: [UInt8]
            if i % 3 == 0 {
                bytes = (0..<Int(next() % 1400)).map { _ in UInt8(next() & 0xff) }
            } else {
                bytes = valid
                for _ in 0..<(1 + Int(next() % 8)) { bytes[Int(next() % UInt64(bytes.count))] = UInt8(next() & 0xff) }
                if i % 5 == 0 { bytes = Array(bytes.prefix(Int(next() % UInt64(bytes.count)))) }
            }
            (i % 2 == 0 ? udp : hep).send(bytes)
        }
        // Drain whatever was answered, then a clean request still gets its answer.
        while let _ = try? LoopbackClient(udp: true, port: server.udpPort, timeoutMs: 1).receive() {}
        let probe = try LoopbackClient(udp: true, port: server.udpPort, timeoutMs: 3000)
        probe.send(SIPRequests.invite(caller: "+8617012345678", callID: "probe-after-fuzz"))
        #expect(probe.receive()?.statusLine == "SIP/2.0 608 Rejected")
        let (counters, counts) = try server.withService { ($0.decoder.counters, $0.counts) }
        #expect(counters.isBalanced)
        #expect(counters.read >= 2900)  // loopback may drop a few under the burst
        #expect(counts.malformed > 0)
    }

    @Test func liveCaptureFeedsCallsAndOutcomes() throws {
        // A port nobody answers on: the capture sees what is sent to it on loopback.
        let listener = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(listener) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &a) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length); return getsockname(listener, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: a.sin_port))
        let server: CallGuardServer
        do {
            server = try startServer(capture: ("lo", "udp port \(port)"))
        } catch let e as ServeError where e.description.contains("cannot capture") {
            // No capture permission here (not root, no CAP_NET_RAW); CI runs as root.
            print("live capture not permitted: \(e)")
            return
        }
        defer { server.stop() }
        let mirror = try LoopbackClient(udp: true, port: port)
        mirror.send(SIPRequests.invite(caller: "+8613800000031", callID: "cap-1"))
        mirror.send(SIPRequests.response(180, "Ringing", callID: "cap-1"))
        mirror.send(SIPRequests.response(200, "OK", callID: "cap-1"))
        mirror.send(SIPRequests.request("BYE", callID: "cap-1", cseq: 2, toTag: "t9"))
        var answered = 0, screened = 0
        for _ in 0..<60 {
            (screened, answered) = try server.withService { ($0.counts.screened, $0.tracker.statistics[.answered]) }
            if answered == 1 { break }
            usleep(50_000)
        }
        #expect(screened == 1)
        #expect(answered == 1)
        let page = try httpRequest(port: server.metricsPort, "GET", "/metrics").body
        #expect(page.contains("callguard_capture_packets_total{disposition=\"signalling\"} 4"))
    }
}
