import CCairo
import Foundation

/// Lays out a ``ReportDocument`` on A4 pages and writes it as PDF with Cairo and Pango.
///
/// Layout runs once and places everything; the drawing pass knows the page count, so footers
/// say "Page X of Y". Fonts come only from the configured directory, metadata and the creation
/// date from the document, so the same document gives the same bytes.
public struct PDFRenderer: Sendable {
    /// The directory with the TTF files (Herald's `Fonts/`).
    public var fontsDirectory: String

    public init(fontsDirectory: String) {
        self.fontsDirectory = fontsDirectory
    }

    /// Renders `document` to PDF bytes. Blocking: call it off Swift's cooperative pool
    /// (``render(_:on:)`` does).
    /// - Throws: ``ReportError`` when fonts cannot be loaded or Cairo fails.
    public func render(_ document: ReportDocument) throws -> Data {
        let fonts = try FontContext(fontsDirectory: fontsDirectory)
        var layout = PageLayout(fonts: fonts, document: document)
        layout.run()
        return try draw(layout, document: document)
    }

    /// Renders on `queue` (a dispatch queue, not the cooperative pool): Cairo blocks.
    public func render(_ document: ReportDocument, on queue: DispatchQueue) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try self.render(document) }) }
        }
    }

    private func draw(_ layout: PageLayout, document: ReportDocument) throws -> Data {
        let sink = ByteSink()
        let surface = cairo_pdf_surface_create_for_stream({ closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().data.append(data, count: Int(length))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque(), PageLayout.pageWidth, PageLayout.pageHeight)
        defer { cairo_surface_destroy(surface) }
        let created = Self.pdfDate(document.created)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, document.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, document.author)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, document.subject)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Herald")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, created)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, created)
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        var outlineIDs: [Int: Int32] = [0: 0]   // heading level → id of the last outline item at that level
        var linksUsed = false
        for (index, page) in layout.pages.enumerated() {
            // Page furniture ("Page X of Y") is laid out here, now that the page count is known.
            let furniture = PageLayout.furniture(layout.fonts, document: document, page: index + 1, of: layout.pages.count,
                                                 isTitlePage: index == 0 && !document.titlePage.isEmpty)
            let ops = page + furniture
            var current: RGB?   // the source colour set last, so a run of same-coloured texts sets it once
            func use(_ color: RGB) {
                guard current != color else { return }
                cairo_set_source_rgb(cr, color.r, color.g, color.b)
                current = color
            }
            var i = 0
            while i < ops.count {
                defer { i += 1 }
                switch ops[i] {
                case let .text(text, x, y, color):
                    use(color)
                    cairo_move_to(cr, x, y)
                    pango_cairo_show_layout(cr, text.layout)
                    for link in text.links {
                        let rects = text.rectangles(of: link).map { r in
                            String(format: "%.2f %.2f %.2f %.2f", x + r.0, y + r.1, r.2, r.3)
                        }
                        guard !rects.isEmpty else { continue }
                        linksUsed = true
                        // The parser admits no quote or backslash in a URI, so it needs no escaping here.
                        cairo_tag_begin(cr, CAIRO_TAG_LINK, "uri='\(link.uri)' rect=[\(rects.joined(separator: " "))]")
                        cairo_tag_end(cr, CAIRO_TAG_LINK)
                    }
                case let .rect(x, y, w, h, color):
                    use(color)
                    cairo_rectangle(cr, x, y, w, h)
                    cairo_fill(cr)
                case let .line(x1, y1, x2, y2, color, width):
                    // Consecutive rules of one colour and width (a page of table rows): one path, one stroke.
                    use(color)
                    cairo_set_line_width(cr, width)
                    cairo_move_to(cr, x1, y1)
                    cairo_line_to(cr, x2, y2)
                    while i + 1 < ops.count, case let .line(x1, y1, x2, y2, next, nextWidth) = ops[i + 1],
                          next == color, nextWidth == width {
                        cairo_move_to(cr, x1, y1)
                        cairo_line_to(cr, x2, y2)
                        i += 1
                    }
                    cairo_stroke(cr)
                case let .chart(chart, x, y, width):
                    cairo_save(cr)
                    chart.draw(cr, fonts: layout.fonts, x: x, y: y, width: width)
                    cairo_restore(cr)
                    current = nil
                case let .image(png, x, y, scale):
                    try drawPNG(png, cr: cr, x: x, y: y, scale: scale)
                    current = nil
                case let .outline(level, title, y):
                    let parent = outlineIDs[level - 1] ?? 0
                    let id = cairo_pdf_surface_add_outline(surface, parent, title,
                                                           "page=\(index + 1) pos=[\(Int(PageLayout.margin)) \(Int(y))]",
                                                           CAIRO_PDF_OUTLINE_FLAG_OPEN)
                    outlineIDs[level] = id
                    for deeper in (level + 1)...4 { outlineIDs[deeper] = nil }
                }
            }
            cairo_show_page(cr)
            // A Cairo context that met an error ignores every later drawing call: without this
            // check a page would silently lose everything after the first text Cairo refused.
            let drawn = cairo_status(cr)
            guard drawn == CAIRO_STATUS_SUCCESS else {
                throw ReportError(.render, "page \(index + 1) of \(layout.pages.count) could not be drawn whole (cairo: \(String(cString: cairo_status_to_string(drawn)))); the report is not sent. Check the data for characters that cannot be printed")
            }
        }
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw ReportError(.render, "cairo: \(String(cString: cairo_status_to_string(status)))")
        }
        // Link annotations make Cairo 1.16 leave an object it reserved unwritten, with a wrong
        // cross-reference entry for it: readers (and qpdf --check) then see a damaged file.
        return linksUsed ? PDFRepair.rebuildCrossReferences(sink.data) : sink.data
    }

    private func drawPNG(_ png: Data, cr: OpaquePointer, x: Double, y: Double, scale: Double) throws {
        let source = PNGSource(png)
        let image = cairo_image_surface_create_from_png_stream({ closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
            let source = Unmanaged<PNGSource>.fromOpaque(closure).takeUnretainedValue()
            guard source.offset + Int(length) <= source.data.count else { return CAIRO_STATUS_READ_ERROR }
            source.data.copyBytes(to: data, from: source.offset..<(source.offset + Int(length)))
            source.offset += Int(length)
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(source).toOpaque())
        defer { cairo_surface_destroy(image) }
        guard cairo_surface_status(image) == CAIRO_STATUS_SUCCESS else {
            throw ReportError(.document, "an <img> is not a valid PNG")
        }
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, scale, scale)
        cairo_set_source_surface(cr, image, 0, 0)
        cairo_paint(cr)
        cairo_restore(cr)
    }

    /// `YYYY-MM-DDThh:mm:ssZ`, as cairo writes into the PDF's CreationDate.
    static func pdfDate(_ date: Date) -> String {
        ReportFormat.iso(date)
    }
}

/// Collects the PDF bytes cairo writes.
final class ByteSink {
    var data = Data()
}

/// Feeds PNG bytes to cairo.
final class PNGSource {
    let data: Data
    var offset = 0
    init(_ data: Data) { self.data = data }
}

/// An RGB colour, 0–1.
struct RGB: Equatable {
    let r: Double, g: Double, b: Double
    init(_ hex: UInt32) {
        r = Double((hex >> 16) & 0xFF) / 255
        g = Double((hex >> 8) & 0xFF) / 255
        b = Double(hex & 0xFF) / 255
    }
    static let text = RGB(0x1F2328), muted = RGB(0x57606A), rule = RGB(0xD0D7DE), headerFill = RGB(0xE8ECF0)
    static let zebra = RGB(0xF6F8FA), white = RGB(0xFFFFFF)

    static func status(_ s: Status) -> RGB {
        switch s {
        case .ok: RGB(0x1A7F37)
        case .warn: RGB(0x9A6700)
        case .crit: RGB(0xCF222E)
        case .noData: RGB(0x57606A)
        }
    }
}
