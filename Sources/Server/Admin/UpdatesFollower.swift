#if canImport(Glibc)
import Glibc
#endif

/// Follows an updates file as lines are appended (`serve --updates FILE`, like
/// `tail -F`): each poll returns the complete lines written since the last one; a line
/// still being written waits for its newline. A file truncated or replaced (log
/// rotation) is read again from its start.
final class UpdatesFollower {
    let path: String
    private var fd: Int32
    private var inode: ino_t = 0
    private var offset: off_t = 0
    private var partial: [UInt8] = []
    /// A line longer than this is not an update: it is dropped when its newline comes.
    static let maxLine = 64 * 1024
    private var overlong = false

    init(path: String) throws(ServeError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ServeError("\(path): cannot read (\(String(cString: strerror(errno))))") }
        var st = stat()
        fstat(fd, &st)
        inode = st.st_ino
    }

    deinit { close(fd) }

    /// The complete lines appended since the last poll, or nil when there are none.
    func poll() -> String? {
        var st = stat()
        if stat(path, &st) == 0, st.st_ino != inode {
            let newFD = open(path, O_RDONLY | O_CLOEXEC)
            if newFD >= 0 {
                close(fd)
                fd = newFD
                inode = st.st_ino
                offset = 0
                partial.removeAll()
            }
        }
        guard fstat(fd, &st) == 0 else { return nil }
        if st.st_size < offset {
            offset = 0
            partial.removeAll()
        }
        var lines: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while offset < st.st_size {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            guard n > 0 else { break }
            offset += off_t(n)
            for b in chunk[0..<n] {
                if b == 10 {
                    if !overlong { lines += partial; lines.append(10) }
                    partial.removeAll(keepingCapacity: true)
                    overlong = false
                } else if partial.count < Self.maxLine {
                    partial.append(b)
                } else {
                    overlong = true
                }
            }
        }
        return lines.isEmpty ? nil : String(decoding: lines, as: UTF8.self)
    }
}
