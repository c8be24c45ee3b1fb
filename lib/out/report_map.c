/* report_map.c - the zone map of report.html: parcels as SVG, legend,
 * scale bar, north arrow, and the panel's data and script. */
#include "out/report_map.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ogr_srs_api.h>

#include "input/source.h"
#include "out/buildings_layer.h"
#include "util/ogr_util.h"

/* ---- what the map says ---------------------------------------------------
 * Every text a reader sees on the map, its legend and its panel, in one
 * table so that it can be translated as a whole.  Status names come from
 * sl_style_status, chain names from the scenario. */

enum {
    ROW_STATUS,
    ROW_REASON,
    ROW_AREA,
    ROW_FAR,
    ROW_GFA,
    ROW_CHAINS,
    ROW_PIN,
    ROW_MAX_GFA,
    ROW_GAIN,
    N_ROWS
};

static const struct map_text {
    const char *heading, *intro, *svg_title, *hint, *legend, *by_chain, *pinned, *north, *not_drawn,
        *no_frame, *stack, *no_stack, *details, *unit_m;
    const char *rows[N_ROWS];
    const char *cols[4];
    const char *blocks[2]; /* indexed by sl_block */
    const char *levels[2]; /* a level's prefix, by sl_block: F3, O2 */
} text = {
    .heading = "片区地图 Map",
    .intro = "Every parcel, north up, coloured by its status (in a plan, each redeveloped parcel "
             "by the chain its building is themed with). Ids and enterprise names are written "
             "where they fit. Hover over a parcel to see its numbers and its stack; click it to "
             "keep them.",
    .svg_title = "map of the zone's parcels",
    .hint = "Hover over or click a parcel to see its numbers and its stack.",
    .legend = "图例 Legend",
    .by_chain = "改造 redeveloped, by the building's chain 产业链:",
    .pinned = "指定 pinned (plan.pins)",
    .north = "N",
    .not_drawn = "parcels without a usable geometry are not drawn",
    .no_frame = "No map: the parcels cannot be drawn in metres",
    .stack = "竖向布局 stack, top down",
    .no_stack = "no stack: not redeveloped",
    .details = "技术经济指标表 →",
    .unit_m = "m",
    .rows = {"status 状态", "reason 原因", "site area 用地面积 m²", "FAR 容积率 before → after",
             "GFA 建筑面积 m² before → after", "chains 产业链", "pin 指定",
             "max GFA 最大建面 m² (plan rules)", "gain 增量 m²"},
    .cols = {"block", "level 层", "industry 产业", "height 层高 m"},
    .blocks = {"厂房 factory", "办公 office"},
    .levels = {"F", "O"},
};

/* ---- the parcels in the metric frame ------------------------------------ */

typedef struct map_parcel {
    int zi;         /* index in the zone */
    OGRGeometryH g; /* in the metric frame's units */
    char *name;     /* the enterprise; NULL when none */
} map_parcel;

typedef struct map_ctx {
    OGRCoordinateTransformationH ct;
    int name_field; /* -2: not looked up yet; -1: none */
    map_parcel *v;
    int n, cap;
    long long not_drawn;
    sl_error *err;
} map_ctx;

static sl_status nomem(sl_error *err)
{
    sl_error_add(err, SL_ERR_NOMEM, "out of memory while drawing the map");
    return SL_ERR_NOMEM;
}

static sl_status take(void *user, const sl_zone *z, const sl_parcel *p, OGRFeatureH f,
                      OGRGeometryH geom)
{
    map_ctx *c = user;
    if (!geom) {
        c->not_drawn++;
        return SL_OK;
    }
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 256;
        map_parcel *v = realloc(c->v, sizeof *v * (size_t)cap);
        if (!v)
            return nomem(c->err);
        c->v = v;
        c->cap = cap;
    }
    /* curves (GeoPackage, PostGIS) as line segments */
    OGRGeometryH g = OGR_G_HasCurveGeometry(geom, TRUE) ? OGR_G_GetLinearGeometry(geom, 0, NULL)
                                                        : OGR_G_Clone(geom);
    if (!g)
        return nomem(c->err);
    if (c->ct && OGR_G_Transform(g, c->ct) != OGRERR_NONE) {
        OGR_G_DestroyGeometry(g); /* its area was measured, so this is rare */
        c->not_drawn++;
        return SL_OK;
    }
    if (c->name_field == -2)
        c->name_field =
            z->sc->fields.name ? OGR_FD_GetFieldIndex(OGR_F_GetDefnRef(f), z->sc->fields.name) : -1;
    char *name = NULL;
    if (c->name_field >= 0 && OGR_F_IsFieldSetAndNotNull(f, c->name_field)) {
        const char *s = OGR_F_GetFieldAsString(f, c->name_field);
        if (s && s[0] && sl_utf8_valid(s) && !(name = strdup(s))) {
            OGR_G_DestroyGeometry(g);
            return nomem(c->err);
        }
    }
    c->v[c->n++] = (map_parcel){(int)(p - z->p), g, name};
    return SL_OK;
}

