import ArgumentParser
import Blocklist
import Engine
import Numbering

/// `callguard blocklist`: compile, query and describe number lists.
struct BlocklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocklist",
        abstract: "Compile, check and describe blocklists.",
        subcommands: [Compile.self, Check.self, Stats.self])

    /// Options every blocklist subcommand shares.
    struct ListArguments: ParsableArguments {
        @Argument(help: "The blocklist: text or a compiled .cgbl snapshot.")
        var list: String

        @Option(help: "Allowlist of the same shape; an allowlist match overrides any block.")
        var allowlist: String?

        @Flag(help: "Fail (exit 2) on the first bad line instead of skipping and counting it.")
        var strict = false

        @Option(name: .customLong("country-code"), help: "Home country code for number normalisation.")
        var countryCode: String = "86"

        var plan: NumberingPlan { NumberingPlan(countryCode: countryCode) }

        /// Loads the lists; TTLs of text entries run from now.
        func load() throws -> (list: LiveBlocklist, reports: [LoadReport], nanoseconds: UInt64) {
            var options = try ListOptions.parse([])
            options.blocklist = list
            options.allowlist = allowlist
            options.strict = strict
            let t0 = MonotonicClock.now()
            let (l, r) = try options.load(plan: plan, ttlBase: WallClock.now())
            return (l, r, MonotonicClock.now() - t0)
        }
    }

    struct Compile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile a text list into a .cgbl snapshot that loads memory-mapped in milliseconds.",
            discussion: "TTLs in the text run from the time of compilation.")

        @OptionGroup var lists: ListArguments

        @Option(name: .shortAndLong, help: "The snapshot to write.")
        var output: String

        func run() throws {
            let (list, reports, ns) = try lists.load()
            do {
                try Snapshot.write(list, to: output, createdAt: WallClock.now())
            } catch {
                throw Failure(message: error.description)
            }
            let skipped = reports.map(\.skipped).reduce(0, +)
            print("\(output): \(list.entryCount) entries compiled in \(milliseconds(ns)) ms"
                  + (skipped > 0 ? " (\(skipped) bad lines skipped)" : ""))
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say for each number whether it is blocked, and by which entry.",
            discussion: "Exits 0 when every number is blocked, 1 when any is not (like grep), 2 on bad input.")

        @OptionGroup var lists: ListArguments

        @Argument(help: "Numbers in any form the numbering plan reads: +8613812345678, 013812345678, tel:+86...")
        var numbers: [String]

        @Option(help: "Check at this Unix time (seconds) instead of now; entries expire by it.")
        var at: Double?

        func validate() throws {
            guard !numbers.isEmpty else { throw ValidationError("give at least one number to check") }
        }

        func run() throws {
            let normalizer = NumberNormalizer(plan: lists.plan)
            var parsed: [(String, PhoneNumber)] = []
            for text in numbers {
                guard let (n, isPrefix) = EntryText.parse(text, normalizer: normalizer), !isPrefix else {
                    throw Failure(message: "'\(text)' is not a telephone number")
                }
                parsed.append((text, n))
            }
            let (list, _, _) = try lists.load()
            let now = at.map { Int64($0 * 1e9) } ?? WallClock.now()
            var allBlocked = true
            for (text, number) in parsed {
                guard let m = list.match(number, at: now) else {
                    print("\(text)\t\(number)\tnot listed")
                    allBlocked = false
                    continue
                }
                if m.isAllowed { allBlocked = false }
                var why = "\(m.isPrefix ? "prefix" : "exact"), kind \(m.kind.name)"
                let source = list.sourceName(m.sourceID)
                if !source.isEmpty { why += ", source \(source)" }
                if m.expiresAtMilliseconds != 0 { why += ", expires \(utcText(milliseconds: m.expiresAtMilliseconds))" }
                print("\(text)\t\(number)\t\(m.isAllowed ? "allowed" : "blocked") by \(m.side.name) entry \(m.entryText) (\(why))")
            }
            if !allBlocked { throw Failure(message: "", code: 1, silent: true) }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Describe a list: entries by kind and shape, tables and memory.")

        @OptionGroup var lists: ListArguments

        func run() throws {
            let (list, reports, ns) = try lists.load()
            var kinds: [ListSide: [EntryKind: Int]] = [:]
            var exact = [0, 0], prefix = [0, 0], expiring = 0
            var prefixLengths: [Int: Int] = [:]
            list.forEachEntry { m in
                kinds[m.side, default: [:]][m.kind, default: 0] += 1
                if m.isPrefix {
                    prefix[m.side.rawValue] += 1
                    if m.side == .block { prefixLengths[Int(m.entry.digitCount), default: 0] += 1 }
                } else {
                    exact[m.side.rawValue] += 1
                }
                if m.expiresAtMilliseconds != 0 { expiring += 1 }
            }
            let (tables, rebuilds, _) = list.tableStatistics()
            for r in reports {
                print("file        \(r.path): \(r.entries) entries" + (r.skipped > 0 ? ", \(r.skipped) bad lines skipped" : ""))
            }
            print("loaded in   \(milliseconds(ns)) ms")
            for side in ListSide.allCases {
                let byKind = EntryKind.allCases.compactMap { k in kinds[side]?[k].map { "\(k.name)=\($0)" } }
                print("\(side.name.padding(12))\(exact[side.rawValue] + prefix[side.rawValue]) entries: \(exact[side.rawValue]) exact, "
                      + "\(prefix[side.rawValue]) prefixes" + (byKind.isEmpty ? "" : "; " + byKind.joined(separator: " ")))
            }
            if !prefixLengths.isEmpty {
                print("prefixes    " + prefixLengths.sorted { $0.key < $1.key }.map { "\($0.key) digits: \($0.value)" }.joined(separator: ", "))
            }
            print("expiring    \(expiring) entries with a TTL")
            let names = ["block exact", "block prefix", "allow exact", "allow prefix"]
            for (name, t) in zip(names, tables) {
                let load = t.capacity == 0 ? 0 : Double(t.live + t.tombstones) / Double(t.capacity)
                print("table       \(name.padding(13))\(t.capacity) slots, \(t.live) live, \(t.tombstones) tombstones, "
                      + "load \(Int((load * 100).rounded()))%, \(t.bytes) bytes")
            }
            let bytes = tables.map(\.bytes).reduce(0, +)
            let perExact = exact[0] == 0 ? 0 : Double(tables[0].bytes) / Double(exact[0])
            print("memory      \(bytes) bytes in tables; \((perExact * 10).rounded() / 10) bytes per exact blocklist entry; \(rebuilds) rebuilds")
        }
    }
}

private func milliseconds(_ ns: UInt64) -> Double { (Double(ns) / 1e4).rounded() / 100 }

private extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
