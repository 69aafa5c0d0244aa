#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered output file (`-` for standard output) written with stdio.
public final class OutputFile {
    public let path: String
    private let file: UnsafeMutablePointer<FILE>

    /// Opens `path` for writing (`append`: after what it holds, for logs kept across
    /// runs); throws a one-line reason when it cannot.
    public init(path: String, append: Bool = false) throws {
        self.path = path
        if path == "-" {
            // Our own stream on standard output (stdio's `stdout` is shared mutable state).
            guard let f = fdopen(dup(1), "w") else {
                throw OutputError(path: path, problem: String(cString: strerror(errno)))
            }
            file = f
        } else {
            guard let f = fopen(path, append ? "a" : "w") else {
                throw OutputError(path: path, problem: String(cString: strerror(errno)))
            }
            file = f
        }
    }

    deinit {
        fclose(file)
    }

    @inline(__always)
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        fwrite(bytes.baseAddress, 1, bytes.count, file)
    }

    public func write(_ text: String) {
        var t = text
        t.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    public func flush() { fflush(file) }
}

/// An output file that could not be opened.
public struct OutputError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "\(path): cannot write (\(problem))" }
}
