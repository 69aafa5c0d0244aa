import Foundation
import Testing

/// Long work shows a progress line on a terminal, and nothing anywhere else.
@Suite("Progress on standard error")
struct ProgressCommandTests {
    static let script = "/usr/bin/script"

    /// Runs callguard under a pseudo-terminal (util-linux `script`): what a user at a
    /// terminal sees, standard output and error together.
    static func onTerminal(_ arguments: [String]) throws -> String {
        let command = ([CLI.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let r = try CLI.run(["-qec", command, "/dev/null"], executable: script)
        return r.stdout
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: script), "util-linux script is absent"))
    func aTerminalSeesProgressUnlessQuiet() throws {
        let out = CLI.temporary("progress.pcap")
        defer { for f in [out, out.replacingOccurrences(of: ".pcap", with: ".labels.csv")] { try? FileManager.default.removeItem(atPath: f) } }
        let shown = try Self.onTerminal(["generate", "--scenario", "adversarial", "--calls", "3000", "--out", out])
        #expect(shown.contains("\rgenerate  ") && shown.contains(" calls/s") && shown.contains("\u{1B}[K"), "\(shown.debugDescription)")
        let quiet = try Self.onTerminal(["generate", "--scenario", "adversarial", "--calls", "3000", "--out", out, "--quiet"])
        #expect(!quiet.contains("calls/s"), "\(quiet.debugDescription)")
        #expect(quiet.contains("3") && quiet.contains("fraud"))
    }

    @Test func redirectedStandardErrorGetsNoProgress() throws {
        let out = CLI.temporary("progress2.pcap")
        defer { for f in [out, out.replacingOccurrences(of: ".pcap", with: ".labels.csv")] { try? FileManager.default.removeItem(atPath: f) } }
        let g = try CLI.run(["generate", "--scenario", "adversarial", "--calls", "3000", "--out", out])
        #expect(g.status == 0 && g.stderr.isEmpty, "\(g.stderr)")
        let r = try CLI.run(["replay", out, "--summary", "none"])
        #expect(r.status == 0 && r.stderr.isEmpty && r.stdout.isEmpty, "\(r.stderr)")
    }
}