char *sl_report_svg_name(const char *id, char *buf, size_t size)
{
    size_t o = 0;
    for (const char *p = id ? id : "parcel"; *p && o + 5 < size; p++) {
        unsigned char c = (unsigned char)*p;
        bool keep = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_' || (c == '.' && o > 0);
        buf[o++] = keep ? (char)c : '_';
    }
    snprintf(buf + o, size - o, ".svg");
    return buf;
}

/* ---- drawing ------------------------------------------------------------ */

/* The frame's extent in its units, and its projection into the SVG's
 * pixels: north up, so y is flipped. */
typedef struct frame {
    double min_x, max_y, mpu; /* metres per unit */
    double px_per_m;
    double margin_px;
} frame;

static double fx(const frame *f, double x)
{
    return f->margin_px + (x - f->min_x) * f->mpu * f->px_per_m;
}

static double fy(const frame *f, double y)
{
    return f->margin_px + (f->max_y - y) * f->mpu * f->px_per_m;
}

/* One ring as "Mx,y x,y ... Z", points closer than a quarter pixel to the
 * last one kept left out; a ring that collapses to fewer than 3 points is
 * left out whole. */
static void path_ring(sl_textbuf *b, OGRGeometryH ring, const frame *f)
{
    int n = OGR_G_GetPointCount(ring);
    double(*pt)[2] = malloc(sizeof *pt * ((size_t)n + 1));
    if (!pt) {
        b->failed = true;
        return;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        double x = fx(f, OGR_G_GetX(ring, i)), y = fy(f, OGR_G_GetY(ring, i));
        if (k > 0 && fabs(x - pt[k - 1][0]) < 0.25 && fabs(y - pt[k - 1][1]) < 0.25)
            continue;
        pt[k][0] = x;
        pt[k][1] = y;
        k++;
    }
    if (k > 1 && fabs(pt[k - 1][0] - pt[0][0]) < 0.25 && fabs(pt[k - 1][1] - pt[0][1]) < 0.25)
        k--; /* the closing point: Z draws it */
    if (k >= 3) {
        for (int i = 0; i < k; i++)
            sl_textbuf_printf(b, "%s%.1f,%.1f", i ? " " : "M", pt[i][0], pt[i][1]);
        sl_textbuf_puts(b, "Z");
    }
    free(pt);
}

static void path_d(sl_textbuf *b, OGRGeometryH g, const frame *f)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) {
        for (int r = 0; r < OGR_G_GetGeometryCount(g); r++)
            path_ring(b, OGR_G_GetGeometryRef(g, r), f);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            path_d(b, OGR_G_GetGeometryRef(g, i), f);
    }
}

/* The width of text in ems: CJK characters one em, others about 0.6. */
static double text_ems(const char *s)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p < 0x80)
            w += 0.6;
        else if (*p >= 0xC0)
            w += *p >= 0xE0 ? 1.0 : 0.7;
    }
    return w;
}

/* Does a box of w x h pixels centred on (x, y) (frame units) lie inside g? */
static bool box_fits(OGRGeometryH g, double x, double y, double w_px, double h_px, const frame *f)
{
    double hw = w_px / 2 / (f->mpu * f->px_per_m), hh = h_px / 2 / (f->mpu * f->px_per_m);
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    OGRGeometryH box = OGR_G_CreateGeometry(wkbPolygon);
    if (!ring || !box) {
        OGR_G_DestroyGeometry(ring);
        OGR_G_DestroyGeometry(box);
        return false;
    }
    OGR_G_AddPoint_2D(ring, x - hw, y - hh);
    OGR_G_AddPoint_2D(ring, x + hw, y - hh);
    OGR_G_AddPoint_2D(ring, x + hw, y + hh);
    OGR_G_AddPoint_2D(ring, x - hw, y + hh);
    OGR_G_AddPoint_2D(ring, x - hw, y - hh);
    OGR_G_AddGeometryDirectly(box, ring);
    bool in = OGR_G_Contains(g, box);
    OGR_G_DestroyGeometry(box);
    return in;
}

enum { ID_PX = 10, NAME_PX = 8 };

