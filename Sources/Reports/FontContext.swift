import CCairo
import Foundation

/// A private fontconfig configuration over the fonts in `Fonts/` and a Pango font map on it.
///
/// Only those fonts are visible — no host font leaks in — so a report renders the same on every
/// machine. Each render makes its own (fontconfig and Pango font maps are not safe to share
/// between threads), and frees it in `deinit`.
final class FontContext {
    let config: OpaquePointer
    let fontMap: UnsafeMutablePointer<PangoFontMap>
    let context: OpaquePointer
    private let options: OpaquePointer
    /// Laid-out texts by content and geometry: a report repeats many cell texts ("OK", a service
    /// name), and a Pango layout can be drawn at any number of places.
    private var layouts: [String: TextLayout] = [:]
    /// Parsed font descriptions by their string ("DejaVu Sans Bold 14"): a report uses a handful.
    private var descriptions: [String: OpaquePointer] = [:]

    /// Pango starts a thread that calls FcInit, which loads the host's whole fontconfig setup
    /// (every file under /etc/fonts, the system font caches), and waits for it before the first
    /// layout. Herald never uses that configuration, so it installs an empty one as the process's
    /// current configuration once: FcInit then has nothing to load, and no host font can be found
    /// through the default configuration either.
    private static let emptyDefault: Void = {
        if let empty = FcConfigCreate() {
            _ = FcConfigSetCurrent(empty)
            FcConfigDestroy(empty)   // the current configuration holds its own reference
        }
    }()

    init(fontsDirectory: String) throws {
        Self.emptyDefault
        guard let config = FcConfigCreate() else { throw ReportError(.fonts, "fontconfig could not create a configuration") }
        // An empty configuration has no cache directory and fontconfig complains on stderr; give it one.
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("herald-fontconfig").path
        let xml = "<?xml version=\"1.0\"?><fontconfig><cachedir>\(RichText.escape(cache))</cachedir></fontconfig>"
        _ = FcConfigParseAndLoadFromMemory(config, xml, 1)
        guard FcConfigAppFontAddDir(config, fontsDirectory) != 0 else {
            FcConfigDestroy(config)
            throw ReportError(.fonts, "fonts: cannot load the fonts in \(fontsDirectory); run from the Herald checkout or set HERALD_FONTS_DIR")
        }
        let fonts = FcConfigGetFonts(config, FcSetApplication)
        guard let fonts, fonts.pointee.nfont > 0 else {
            FcConfigDestroy(config)
            throw ReportError(.fonts, "fonts: \(fontsDirectory) holds no font files")
        }
        self.config = config
        // A font map of our own, on the private configuration (pango_cairo_font_map_get_default would be shared).
        fontMap = UnsafeMutablePointer(OpaquePointer(pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT)))
        pango_fc_font_map_set_config(herald_pango_fc_font_map(fontMap), config)
        context = pango_font_map_create_context(fontMap)
        // 72 dpi and no hinted metrics: 10 pt is 10 pt and the layout is what print shows.
        options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        pango_cairo_context_set_font_options(context, options)
        pango_cairo_context_set_resolution(context, 72)
        pango_context_set_round_glyph_positions(context, 0)
    }

    /// The layout of `markup` in `font` at `width`, made once per distinct text and geometry.
    func layout(_ markup: String, font: String, width: Double, alignment: Alignment = .left, singleLine: Bool = false,
                links: [RichText.Link] = []) -> TextLayout {
        var key = "\(font)|\(width)|\(alignment.rawValue)|\(singleLine)|\(markup)"
        for link in links { key += "|\(link.start)-\(link.end) \(link.uri)" }
        if let cached = layouts[key] { return cached }
        let made = TextLayout(self, markup: markup, font: font, width: width, alignment: alignment, singleLine: singleLine,
                              links: links)
        layouts[key] = made
        return made
    }

    /// The font description for `font`, parsed once.
    func description(_ font: String) -> OpaquePointer {
        if let known = descriptions[font] { return known }
        let made = pango_font_description_from_string(font)!
        descriptions[font] = made
        return made
    }

    deinit {
        layouts.removeAll()
        for description in descriptions.values { pango_font_description_free(description) }
        g_object_unref(UnsafeMutableRawPointer(context))
        g_object_unref(UnsafeMutableRawPointer(fontMap))
        cairo_font_options_destroy(options)
        FcConfigDestroy(config)
    }
}

/// A Pango layout: wrapped, styled text measured once and drawn later.
final class TextLayout {
    let layout: OpaquePointer
    let width: Double
    let height: Double
    /// Clickable ranges of the text, drawn as PDF link annotations.
    let links: [RichText.Link]

    /// - Parameter singleLine: cut long text with "…" in its middle instead of wrapping (chart
    ///   labels: "primary-db…/ PostgreSQL" keeps both the host's start and the service).
    init(_ fonts: FontContext, markup: String, font: String, width: Double, alignment: Alignment = .left, singleLine: Bool = false,
         links: [RichText.Link] = []) {
        self.links = links
        layout = pango_layout_new(fonts.context)
        pango_layout_set_font_description(layout, fonts.description(font))
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        if singleLine { pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_MIDDLE) }
        switch alignment {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        // Most table cells are plain text: skip the markup parser for them.
        if markup.utf8.contains(UInt8(ascii: "<")) || markup.utf8.contains(UInt8(ascii: "&")) {
            pango_layout_set_markup(layout, markup, -1)
        } else {
            pango_layout_set_text(layout, markup, -1)
        }
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        self.width = Double(w) / Double(PANGO_SCALE)
        self.height = Double(h) / Double(PANGO_SCALE)
    }

    /// The rectangles (x, y, width, height, relative to the layout's top left) that `link` covers:
    /// one per line it runs over.
    func rectangles(of link: RichText.Link) -> [(Double, Double, Double, Double)] {
        var rects: [(Double, Double, Double, Double)] = []
        let iter = pango_layout_get_iter(layout)
        defer { pango_layout_iter_free(iter) }
        let scale = Double(PANGO_SCALE)
        repeat {
            guard let line = pango_layout_iter_get_line_readonly(iter) else { continue }
            let lineStart = Int(line.pointee.start_index), lineEnd = lineStart + Int(line.pointee.length)
            let from = max(link.start, lineStart), to = min(link.end, lineEnd)
            guard from < to else { continue }
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iter, nil, &logical)
            var x0: Int32 = 0, x1: Int32 = 0
            pango_layout_line_index_to_x(line, Int32(from), 0, &x0)
            pango_layout_line_index_to_x(line, Int32(to), 0, &x1)
            let left = Double(logical.x + min(x0, x1)) / scale
            rects.append((left, Double(logical.y) / scale, Double(abs(x1 - x0)) / scale, Double(logical.height) / scale))
        } while pango_layout_iter_next_line(iter) != 0
        return rects
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }
}
