#if canImport(Glibc)
import Glibc
#endif

/// Writes `NAME.labels.csv` (the labels contract): one row per call setup,
/// `call_id,label,scenario,caller,callee,source`, numbers in E.164; `source` names the
/// campaign source that placed a fraud call (`goip_simbox#0`) and is empty for legit calls.
final class LabelsWriter {
    private let file: UnsafeMutablePointer<FILE>
    let path: String

    init(path: String) throws(SimulationError) {
        guard let f = fopen(path, "w") else {
            throw .output(path: path, reason: String(cString: strerror(errno)))
        }
        file = f
        self.path = path
        fputs("call_id,label,scenario,caller,callee,source\n", f)
    }

    func write(_ plan: CallPlan) {
        fputs("\(plan.callID),\(plan.label.rawValue),\(plan.scenario),\(plan.caller),\(plan.callee),\(plan.source)\n", file)
    }

    func close() -> Bool {
        let ok = ferror(file) == 0
        return fclose(file) == 0 && ok
    }
}