/* The parcel's labels: the id, and under it the enterprise's name, each
 * only when its box fits inside the polygon; a pinned parcel's id always,
 * beside its pin. */
static void labels(sl_textbuf *b, const sl_zone *z, const map_parcel *m, const frame *f)
{
    const sl_parcel *p = &z->p[m->zi];
    OGRGeometryH pt = OGR_G_PointOnSurface(m->g);
    if (!pt)
        return;
    double x = OGR_G_GetX(pt, 0), y = OGR_G_GetY(pt, 0);
    OGR_G_DestroyGeometry(pt);
    double px = fx(f, x), py = fy(f, y);
    const char *id = p->id ? p->id : "";
    if (p->pin >= 0) {
        /* a pin: a drop standing on the point */
        sl_textbuf_printf(b,
                          "<path class=\"pin\" d=\"M%.1f,%.1f c-3,-6 -7,-9 -7,-13 a7,7 0 1 1 14,0 "
                          "c0,4 -4,7 -7,13Z\"/><circle class=\"pin-eye\" cx=\"%.1f\" cy=\"%.1f\" "
                          "r=\"2.6\"/>",
                          px, py, px, py - 13);
        sl_textbuf_printf(b, "<text class=\"lbl id pin-lbl\" x=\"%.1f\" y=\"%.1f\">", px + 9,
                          py - 10);
        sl_textbuf_xml(b, id);
        sl_textbuf_puts(b, "</text>\n");
        return;
    }
    double id_w = text_ems(id) * ID_PX + 4, name_w = m->name ? text_ems(m->name) * NAME_PX + 4 : 0;
    bool both = m->name && box_fits(m->g, x, y, fmax(id_w, name_w), ID_PX + NAME_PX + 4, f);
    if (!both && !box_fits(m->g, x, y, id_w, ID_PX + 2, f))
        return;
    sl_textbuf_printf(b, "<text class=\"lbl id\" x=\"%.1f\" y=\"%.1f\">", px,
                      both ? py - 1 : py + ID_PX * 0.35);
    sl_textbuf_xml(b, id);
    sl_textbuf_puts(b, "</text>");
    if (both) {
        sl_textbuf_printf(b, "<text class=\"lbl name\" x=\"%.1f\" y=\"%.1f\">", px,
                          py + NAME_PX + 1);
        sl_textbuf_xml(b, m->name);
        sl_textbuf_puts(b, "</text>");
    }
    sl_textbuf_puts(b, "\n");
}

/* The status of parcel i as parcels.geojson names it. */
static const char *status_key(const sl_zone *z, const sl_plan *plan, int i)
{
    const sl_parcel *p = &z->p[i];
    if (plan && p->status == SL_PARCEL_CANDIDATE)
        return plan->pp[i].redeveloped ? "redeveloped" : "kept";
    return sl_parcel_status_name(p->status);
}

static sl_rgb fill_of(const sl_zone *z, const sl_plan *plan, int i)
{
    if (plan && plan->pp[i].redeveloped)
        return sl_style_theme_colour(z->sc, sl_buildings_theme(z->sc, &plan->pp[i]));
    sl_rgb c = {0xe3, 0xe3, 0xe3};
    sl_style_status(status_key(z, plan, i), &c, NULL);
    return c;
}

/* 1, 2 or 5 times a power of ten, at most max_m (at least 1 m). */
static double round_metres(double max_m)
{
    if (!(max_m >= 1))
        return 1;
    double p = pow(10, floor(log10(max_m)));
    return max_m >= 5 * p ? 5 * p : max_m >= 2 * p ? 2 * p : p;
}

/* ---- the panel's data: one JSON object per parcel ------------------------ */

/* A JSON string that is also safe inside <script>: < > & as \u escapes. */
static void js_str(sl_textbuf *b, const char *s)
{
    sl_textbuf_puts(b, "\"");
    const char *run = s;
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&')
            continue;
        sl_textbuf_printf(b, "%.*s", (int)(s - run), run);
        if (c == '"' || c == '\\')
            sl_textbuf_printf(b, "\\%c", c);
        else
            sl_textbuf_printf(b, "\\u%04x", c);
        run = s + 1;
    }
    if (run)
        sl_textbuf_puts(b, run);
    sl_textbuf_puts(b, "\"");
}

/* A row of the panel: [label index, "value"]; value is what follows. */
static void row_begin(sl_textbuf *b, int row, bool *first)
{
    sl_textbuf_printf(b, "%s[%d,\"", *first ? "" : ",", row);
    *first = false;
}

