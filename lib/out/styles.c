/* styles.c - industry and status colours; QGIS styles in shanglou.gpkg. */
#include "out/styles.h"

#include "out/buildings_layer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include "util/ogr_util.h"
#include "util/textbuf.h"

/* Colour families, dark end and light end (ColorBrewer's sequential
 * schemes at about their 7th and 3rd of 9 classes).  Chains take them in
 * the order they appear in the catalogue. */
static const struct {
    const char *name;
    sl_rgb dark, light;
} families[] = {
    {"greens", {0x00, 0x6d, 0x2c}, {0xa1, 0xd9, 0x9b}},
    {"blues", {0x08, 0x51, 0x9c}, {0x9e, 0xca, 0xe1}},
    {"oranges", {0xa6, 0x36, 0x03}, {0xfd, 0xae, 0x6b}},
    {"purples", {0x54, 0x27, 0x8f}, {0xc2, 0xa5, 0xcf}},
    {"teals", {0x01, 0x66, 0x5e}, {0x80, 0xcd, 0xc1}},
    {"reds", {0xa5, 0x0f, 0x15}, {0xfc, 0x92, 0x72}},
    {"browns", {0x8c, 0x51, 0x0a}, {0xdf, 0xc2, 0x7d}},
    {"pinks", {0xae, 0x01, 0x7e}, {0xfa, 0x9f, 0xb5}},
    {"greys", {0x25, 0x25, 0x25}, {0xbd, 0xbd, 0xbd}},
};
#define N_FAMILIES ((int)(sizeof families / sizeof families[0]))

/* Parcel statuses: fill, legend label (Chinese first: the planners'
 * language; the English word is the value in the data). */
static const struct {
    const char *status;
    sl_rgb fill;
    const char *label;
    const char *fill_style; /* QGIS SimpleFill style */
} statuses[] = {
    {"redeveloped", {0xd7, 0x30, 0x1f}, SL_N("改造 redeveloped"), "solid"},
    {"candidate", {0xfc, 0x8d, 0x59}, SL_N("低效候选 candidate"), "solid"},
    {"kept", {0xfd, 0xd4, 0x9e}, SL_N("保留 kept"), "solid"},
    {"not_candidate", {0xe3, 0xe3, 0xe3}, SL_N("非候选 not candidate"), "solid"},
    {"rejected", {0x99, 0x00, 0x00}, SL_N("数据有误 rejected"), "diagonal_x"},
};
#define N_STATUSES ((int)(sizeof statuses / sizeof statuses[0]))

static const char *const evaluate_statuses[] = {"candidate", "not_candidate", "rejected"};
static const char *const plan_statuses[] = {"redeveloped", "kept", "not_candidate", "rejected"};

static const char *chain_of(const sl_scenario *sc, int k)
{
    const char *c = sc->industries[k].chain;
    return c ? c : "";
}

int sl_style_chain_index(const sl_scenario *sc, int k)
{
    int idx = 0;
    for (int j = 0; j < k; j++) {
        bool first = true;
        for (int i = 0; i < j; i++)
            if (strcmp(chain_of(sc, i), chain_of(sc, j)) == 0)
                first = false;
        if (!first)
            continue;
        if (strcmp(chain_of(sc, j), chain_of(sc, k)) == 0)
            return idx;
        idx++;
    }
    return idx;
}

int sl_style_chain_count(const sl_scenario *sc)
{
    int n = 0;
    for (int k = 0; k < sc->n_industries; k++)
        if (sl_style_chain_index(sc, k) == n)
            n++;
    return n;
}

static unsigned char mix(unsigned char a, unsigned char b, double t)
{
    return (unsigned char)(a + (b - a) * t + 0.5);
}

void sl_style_industry_colours(const sl_scenario *sc, sl_rgb *out)
{
    for (int k = 0; k < sc->n_industries; k++) {
        int pos = 0, n = 0;
        for (int j = 0; j < sc->n_industries; j++) {
            if (strcmp(chain_of(sc, j), chain_of(sc, k)) != 0)
                continue;
            if (j < k)
                pos++;
            n++;
        }
        int f = sl_style_chain_index(sc, k) % N_FAMILIES;
        /* One member: the middle of the family; more: dark to light. */
        double t = n == 1 ? 0.4 : (double)pos / (n - 1);
        out[k].r = mix(families[f].dark.r, families[f].light.r, t);
        out[k].g = mix(families[f].dark.g, families[f].light.g, t);
        out[k].b = mix(families[f].dark.b, families[f].light.b, t);
    }
}

