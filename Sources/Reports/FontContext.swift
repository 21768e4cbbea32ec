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

    init(fontsDirectory: String) throws {
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
    }

    /// The layout of `markup` in `font` at `width`, made once per distinct text and geometry.
    func layout(_ markup: String, font: String, width: Double, alignment: Alignment = .left, singleLine: Bool = false) -> TextLayout {
        let key = "\(font)|\(width)|\(alignment.rawValue)|\(singleLine)|\(markup)"
        if let cached = layouts[key] { return cached }
        let made = TextLayout(self, markup: markup, font: font, width: width, alignment: alignment, singleLine: singleLine)
        layouts[key] = made
        return made
    }

    deinit {
        layouts.removeAll()
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

    /// - Parameter singleLine: cut long text with "…" instead of wrapping (chart labels).
    init(_ fonts: FontContext, markup: String, font: String, width: Double, alignment: Alignment = .left, singleLine: Bool = false) {
        layout = pango_layout_new(fonts.context)
        let description = pango_font_description_from_string(font)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        if singleLine { pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END) }
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

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }
}
