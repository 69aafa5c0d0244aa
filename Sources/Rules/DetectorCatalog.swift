import ConfigFile
import Detectors
import Engine

/// Every detector a rule set can name, with how to read its parameters. Adding a
/// detector means one line here.
enum DetectorCatalog {
    struct Entry: Sendable {
        var id: String
        /// Reads the detector's parameters (base and per-profile overrides) and returns
        /// a factory for detectors with fresh state.
        var build: @Sendable (_ section: ConfigFields, _ profiles: [String], _ capacity: Int, _ overrides: [String: Double])
            throws(ConfigError) -> @Sendable () -> any Detector
        /// Parameter names, for sweeps and error messages.
        var parameters: [String]
    }

    static let all: [Entry] = [
        entry(CallRateDetector.self), entry(FanOutDetector.self), entry(ShortCallDetector.self),
        entry(SequentialDialingDetector.self), entry(WangiriDetector.self), entry(SpoofedOriginDetector.self),
        entry(SimBoxDetector.self), entry(NewNumberBurstDetector.self), entry(CampaignDetector.self),
        entry(ConcurrentCallsDetector.self), entry(TrunkVolumeDetector.self),
    ]

    static func named(_ id: String) -> Entry? { all.first { $0.id == id } }

    static func entry<D: ConfigurableDetector>(_ type: D.Type) -> Entry {
        Entry(id: D.id, build: { section, profiles, capacity, overrides throws(ConfigError) in
            var base = try read(D.Config(), from: section)
            // Sweep values replace the base value; profiles that set the parameter keep theirs.
            for p in D.Config.parameters { if let v = overrides[p.name] { base[keyPath: p.path] = v } }
            var configs = [base]
            let overrides = try section.fields("profiles", optional: true)
            for name in profiles {
                if let o = try overrides?.fields(name, optional: true) {
                    configs.append(try read(base, from: o))
                    try o.finish()
                } else {
                    configs.append(base)
                }
            }
            if let overrides {
                for (k, node) in overrides.mapping where !profiles.contains(k.string ?? "") {
                    throw overrides.error(k.string ?? "", "no profile named '\(k.string ?? "")' (profiles: \(profiles.joined(separator: ", ")))", at: node)
                }
            }
            let parsed = configs
            return { D(configs: parsed, capacity: capacity) }
        }, parameters: D.Config.parameters.map(\.name))
    }

    /// Reads every parameter present in `f` over `start`.
    static func read<C: DetectorConfig>(_ start: C, from f: ConfigFields) throws(ConfigError) -> C {
        var c = start
        for p in C.parameters {
            c[keyPath: p.path] = p.isDuration
                ? try f.duration(p.name, default: c[keyPath: p.path], range: p.range)
                : try f.double(p.name, default: c[keyPath: p.path], range: p.range)
        }
        return c
    }
}