bool sl_style_status(const char *status, sl_rgb *fill, const char **label)
{
    for (int i = 0; i < N_STATUSES; i++) {
        if (strcmp(statuses[i].status, status) == 0) {
            if (fill)
                *fill = statuses[i].fill;
            if (label)
                *label = statuses[i].label;
            return true;
        }
    }
    return false;
}

char *sl_rgb_hex(sl_rgb c, char *buf)
{
    snprintf(buf, 8, "#%02x%02x%02x", c.r, c.g, c.b);
    return buf;
}

/* ---- QML ---------------------------------------------------------------- */

static void opt(sl_textbuf *b, const char *name, const char *value)
{
    sl_textbuf_printf(b, "<Option type=\"QString\" name=\"%s\" value=\"", name);
    sl_textbuf_xml(b, value);
    sl_textbuf_puts(b, "\"/>");
}

static void rgba(char *buf, size_t n, sl_rgb c, int alpha)
{
    snprintf(buf, n, "%d,%d,%d,%d", c.r, c.g, c.b, alpha);
}

/* A fill symbol of one SimpleFill layer. */
static void fill_symbol(sl_textbuf *b, int name, sl_rgb fill, int alpha, const char *style,
                        sl_rgb outline, double outline_mm)
{
    char c[32], oc[32], w[32];
    rgba(c, sizeof c, fill, alpha);
    rgba(oc, sizeof oc, outline, 255);
    snprintf(w, sizeof w, "%g", outline_mm);
    sl_textbuf_printf(b,
                      "<symbol type=\"fill\" name=\"%d\" alpha=\"1\" clip_to_extent=\"1\" "
                      "force_rhr=\"0\">\n<layer class=\"SimpleFill\" pass=\"0\" enabled=\"1\" "
                      "locked=\"0\"><Option type=\"Map\">",
                      name);
    opt(b, "color", c);
    opt(b, "joinstyle", "bevel");
    opt(b, "outline_color", oc);
    opt(b, "outline_style", "solid");
    opt(b, "outline_width", w);
    opt(b, "outline_width_unit", "MM");
    opt(b, "style", style);
    sl_textbuf_puts(b, "</Option></layer>\n</symbol>\n");
}

static void labeling(sl_textbuf *b, const char *expression, double size_pt)
{
    sl_textbuf_puts(b, "<labeling type=\"simple\">\n<settings calloutType=\"simple\">\n"
                       "<text-style fieldName=\"");
    sl_textbuf_xml(b, expression);
    sl_textbuf_printf(
        b,
        "\" isExpression=\"1\" fontFamily=\"Noto Sans CJK SC\" namedStyle=\"Regular\" "
        "fontWeight=\"50\" fontSize=\"%g\" fontSizeUnit=\"Point\" "
        "textColor=\"20,20,20,255\" textOpacity=\"1\" multilineHeight=\"1\" "
        "allowHtml=\"0\">\n"
        "<text-buffer bufferDraw=\"1\" bufferSize=\"0.6\" bufferSizeUnits=\"MM\" "
        "bufferColor=\"255,255,255,255\" bufferOpacity=\"0.85\" "
        "bufferJoinStyle=\"128\" bufferNoFill=\"1\"/>\n</text-style>\n"
        "<text-format multilineAlign=\"1\" wrapChar=\"\" plussign=\"0\" "
        "formatNumbers=\"0\" decimals=\"3\"/>\n"
        "<placement placement=\"1\" centroidInside=\"1\" centroidWhole=\"0\" "
        "fitInPolygonOnly=\"0\" priority=\"5\" dist=\"0\" distUnits=\"MM\" "
        "offsetType=\"0\" quadOffset=\"4\" xOffset=\"0\" yOffset=\"0\" "
        "offsetUnits=\"MM\" polygonPlacementFlags=\"2\" placementFlags=\"10\"/>\n"
        "<rendering drawLabels=\"1\" obstacle=\"1\" obstacleType=\"1\" "
        "obstacleFactor=\"1\" displayAll=\"0\" upsidedownLabels=\"0\" "
        "labelPerPart=\"0\" mergeLines=\"0\" scaleVisibility=\"0\" "
        "limitNumLabels=\"0\" maxNumLabels=\"2000\" minFeatureSize=\"0\" "
        "fontLimitPixelSize=\"0\" zIndex=\"0\" unplacedVisibility=\"0\"/>\n"
        "</settings>\n</labeling>\n",
        size_pt);
}

