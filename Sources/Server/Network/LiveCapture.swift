import CPcap
import NIOCore
import NIOPosix
import Synchronization
import Wire

/// `serve --interface NAME [--filter BPF]`: signalling read live with libpcap (a SPAN
/// port, a tap, or the proxy's own host), fed to the screening service like HEP: call
/// outcomes for the detectors, and setups seen there first are screened there.
///
/// libpcap blocks, so reading runs on a thread of its own (a one-thread `NIOThreadPool`);
/// each packet is copied and handed to the screening loop with `execute`, which orders
/// the copy before its use there. At most `maxInFlight` packets wait for the loop: past
/// that the capture drops and counts (`dropped`) rather than let memory grow while the
/// loop is busy. The counters are plain atomics read for metrics (relaxed: they order
/// nothing else).
final class LiveCapture: @unchecked Sendable {
    // @unchecked: `handle` is used by the capture thread between `start` and `stop`;
    // `stop` only sets `stopping` and calls pcap_breakloop (which libpcap documents as
    // callable from another thread), then waits for the thread before closing the handle.
    let interface: String
    let linkType: LinkType
    private let handle: OpaquePointer
    private let pool = NIOThreadPool(numberOfThreads: 1)
    private let stopping = Atomic<Bool>(false)
    private let inFlight = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)
    static let maxInFlight = 8192

    /// The CPUs the reading thread may run on (`serve --cpu`: not the screening loop's).
    private let cpus: [Int]?

    init(interface: String, filter: String?, cpus: [Int]? = nil) throws(ServeError) {
        self.interface = interface
        self.cpus = cpus
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let h = pcap_create(interface, &errbuf) else {
            let message = String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ServeError("--interface \(interface): \(message)")
        }
        pcap_set_snaplen(h, 65_535)
        pcap_set_promisc(h, 1)
        pcap_set_timeout(h, 100)
        pcap_set_immediate_mode(h, 1)
        pcap_set_buffer_size(h, 16 << 20)
        let rc = pcap_activate(h)
        if rc < 0 {
            let message = String(cString: pcap_geterr(h))
            pcap_close(h)
            throw ServeError("--interface \(interface): cannot capture (\(message))")
        }
        if let filter {
            var program = bpf_program()
            guard pcap_compile(h, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0, pcap_setfilter(h, &program) == 0 else {
                let message = String(cString: pcap_geterr(h))
                pcap_close(h)
                throw ServeError("--filter '\(filter)': \(message)")
            }
            pcap_freecode(&program)
        }
        handle = h
        linkType = LinkType(rawValue: pcap_datalink(h))
    }

    /// Reads until `stop`, handing each packet's bytes to `deliver` on `loop`.
    func start(on loop: EventLoop, deliver: @escaping @Sendable ([UInt8]) -> Void) {
        pool.start()
        pool.submit { _ in
            if let cpus = self.cpus { CPUAffinity.pinCurrentThread(to: cpus) }
            self.run(loop, deliver)
        }
    }

    private func run(_ loop: EventLoop, _ deliver: @escaping @Sendable ([UInt8]) -> Void) {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        while !stopping.load(ordering: .relaxed) {
            let rc = pcap_next_ex(handle, &header, &data)
            if rc == 0 { continue }  // read timeout: look at `stopping` again
            if rc < 0 { break }      // error, or pcap_breakloop from `stop`
            guard let header, let data else { continue }
            if inFlight.load(ordering: .relaxed) >= Self.maxInFlight {
                dropped.add(1, ordering: .relaxed)
                continue
            }
            let bytes = Array(UnsafeBufferPointer(start: data, count: Int(header.pointee.caplen)))
            inFlight.add(1, ordering: .relaxed)
            loop.execute {
                deliver(bytes)
                self.inFlight.subtract(1, ordering: .relaxed)
            }
        }
    }

    /// Stops reading and closes the capture (waits for the reading thread).
    func stop() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        pcap_breakloop(handle)
        try? pool.syncShutdownGracefully()
        pcap_close(handle)
    }
}
