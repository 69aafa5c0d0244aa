import Foundation
import Simulator

/// Paths and helpers shared by the simulator's tests.
enum TraceFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    /// The shipped traces and the arguments `traces/generate.sh` makes them with.
    static let shipped: [(name: String, scenario: String, seed: UInt64, calls: Int?)] = [
        ("smoke", "smoke", 1, nil),
        ("busy-hour-700", "busy-hour", 7, 700),
    ]

    static func trace(_ name: String) -> String { packageRoot + "/traces/\(name).pcap" }
    static func labels(_ name: String) -> String { packageRoot + "/traces/\(name).labels.csv" }

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callguard-sim-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func scenario(_ name: String) throws -> Scenario {
        try ScenarioFile.parse(BuiltinScenarios.named(name)!, path: name)
    }

    /// Generates into a temporary directory; returns the paths, the summary and every call plan.
    static func generate(_ scenario: Scenario, seed: UInt64, calls: Int? = nil) throws
        -> (pcap: String, labels: String, summary: GenerationSummary, plans: [CallPlan], generator: Generator)
    {
        let dir = try temporaryDirectory()
        let pcap = dir + "/trace.pcap", labels = dir + "/trace.labels.csv"
        let generator = Generator(scenario: scenario, seed: seed, targetCalls: calls)
        var plans: [CallPlan] = []
        let summary = try generator.run(pcap: pcap, labels: labels) { plans.append($0) }
        return (pcap, labels, summary, plans, generator)
    }

    /// Rows of a labels file (the header checked and dropped).
    static func labelRows(_ path: String) throws -> [[String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        guard lines.first == "call_id,label,scenario,caller,callee,source" else { return [] }
        return lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}
