/// Why a blocklist operation or file was refused.
public enum BlocklistError: Error, Equatable, CustomStringConvertible {
    case tooManySources(Int)
    case badSnapshot(path: String, reason: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .tooManySources(let n): "more than \(n) distinct entry sources"
        case .badSnapshot(let path, let reason): "\(path): not a usable blocklist snapshot (\(reason))"
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }
}