static void row_num(sl_textbuf *b, int row, bool *first, double v, int dec)
{
    row_begin(b, row, first);
    sl_textbuf_num(b, v, dec);
    sl_textbuf_puts(b, "\"]");
}

static void row_before_after(sl_textbuf *b, int row, bool *first, double before, double after,
                             int dec)
{
    row_begin(b, row, first);
    sl_textbuf_num(b, before, dec);
    sl_textbuf_puts(b, " → ");
    sl_textbuf_num(b, after, dec);
    sl_textbuf_puts(b, "\"]");
}

static void row_text(sl_textbuf *b, int row, bool *first, const char *s)
{
    sl_textbuf_printf(b, "%s[%d,", *first ? "" : ",", row);
    *first = false;
    js_str(b, s);
    sl_textbuf_puts(b, "]");
}

static void parcel_json(sl_textbuf *b, const sl_zone *z, const sl_plan *plan, const map_parcel *m,
                        const sl_rgb *colours)
{
    const sl_scenario *sc = z->sc;
    const sl_parcel *p = &z->p[m->zi];
    const sl_parcel_plan *pp = plan ? &plan->pp[m->zi] : NULL;
    const char *label = status_key(z, plan, m->zi);
    sl_style_status(label, NULL, &label);
    sl_textbuf_puts(b, "{\"id\":");
    js_str(b, p->id ? p->id : "");
    if (m->name) {
        sl_textbuf_puts(b, ",\"name\":");
        js_str(b, m->name);
    }
    if (pp && pp->redeveloped) {
        char anchor[300];
        sl_report_svg_name(p->id, anchor, sizeof anchor);
        anchor[strlen(anchor) - 4] = '\0';
        sl_textbuf_puts(b, ",\"a\":");
        js_str(b, anchor);
    }
    sl_textbuf_puts(b, ",\"r\":[");
    bool first = true;
    row_text(b, ROW_STATUS, &first, label);
    row_text(b, ROW_REASON, &first, pp && pp->reason ? pp->reason : p->reason);
    row_num(b, ROW_AREA, &first, p->area_m2, 0);
    if (pp && pp->redeveloped) {
        row_before_after(b, ROW_FAR, &first, p->current_far, pp->counted_gfa_m2 / p->area_m2, 2);
        row_before_after(b, ROW_GFA, &first, p->current_gfa_m2, pp->gfa_m2, 0);
        const char *chains[16];
        int n = sl_parcel_plan_chains(sc, pp, chains, 16);
        sl_textbuf b2 = {0};
        for (int i = 0; i < n && i < 16; i++) {
            sl_textbuf_puts(&b2, i ? "; " : "");
            sl_textbuf_puts(&b2, chains[i]);
        }
        if (n > 16)
            sl_textbuf_printf(&b2, "; … (%d)", n);
        char *s = sl_textbuf_take(&b2);
        if (!s)
            b->failed = true;
        row_text(b, ROW_CHAINS, &first, s && s[0] ? s : "—");
        free(s);
    } else {
        row_num(b, ROW_FAR, &first, p->current_far, 2);
        row_num(b, ROW_GFA, &first, p->current_gfa_m2, 0);
    }
    if (!plan && p->env) {
        row_num(b, ROW_MAX_GFA, &first, p->env[sc->plan_rules].max_gfa_m2, 0);
        row_num(b, ROW_GAIN, &first, p->gain_m2, 0);
    }
    if (p->pin >= 0) {
        const sl_pin *pin = &sc->pins[p->pin];
        const sl_industry *ind = &sc->industries[pin->industry];
        row_text(b, ROW_PIN, &first, ind->name ? ind->name : ind->id);
    }
    sl_textbuf_puts(b, "],\"s\":[");
    /* the stack top down: the office block above the factory's */
    for (int blk = SL_BLOCK_OFFICE, k = 0; pp && blk >= SL_BLOCK_FACTORY; blk--) {
        for (int i = pp->n_storeys - 1; i >= 0; i--) {
            const sl_storey *st = &pp->storeys[i];
            if ((int)st->block != blk)
                continue;
            const sl_industry *ind = &sc->industries[st->industry];
            char hex[8];
            sl_textbuf_printf(b, "%s[%d,%d,", k++ ? "," : "", blk, st->level);
            js_str(b, ind->id);
            sl_textbuf_puts(b, ",");
            js_str(b, ind->name ? ind->name : ind->id);
            sl_textbuf_printf(b, ",\"%.2f\",\"%s\"]", st->height_m,
                              sl_rgb_hex(colours[st->industry], hex));
        }
    }
    sl_textbuf_puts(b, "]}");
}

