import CCairo
import Foundation

/// One drawing step, placed on a page.
enum DrawOp {
    case text(TextLayout, x: Double, y: Double, color: RGB)
    case rect(x: Double, y: Double, w: Double, h: Double, color: RGB)
    case line(x1: Double, y1: Double, x2: Double, y2: Double, color: RGB, width: Double)
    case image(Data, x: Double, y: Double, scale: Double)
    case outline(level: Int, title: String, y: Double)
    case chart(Chart, x: Double, y: Double, width: Double)
}

/// Places blocks on A4 pages: headings kept with what follows, tables split between rows with
/// their header rows repeated, rows and keep-together groups never split.
struct PageLayout {
    static let pageWidth = 595.28, pageHeight = 841.89, margin = 56.0
    static let top = 72.0, bottom = pageHeight - 64.0
    static let contentWidth = pageWidth - 2 * margin
    static let body = "DejaVu Sans 10", small = "DejaVu Sans 8"

    let fonts: FontContext
    let document: ReportDocument
    var pages: [[DrawOp]] = []
    var y = top
    /// The level of the last heading placed: a titled chart's bookmark goes one below it.
    var headingLevel = 0

    init(fonts: FontContext, document: ReportDocument) {
        self.fonts = fonts
        self.document = document
    }

    mutating func run() {
        pages = [[]]
        y = Self.top
        if !document.titlePage.isEmpty {
            y = 250
            for block in document.titlePage { place(block) }
            newPage()
        }
        for (i, block) in document.blocks.enumerated() {
            // A heading goes to the next page rather than end a page alone.
            if case .heading = block, i + 1 < document.blocks.count {
                let needed = height(of: block) + min(leadHeight(of: document.blocks[i + 1]), 60)
                if y + needed > Self.bottom && y > Self.top { newPage() }
            }
            place(block)
        }
        if pages.count > 1 && pages.last!.isEmpty { pages.removeLast() }
    }

    mutating func newPage() {
        pages.append([])
        y = Self.top
    }

    mutating func emit(_ op: DrawOp) { pages[pages.count - 1].append(op) }

    /// Starts a new page when `h` does not fit below `y` (unless the page is still empty).
    mutating func ensure(_ h: Double) {
        if y + h > Self.bottom && y > Self.top { newPage() }
    }

    func headingFont(_ level: Int) -> String {
        ["DejaVu Sans Bold 18", "DejaVu Sans Bold 14", "DejaVu Sans Bold 11.5"][min(max(level, 1), 3) - 1]
    }

    /// The height of a block's first piece, which must stay with a heading above it: a table's
    /// header and first row (laying out a long table twice to learn this would double its cost).
    func leadHeight(of block: Block) -> Double {
        if case let .table(table) = block {
            let lead = Table(widths: table.widths, alignments: table.alignments, header: table.header,
                             rows: Array(table.rows.prefix(1)), zebra: table.zebra)
            return height(of: .table(lead))
        }
        return height(of: block)
    }

    func height(of block: Block) -> Double {
        var probe = PageLayout(fonts: fonts, document: document)
        probe.pages = [[]]
        probe.y = 0
        probe.place(block)
        return probe.pages.count == 1 ? probe.y : Self.bottom
    }

