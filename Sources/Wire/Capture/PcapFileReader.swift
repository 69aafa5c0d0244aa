import CPcap
#if canImport(Glibc)
import Glibc
#endif

/// Reads one pcap or pcapng file (or standard input, `-`) through libpcap, with
/// nanosecond timestamps and an optional BPF filter.
///
/// A file cut off mid-packet ends the reader early with `truncation` set: every whole
/// packet before the cut has been returned. Any other read error ends it with
/// `readError` set.
public final class PcapFileReader {
    public let path: String
    public let linkType: LinkType
    /// Set when the file ended inside a packet (e.g. `tcpdump` killed hard).
    public private(set) var truncation: String?
    /// Set when libpcap failed mid-file for another reason.
    public private(set) var readError: String?
    private var handle: OpaquePointer?
    /// The stdio buffer libpcap reads the file through; released after the handle is
    /// closed (stored properties outlive `deinit`'s body, and a failed `init` closes the
    /// handle before it throws).
    private let buffer = ReadBuffer()

    private final class ReadBuffer {
        let bytes = UnsafeMutablePointer<CChar>.allocate(capacity: PcapFileReader.readBuffer)
        deinit { bytes.deallocate() }
    }
    /// The file's size in bytes, when it is a regular file (not standard input or a pipe).
    public let fileSize: Int?

    /// Bytes of the file consumed so far (libpcap reads ahead in its buffer), for progress
    /// displays; nil when unknown. A system call: ask a few times a second, not per packet.
    public var bytesRead: Int? {
        guard fileSize != nil, let handle, let file = pcap_file(handle) else { return fileSize }
        let at = ftell(file)
        return at >= 0 ? at : nil
    }

    /// Opens `path`; throws a `CaptureError` naming the file and the problem.
    public init(path: String, filter: String? = nil) throws {
        self.path = path
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let h = Self.open(path, &errbuf, buffer: buffer.bytes) else {
            let message = errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw CaptureError(path: path, problem: Self.explain(message))
        }
        handle = h
        linkType = LinkType(rawValue: pcap_datalink(h))
        var st = stat()
        fileSize = path != "-" && stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
        if let filter {
            var program = bpf_program()
            if pcap_compile(h, &program, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 {
                let message = String(cString: pcap_geterr(h))
                pcap_close(h)
                handle = nil
                throw CaptureError(path: path, problem: "bad filter '\(filter)': \(message)")
            }
            defer { pcap_freecode(&program) }
            if pcap_setfilter(h, &program) != 0 {
                let message = String(cString: pcap_geterr(h))
                pcap_close(h)
                handle = nil
                throw CaptureError(path: path, problem: "cannot apply filter '\(filter)': \(message)")
            }
        }
    }

    deinit {
        if let handle { pcap_close(handle) }
    }

    /// The next packet, or nil at the end (or at a truncation / read error).
    /// The returned bytes are valid until the next call.
    @inline(__always)
    public func next() -> (timestamp: Nanoseconds, bytes: UnsafeRawBufferPointer, originalLength: Int)? {
        guard let handle else { return nil }
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        let rc = pcap_next_ex(handle, &header, &data)
        if rc == 1, let header, let data {
            let h = header.pointee
            // Classic pcap stores seconds as an unsigned 32-bit field; libpcap hands them
            // over sign-extended, so times past 2038 come out negative. Read them unsigned.
            var seconds = Int64(h.ts.tv_sec)
            if seconds < 0 && seconds >= -(1 << 31) { seconds += 1 << 32 }
            let ts = seconds &* 1_000_000_000 &+ Int64(h.ts.tv_usec)
            return (ts, UnsafeRawBufferPointer(start: data, count: Int(h.caplen)), Int(h.len))
        }
        if rc == -1 {
            let message = String(cString: pcap_geterr(handle))
            if message.contains("truncated") {
                truncation = message
            } else {
                readError = message
            }
        }
        pcap_close(handle)
        self.handle = nil
        return nil
    }

    /// The read buffer of a capture file: libpcap reads through stdio, whose default
    /// 4 KiB buffer costs one system call per 4 KiB (33,000 for a 135 MB capture, a fifth
    /// of the decoding thread's time in a two-thread replay).
    static let readBuffer = 1 << 20

    /// Opens a file through our own `FILE*` with a large buffer (libpcap closes it with
    /// the handle); standard input, and a file `fopen` refuses, through libpcap itself,
    /// whose error message then says why.
    /// The buffer is ours (glibc ignores the size asked for when it allocates one itself)
    /// and outlives the handle.
    private static func open(_ path: String, _ errbuf: inout [CChar], buffer: UnsafeMutablePointer<CChar>) -> OpaquePointer? {
        let precision = UInt32(PCAP_TSTAMP_PRECISION_NANO)
        guard path != "-", let file = fopen(path, "rb") else {
            return pcap_open_offline_with_tstamp_precision(path, precision, &errbuf)
        }
        setvbuf(file, buffer, _IOFBF, readBuffer)
        guard let h = pcap_fopen_offline_with_tstamp_precision(file, precision, &errbuf) else {
            fclose(file)
            return nil
        }
        return h
    }

    /// Turns libpcap's open errors into something a user can act on.
    private static func explain(_ message: String) -> String {
        if message.contains("No such file") { return "no such file" }
        if message.contains("Permission denied") { return "permission denied" }
        if message.contains("Is a directory") { return "is a directory, not a capture file" }
        if message.contains("unknown file format") || message.contains("bad dump file format") {
            return "not a pcap or pcapng capture (\(message))"
        }
        if message.contains("truncated") { return "not a complete capture file (\(message))" }
        return message
    }
}
