import CCairo
import Foundation

extension Chart {
    /// The chart's height on the page for a given width.
    func height(width: Double) -> Double {
        switch self {
        case .timeSeries(let c): return c.height + 18 + 14 * Double(c.series.count) + 8
        case .bars(let c): return 18 + 16 * Double(c.bars.count) + 18
        case .timeline(let c): return 18 + 16 * Double(c.rows.count) + 32
        }
    }

    /// Draws the chart into the box at (x, y) of `width`.
    func draw(_ cr: OpaquePointer, fonts: FontContext, x: Double, y: Double, width: Double) {
        switch self {
        case .timeSeries(let c): drawTimeSeries(c, cr, fonts, x, y, width)
        case .bars(let c): drawBars(c, cr, fonts, x, y, width)
        case .timeline(let c): drawTimeline(c, cr, fonts, x, y, width)
        }
    }
}

private func text(_ cr: OpaquePointer, _ fonts: FontContext, _ s: String, _ x: Double, _ y: Double, width: Double = 200,
                  font: String = "DejaVu Sans 7", color: RGB = .muted, alignment: Alignment = .left) {
    // Chart text stays on one line: a long label is cut with "…" rather than run into the next row.
    let t = fonts.layout(RichText.escape(s), font: font, width: width, alignment: alignment, singleLine: true)
    cairo_set_source_rgb(cr, color.r, color.g, color.b)
    cairo_move_to(cr, x, y)
    pango_cairo_show_layout(cr, t.layout)
}

private func setColor(_ cr: OpaquePointer, _ c: RGB, alpha: Double = 1) { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha) }

private func dash(_ cr: OpaquePointer, _ pattern: [Double]) {
    pattern.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32(pattern.count), 0) }
}

/// Time axis ticks aligned to the zone's wall clock, with labels in that zone.
private func timeTicks(_ start: Date, _ end: Date, zone: TimeZone) -> [(Date, String)] {
    let span = end.timeIntervalSince(start)
    let steps: [Double] = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 2 * 86_400, 7 * 86_400, 30 * 86_400]
    let step = steps.first { span / $0 <= 7 } ?? steps.last!
    let formatter = ReportFormat.formatter(step >= 86_400 ? "dd.MM." : (span > 86_400 ? "dd.MM. HH:mm" : "HH:mm"), zone: zone)
    var ticks: [(Date, String)] = []
    let offset = Double(zone.secondsFromGMT(for: start))
    // From the first step at or after the start: a period that begins at midnight shows its first day.
    var local = ceil((start.timeIntervalSince1970 + offset) / step) * step
    // Bounded: with absurd instants `local += step` may not move at all.
    for _ in 0..<64 {
        let guess = local - offset
        let instant = Date(timeIntervalSince1970: guess - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: guess))) + offset)
        if instant > end { break }
        if instant >= start { ticks.append((instant, formatter.string(from: instant))) }
        local += step
        if ticks.count > 12 { break }
    }
    return ticks
}

