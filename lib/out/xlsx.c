/* xlsx.c - shanglou.xlsx, the run as an Excel workbook (libxlsxwriter). */
#include "out/xlsx.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>
#include <xlsxwriter.h>

#include "out/parcels_layer.h"
#include "phase/phasing.h"
#include "util/ogr_util.h"

/* Excel's longest cell text, in characters. */
#define XLSX_TEXT_MAX 32767
/* The workbook's creation date, fixed so that the same run gives the same
 * bytes (2000-01-01, as the GeoPackage's timestamps). */
#define XLSX_CREATED ((time_t)946684800)
/* Column widths, in characters of the default font. */
#define WIDTH_MIN 6.0
#define WIDTH_MAX 60.0

/* Number formats, by kind of value. */
typedef enum nf {
    NF_TEXT,    /* text: no format */
    NF_GENERAL, /* a number of unknown kind: Excel's General */
    NF_INT,     /* years, levels, storeys: 0 */
    NF_COUNT,   /* counts: #,##0 */
    NF_AREA,    /* m², CNY: #,##0.00 */
    NF_RATIO,   /* FAR, coverage, shares: 0.0000 */
    NF_LENGTH,  /* m, years, t, kN/m²: 0.00 */
    NF_PERCENT, /* a gap: 0.000% */
    NF_DATE,    /* the source's dates and times */
    NF_DATETIME,
    NF_TIME,
    NF_N
} nf;

static const char *const nf_code[NF_N] = {
    NULL,      NULL,   "0",      "#,##0",      "#,##0.00",
    "0.0000",  "0.00", "0.000%", "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss",
    "hh:mm:ss"};

typedef struct book {
    lxw_workbook *wb;
    lxw_format *head;
    lxw_format *num[NF_N];
    const char *path;
    sl_error *err;
    sl_status st;          /* the first failure */
    const sl_scenario *sc; /* its lang: sheet names, headers, indicators */
} book;

typedef struct column {
    const char *head; /* borrowed */
    nf f;
    double width; /* the widest cell so far, in characters */
} column;

/* A sheet being written row by row (the workbook is in constant-memory
 * mode: rows go to disk in order).  row is the last row written (0: the
 * header). */
typedef struct sheet {
    book *b;
    lxw_worksheet *ws;
    const char *base; /* the sheet's name; NAME 2, NAME 3 … past Excel's row limit */
    int part;
    int nc;
    column *c;
    lxw_row_t row;
    lxw_col_t freeze_cols;
    bool parcels_fields; /* headers of the parcels layer: sl_parcels_field_header */
} sheet;

/* Keep the first failure, with a message naming the workbook. */
static void fail(book *b, sl_status st, const char *msg)
{
    if (b->st != SL_OK)
        return;
    b->st = st;
    sl_error_add(b->err, st, "%s: %s", b->path, msg);
}

static void fail_lxw(sheet *s, lxw_error e)
{
    char msg[300];
    snprintf(msg, sizeof msg, "cannot write sheet %s, row %lu: %s", s->base,
             (unsigned long)s->row + 1, lxw_strerror(e));
    fail(s->b, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? SL_ERR_NOMEM : SL_ERR_IO, msg);
}

/* Display width of UTF-8 text: characters from U+1000 on (CJK) count two. */
static double text_width(const char *s)
{
    double w = 0;
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if ((*u & 0xC0) != 0x80)
            w += *u >= 0xE1 ? 2 : 1;
    return w;
}

/* Display width of v under format f. */
static double num_width(double v, nf f)
{
    char buf[64];
    int dec = f == NF_AREA || f == NF_LENGTH ? 2 : f == NF_RATIO ? 4 : f == NF_PERCENT ? 3 : 0;
    int n = f == NF_GENERAL ? snprintf(buf, sizeof buf, "%.10g", v)
                            : snprintf(buf, sizeof buf, "%.*f", dec, f == NF_PERCENT ? 100 * v : v);
    if (f == NF_AREA || f == NF_COUNT) {
        int digits = (int)strcspn(buf, ".") - (buf[0] == '-');
        n += (digits - 1) / 3;
    }
    if (f >= NF_DATE)
        n = f == NF_DATETIME ? 19 : f == NF_DATE ? 10 : 8;
    return n + (f == NF_PERCENT);
}

static void widen(column *c, double w)
{
    if (w > c->width)
        c->width = w;
}

/* Open the sheet's next part: its header row, frozen, and no "number
 * stored as text" warnings (ids such as "007" are text on purpose). */
