import Foundation
import NIOSSL
import PostgresNIO

/// A `--store` address: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]`
/// (also `postgresql://`), read as libpq reads a connection URI: percent-encoded user
/// and password, IPv6 hosts in brackets, port 5432 and database = user by default,
/// `sslmode` `disable`, `prefer` (the default), `require` (both encrypt without checking
/// the certificate, as libpq does) or `verify-full`, and `?host=/dir` for a
/// Unix-domain socket directory. The password never appears in `description`.
public struct StoreLocation: Sendable, CustomStringConvertible {
    public enum TLSMode: String, Sendable { case disable, prefer, require, verifyFull = "verify-full" }

    public var host: String
    public var port: Int
    /// A Unix-domain socket directory (`?host=/run/postgresql`): connects to
    /// `DIR/.s.PGSQL.PORT` instead of TCP.
    public var socketDirectory: String?
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(parsing text: String) throws(StoreError) {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased() else {
            throw StoreError("--store: '\(Self.redacted(text))' is not a URI (postgres://USER@HOST:PORT/DATABASE)")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError("--store: scheme '\(scheme)' is not supported (postgres://USER@HOST:PORT/DATABASE)")
        }
        var h = c.host ?? ""
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        host = h.isEmpty ? "localhost" : h
        port = c.port ?? 5432
        guard (1...65535).contains(port) else { throw StoreError("--store: port \(port) is out of range") }
        user = c.user.flatMap { $0.isEmpty ? nil : $0 } ?? "postgres"
        password = c.password
        let path = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        database = path.isEmpty ? user : path
        guard !database.contains("/") else { throw StoreError("--store: '\(database)' is not a database name") }
        tls = .prefer
        for item in c.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw StoreError("--store: sslmode '\(item.value ?? "")' is not disable, prefer, require or verify-full")
                }
                tls = mode
            case "host":
                guard let dir = item.value, dir.hasPrefix("/") else {
                    throw StoreError("--store: host= takes a socket directory (an absolute path)")
                }
                socketDirectory = dir
            case "application_name", "connect_timeout":
                break
            default:
                throw StoreError("--store: parameter '\(item.name)' is not supported (sslmode, host)")
            }
        }
    }

    public var description: String {
        let at = socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } ?? (host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
        return "postgres://\(user)@\(at)/\(database)"
    }

    /// The postgres-nio configuration for this address.
    func configuration(connectTimeout: TimeAmount) throws -> PostgresConnection.Configuration {
        var config: PostgresConnection.Configuration
        if let socketDirectory {
            config = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let t: PostgresConnection.Configuration.TLS
            switch tls {
            case .disable: t = .disable
            case .prefer: t = .prefer(try NIOSSLContext(configuration: Self.unverified))
            case .require: t = .require(try NIOSSLContext(configuration: Self.unverified))
            case .verifyFull: t = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            config = .init(host: host, port: port, username: user, password: password, database: database, tls: t)
        }
        config.options.connectTimeout = connectTimeout
        return config
    }

    /// TLS that encrypts but does not check the server's certificate (libpq's `prefer`
    /// and `require`).
    private static var unverified: TLSConfiguration {
        var c = TLSConfiguration.makeClientConfiguration()
        c.certificateVerification = .none
        return c
    }

    /// The text with any password replaced, for error messages.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex),
              let colon = text.range(of: ":", range: scheme.upperBound..<at.lowerBound) else { return text }
        return String(text[..<colon.upperBound]) + "***" + String(text[at.lowerBound...])
    }
}

/// A `--store` problem, one line for the user.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
