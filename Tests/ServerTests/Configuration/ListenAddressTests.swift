import Testing
@testable import Server

@Suite("serve: listen addresses")
struct ListenAddressTests {
    @Test func parsesTransportsHostsAndPorts() throws {
        #expect(try ListenAddress(parsing: "udp:0.0.0.0:5060") == ListenAddress(transport: .udp, host: "0.0.0.0", port: 5060))
        #expect(try ListenAddress(parsing: "TCP:10.0.0.1:5080") == ListenAddress(transport: .tcp, host: "10.0.0.1", port: 5080))
        #expect(try ListenAddress(parsing: "udp:[::1]:5060") == ListenAddress(transport: .udp, host: "::1", port: 5060))
        #expect(try ListenAddress(parsing: "127.0.0.1:9464", implied: .tcp) == ListenAddress(transport: .tcp, host: "127.0.0.1", port: 9464))
        #expect(try ListenAddress(parsing: "udp:[::]:0").description == "udp:[::]:0")
    }

    @Test(arguments: [
        ("127.0.0.1:5060", "expected udp:HOST:PORT"),
        ("udp:127.0.0.1", "no port"),
        ("udp::::1:5060", "in brackets"),
        ("udp:[::1]5060", "in brackets"),
        ("udp::5060", "no host"),
        ("udp:127.0.0.1:65536", "is not 0 to 65535"),
        ("tcp:127.0.0.1:http", "is not 0 to 65535"),
    ])
    func refusesWithTheReason(text: String, reason: String) {
        #expect {
            _ = try ListenAddress(parsing: text)
        } throws: { error in
            "\(error)".contains(reason) && "\(error)".contains(text)
        }
    }
}