/* The panel: hover shows a parcel, click keeps it (and marks its path). */
static const char *script =
    "(function(){\n"
    "var M=JSON.parse(document.getElementById('map-data').textContent),T=M.t;\n"
    "var svg=document.getElementById('zone-map'),panel=document.getElementById('map-panel');\n"
    "var kept=null;\n"
    "function el(tag,cls,txt){var e=document.createElement(tag);if(cls)e.className=cls;"
    "if(txt!=null)e.textContent=txt;return e;}\n"
    "function show(path){panel.textContent='';\n"
    " if(!path){panel.appendChild(el('p','meta',T.hint));return;}\n"
    " var p=M.p[+path.getAttribute('data-i')];\n"
    " panel.appendChild(el('h3',null,p.id));\n"
    " if(p.name)panel.appendChild(el('p','name',p.name));\n"
    " var t=el('table','nums');\n"
    " p.r.forEach(function(r){var tr=el('tr');tr.appendChild(el('th',null,T.rows[r[0]]));"
    "tr.appendChild(el('td',null,r[1]));t.appendChild(tr);});\n"
    " panel.appendChild(t);\n"
    " if(!p.s.length){panel.appendChild(el('p','meta',T.no_stack));return;}\n"
    " panel.appendChild(el('h4',null,T.stack));\n"
    " var s=el('table','stack'),h=el('tr');\n"
    " T.cols.forEach(function(c){h.appendChild(el('th',null,c));});s.appendChild(h);\n"
    " p.s.forEach(function(x){var tr=el('tr','storey');tr.setAttribute('data-block',x[0]);"
    "tr.setAttribute('data-level',x[1]);tr.setAttribute('data-industry',x[2]);\n"
    "  tr.appendChild(el('td',null,T.blocks[x[0]]));"
    "tr.appendChild(el('td','n',T.levels[x[0]]+x[1]));\n"
    "  var td=el('td'),sw=el('span','sw');sw.style.background=x[5];td.appendChild(sw);"
    "td.appendChild(document.createTextNode(x[3]));tr.appendChild(td);\n"
    "  tr.appendChild(el('td','n',x[4]));s.appendChild(tr);});\n"
    " panel.appendChild(s);\n"
    " if(p.a){var "
    "a=el('a',null,T.details);a.href='#p-'+p.a;panel.appendChild(el('p')).appendChild(a);}\n"
    "}\n"
    "function target(e){return e.target.closest?e.target.closest('path[data-i]'):null;}\n"
    "svg.addEventListener('mouseover',function(e){var p=target(e);if(p)show(p);});\n"
    "svg.addEventListener('mouseleave',function(){show(kept);});\n"
    "svg.addEventListener('click',function(e){var p=target(e);\n"
    " if(kept)kept.classList.remove('sel');\n"
    " kept=p&&p!==kept?p:null;if(kept)kept.classList.add('sel');show(kept||p);});\n"
    "show(null);\n"
    "})();\n";

/* The map takes up to 1500 px, wider than the page's text, centred on it;
 * the panel stays in view beside it (sticky) while the map scrolls. */
static const char *css =
    ".mapbox{width:min(1500px,calc(100vw - 2em));margin-left:50%;transform:translateX(-50%);"
    "display:flex;flex-wrap:wrap;gap:1em}"
    ".map-svg{flex:1 1 640px;min-width:0}.map-side{flex:0 1 330px}"
    "#zone-map{width:100%;height:auto;border:1px solid #ccc;background:#fbfbf8}"
    "#zone-map path[data-i]{stroke:#5a5a5a;stroke-width:.5;fill-rule:evenodd;cursor:pointer}"
    "#zone-map path.redev{stroke:#d7301f;stroke-width:1.4}"
    "#zone-map path.pinned{stroke:#111;stroke-width:2.2}"
    "#zone-map path[data-i]:hover{stroke:#000;stroke-width:2}"
    "#zone-map path.sel{stroke:#000;stroke-width:2.8}"
    "#zone-map .lbl{text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:2.4px;"
    "stroke-linejoin:round;fill:#111;pointer-events:none}"
    "#zone-map .id{font-size:10px;font-weight:bold}#zone-map .name{font-size:8px}"
    "#zone-map .pin-lbl{text-anchor:start;font-size:11px}"
    "#zone-map .pin{fill:#c62828;stroke:#fff;stroke-width:1;pointer-events:none}"
    "#zone-map .pin-eye{fill:#fff;pointer-events:none}"
    ".map-legend,#map-panel{font-size:.92em}"
    ".map-legend ul{list-style:none;padding:0;margin:.3em 0}.map-legend li{margin:.15em 0}"
    ".map-legend ul ul{margin-left:1.3em}"
    "#map-panel{border:1px solid #ccc;padding:.3em .8em;min-height:8em;background:#fafafa;"
    "position:sticky;top:.5em;max-height:calc(100vh - 1em);overflow:auto;margin-bottom:1em}"
    "#map-panel h3{margin:.3em 0}#map-panel h4{margin:.6em 0 .2em}"
    "#map-panel .name{margin:0 0 .3em;color:#333}"
    "@media print{#map-panel{display:none}.mapbox{width:auto;margin:0;transform:none}}";