private func drawTimeSeries(_ c: TimeSeriesChart, _ cr: OpaquePointer, _ fonts: FontContext, _ x: Double, _ y: Double, _ width: Double) {
    text(cr, fonts, c.title + (c.unit.isEmpty ? "" : " (\(c.unit))"), x, y, width: width, font: "DejaVu Sans Bold 9", color: .text)
    let plotX = x + 40, plotY = y + 18, plotW = width - 44, plotH = c.height - 16
    let all = c.series.flatMap(\.points)
    guard let start = all.map(\.time).min(), let end = all.map(\.time).max(), end > start else {
        text(cr, fonts, "NO_DATA", plotX, plotY + plotH / 2 - 6, width: plotW, font: "DejaVu Sans Bold 9", alignment: .center)
        return
    }
    let values = all.compactMap(\.value) + (c.threshold.map { [$0] } ?? [])
    let ticks = niceTicks(min(0, values.min() ?? 0), max(values.max() ?? 1, (values.min() ?? 0) + 1e-9))
    let (low, high) = (ticks.first!, ticks.last!)
    func px(_ t: Date) -> Double { plotX + t.timeIntervalSince(start) / end.timeIntervalSince(start) * plotW }
    func py(_ v: Double) -> Double { plotY + plotH - (v - low) / (high - low) * plotH }
    // Grid and axes.
    cairo_set_line_width(cr, 0.4)
    let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
    for t in ticks {
        setColor(cr, .rule)
        cairo_move_to(cr, plotX, py(t)); cairo_line_to(cr, plotX + plotW, py(t)); cairo_stroke(cr)
        text(cr, fonts, tickLabel(t, step: step), x, py(t) - 5, width: 36, alignment: .right)
    }
    for (instant, label) in timeTicks(start, end, zone: c.zone) {
        setColor(cr, .rule)
        cairo_move_to(cr, px(instant), plotY + plotH); cairo_line_to(cr, px(instant), plotY + plotH + 3); cairo_stroke(cr)
        text(cr, fonts, label, px(instant) - 30, plotY + plotH + 3, width: 60, alignment: .center)
    }
    // Series: reduced to the pixel width (a point is a pixel at 72 dpi), keeping each column's
    // minimum and maximum so no peak is lost; a gap breaks the line.
    let buckets = Int(plotW)
    for (i, series) in c.series.enumerated() {
        let (color, pattern) = seriesStyles[i % seriesStyles.count]
        let points = reduceToPixels(series.points, start: start, end: end, buckets: buckets)
        var segments: [[(Double, Double)]] = [[]]
        for p in points {
            if let v = p.value { segments[segments.count - 1].append((px(p.time), py(v))) } else if !segments.last!.isEmpty { segments.append([]) }
        }
        for segment in segments where !segment.isEmpty {
            if c.area && segment.count > 1 {
                cairo_move_to(cr, segment[0].0, py(max(low, 0)))
                for (sx, sy) in segment { cairo_line_to(cr, sx, sy) }
                cairo_line_to(cr, segment.last!.0, py(max(low, 0)))
                cairo_close_path(cr)
                setColor(cr, color, alpha: 0.18)
                cairo_fill(cr)
            }
            cairo_move_to(cr, segment[0].0, segment[0].1)
            for (sx, sy) in segment.dropFirst() { cairo_line_to(cr, sx, sy) }
            if segment.count == 1 { cairo_line_to(cr, segment[0].0 + 0.8, segment[0].1) }
            setColor(cr, color)
            cairo_set_line_width(cr, 1.1)
            dash(cr, pattern)
            cairo_stroke(cr)
            dash(cr, [])
        }
    }
    if let threshold = c.threshold {
        setColor(cr, .status(.crit))
        cairo_set_line_width(cr, 0.8)
        dash(cr, [4, 2])
        cairo_move_to(cr, plotX, py(threshold)); cairo_line_to(cr, plotX + plotW, py(threshold)); cairo_stroke(cr)
        dash(cr, [])
        text(cr, fonts, "\(ChartWords(c.language).threshold) \(figure(threshold, language: c.language))", plotX + plotW - 120, py(threshold) - 10, width: 120,
             color: .status(.crit), alignment: .right)
    }
    // Legend with min / avg / max / last.
    var ly = plotY + plotH + 16
    for (i, series) in c.series.enumerated() {
        let (color, pattern) = seriesStyles[i % seriesStyles.count]
        setColor(cr, color)
        cairo_set_line_width(cr, 1.6)
        dash(cr, pattern)
        cairo_move_to(cr, plotX, ly + 5); cairo_line_to(cr, plotX + 18, ly + 5); cairo_stroke(cr)
        dash(cr, [])
        let v = series.points.compactMap(\.value)
        let w = ChartWords(c.language)
        func f(_ x: Double) -> String { figure(x, language: c.language) }
        let stats = v.isEmpty ? w.noData
            : "\(w.min) \(f(v.min()!))  \(w.avg) \(f(v.reduce(0, +) / Double(v.count)))  \(w.max) \(f(v.max()!))  \(w.last) \(series.points.last?.value.map(f) ?? w.noData)"
        text(cr, fonts, "\(series.name)   \(stats)", plotX + 24, ly, width: plotW - 24, color: .text)
        ly += 14
    }
}

