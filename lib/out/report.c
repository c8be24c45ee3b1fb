/* report.c - report.html and the stacking-plan SVGs. */
#include "out/report.h"

#include "phase/phasing.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/source.h"
#include "util/textbuf.h"

/* ---- colours ------------------------------------------------------------ */

static const char *text_colour(sl_rgb c)
{
    return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b < 140 ? "#ffffff" : "#111111";
}

static const char *block_name(int block)
{
    return block == SL_BLOCK_OFFICE ? SL_N("office") : SL_N("factory");
}

/* ---- the stacking plan -------------------------------------------------- */

enum { PX_PER_M = 7, MARGIN_TOP = 56, MARGIN_BOTTOM = 36, AXIS_X = 54 };
/* The wider block's width; narrower than LABEL_IN_PX a block has its
 * storeys' labels beside it, in LABEL_OUT_PX. */
enum { BLOCK_MAX_PX = 330, LABEL_IN_PX = 190, LABEL_OUT_PX = 240 };

/* One block's column: storeys from the ground up. */
static void svg_block(sl_textbuf *b, const sl_zone *z, const sl_parcel *p, const sl_parcel_plan *pp,
                      const sl_rgb *colours, int block, double x, double w, double ground_y,
                      double cap_m)
{
    const sl_scenario *sc = z->sc;
    sl_lang L = sc->lang;
    double base = 0, fp = 0;
    int n = 0;
    for (int i = 0; i < pp->n_storeys; i++) {
        const sl_storey *st = &pp->storeys[i];
        if ((int)st->block != block)
            continue;
        const sl_industry *ind = &sc->industries[st->industry];
        sl_rgb c = colours[st->industry];
        char hex[8];
        double y = ground_y - (base + st->height_m) * PX_PER_M, h = st->height_m * PX_PER_M;
        sl_textbuf_printf(b,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "fill=\"%s\" stroke=\"#222\" stroke-width=\"1\"><title>",
                          x, y, w, h, sl_rgb_hex(c, hex));
        sl_textbuf_printf(b, sl_tr(L, "%s L%d: "), sl_tr(L, block_name(block)), st->level);
        sl_textbuf_xml(b, ind->name);
        sl_textbuf_puts(b, sl_tr(L, " ("));
        sl_textbuf_xml(b, ind->id);
        sl_textbuf_printf(b, sl_tr(L, "), %.2f m, %.0f m², load %g kN/m² (slab cap %g)"),
                          st->height_m, st->gfa_m2, ind->floor_load_kN_m2,
                          sl_ruleset_load_at(p->plan_rules, st->level));
        sl_textbuf_puts(b, "</title></rect>\n");
        double fs = h >= 26 ? 11 : h >= 16 ? 9 : 7;
        bool inside = w >= LABEL_IN_PX;
        const char *tc = inside ? text_colour(c) : "#111";
        sl_textbuf_printf(b,
                          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" fill=\"%s\">"
                          "<tspan font-weight=\"bold\">%s%d</tspan> ",
                          inside ? x + 6 : x + w + 6, y + h / 2 + fs / 2 - 1, fs, tc,
                          block == SL_BLOCK_OFFICE ? "O" : "F", st->level);
        sl_textbuf_xml(b, ind->name);
        if (inside)
            sl_textbuf_printf(b,
                              "</text>\n<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" "
                              "fill=\"%s\" text-anchor=\"end\">",
                              x + w - 6, y + h / 2 + fs / 2 - 1, fs, tc);
        else
            sl_textbuf_puts(b, " · ");
        sl_textbuf_printf(b, "%.1f m · %g/%g</text>\n", st->height_m, ind->floor_load_kN_m2,
                          sl_ruleset_load_at(p->plan_rules, st->level));
        base += st->height_m;
        fp = st->gfa_m2;
        n++;
    }
    if (n == 0)
        return;
    /* the block's name and the height cap */
    sl_textbuf_printf(
        b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#333\">%s", x, ground_y + 16,
        block == SL_BLOCK_OFFICE ? sl_tr(L, "办公 office") : sl_tr(L, "厂房 factory"));
    sl_textbuf_printf(b, sl_tr(L, " · %dF · %.1f m · "), n, base);
    sl_textbuf_num(b, fp, 0);
    sl_textbuf_printf(b, "%s</text>\n", sl_tr(L, " m²/floor"));
    double cy = ground_y - cap_m * PX_PER_M;
    sl_textbuf_printf(b,
                      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c62828\" "
                      "stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>\n"
                      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#c62828\" "
                      "text-anchor=\"%s\">",
                      x - 4, cy, x + w + 4, cy, w >= LABEL_IN_PX ? x + w : x + w + 6, cy - 3,
                      w >= LABEL_IN_PX ? "end" : "start");
    sl_textbuf_printf(b, sl_tr(L, "限高 cap %g m"), cap_m);
    sl_textbuf_puts(b, "</text>\n");
}

/* The floor plate of a block: its largest storey (m²), 0 without one. */
static double plate_m2(const sl_parcel_plan *pp, int block)
{
    double m2 = 0;
    for (int i = 0; i < pp->n_storeys; i++)
        if ((int)pp->storeys[i].block == block)
            m2 = fmax(m2, pp->storeys[i].gfa_m2);
    return m2;
}