static bool sheet_start(sheet *s)
{
    book *b = s->b;
    char name[LXW_MAX_SHEETNAME_LENGTH * 4];
    const char *base = sl_tr_ctx(b->sc->lang, "sheet", s->base);
    if (s->part == 1)
        snprintf(name, sizeof name, "%s", base);
    else
        snprintf(name, sizeof name, "%s %d", base, s->part);
    s->ws = workbook_add_worksheet(b->wb, name);
    if (!s->ws) {
        fail(b, SL_ERR_NOMEM, "out of memory");
        return false;
    }
    s->row = 0;
    for (int i = 0; i < s->nc; i++) {
        /* the header in the scenario's language (docs/outputs.md, Languages) */
        char buf[400];
        const char *head = s->parcels_fields
                               ? sl_parcels_field_header(b->sc, s->c[i].head, buf, sizeof buf)
                               : sl_tr(b->sc->lang, s->c[i].head);
        lxw_error e = worksheet_write_string(s->ws, 0, (lxw_col_t)i, head, b->head);
        if (e != LXW_NO_ERROR) {
            fail_lxw(s, e);
            return false;
        }
        /* room for the filter's button */
        widen(&s->c[i], text_width(head) + 2);
    }
    worksheet_freeze_panes(s->ws, 1, s->freeze_cols);
    worksheet_ignore_errors(s->ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, "A1:XFD1048576");
    return true;
}

/* Close the current part: the filter over its rows, the column widths. */
static void sheet_finish(sheet *s)
{
    if (!s->ws || s->nc == 0)
        return;
    lxw_error e = worksheet_autofilter(s->ws, 0, 0, s->row, (lxw_col_t)(s->nc - 1));
    if (e != LXW_NO_ERROR)
        fail_lxw(s, e);
    for (int i = 0; i < s->nc; i++) {
        double w = fmin(fmax(s->c[i].width + 1, WIDTH_MIN), WIDTH_MAX);
        worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
    }
    s->ws = NULL;
}

/* Begin a sheet with nc columns (heads and formats filled in by the
 * caller before sheet_start). */
static bool sheet_init(sheet *s, book *b, const char *name, int nc, lxw_col_t freeze_cols)
{
    memset(s, 0, sizeof *s);
    s->b = b;
    s->base = name;
    s->part = 1;
    s->nc = nc < LXW_COL_MAX ? nc : LXW_COL_MAX;
    s->freeze_cols = freeze_cols;
    s->c = calloc((size_t)s->nc + 1, sizeof *s->c);
    if (!s->c)
        fail(b, SL_ERR_NOMEM, "out of memory");
    return s->c != NULL;
}

static void sheet_free(sheet *s)
{
    sheet_finish(s);
    free(s->c);
    s->c = NULL;
}

/* Move to the next row; past Excel's last row the sheet goes on in its
 * next part. */
static bool sheet_row(sheet *s)
{
    if (s->b->st != SL_OK)
        return false;
    if (s->row + 1 >= LXW_ROW_MAX) {
        sheet_finish(s);
        s->part++;
        if (!sheet_start(s))
            return false;
    }
    s->row++;
    return true;
}

/* Text as a text cell (never read as a number or a date); NULL and "" are
 * empty cells. */
static void put_text(sheet *s, int c, const char *t)
{
    if (!t || !*t || c >= s->nc || s->b->st != SL_OK)
        return;
    char *cut = NULL;
    size_t chars = 0, i = 0;
    for (; t[i]; i++)
        if (((unsigned char)t[i] & 0xC0) != 0x80 && ++chars > XLSX_TEXT_MAX)
            break;
    if (t[i]) { /* Excel holds 32,767 characters in a cell */
        cut = malloc(i + 1);
        if (!cut) {
            fail(s->b, SL_ERR_NOMEM, "out of memory");
            return;
        }
        memcpy(cut, t, i);
        cut[i] = '\0';
    }
    lxw_error e = worksheet_write_string(s->ws, s->row, (lxw_col_t)c, cut ? cut : t, NULL);
    if (e != LXW_NO_ERROR)
        fail_lxw(s, e);
    widen(&s->c[c], text_width(cut ? cut : t));
    free(cut);
}

/* A number in format f; not finite is an empty cell (unknown, not 0). */
static void put_num_as(sheet *s, int c, double v, nf f)
{
    if (!isfinite(v) || c >= s->nc || s->b->st != SL_OK)
        return;
    lxw_error e = worksheet_write_number(s->ws, s->row, (lxw_col_t)c, v + 0.0, s->b->num[f]);
    if (e != LXW_NO_ERROR)
        fail_lxw(s, e);
    widen(&s->c[c], num_width(v, f));
}

static void put_num(sheet *s, int c, double v)
{
    put_num_as(s, c, v, s->c[c].f);
}

/* A date, date-time or time of the source as Excel's (its time zone, if
 * any, left aside; shown as yyyy-mm-dd hh:mm:ss); a year before 1900, which
 * Excel cannot hold, as the text OGR gives. */