static void qml_begin(sl_textbuf *b, bool labels)
{
    sl_textbuf_printf(b,
                      "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                      "<qgis version=\"3.22.16\" styleCategories=\"AllStyleCategories\" "
                      "labelsEnabled=\"%d\" hasScaleBasedVisibilityFlag=\"0\" "
                      "minScale=\"100000000\" maxScale=\"0\" readOnly=\"0\">\n",
                      labels ? 1 : 0);
}

static void category(sl_textbuf *b, int symbol, const char *value, const char *label)
{
    sl_textbuf_puts(b, "<category value=\"");
    sl_textbuf_xml(b, value);
    sl_textbuf_puts(b, "\" label=\"");
    sl_textbuf_xml(b, label);
    sl_textbuf_printf(b, "\" symbol=\"%d\" render=\"true\"/>\n", symbol);
}

static const sl_rgb outline_grey = {0x5a, 0x5a, 0x5a};

/* The categories' values are the layer's status values in the scenario's
 * language (what parcels_layer.c writes), their labels the legend's text. */
static void parcels_qml(sl_textbuf *b, bool plan_mode, sl_lang L)
{
    const char *const *st = plan_mode ? plan_statuses : evaluate_statuses;
    int n = plan_mode ? 4 : 3;
    qml_begin(b, true);
    sl_textbuf_puts(b, "<renderer-v2 type=\"categorizedSymbol\" attr=\"status\" symbollevels=\"0\" "
                       "enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\">\n"
                       "<categories>\n");
    for (int i = 0; i < n; i++) {
        const char *label = st[i];
        sl_style_status(st[i], NULL, &label);
        category(b, i, sl_tr_ctx(L, "status", st[i]), sl_tr(L, label));
    }
    sl_textbuf_puts(b, "</categories>\n<symbols>\n");
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < N_STATUSES; j++)
            if (strcmp(statuses[j].status, st[i]) == 0)
                fill_symbol(b, i, statuses[j].fill, 255, statuses[j].fill_style, outline_grey,
                            0.26);
    }
    sl_textbuf_puts(b, "</symbols>\n</renderer-v2>\n");
    /* "id" and the FAR on the next line: the planned FAR of a redeveloped
     * parcel, else the current one; "FAR unknown" when the layer does not
     * say (docs/model.md §2: never 0). */
    char expr[256];
    snprintf(expr, sizeof expr,
             plan_mode ? "concat(\"id\", '\\n', coalesce(format_number(coalesce(\"far\", "
                         "\"current_far\"), 2), '%s'))"
                       : "concat(\"id\", '\\n', coalesce(format_number(\"current_far\", 2), "
                         "'%s'))",
             sl_tr(L, "FAR unknown"));
    labeling(b, expr, 7);
    sl_textbuf_puts(b, "</qgis>\n");
}

sl_rgb sl_style_theme_colour(const sl_scenario *sc, const char *theme)
{
    static const sl_rgb grey = {0x90, 0x90, 0x90}, dark = {0x50, 0x50, 0x50};
    for (int k = 0; k < sc->n_industries; k++) {
        const sl_industry *d = &sc->industries[k];
        if (d->shared || strcmp(sl_industry_chain(d), theme) != 0)
            continue;
        int f = sl_style_chain_index(sc, k) % N_FAMILIES;
        const sl_rgb *a = &families[f].dark, *l = &families[f].light;
        return (sl_rgb){mix(a->r, l->r, 0.4), mix(a->g, l->g, 0.4), mix(a->b, l->b, 0.4)};
    }
    return strcmp(theme, SL_THEME_SHARED) == 0 ? grey : dark;
}

/* Start years (docs/model.md §12): early dark blue to late pale yellow
 * (ColorBrewer YlGnBu's ends). */
static const sl_rgb start_early = {0x25, 0x34, 0x94}, start_late = {0xed, 0xf8, 0xb1};
#define MAX_START_CLASSES 12

/* Parcels graduated by start_year: one class per year of the horizon (or
 * MAX_START_CLASSES classes of whole years when the horizon is longer).
 * Parcels without a start year (not redeveloped, not started) are in no
 * class and not drawn: the default style shows them. */