char *sl_report_stack_svg(const sl_zone *z, const sl_parcel *p, const sl_parcel_plan *pp,
                          const sl_rgb *colours)
{
    const sl_ruleset *r = p->plan_rules;
    sl_lang L = z->sc->lang;
    bool office = pp->office_floors > 0;
    double top_m = fmax(r->factory_height_max_m, pp->factory_height_m);
    if (office)
        top_m = fmax(top_m, fmax(r->office_height_max_m, pp->office_height_m));
    /* Widths to scale: the side of each floor plate, one scale for both
     * blocks, the wider BLOCK_MAX_PX; at least 3 px to be seen. */
    double fac_m2 = plate_m2(pp, SL_BLOCK_FACTORY),
           off_m2 = office ? plate_m2(pp, SL_BLOCK_OFFICE) : 0;
    double side_m = sqrt(fmax(fac_m2, off_m2));
    double px_per_side_m = side_m > 0 ? BLOCK_MAX_PX / side_m : 0;
    double fw = fmax(3, sqrt(fac_m2) * px_per_side_m), ow = fmax(3, sqrt(off_m2) * px_per_side_m);
    double gap = 36 + (fw < LABEL_IN_PX ? LABEL_OUT_PX : 0);
    double width = AXIS_X + 16 + fw + (office ? gap + ow : gap - 36) +
                   (office && ow < LABEL_IN_PX ? LABEL_OUT_PX : 0) + 20;
    double ground_y = MARGIN_TOP + top_m * PX_PER_M;
    double height = ground_y + MARGIN_BOTTOM;
    sl_textbuf b = {0};
    sl_textbuf_printf(&b,
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                      "viewBox=\"0 0 %.0f %.0f\" font-family=\"'Noto Sans CJK SC','Source Han "
                      "Sans SC','Microsoft YaHei','PingFang SC',sans-serif\" role=\"img\">\n",
                      width, height, width, height);
    sl_textbuf_puts(&b, "<title>");
    sl_textbuf_xml(&b, p->id);
    sl_textbuf_puts(&b, sl_tr(L, " stacking plan"));
    sl_textbuf_puts(&b, "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    sl_textbuf_puts(&b,
                    "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\" fill=\"#111\">");
    sl_textbuf_xml(&b, p->id);
    sl_textbuf_printf(&b,
                      "%s</text>\n<text x=\"10\" y=\"40\" font-size=\"11\" "
                      "fill=\"#444\">%s",
                      sl_tr(L, " 竖向布局 stacking plan"), sl_tr(L, "GFA "));
    sl_textbuf_num(&b, pp->gfa_m2, 0);
    sl_textbuf_puts(&b, sl_tr(L, " m² · FAR "));
    sl_textbuf_num(&b, pp->counted_gfa_m2 / p->area_m2, 2);
    sl_textbuf_puts(&b, sl_tr(L, " · site "));
    sl_textbuf_num(&b, p->area_m2, 0);
    sl_textbuf_printf(&b, "%s</text>\n",
                      sl_tr(L, " m² · per storey: height m · floor load / slab cap kN/m² · block "
                               "widths: the floor plate's side, to scale"));
    /* elevation axis every 10 m */
    for (int m = 0; m <= (int)top_m; m += 10) {
        double y = ground_y - m * PX_PER_M;
        sl_textbuf_printf(&b,
                          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\"/>"
                          "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" fill=\"#555\" "
                          "text-anchor=\"end\">%d m</text>\n",
                          AXIS_X - 4, y, AXIS_X, y, AXIS_X - 7, y + 3.5, m);
    }
    sl_textbuf_printf(&b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\"/>\n",
                      AXIS_X, MARGIN_TOP - 6, AXIS_X, ground_y);
    double fx = AXIS_X + 16;
    svg_block(&b, z, p, pp, colours, SL_BLOCK_FACTORY, fx, fw, ground_y, r->factory_height_max_m);
    if (office)
        svg_block(&b, z, p, pp, colours, SL_BLOCK_OFFICE, fx + fw + gap, ow, ground_y,
                  r->office_height_max_m);
    sl_textbuf_printf(&b,
                      "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#333\" "
                      "stroke-width=\"2\"/>\n</svg>\n",
                      AXIS_X, ground_y, width - 10, ground_y);
    return sl_textbuf_take(&b);
}

sl_status sl_report_write_stacks(sl_outdir *od, const sl_zone *z, const sl_plan *plan,
                                 sl_error *err)
{
    const sl_scenario *sc = z->sc;
    if (!sl_outdir_subdir(od, "stacks")) {
        sl_status st = errno == ENOMEM ? SL_ERR_NOMEM : SL_ERR_IO;
        sl_error_add(err, st, "cannot create the stacks directory: %s", strerror(errno));
        return st;
    }
    sl_rgb *colours = malloc(((size_t)sc->n_industries + 1) * sizeof *colours);
    if (!colours) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    sl_style_industry_colours(sc, colours);
    sl_status st = SL_OK;
    for (int i = 0; i < z->n && st == SL_OK; i++) {
        if (!plan->pp[i].redeveloped)
            continue;
        char name[600], base[560];
        sl_report_svg_name(z->p[i].id, base, sizeof base);
        snprintf(name, sizeof name, "stacks/%s", base);
        /* Ids that differ only in replaced characters: number the later. */
        int same = 0;
        for (int j = 0; j < i; j++) {
            char other[560];
            same += plan->pp[j].redeveloped &&
                    strcmp(sl_report_svg_name(z->p[j].id, other, sizeof other), base) == 0;
        }
        if (same)
            snprintf(name, sizeof name, "stacks/%.*s-%d.svg", (int)strlen(base) - 4, base,
                     same + 1);
        const char *path = sl_outdir_file(od, name);
        char *svg = sl_report_stack_svg(z, &z->p[i], &plan->pp[i], colours);
        if (!path || !svg) {
            sl_error_add(err, SL_ERR_NOMEM, "out of memory");
            st = SL_ERR_NOMEM;
        } else {
            sl_textbuf b = {0};
            sl_textbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            sl_textbuf_puts(&b, svg);
            st = sl_textbuf_write(&b, path, err);
            sl_textbuf_clear(&b);
        }
        free(svg);
    }
    free(colours);
    return st;
}

/* ---- report.html -------------------------------------------------------- */

static const char *css =
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',"
    "sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#1a1a1a;line-height:1.45}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #d7301f;padding-bottom:.2em;"
    "margin-top:2em}h3{margin-bottom:.3em}"
    ".meta{color:#555}table{border-collapse:collapse;margin:.5em 0 1em}"
    "th,td{border:1px solid #ccc;padding:.25em .6em;vertical-align:top}"
    "th{background:#f3f3f3;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "td:first-child{white-space:nowrap}"
    ".sw{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;margin-right:.35em;"
    "border:1px solid #555}.bar{background:#eee;width:220px;height:.9em;position:relative}"
    ".bar span{position:absolute;left:0;top:0;bottom:0}.bar i{position:absolute;top:-2px;"
    "bottom:-2px;border-left:2px solid #333}"
    ".parcel{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start;margin-bottom:2em;"
    "page-break-inside:avoid}.ok{color:#1b7837}.warn{color:#b35806}"
    "@media print{body{margin:0;max-width:none}h2{page-break-before:auto}}";

/* A header row; each column's text through the translation table. */
static void th_row(sl_textbuf *b, sl_lang L, const char *const *cols, int n)
{
    sl_textbuf_puts(b, "<tr>");
    for (int i = 0; i < n; i++) {
        sl_textbuf_puts(b, "<th>");
        sl_textbuf_puts(b, sl_tr(L, cols[i]));
        sl_textbuf_puts(b, "</th>");
    }
    sl_textbuf_puts(b, "</tr>\n");
}

static void td_num(sl_textbuf *b, double v, int dec)
{
    sl_textbuf_puts(b, "<td class=\"n\">");
    sl_textbuf_num(b, v, dec);
    sl_textbuf_puts(b, "</td>");
}

/* A current floor space or FAR: "unknown" rather than a dash when the
 * layer does not say (docs/model.md §2). */
static void td_current(sl_textbuf *b, sl_lang L, double v, int dec)
{
    if (isnan(v))
        sl_textbuf_printf(b, "<td class=\"warn\">%s</td>", sl_tr(L, "unknown 未知"));
    else
        td_num(b, v, dec);
}

static void td_text(sl_textbuf *b, const char *s)
{
    sl_textbuf_puts(b, "<td>");
    sl_textbuf_xml(b, s ? s : "—");
    sl_textbuf_puts(b, "</td>");
}

static void swatch(sl_textbuf *b, sl_rgb c)
{
    char hex[8];
    sl_textbuf_printf(b, "<span class=\"sw\" style=\"background:%s\"></span>", sl_rgb_hex(c, hex));
}

/* Zone totals, as summary.json counts them. */
typedef struct totals {
    double area, cand_area, gfa, cand_gfa, gain;
    long long redeveloped, kept, unknown; /* unknown: current GFA unknown, not summed */
} totals;

