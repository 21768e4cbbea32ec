import Foundation

/// Reads a report document in Herald's XML form (see ReportTemplates/README.md).
public enum DocumentParser {
    /// Parses `xml`.
    /// - Throws: ``ReportError`` with code ``ReportError/Code/document`` naming the line, the element and the problem.
    /// - Parameter baseDirectory: where `<img src="file.png">` may read from (the file must be inside
    ///   it); nil allows only `data:image/png;base64,...` images.
    public static func parse(_ xml: Data, baseDirectory: URL? = nil) throws -> ReportDocument {
        let root = try XMLTree.parse(xml)
        guard root.name == "report" else {
            throw ReportError(.document, "the root element is <\(root.name)>; a report document starts with <report>", line: root.line)
        }
        var doc = ReportDocument()
        doc.title = root.attributes["title"] ?? ""
        doc.author = root.attributes["author"] ?? ""
        doc.subject = root.attributes["subject"] ?? ""
        doc.pageLabel = root.attributes["page-label"] ?? doc.pageLabel
        let language = root.attributes["lang"] == "de" ? "de" : "en"
        if let created = root.attributes["created"] {
            guard let date = ReportFormat.parseISO(created) else {
                throw ReportError(.document, "<report created=\"\(created)\">: not an ISO 8601 instant like 2026-11-25T08:00:00Z", line: root.line)
            }
            doc.created = date
        }
        for child in root.children {
            switch child.name {
            case "header": doc.header = child.text
            case "footer": doc.footer = child.text
            case "title-page": doc.titlePage = try child.children.map { try block($0, base: baseDirectory) }
            default: doc.blocks.append(try block(child, base: baseDirectory))
            }
        }
        doc.titlePage = doc.titlePage.map { localized($0, language) }
        doc.blocks = doc.blocks.map { localized($0, language) }
        return doc
    }

    /// `block` with its charts speaking `language` (`<report lang="de">`).
    static func localized(_ block: Block, _ language: String) -> Block {
        switch block {
        case .chart(.timeSeries(var c)):
            c.language = language
            return .chart(.timeSeries(c))
        case .chart(.bars(var c)):
            c.language = language
            return .chart(.bars(c))
        case .keepTogether(let blocks):
            return .keepTogether(blocks.map { localized($0, language) })
        default:
            return block
        }
    }

    static func block(_ e: XMLTree.Element, base: URL?) throws -> Block {
        switch e.name {
        case "h1", "h2", "h3": return .heading(level: Int(String(e.name.last!))!, text: try rich(e))
        case "p": return .paragraph(try rich(e))
        case "ul", "ol":
            return .list(ordered: e.name == "ol", items: try e.children.map { li in
                guard li.name == "li" else { throw unexpected(li, in: e, expected: "<li>") }
                return try rich(li)
            })
        case "kv":
            return .keyValue(try e.children.map { item in
                guard item.name == "item", let key = item.attributes["key"] else {
                    throw ReportError(.document, "<kv> holds <item key=\"...\">value</item> elements; found <\(item.name)>", line: item.line)
                }
                return (key, try rich(item))
            })
        case "table": return .table(try table(e))
        case "chart": return .chart(try chart(e))
        case "page-break": return .pageBreak
        case "spacer": return .spacer(try number(e, "height") ?? 12)
        case "keep":
            // Keeping together is measured per level; nesting it deeply only multiplies work.
            if e.children.contains(where: { $0.name == "keep" }) {
                throw ReportError(.document, "<keep> inside <keep> is not allowed; one level keeps its blocks together", line: e.line)
            }
            return .keepTogether(try e.children.map { try block($0, base: base) })
        case "img":
            guard let src = e.attributes["src"] else { throw ReportError(.document, "<img> needs src=\"file.png\" (a PNG)", line: e.line) }
            let data: Data?
            if src.hasPrefix("data:image/png;base64,") {
                data = Data(base64Encoded: String(src.dropFirst("data:image/png;base64,".count)))
            } else if let base, !src.hasPrefix("/"), !src.split(separator: "/").contains("..") {
                data = FileManager.default.contents(atPath: base.appendingPathComponent(src).path)
            } else {
                throw ReportError(.document, "<img src=\"\(src.prefix(60))\">: give a data:image/png;base64 URL or a path relative to the report's directory (no .. and no absolute path)", line: e.line)
            }
            guard let png = data, png.starts(with: [0x89, 0x50, 0x4E, 0x47]) else {
                throw ReportError(.document, "<img src=\"\(src.prefix(60))\">: not a readable PNG file or data: URL", line: e.line)
            }
            return .image(png: png, width: try number(e, "width"))
        default:
            throw ReportError(.document, "unknown element <\(e.name)>; use h1-h3, p, ul, ol, kv, table, chart, img, keep, spacer or page-break", line: e.line)
        }
    }

