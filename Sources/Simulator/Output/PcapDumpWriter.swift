import CPcap
#if canImport(Glibc)
import Glibc
#endif

/// Writes frames to a pcap file through libpcap's own dumper (nanosecond timestamps,
/// Ethernet link type), so what the simulator writes is what any capture tool writes.
/// The file is written through a 1 MiB stdio buffer of our own (stdio's default 4 KiB
/// meant a `write` call per 4 KiB: 80,000 for a 100,000-call trace).
struct PcapDumpWriter {
    private let pcap: OpaquePointer
    private let dumper: OpaquePointer
    private let buffer: UnsafeMutablePointer<CChar>?
    private(set) var packets = 0
    private(set) var bytes = 0
    static let writeBuffer = 1 << 20

    init(path: String) throws(SimulationError) {
        guard let p = pcap_open_dead_with_tstamp_precision(1 /* DLT_EN10MB */, 262_144, 1 /* PCAP_TSTAMP_PRECISION_NANO */) else {
            throw .output(path: path, reason: "libpcap cannot create a dumper")
        }
        // Our own FILE* when stdio can open the path ("-" is standard output, as for
        // pcap_dump_open); otherwise libpcap opens it, and its error says why.
        if path != "-", let file = fopen(path, "wb") {
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Self.writeBuffer)
            setvbuf(file, buffer, _IOFBF, Self.writeBuffer)
            guard let d = pcap_dump_fopen(p, file) else {
                let reason = String(cString: pcap_geterr(p))
                fclose(file)
                buffer.deallocate()
                pcap_close(p)
                throw .output(path: path, reason: reason)
            }
            self.buffer = buffer
            dumper = d
        } else {
            guard let d = pcap_dump_open(p, path) else {
                let reason = String(cString: pcap_geterr(p))
                pcap_close(p)
                throw .output(path: path, reason: reason)
            }
            buffer = nil
            dumper = d
        }
        pcap = p
    }

    mutating func write(_ frame: [UInt8], at ns: Int64) {
        var header = pcap_pkthdr()
        header.ts.tv_sec = Int(ns / 1_000_000_000)
        header.ts.tv_usec = Int(ns % 1_000_000_000)  // nanoseconds: the dumper was opened with nano precision
        header.caplen = UInt32(frame.count)
        header.len = UInt32(frame.count)
        frame.withUnsafeBufferPointer { b in
            pcap_dump(UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), &header, b.baseAddress)
        }
        packets += 1
        bytes += frame.count
    }

    func close() -> Bool {
        let ok = pcap_dump_flush(dumper) == 0
        pcap_dump_close(dumper)  // closes the FILE*: the buffer is free to go after it
        buffer?.deallocate()
        pcap_close(pcap)
        return ok
    }
}

/// Why a generation failed.
public enum SimulationError: Error, CustomStringConvertible {
    case output(path: String, reason: String)

    public var description: String {
        switch self {
        case .output(let path, let reason): "\(path): cannot write (\(reason))"
        }
    }
}