static totals zone_totals(const sl_zone *z, const sl_plan *plan)
{
    totals t = {0};
    for (int i = 0; i < z->n; i++) {
        const sl_parcel *p = &z->p[i];
        if (p->status == SL_PARCEL_REJECTED)
            continue;
        t.area += p->area_m2;
        bool known = !isnan(p->current_gfa_m2);
        t.gfa += known ? p->current_gfa_m2 : 0;
        t.unknown += !known;
        if (p->status != SL_PARCEL_CANDIDATE)
            continue;
        t.cand_area += p->area_m2;
        t.cand_gfa += known ? p->current_gfa_m2 : 0;
        if (p->env && known)
            t.gain += p->gain_m2;
        if (plan && plan->pp[i].redeveloped)
            t.redeveloped++;
        else if (plan)
            t.kept++;
    }
    return t;
}

static void zone_summary(sl_textbuf *b, const sl_zone *z, const sl_plan *plan)
{
    totals t = zone_totals(z, plan);
    sl_lang L = z->sc->lang;
    sl_textbuf_printf(b, "<h2>%s</h2>\n<table>\n", sl_tr(L, "片区概况 Zone summary"));
    static const char *const cols[] = {"", SL_N("parcels 地块"), SL_N("area 面积 m²"),
                                       SL_N("current GFA 现状建面 m²")};
    th_row(b, L, cols, 4);
    sl_textbuf_printf(b, "<tr><th>%s</th><td class=\"n\">%d</td>", sl_tr(L, "all 全部"), z->n);
    td_num(b, t.area, 0);
    td_num(b, t.gfa, 0);
    sl_textbuf_printf(b, "</tr>\n<tr><th>%s</th><td class=\"n\">%lld</td>",
                      sl_tr(L, "candidates 低效工业用地"), z->n_by_status[SL_PARCEL_CANDIDATE]);
    td_num(b, t.cand_area, 0);
    td_num(b, t.cand_gfa, 0);
    sl_textbuf_puts(b, "</tr>\n");
    if (plan) {
        double area = 0, cur = 0;
        for (int i = 0; i < z->n; i++)
            if (plan->pp[i].redeveloped)
                area += z->p[i].area_m2, cur += sl_parcel_current_gfa_used(&z->p[i]);
        sl_textbuf_printf(b, "<tr><th>%s</th><td class=\"n\">%lld</td>",
                          sl_tr(L, "redeveloped 改造"), t.redeveloped);
        td_num(b, area, 0);
        td_num(b, cur, 0);
        sl_textbuf_printf(b,
                          "</tr>\n<tr><th>%s</th><td class=\"n\">%lld</td><td></td>"
                          "<td></td></tr>\n",
                          sl_tr(L, "kept 保留"), t.kept);
    }
    sl_textbuf_printf(b,
                      "<tr><th>%s</th><td class=\"n\">%lld</td><td></td>"
                      "<td></td></tr>\n<tr><th>%s</th><td class=\"n\">%lld</td>"
                      "<td></td><td></td></tr>\n</table>\n",
                      sl_tr(L, "not candidates 非候选"), z->n_by_status[SL_PARCEL_NOT_CANDIDATE],
                      sl_tr(L, "rejected 数据有误"), z->n_by_status[SL_PARCEL_REJECTED]);
    /* The sentence with its number and rule set in the language's order. */
    sl_textbuf num = {0}, name = {0};
    sl_textbuf_num(&num, t.gain, 0);
    sl_textbuf_xml(&name, z->sc->rules[z->sc->plan_rules].name);
    sl_textbuf_puts(b, "<p>");
    sl_textbuf_printf(b,
                      sl_tr(L, "Candidates could gain up to %s m² of floor area under the plan "
                               "rule set <b>%s</b> (sum of <code>gain_m2</code>)."),
                      num.s ? num.s : "", name.s ? name.s : "");
    sl_textbuf_puts(b, "</p>\n");
    b->failed |= num.failed || name.failed;
    sl_textbuf_clear(&num);
    sl_textbuf_clear(&name);
    if (t.unknown) {
        sl_textbuf_puts(b, "<p class=\"warn\">");
        sl_textbuf_printf(
            b,
            sl_tr(L, "The current floor space of %lld %s is unknown "
                     "(现状建面未知): not in the totals above."),
            t.unknown, t.unknown == 1 ? sl_tr(L, "count\004parcel") : sl_tr(L, "count\004parcels"));
        sl_textbuf_puts(b, "</p>\n");
    }
}

/* What the run warned about, as summary.json's warnings: the heading in
 * the report's language, the warnings as the command wrote them (English,
 * docs/outputs.md "Languages"). */
static void warnings(sl_textbuf *b, const sl_zone *z, const sl_plan *plan)
{
    int n = z->n_warnings;
    for (int k = 0; plan && plan->industry_unfit && k < plan->n_industries; k++)
        n += plan->industry_unfit[k] != NULL;
    if (!n)
        return;
    sl_textbuf_printf(b, "<h2>%s</h2>\n<ul class=\"warn\">\n", sl_tr(z->sc->lang, "注意 Warnings"));
    for (int k = 0; k < z->n_warnings; k++) {
        sl_textbuf_puts(b, "<li>");
        sl_textbuf_xml(b, z->warnings[k]);
        sl_textbuf_puts(b, "</li>\n");
    }
    for (int k = 0; plan && plan->industry_unfit && k < plan->n_industries; k++)
        if (plan->industry_unfit[k]) {
            sl_textbuf_puts(b, "<li>");
            sl_textbuf_xml(b, plan->industry_unfit[k]);
            sl_textbuf_puts(b, "</li>\n");
        }
    sl_textbuf_puts(b, "</ul>\n");
}

static void rule_sets(sl_textbuf *b, const sl_zone *z)
{
    const sl_scenario *sc = z->sc;
    sl_lang L = sc->lang;
    sl_textbuf_printf(b, "<h2>%s</h2>\n<table>\n", sl_tr(L, "规则对比 Rule sets"));
    static const char *const cols[] = {SL_N("rule set"),
                                       SL_N("FAR cap"),
                                       SL_N("factory m"),
                                       SL_N("office m"),
                                       SL_N("candidates' max GFA m²"),
                                       SL_N("bound by FAR / height / setback / floor plate")};
    th_row(b, L, cols, 6);
    for (int r = 0; r < sc->n_rules; r++) {
        double max_gfa;
        long long bind[SL_N_BINDINGS];
        sl_zone_rule_totals(z, r, &max_gfa, bind);
        sl_textbuf_puts(b, "<tr>");
        td_text(b, sc->rules[r].name);
        td_num(b, sc->rules[r].far_max, 2);
        td_num(b, sc->rules[r].factory_height_max_m, 0);
        td_num(b, sc->rules[r].office_height_max_m, 0);
        td_num(b, max_gfa, 0);
        sl_textbuf_printf(b, "<td class=\"n\">%lld / %lld / %lld / %lld</td></tr>\n",
                          bind[SL_BIND_FAR], bind[SL_BIND_HEIGHT], bind[SL_BIND_SETBACK],
                          bind[SL_BIND_FLOOR_PLATE]);
    }
    sl_textbuf_puts(b, "</table>\n");
}

