import ArgumentParser
import Rules

/// `callguard rules show|check`: print the built-in rule set, validate rule-set files.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Show the built-in rule set or check rule-set files.",
        subcommands: [Show.self, Check.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the built-in default rule set (YAML), to copy and edit.")
        func run() throws { print(DefaultRuleSet.yaml) }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate rule-set files: prints what each one runs, or the first error as file:line: key: reason (exit 2).")

        @Argument(help: "Rule-set YAML files.")
        var files: [String]

        func run() throws {
            for path in files {
                let rules: RuleSet
                do {
                    rules = try RuleSetFile.parse(try readText(path), path: path)
                } catch let e as RuleSetError {
                    throw Failure(message: e.description)
                }
                let lists = rules.blocklists.count + rules.allowlists.count
                print("\(path): rule set '\(rules.name)': \(rules.detectorIDs.count) detectors (\(rules.detectorIDs.joined(separator: ", "))), "
                      + "\(rules.trunks.ranges.count) trunk ranges, \(rules.profiles.profiles.count) profiles, \(lists) list files, "
                      + "auto-block \(rules.autoBlock.map { "\(Int($0.ttlSeconds)) s" } ?? "off"), "
                      + "warnings \(rules.warnings.map { "after \(Int($0.minTalkSeconds)) s of talk" } ?? "off")")
            }
        }
    }
}
