#ifndef HERALD_CCAIRO_H
#define HERALD_CCAIRO_H
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <fontconfig/fontconfig.h>

// PANGO_FC_FONT_MAP is a macro (a checked cast), which Swift cannot call.
static inline PangoFcFontMap *herald_pango_fc_font_map(PangoFontMap *map) {
    return PANGO_FC_FONT_MAP(map);
}
#endif
