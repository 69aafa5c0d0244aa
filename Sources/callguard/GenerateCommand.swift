import ArgumentParser
import Engine
import Simulator

#if canImport(Glibc)
import Glibc
#endif

/// `callguard generate`: write a labeled synthetic trace from a scenario.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a network's signalling and write a labeled trace (NAME.pcap and NAME.labels.csv).",
        discussion: "The same scenario and seed give byte-identical files.")

    @Option(help: "A built-in scenario (see --list) or a scenario YAML file.")
    var scenario: String?

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "The trace to write; the labels go beside it as NAME.labels.csv.")
    var out: String?

    @Option(help: "Scale the scenario to about this many call setups, keeping its mix.")
    var calls: Int?

    @Flag(help: "Write every message as a HEP capture agent sends it: HEP3 datagrams from 192.0.2.250 to a collector at 192.0.2.251:9060, carrying the message's own addresses and capture time.")
    var hep = false

    @Option(help: "How the international gateway's calls arrive: sip (default), isup (ISUP over M3UA/SCTP from the gateway exchange, point code 2001, at the trunk's address) or sip-i (SIP with the IAM in the INVITE's body).")
    var international: String = "sip"

    @Flag(help: "No progress line on standard error (it is shown only when standard error is a terminal).")
    var quiet = false

    @Flag(help: "List the built-in scenarios.")
    var list = false

    @Option(help: ArgumentHelp("Print a built-in scenario's YAML, to copy and edit.", valueName: "name"))
    var show: String?

    func validate() throws {
        if list || show != nil { return }
        guard scenario != nil else { throw ValidationError("--scenario is required (or --list)") }
        guard let out, out.hasSuffix(".pcap") else { throw ValidationError("--out must name a .pcap file") }
        if let calls, calls < 1 { throw ValidationError("--calls must be positive") }
        guard let leg = Generator.InternationalLeg(rawValue: international) else {
            throw ValidationError("--international must be sip, isup or sip-i, not '\(international)'")
        }
        if leg != .sip && hep { throw ValidationError("--international \(international) and --hep cannot be combined: the HEP agents here capture plain SIP") }
    }

    func run() throws {
        if list {
            for (name, yaml) in BuiltinScenarios.all {
                let s = try! ScenarioFile.parse(yaml, path: name)
                print("\(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(s.description)")
            }
            return
        }
        if let show {
            guard let yaml = BuiltinScenarios.named(show) else {
                throw Failure(message: "'\(show)' is not a built-in scenario (\(BuiltinScenarios.all.map(\.name).joined(separator: ", ")))")
            }
            print(yaml)
            return
        }
        let name = scenario!, out = out!
        let parsed = try loadScenario(name)
        let labels = String(out.dropLast(".pcap".count)) + ".labels.csv"
        let generator = Generator(scenario: parsed, seed: seed, targetCalls: calls)
        generator.hep = hep
        generator.internationalLeg = Generator.InternationalLeg(rawValue: international)!
        let t0 = MonotonicClock.now()
        let summary: GenerationSummary
        let progress = showProgress(quiet, label: "generate", unit: "calls")
        let expected = max(generator.expectedCalls, 1)
        if let progress { generator.onProgress = { n in progress.update(count: n, fraction: min(Double(n) / expected, 0.99)) } }
        do {
            summary = try generator.run(pcap: out, labels: labels)
        } catch {
            progress?.finish()
            throw Failure(message: error.description)
        }
        progress?.finish()
        let seconds = Double(MonotonicClock.now() - t0) / 1e9
        print("\(out): \(summary.packets) packets, \(summary.bytes) bytes; \(labels): \(summary.calls) calls, \(summary.fraudCalls) fraud")
        for (s, n) in summary.callsByScenario.sorted(by: { $0.key < $1.key }) { print("  \(s): \(n)") }
        print("generated in \((seconds * 100).rounded() / 100) s; at most \(summary.peakOpenCalls) calls open at once")
    }
}

/// A built-in scenario by name, or a scenario file; fails with one line naming it.
func loadScenario(_ name: String) throws -> Scenario {
    do {
        if let yaml = BuiltinScenarios.named(name) { return try ScenarioFile.parse(yaml, path: name) }
        guard access(name, F_OK) == 0 else {
            throw Failure(message: "\(name): neither a built-in scenario (\(BuiltinScenarios.all.map(\.name).joined(separator: ", "))) nor a file")
        }
        return try ScenarioFile.parse(try readText(name), path: name)
    } catch let e as ScenarioError {
        throw Failure(message: e.description)
    }
}
