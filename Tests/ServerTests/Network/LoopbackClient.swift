#if canImport(Glibc)
import Glibc
#endif

/// A plain socket to a server on 127.0.0.1, with a receive timeout so a test waiting for
/// an answer that never comes fails instead of hanging.
final class LoopbackClient {
    let fd: Int32

    init(udp: Bool, port: Int, timeoutMs: Int = 2000) throws {
        fd = socket(AF_INET, Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: \(errno)") }
        var tv = timeval(tv_sec: timeoutMs / 1000, tv_usec: (timeoutMs % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw Failure("connect to port \(port): errno \(errno)")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// One datagram, or what one read of a stream returns; nil on timeout or close.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }

    /// Reads a stream until `count` SIP messages (each ending in an empty line, no
    /// bodies) have come, or the timeout.
    func receiveMessages(_ count: Int) -> [String] {
        var text = ""
        while text.components(separatedBy: "\r\n\r\n").count - 1 < count, let more = receive() { text += more }
        return text.components(separatedBy: "\r\n\r\n").dropLast().map { $0 + "\r\n\r\n" }
    }

    /// True when the peer has closed the connection (a read returns 0) within the timeout.
    func closedByPeer() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}

/// A whole HTTP exchange on a fresh connection: the status code and the body.
func httpRequest(port: Int, _ method: String, _ path: String, body: String = "") throws -> (status: Int, body: String) {
    let c = try LoopbackClient(udp: false, port: port)
    c.send("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
    var text = ""
    while let more = c.receive() { text += more }
    let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
    let payload = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    return (status, payload)
}