    mutating func place(_ block: Block) {
        let width = Self.contentWidth
        switch block {
        case let .heading(level, text):
            let t = fonts.layout(text.markup, font: headingFont(level), width: width, links: text.links)
            ensure(t.height + 10)
            y += level == 1 ? 8 : 4
            emit(.outline(level: level, title: text.plain, y: y))
            headingLevel = level
            emit(.text(t, x: Self.margin, y: y, color: .text))
            y += t.height + (level == 1 ? 10 : 6)
        case let .paragraph(text):
            let t = fonts.layout(text.markup, font: Self.body, width: width, links: text.links)
            ensure(t.height)
            emit(.text(t, x: Self.margin, y: y, color: .text))
            y += t.height + 8
        case let .list(ordered, items):
            for (i, item) in items.enumerated() {
                let marker = fonts.layout(ordered ? "\(i + 1)." : "•", font: Self.body, width: 18)
                let t = fonts.layout(item.markup, font: Self.body, width: width - 18, links: item.links)
                ensure(t.height)
                emit(.text(marker, x: Self.margin, y: y, color: .text))
                emit(.text(t, x: Self.margin + 18, y: y, color: .text))
                y += t.height + 3
            }
            y += 5
        case let .keyValue(pairs):
            let keyWidth = width * 0.32
            for pair in pairs {
                let k = fonts.layout(RichText.escape(pair.key), font: Self.body, width: keyWidth - 8)
                let v = fonts.layout(pair.value.markup, font: Self.body, width: width - keyWidth, links: pair.value.links)
                let h = max(k.height, v.height)
                ensure(h + 4)
                emit(.text(k, x: Self.margin, y: y + 2, color: .muted))
                emit(.text(v, x: Self.margin + keyWidth, y: y + 2, color: .text))
                y += h + 4
                emit(.line(x1: Self.margin, y1: y, x2: Self.margin + width, y2: y, color: .rule, width: 0.5))
            }
            y += 8
        case let .table(table):
            placeTable(table)
        case let .image(png, requested):
            let (pixelWidth, pixelHeight) = Self.pngSize(png)
            let w = min(requested ?? Double(pixelWidth), width)
            let scale = pixelWidth > 0 ? w / Double(pixelWidth) : 1
            let h = Double(pixelHeight) * scale
            ensure(h)
            emit(.image(png, x: Self.margin, y: y, scale: scale))
            y += h + 8
        case .pageBreak:
            if y > Self.top { newPage() }
        case let .keepTogether(blocks):
            let total = blocks.reduce(0) { $0 + height(of: $1) }
            if total <= Self.bottom - Self.top { ensure(total) }
            for b in blocks { place(b) }
        case let .chart(chart):
            let h = chart.height(width: width)
            ensure(h)
            if !chart.title.isEmpty { emit(.outline(level: min(headingLevel + 1, 4), title: chart.title, y: y)) }
            emit(.chart(chart, x: Self.margin, y: y, width: width))
            y += h + 12
        case let .spacer(h):
            y += h
            if y > Self.bottom { newPage() }
        }
    }

    mutating func placeTable(_ table: Table) {
        let pad = 4.0
        let widths = Self.columnWidths(table, fonts: fonts, pad: pad)
        func layoutRow(_ row: [Cell], bold: Bool) -> (cells: [TextLayout], height: Double) {
            var cells: [TextLayout] = []
            for (i, width) in widths.enumerated() {
                let cell = i < row.count ? row[i] : Cell(text: RichText(""))
                var markup = cell.text.markup
                if bold || cell.status != nil { markup = "<b>\(markup)</b>" }
                cells.append(fonts.layout(markup, font: Self.body, width: width - 2 * pad,
                                        alignment: table.alignments[i], links: cell.text.links))
            }
            return (cells, (cells.map(\.height).max() ?? 0) + 2 * pad)
        }
        let header = table.header.map { layoutRow($0, bold: true) }
        let headerHeight = header.reduce(0) { $0 + $1.height }
        // A page's part of the table is drawn in layers: row fills, status fills, texts, rules;
        // status fills and texts grouped by colour. Rows do not overlap, so the picture is the same
        // as row by row, but the PDF gets a few runs of text instead of a text object and a colour
        // change per cell (the renderer joins a run of same-coloured rules into one path).
        var fills: [DrawOp] = [], statusFills: [(RGB, DrawOp)] = [], texts: [(RGB, DrawOp)] = [], rules: [DrawOp] = []
        func drawRow(_ row: (cells: [TextLayout], height: Double), source: [Cell], fill: RGB?) {
            var x = Self.margin
            if let fill { fills.append(.rect(x: x, y: y, w: Self.contentWidth, h: row.height, color: fill)) }
            for (i, cell) in row.cells.enumerated() {
                var color = RGB.text
                if i < source.count, let status = source[i].status {
                    statusFills.append((.status(status), .rect(x: x + 1, y: y + 1, w: widths[i] - 2, h: row.height - 2, color: .status(status))))
                    color = .white
                }
                texts.append((color, .text(cell, x: x + pad, y: y + pad, color: color)))
                x += widths[i]
            }
            y += row.height
            rules.append(.line(x1: Self.margin, y1: y, x2: Self.margin + Self.contentWidth, y2: y, color: .rule, width: 0.5))
        }
        func flush() {
            for op in fills { emit(op) }
            for group in [statusFills, texts] {
                var colours: [RGB] = []
                for (colour, _) in group where !colours.contains(colour) { colours.append(colour) }
                for colour in colours {
                    for (c, op) in group where c == colour { emit(op) }
                }
            }
            for op in rules { emit(op) }
            fills.removeAll(keepingCapacity: true)
            statusFills.removeAll(keepingCapacity: true)
            texts.removeAll(keepingCapacity: true)
            rules.removeAll(keepingCapacity: true)
        }
        func drawHeader() {
            for (i, row) in header.enumerated() { drawRow(row, source: table.header[i], fill: .headerFill) }
        }
        let firstRowHeight = table.rows.first.map { layoutRow($0, bold: false).height } ?? 0
        ensure(headerHeight + firstRowHeight)
        drawHeader()
        for (index, row) in table.rows.enumerated() {
            let laid = layoutRow(row, bold: false)
            if y + laid.height > Self.bottom {
                flush()
                newPage()
                drawHeader()
            }
            drawRow(laid, source: row, fill: table.zebra && index % 2 == 1 ? .zebra : nil)
        }
        flush()
        y += 10
    }

