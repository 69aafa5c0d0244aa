import NIOCore
import Testing
@testable import Server

@Suite("serve --cpu")
struct CPUAffinityTests {
    @Test func theScreeningLoopRunsOnItsCPUAloneAndStillAnswers() throws {
        let chosen = try #require(CPUAffinity.allowed().last)
        let server = try startServer(cpu: chosen)
        defer { server.stop() }
        #expect(try server.loop.submit { CPUAffinity.allowed() }.wait() == [chosen])
        if let others = server.configuration.otherCPUs {
            #expect(!others.contains(chosen))
            #expect(Set(others).union([chosen]) == Set(CPUAffinity.allowed()))
        }
        let client = try LoopbackClient(udp: true, port: server.udpPort)
        client.send(SIPRequests.invite(caller: "+8617012345678"))
        #expect(client.receive()?.statusLine == "SIP/2.0 608 Rejected")
    }

    @Test func aCPUThisProcessMayNotUseIsAOneLineError() {
        #expect {
            _ = try startServer(cpu: 4095)
        } throws: { error in
            "\(error)".hasPrefix("--cpu 4095: not a CPU this process may use")
        }
    }
}
