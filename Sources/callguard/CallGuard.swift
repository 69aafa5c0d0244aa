import ArgumentParser
import Harness

#if canImport(Glibc)
import Glibc
#endif

/// `callguard`: replay signalling captures, screen every call setup, measure the result.
@main
struct CallGuard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callguard",
        abstract: "Replay SIP signalling captures, screen every call setup, and measure the result.",
        subcommands: [Replay.self, Decode.self, Generate.self, Bench.self, BlocklistCommand.self, RulesCommand.self, Serve.self])

    /// Runs the command and maps every failure to the exit-code contract:
    /// 0 success, 1 a check failed, 2 bad usage or bad input (one line on stderr).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as Failure {
            if !failure.silent { printError("callguard: \(failure.message)") }
            Glibc.exit(failure.code)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }  // --help, --version
            printError("callguard: \(message(for: error)) (see 'callguard help')")
            Glibc.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// A failure with its exit code and a one-line message.
struct Failure: Error {
    var message: String
    var code: Int32 = 2
    /// The command already said everything (e.g. `blocklist check` finding a number not blocked).
    var silent = false
}

/// Writes one line to standard error (unbuffered, so it never interleaves badly).
func printError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// The progress line for long work, unless `--quiet` or standard error is not a terminal.
func showProgress(_ quiet: Bool, label: String, unit: String) -> ProgressLine? {
    quiet || !ProgressLine.standardErrorIsTerminal ? nil : ProgressLine(label: label, unit: unit)
}