static void parcels_by_start_qml(sl_textbuf *b, const sl_scenario *sc)
{
    int first = sc->phasing.start_year, years = sc->phasing.years > 0 ? sc->phasing.years : 1;
    int n = years < MAX_START_CLASSES ? years : MAX_START_CLASSES;
    qml_begin(b, true);
    sl_textbuf_puts(b, "<renderer-v2 type=\"graduatedSymbol\" attr=\"start_year\" "
                       "graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" "
                       "enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\">\n"
                       "<ranges>\n");
    for (int i = 0; i < n; i++) {
        /* whole years lo..hi, the last class reaching the horizon's end */
        int lo = first + (int)((long long)years * i / n);
        int hi = first + (int)((long long)years * (i + 1) / n) - 1;
        char label[32];
        if (lo == hi)
            snprintf(label, sizeof label, "%d", lo);
        else
            snprintf(label, sizeof label, "%d–%d", lo, hi);
        sl_textbuf_printf(b,
                          "<range lower=\"%.1f\" upper=\"%.1f\" symbol=\"%d\" label=\"%s\" "
                          "render=\"true\"/>\n",
                          lo - 0.5, hi + 0.5, i, label);
    }
    sl_textbuf_puts(b, "</ranges>\n<symbols>\n");
    for (int i = 0; i < n; i++) {
        double t = n > 1 ? (double)i / (n - 1) : 0;
        sl_rgb c = {mix(start_early.r, start_late.r, t), mix(start_early.g, start_late.g, t),
                    mix(start_early.b, start_late.b, t)};
        fill_symbol(b, i, c, 255, "solid", outline_grey, 0.26);
    }
    char c1[32], c2[32];
    rgba(c1, sizeof c1, start_early, 255);
    rgba(c2, sizeof c2, start_late, 255);
    sl_textbuf_puts(b, "</symbols>\n<source-symbol>\n");
    fill_symbol(b, 0, start_early, 255, "solid", outline_grey, 0.26);
    sl_textbuf_puts(b, "</source-symbol>\n<colorramp type=\"gradient\" name=\"[source]\">"
                       "<Option type=\"Map\">");
    opt(b, "color1", c1);
    opt(b, "color2", c2);
    opt(b, "discrete", "0");
    opt(b, "rampType", "gradient");
    sl_textbuf_puts(b, "</Option></colorramp>\n<mode name=\"equal\"/>\n"
                       "<labelformat format=\"%1 - %2\" trimtrailingzeroes=\"true\" "
                       "decimalplaces=\"0\"/>\n</renderer-v2>\n");
    labeling(b, "concat(\"id\", '\\n', \"start_year\")", 7);
    sl_textbuf_puts(b, "</qgis>\n");
}

/* Buildings by the chain they are themed with (一栋楼就是一个园): one
 * category per chain of the catalogue's non-shared industries, in
 * sl_style_theme_colour's colours, then shared services only and several
 * chains (when the scenario allows it). */
static void buildings_qml(sl_textbuf *b, const sl_scenario *sc)
{
    sl_lang L = sc->lang;
    static const sl_rgb outline = {0x10, 0x10, 0x10};
    qml_begin(b, true);
    sl_textbuf_puts(b, "<renderer-v2 type=\"categorizedSymbol\" attr=\"chain\" "
                       "symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\" "
                       "referencescale=\"-1\">\n<categories>\n");
    int n = 0;
    int *first = malloc(((size_t)sc->n_industries + 1) * sizeof *first);
    if (!first) {
        b->failed = true;
        return;
    }
    for (int k = 0; k < sc->n_industries; k++) {
        const sl_industry *d = &sc->industries[k];
        if (d->shared)
            continue;
        bool seen = false;
        for (int j = 0; j < n && !seen; j++)
            seen = strcmp(sl_industry_chain(&sc->industries[first[j]]), sl_industry_chain(d)) == 0;
        if (!seen) {
            category(b, n, sl_industry_chain(d), sl_industry_chain(d));
            first[n++] = k;
        }
    }
    category(b, n, SL_THEME_SHARED, sl_tr(L, SL_THEME_SHARED));
    category(b, n + 1, SL_THEME_SEVERAL, sl_tr(L, SL_THEME_SEVERAL));
    sl_textbuf_puts(b, "</categories>\n<symbols>\n");
    for (int j = 0; j < n; j++)
        fill_symbol(b, j, sl_style_theme_colour(sc, sl_industry_chain(&sc->industries[first[j]])),
                    200, "solid", outline, 0.5);
    fill_symbol(b, n, sl_style_theme_colour(sc, SL_THEME_SHARED), 200, "solid", outline, 0.5);
    fill_symbol(b, n + 1, sl_style_theme_colour(sc, SL_THEME_SEVERAL), 200, "solid", outline, 0.5);
    sl_textbuf_puts(b, "</symbols>\n</renderer-v2>\n");
    free(first);
    labeling(b, "concat(\"chain\", '\\n', \"floors\", 'F ', format_number(\"height_m\", 1), 'm')",
             6);
    sl_textbuf_puts(b, "</qgis>\n");
}

