/// Why a capture could not be read. `description` is the one-line message the CLI prints.
public struct CaptureError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