const char *sl_report_map_css(void)
{
    return css;
}

static void legend_item(sl_textbuf *b, sl_rgb c, const char *label, long long n,
                        const char *extra_style)
{
    char hex[8];
    sl_textbuf_printf(b, "<li><span class=\"sw\" style=\"background:%s%s\"></span>",
                      sl_rgb_hex(c, hex), extra_style);
    sl_textbuf_xml(b, label);
    sl_textbuf_printf(b, " (%lld)</li>\n", n);
}

static void legend(sl_textbuf *b, const sl_zone *z, const sl_plan *plan, const map_ctx *c)
{
    const sl_scenario *sc = z->sc;
    static const char *const eval_st[] = {"candidate", "not_candidate", "rejected"};
    static const char *const plan_st[] = {"redeveloped", "kept", "not_candidate", "rejected"};
    const char *const *st = plan ? plan_st : eval_st;
    int n_st = plan ? 4 : 3;
    sl_textbuf_printf(b, "<div class=\"map-legend\"><b>%s</b>\n<ul>\n", text.legend);
    long long pins = 0;
    for (int i = 0; i < c->n; i++)
        pins += z->p[c->v[i].zi].pin >= 0;
    for (int s = 0; s < n_st; s++) {
        long long n = 0;
        for (int i = 0; i < c->n; i++)
            n += strcmp(status_key(z, plan, c->v[i].zi), st[s]) == 0;
        if (n == 0)
            continue;
        sl_rgb fill;
        const char *label = st[s];
        sl_style_status(st[s], &fill, &label);
        if (strcmp(st[s], "redeveloped") != 0) {
            legend_item(b, fill, label, n, "");
            continue;
        }
        /* redeveloped: one line per building theme, in catalogue order */
        sl_textbuf_printf(b, "<li>%s\n<ul>\n", text.by_chain);
        const char **themes = malloc(sizeof *themes * ((size_t)c->n + 1));
        if (!themes) {
            b->failed = true;
            return;
        }
        int nt = 0;
        for (int i = 0; i < c->n; i++) {
            if (!plan->pp[c->v[i].zi].redeveloped)
                continue;
            const char *t = sl_buildings_theme(sc, &plan->pp[c->v[i].zi]);
            bool seen = false;
            for (int j = 0; j < nt && !seen; j++)
                seen = strcmp(themes[j], t) == 0;
            if (!seen)
                themes[nt++] = t;
        }
        for (int j = 0; j < nt; j++) {
            long long k = 0;
            for (int i = 0; i < c->n; i++)
                k += plan->pp[c->v[i].zi].redeveloped &&
                     strcmp(sl_buildings_theme(sc, &plan->pp[c->v[i].zi]), themes[j]) == 0;
            legend_item(b, sl_style_theme_colour(sc, themes[j]), themes[j], k,
                        ";border:2px solid #d7301f");
        }
        free(themes);
        sl_textbuf_puts(b, "</ul></li>\n");
    }
    if (pins)
        sl_textbuf_printf(b,
                          "<li><svg width=\"14\" height=\"16\" viewBox=\"-7 -20 14 21\" "
                          "aria-hidden=\"true\"><path d=\"M0,0 c-3,-6 -7,-9 -7,-13 a7,7 0 1 1 "
                          "14,0 c0,4 -4,7 -7,13Z\" fill=\"#c62828\"/></svg> %s (%lld)</li>\n",
                          text.pinned, pins);
    sl_textbuf_puts(b, "</ul>\n");
    if (c->not_drawn)
        sl_textbuf_printf(b, "<p class=\"meta\">%lld %s.</p>\n", c->not_drawn, text.not_drawn);
    sl_textbuf_puts(b, "</div>\n");
}

enum { MAP_W = 1000, MAP_H_MAX = 900, MARGIN = 24, BAND = 46 };

