import Foundation
import HeraldTestSupport
import Testing
@testable import Reports

/// PDFs checked with real PDF tools: qpdf, poppler's pdffonts, pdftotext, pdfinfo and pdftoppm.
@Suite struct ReportRenderingTests {
    static let renderer = PDFRenderer(fontsDirectory: packageRoot.appendingPathComponent("Fonts").path)
    static let statuses = ["OK", "WARN", "CRIT", "NO_DATA"]

    /// A German availability report with `rows` hosts.
    static func document(rows: Int) -> String {
        var table = ""
        for i in 0..<rows {
            table += "<tr><td>host-\(String(format: "%03d", i)).acme.example</td><td>\(i % 3 == 0 ? "Überwachung" : "HTTP")</td>"
            table += "<td status=\"\(statuses[i % 4])\"/><td>\(String(format: "%.2f", 99.9 - Double(i) * 0.01)) %</td></tr>\n"
        }
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <report title="Verfügbarkeit KW 47" author="Herald" subject="Verfügbarkeit" created="2026-11-23T07:00:00Z" page-label="Seite {page} von {pages}">
          <header>Acme &amp; Söhne GmbH · Verfügbarkeitsbericht</header>
          <footer>Vertraulich</footer>
          <title-page><h1>Verfügbarkeitsbericht KW 47</h1><p>Zeitraum 16.–22. November 2026</p></title-page>
          <h1>Zusammenfassung</h1>
          <p>Die Verfügbarkeit lag bei <b>99,95 %</b>. Größte Störung: <color value="#cf222e">db-1</color>. Sonderzeichen: ä ö ü ß € „Zitat“ <a href="https://example.com">Details</a>.</p>
          <kv><item key="Hosts">\(rows)</item><item key="Ausfälle">3</item></kv>
          <h2>Hosts</h2>
          <table widths="4,2,1.2,1.5" align="left,left,center,right">
            <thead><tr><th>Host</th><th>Dienst</th><th>Status</th><th>Anteil</th></tr></thead>
            <tbody>\(table)</tbody>
          </table>
          <h2>Ende</h2>
          <p>Ende des Berichts.</p>
        </report>
        """
    }

    static func tool(_ name: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try runTool(name, arguments)
    }

    static func write(_ pdf: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-report-\(UUID().uuidString).pdf")
        try pdf.write(to: url)
        return url
    }

    @Test func germanReportPassesThePDFTools() async throws {
        let pdf = try Self.renderer.render(DocumentParser.parse(Data(Self.document(rows: 120).utf8)))
        let url = try Self.write(pdf)
        defer { try? FileManager.default.removeItem(at: url) }

        #expect(try Self.tool("qpdf", ["--check", url.path]).status == 0)

        let fonts = try Self.tool("pdffonts", [url.path]).output.split(separator: "\n").dropFirst(2)
        #expect(!fonts.isEmpty)
        for line in fonts {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            // emb, sub, uni are the three columns before the object id.
            #expect(columns.suffix(5).prefix(2) == ["yes", "yes"], "\(line)")
            #expect(columns.first?.contains("+DejaVuSans") == true, "a font from outside Fonts/: \(line)")
        }

        let info = try Self.tool("pdfinfo", [url.path]).output
        #expect(info.contains("Title:           Verfügbarkeit KW 47"))
        #expect(info.contains("CreationDate:    Mon Nov 23 07:00:00 2026 UTC"))
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }!.split(separator: " ").last!)!

        let text = try Self.tool("pdftotext", ["-layout", url.path, "-"]).output
        #expect(text.contains("ä ö ü ß € „Zitat“"))
        #expect(text.contains("Größte Störung: db-1."))
        // Every host once; the header row on every page the table spans.
        for i in 0..<120 {
            let host = "host-\(String(format: "%03d", i)).acme.example"
            #expect(text.components(separatedBy: host).count == 2, "\(host)")
        }
        var tablePages = 0
        for page in 2...pages {
            let pageText = try Self.tool("pdftotext", ["-f", "\(page)", "-l", "\(page)", "-layout", url.path, "-"]).output
            #expect(pageText.contains("Seite \(page) von \(pages)"))
            if pageText.contains(".acme.example") {
                tablePages += 1
                #expect(pageText.contains("Host") && pageText.contains("Anteil"), "page \(page) lacks the header row")
            }
        }
        #expect(tablePages >= 3)
        let titlePage = try Self.tool("pdftotext", ["-f", "1", "-l", "1", url.path, "-"]).output
        #expect(titlePage.contains("Verfügbarkeitsbericht KW 47") && !titlePage.contains("Acme & Söhne GmbH · Verfügbarkeitsbericht"))
    }

    @Test func sameInputSameBytesAlsoInParallel() async throws {
        let document = try DocumentParser.parse(Data(Self.document(rows: 60).utf8))
        let first = try Self.renderer.render(document)
        let parallel = try await withThrowingTaskGroup(of: Data.self) { group in
            for i in 0..<4 {
                group.addTask { try await Self.renderer.render(document, on: DispatchQueue(label: "render-\(i)")) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(parallel.count == 4)
        #expect(parallel.allSatisfy { $0 == first })
    }

    /// A host name too long for any column: the headers, statuses, figures and durations keep
    /// their words whole (pdftotext shows each on one line), and the host name wraps at its
    /// hyphens, not inside a word.
    @Test func aLongHostNameBreaksNoOtherColumnsWords() async throws {
        let host = "primary-database-node-01.datacenter-frankfurt.acme-hosting.example"
        let rows = (0..<4).map { i in
            "<tr><td>\(i == 0 ? host : "mail-gw.acme.example")</td><td>PostgreSQL</td><td status=\"CRIT\"/><td>99,838\u{A0}%</td><td>3</td><td>1\u{A0}Std.\u{A0}28\u{A0}Min.</td></tr>"
        }.joined()
        let xml = """
            <report title="t" created="2026-11-23T07:00:00Z"><table widths="3,3,1.3,1.6,1.2,1.2" align="left,left,center,right,right,right">
            <thead><tr><th>Host</th><th>Dienst</th><th>Status</th><th>Verfügbarkeit</th><th>Ausfälle</th><th>MTTR</th></tr></thead>
            <tbody>\(rows)</tbody></table></report>
            """
        let url = try Self.write(try Self.renderer.render(DocumentParser.parse(Data(xml.utf8))))
        defer { try? FileManager.default.removeItem(at: url) }
        let text = try Self.tool("pdftotext", ["-layout", url.path, "-"]).output.replacingOccurrences(of: "\u{A0}", with: " ")
        let header = try #require(text.split(separator: "\n").first { $0.contains("Host") })
        for word in ["Dienst", "Status", "Verfügbarkeit", "Ausfälle", "MTTR"] {
            #expect(header.contains(word), "\(word) broken: \(header)")
        }
        #expect(text.contains("99,838 %") && text.contains("1 Std. 28 Min.") && text.contains("PostgreSQL") && text.contains("CRIT"), "\(text)")
        #expect(text.contains("mail-gw.acme.example"), "a name that fits is not wrapped: \(text)")
        #expect(text.contains("primary-database-"), "the long name wraps at a hyphen: \(text)")
    }

    @Test func thousandsOfRowsMakeACorrectMultiPageReport() async throws {
        let pdf = try Self.renderer.render(DocumentParser.parse(Data(Self.document(rows: 3000).utf8)))
        let url = try Self.write(pdf)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try Self.tool("qpdf", ["--check", url.path]).status == 0)
        let text = try Self.tool("pdftotext", [url.path, "-"]).output
        #expect(text.contains("host-2999.acme.example"))
        let pages = try Self.tool("pdfinfo", [url.path]).output
        #expect(pages.contains("Pages:") && !pages.contains("Pages:           1\n"))
    }

    @Test(arguments: [
        ("<report><p>ok</p><blink>x</blink></report>", "unknown element <blink>", 1),
        ("<report>\n<table><tr><td status=\"RED\">x</td></tr></table></report>", "use OK, WARN, CRIT or NO_DATA", 2),
        ("<report><table widths=\"1,2\"><tr><td>a</td><td>b</td><td>c</td></tr></table></report>", "2 widths for 3 columns", 1),
        ("<report><p>unclosed <b>bold</p></report>", "not well-formed", 1),
        ("<report created=\"yesterday\"/>", "not an ISO 8601 instant", 1),
        ("<html/>", "starts with <report>", 1),
        ("<report><p><h1>x</h1></p></report>", "<h1> is not inline", 1),
        ("<report><keep><keep><p>x</p></keep></keep></report>", "<keep> inside <keep>", 1),
        ("<report><img src=\"/etc/passwd\"/></report>", "relative to the report's directory", 1),
        ("<report><img src=\"../secret.png\"/></report>", "relative to the report's directory", 1),
        ("<report><chart type=\"timeseries\"><series name=\"a\">inf:1 1:2</series></chart></report>", "is not EPOCH:VALUE", 1),
        ("<report>\n\n<p><a>docs</a></p></report>", "<a> needs href", 3),
        ("<report><p><a href=\"javascript:alert(1)\">x</a></p></report>", "must start with https://, http:// or mailto:", 1),
        ("<report><p><a href=\"https://x.example/a b\">x</a></p></report>", "percent-encode it", 1),
        ("<report><p><a href=\"https://a.example/\"><a href=\"https://b.example/\">x</a></a></p></report>", "links do not nest", 1),
    ])
    func badDocumentsNameTheProblem(xml: String, message: String, line: Int) {
        let error = #expect(throws: ReportError.self) { try DocumentParser.parse(Data(xml.utf8)) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.line == line)
    }

    @Test func lineBreaksSurviveWhiteSpaceCollapsing() async throws {
        let doc = try DocumentParser.parse(Data("<report><p>one\n   two<br/>three</p></report>".utf8))
        #expect(doc.blocks == [.paragraph(RichText(markup: "one two\nthree", plain: "one two three"))])
        // No space lingers at the end of a line or indents the next one.
        let spaced = try DocumentParser.parse(Data("<report><p>one <br/>\n  two</p></report>".utf8))
        #expect(spaced.blocks == [.paragraph(RichText(markup: "one\ntwo", plain: "one two"))])
    }

    @Test func linkRangesIndexTheLaidOutText() async throws {
        let doc = try DocumentParser.parse(Data("""
            <report><p>  Größe &amp;
              <a href="https://x.example/runbook?id=7">the <b>run  book</b></a>  now</p></report>
            """.utf8))
        let text = RichText(markup: "Größe &amp; <span foreground=\"#0969da\" underline=\"single\">the <b>run book</b></span> now",
                            plain: "Größe & the run book now",
                            links: [.init(start: 10, end: 22, uri: "https://x.example/runbook?id=7")])
        #expect(doc.blocks == [.paragraph(text)])
        // Bytes 10..<22 of "Größe & the run book now" (ö and ß take two bytes each) are "the run book".
        #expect(String(decoding: Array(text.plain.utf8)[10..<22], as: UTF8.self) == "the run book")
    }

    @Test func linksAreClickableAndTheFileIsSound() async throws {
        let long = String(repeating: "a long link text that wraps ", count: 6)
        let xml = """
            <report title="Links"><p>Before <a href="https://status.example/incidents/42">\(long)</a> after.</p>
            <p>Write to <a href="mailto:ops@example.com">ops@example.com</a>.</p>
            <table><tr><td><a href="https://grafana.example/d/abc">db-1</a></td><td>OK</td></tr></table></report>
            """
        let pdf = try Self.renderer.render(DocumentParser.parse(Data(xml.utf8)))
        let url = try Self.write(pdf)
        defer { try? FileManager.default.removeItem(at: url) }
        let check = try Self.tool("qpdf", ["--check", url.path])
        #expect(check.status == 0, "\(check.output)")
        let links = try Self.tool("pdfinfo", ["-url", url.path]).output
        for uri in ["https://status.example/incidents/42", "mailto:ops@example.com", "https://grafana.example/d/abc"] {
            #expect(links.contains(uri), "\(links)")
        }
        #expect(try Self.tool("pdftotext", [url.path, "-"]).output.contains("Before a long link text"))

        // The wrapped link covers its own text on each line it runs over, not the whole paragraph.
        guard case let .paragraph(rich) = try DocumentParser.parse(Data(xml.utf8)).blocks[0] else { Issue.record("no paragraph"); return }
        let fonts = try FontContext(fontsDirectory: packageRoot.appendingPathComponent("Fonts").path)
        let layout = fonts.layout(rich.markup, font: PageLayout.body, width: 200, links: rich.links)
        let rects = layout.rectangles(of: rich.links[0])
        #expect(rects.count >= 4, "\(rects)")
        #expect(rects[0].0 > 20)                       // after "Before " on the first line
        #expect(rects.dropFirst().allSatisfy { $0.0 < 1 })   // from the left edge on the next lines
        #expect(zip(rects, rects.dropFirst()).allSatisfy { $0.1 + $0.3 <= $1.1 + 0.01 })   // one below the other
        #expect(rects.allSatisfy { $0.2 > 0 && $0.2 <= 200 && $0.3 > 8 && $0.3 < 16 })
        // Rendering twice gives the same bytes, repair included.
        #expect(try Self.renderer.render(DocumentParser.parse(Data(xml.utf8))) == pdf)
    }

    @Test func fontsOnlyFromTheConfiguredDirectory() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("herald-nofonts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let error = #expect(throws: ReportError.self) {
            try PDFRenderer(fontsDirectory: empty.path).render(DocumentParser.parse(Data("<report><p>x</p></report>".utf8)))
        }
        #expect(error?.code == .fonts)
    }

    /// Pages rendered with pdftoppm (grayscale, 30 dpi) against committed golden images. Set
    /// HERALD_UPDATE_GOLDEN=1 to write them anew after an intended change, and look at them.
    @Test func pagesMatchTheGoldenImages() async throws {
        let pdf = try Self.renderer.render(DocumentParser.parse(Data(Self.document(rows: 120).utf8)))
        let url = try Self.write(pdf)
        let prefix = url.deletingPathExtension().path
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try Self.tool("pdftoppm", ["-r", "30", "-gray", "-f", "1", "-l", "3", url.path, prefix]).status == 0)
        let golden = packageRoot.appendingPathComponent("Tests/ReportsTests/Golden")
        for page in 1...3 {
            let rendered = try #require(FileManager.default.contents(atPath: "\(prefix)-\(page).pgm"))
            try? FileManager.default.removeItem(atPath: "\(prefix)-\(page).pgm")
            let problem = try compareWithGolden(rendered, golden.appendingPathComponent("availability-\(page).pgm"))
            #expect(problem == nil, "page \(page): \(problem ?? "")")
        }
    }
}

@Suite struct LargeReportTests {
    /// 100,000 rows make a correct report of thousands of pages, not a crash.
    @Test func hundredThousandRows() async throws {
        var xml = "<report title=\"big\" created=\"2026-11-23T07:00:00Z\"><h1>Big</h1><table widths=\"3,2,1,1\"><thead><tr><th>Host</th><th>Dienst</th><th>Status</th><th>N</th></tr></thead><tbody>"
        for i in 0..<100_000 {
            xml += "<tr><td>host-\(i)</td><td>HTTP</td><td status=\"\(ReportRenderingTests.statuses[i % 4])\"/><td>\(i)</td></tr>"
        }
        xml += "</tbody></table></report>"
        let pdf = try ReportRenderingTests.renderer.render(DocumentParser.parse(Data(xml.utf8)))
        let url = try ReportRenderingTests.write(pdf)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try runTool("qpdf", ["--check", url.path]).status == 0)
        let info = try runTool("pdfinfo", [url.path]).output
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }!.split(separator: " ").last!)!
        #expect(pages > 2000)
        let last = try runTool("pdftotext", ["-f", "\(pages)", "-l", "\(pages)", url.path, "-"]).output
        #expect(last.contains("host-99999") && last.contains("Host"))
    }
}
