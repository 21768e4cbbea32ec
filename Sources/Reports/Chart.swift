import CCairo
import Foundation

/// A chart in a report, drawn with Cairo.
public enum Chart: Sendable, Equatable {
    /// Time series: several series, lines or areas, a threshold, gaps where there is no data.
    case timeSeries(TimeSeriesChart)
    /// Bars with an optional target line (SLA percentages against their target).
    case bars(BarChart)
    /// State bands per row over a time range (availability timelines).
    case timeline(TimelineChart)

    /// The chart's title ("" when it has none).
    public var title: String {
        switch self {
        case let .timeSeries(c): c.title
        case let .bars(c): c.title
        case let .timeline(c): c.title
        }
    }
}

public struct TimeSeriesChart: Sendable, Equatable {
    public struct Series: Sendable, Equatable {
        public var name: String
        /// (instant, value); a nil value is a gap (NO_DATA), never interpolated across.
        public var points: [(time: Date, value: Double?)]
        public static func == (a: Series, b: Series) -> Bool {
            a.name == b.name && a.points.map(\.time) == b.points.map(\.time) && a.points.map(\.value) == b.points.map(\.value)
        }
    }
    public var title: String
    public var unit: String
    public var area: Bool
    public var threshold: Double?
    public var zone: TimeZone
    public var series: [Series]
    public var height: Double
    /// The report's language (`de`, `en`): the words and number format of the legend.
    public var language = "en"
}

public struct BarChart: Sendable, Equatable {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        public var status: Status?
        /// The figure written beside the bar, as the report shows it elsewhere (`99,504 % OK`);
        /// nil for the value with two decimals.
        public var text: String?
    }
    public var title: String
    public var unit: String
    public var target: Double?
    /// The word before the target's value under its line, in the report's language. Default "target".
    public var targetLabel: String = "target"
    /// The whole text under the target line (`Ziel 99,50 %`), replacing label and value; nil for those.
    public var targetText: String?
    /// The value axis starts here (e.g. 95 for SLA percentages); 0 by default.
    public var minimum: Double?
    public var bars: [Bar]
    /// The report's language (`de`, `en`): the number format of values and target.
    public var language = "en"
}

public struct TimelineChart: Sendable, Equatable {
    public struct Span: Sendable, Equatable {
        public var from: Date, to: Date, status: Status
    }
    public struct Row: Sendable, Equatable {
        public var label: String
        public var spans: [Span]
    }
    public var title: String
    public var start: Date, end: Date
    public var zone: TimeZone
    public var rows: [Row]
}

/// Series colours, each with its own dash pattern so a grayscale print still tells them apart.
let seriesStyles: [(RGB, [Double])] = [
    (RGB(0x0969DA), []), (RGB(0xBC4C00), [6, 3]), (RGB(0x8250DF), [2, 2]), (RGB(0x1A7F37), [8, 3, 2, 3]),
    (RGB(0xBF3989), [4, 4]), (RGB(0x57606A), [1, 3]),
]

/// A figure for legends and labels: up to two decimals, no trailing zeros (97.5, 20, 99.95), with
/// a decimal comma in German (97,5).
func figure(_ v: Double, language: String = "en") -> String {
    var s = String(format: "%.2f", v)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    if s == "-0" { s = "0" }
    return language == "de" ? s.replacingOccurrences(of: ".", with: ",") : s
}

/// A value with two decimals (99.90), with a decimal comma in German (99,90).
func twoDecimals(_ v: Double, language: String) -> String {
    let s = String(format: "%.2f", v)
    return language == "de" ? s.replacingOccurrences(of: ".", with: ",") : s
}

/// The words charts write, in the report's language.
struct ChartWords {
    let threshold, min, avg, max, last, noData: String

    init(_ language: String) {
        if language == "de" {
            (threshold, min, avg, max, last, noData) = ("Schwelle", "Min.", "Mittel", "Max.", "zuletzt", "keine Daten")
        } else {
            (threshold, min, avg, max, last, noData) = ("threshold", "min", "avg", "max", "last", "no data")
        }
    }
}

/// "Nice" axis ticks (1, 2, 5 × 10^n) covering `low...high` with about `count` steps.
func niceTicks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
    guard high > low, low.isFinite, high.isFinite else { return [low] }
    let rough = (high - low) / Double(count)
    let magnitude = pow(10, floor(log10(rough)))
    let residual = rough / magnitude
    let step = (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1) * magnitude
    var ticks: [Double] = []
    var t = floor(low / step) * step
    while t <= high + step * 1e-9 {
        ticks.append(t)
        t += step
    }
    if ticks.last! < high { ticks.append(t) }
    return ticks
}

/// Tick label: no trailing zeros, at most the precision the step needs.
func tickLabel(_ v: Double, step: Double) -> String {
    let decimals = max(0, -Int(floor(log10(max(step, 1e-9)))))
    return String(format: "%.\(decimals)f", v)
}

/// Reduces a series to at most `buckets` columns, keeping each column's minimum and maximum so
/// no peak is lost; gaps stay gaps.
func reduceToPixels(_ points: [(time: Date, value: Double?)], start: Date, end: Date, buckets: Int) -> [(time: Date, value: Double?)] {
    guard points.count > buckets * 2, buckets > 0, end > start else { return points }
    let span = end.timeIntervalSince(start)
    var out: [(time: Date, value: Double?)] = []
    out.reserveCapacity(buckets * 2)
    var bucket = -1
    var lo: (Date, Double)?, hi: (Date, Double)?
    var sawGap = false
    func flush() {
        if let lo, let hi {
            let pair = lo.0 <= hi.0 ? [lo, hi] : [hi, lo]
            for p in pair where out.last?.time != p.0 { out.append((p.0, p.1)) }
        }
        if sawGap, let last = out.last { out.append((last.time.addingTimeInterval(0.001), nil)) }
        lo = nil; hi = nil; sawGap = false
    }
    for p in points {
        let b = min(buckets - 1, max(0, Int(p.time.timeIntervalSince(start) / span * Double(buckets))))
        if b != bucket { flush(); bucket = b }
        guard let v = p.value else { sawGap = true; continue }
        if lo == nil || v < lo!.1 { lo = (p.time, v) }
        if hi == nil || v > hi!.1 { hi = (p.time, v) }
    }
    flush()
    return out
}