/* A data-defined property of a 3-D symbol: an expression. */
static void dd_expr(sl_textbuf *b, const char *name, const char *expr)
{
    sl_textbuf_printf(b,
                      "<Option type=\"Map\" name=\"%s\"><Option type=\"bool\" name=\"active\" "
                      "value=\"true\"/>",
                      name);
    opt(b, "expression", expr);
    sl_textbuf_puts(b, "<Option type=\"int\" name=\"type\" value=\"3\"/></Option>");
}

/* Industries in legend order: chain by chain, catalogue order within. */
static void legend_order(const sl_scenario *sc, int *order)
{
    int n = 0, nc = sl_style_chain_count(sc);
    for (int c = 0; c < nc; c++)
        for (int k = 0; k < sc->n_industries; k++)
            if (sl_style_chain_index(sc, k) == c)
                order[n++] = k;
}

static void floors_qml(sl_textbuf *b, const sl_scenario *sc)
{
    int n = sc->n_industries;
    sl_rgb *col = malloc(((size_t)n + 1) * sizeof *col);
    int *order = malloc(((size_t)n + 1) * sizeof *order);
    if (!col || !order) {
        free(col);
        free(order);
        b->failed = true;
        return;
    }
    sl_style_industry_colours(sc, col);
    legend_order(sc, order);
    qml_begin(b, false);
    /* 3-D: each storey a prism from base_m to top_m, in its industry's
     * colour, with dark edges so that the storeys read as floors. */
    sl_textbuf_puts(b,
                    "<renderer-3d type=\"rulebased\" layer=\"\">\n"
                    "<vector-layer-3d-tiling show-bounding-boxes=\"0\" zoom-levels-count=\"3\"/>\n"
                    "<rules key=\"{5e1d0000-0000-4000-8000-000000000000}\">\n");
    for (int i = 0; i < n; i++) {
        const sl_industry *ind = &sc->industries[order[i]];
        sl_rgb c = col[order[i]];
        sl_rgb amb = {(unsigned char)(c.r * 0.55), (unsigned char)(c.g * 0.55),
                      (unsigned char)(c.b * 0.55)};
        char dc[32], ac[32];
        rgba(dc, sizeof dc, c, 255);
        rgba(ac, sizeof ac, amb, 255);
        sl_textbuf_printf(b, "<rule key=\"{5e1d0000-0000-4000-8000-%012d}\" filter=\"", i + 1);
        char *filter = malloc(strlen(ind->id) * 2 + 32);
        if (!filter) {
            b->failed = true;
            break;
        }
        /* A QGIS string literal: quotes doubled. */
        size_t o = (size_t)sprintf(filter, "\"industry\" = '");
        for (const char *p = ind->id; *p; p++) {
            if (*p == '\'')
                filter[o++] = '\'';
            filter[o++] = *p;
        }
        strcpy(filter + o, "'");
        sl_textbuf_xml(b, filter);
        free(filter);
        sl_textbuf_puts(b, "\" description=\"");
        sl_textbuf_xml(b, ind->name ? ind->name : ind->id);
        sl_textbuf_printf(b,
                          "\">\n<symbol type=\"polygon\" material_type=\"phong\">\n"
                          "<data height=\"0\" extrusion-height=\"0\" alt-clamping=\"absolute\" "
                          "alt-binding=\"centroid\" add-back-faces=\"0\" rendered-facade=\"3\" "
                          "invert-normals=\"0\" culling-mode=\"no-culling\"/>\n"
                          "<material diffuse=\"%s\" ambient=\"%s\" "
                          "specular=\"40,40,40,255\" shininess=\"0\"/>\n"
                          "<data-defined-properties><Option type=\"Map\">",
                          dc, ac);
        opt(b, "name", "");
        sl_textbuf_puts(b, "<Option type=\"Map\" name=\"properties\">");
        dd_expr(b, "height", "\"base_m\"");
        dd_expr(b, "extrusionHeight", "\"top_m\" - \"base_m\"");
        sl_textbuf_puts(b, "</Option>");
        opt(b, "type", "collection");
        sl_textbuf_puts(b, "</Option></data-defined-properties>\n"
                           "<edges enabled=\"1\" width=\"1\" color=\"30,30,30,255\"/>\n"
                           "</symbol>\n</rule>\n");
    }
    sl_textbuf_puts(b, "</rules>\n</renderer-3d>\n");
    /* 2-D: the top storey of each block is drawn last, so the map shows
     * what is on the roof level and the legend every industry. */
    sl_textbuf_puts(b, "<renderer-v2 type=\"categorizedSymbol\" attr=\"industry\" "
                       "symbollevels=\"0\" enableorderby=\"1\" forceraster=\"0\" "
                       "referencescale=\"-1\">\n<categories>\n");
    for (int i = 0; i < n; i++) {
        const sl_industry *ind = &sc->industries[order[i]];
        category(b, i, ind->id, ind->name ? ind->name : ind->id);
    }
    sl_textbuf_puts(b, "</categories>\n<symbols>\n");
    for (int i = 0; i < n; i++)
        fill_symbol(b, i, col[order[i]], 255, "solid", outline_grey, 0.2);
    sl_textbuf_puts(b, "</symbols>\n<orderby><orderByClause asc=\"1\" nullsFirst=\"0\">"
                       "&quot;top_m&quot;</orderByClause></orderby>\n</renderer-v2>\n</qgis>\n");
    free(col);
    free(order);
}

