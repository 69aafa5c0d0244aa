// swift-tools-version: 6.1
import PackageDescription

/// CallGuard: replay signalling captures, screen every call setup, measure the result.
/// One library target per layer (see README "Architecture"); the `callguard` CLI on top.
/// Hot-path targets skip runtime exclusivity checks in release builds: the decoder keeps
/// its per-packet state in class-stored properties, and the checks cost ~17% of replay
/// instructions (callgrind). Debug builds and tests keep them on.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "CallGuard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "callguard", targets: ["callguard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.0",
                 traits: ["MallocInterposer"]),
        // `serve`: listeners, metrics, logs.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // `serve --store postgres://`: verdicts, warnings and the audit log in PostgreSQL.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        // zlib: HEP3 compressed payload chunks.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Bytes on the wire: capture files, link layers, IP, tunnels, UDP/TCP, HEP, SIP parsing.
        .target(name: "Wire", dependencies: ["CPcap", "CZlib"], swiftSettings: hotPath),
        // Telephone numbers: E.164 normalisation of SIP/tel user parts.
        .target(name: "Numbering"),
        // Binary state of detectors, calls and lists, for `replay --state-out/--state-in`.
        .target(name: "StateCoding"),
        // Protocol adapters: SIP, SIP-I and ISUP messages to protocol-neutral call events.
        .target(name: "CallEvents", dependencies: ["Wire", "Numbering"], swiftSettings: hotPath),
        // Call events to calls: dialog state machine, bounded call table.
        .target(name: "Calls", dependencies: ["CallEvents", "Wire", "Numbering", "StateCoding"], swiftSettings: hotPath),
        // CPU hints with no Swift spelling (prefetch), header-only.
        .target(name: "CBits"),
        // Number sets consulted at call setup: the lock-free live blocklist and allowlist.
        .target(name: "Blocklist", dependencies: ["Numbering", "CBits"], swiftSettings: hotPath),
        // Fraud detectors: one state machine per file over call facts and call ends, bounded tables.
        .target(name: "Detectors", dependencies: ["CallEvents", "Calls", "Wire", "Numbering", "StateCoding"], swiftSettings: hotPath),
        // Screening: the verdict contract, lists and detector findings combined into a
        // verdict, trunks and profiles, safety rails, auto-block and victim warnings.
        .target(name: "Policy", dependencies: ["CallEvents", "Calls", "Blocklist", "Numbering", "Detectors", "StateCoding", "Wire"],
                swiftSettings: hotPath),
        // The replay pipeline: decode, track, screen, emit verdicts, measure latency.
        .target(name: "Engine", dependencies: [
            "Wire", "CallEvents", "Calls", "Blocklist", "Numbering", "Detectors", "Policy", "StateCoding", "CBits",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], swiftSettings: hotPath),
        // Rule sets: YAML naming lists, trunks, profiles, detectors and actions, built into a policy.
        .target(name: "Rules", dependencies: ["Engine", "Policy", "Detectors", "Blocklist", "Numbering", "Wire", "ConfigFile"]),
        // Reports over engine runs (the replay summary for now).
        .target(name: "Harness", dependencies: ["Engine", "Policy", "Wire", "CallEvents", "Calls", "Blocklist", "Numbering", "Rules"]),
        // `serve`: the screening engine behind SwiftNIO listeners (SIP over UDP and TCP,
        // HEP), a metrics and admin HTTP endpoint, answers as a SIP redirect server.
        .target(name: "Server", dependencies: [
            "Engine", "Policy", "Rules", "Wire", "CallEvents", "Calls", "Blocklist", "Numbering", "CPcap",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            // `--store`: rows queued in memory (bounded, drops counted) and written to
            // PostgreSQL in batches, retried while the database is away.
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .executableTarget(name: "callguard", dependencies: [
            "Engine", "Policy", "Harness", "Wire", "Blocklist", "Numbering", "Simulator", "Rules", "ConfigFile", "Server",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The traffic simulator: labeled traces of normal and fraud calls. Shares no
        // decoding, numbering or detection code with the engine it tests.
        .target(name: "Simulator", dependencies: [
            "CPcap", "ConfigFile", .product(name: "Yams", package: "Yams"),
        ]),
        // Typed, line-numbered reading of YAML configuration (scenarios, rule sets).
        .target(name: "ConfigFile", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Builds frames and writes classic pcap files: for tests, benchmarks and the demo trace.
        .target(name: "PacketCrafting"),
        .executableTarget(name: "demo-trace", dependencies: ["PacketCrafting"]),

        .testTarget(name: "WireTests", dependencies: ["Wire", "PacketCrafting", "CZlib"]),
        .testTarget(name: "NumberingTests", dependencies: ["Numbering"]),
        .testTarget(name: "CallEventsTests", dependencies: ["CallEvents", "Wire", "PacketCrafting"]),
        .testTarget(name: "CallsTests", dependencies: ["CallEvents", "Calls", "Wire", "PacketCrafting", "StateCoding"]),
        .testTarget(name: "DetectorsTests", dependencies: ["CallEvents", "Detectors", "Calls", "Wire", "Numbering", "StateCoding"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Engine", "Policy", "Detectors", "Blocklist", "Harness", "Wire", "Numbering", "Simulator", "PacketCrafting", "Calls"]),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "Engine", "Policy", "PacketCrafting"]),
        .testTarget(name: "BlocklistTests", dependencies: ["Blocklist", "Numbering"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Policy", "Harness", "Wire", "Blocklist", "Numbering", "PacketCrafting"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Wire", "Harness", "Engine", "Calls"]),
        .testTarget(name: "CLITests", dependencies: ["PacketCrafting"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Engine", "Policy", "Rules", "Blocklist", "Numbering", "Wire", "Calls", "CallEvents",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "Engine", "Policy", "Calls", "Wire", "Harness", "Numbering"]),

        // libFuzzer targets for the files and messages the swiftc-built ones cannot link
        // (rule sets, scenarios, labels, state, SIP by header line): a stub unless built
        // by Fuzz/build.sh with -DCALLGUARD_FUZZ and --sanitize=fuzzer.
        .executableTarget(name: "callguard-fuzz", dependencies: [
            "Rules", "Simulator", "Harness", "Engine", "Policy", "Blocklist", "Wire", "PacketCrafting",
        ], path: "Fuzz/Targets"),

        .executableTarget(
            name: "ReplayBenchmarks",
            dependencies: [
                "Wire", "Engine", "Policy", "Blocklist", "Numbering", "PacketCrafting", "CPcap", "CallEvents", "Calls",
                "Rules", "Simulator",
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/ReplayBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]),
        .executableTarget(
            name: "BlocklistBenchmarks",
            dependencies: [
                "Blocklist", "Engine", "Numbering",
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/BlocklistBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]),
        .executableTarget(
            name: "SimulatorBenchmarks",
            dependencies: [
                "Simulator", "Engine", "CPcap",
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/SimulatorBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]),
        .executableTarget(
            name: "RulesBenchmarks",
            dependencies: [
                "Rules", "Engine", "Policy", "Blocklist", "Simulator", "Wire", "Detectors", "Calls",
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/RulesBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]),
    ],
    swiftLanguageModes: [.v6]
)
