/// A minimal SVG line/bar chart writer for the HTML report: axes with ticks, series as
/// polylines with point markers, or stacked bars; a legend. No scripts, no network.
struct SVGChart {
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var labels: [String] = []
    }

    var id: String
    var title: String
    var xLabel: String
    var yLabel: String
    var width = 720.0, height = 360.0
    let left = 70.0, right = 20.0, bottom = 50.0
    /// Room above the plot for the title and the legend.
    var top: Double { 44 + 14 * Double(max(0, legendRows - 1)) }
    var legendRows = 2
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// Lines through each series' points. `logX` plots log10(x).
    func lines(_ series: [Series], xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, logX: Bool = false,
               xTicks: [(Double, String)], yTicks: [(Double, String)]) -> String {
        var svg = frame(xTicks: xTicks, yTicks: yTicks, xRange: xRange, yRange: yRange, logX: logX)
        for (i, s) in series.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let pts = s.points.map { "\(fmt(px($0.x, xRange, logX))),\(fmt(py($0.y, yRange)))" }.joined(separator: " ")
            svg += "<polyline class=\"series\" data-series=\"\(escape(s.name))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(pts)\"/>"
            for (j, p) in s.points.enumerated() {
                svg += "<circle cx=\"\(fmt(px(p.x, xRange, logX)))\" cy=\"\(fmt(py(p.y, yRange)))\" r=\"2.5\" fill=\"\(color)\">"
                svg += "<title>\(escape(s.name))\(j < s.labels.count ? ": " + escape(s.labels[j]) : "")</title></circle>"
            }
            svg += legend(i, s.name, color)
        }
        return svg + "</svg>"
    }

    /// Stacked bars per slice: `lower` (first colour) under `upper`.
    func stackedBars(lower: [Int], upper: [Int], names: (String, String), xTicks: [(Double, String)]) -> String {
        let n = max(1, lower.count)
        let top = Double(max(1, zip(lower, upper).map { $0 + $1 }.max() ?? 1))
        let yRange = 0.0...top
        var svg = frame(xTicks: xTicks, yTicks: ticks(yRange, count: 4), xRange: 0...Double(n), yRange: yRange, logX: false)
        let w = (width - left - right) / Double(n)
        for i in 0..<lower.count {
            let x = left + Double(i) * w
            let h1 = Double(lower[i]) / top * (height - self.top - bottom)
            let h2 = Double(upper[i]) / top * (height - self.top - bottom)
            let base = height - bottom
            svg += "<rect class=\"bar-lower\" x=\"\(fmt(x + 0.5))\" y=\"\(fmt(base - h1))\" width=\"\(fmt(max(0.5, w - 1)))\" height=\"\(fmt(h1))\" fill=\"#2ca02c\"/>"
            svg += "<rect class=\"bar-upper\" x=\"\(fmt(x + 0.5))\" y=\"\(fmt(base - h1 - h2))\" width=\"\(fmt(max(0.5, w - 1)))\" height=\"\(fmt(h2))\" fill=\"#d62728\"/>"
        }
        svg += legend(0, names.0, "#2ca02c") + legend(1, names.1, "#d62728")
        return svg + "</svg>"
    }

    func ticks(_ r: ClosedRange<Double>, count: Int) -> [(Double, String)] {
        (0...count).map { i in
            let v = r.lowerBound + (r.upperBound - r.lowerBound) * Double(i) / Double(count)
            return (v, v == v.rounded() ? String(Int(v)) : String(roundedTo(v, 3)))
        }
    }

    private func frame(xTicks: [(Double, String)], yTicks: [(Double, String)], xRange: ClosedRange<Double>,
                       yRange: ClosedRange<Double>, logX: Bool) -> String {
        var svg = "<svg id=\"\(id)\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        svg += "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<text x=\"\(fmt(left))\" y=\"20\" font-weight=\"bold\">\(escape(title))</text>"
        let x0 = left, x1 = width - right, y0 = height - bottom, y1 = top
        svg += "<line x1=\"\(x0)\" y1=\"\(y0)\" x2=\"\(x1)\" y2=\"\(y0)\" stroke=\"#444\"/><line x1=\"\(x0)\" y1=\"\(y0)\" x2=\"\(x0)\" y2=\"\(y1)\" stroke=\"#444\"/>"
        for (v, label) in xTicks {
            let x = px(v, xRange, logX)
            svg += "<line x1=\"\(fmt(x))\" y1=\"\(y0)\" x2=\"\(fmt(x))\" y2=\"\(y0 + 5)\" stroke=\"#444\"/>"
            svg += "<text x=\"\(fmt(x))\" y=\"\(y0 + 18)\" text-anchor=\"middle\" font-size=\"11\">\(escape(label))</text>"
        }
        for (v, label) in yTicks {
            let y = py(v, yRange)
            svg += "<line x1=\"\(x0 - 5)\" y1=\"\(fmt(y))\" x2=\"\(x1)\" y2=\"\(fmt(y))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(x0 - 8)\" y=\"\(fmt(y + 4))\" text-anchor=\"end\" font-size=\"11\">\(escape(label))</text>"
        }
        svg += "<text x=\"\(fmt((x0 + x1) / 2))\" y=\"\(height - 12)\" text-anchor=\"middle\" font-size=\"12\">\(escape(xLabel))</text>"
        svg += "<text x=\"16\" y=\"\(fmt((y0 + y1) / 2))\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 16 \(fmt((y0 + y1) / 2)))\">\(escape(yLabel))</text>"
        return svg
    }

    private func legend(_ i: Int, _ name: String, _ color: String) -> String {
        // Top right, above the plot area's upper edge.
        let y = 30.0 + Double(i) * 14
        let x = width - right - 190
        return "<rect x=\"\(fmt(x))\" y=\"\(fmt(y - 9))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            + "<text x=\"\(fmt(x + 15))\" y=\"\(fmt(y))\" font-size=\"11\">\(escape(name))</text>"
    }

    private func px(_ x: Double, _ r: ClosedRange<Double>, _ logX: Bool) -> Double {
        let (v, lo, hi) = logX ? (log10(max(x, 1)), log10(max(r.lowerBound, 1)), log10(max(r.upperBound, 2))) : (x, r.lowerBound, r.upperBound)
        return left + (v - lo) / max(hi - lo, 1e-12) * (width - left - right)
    }

    private func py(_ y: Double, _ r: ClosedRange<Double>) -> Double {
        height - bottom - (y - r.lowerBound) / max(r.upperBound - r.lowerBound, 1e-12) * (height - top - bottom)
    }

    private func fmt(_ v: Double) -> String { String(roundedTo(v, 1)) }
}

/// Text safe inside HTML and SVG.
func escape(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}

#if canImport(Glibc)
import Glibc
#endif
