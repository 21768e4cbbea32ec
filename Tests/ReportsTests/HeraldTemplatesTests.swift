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

    /// Every (root, name, context) to render: 7 mail kinds × 2 locales × 3 parts, 3 reports × 2 locales.
    static func requests() throws -> [(root: URL, name: String, context: [String: Any])] {
        var out: [(URL, String, [String: Any])] = []
        let mail = templates.appendingPathComponent("mail")
        for kind in ["alert", "recovery", "acknowledgement", "digest", "report", "2fa", "test"] {
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

    @Test func mailAndReportTemplatesMatchJinja2() throws {
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
            let env = Environment(loader: DirectoryLoader(searchPath: [request.root]), configuration: configuration)
            let ours = try env.template(named: request.name)
                .render(json: JSONSerialization.data(withJSONObject: request.context))
            #expect(ours == oracle, "\(request.root.lastPathComponent)/\(request.name) differs from Jinja2")
            if ours == oracle { matched += 1 }
        }
        #expect(matched == 48)
    }
}