    static func instant(_ e: XMLTree.Element, _ attribute: String) throws -> Date {
        guard let text = e.attributes[attribute], let date = ReportFormat.parseISO(text) else {
            throw ReportError(.document, "<\(e.name) \(attribute)=...>: needs an ISO 8601 instant like 2026-11-23T00:00:00Z", line: e.line)
        }
        return date
    }

    static func zone(_ e: XMLTree.Element) throws -> TimeZone {
        let name = e.attributes["tz"] ?? "UTC"
        guard let zone = TimeZone(identifier: name) else {
            throw ReportError(.document, "<\(e.name) tz=\"\(name)\">: unknown time zone; use an IANA name like Europe/Berlin", line: e.line)
        }
        return zone
    }

    static func status(_ e: XMLTree.Element) throws -> Status? {
        guard let s = e.attributes["status"] else { return nil }
        guard let status = Status(rawValue: s) else {
            throw ReportError(.document, "<\(e.name) status=\"\(s)\">: use OK, WARN, CRIT or NO_DATA", line: e.line)
        }
        return status
    }

    /// `<chart type="timeseries|bars|timeline" ...>`; see ReportTemplates/README.md.
    static func chart(_ e: XMLTree.Element) throws -> Chart {
        let title = e.attributes["title"] ?? ""
        let unit = e.attributes["unit"] ?? ""
        switch e.attributes["type"] {
        case "timeseries":
            let series = try e.children.map { s -> TimeSeriesChart.Series in
                guard s.name == "series" else { throw unexpected(s, in: e, expected: "<series>") }
                let points = try Self.points(s.text, series: s.attributes["name"] ?? "", line: s.line)
                return TimeSeriesChart.Series(name: s.attributes["name"] ?? "", points: points.sorted { $0.time < $1.time })
            }
            return .timeSeries(TimeSeriesChart(title: title, unit: unit, area: e.attributes["style"] == "area",
                                               threshold: try number(e, "threshold"), zone: try zone(e), series: series,
                                               height: min(try number(e, "height") ?? 160, 500)))
        case "bars":
            let bars = try e.children.map { b -> BarChart.Bar in
                guard b.name == "bar", let label = b.attributes["label"], let v = b.attributes["value"].flatMap(Double.init), v.isFinite else {
                    throw ReportError(.document, "<chart type=\"bars\"> holds <bar label=\"...\" value=\"number\"/>", line: b.line)
                }
                return BarChart.Bar(label: label, value: v, status: try status(b), text: b.attributes["text"].map { String($0.prefix(60)) })
            }
            var chart = BarChart(title: title, unit: unit, target: try number(e, "target"), minimum: try number(e, "min"), bars: bars)
            if let label = e.attributes["target-label"] { chart.targetLabel = String(label.prefix(40)) }
            if let text = e.attributes["target-text"] { chart.targetText = String(text.prefix(60)) }
            return .bars(chart)
        case "timeline":
            let rows = try e.children.map { r -> TimelineChart.Row in
                guard r.name == "row" else { throw unexpected(r, in: e, expected: "<row>") }
                return TimelineChart.Row(label: r.attributes["label"] ?? "", spans: try r.children.map { s in
                    guard s.name == "span", let st = try status(s) else {
                        throw ReportError(.document, "<row> holds <span from=... to=... status=.../>", line: s.line)
                    }
                    return TimelineChart.Span(from: try instant(s, "from"), to: try instant(s, "to"), status: st)
                })
            }
            return .timeline(TimelineChart(title: title, start: try instant(e, "start"), end: try instant(e, "end"),
                                           zone: try zone(e), rows: rows))
        default:
            throw ReportError(.document, "<chart type=\"\(e.attributes["type"] ?? "")\">: use timeseries, bars or timeline", line: e.line)
        }
    }