static void put_datetime(sheet *s, int c, OGRFeatureH f, int i, OGRFieldType t)
{
    int y, mo, d, h, mi, tz;
    float sec;
    if (c >= s->nc || s->b->st != SL_OK ||
        !OGR_F_GetFieldAsDateTimeEx(f, i, &y, &mo, &d, &h, &mi, &sec, &tz))
        return;
    if (t != OFTTime && (y < 1900 || y > 9999)) {
        put_text(s, c, OGR_F_GetFieldAsString(f, i));
        return;
    }
    nf k = t == OFTDate ? NF_DATE : t == OFTTime ? NF_TIME : NF_DATETIME;
    lxw_datetime dt = {t == OFTTime ? 0 : y, t == OFTTime ? 0 : mo, t == OFTTime ? 0 : d,
                       t == OFTDate ? 0 : h, t == OFTDate ? 0 : mi, t == OFTDate ? 0 : sec};
    lxw_error e = worksheet_write_datetime(s->ws, s->row, (lxw_col_t)c, &dt, s->b->num[k]);
    if (e != LXW_NO_ERROR)
        fail_lxw(s, e);
    widen(&s->c[c], num_width(0, k));
}

static void put_bool(sheet *s, int c, bool v)
{
    if (c >= s->nc || s->b->st != SL_OK)
        return;
    lxw_error e = worksheet_write_boolean(s->ws, s->row, (lxw_col_t)c, v, NULL);
    if (e != LXW_NO_ERROR)
        fail_lxw(s, e);
    widen(&s->c[c], 5);
}

static double round4(double x)
{
    return isfinite(x) ? round(x * 10000.0) / 10000.0 : x;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The number format of a layer's field, from its type and the unit its
 * name ends with (docs/outputs.md: units are in the names). */
static nf field_format(const char *name, OGRFieldType t)
{
    if (t == OFTInteger || t == OFTInteger64)
        return NF_INT;
    if (t != OFTReal)
        return NF_TEXT;
    if (ends_with(name, "far") || strstr(name, "coverage") || strstr(name, "share"))
        return NF_RATIO;
    if (ends_with(name, "_m2") || ends_with(name, "_m2eq") || ends_with(name, "_cny") ||
        ends_with(name, "_cny_year"))
        return NF_AREA;
    if (ends_with(name, "_m") || ends_with(name, "_years"))
        return NF_LENGTH;
    return NF_GENERAL;
}

/* A layer of the GeoPackage as a sheet: its fields as columns, one row per
 * feature in layer order, the cells typed as the fields are. */
static void layer_sheet(book *b, GDALDatasetH ds, const char *gpkg_path, const char *layer,
                        const char *name)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    if (!l) {
        sl_error_add(b->err, SL_ERR_IO, "%s: cannot read layer %s", gpkg_path, layer);
        b->st = b->st != SL_OK ? b->st : SL_ERR_IO;
        return;
    }
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(l);
    int n = OGR_FD_GetFieldCount(fd);
    sheet s;
    if (!sheet_init(&s, b, name, n, 1))
        return;
    s.parcels_fields = strcmp(layer, "parcels") == 0;
    OGRFieldType *type = malloc(((size_t)s.nc + 1) * sizeof *type);
    bool *boolean = malloc(((size_t)s.nc + 1) * sizeof *boolean);
    if (!type || !boolean) {
        fail(b, SL_ERR_NOMEM, "out of memory");
    } else {
        for (int i = 0; i < s.nc; i++) {
            OGRFieldDefnH f = OGR_FD_GetFieldDefn(fd, i);
            s.c[i].head = OGR_Fld_GetNameRef(f);
            type[i] = OGR_Fld_GetType(f);
            boolean[i] = type[i] == OFTInteger && OGR_Fld_GetSubType(f) == OFSTBoolean;
            s.c[i].f = boolean[i] ? NF_TEXT : field_format(s.c[i].head, type[i]);
        }
    }
    if (b->st == SL_OK && sheet_start(&s)) {
        OGR_L_ResetReading(l);
        OGRFeatureH f;
        while (b->st == SL_OK && (f = OGR_L_GetNextFeature(l)) != NULL) {
            if (sheet_row(&s)) {
                for (int i = 0; i < s.nc; i++) {
                    if (!OGR_F_IsFieldSetAndNotNull(f, i))
                        continue;
                    if (boolean[i])
                        put_bool(&s, i, OGR_F_GetFieldAsInteger(f, i) != 0);
                    else if (type[i] == OFTInteger || type[i] == OFTInteger64)
                        put_num(&s, i, (double)OGR_F_GetFieldAsInteger64(f, i));
                    else if (type[i] == OFTReal)
                        put_num(&s, i, OGR_F_GetFieldAsDouble(f, i));
                    else if (type[i] == OFTDate || type[i] == OFTDateTime || type[i] == OFTTime)
                        put_datetime(&s, i, f, i, type[i]);
                    else
                        put_text(&s, i, OGR_F_GetFieldAsString(f, i));
                }
            }
            OGR_F_Destroy(f);
        }
    }
    free(type);
    free(boolean);
    sheet_free(&s);
}

