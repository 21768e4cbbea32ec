import Foundation
import HeraldTestSupport
import Testing

/// `herald template render/check` and `herald report render` as scripts call them.
@Suite struct TemplateAndReportCLITests {
    static func dir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test func renderPrintsExactlyTheRendering() async throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(at: d) }
        try "{% extends \"base.html.j2\" %}{% block body %}<b>{{ user }}</b>{% endblock %}".write(to: d.appendingPathComponent("page.html.j2"), atomically: true, encoding: .utf8)
        let shared = d.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        try "<p>{% block body %}{% endblock %}</p>".write(to: shared.appendingPathComponent("base.html.j2"), atomically: true, encoding: .utf8)
        try #"{"user": "<Jürgen & Co>"}"#.write(to: d.appendingPathComponent("d.json"), atomically: true, encoding: .utf8)
        let run = try CLITests.herald(["template", "render", d.appendingPathComponent("page.html.j2").path,
                                       "--data", d.appendingPathComponent("d.json").path, "--search-path", shared.path])
        #expect(run.status == 0, "\(run.stderr)")
        // Autoescaped (the name ends in .html after .j2) and nothing added, not even a newline.
        #expect(run.stdout == "<p><b>&lt;Jürgen &amp; Co&gt;</b></p>")
    }

    @Test func syntaxErrorIsNameLineColumnAndExit65() async throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(at: d) }
        let file = d.appendingPathComponent("bad.txt")
        try "line one\n{% for x in items %}{{ x }}".write(to: file, atomically: true, encoding: .utf8)
        let run = try CLITests.herald(["template", "render", file.path])
        #expect(run.status == 65)
        #expect(run.stderr.hasPrefix("bad.txt:2:"), "\(run.stderr)")
        #expect(run.stderr.contains("Unexpected end of template"))
    }

    @Test func checkRendersStrictlyWithData() async throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(at: d) }
        try "Hello {{ user.name }}".write(to: d.appendingPathComponent("ok.txt"), atomically: true, encoding: .utf8)
        try "Hello {{ user.nmae }}".write(to: d.appendingPathComponent("typo.txt"), atomically: true, encoding: .utf8)
        try #"{"user": {"name": "Ada"}}"#.write(to: d.appendingPathComponent("d.json"), atomically: true, encoding: .utf8)
        let run = try CLITests.herald(["template", "check", d.appendingPathComponent("ok.txt").path,
                                       d.appendingPathComponent("typo.txt").path, "--data", d.appendingPathComponent("d.json").path])
        #expect(run.status == 65)
        #expect(run.stdout.contains("ok.txt: ok"))
        #expect(run.stderr.contains("typo.txt:1:") && run.stderr.contains("nmae"), "\(run.stderr)")
        let syntaxOnly = try CLITests.herald(["template", "check", d.appendingPathComponent("typo.txt").path])
        #expect(syntaxOnly.status == 0)
        let notJSON = try CLITests.herald(["template", "render", d.appendingPathComponent("ok.txt").path, "--data", d.appendingPathComponent("ok.txt").path])
        #expect(notJSON.status == 64)
    }

    @Test(arguments: ["availability", "alert-summary", "metrics"], ["de", "en"])
    func builtInReportsRender(report: String, locale: String) throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(at: d) }
        let pdf = d.appendingPathComponent("\(report).pdf")
        let run = try CLITests.herald(["report", "render", report, "--data",
                                       packageRoot.appendingPathComponent("ReportTemplates/\(report)/sample-data.json").path,
                                       "--out", pdf.path, "--locale", locale, "--tz", "Europe/Berlin"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try runTool("qpdf", ["--check", pdf.path]).status == 0)
        let fonts = try runTool("pdffonts", [pdf.path]).output.split(separator: "\n").dropFirst(2)
        #expect(!fonts.isEmpty && fonts.allSatisfy { $0.split(separator: " ").suffix(5).prefix(2) == ["yes", "yes"] })
        let text = try runTool("pdftotext", [pdf.path, "-"]).output
        #expect(text.contains(locale == "de" ? "Seite 1 von" : "Page 1 of"))
        #expect(text.contains("Acme & Söhne GmbH"))
        // The bookmarks: the headings, and the titled charts one level below theirs.
        let outline = try JSONSerialization.jsonObject(with: Data(runTool("qpdf", ["--json", "--json-key=outlines", pdf.path]).output.utf8)) as? [String: Any]
        func titles(_ items: Any?, depth: Int = 0) -> [String] {
            (items as? [[String: Any]] ?? []).flatMap { [String(repeating: " ", count: depth) + ($0["title"] as? String ?? "")] + titles($0["kids"], depth: depth + 1) }
        }
        let bookmarks = titles(outline?["outlines"])
        let expected: [String: [String: [String]]] = [
            "availability": ["de": ["Zusammenfassung", " Verfügbarkeit gegen das SLA-Ziel", "Hosts und Dienste", "Zeitverläufe", " db-1.acme.example"],
                             "en": ["Summary", " Availability against the SLA target", "Hosts and services", "Timelines", " db-1.acme.example"]],
            "alert-summary": ["de": ["Alarmübersicht", " Ereignisse nach Zustand", " Auffälligste Dienste", " Alle Ereignisse"],
                              "en": ["Alert summary", " Events by state", " Noisiest services", " All events"]],
            "metrics": ["de": ["Metriken", " CPU db-1"], "en": ["Metrics", " CPU db-1"]],
        ]
        for title in expected[report]![locale]! {
            #expect(bookmarks.contains(title), "bookmark '\(title)' missing: \(bookmarks)")
        }
        let again = d.appendingPathComponent("again.pdf")
        _ = try CLITests.herald(["report", "render", report, "--data",
                                 packageRoot.appendingPathComponent("ReportTemplates/\(report)/sample-data.json").path,
                                 "--out", again.path, "--locale", locale, "--tz", "Europe/Berlin"])
        #expect(FileManager.default.contents(atPath: pdf.path) == FileManager.default.contents(atPath: again.path))
        // Every page against its golden image (pdftoppm, grayscale, 30 dpi).
        let prefix = d.appendingPathComponent("page").path
        #expect(try runTool("pdftoppm", ["-r", "30", "-gray", pdf.path, prefix]).status == 0)
        let pages = try FileManager.default.contentsOfDirectory(atPath: d.path).filter { $0.hasPrefix("page-") }.sorted()
        #expect(!pages.isEmpty)
        for page in pages {
            let rendered = try #require(FileManager.default.contents(atPath: d.appendingPathComponent(page).path))
            let golden = packageRoot.appendingPathComponent("Tests/CLITests/Golden/\(report)\(locale == "de" ? "" : "-en")-\(page)")
            let problem = try compareWithGolden(rendered, golden)
            #expect(problem == nil, "\(report) \(page): \(problem ?? "")")
        }
    }

    @Test func missingDataFieldIsNamed() async throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(at: d) }
        var sample = try JSONSerialization.jsonObject(with: Data(contentsOf: packageRoot.appendingPathComponent("ReportTemplates/availability/sample-data.json"))) as! [String: Any]
        sample.removeValue(forKey: "sla_target")
        let data = d.appendingPathComponent("d.json")
        try JSONSerialization.data(withJSONObject: sample).write(to: data)
        let run = try CLITests.herald(["report", "render", "availability", "--data", data.path, "--out", d.appendingPathComponent("x.pdf").path])
        #expect(run.status == 65)
        #expect(run.stderr.contains("'sla_target' is undefined"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: d.appendingPathComponent("x.pdf").path))
        let badLocale = try CLITests.herald(["report", "render", "availability", "--data", data.path, "--out", "x.pdf", "--locale", "fr"])
        #expect(badLocale.status == 64)
    }

    /// The attack of issue 13: a host name with U+FFFE used to cost the alert summary every
    /// table row after it, with exit 0. Now nothing is written and the exit is 65.
    @Test func aReportThatCannotBeDrawnWholeIsNotWritten() async throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(at: d) }
        let sample = try String(contentsOf: packageRoot.appendingPathComponent("ReportTemplates/alert-summary/sample-data.json"), encoding: .utf8)
        guard let range = sample.range(of: "web-1") ?? sample.range(of: "db-1") ?? sample.range(of: ".example") else {
            Issue.record("the sample data names no host to change")
            return
        }
        let data = d.appendingPathComponent("d.json")
        try sample.replacingCharacters(in: range, with: "web\\ufffe-1").write(to: data, atomically: true, encoding: .utf8)
        let pdf = d.appendingPathComponent("x.pdf")
        let run = try CLITests.herald(["report", "render", "alert-summary", "--data", data.path, "--out", pdf.path])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("U+FFFE"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pdf.path))
    }
}
