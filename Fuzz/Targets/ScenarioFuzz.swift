import Simulator

/// Scenario YAML: parsed with every check; refusals must be errors naming the file.
/// (Generating from a parsed scenario is not fuzzed: a valid scenario may ask for
/// millions of subscribers, which is its right.)
enum ScenarioFuzz {
    static func run(_ input: UnsafeRawBufferPointer) {
        let text = String(decoding: input, as: UTF8.self)
        do {
            let s = try ScenarioFile.parse(text, path: "fuzz/scenario.yaml")
            precondition(s.duration > 0, "a scenario parsed with no duration")
        } catch {
            precondition(error.description.hasPrefix("fuzz/scenario.yaml"), "refusal without the file name: \(error)")
        }
    }
}