/* A sheet with fixed columns: heads[i] in format fmts[i]. */
static bool table_sheet(sheet *s, book *b, const char *name, int nc, const char *const *heads,
                        const nf *fmts, lxw_col_t freeze_cols)
{
    if (!sheet_init(s, b, name, nc, freeze_cols))
        return false;
    for (int i = 0; i < nc; i++) {
        s->c[i].head = heads[i];
        s->c[i].f = fmts[i];
    }
    return sheet_start(s);
}

/* The industry catalogue and, for a plan, what the plan placed. */
static void industries_sheet(book *b, const sl_zone *z, const sl_plan *plan)
{
    const sl_scenario *sc = z->sc;
    static const char *const heads[] = {SL_N("industry\004id"), /* 产业编号, not the parcels' id */
                                        SL_N("name"),
                                        SL_N("chain"),
                                        SL_N("kind"),
                                        SL_N("shared"),
                                        SL_N("priority"),
                                        SL_N("floor_height_m"),
                                        SL_N("floor_load_kN_m2"),
                                        SL_N("lift_t"),
                                        SL_N("vibration"),
                                        SL_N("fire_class"),
                                        SL_N("trips_per_1000m2_day"),
                                        SL_N("rent_cny_m2_month"),
                                        SL_N("tax_cny_m2_year"),
                                        SL_N("demand_min_m2"),
                                        SL_N("demand_max_m2"),
                                        SL_N("gfa_m2"),
                                        SL_N("parcels"),
                                        SL_N("storeys"),
                                        SL_N("demand_met")};
    static const nf fmts[] = {NF_TEXT,    NF_TEXT,    NF_TEXT,   NF_TEXT,   NF_TEXT,
                              NF_GENERAL, NF_LENGTH,  NF_LENGTH, NF_LENGTH, NF_TEXT,
                              NF_TEXT,    NF_GENERAL, NF_AREA,   NF_AREA,   NF_AREA,
                              NF_AREA,    NF_AREA,    NF_COUNT,  NF_COUNT,  NF_TEXT};
    enum { C_GFA = 16, C_PARCELS, C_STOREYS, C_MET, C_N };
    int ni = sc->n_industries;
    /* per industry: redeveloped parcels holding it, and its storeys */
    long long *parcels = calloc((size_t)ni + 1, sizeof *parcels);
    long long *storeys = calloc((size_t)ni + 1, sizeof *storeys);
    int *seen = malloc(((size_t)ni + 1) * sizeof *seen);
    sheet s = {0};
    if (!parcels || !storeys || !seen) {
        fail(b, SL_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int k = 0; k < ni; k++)
        seen[k] = -1;
    for (int i = 0; plan && i < plan->n; i++) {
        const sl_parcel_plan *pp = &plan->pp[i];
        for (int j = 0; pp->redeveloped && j < pp->n_storeys; j++) {
            int k = pp->storeys[j].industry;
            if (k < 0 || k >= ni)
                continue;
            storeys[k]++;
            if (seen[k] != i) {
                seen[k] = i;
                parcels[k]++;
            }
        }
    }
    if (table_sheet(&s, b, "industries", plan ? C_N : C_GFA, heads, fmts, 1)) {
        for (int k = 0; k < ni && sheet_row(&s); k++) {
            const sl_industry *ind = &sc->industries[k];
            char fire[2] = {ind->fire_class, '\0'};
            put_text(&s, 0, ind->id);
            put_text(&s, 1, ind->name);
            put_text(&s, 2, ind->chain);
            put_text(&s, 3, sl_kind_name(ind->kind));
            put_bool(&s, 4, ind->shared);
            put_num(&s, 5, ind->priority);
            put_num(&s, 6, ind->floor_height_m);
            put_num(&s, 7, ind->floor_load_kN_m2);
            put_num(&s, 8, ind->lift_t);
            put_text(&s, 9, sl_vibration_name(ind->vibration));
            put_text(&s, 10, fire);
            put_num(&s, 11, ind->trips_per_1000m2_day);
            put_num(&s, 12, ind->rent_cny_m2_month);
            put_num(&s, 13, ind->tax_cny_m2_year);
            put_num(&s, 14, ind->demand_min_m2);
            put_num(&s, 15, ind->demand_max_m2); /* unbounded: empty */
            if (!plan)
                continue;
            double g = k < plan->n_industries ? plan->gfa_by_industry_m2[k] : 0;
            put_num(&s, C_GFA, sl_round2(g));
            put_num(&s, C_PARCELS, (double)parcels[k]);
            put_num(&s, C_STOREYS, (double)storeys[k]);
            /* the tolerance of the report's ✓ */
            put_text(&s, C_MET,
                     sl_tr(sc->lang, g < ind->demand_min_m2 - 0.5   ? SL_N("below demand_min")
                                     : g > ind->demand_max_m2 + 0.5 ? SL_N("above demand_max")
                                                                    : SL_N("yes")));
        }
    }
done:
    sheet_free(&s);
    free(parcels);
    free(storeys);
    free(seen);
}

/* 技术经济指标表 of the zone: column indices of the sheet. */
enum { I_NAME, I_UNIT, I_CUR, I_PLAN, I_NOTE };

typedef struct indicators {
    sheet s;
    bool plan;
} indicators;

/* One indicator: today (cur) and after the plan (planned; ignored for
 * evaluate); NAN is an empty cell. */
static void ind_row(indicators *t, const char *name, const char *unit, nf f, double cur,
                    double planned, const char *note)
{
    sheet *s = &t->s;
    if (!sheet_row(s))
        return;
    sl_lang L = s->b->sc->lang;
    put_text(s, I_NAME, sl_tr(L, name));
    put_text(s, I_UNIT, sl_tr_ctx(L, "unit", unit));
    if (f == NF_AREA || f == NF_LENGTH) {
        cur = sl_round2(cur);
        planned = sl_round2(planned);
    } else if (f == NF_RATIO) {
        cur = round4(cur);
        planned = round4(planned);
    }
    put_num_as(s, I_CUR, cur, f);
    if (t->plan)
        put_num_as(s, I_PLAN, planned, f);
    put_text(s, t->plan ? I_NOTE : I_PLAN, sl_tr(L, note));
}

static void indicators_sheet(book *b, const sl_zone *z, const sl_plan *plan, const sl_economics *e)
{
    const sl_scenario *sc = z->sc;
    static const char *const heads_plan[] = {SL_N("indicator 指标"), SL_N("unit 单位"),
                                             SL_N("current 现状"), SL_N("planned 规划"),
                                             SL_N("note 说明")};
    static const char *const heads_eval[] = {SL_N("indicator 指标"), SL_N("unit 单位"),
                                             SL_N("current 现状"), SL_N("note 说明")};
    static const nf fmts[] = {NF_TEXT, NF_TEXT, NF_GENERAL, NF_GENERAL, NF_TEXT};
    static const nf fmts_eval[] = {NF_TEXT, NF_TEXT, NF_GENERAL, NF_TEXT};
    indicators t = {.plan = plan != NULL};
    if (!table_sheet(&t.s, b, "indicators 技术经济指标", plan ? 5 : 4,
                     plan ? heads_plan : heads_eval, plan ? fmts : fmts_eval, 1)) {
        sheet_free(&t.s);
        return;
    }
    /* Sums over the parcels that are not rejected, as summary.json's. */
    double area = 0, gfa = 0, cand_area = 0, cand_gfa = 0, gain = 0;
    double gfa_after = 0, counted_after = 0, red_area = 0, red_cur = 0, red_gfa = 0;
    double red_counted = 0, red_built = 0, tallest = 0;
    long long redeveloped = 0, kept = 0, storeys = 0;
    for (int i = 0; i < z->n; i++) {
        const sl_parcel *p = &z->p[i];
        if (p->status == SL_PARCEL_REJECTED)
            continue;
        const sl_parcel_plan *pp = plan ? &plan->pp[i] : NULL;
        area += p->area_m2;
        /* An unknown current floor space is left out of the sums, as in
         * summary.json (docs/model.md §2: never read as 0). */
        double cur = sl_parcel_current_gfa_used(p);
        gfa += cur;
        if (p->status == SL_PARCEL_CANDIDATE) {
            cand_area += p->area_m2;
            cand_gfa += cur;
            if (p->env && !isnan(p->gain_m2))
                gain += p->gain_m2;
            if (pp && !pp->redeveloped)
                kept++;
        }
        if (pp && pp->redeveloped) {
            double office = pp->office_floors > 0 ? p->plan_fp.office_m2 : 0;
            redeveloped++;
            storeys += pp->n_storeys;
            red_area += p->area_m2;
            red_cur += cur;
            red_gfa += pp->gfa_m2;
            red_counted += pp->counted_gfa_m2;
            red_built += p->plan_fp.factory_m2 + office;
            gfa_after += pp->gfa_m2;
            counted_after += pp->counted_gfa_m2;
            tallest = fmax(tallest, fmax(pp->factory_height_m, pp->office_height_m));
        } else {
            gfa_after += cur;
            counted_after += cur;
        }
    }
    double n_all = z->n, n_cand = (double)z->n_by_status[SL_PARCEL_CANDIDATE];
    double n_not = (double)z->n_by_status[SL_PARCEL_NOT_CANDIDATE];
    double n_rej = (double)z->n_by_status[SL_PARCEL_REJECTED];
    ind_row(&t, SL_N("parcels 地块"), "parcels", NF_COUNT, n_all, n_all,
            SL_N("every input feature"));
    ind_row(&t, SL_N("candidates 低效工业用地"), "parcels", NF_COUNT, n_cand, n_cand, NULL);
    if (plan) {
        ind_row(&t, SL_N("redeveloped 改造地块"), "parcels", NF_COUNT, NAN, (double)redeveloped,
                NULL);
        ind_row(&t, SL_N("kept candidates 保留地块"), "parcels", NF_COUNT, NAN, (double)kept, NULL);
    }
    ind_row(&t, SL_N("not candidates 非候选地块"), "parcels", NF_COUNT, n_not, n_not, NULL);
    ind_row(&t, SL_N("rejected 数据有误"), "parcels", NF_COUNT, n_rej, n_rej,
            SL_N("not counted in the areas below"));
    ind_row(&t, SL_N("site area 用地面积"), "m²", NF_AREA, area, area, NULL);
    ind_row(&t, SL_N("site area 用地面积"), "mu 亩", NF_AREA, area / (10000.0 / 15),
            area / (10000.0 / 15), SL_N("1 mu = 666.67 m²"));
    ind_row(&t, SL_N("candidates' site area 低效用地面积"), "m²", NF_AREA, cand_area, cand_area,
            NULL);
    ind_row(&t, SL_N("GFA 总建筑面积"), "m²", NF_AREA, gfa, gfa_after,
            plan ? SL_N("planned: the redeveloped parcels' new GFA, the others' current") : NULL);
    if (plan)
        ind_row(&t, SL_N("counted GFA 计容建筑面积"), "m²", NF_AREA, gfa, counted_after,
                SL_N("storeys taller than tall_storey_m count twice"));
    ind_row(&t, SL_N("FAR 容积率"), "", NF_RATIO, area > 0 ? gfa / area : NAN,
            area > 0 ? counted_after / area : NAN, SL_N("counted GFA / site area"));
    ind_row(&t, SL_N("candidates' GFA 低效用地建筑面积"), "m²", NF_AREA, cand_gfa, NAN, NULL);
    for (int r = 0; r < sc->n_rules; r++) {
        double max_gfa;
        long long bind[SL_N_BINDINGS];
        sl_zone_rule_totals(z, r, &max_gfa, bind);
        char name[300];
        snprintf(name, sizeof name,
                 sl_tr(sc->lang, "candidates' max GFA under %s 候选地块规则上限建筑面积"),
                 sc->rules[r].name);
        ind_row(&t, name, "m²", NF_AREA, max_gfa, NAN,
                SL_N("if every candidate were rebuilt to this rule set's caps"));
    }
    ind_row(&t, SL_N("candidates' possible gain 候选地块可增建筑面积"), "m²", NF_AREA, gain, NAN,
            SL_N("sum of gain_m2 under the plan rule set"));
    if (plan) {
        ind_row(&t, SL_N("redeveloped site area 改造用地面积"), "m²", NF_AREA, red_area, red_area,
                NULL);
        ind_row(&t, SL_N("redeveloped GFA 改造地块建筑面积"), "m²", NF_AREA, red_cur, red_gfa,
                SL_N("planned: summary.json gfa_m2"));
        ind_row(&t, SL_N("GFA gain 新增建筑面积"), "m²", NF_AREA, NAN, red_gfa - red_cur, NULL);
        ind_row(&t, SL_N("redeveloped FAR 改造地块容积率"), "", NF_RATIO,
                red_area > 0 ? red_cur / red_area : NAN,
                red_area > 0 ? red_counted / red_area : NAN, SL_N("counted GFA / site area"));
        ind_row(&t, SL_N("redeveloped coverage 改造地块建筑系数"), "", NF_RATIO, NAN,
                red_area > 0 ? red_built / red_area : NAN, SL_N("footprints / site area"));
        ind_row(&t, SL_N("storeys 楼层"), "storeys", NF_COUNT, NAN, (double)storeys, NULL);
        ind_row(&t, SL_N("tallest block 最高建筑高度"), "m", NF_LENGTH, NAN,
                redeveloped ? tallest : NAN, NULL);
        bool has_plan = plan->status == SL_PLAN_OPTIMAL || plan->status == SL_PLAN_FEASIBLE;
        ind_row(&t, SL_N("objective 目标值"), "m²-eq", NF_AREA, NAN,
                has_plan ? plan->objective : NAN,
                sl_tr_ctx(sc->lang, "plan", sl_plan_status_name(plan->status)));
        ind_row(&t, SL_N("bound 上界"), "m²-eq", NF_AREA, NAN, plan->has_bound ? plan->bound : NAN,
                plan->has_bound ? NULL : SL_N("not proven"));
        ind_row(&t, SL_N("gap 间隙"), "%", NF_PERCENT, NAN,
                plan->has_bound && isfinite(plan->gap) ? plan->gap : NAN,
                plan->has_bound ? NULL : SL_N("not proven"));
    }
    if (e) {
        if (plan) {
            ind_row(&t, SL_N("capex 总投资"), "CNY", NF_AREA, NAN, e->capex_cny, NULL);
            ind_row(&t, SL_N("NOI 净租金收入"), "CNY/year", NF_AREA, NAN, e->noi_cny_year, NULL);
            ind_row(&t, SL_N("tax 税收"), "CNY/year", NF_AREA, NAN, e->tax_cny_year,
                    SL_N("the redeveloped parcels' new tax"));
            ind_row(&t, SL_N("payback 投资回收期"), "years", NF_LENGTH, NAN, e->payback_years,
                    NULL);
            ind_row(&t, SL_N("NPV 净现值"), "CNY", NF_AREA, NAN, e->npv_cny, NULL);
        }
        ind_row(&t, SL_N("tax per mu 亩均税收"), "CNY/mu", NF_AREA, e->tax_per_mu_before_cny,
                e->tax_per_mu_after_cny, SL_N("industrial parcels with a known tax"));
        for (int g = SL_GRADE_A; g <= SL_GRADE_D + 1; g++) {
            int k = g <= SL_GRADE_D ? g : SL_GRADE_NONE;
            char name[80];
            if (k == SL_GRADE_NONE)
                snprintf(name, sizeof name, "%s", sl_tr(sc->lang, "not graded 未评级"));
            else
                snprintf(name, sizeof name, sl_tr(sc->lang, "grade %s 亩均评价 %s 类"),
                         sl_grade_name((sl_grade)k), sl_grade_name((sl_grade)k));
            ind_row(&t, name, "parcels", NF_COUNT, (double)e->grades_before[k],
                    (double)e->grades_after[k], NULL);
        }
    }
    if (plan && plan->phasing) {
        const sl_phasing *ph = plan->phasing;
        int last = 0;
        for (int i = 0; i < ph->n; i++)
            if (ph->in_use[i] > last)
                last = ph->in_use[i];
        ind_row(&t, SL_N("parcels started 启动地块"), "parcels", NF_COUNT, NAN, ph->n_started,
                NULL);
        ind_row(&t, SL_N("last in use 全部投用年份"), "year", NF_INT, NAN, last ? last : NAN, NULL);
    }
    sheet_free(&t.s);
}

/* §11 per redeveloped parcel, as in the parcels layer. */
static void economics_sheet(book *b, const sl_zone *z, const sl_plan *plan, const sl_economics *e)
{
    static const char *const heads[] = {
        SL_N("id"),           SL_N("grade"),          SL_N("capex_cny"),
        SL_N("noi_cny_year"), SL_N("tax_cny_year"),   SL_N("payback_years"),
        SL_N("npv_cny"),      SL_N("tax_per_mu_cny"), SL_N("tax_per_mu_after_cny"),
        SL_N("grade_after")};
    static const nf fmts[] = {NF_TEXT,   NF_TEXT, NF_AREA, NF_AREA, NF_AREA,
                              NF_LENGTH, NF_AREA, NF_AREA, NF_AREA, NF_TEXT};
    sheet s;
    if (!table_sheet(&s, b, "economics", 10, heads, fmts, 1)) {
        sheet_free(&s);
        return;
    }
    for (int i = 0; i < z->n && i < e->n; i++) {
        if (!plan->pp[i].redeveloped || !sheet_row(&s))
            continue;
        const sl_parcel_econ *pe = &e->parcels[i];
        put_text(&s, 0, z->p[i].id);
        put_text(&s, 1, sl_grade_name(pe->grade));
        put_num(&s, 2, sl_round2(pe->capex_cny));
        put_num(&s, 3, sl_round2(pe->noi_cny_year));
        put_num(&s, 4, sl_round2(pe->tax_cny_year));
        put_num(&s, 5, sl_round2(pe->payback_years));
        put_num(&s, 6, sl_round2(pe->npv_cny));
        put_num(&s, 7, sl_round2(z->p[i].tax_per_mu_cny));
        put_num(&s, 8, sl_round2(pe->tax_per_mu_after_cny));
        put_text(&s, 9, sl_grade_name(pe->grade_after));
    }
    sheet_free(&s);
}

/* The rows of phases.csv. */
static void phases_sheet(book *b, const sl_phasing *ph)
{
    static const char *const heads[] = {SL_N("year"),
                                        SL_N("parcels_started"),
                                        SL_N("spending_cny"),
                                        SL_N("cumulative_budget_cny"),
                                        SL_N("cumulative_spending_cny"),
                                        SL_N("swing_space_used_m2"),
                                        SL_N("swing_space_available_m2"),
                                        SL_N("gfa_into_use_m2")};
    static const nf fmts[] = {NF_INT,  NF_COUNT, NF_AREA, NF_AREA,
                              NF_AREA, NF_AREA,  NF_AREA, NF_AREA};
    sheet s;
    if (!table_sheet(&s, b, "phases", 8, heads, fmts, 1)) {
        sheet_free(&s);
        return;
    }
    bool have = ph->status == SL_PLAN_OPTIMAL || ph->status == SL_PLAN_FEASIBLE;
    for (int t = 0; have && t < ph->years && sheet_row(&s); t++) {
        const double v[] = {ph->spending_cny[t],       ph->cum_budget_cny[t],
                            ph->cum_spending_cny[t],   ph->swing_used_m2[t],
                            ph->swing_available_m2[t], ph->gfa_into_use_m2[t]};
        put_num(&s, 0, ph->start_year + t);
        put_num(&s, 1, ph->starts[t]);
        for (int k = 0; k < 6; k++)
            put_num(&s, 2 + k, sl_round2(v[k]));
    }
    sheet_free(&s);
}

sl_status sl_xlsx_write(const char *xlsx_path, const char *gpkg_path, const sl_zone *z,
                        const sl_plan *plan, const sl_economics *e, sl_error *err)
{
    book b = {.path = xlsx_path, .err = err, .st = SL_OK, .sc = z->sc};
    /* Temporary files beside the workbook (the run's staging directory),
     * not in /tmp. */
    char *tmpdir = strdup(xlsx_path);
    if (!tmpdir) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    char *slash = strrchr(tmpdir, '/');
    if (slash)
        slash[slash == tmpdir] = '\0';
    else
        strcpy(tmpdir, ".");
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir, .use_zip64 = 0};
    b.wb = workbook_new_opt(xlsx_path, &o);
    if (!b.wb) {
        free(tmpdir);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    /* libxlsxwriter creates the file only when it closes the workbook, and
     * then reports a failure on stderr itself: fail early, in our words,
     * when the file cannot be made.  (A disk that fills up during the
     * close is still reported by the library on stderr as well.) */
    FILE *probe = fopen(xlsx_path, "wb");
    if (!probe || fclose(probe) != 0) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", xlsx_path, strerror(errno));
        lxw_workbook_free(b.wb);
        free(tmpdir);
        return SL_ERR_IO;
    }
    char title[400];
    snprintf(title, sizeof title, "shanglou %s: %s", plan ? "plan" : "evaluate",
             z->sc->name ? z->sc->name : "");
    lxw_doc_properties props = {.title = title,
                                .subject = "technical and economic indicators 技术经济指标",
                                .comments = "written by shanglou " SHANGLOU_VERSION,
                                .created = XLSX_CREATED};
    workbook_set_properties(b.wb, &props);
    b.head = workbook_add_format(b.wb);
    for (int f = 0; f < NF_N; f++) {
        b.num[f] = NULL;
        if (nf_code[f] && (b.num[f] = workbook_add_format(b.wb)) != NULL)
            format_set_num_format(b.num[f], nf_code[f]);
        if (nf_code[f] && !b.num[f])
            b.st = SL_ERR_NOMEM;
    }
    if (!b.head || b.st != SL_OK) {
        lxw_workbook_free(b.wb);
        free(tmpdir);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    format_set_bold(b.head);
    format_set_bg_color(b.head, 0xE7E6E6);
    format_set_bottom(b.head, LXW_BORDER_THIN);

    sl_gdal_init();
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    GDALDatasetH ds = GDALOpenEx(gpkg_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    sl_gdal_capture_pop();
    if (!ds) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot read: %s", gpkg_path,
                     cap.last[0] ? cap.last : "not found");
        b.st = SL_ERR_IO;
    }
    if (b.st == SL_OK)
        layer_sheet(&b, ds, gpkg_path, "parcels", "parcels");
    if (b.st == SL_OK && plan)
        layer_sheet(&b, ds, gpkg_path, "floors", "storeys");
    if (ds)
        GDALClose(ds);
    if (b.st == SL_OK)
        industries_sheet(&b, z, plan);
    if (b.st == SL_OK)
        indicators_sheet(&b, z, plan, e);
    if (b.st == SL_OK && plan && e)
        economics_sheet(&b, z, plan, e);
    if (b.st == SL_OK && plan && plan->phasing)
        phases_sheet(&b, plan->phasing);
    if (b.st != SL_OK) {
        lxw_workbook_free(b.wb);
        free(tmpdir);
        return b.st;
    }
    /* The worksheets are assembled and zipped here: a full disk shows now
     * (and libxlsxwriter also prints its own lines about it on stderr,
     * which it offers no way to silence). */
    errno = 0;
    lxw_error le = workbook_close(b.wb);
    int saved = errno;
    free(tmpdir);
    if (le == LXW_NO_ERROR)
        return SL_OK;
    sl_status st = le == LXW_ERROR_MEMORY_MALLOC_FAILED ? SL_ERR_NOMEM : SL_ERR_IO;
    char why[200];
    snprintf(why, sizeof why, "%s", lxw_strerror(le));
    size_t n = strlen(why);
    if (n && why[n - 1] == '.')
        why[n - 1] = '\0';
    if (saved)
        sl_error_add(err, st, "%s: cannot write: %s (%s)", xlsx_path, strerror(saved), why);
    else
        sl_error_add(err, st, "%s: cannot write: %s", xlsx_path, why);
    return st;
}