    /// Reads `EPOCH:VALUE` pairs separated by white space or commas (`-` or `null` for no data),
    /// byte by byte: a chart carries thousands of them.
    static func points(_ text: String, series: String, line: Int) throws -> [(time: Date, value: Double?)] {
        var out: [(time: Date, value: Double?)] = []
        var text = text
        try text.withUTF8 { bytes in
            var i = 0
            let n = bytes.count
            while i < n {
                while i < n, bytes[i] == 32 || bytes[i] == 10 || bytes[i] == 13 || bytes[i] == 9 || bytes[i] == 44 { i += 1 }
                guard i < n else { break }
                let start = i
                while i < n, !(bytes[i] == 32 || bytes[i] == 10 || bytes[i] == 13 || bytes[i] == 9 || bytes[i] == 44) { i += 1 }
                let token = UnsafeBufferPointer(rebasing: bytes[start..<i])
                guard let colon = token.firstIndex(of: UInt8(ascii: ":")),
                      let t = Double(String(decoding: UnsafeBufferPointer(rebasing: token[..<colon]), as: UTF8.self)),
                      t.isFinite, abs(t) < 1e11 else {
                    throw ReportError(.document, "<series name=\"\(series)\">: \"\(String(decoding: token, as: UTF8.self).prefix(40))\" is not EPOCH:VALUE (seconds since 1970; VALUE - for no data)", line: line)
                }
                let valueText = String(decoding: UnsafeBufferPointer(rebasing: token[(colon + 1)...]), as: UTF8.self)
                if valueText == "-" || valueText == "null" {
                    out.append((Date(timeIntervalSince1970: t), nil))
                } else if let v = Double(valueText), v.isFinite {
                    out.append((Date(timeIntervalSince1970: t), v))
                } else {
                    throw ReportError(.document, "<series name=\"\(series)\">: \"\(valueText.prefix(20))\" is not a number", line: line)
                }
            }
        }
        return out
    }

    static func number(_ e: XMLTree.Element, _ attribute: String) throws -> Double? {
        guard let text = e.attributes[attribute] else { return nil }
        guard let value = Double(text), value >= 0, value.isFinite else {
            throw ReportError(.document, "<\(e.name) \(attribute)=\"\(text)\">: not a non-negative number", line: e.line)
        }
        return value
    }

    static func unexpected(_ child: XMLTree.Element, in parent: XMLTree.Element, expected: String) -> ReportError {
        ReportError(.document, "<\(parent.name)> may hold only \(expected); found <\(child.name)>", line: child.line)
    }

    static func table(_ e: XMLTree.Element) throws -> Table {
        var header: [[Cell]] = []
        var rows: [[Cell]] = []
        func row(_ tr: XMLTree.Element, in parent: XMLTree.Element) throws -> [Cell] {
            guard tr.name == "tr" else { throw unexpected(tr, in: parent, expected: "<tr>") }
            return try tr.children.map { cell in
                guard cell.name == "td" || cell.name == "th" else { throw unexpected(cell, in: tr, expected: "<td> or <th>") }
                let cellStatus = try status(cell)
                var text = try rich(cell)
                if let cellStatus, text.plain.isEmpty { text = RichText(cellStatus.rawValue) }
                return Cell(text: text, status: cellStatus)
            }
        }
        for section in e.children {
            switch section.name {
            case "thead": header += try section.children.map { try row($0, in: section) }
            case "tbody": rows += try section.children.map { try row($0, in: section) }
            case "tr": rows.append(try row(section, in: e))
            default: throw unexpected(section, in: e, expected: "<thead>, <tbody> or <tr>")
            }
        }
        let columns = max(header.map(\.count).max() ?? 0, rows.map(\.count).max() ?? 0)
        guard columns > 0 else { throw ReportError(.document, "<table> has no cells", line: e.line) }
        var widths = try (e.attributes["widths"]?.split(separator: ",").map { piece -> Double in
            guard let w = Double(piece.trimmingCharacters(in: .whitespaces)), w > 0 else {
                throw ReportError(.document, "<table widths=\"\(e.attributes["widths"]!)\">: relative widths must be positive numbers, like 3,1,1", line: e.line)
            }
            return w
        }) ?? []
        if widths.count != columns {
            guard widths.isEmpty else {
                throw ReportError(.document, "<table widths>: \(widths.count) widths for \(columns) columns", line: e.line)
            }
            widths = Array(repeating: 1, count: columns)
        }
        var alignments = try (e.attributes["align"]?.split(separator: ",").map { piece -> Alignment in
            guard let a = Alignment(rawValue: piece.trimmingCharacters(in: .whitespaces)) else {
                throw ReportError(.document, "<table align>: \"\(piece)\" is not left, center or right", line: e.line)
            }
            return a
        }) ?? []
        if alignments.count < columns { alignments += Array(repeating: .left, count: columns - alignments.count) }
        return Table(widths: widths, alignments: Array(alignments.prefix(columns)), header: header, rows: rows,
                     zebra: e.attributes["zebra"] != "false")
    }