private func drawBars(_ c: BarChart, _ cr: OpaquePointer, _ fonts: FontContext, _ x: Double, _ y: Double, _ width: Double) {
    text(cr, fonts, c.title + (c.unit.isEmpty ? "" : " (\(c.unit))"), x, y, width: width, font: "DejaVu Sans Bold 9", color: .text)
    // The label column as wide as its longest label needs, between a fifth and nearly half of
    // the width, so "db-1.acme.example / PostgreSQL" is not cut when there is room for it.
    let widest = c.bars.map { fonts.layout(RichText.escape($0.label), font: "DejaVu Sans 8", width: 10_000).width }.max() ?? 0
    let labelW = min(max(widest + 8, width * 0.2), width * 0.45), valueW = 56.0
    let barX = x + labelW, barW = width - labelW - valueW
    let top = y + 18
    let values = c.bars.map(\.value) + (c.target.map { [$0] } ?? [])
    let low = c.minimum ?? min(0, values.min() ?? 0)
    let high = max(values.max() ?? 1, low + 1e-9)
    func bx(_ v: Double) -> Double { barX + (min(max(v, low), high) - low) / (high - low) * barW }
    for (i, bar) in c.bars.enumerated() {
        let by = top + Double(i) * 16
        text(cr, fonts, bar.label, x, by + 2, width: labelW - 6, font: "DejaVu Sans 8", color: .text)
        let color = bar.status.map(RGB.status) ?? seriesStyles[0].0
        setColor(cr, color)
        cairo_rectangle(cr, barX, by + 2, max(0.5, bx(bar.value) - barX), 11)
        cairo_fill(cr)
        let label = bar.text ?? (c.unit == "%" ? twoDecimals(bar.value, language: c.language) + " %" : figure(bar.value, language: c.language) + (c.unit.isEmpty ? "" : " \(c.unit)"))
            + (bar.text == nil ? bar.status.map { " \($0.rawValue)" } ?? "" : "")
        text(cr, fonts, label, barX + barW + 4, by + 2, width: valueW + 40, font: "DejaVu Sans 7.5", color: .text)
    }
    if let target = c.target {
        setColor(cr, .text)
        cairo_set_line_width(cr, 0.8)
        dash(cr, [3, 2])
        cairo_move_to(cr, bx(target), top); cairo_line_to(cr, bx(target), top + Double(c.bars.count) * 16); cairo_stroke(cr)
        dash(cr, [])
        text(cr, fonts, c.targetText ?? "\(c.targetLabel) \(twoDecimals(target, language: c.language))\(c.unit == "%" ? " %" : "")", bx(target) - 50,
             top + Double(c.bars.count) * 16 + 2, width: 100, alignment: .center)
    }
}

private func drawTimeline(_ c: TimelineChart, _ cr: OpaquePointer, _ fonts: FontContext, _ x: Double, _ y: Double, _ width: Double) {
    text(cr, fonts, c.title, x, y, width: width, font: "DejaVu Sans Bold 9", color: .text)
    let labelW = width * 0.25
    let bandX = x + labelW, bandW = width - labelW
    let top = y + 18
    let span = max(1, c.end.timeIntervalSince(c.start))
    func tx(_ d: Date) -> Double { bandX + min(max(d.timeIntervalSince(c.start) / span, 0), 1) * bandW }
    for (i, row) in c.rows.enumerated() {
        let ry = top + Double(i) * 16
        text(cr, fonts, row.label, x, ry + 2, width: labelW - 6, font: "DejaVu Sans 8", color: .text)
        setColor(cr, .status(.noData), alpha: 0.25)
        cairo_rectangle(cr, bandX, ry + 2, bandW, 11)
        cairo_fill(cr)
        for s in row.spans {
            let sx = tx(s.from), ex = tx(s.to)
            setColor(cr, .status(s.status))
            cairo_rectangle(cr, sx, ry + 2, max(0.6, ex - sx), 11)
            cairo_fill(cr)
            if ex - sx > 34 {
                text(cr, fonts, s.status.rawValue, sx, ry + 3, width: ex - sx, font: "DejaVu Sans Bold 6.5", color: .white, alignment: .center)
            }
        }
    }
    let axisY = top + Double(c.rows.count) * 16 + 2
    for (instant, label) in timeTicks(c.start, c.end, zone: c.zone) {
        text(cr, fonts, label, tx(instant) - 30, axisY, width: 60, alignment: .center)
    }
    // Legend: every colour with its name.
    var lx = bandX
    for status in Status.allCases {
        setColor(cr, .status(status))
        cairo_rectangle(cr, lx, axisY + 14, 9, 9)
        cairo_fill(cr)
        text(cr, fonts, status.rawValue, lx + 12, axisY + 13, width: 60)
        lx += 70
    }
}
