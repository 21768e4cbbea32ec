import Foundation

/// A report as Herald lays it out: metadata, page furniture and a flow of blocks.
///
/// Report templates produce it as XML (see ReportTemplates/README.md); ``DocumentParser`` reads it.
public struct ReportDocument: Sendable, Equatable {
    public var title = ""
    public var author = ""
    public var subject = ""
    /// The creation date written into the PDF: from the data, so the same input gives the same bytes.
    public var created = Date(timeIntervalSince1970: 0)
    /// Text at the top left of every page after the title page.
    public var header = ""
    /// Text at the bottom left of every page; "Page X of Y" (in `pageLabel`'s words) goes on the right.
    public var footer = ""
    /// The page number label, with `{page}` and `{pages}`: `Page {page} of {pages}`, `Seite {page} von {pages}`.
    public var pageLabel = "Page {page} of {pages}"
    /// Blocks on a title page of their own, before the flow; empty for none.
    public var titlePage: [Block] = []
    public var blocks: [Block] = []

    public init() {}
}

/// A status as the monitoring product reports it; rendered with a colour and its name.
public enum Status: String, Sendable, Equatable, CaseIterable {
    case ok = "OK", warn = "WARN", crit = "CRIT", noData = "NO_DATA"
}

/// Inline text: runs with bold, italic, colour and links, kept as Pango markup.
public struct RichText: Sendable, Equatable {
    /// Pango markup (escaped text with <b>, <i>, <span foreground=...>, <u> for links).
    public var markup: String
    /// Plain text, for the PDF outline.
    public var plain: String

    /// The links, by byte range of the text Pango lays out from `markup`.
    public var links: [Link]

    /// A clickable range: bytes `start..<end` of the laid-out text open `uri`.
    public struct Link: Sendable, Equatable {
        public var start: Int
        public var end: Int
        public var uri: String
    }

    public init(markup: String, plain: String, links: [Link] = []) {
        self.markup = markup
        self.plain = plain
        self.links = links
    }

    /// Plain text, escaped for markup.
    public init(_ text: String) {
        self.init(markup: RichText.escape(text), plain: text)
    }

    static func escape(_ text: String) -> String {
        // Most texts (every table cell) have nothing to escape: return them as they are.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for c in text.unicodeScalars { appendEscaped(c, to: &out) }
        return out
    }

    /// Appends `c` to markup, as an entity when Pango's markup parser would read it as syntax.
    static func appendEscaped(_ c: Unicode.Scalar, to markup: inout String) {
        switch c {
        case "&": markup += "&amp;"
        case "<": markup += "&lt;"
        case ">": markup += "&gt;"
        case "\"": markup += "&quot;"
        case "'": markup += "&#39;"
        default: markup.unicodeScalars.append(c)
        }
    }
}

/// Horizontal alignment in a table column.
public enum Alignment: String, Sendable, Equatable {
    case left, center, right
}

/// One table cell: text, or a status shown with its colour and name.
public struct Cell: Sendable, Equatable {
    public var text: RichText
    public var status: Status?

    public init(text: RichText, status: Status? = nil) {
        self.text = text
        self.status = status
    }
}

/// A table: column widths (relative), alignments, header rows repeated on every page, body rows kept whole.
public struct Table: Sendable, Equatable {
    public var widths: [Double]
    public var alignments: [Alignment]
    public var header: [[Cell]]
    public var rows: [[Cell]]
    public var zebra: Bool

    public init(widths: [Double], alignments: [Alignment], header: [[Cell]], rows: [[Cell]], zebra: Bool) {
        self.widths = widths
        self.alignments = alignments
        self.header = header
        self.rows = rows
        self.zebra = zebra
    }
}

/// One element of the flow.
public indirect enum Block: Sendable, Equatable {
    case heading(level: Int, text: RichText)
    case paragraph(RichText)
    case list(ordered: Bool, items: [RichText])
    case keyValue([(key: String, value: RichText)])
    case table(Table)
    case image(png: Data, width: Double?)
    case pageBreak
    /// Blocks that go on one page together when they fit on one.
    case keepTogether([Block])
    case spacer(Double)
    case chart(Chart)

    public static func == (lhs: Block, rhs: Block) -> Bool {
        switch (lhs, rhs) {
        case let (.heading(a, b), .heading(c, d)): a == c && b == d
        case let (.paragraph(a), .paragraph(b)): a == b
        case let (.list(a, b), .list(c, d)): a == c && b == d
        case let (.keyValue(a), .keyValue(b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        case let (.table(a), .table(b)): a == b
        case let (.image(a, b), .image(c, d)): a == c && b == d
        case (.pageBreak, .pageBreak): true
        case let (.keepTogether(a), .keepTogether(b)): a == b
        case let (.spacer(a), .spacer(b)): a == b
        case let (.chart(a), .chart(b)): a == b
        default: false
        }
    }
}