static void draw(sl_textbuf *b, const sl_zone *z, const sl_plan *plan, const map_ctx *c, double mpu)
{
    OGREnvelope all, e;
    OGR_G_GetEnvelope(c->v[0].g, &all);
    for (int i = 1; i < c->n; i++) {
        OGR_G_GetEnvelope(c->v[i].g, &e);
        all.MinX = fmin(all.MinX, e.MinX);
        all.MaxX = fmax(all.MaxX, e.MaxX);
        all.MinY = fmin(all.MinY, e.MinY);
        all.MaxY = fmax(all.MaxY, e.MaxY);
    }
    double w_m = fmax((all.MaxX - all.MinX) * mpu, 1), h_m = fmax((all.MaxY - all.MinY) * mpu, 1);
    frame f = {all.MinX, all.MaxY, mpu, 0, MARGIN};
    f.px_per_m = fmin((MAP_W - 2 * MARGIN) / w_m, (MAP_H_MAX - 2 * MARGIN) / h_m);
    double w = w_m * f.px_per_m + 2 * MARGIN, h = h_m * f.px_per_m + 2 * MARGIN;
    sl_textbuf_printf(b,
                      "<svg id=\"zone-map\" xmlns=\"http://www.w3.org/2000/svg\" "
                      "viewBox=\"0 0 %.0f %.0f\" role=\"img\"><title>%s</title>\n"
                      "<g id=\"map-parcels\">\n",
                      ceil(w), ceil(h + BAND), text.svg_title);
    /* pinned parcels last, so that their outline stays on top */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < c->n; i++) {
            const map_parcel *m = &c->v[i];
            const sl_parcel *p = &z->p[m->zi];
            if ((p->pin >= 0) != (pass == 1))
                continue;
            char hex[8];
            bool redev = plan && plan->pp[m->zi].redeveloped;
            sl_textbuf_printf(b, "<path data-i=\"%d\" data-id=\"", i);
            sl_textbuf_xml(b, p->id ? p->id : "");
            sl_textbuf_printf(b, "\" data-status=\"%s\"%s fill=\"%s\" d=\"",
                              status_key(z, plan, m->zi),
                              p->pin >= 0 ? " class=\"pinned\""
                              : redev     ? " class=\"redev\""
                                          : "",
                              sl_rgb_hex(fill_of(z, plan, m->zi), hex));
            path_d(b, m->g, &f);
            sl_textbuf_puts(b, "\"><title>");
            sl_textbuf_xml(b, p->id ? p->id : "");
            if (m->name) {
                sl_textbuf_puts(b, " ");
                sl_textbuf_xml(b, m->name);
            }
            sl_textbuf_puts(b, "</title></path>\n");
        }
    sl_textbuf_puts(b, "</g>\n<g id=\"map-labels\">\n");
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < c->n; i++)
            if ((z->p[c->v[i].zi].pin >= 0) == (pass == 1))
                labels(b, z, &c->v[i], &f);
    sl_textbuf_puts(b, "</g>\n");
    /* the scale bar: a round length of about a fifth of the map, in two
     * halves, under the parcels */
    double bar_m = round_metres(w_m / 5), bar_px = bar_m * f.px_per_m;
    double bx = MARGIN, by = h + 14;
    sl_textbuf_printf(b,
                      "<g id=\"map-scalebar\" data-m=\"%g\" font-size=\"10\" fill=\"#222\">"
                      "<rect class=\"sb-len\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"6\" "
                      "fill=\"#fff\" stroke=\"#222\"/>"
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"6\" fill=\"#222\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">0</text>"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>"
                      "<text class=\"sb-label\" x=\"%.1f\" y=\"%.1f\">%g %s</text></g>\n",
                      bar_m, bx, by, bar_px, bx, by, bar_px / 2, bx, by + 18, bx + bar_px / 2,
                      by + 18, bar_m / 2, bx + bar_px + 6, by + 7, bar_m, text.unit_m);
    /* the north arrow, top right: the frame's y axis is north */
    double nx = w - MARGIN - 4, ny = MARGIN + 4;
    sl_textbuf_printf(b,
                      "<g id=\"map-north\" transform=\"translate(%.1f %.1f)\">"
                      "<circle r=\"17\" cy=\"14\" fill=\"#fff\" fill-opacity=\".8\"/>"
                      "<path d=\"M0,0 L7,22 L0,17Z\" fill=\"#222\"/>"
                      "<path d=\"M0,0 L-7,22 L0,17Z\" fill=\"#fff\" stroke=\"#222\" "
                      "stroke-width=\".8\"/><text y=\"-3\" text-anchor=\"middle\" "
                      "font-size=\"11\" font-weight=\"bold\">%s</text></g>\n",
                      nx, ny + 6, text.north);
    sl_textbuf_puts(b, "</svg>\n");
}

