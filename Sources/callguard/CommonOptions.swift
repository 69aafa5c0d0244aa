import ArgumentParser
import Numbering
import Wire

/// Options shared by the commands that read captures.
struct CaptureOptions: ParsableArguments {
    @Argument(help: "Capture files (pcap or pcapng); several are merged in timestamp order; '-' reads standard input.")
    var traces: [String]

    @Option(help: "A BPF filter applied while reading (libpcap syntax, e.g. 'udp port 5060').")
    var filter: String?

    @Option(name: .customLong("decode-as"),
            help: "Treat a port as SIP, e.g. udp:5072=sip or tcp:6060=sip (non-SIP payload there counts as malformed). Repeatable.")
    var decodeAs: [String] = []

    @Option(name: .customLong("country-code"), help: "Home country code for number normalisation.")
    var countryCode: String = "86"

    func validate() throws {
        guard countryCode.allSatisfy(\.isNumber), (1...3).contains(countryCode.count) else {
            throw ValidationError("--country-code must be 1 to 3 digits, not '\(countryCode)'")
        }
        _ = try decoderConfiguration()
    }

    var numberingPlan: NumberingPlan { NumberingPlan(countryCode: countryCode) }

    func decoderConfiguration() throws -> DecoderConfiguration {
        var config = DecoderConfiguration()
        for spec in decodeAs {
            let parts = spec.lowercased().split(separator: "=")
            let lhs = parts.first?.split(separator: ":") ?? []
            guard parts.count == 2, parts[1] == "sip", lhs.count == 2, let port = UInt16(lhs[1]) else {
                throw ValidationError("--decode-as '\(spec)': expected udp:PORT=sip or tcp:PORT=sip")
            }
            switch lhs[0] {
            case "udp": config.sipUDPPorts.insert(port)
            case "tcp": config.sipTCPPorts.insert(port)
            default: throw ValidationError("--decode-as '\(spec)': transport must be udp or tcp")
            }
        }
        return config
    }

    /// Opens every capture; a file that cannot be opened is bad input (exit 2).
    func openCaptures() throws -> CaptureMerger {
        do {
            return try CaptureMerger(paths: traces, filter: filter)
        } catch let e as CaptureError {
            throw Failure(message: e.description)
        }
    }
}