    /// Inline content as Pango markup: <b>, <i>, <color value="#rrggbb">, <a href="...">, <br/>.
    ///
    /// White space collapses as in HTML while the markup is built, so the byte offsets of the
    /// links are those of the text Pango lays out.
    static func rich(_ e: XMLTree.Element) throws -> RichText {
        var markup = ""
        // The text Pango will see (markup without tags, entities decoded): link ranges index it.
        var laidOut = 0
        var plain = ""
        var pendingSpace = false
        // White space right after a <br/> would indent the new line: it goes, as in HTML.
        var afterBreak = false
        var links: [RichText.Link] = []
        var openLink: (start: Int?, uri: String)?
        // A space pending before a tag goes before it, so a link or bold run does not start with one.
        func flushSpace() {
            if pendingSpace {
                markup += " "; laidOut += 1; plain += " "
                pendingSpace = false
            }
        }
        func emit(_ c: Unicode.Scalar) {
            flushSpace()
            if openLink != nil && openLink!.start == nil { openLink!.start = laidOut }
            RichText.appendEscaped(c, to: &markup)
            laidOut += UTF8.width(c)
            plain.unicodeScalars.append(c == "\n" ? " " : c)
            afterBreak = c == "\n"
        }
        func walk(_ nodes: [XMLTree.Node]) throws {
            for node in nodes {
                switch node {
                case .text(let t):
                    for c in t.unicodeScalars {
                        if c == " " || c == "\t" || c == "\n" || c == "\r" {
                            pendingSpace = laidOut > 0 && !afterBreak
                        } else {
                            emit(c)
                        }
                    }
                case .element(let child):
                    if child.name != "br" { flushSpace() }
                    switch child.name {
                    case "b": markup += "<b>"; try walk(child.nodes); markup += "</b>"
                    case "i": markup += "<i>"; try walk(child.nodes); markup += "</i>"
                    case "color":
                        guard let v = child.attributes["value"], v.count == 7, v.hasPrefix("#"), v.dropFirst().allSatisfy(\.isHexDigit) else {
                            throw ReportError(.document, "<color value=...> needs a colour like #cf222e", line: child.line)
                        }
                        markup += "<span foreground=\"\(v)\">"; try walk(child.nodes); markup += "</span>"
                    case "a":
                        let uri = try linkTarget(child)
                        guard openLink == nil else {
                            throw ReportError(.document, "<a> inside <a>: links do not nest; close the first one", line: child.line)
                        }
                        openLink = (nil, uri)
                        markup += "<span foreground=\"#0969da\" underline=\"single\">"; try walk(child.nodes); markup += "</span>"
                        if let start = openLink?.start, laidOut > start { links.append(RichText.Link(start: start, end: laidOut, uri: uri)) }
                        openLink = nil
                    case "br":
                        pendingSpace = false
                        emit("\n")
                    default:
                        throw ReportError(.document, "<\(child.name)> is not inline; inside <\(e.name)> use b, i, color, a or br", line: child.line)
                    }
                }
            }
        }
        try walk(e.nodes)
        return RichText(markup: markup, plain: plain, links: links)
    }

    /// The `href` of an `<a>`: an absolute http, https or mailto URI without spaces or quotes.
    static func linkTarget(_ a: XMLTree.Element) throws -> String {
        guard let href = a.attributes["href"], !href.isEmpty else {
            throw ReportError(.document, "<a> needs href=\"https://...\" (the address the link opens)", line: a.line)
        }
        let lower = href.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") else {
            throw ReportError(.document, "<a href=\"\(href)\">: a link must start with https://, http:// or mailto:", line: a.line)
        }
        guard href.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "'" && $0 != "\\" && $0 != "\"" }) else {
            throw ReportError(.document, "<a href>: the address contains a space, quote, backslash or control character; percent-encode it (%20, %27)", line: a.line)
        }
        return href
    }

}