char *sl_style_qml(sl_style_layer which, const sl_scenario *sc, bool plan_mode)
{
    sl_textbuf b = {0};
    switch (which) {
    case SL_STYLE_PARCELS: parcels_qml(&b, plan_mode, sc ? sc->lang : SL_LANG_EN); break;
    case SL_STYLE_BUILDINGS: buildings_qml(&b, sc); break;
    case SL_STYLE_FLOORS: floors_qml(&b, sc); break;
    case SL_STYLE_PARCELS_BY_START: parcels_by_start_qml(&b, sc); break;
    }
    return sl_textbuf_take(&b);
}

/* ---- layer_styles ------------------------------------------------------- */

/* The columns of QGIS's layer_styles table, as its OGR provider creates it
 * (width 0: unbounded). */
static const struct {
    const char *name;
    OGRFieldType type;
    OGRFieldSubType subtype;
    int width;
} style_columns[] = {
    {"f_table_catalog", OFTString, OFSTNone, 256},
    {"f_table_schema", OFTString, OFSTNone, 256},
    {"f_table_name", OFTString, OFSTNone, 256},
    {"f_geometry_column", OFTString, OFSTNone, 256},
    {"styleName", OFTString, OFSTNone, 30},
    {"styleQML", OFTString, OFSTNone, 0},
    {"styleSLD", OFTString, OFSTNone, 0},
    {"useAsDefault", OFTInteger, OFSTBoolean, 0},
    {"description", OFTString, OFSTNone, 0},
    {"owner", OFTString, OFSTNone, 30},
    {"ui", OFTString, OFSTNone, 30},
    {"update_time", OFTDateTime, OFSTNone, 0},
};
enum {
    C_CATALOG,
    C_SCHEMA,
    C_TABLE,
    C_GEOM,
    C_NAME,
    C_QML,
    C_SLD,
    C_DEFAULT,
    C_DESC,
    C_OWNER,
    C_UI,
    C_TIME,
    C_N
};

/* The styles stored: the default of each layer, and with phasing a second
 * style of parcels (QGIS: Layer Properties ▸ Style ▸ Load Style ▸ From
 * Database). */