typedef struct by_gain {
    double gain;
    int idx;
} by_gain;

/* Largest gain first; equal gains in input order. */
static int cmp_gain(const void *a, const void *b)
{
    const by_gain *x = a, *y = b;
    if (x->gain != y->gain)
        return x->gain > y->gain ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Candidates by gain, largest first. */
static void candidates(sl_textbuf *b, const sl_zone *z)
{
    const sl_scenario *sc = z->sc;
    int n = 0;
    by_gain *order = malloc(((size_t)z->n + 1) * sizeof *order);
    if (!order) {
        b->failed = true;
        return;
    }
    for (int i = 0; i < z->n; i++)
        if (z->p[i].status == SL_PARCEL_CANDIDATE)
            /* unknown gains (unknown floor space) last, never NaN in the sort */
            order[n++] =
                (by_gain){z->p[i].env && !isnan(z->p[i].gain_m2) ? z->p[i].gain_m2 : -INFINITY, i};
    qsort(order, (size_t)n, sizeof *order, cmp_gain);
    sl_lang L = sc->lang;
    sl_textbuf_printf(b, "<h2>%s</h2>\n<table>\n<tr>",
                      sl_tr(L, "低效工业用地 Candidates, by gain"));
    static const char *const cols[] = {SL_N("id"),      SL_N("land use"),
                                       SL_N("area m²"), SL_N("current GFA m²"),
                                       SL_N("FAR"),     SL_N("tax CNY/mu")};
    for (int i = 0; i < 6; i++)
        sl_textbuf_printf(b, "<th>%s</th>", sl_tr(L, cols[i]));
    for (int r = 0; r < sc->n_rules; r++) {
        sl_textbuf_puts(b, "<th>");
        sl_textbuf_xml(b, sc->rules[r].name);
        sl_textbuf_printf(b, "%s</th>", sl_tr(L, " max GFA m²"));
    }
    sl_textbuf_printf(b, "<th>%s</th><th>%s</th></tr>\n", sl_tr(L, "gain m²"), sl_tr(L, "reason"));
    for (int k = 0; k < n; k++) {
        const sl_parcel *p = &z->p[order[k].idx];
        sl_textbuf_puts(b, "<tr>");
        td_text(b, p->id);
        td_text(b, p->land_use);
        td_num(b, p->area_m2, 0);
        td_current(b, L, p->current_gfa_m2, 0);
        td_current(b, L, p->current_far, 2);
        td_num(b, p->tax_per_mu_cny, 0);
        for (int r = 0; r < sc->n_rules; r++)
            td_num(b, p->env ? p->env[r].max_gfa_m2 : NAN, 0);
        td_num(b, p->env ? p->gain_m2 : NAN, 0);
        td_text(b, p->reason);
        sl_textbuf_puts(b, "</tr>\n");
    }
    sl_textbuf_puts(b, "</table>\n");
    free(order);
}

static const char *plan_status_text(sl_plan_status s)
{
    switch (s) {
    case SL_PLAN_OPTIMAL: return SL_N("optimal 最优");
    case SL_PLAN_FEASIBLE:
        return SL_N("feasible 可行 (a plan meeting every rule; gap not proven small)");
    case SL_PLAN_INFEASIBLE: return SL_N("infeasible 无可行解");
    case SL_PLAN_NO_PLAN: return SL_N("no plan yet 未找到方案 (stopped before any plan was found)");
    }
    return "?";
}

static const char *stop_reason_text(sl_stop_reason r)
{
    switch (r) {
    case SL_STOP_NONE: return SL_N("— (infeasibility proven)");
    case SL_STOP_GAP: return SL_N("gap 达到目标间隙 (the gap reached plan.gap)");
    case SL_STOP_TIME_LIMIT: return SL_N("time_limit 达到时间上限 (plan.time_limit_s ran out)");
    case SL_STOP_INTERRUPTED:
        return SL_N("interrupted 用户中断 (Ctrl-C: the best plan found so far)");
    }
    return "?";
}

/* A number, or "— (not proven)" when there is none (never 0). */
static void td_proven(sl_textbuf *b, sl_lang L, bool proven, double v, int dec)
{
    if (proven && isfinite(v))
        td_num(b, v, dec);
    else
        sl_textbuf_printf(b, "<td class=\"n\">%s</td>", sl_tr(L, "— (not proven)"));
}

/* "<tr><th>label</th>" after closing the previous row. */
static void next_row(sl_textbuf *b, sl_lang L, const char *label)
{
    sl_textbuf_printf(b, "</tr>\n<tr><th>%s</th>", sl_tr(L, label));
}

static void optimizer(sl_textbuf *b, const sl_plan *plan, sl_lang L)
{
    bool has_plan = plan->status == SL_PLAN_OPTIMAL || plan->status == SL_PLAN_FEASIBLE;
    sl_textbuf_printf(b, "<h2>%s</h2>\n<table>\n<tr><th>%s</th>", sl_tr(L, "优化结果 Optimizer"),
                      sl_tr(L, "status"));
    td_text(b, sl_tr(L, plan_status_text(plan->status)));
    next_row(b, L, SL_N("stop reason 停止原因"));
    td_text(b, sl_tr(L, stop_reason_text(plan->stop_reason)));
    next_row(b, L, SL_N("objective 目标值 (m²-eq)"));
    if (has_plan)
        td_num(b, plan->objective, 0);
    else
        sl_textbuf_printf(b, "<td class=\"n\">%s</td>", sl_tr(L, "— (no plan)"));
    next_row(b, L, SL_N("bound 上界 (m²-eq)"));
    td_proven(b, L, plan->has_bound, plan->bound, 0);
    next_row(b, L, SL_N("gap %"));
    td_proven(b, L, plan->has_bound, 100 * plan->gap, 3);
    next_row(b, L, SL_N("solve time s"));
    td_num(b, plan->solve_seconds, 1);
    sl_textbuf_printf(b, "</tr>\n</table>\n<p class=\"meta\">%s</p>\n",
                      sl_tr(L, "gap in %: (bound − objective) / "
                               "max(|objective|, 1); bound and gap read “— (not proven)” when the "
                               "search stopped before proving any bound. The objective counts new "
                               "floor area weighted by industry "
                               "priority, minus the floor area given up, plus the chain-link "
                               "bonuses (docs/model.md)."));
    for (int k = 0; k < plan->n_conflicts; k++) {
        sl_textbuf_puts(b, "<p class=\"warn\">");
        sl_textbuf_xml(b, plan->conflicts[k]);
        sl_textbuf_puts(b, "</p>\n");
    }
}

static void industries(sl_textbuf *b, const sl_zone *z, const sl_plan *plan, const sl_rgb *colours)
{
    const sl_scenario *sc = z->sc;
    double scale = 1;
    for (int k = 0; k < sc->n_industries; k++) {
        scale = fmax(scale, plan->gfa_by_industry_m2[k]);
        if (isfinite(sc->industries[k].demand_max_m2))
            scale = fmax(scale, sc->industries[k].demand_max_m2);
        scale = fmax(scale, sc->industries[k].demand_min_m2);
    }
    sl_lang L = sc->lang;
    sl_textbuf_printf(b, "<h2>%s</h2>\n<table>\n", sl_tr(L, "产业需求 Industries against demand"));
    static const char *const cols[] = {SL_N("industry 产业"),
                                       SL_N("chain 产业链"),
                                       SL_N("GFA m²"),
                                       SL_N("demand min–max m²"),
                                       "",
                                       ""};
    th_row(b, L, cols, 6);
    char hex[8];
    for (int k = 0; k < sc->n_industries; k++) {
        const sl_industry *ind = &sc->industries[k];
        double g = plan->gfa_by_industry_m2[k];
        bool ok = g >= ind->demand_min_m2 - 0.5 && g <= ind->demand_max_m2 + 0.5;
        sl_textbuf_puts(b, "<tr><td>");
        swatch(b, colours[k]);
        sl_textbuf_xml(b, ind->name);
        sl_textbuf_puts(b, " <small>");
        sl_textbuf_xml(b, ind->id);
        sl_textbuf_puts(b, "</small></td>");
        td_text(b, ind->chain);
        td_num(b, g, 0);
        sl_textbuf_puts(b, "<td class=\"n\">");
        sl_textbuf_num(b, ind->demand_min_m2, 0);
        sl_textbuf_puts(b, " – ");
        if (isfinite(ind->demand_max_m2))
            sl_textbuf_num(b, ind->demand_max_m2, 0);
        else
            sl_textbuf_puts(b, "∞");
        sl_textbuf_printf(b,
                          "</td><td><div class=\"bar\"><span style=\"width:%.1f%%;"
                          "background:%s\"></span>",
                          100 * g / scale, sl_rgb_hex(colours[k], hex));
        if (ind->demand_min_m2 > 0)
            sl_textbuf_printf(b, "<i style=\"left:%.1f%%\" title=\"%s\"></i>",
                              100 * ind->demand_min_m2 / scale, sl_tr(L, "min"));
        if (isfinite(ind->demand_max_m2))
            sl_textbuf_printf(b, "<i style=\"left:%.1f%%\" title=\"%s\"></i>",
                              100 * ind->demand_max_m2 / scale, sl_tr(L, "max"));
        /* An industry that fits no storey anywhere is no success, whatever
         * its demand (docs/model.md §5). */
        const char *unfit = plan->industry_unfit ? plan->industry_unfit[k] : NULL;
        sl_textbuf_printf(b, "</div></td><td class=\"%s\">", ok && !unfit ? "ok" : "warn");
        if (unfit)
            sl_textbuf_xml(b, sl_tr(L, "fits no storey 无处可放"));
        else
            sl_textbuf_puts(b, ok ? "✓" : sl_tr(L, "outside demand"));
        sl_textbuf_puts(b, "</td></tr>\n");
    }
    sl_textbuf_printf(b, "</table>\n<p class=\"meta\">%s</p>\n",
                      sl_tr(L, "Bars: GFA; ticks: demand min and max."));
}

static void indicator(sl_textbuf *b, sl_lang L, const char *name, double before, double after,
                      int dec, const char *unit)
{
    sl_textbuf_printf(b, "<tr><th>%s</th>", sl_tr(L, name));
    td_num(b, before, dec);
    td_num(b, after, dec);
    sl_textbuf_printf(b, "<td>%s</td></tr>\n", sl_tr(L, unit));
}

/* 技术经济指标表 of one redeveloped parcel, before -> after. */
static void parcel_table(sl_textbuf *b, const sl_zone *z, const sl_parcel *p,
                         const sl_parcel_plan *pp)
{
    const sl_scenario *sc = z->sc;
    double office_fp = pp->office_floors > 0 ? p->plan_fp.office_m2 : 0;
    double built = p->plan_fp.factory_m2 + office_fp, office_gfa = 0;
    for (int i = 0; i < pp->n_storeys; i++)
        if (sc->industries[pp->storeys[i].industry].kind == SL_KIND_OFFICE)
            office_gfa += pp->storeys[i].gfa_m2;
    sl_lang L = sc->lang;
    static const char *const cols[] = {SL_N("技术经济指标"), SL_N("before 现状"),
                                       SL_N("after 规划"), ""};
    sl_textbuf_puts(b, "<table>\n");
    th_row(b, L, cols, 4);
    indicator(b, L, SL_N("site area 用地面积"), p->area_m2, p->area_m2, 0, SL_N("m²"));
    indicator(b, L, SL_N("GFA 总建筑面积"), p->current_gfa_m2, pp->gfa_m2, 0, SL_N("m²"));
    indicator(b, L, SL_N("counted GFA 计容建筑面积"), p->current_gfa_m2, pp->counted_gfa_m2, 0,
              SL_N("m²"));
    indicator(b, L, SL_N("FAR 容积率"), p->current_far, pp->counted_gfa_m2 / p->area_m2, 2, "");
    indicator(b, L, SL_N("coverage 建筑系数"), NAN, built / p->area_m2, 3, "");
    indicator(b, L, SL_N("factory footprint 厂房占地"), NAN, p->plan_fp.factory_m2, 0, SL_N("m²"));
    indicator(b, L, SL_N("office footprint 办公占地"), NAN, office_fp, 0, SL_N("m²"));
    indicator(b, L, SL_N("factory storeys 厂房层数"), NAN, pp->factory_floors, 0, "");
    indicator(b, L, SL_N("factory height 厂房高度"), p->current_height_m, pp->factory_height_m, 1,
              SL_N("m"));
    indicator(b, L, SL_N("office storeys 办公层数"), NAN, pp->office_floors, 0, "");
    indicator(b, L, SL_N("office height 办公高度"), NAN, pp->office_height_m, 1, SL_N("m"));
    indicator(b, L, SL_N("office share 办公占比 (kind office)"), NAN,
              pp->gfa_m2 > 0 ? office_gfa / pp->gfa_m2 : 0, 3, SL_N("of GFA"));
    indicator(b, L, SL_N("value 目标贡献"), NAN, pp->value_m2eq, 0, SL_N("m²-eq"));
    indicator(b, L, SL_N("neighbour bonus 邻里集聚"), NAN, pp->neighbour_bonus_m2, 0,
              SL_N("m²-eq"));
    /* the building's chains, bottom up (一栋楼就是一个园) */
    sl_textbuf_printf(b, "<tr><th>%s</th><td></td><td colspan=\"2\">", sl_tr(L, "chains 产业链"));
    const char *chains[16];
    int n = sl_parcel_plan_chains(sc, pp, chains, 16);
    for (int i = 0; i < n && i < 16; i++) {
        sl_textbuf_puts(b, i ? sl_tr(L, "; ") : "");
        sl_textbuf_xml(b, chains[i]);
    }
    if (n > 16)
        sl_textbuf_printf(b, sl_tr(L, "; … (%d in all)"), n);
    if (n == 0)
        sl_textbuf_puts(b, "—");
    sl_textbuf_puts(b, "</td></tr>\n</table>\n");
}

static void redeveloped(sl_textbuf *b, const sl_zone *z, const sl_plan *plan, const sl_rgb *colours)
{
    sl_lang L = z->sc->lang;
    sl_textbuf_printf(b, "<h2>%s</h2>\n<p class=\"meta\">%s</p>\n",
                      sl_tr(L, "改造地块 Redeveloped parcels"),
                      sl_tr(L, "Each parcel: its "
                               "technical and economic indicators, then the stacking plan (storeys "
                               "to scale; per storey its height, the industry's floor load and the "
                               "slab's design cap at that level, kN/m²; red dashes: height caps). "
                               "The same drawings are in stacks/."));
    int n = 0;
    for (int i = 0; i < z->n; i++) {
        const sl_parcel_plan *pp = &plan->pp[i];
        if (!pp->redeveloped)
            continue;
        const sl_parcel *p = &z->p[i];
        char anchor[300];
        sl_report_svg_name(p->id, anchor, sizeof anchor);
        anchor[strlen(anchor) - 4] = '\0';
        sl_textbuf_printf(b, "<h3 id=\"p-%s\">", anchor);
        sl_textbuf_xml(b, p->id);
        sl_textbuf_puts(b, "</h3>\n<div class=\"parcel\">\n");
        parcel_table(b, z, p, pp);
        char *svg = sl_report_stack_svg(z, p, pp, colours);
        if (!svg) {
            b->failed = true;
            return;
        }
        sl_textbuf_puts(b, svg);
        free(svg);
        sl_textbuf_puts(b, "</div>\n");
        n++;
    }
    if (n == 0)
        sl_textbuf_printf(b, "<p>%s</p>\n", sl_tr(L, "No parcel is redeveloped in this plan."));
}

/* The candidates the plan keeps, each with what kept it (docs/model.md §8). */
static void kept(sl_textbuf *b, const sl_zone *z, const sl_plan *plan)
{
    sl_lang L = z->sc->lang;
    sl_textbuf_printf(b, "<h2>%s</h2>\n<p class=\"meta\">%s</p>\n<table>\n",
                      sl_tr(L, "保留的候选地块 Kept candidates"),
                      sl_tr(L, "Candidates "
                               "the plan does not redevelop, and why: the rule or zone-wide limit "
                               "that kept each (as <code>reason</code> in parcels.geojson)."));
    static const char *const cols[] = {SL_N("id"), SL_N("area m²"), SL_N("current GFA m²"),
                                       SL_N("why kept 保留原因")};
    th_row(b, L, cols, 4);
    int n = 0;
    for (int i = 0; i < z->n; i++) {
        const sl_parcel *p = &z->p[i];
        if (p->status != SL_PARCEL_CANDIDATE || plan->pp[i].redeveloped)
            continue;
        sl_textbuf_puts(b, "<tr>");
        td_text(b, p->id);
        td_num(b, p->area_m2, 0);
        td_current(b, L, p->current_gfa_m2, 0);
        td_text(b, plan->pp[i].reason ? plan->pp[i].reason : p->reason);
        sl_textbuf_puts(b, "</tr>\n");
        n++;
    }
    sl_textbuf_puts(b, "</table>\n");
    if (n == 0)
        sl_textbuf_printf(b, "<p>%s</p>\n", sl_tr(L, "Every candidate is redeveloped."));
}

/* One panel of the timeline: bars (v) against a stepped capacity line
 * (cap; NAN: the rule is off) in a box of width w, height h at (x0, y0);
 * values divided by unit for the labels. */
static void timeline_panel(sl_textbuf *b, const sl_phasing *ph, const double *v, const double *cap,
                           double x0, double y0, double w, double h, double unit, const char *title,
                           const char *bar_colour, const char *off_note)
{
    int T = ph->years;
    double mx = 0;
    bool cap_on = false;
    for (int t = 0; t < T; t++) {
        if (isfinite(v[t]))
            mx = fmax(mx, v[t]);
        if (isfinite(cap[t])) {
            mx = fmax(mx, cap[t]);
            cap_on = true;
        }
    }
    if (mx <= 0)
        mx = 1;
    double col = w / T;
    sl_textbuf_printf(b,
                      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
                      "font-weight=\"bold\">",
                      x0, y0 - 8);
    sl_textbuf_xml(b, title);
    if (!cap_on && off_note) {
        sl_textbuf_puts(b, " <tspan font-weight=\"normal\" fill=\"#666\">(");
        sl_textbuf_xml(b, off_note);
        sl_textbuf_puts(b, ")</tspan>");
    }
    sl_textbuf_puts(b, "</text>\n");
    sl_textbuf_printf(b,
                      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                      "stroke=\"#333\"/>\n",
                      x0, y0 + h, x0 + w, y0 + h);
    /* the scale: the largest value at the top */
    sl_textbuf_printf(b,
                      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" fill=\"#666\" "
                      "text-anchor=\"end\">",
                      x0 - 4, y0 + 4);
    sl_textbuf_num(b, mx / unit, 1);
    sl_textbuf_puts(b, "</text>\n");
    for (int t = 0; t < T; t++) {
        if (!isfinite(v[t]))
            continue;
        double bh = h * v[t] / mx;
        sl_textbuf_printf(b,
                          "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                          "height=\"%.1f\" fill=\"%s\"><title>%d: ",
                          x0 + t * col + col * 0.2, y0 + h - bh, col * 0.6, bh, bar_colour,
                          ph->start_year + t);
        sl_textbuf_num(b, v[t] / unit, 2);
        if (isfinite(cap[t])) {
            sl_textbuf_puts(b, " / ");
            sl_textbuf_num(b, cap[t] / unit, 2);
        }
        sl_textbuf_puts(b, "</title></rect>\n");
    }
    if (cap_on) {
        /* a step per year: the capacity of year t across its column */
        sl_textbuf_puts(b, "<polyline class=\"cap\" fill=\"none\" stroke=\"#c62828\" "
                           "stroke-width=\"1.5\" points=\"");
        for (int t = 0; t < T; t++) {
            if (!isfinite(cap[t]))
                continue;
            double y = y0 + h - h * cap[t] / mx;
            sl_textbuf_printf(b, "%.1f,%.1f %.1f,%.1f ", x0 + t * col, y, x0 + (t + 1) * col, y);
        }
        sl_textbuf_puts(b, "\"/>\n");
    }
}

char *sl_report_phases_svg(const sl_phasing *ph)
{
    return sl_report_phases_svg_lang(ph, SL_LANG_EN);
}

char *sl_report_phases_svg_lang(const sl_phasing *ph, sl_lang L)
{
    if (!ph || (ph->status != SL_PLAN_OPTIMAL && ph->status != SL_PLAN_FEASIBLE) || ph->years < 1)
        return NULL;
    int T = ph->years;
    double col = fmax(48, fmin(80, 720.0 / T)), x0 = 64, w = col * T, h = 130;
    double width = x0 + w + 24, top1 = 34, top2 = top1 + h + 52, axis = top2 + h + 16;
    double height = axis + 34;
    sl_textbuf b = {0};
    sl_textbuf_printf(&b,
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"phases-chart\" "
                      "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                      "font-family=\"'Noto Sans CJK SC','Source Han Sans SC','Microsoft "
                      "YaHei','PingFang SC',sans-serif\" role=\"img\">\n<title>%s</title>\n"
                      "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
                      width, height, width, height, sl_tr(L, "分期 phasing timeline"));
    timeline_panel(&b, ph, ph->cum_spending_cny, ph->cum_budget_cny, x0, top1, w, h, 1e8,
                   sl_tr(L, "累计投资 cumulative spending (bars) / 累计预算 budget (line), 亿元"),
                   "#2171b5", sl_tr(L, "no budget rule"));
    timeline_panel(&b, ph, ph->swing_used_m2, ph->swing_available_m2, x0, top2, w, h, 1e4,
                   sl_tr(L, "腾挪 swing space used (bars) / available (line), 万 m²"), "#fd8d3c",
                   sl_tr(L, "no swing-space rule"));
    for (int t = 0; t < T; t++) {
        double cx = x0 + (t + 0.5) * col;
        sl_textbuf_printf(&b,
                          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
                          "text-anchor=\"middle\">%d</text>\n"
                          "<text class=\"starts\" x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
                          "fill=\"#555\" text-anchor=\"middle\">+%d</text>\n",
                          cx, axis, ph->start_year + t, cx, axis + 14, ph->starts[t]);
    }
    sl_textbuf_printf(&b,
                      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" fill=\"#555\" "
                      "text-anchor=\"end\">%s</text>\n</svg>\n",
                      x0 - 4, axis + 14, sl_tr(L, "starts 启动"));
    return sl_textbuf_take(&b);
}

/* docs/model.md §12: the phasing, one row per year. */
static void phases(sl_textbuf *b, const sl_zone *z, const sl_phasing *ph)
{
    sl_lang L = z->sc->lang;
    sl_textbuf_printf(b, "<h2>%s</h2>\n<p>", sl_tr(L, "分期 Phasing (成熟一块、启动一块)"));
    sl_textbuf_printf(b, sl_tr(L, "status %s"),
                      sl_tr_ctx(L, "plan", sl_plan_status_name(ph->status)));
    const char *why = sl_stop_reason_name(ph->stop_reason);
    if (why)
        sl_textbuf_printf(b, sl_tr(L, " (stop_reason %s)"), sl_tr_ctx(L, "stop", why));
    bool have = ph->status == SL_PLAN_OPTIMAL || ph->status == SL_PLAN_FEASIBLE;
    if (have) {
        sl_textbuf_printf(b, sl_tr(L, " · %d %s started · discounted value "), ph->n_started,
                          ph->n_started == 1 ? sl_tr(L, "count\004parcel")
                                             : sl_tr(L, "count\004parcels"));
        sl_textbuf_num(b, ph->objective, 0);
        sl_textbuf_puts(b, sl_tr(L, " · bound "));
        sl_textbuf_num(b, ph->has_bound ? ph->bound : NAN, 0);
        sl_textbuf_puts(b, sl_tr(L, " · gap "));
        sl_textbuf_num(b, ph->has_bound ? 100 * ph->gap : NAN, 2);
        sl_textbuf_puts(b, " %");
    }
    sl_textbuf_puts(b, "</p>\n");
    for (int k = 0; k < ph->n_conflicts; k++) {
        sl_textbuf_puts(b, "<p>");
        sl_textbuf_xml(b, ph->conflicts[k]);
        sl_textbuf_puts(b, "</p>\n");
    }
    if (!have)
        return;
    char *svg = sl_report_phases_svg_lang(ph, L);
    if (!svg)
        b->failed = true; /* reported by sl_textbuf_write */
    else
        sl_textbuf_puts(b, svg);
    free(svg);
    static const char *const cols[] = {SL_N("year 年份"),
                                       SL_N("started 启动"),
                                       SL_N("parcels 地块"),
                                       SL_N("spending 投资 CNY"),
                                       SL_N("cum. budget 累计预算 CNY"),
                                       SL_N("cum. spending 累计投资 CNY"),
                                       SL_N("swing used 腾挪 m²"),
                                       SL_N("swing available 可用 m²"),
                                       SL_N("GFA into use 投用 m²")};
    sl_textbuf_puts(b, "<table>\n");
    th_row(b, L, cols, (int)(sizeof cols / sizeof cols[0]));
    for (int t = 0; t < ph->years; t++) {
        int y = ph->start_year + t;
        sl_textbuf_printf(b, "<tr><td>%d</td><td class=\"n\">%d</td><td>", y, ph->starts[t]);
        for (int i = 0, first = 1; i < ph->n && i < z->n; i++)
            if (ph->start[i] == y) {
                sl_textbuf_puts(b, first ? "" : sl_tr(L, ", "));
                sl_textbuf_xml(b, z->p[i].id ? z->p[i].id : "—");
                first = 0;
            }
        sl_textbuf_puts(b, "</td>");
        td_num(b, ph->spending_cny[t], 0);
        td_num(b, ph->cum_budget_cny[t], 0);
        td_num(b, ph->cum_spending_cny[t], 0);
        td_num(b, ph->swing_used_m2[t], 0);
        td_num(b, ph->swing_available_m2[t], 0);
        td_num(b, ph->gfa_into_use_m2[t], 0);
        sl_textbuf_puts(b, "</tr>\n");
    }
    sl_textbuf_puts(b, "</table>\n");
}

static void td_grade(sl_textbuf *b, sl_lang L, sl_grade g)
{
    const char *name = sl_grade_name(g);
    td_text(b, sl_tr_ctx(L, "grade", name));
}

/* 经济测算 (docs/model.md §11): the zone, then each redeveloped parcel.
 * Money in 万元 (10,000 CNY). */
static void economics(sl_textbuf *b, const sl_zone *z, const sl_plan *plan, const sl_economics *e)
{
    const sl_econ_params *ep = &z->sc->economics;
    sl_lang L = z->sc->lang;
    sl_textbuf_printf(b, "<h2>%s</h2>\n<table>\n", sl_tr(L, "经济测算 Economics"));
    static const char *const zc[] = {"",
                                     SL_N("capex 投资 万元"),
                                     SL_N("NOI 净租金 万元/年"),
                                     SL_N("tax 税收 万元/年"),
                                     SL_N("payback 回收期 年"),
                                     SL_N("NPV 净现值 万元"),
                                     SL_N("tax per mu 亩均税收 before → after 万元/亩")};
    th_row(b, L, zc, 7);
    sl_textbuf_puts(b, "<tr><th>");
    sl_textbuf_printf(b, sl_tr(L, "zone 片区 (%d redeveloped)"), e->n_redeveloped);
    sl_textbuf_puts(b, "</th>");
    td_num(b, e->capex_cny / 1e4, 0);
    td_num(b, e->noi_cny_year / 1e4, 0);
    td_num(b, e->tax_cny_year / 1e4, 0);
    td_num(b, e->payback_years, 1);
    td_num(b, e->npv_cny / 1e4, 0);
    sl_textbuf_puts(b, "<td class=\"n\">");
    sl_textbuf_num(b, e->tax_per_mu_before_cny / 1e4, 2);
    sl_textbuf_puts(b, " → ");
    sl_textbuf_num(b, e->tax_per_mu_after_cny / 1e4, 2);
    sl_textbuf_printf(b, "</td></tr>\n</table>\n<table>\n<tr><th>%s</th>", sl_tr(L, "亩均 grade"));
    for (int g = SL_GRADE_A; g <= SL_GRADE_D; g++)
        sl_textbuf_printf(b, "<th>%s</th>", sl_tr_ctx(L, "grade", sl_grade_name((sl_grade)g)));
    sl_textbuf_printf(b, "<th>%s</th></tr>\n", sl_tr(L, "not graded 未评"));
    const long long *counts[] = {e->grades_before, e->grades_after};
    const char *rows[] = {SL_N("before 现状"), SL_N("after 规划")};
    for (int k = 0; k < 2; k++) {
        sl_textbuf_printf(b, "<tr><th>%s</th>", sl_tr(L, rows[k]));
        for (int g = SL_GRADE_A; g <= SL_GRADE_D + 1; g++)
            sl_textbuf_printf(b, "<td class=\"n\">%lld</td>",
                              counts[k][g <= SL_GRADE_D ? g : SL_GRADE_NONE]);
        sl_textbuf_puts(b, "</tr>\n");
    }
    sl_textbuf_printf(b, "</table>\n<p class=\"meta\">%s",
                      sl_tr(L, "Grade cut-offs (亩均税收, 万元/亩): A ≥ "));
    sl_textbuf_num(b, e->cutoff_cny[0] / 1e4, 2);
    sl_textbuf_puts(b, sl_tr(L, ", B ≥ "));
    sl_textbuf_num(b, e->cutoff_cny[1] / 1e4, 2);
    sl_textbuf_puts(b, sl_tr(L, ", C ≥ "));
    sl_textbuf_num(b, e->cutoff_cny[2] / 1e4, 2);
    sl_textbuf_printf(b,
                      sl_tr(L, ", else D (%s), over the zone's industrial parcels. Cash per year = "
                               "NOI + %g × tax; NPV over "),
                      e->cutoffs_given
                          ? sl_tr(L, "from the scenario")
                          : sl_tr(L, "the zone's 75th, 30th and 5th percentiles of today"),
                      ep->tax_share);
    /* one format per number of years, so that a one-year horizon reads well */
    sl_textbuf_printf(b,
                      sl_tr(L, ep->horizon_years == 1 ? "%d year at %g %%." : "%d years at %g %%."),
                      ep->horizon_years, 100 * ep->discount_rate);
    sl_textbuf_puts(b, "</p>\n");
    static const char *const pc[] = {SL_N("id"),
                                     SL_N("capex 万元"),
                                     SL_N("NOI 万元/年"),
                                     SL_N("tax 万元/年"),
                                     SL_N("payback 年"),
                                     SL_N("NPV 万元"),
                                     SL_N("亩均税收 before 万元/亩"),
                                     SL_N("after 万元/亩"),
                                     SL_N("grade before"),
                                     SL_N("after")};
    sl_textbuf_puts(b, "<table>\n");
    th_row(b, L, pc, 10);
    for (int i = 0; i < z->n && i < e->n; i++) {
        if (!plan->pp[i].redeveloped)
            continue;
        const sl_parcel_econ *pe = &e->parcels[i];
        sl_textbuf_puts(b, "<tr>");
        td_text(b, z->p[i].id);
        td_num(b, pe->capex_cny / 1e4, 0);
        td_num(b, pe->noi_cny_year / 1e4, 1);
        td_num(b, pe->tax_cny_year / 1e4, 1);
        td_num(b, pe->payback_years, 1);
        td_num(b, pe->npv_cny / 1e4, 0);
        td_num(b, z->p[i].tax_per_mu_cny / 1e4, 2);
        td_num(b, pe->tax_per_mu_after_cny / 1e4, 2);
        td_grade(b, L, pe->grade);
        td_grade(b, L, pe->grade_after);
        sl_textbuf_puts(b, "</tr>\n");
    }
    sl_textbuf_puts(b, "</table>\n");
}

sl_status sl_report_write(const char *path, const sl_zone *z, const sl_plan *plan, sl_error *err)
{
    return sl_report_write_econ(path, z, plan, NULL, err);
}

sl_status sl_report_write_econ(const char *path, const sl_zone *z, const sl_plan *plan,
                               const sl_economics *e, sl_error *err)
{
    const sl_scenario *sc = z->sc;
    sl_rgb *colours = malloc(((size_t)sc->n_industries + 1) * sizeof *colours);
    if (!colours) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    sl_style_industry_colours(sc, colours);
    sl_lang L = sc->lang;
    sl_textbuf b = {0};
    sl_textbuf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                        /* Self-contained: the browser may fetch nothing; the
                         * map's panel is an inline script. */
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                        "'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                        "img-src data:\">\n"
                        "<title>");
    sl_textbuf_xml(&b, sc->name ? sc->name : "shanglou");
    sl_textbuf_printf(&b, "%s</title>\n<style>%s%s</style>\n</head>\n<body>\n",
                      plan ? sl_tr(L, " — shanglou plan report")
                           : sl_tr(L, " — shanglou evaluate report"),
                      css, sl_report_map_css());
    sl_textbuf_puts(&b, "<h1>");
    sl_textbuf_xml(&b, sc->name ? sc->name : "shanglou");
    sl_textbuf_printf(&b, " · %s</h1>\n<p class=\"meta\">shanglou %s%s<code>",
                      plan ? sl_tr(L, "工业上楼 plan 规划方案") : sl_tr(L, "evaluate 低效用地评估"),
                      SHANGLOU_VERSION, sl_tr(L, " · scenario "));
    sl_textbuf_xml(&b, sc->path);
    sl_textbuf_printf(&b, "</code>%s<code>", sl_tr(L, " · parcels "));
    sl_textbuf_xml(&b, sl_source_label(z->src));
    sl_textbuf_printf(&b, "</code>%s", sl_tr(L, " ("));
    sl_textbuf_xml(&b, z->crs_name);
    sl_textbuf_printf(&b, "%s<b>", sl_tr(L, ") · plan rule set "));
    sl_textbuf_xml(&b, sc->rules[sc->plan_rules].name);
    sl_textbuf_puts(&b, "</b></p>\n");
    warnings(&b, z, plan);
    zone_summary(&b, z, plan);
    sl_status st = sl_report_map(&b, z, plan, colours, err);
    if (plan) {
        optimizer(&b, plan, L);
        industries(&b, z, plan, colours);
        if (e)
            economics(&b, z, plan, e);
        redeveloped(&b, z, plan, colours);
        kept(&b, z, plan);
        if (plan->phasing)
            phases(&b, z, plan->phasing);
    } else {
        rule_sets(&b, z);
        candidates(&b, z);
    }
    sl_textbuf_printf(&b, "<p class=\"meta\">%s</p>\n</body>\n</html>\n",
                      sl_tr(L, "Areas are geodesic (CGCS2000 ellipsoid); the map "
                               "layers are in shanglou.gpkg (open it in QGIS), the table in "
                               "parcels.csv."));
    free(colours);
    if (st == SL_OK)
        st = sl_textbuf_write(&b, path, err);
    sl_textbuf_clear(&b);
    return st;
}
