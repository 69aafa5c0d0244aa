/// A configuration file (scenario, rule set) that cannot be used, as
/// `file:line: key: reason`.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var line: Int
    public var key: String
    public var reason: String

    public init(path: String, line: Int, key: String, reason: String) {
        self.path = path
        self.line = line
        self.key = key
        self.reason = reason
    }

    public var description: String { "\(path):\(line): \(key.isEmpty ? "" : key + ": ")\(reason)" }
}
