import Foundation
import HeraldTestSupport
import Testing
import Jinja
import Reports

/// Herald's own templates — the default mail templates and the built-in reports — rendered by
/// Herald's engine and by Python's Jinja2 with the same data must match byte for byte.
@Suite struct HeraldTemplatesTests {
    static let templates = packageRoot.appendingPathComponent("ReportTemplates")

    static func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// Every (root, name, context) to render: 8 mail kinds × 2 locales × 3 parts, 3 reports × 2 locales.
    static func requests() throws -> [(root: URL, name: String, context: [String: Any])] {
        var out: [(URL, String, [String: Any])] = []
        let mail = templates.appendingPathComponent("mail")
        for kind in ["alert", "recovery", "acknowledgement", "digest", "report", "2fa", "test", "watchdog"] {
            let sample = try json(mail.appendingPathComponent("samples/\(kind).json"))
            for locale in ["de", "en"] {
                for part in ["subject.txt.j2", "body.txt.j2", "body.html.j2"] {
                    out.append((mail, "\(kind)/\(locale)/\(part)", sample))
                }
            }
        }
        for report in ["availability", "alert-summary", "metrics"] {
            let dir = templates.appendingPathComponent(report)
            let sample = try json(dir.appendingPathComponent("sample-data.json"))
            for locale in ["de", "en"] {
                var context = sample
                context["locale"] = locale
                context["tz"] = "Europe/Berlin"
                // The service and the CLI add the availability report's figures before rendering.
                ReportFigures.annotate(&context, report: report, zone: TimeZone(identifier: "Europe/Berlin")!, locale: locale)
                out.append((dir, "report.xml.j2", context))
            }
        }
        return out
    }

    @Test func mailAndReportTemplatesMatchJinja2() async throws {
        let requests = try Self.requests()
        let payload = try JSONSerialization.data(withJSONObject: requests.map { ["root": $0.root.path, "name": $0.name, "context": $0.context] })
        let expected = try JSONDecoder().decode([String].self, from: Python.run("render_templates.py", [], stdin: payload))
        #expect(expected.count == requests.count)
        var matched = 0
        for (request, oracle) in zip(requests, expected) {
            #expect(!oracle.hasPrefix("ERROR:"), "Jinja2 cannot render \(request.name): \(oracle)")
            var configuration = Configuration()
            configuration.autoescape = .byExtension
            configuration.undefined = .strict
            let env = Environment(loader: DirectoryLoader(searchPath: [request.root]), configuration: configuration,
                                  contextFilters: FormatFilters.all)
            let ours = try env.template(named: request.name)
                .render(json: JSONSerialization.data(withJSONObject: request.context))
            #expect(ours == oracle, "\(request.root.lastPathComponent)/\(request.name) differs from Jinja2")
            if ours == oracle { matched += 1 }
        }
        #expect(matched == 54)
    }

    /// The locale filters against the same patterns on Babel (CLDR's Python library): numbers
    /// with grouping and half-even rounding, percentages rounded each way, durations across unit
    /// boundaries, and dates and times in several zones, on both sides of a DST change.
    @Test func formatFiltersMatchBabel() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-filters-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let template = """
            {% for x in numbers %}{{ x | number }} {{ x | number(2) }} {{ x | percent }} {{ x | percent(1, 'floor') }} \
            {{ x | percent(decimals=3, method='ceil') }}|{% endfor %}
            {% for m in minutes %}{{ m | duration('minutes') }} {{ (m * 60) | duration }}|{% endfor %}
            {% for at in instants %}{{ at | date }} {{ at | datetime }} {{ at | datetime('short') }}|{% endfor %}
            {{ none | number }} {{ none | datetime }}
            """
        try template.write(to: root.appendingPathComponent("filters.txt.j2"), atomically: true, encoding: .utf8)
        let values: [String: Any] = [
            "numbers": [0, 1, 7.5, 99.4999, 99.5, 99.95, 99.999, 100, 1234.5, 2.675, 1_234_567.891, -3.25],
            "minutes": [0, 0.4, 0.5, 1, 2.5, 59.6, 60, 88, 1439, 1440, 1441, 1500, 10_000],
            "instants": ["2026-11-23T07:00:00Z", "2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z", "2026-10-25T00:30:00Z",
                         "2026-10-25T01:30:00Z", "2026-12-31T23:30:00+00:00", "2026-07-01T12:00:00.250Z", 1_790_000_000],
        ]
        var requests: [[String: Any]] = []
        for locale in ["de", "en"] {
            for zone in ["Europe/Berlin", "UTC", "America/New_York", "Asia/Kolkata"] {
                requests.append(["root": root.path, "name": "filters.txt.j2", "context": values.merging(["locale": locale, "tz": zone]) { $1 }])
            }
        }
        let expected = try JSONDecoder().decode([String].self, from: Python.run(
            "render_templates.py", [], stdin: JSONSerialization.data(withJSONObject: requests)))
        #expect(expected.count == requests.count)
        let env = Environment(loader: DirectoryLoader(searchPath: [root]), contextFilters: FormatFilters.all)
        for (request, oracle) in zip(requests, expected) {
            #expect(!oracle.hasPrefix("ERROR:"), "Babel: \(oracle)")
            let ours = try env.template(named: "filters.txt.j2")
                .render(json: JSONSerialization.data(withJSONObject: request["context"]!))
            #expect(ours == oracle, "\(request["context"].map { c in (c as! [String: Any])["locale"]! } ?? "") differs from Babel")
        }
    }

    /// A filter given the wrong kind of value or argument refuses with its name and what it got.
    @Test func formatFiltersRefuseWhatTheyCannotFormat() async throws {
        let env = Environment(contextFilters: FormatFilters.all)
        for (source, message) in [("{{ 'abc' | number }}", "number(): expects a number"),
                                  ("{{ 'yesterday' | date }}", "date(): expects an instant"),
                                  ("{{ 5 | percent(2, 'up') }}", "method must be 'common', 'floor' or 'ceil'"),
                                  ("{{ 5 | duration('hours') }}", "unit must be 'seconds' or 'minutes'"),
                                  ("{{ 5 | number(9) }}", "decimals must be a whole number from 0 to 6"),
                                  ("{{ 5 | number(places=2) }}", "unexpected keyword argument 'places'")] {
            #expect(throws: JinjaError.self, "\(source)") { try env.template(source: source).render([:]) }
            do { _ = try env.template(source: source).render([:]) } catch { #expect("\(error)".contains(message), "\(source): \(error)") }
        }
    }
}
