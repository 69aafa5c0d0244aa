import NIOCore
import Wire

extension Endpoint {
    /// The engine's view of a socket address (unspecified for Unix sockets).
    init(_ address: SocketAddress?) {
        guard let address else { self.init(address: .unspecified, port: 0); return }
        switch address {
        case .v4(let v4):
            let value = UInt32(bigEndian: v4.address.sin_addr.s_addr)
            self.init(address: IPAddress(high: 0, low: UInt64(value), isIPv6: false), port: UInt16(v4.address.sin_port.bigEndian))
        case .v6(let v6):
            var high: UInt64 = 0, low: UInt64 = 0
            withUnsafeBytes(of: v6.address.sin6_addr) { raw in
                for i in 0..<8 { high = high << 8 | UInt64(raw[i]) }
                for i in 8..<16 { low = low << 8 | UInt64(raw[i]) }
            }
            self.init(address: IPAddress(high: high, low: low, isIPv6: true), port: UInt16(v6.address.sin6_port.bigEndian))
        default:
            self.init(address: .unspecified, port: 0)
        }
    }
}