/* The map with GDAL's messages held (reading the source again repeats its
 * warnings; GEOS may complain of a polygon it cannot label): the map does
 * without what they concern, and the reading reports its own failures. */
static sl_status map_section(sl_textbuf *b, const sl_zone *z, const sl_plan *plan,
                             const sl_rgb *colours, sl_error *err)
{
    map_ctx c = {.name_field = -2, .err = err};
    double mpu = 1;
    OGREnvelope ext;
    if (OGR_L_GetExtent(sl_source_layer(z->src), &ext, TRUE) != OGRERR_NONE)
        memset(&ext, 0, sizeof ext);
    sl_textbuf_printf(b, "<h2 id=\"map\">%s</h2>\n<p class=\"meta\">%s</p>\n", text.heading,
                      text.intro);
    /* Without a metric frame the report goes on without its map: the
     * message says why. */
    sl_error ferr;
    sl_error_init(&ferr);
    if (sl_source_metric_frame(z->src, (ext.MinX + ext.MaxX) / 2, (ext.MinY + ext.MaxY) / 2, &c.ct,
                               &mpu, &ferr) != SL_OK) {
        sl_textbuf_printf(b, "<p>%s: ", text.no_frame);
        sl_textbuf_xml(b, ferr.n ? ferr.msgs[0] : "");
        sl_textbuf_puts(b, "</p>\n");
        sl_error_clear(&ferr);
        return SL_OK;
    }
    sl_error_clear(&ferr);
    sl_status st = sl_zone_rescan(z, take, &c, err);
    if (st == SL_OK) {
        if (c.n == 0) {
            sl_textbuf_printf(b, "<p>%lld %s.</p>\n", c.not_drawn, text.not_drawn);
        } else {
            sl_textbuf_puts(b, "<div class=\"mapbox\">\n<div class=\"map-svg\">\n");
            draw(b, z, plan, &c, mpu);
            sl_textbuf_puts(b, "</div>\n<div class=\"map-side\">\n<div id=\"map-panel\" "
                               "aria-live=\"polite\"></div>\n");
            legend(b, z, plan, &c);
            sl_textbuf_puts(b, "</div>\n</div>\n");
            /* the panel's data: texts and parcels, indexed by data-i */
            sl_textbuf_puts(b,
                            "<script type=\"application/json\" id=\"map-data\">{\"t\":{\"hint\":");
            js_str(b, text.hint);
            sl_textbuf_puts(b, ",\"stack\":");
            js_str(b, text.stack);
            sl_textbuf_puts(b, ",\"no_stack\":");
            js_str(b, text.no_stack);
            sl_textbuf_puts(b, ",\"details\":");
            js_str(b, text.details);
            sl_textbuf_puts(b, ",\"rows\":[");
            for (int r = 0; r < N_ROWS; r++) {
                sl_textbuf_puts(b, r ? "," : "");
                js_str(b, text.rows[r]);
            }
            sl_textbuf_puts(b, "],\"cols\":[");
            for (int k = 0; k < 4; k++) {
                sl_textbuf_puts(b, k ? "," : "");
                js_str(b, text.cols[k]);
            }
            sl_textbuf_puts(b, "],\"blocks\":[");
            js_str(b, text.blocks[SL_BLOCK_FACTORY]);
            sl_textbuf_puts(b, ",");
            js_str(b, text.blocks[SL_BLOCK_OFFICE]);
            sl_textbuf_puts(b, "],\"levels\":[");
            js_str(b, text.levels[SL_BLOCK_FACTORY]);
            sl_textbuf_puts(b, ",");
            js_str(b, text.levels[SL_BLOCK_OFFICE]);
            sl_textbuf_puts(b, "]},\n\"p\":[");
            for (int i = 0; i < c.n; i++) {
                sl_textbuf_puts(b, i ? ",\n" : "\n");
                parcel_json(b, z, plan, &c.v[i], colours);
            }
            sl_textbuf_printf(b, "]}</script>\n<script>%s</script>\n", script);
        }
    }
    for (int i = 0; i < c.n; i++) {
        OGR_G_DestroyGeometry(c.v[i].g);
        free(c.v[i].name);
    }
    free(c.v);
    if (c.ct)
        OCTDestroyCoordinateTransformation(c.ct);
    return st;
}

sl_status sl_report_map(sl_textbuf *b, const sl_zone *z, const sl_plan *plan, const sl_rgb *colours,
                        sl_error *err)
{
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    sl_status st = map_section(b, z, plan, colours, err);
    sl_gdal_capture_pop();
    return st;
}