static const struct {
    const char *table;
    const char *name; /* styleName */
    sl_style_layer style;
    bool is_default;
    bool phasing_only;
    const char *description;
} styled_layers[] = {
    {"parcels", "parcels", SL_STYLE_PARCELS, true, false,
     SL_N("shanglou: parcels by status, labelled with id and FAR")},
    {"buildings", "buildings", SL_STYLE_BUILDINGS, true, false,
     SL_N("shanglou: building footprints by the chain they are themed with, labelled with floors "
          "and height")},
    {"floors", "floors", SL_STYLE_FLOORS, true, false,
     SL_N("shanglou: storeys by industry (one colour family per chain); 3-D: extruded base_m to "
          "top_m")},
    {"parcels", "parcels by start year", SL_STYLE_PARCELS_BY_START, false, true,
     SL_N("shanglou: redeveloped parcels graduated by start_year (phasing, 成熟一块、启动一块), "
          "early dark blue to late pale yellow, labelled with id and start year; parcels not "
          "started are not drawn")},
};

sl_status sl_styles_write_gpkg(const char *path, const sl_scenario *sc, bool plan_mode,
                               sl_error *err)
{
    sl_gdal_init();
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    const char *drivers[] = {"GPKG", NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, NULL, NULL);
    OGRLayerH t = NULL;
    bool ok = ds != NULL, nomem = false;
    if (ok) {
        t = GDALDatasetGetLayerByName(ds, "layer_styles");
        if (!t) {
            char **lco = CSLSetNameValue(NULL, "FID", "id");
            t = GDALDatasetCreateLayer(ds, "layer_styles", NULL, wkbNone, lco);
            CSLDestroy(lco);
            for (int i = 0; t && ok && i < C_N; i++) {
                OGRFieldDefnH fd = OGR_Fld_Create(style_columns[i].name, style_columns[i].type);
                OGR_Fld_SetSubType(fd, style_columns[i].subtype);
                OGR_Fld_SetWidth(fd, style_columns[i].width);
                if (i == C_TIME)
                    OGR_Fld_SetDefault(fd, "CURRENT_TIMESTAMP");
                ok = OGR_L_CreateField(t, fd, TRUE) == OGRERR_NONE;
                OGR_Fld_Destroy(fd);
            }
        }
        ok = ok && t;
    }
    for (size_t i = 0; ok && i < sizeof styled_layers / sizeof styled_layers[0]; i++) {
        OGRLayerH l = GDALDatasetGetLayerByName(ds, styled_layers[i].table);
        if (!l || (styled_layers[i].phasing_only && !(plan_mode && sc->phasing.present)))
            continue;
        char *qml = sl_style_qml(styled_layers[i].style, sc, plan_mode);
        if (!qml) {
            ok = false;
            nomem = true;
            break;
        }
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(t));
        OGR_F_SetFieldString(f, C_CATALOG, "");
        OGR_F_SetFieldString(f, C_SCHEMA, "");
        OGR_F_SetFieldString(f, C_TABLE, styled_layers[i].table);
        OGR_F_SetFieldString(f, C_GEOM, OGR_L_GetGeometryColumn(l));
        OGR_F_SetFieldString(f, C_NAME, styled_layers[i].name);
        OGR_F_SetFieldString(f, C_QML, qml);
        OGR_F_SetFieldString(f, C_SLD, "");
        OGR_F_SetFieldInteger(f, C_DEFAULT, styled_layers[i].is_default ? 1 : 0);
        OGR_F_SetFieldString(f, C_DESC,
                             sl_tr(sc ? sc->lang : SL_LANG_EN, styled_layers[i].description));
        OGR_F_SetFieldString(f, C_OWNER, "");
        /* fixed, as gpkg_contents' (gpkg_out.h): same input, same bytes */
        OGR_F_SetFieldDateTimeEx(f, C_TIME, 2000, 1, 1, 0, 0, 0.0f, 100);
        ok = OGR_L_CreateFeature(t, f) == OGRERR_NONE;
        OGR_F_Destroy(f);
        free(qml);
    }
    if (ds)
        GDALClose(ds);
    sl_gdal_capture_pop();
    if (nomem) {
        sl_error_add(err, SL_ERR_NOMEM, "%s: cannot store the QGIS styles: out of memory", path);
        return SL_ERR_NOMEM;
    }
    if (!ok || cap.n_errors) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot store the QGIS styles: %s", path,
                     cap.last[0] ? cap.last
                     : ds        ? "driver failure"
                                 : "cannot open");
        return SL_ERR_IO;
    }
    return SL_OK;
}
