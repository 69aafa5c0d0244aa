import Blocklist
import Policy
import Rules

/// Rule-set YAML: parsed with every check, and whatever parses must build a policy and a
/// screener without trapping. Refusals must be errors naming the file.
enum RuleSetFuzz {
    static func run(_ input: UnsafeRawBufferPointer) {
        let text = String(decoding: input, as: UTF8.self)
        do {
            let set = try RuleSetFile.parse(text, path: "fuzz/rules.yaml")
            _ = PolicyScreener(policy: set.policy(list: LiveBlocklist()))
        } catch {
            precondition(error.description.hasPrefix("fuzz/rules.yaml"), "refusal without the file name: \(error)")
        }
    }
}
