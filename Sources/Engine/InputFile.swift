#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads of the inputs beside a trace (lists, updates, labels, rule sets,
/// scenarios, state files), with a one-line reason naming the file when they fail.
public enum InputFile {
    public static func readBytes(_ path: String) throws(InputError) -> [UInt8] {
        guard let f = fopen(path, "r") else { throw InputError(path: path, problem: "cannot read (\(String(cString: strerror(errno))))") }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count { break }
        }
        if ferror(f) != 0 { throw InputError(path: path, problem: "read error") }
        return bytes
    }

    public static func readText(_ path: String) throws(InputError) -> String {
        guard let text = String(validating: try readBytes(path), as: UTF8.self) else { throw InputError(path: path, problem: "not UTF-8 text") }
        return text
    }
}

/// An input file that could not be read.
public struct InputError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "\(path): \(problem)" }
}
