// libFuzzer entry points for the untrusted files and messages parsed by modules the
// swiftc-built targets (DecodeFuzz, ListsFuzz) cannot link: rule sets and scenarios (Yams),
// labels, state files and SIP messages mutated header by header through the whole
// replay pipeline. One binary; `CALLGUARD_FUZZ=rules|scenario|labels|state|sip` picks
// the target. Built by `Fuzz/build.sh files` through SwiftPM with `--sanitize=fuzzer
// --sanitize=address -DCALLGUARD_FUZZ`; without that flag (as in `swift build` and CI)
// it is a stub that says how to build it, so the package keeps building everywhere.

#if canImport(Glibc)
import Glibc
#endif

/// One line on standard error.
func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// The inputs this binary fuzzes.
enum FuzzTarget: String, CaseIterable {
    case rules, scenario, labels, state, sip

    /// The target named by `CALLGUARD_FUZZ`; exits 2 naming the choices when it is unset.
    static let selected: FuzzTarget = {
        guard let v = getenv("CALLGUARD_FUZZ"), let t = FuzzTarget(rawValue: String(cString: v)) else {
            say("callguard-fuzz: set CALLGUARD_FUZZ to one of \(allCases.map(\.rawValue).joined(separator: ", "))")
            exit(2)
        }
        return t
    }()

    func run(_ input: UnsafeRawBufferPointer) {
        switch self {
        case .rules: RuleSetFuzz.run(input)
        case .scenario: ScenarioFuzz.run(input)
        case .labels: LabelsFuzz.run(input)
        case .state: StateFuzz.run(input)
        case .sip: SIPHeaderFuzz.run(input)
        }
    }
}

#if CALLGUARD_FUZZ
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.selected.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

@_silgen_name("LLVMFuzzerMutate")
func LLVMFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

/// libFuzzer's own byte mutations, except for the SIP target, whose mutator works on
/// header lines (and calls back into libFuzzer for the bytes inside a line).
@_cdecl("LLVMFuzzerCustomMutator")
public func fuzzMutate(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    guard let data else { return 0 }
    if FuzzTarget.selected == .sip {
        return SIPHeaderFuzz.mutate(data, size, maxSize, seed: seed, bytes: LLVMFuzzerMutate)
    }
    return LLVMFuzzerMutate(data, size, maxSize)
}
#else
@main
enum FuzzUsage {
    static func main() {
        say("callguard-fuzz is a libFuzzer target: build it with Fuzz/build.sh files, run it with Fuzz/run-all.sh")
        exit(2)
    }
}
#endif
