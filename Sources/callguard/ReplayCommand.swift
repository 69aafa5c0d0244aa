import ArgumentParser
import Blocklist
import Engine
import Harness
import Numbering
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// `callguard replay`: decode, follow calls, screen every setup, write verdicts and a summary.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay captures through the screening engine.",
        discussion: "Writes one verdict per call setup (--verdicts) and a summary that accounts for every packet.")

    enum SummaryFormat: String, ExpressibleByArgument, CaseIterable { case text, json, none }

    @OptionGroup var capture: CaptureOptions

    @OptionGroup var lists: ListOptions

    @Option(help: "Blocklist updates (JSON Lines: ts, op add/remove, entry, optional kind and ttl) applied at their trace time.")
    var updates: String?

    @Option(help: "Write verdicts as JSON Lines to this file ('-' for standard output).")
    var verdicts: String?

    @Option(help: "Summary on standard output: text, json or none.")
    var summary: SummaryFormat = .text

    @Option(name: .customLong("setup-timeout"), help: "Seconds without a final answer before a call times out.")
    var setupTimeout: Double = 180

    @Option(name: .customLong("max-holding"), help: "Seconds an answered call may last without BYE before it times out.")
    var maxHolding: Double = 14_400

    @Option(name: .customLong("max-calls"), help: "Calls tracked at most; past it the call nearest its deadline is evicted.")
    var maxCalls: Int = 1_000_000

    func validate() throws {
        guard setupTimeout > 0, maxHolding > 0 else { throw ValidationError("timeouts must be positive") }
        guard maxCalls > 0 else { throw ValidationError("--max-calls must be positive") }
    }

    func run() throws {
        var config = ReplayConfiguration()
        config.decoder = try capture.decoderConfiguration()
        config.numbering = capture.numberingPlan
        config.calls.setupTimeout = Nanoseconds(setupTimeout * 1e9)
        config.calls.maxHoldingTime = Nanoseconds(maxHolding * 1e9)
        config.calls.capacity = maxCalls

        let screener: any CallScreener
        var schedule: BlocklistSchedule?
        var reports: [LoadReport] = []
        if lists.blocklist != nil || lists.allowlist != nil || updates != nil {
            let (list, loaded) = try lists.load(plan: config.numbering, ttlBase: nil)
            reports = loaded
            var pending: [BlocklistUpdate] = []
            if let updates {
                do {
                    let parsed = try UpdateFile.parse(try readText(updates), path: updates,
                                                      normalizer: NumberNormalizer(plan: config.numbering), policy: lists.policy)
                    pending = parsed.updates
                    warnSkipped(parsed.report)
                    reports.append(parsed.report)
                } catch let e as LineError {
                    throw Failure(message: e.description)
                }
            }
            schedule = BlocklistSchedule(list: list, updates: pending,
                                         startingWithTrace: reports.flatMap(\.timedEntries))
            screener = BlocklistScreener(list: list)
        } else {
            screener = AllowAllScreener()
        }
        let writer: VerdictWriter?
        do {
            writer = try verdicts.map { VerdictWriter(output: try OutputFile(path: $0)) }
        } catch let e as OutputError {
            throw Failure(message: e.description)
        }
        let source = try capture.openCaptures()
        let engine = ReplayEngine(configuration: config, screener: screener, verdictWriter: writer, schedule: schedule)
        let result = engine.run(source)

        let report = ReplaySummary(result: result, inputs: capture.traces, lists: reports)
        switch summary {
        case .text: print(report.text, terminator: "")
        case .json: print(report.json.rendered())
        case .none: break
        }
        for t in result.truncatedFiles {
            printError("callguard: warning: \(t.path): capture is truncated (\(t.message)); everything before the cut was replayed")
        }
        if let bad = result.unreadableFiles.first {
            throw Failure(message: "\(bad.path): read error after \(result.packets.read) packets (\(bad.message))")
        }
    }
}

/// Reads a whole text file, or fails with a one-line reason naming it.
func readText(_ path: String) throws -> String {
    guard let f = fopen(path, "r") else {
        throw Failure(message: "\(path): cannot read (\(String(cString: strerror(errno))))")
    }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
        if n < chunk.count { break }
    }
    if ferror(f) != 0 { throw Failure(message: "\(path): read error") }
    guard let text = String(validating: bytes, as: UTF8.self) else {
        throw Failure(message: "\(path): not UTF-8 text")
    }
    return text
}