    /// The header line, and the footer with the page number.
    static func furniture(_ fonts: FontContext, document: ReportDocument, page: Int, of pages: Int, isTitlePage: Bool) -> [DrawOp] {
        var ops: [DrawOp] = []
        if !isTitlePage && !document.header.isEmpty {
            let h = fonts.layout(RichText.escape(document.header), font: small, width: contentWidth)
            ops.append(.text(h, x: margin, y: 36, color: .muted))
        }
        let label = document.pageLabel.replacingOccurrences(of: "{page}", with: "\(page)")
            .replacingOccurrences(of: "{pages}", with: "\(pages)")
        let number = fonts.layout(RichText.escape(label), font: small, width: contentWidth, alignment: .right)
        ops.append(.text(number, x: margin, y: bottom + 24, color: .muted))
        if !document.footer.isEmpty {
            let f = fonts.layout(RichText.escape(document.footer), font: small, width: contentWidth * 0.7)
            ops.append(.text(f, x: margin, y: bottom + 24, color: .muted))
        }
        return ops
    }

    /// Width and height from a PNG's IHDR chunk.
    static func pngSize(_ png: Data) -> (Int, Int) {
        guard png.count >= 24 else { return (0, 0) }
        let bytes = [UInt8](png.prefix(24))
        let w = Int(bytes[16]) << 24 | Int(bytes[17]) << 16 | Int(bytes[18]) << 8 | Int(bytes[19])
        let h = Int(bytes[20]) << 24 | Int(bytes[21]) << 16 | Int(bytes[22]) << 8 | Int(bytes[23])
        return (w, h)
    }
}

