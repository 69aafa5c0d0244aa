import Engine

/// `v` rounded to `places` decimals, for reports.
func roundedTo(_ v: Double, _ places: Int) -> Double {
    var f = 1.0
    for _ in 0..<places { f *= 10 }
    return (v * f).rounded() / f
}

extension LatencyHistogram {
    /// `{"p50":..,"p90":..,"p99":..,"p999":..,"max":..}` in nanoseconds.
    public var json: JSONValue {
        .object([
            ("p50", .int(Int(percentile(50)))),
            ("p90", .int(Int(percentile(90)))),
            ("p99", .int(Int(percentile(99)))),
            ("p999", .int(Int(percentile(99.9)))),
            ("max", .int(Int(max))),
        ])
    }
}
