import Foundation
import Testing
@testable import Reports

@Suite struct ChartTests {
    @Test(arguments: [
        (0.0, 97.3, [0.0, 20, 40, 60, 80, 100]),
        (0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (99.0, 99.97, [99.0, 99.2, 99.4, 99.6, 99.8, 100.0]),
        (-5.0, 12.0, [-5.0, 0, 5, 10, 15]),
    ])
    func niceNumberTicks(low: Double, high: Double, expected: [Double]) {
        let ticks = niceTicks(low, high)
        #expect(ticks.count == expected.count)
        for (a, b) in zip(ticks, expected) { #expect(abs(a - b) < 1e-9, "\(ticks)") }
    }

    /// Reducing 100,000 points to the pixel width keeps every peak and every gap.
    @Test func reductionKeepsPeaksAndGaps() {
        let start = Date(timeIntervalSince1970: 0)
        var points: [(time: Date, value: Double?)] = (0..<100_000).map { (Date(timeIntervalSince1970: Double($0)), 10 + Double($0 % 7)) }
        points[54_321].value = 500
        points[77_777].value = -40
        for i in 20_000..<20_050 { points[i].value = nil }
        let reduced = reduceToPixels(points, start: start, end: Date(timeIntervalSince1970: 99_999), buckets: 800)
        #expect(reduced.count <= 800 * 3)
        let values = reduced.compactMap(\.value)
        #expect(values.max() == 500)
        #expect(values.min() == -40)
        #expect(reduced.contains { $0.value == nil })
    }

    @Test func chartsRenderAndTheLegendTellsTheFigures() async throws {
        var series = ""
        for i in 0..<1440 { series += "\(1_763_852_400 + i * 60):\(i == 900 ? "97.5" : i >= 300 && i < 360 ? "-" : "\(20 + i % 10)") " }
        let xml = """
        <report title="Metrics" created="2026-11-23T07:00:00Z">
          <chart type="timeseries" title="CPU" unit="%" threshold="90" tz="Europe/Berlin"><series name="db-1">\(series)</series></chart>
          <chart type="bars" title="SLA" unit="%" target="99.9" min="99"><bar label="PostgreSQL" value="99.95" status="OK"/><bar label="HTTPS" value="99.71" status="CRIT"/></chart>
          <chart type="timeline" title="Availability" start="2026-11-22T23:00:00Z" end="2026-11-23T23:00:00Z" tz="Europe/Berlin">
            <row label="db-1"><span from="2026-11-22T23:00:00Z" to="2026-11-23T08:00:00Z" status="OK"/><span from="2026-11-23T08:00:00Z" to="2026-11-23T10:00:00Z" status="CRIT"/></row>
          </chart>
        </report>
        """
        let pdf = try ReportRenderingTests.renderer.render(DocumentParser.parse(Data(xml.utf8)))
        let url = try ReportRenderingTests.write(pdf)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try ReportRenderingTests.tool("qpdf", ["--check", url.path]).status == 0)
        let text = try ReportRenderingTests.tool("pdftotext", [url.path, "-"]).output
        #expect(text.contains("max 97.5"), "the peak survives the reduction")
        #expect(text.contains("min 20"))
        #expect(text.contains("99.71 % CRIT") && text.contains("target 99.90 %"))
        // The time axis is labelled in the chart's zone: 23:00 UTC is 00:00 in Berlin, ticks every 6 h.
        #expect(text.contains("06:00") && text.contains("12:00") && text.contains("18:00"))
        #expect(text.contains("NO_DATA"))
    }

    @Test(arguments: [
        ("<report><chart type=\"pie\"/></report>", "use timeseries, bars or timeline"),
        ("<report><chart type=\"timeseries\"><series name=\"a\">12</series></chart></report>", "is not EPOCH:VALUE"),
        ("<report><chart type=\"timeseries\"><series name=\"a\">1:x</series></chart></report>", "is not a number"),
        ("<report><chart type=\"timeline\" start=\"2026-01-01T00:00:00Z\" end=\"2026-01-02T00:00:00Z\" tz=\"Mars/Base\"/></report>", "unknown time zone"),
        ("<report><chart type=\"bars\"><bar label=\"a\"/></chart></report>", "<bar label"),
    ])
    func badChartsNameTheProblem(xml: String, message: String) {
        let error = #expect(throws: ReportError.self) { try DocumentParser.parse(Data(xml.utf8)) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }
}
