import Numbering

/// Reads blocklist text: one number or prefix (`+88216*`) per line, optionally
/// followed by `,kind` and `,ttl`; `#` starts a comment; blank lines are ignored.
/// Numbers are normalised with the same plan as call parties, so `013812345678`,
/// `+86 138-1234-5678` and `008613812345678` name one entry.
public enum BlocklistFile {
    /// A line that could not be read, as `file:line: reason`.
    public struct LineError: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var line: Int
        public var reason: String
        public var description: String { "\(path):\(line): \(reason)" }
    }

    /// Parses the text of a list; throws on the first bad line.
    public static func parse(_ text: String, path: String, normalizer: NumberNormalizer) throws -> [StaticBlocklist.Entry] {
        var entries: [StaticBlocklist.Entry] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: " \t\r") }
            guard let first = fields.first, !first.isEmpty else { continue }
            var numberText = first
            let isPrefix = numberText.hasSuffix("*")
            if isPrefix { numberText.removeLast() }
            guard let number = normalizer.normalize(numberText) else {
                throw LineError(path: path, line: lineNumber, reason: "'\(first)' is not a telephone number or prefix")
            }
            let kind = fields.count > 1 && !fields[1].isEmpty ? fields[1] : "blocklist"
            if fields.count > 2 && !fields[2].isEmpty && Double(fields[2]) == nil {
                throw LineError(path: path, line: lineNumber, reason: "ttl '\(fields[2])' is not a number of seconds")
            }
            entries.append(.init(number: number, isPrefix: isPrefix, kind: kind))
        }
        return entries
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
