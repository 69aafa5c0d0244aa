/// One `--listen` / `--hep` / `--metrics` address: `udp:HOST:PORT`, `tcp:HOST:PORT`, or
/// `HOST:PORT` where the transport is implied. IPv6 hosts go in brackets
/// (`udp:[::1]:5060`), as in SIP URIs.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public enum Transport: String, Sendable { case udp, tcp }

    public var transport: Transport
    public var host: String
    public var port: Int

    public init(transport: Transport, host: String, port: Int) {
        self.transport = transport
        self.host = host
        self.port = port
    }

    /// Parses `text`; `implied` is the transport when the text names none. Throws a
    /// one-line reason quoting the text.
    public init(parsing text: String, implied: Transport? = nil) throws(ServeError) {
        var rest = Substring(text)
        var transport = implied
        for t in [Transport.udp, .tcp] where rest.lowercased().hasPrefix(t.rawValue + ":") {
            transport = t
            rest = rest.dropFirst(4)
        }
        guard let transport else { throw ServeError("'\(text)': expected udp:HOST:PORT or tcp:HOST:PORT") }
        let host: Substring, portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw ServeError("'\(text)': an IPv6 host goes in brackets, e.g. udp:[::1]:5060")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw ServeError("'\(text)': no port (HOST:PORT)") }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
            guard !host.contains(":") else { throw ServeError("'\(text)': an IPv6 host goes in brackets, e.g. udp:[::1]:5060") }
        }
        guard !host.isEmpty else { throw ServeError("'\(text)': no host (use 0.0.0.0 or [::] for every address)") }
        guard let port = Int(portText), (0...65_535).contains(port) else { throw ServeError("'\(text)': port '\(portText)' is not 0 to 65535") }
        self.init(transport: transport, host: String(host), port: port)
    }

    public var description: String {
        host.contains(":") ? "\(transport.rawValue):[\(host)]:\(port)" : "\(transport.rawValue):\(host):\(port)"
    }
}

/// A `serve` configuration or start-up problem, as one line.
public struct ServeError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