extension PageLayout {
    /// The columns' widths: the table's proportions, but never narrower than the widest word of
    /// the column's header or cells, so that no word is broken ("Verfügbarkeit", "100,000 %").
    /// A column that needs more takes it from the others in proportion. When the words cannot
    /// all fit side by side, the headers' words and the short pieces of the cells' words (the
    /// pieces a line may break into, after a hyphen or slash before a letter, of at most 16
    /// characters: figures, statuses, durations, service names) still get their width, and the
    /// rest goes to the columns with longer words (host names, URLs) by how much more they need:
    /// those wrap at their hyphens, or Pango breaks them. Only when even the short pieces cannot
    /// fit do all columns shrink together.
    static func columnWidths(_ table: Table, fonts: FontContext, pad: Double) -> [Double] {
        let n = table.widths.count
        guard n > 0 else { return [] }
        let weights = table.widths
        // A piece of at most this many characters is never broken; longer ones may be.
        let short = 16
        var hard = [Double](repeating: 0, count: n), soft = hard
        func measure(_ word: Substring, bold: Bool) -> Double {
            let text = RichText.escape(String(word))
            return fonts.layout(bold ? "<b>\(text)</b>" : text, font: body, width: 10_000).width + 2 * pad + 1
        }
        for i in 0..<n {
            for row in table.header where i < row.count {
                for word in words(row[i].text.plain) {
                    hard[i] = max(hard[i], measure(word, bold: true))
                }
            }
            // The body's three longest short pieces and three longest words, by characters, stand
            // for all: measuring every cell of a long table would cost more than laying it out.
            var kept: [[(text: Substring, bold: Bool)]] = [[], []]
            func shortest(_ k: Int) -> Int { kept[k].count < 3 ? 0 : kept[k][2].text.count }
            func keep(_ k: Int, _ text: Substring, _ bold: Bool) {
                guard kept[k].count < 3 || text.count > shortest(k) else { return }
                kept[k].append((text, bold))
                kept[k].sort { $0.text.count > $1.text.count }
                if kept[k].count > 3 { kept[k].removeLast() }
            }
            for row in table.rows where i < row.count {
                let plain = row[i].text.plain
                // Most cells hold no word longer than those kept: a scan of their bytes tells.
                guard kept[1].count < 3 || longestRun(plain) > min(shortest(0), shortest(1)) else { continue }
                for word in words(plain) {
                    keep(1, word, row[i].status != nil)
                    for piece in pieces(word) where piece.count <= short { keep(0, piece, row[i].status != nil) }
                }
            }
            for (piece, bold) in kept[0] { hard[i] = max(hard[i], measure(piece, bold: bold)) }
            soft[i] = max(hard[i], kept[1].map { measure($0.text, bold: $0.bold) }.max() ?? 0)
        }
        if soft.reduce(0, +) <= contentWidth { return distribute(weights, minimum: soft) }
        if hard.reduce(0, +) <= contentWidth {
            // Short pieces get their width; what is left goes to the long ones by how much more they need.
            let need = (0..<n).map { soft[$0] - hard[$0] }
            let total = need.reduce(0, +)
            let left = contentWidth - hard.reduce(0, +)
            return (0..<n).map { hard[$0] + (total > 0 ? need[$0] / total * left : left / Double(n)) }
        }
        // Not even the short pieces fit side by side: every column shrinks in proportion to its need.
        let sum = hard.reduce(0, +)
        return hard.map { $0 / sum * contentWidth }
    }

    /// Widths in proportion to `weights`, each at least its `minimum` (whose sum fits): columns
    /// below their minimum get it, the rest share what is left by their weights.
    private static func distribute(_ weights: [Double], minimum: [Double]) -> [Double] {
        let n = weights.count
        var widths = [Double](repeating: 0, count: n)
        var fixed = Set<Int>()
        while true {
            let freeWeight = (0..<n).filter { !fixed.contains($0) }.map { weights[$0] }.reduce(0, +)
            let left = contentWidth - fixed.map { widths[$0] }.reduce(0, +)
            var grew = false
            for i in 0..<n where !fixed.contains(i) {
                widths[i] = freeWeight > 0 ? weights[i] / freeWeight * left : left / Double(n - fixed.count)
                if widths[i] < minimum[i] {
                    widths[i] = minimum[i]
                    fixed.insert(i)
                    grew = true
                }
            }
            if !grew || fixed.count == n { break }
        }
        return widths
    }

    /// The pieces a line may break a word into: after a hyphen or slash that a letter follows
    /// (Unicode's line breaking keeps "-01" and "/2" with what precedes them).
    private static func pieces(_ word: Substring) -> [Substring] {
        var result: [Substring] = []
        var start = word.startIndex
        var i = word.startIndex
        while i < word.endIndex {
            let next = word.index(after: i)
            if (word[i] == "-" || word[i] == "/"), next < word.endIndex, i > start, word[next].isLetter {
                result.append(word[start..<next])
                start = next
            }
            i = next
        }
        if start < word.endIndex { result.append(word[start...]) }
        return result
    }

    /// The length in bytes of the longest run without a space, tab or line break.
    private static func longestRun(_ text: String) -> Int {
        var best = 0, run = 0
        for byte in text.utf8 {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 { best = max(best, run); run = 0 } else { run += 1 }
        }
        return max(best, run)
    }

    /// The words of a cell: separated by spaces and line breaks, not by no-break spaces.
    private static func words(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
    }
}

