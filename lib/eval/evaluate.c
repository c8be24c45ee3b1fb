/* evaluate.c - read every parcel of the scenario's source: ids, attributes,
 * geometry checks, geodesic areas, candidacy, envelopes and footprints. */
#include "eval/evaluate.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>

#include "util/ogr_util.h"
#include "input/source.h"

#define MU_M2 (10000.0 / 15.0)

/* Implausible values (docs/robustness.md): warned about, still used. */
#define FAR_IMPLAUSIBLE      20.0
#define HEIGHT_IMPLAUSIBLE_M 300.0

/* A count of features with something worth saying, and a few examples. */
#define N_EXAMPLES 3
typedef struct note {
    long long n;
    int n_ex;
    char ex[N_EXAMPLES][128];
} note;

/* The fields mapped as numbers. */
enum { K_FAR, K_GFA, K_TAX, K_HEIGHT, K_READY, N_NUMERIC };
static const char *const numeric_keys[N_NUMERIC] = {"current_far", "current_gfa", "tax",
                                                    "current_height", "ready_year"};

typedef struct sl_zone_notes {
    note text[N_NUMERIC];     /* text that is not a number */
    note far_high[N_NUMERIC]; /* FAR above 20, by the field it came from */
    note negative[N_NUMERIC]; /* negative values */
    note tall;                /* current_height above 300 m */
    note unknown;             /* industrial parcels with unknown floor space */
    long long n_measured;     /* parcels with an area */
    long long n_industrial;   /* of them, industrial */
} sl_zone_notes;

static void note_add(note *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_add(note *n, const char *fmt, ...)
{
    if (n->n_ex < N_EXAMPLES) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(n->ex[n->n_ex++], sizeof n->ex[0], fmt, ap);
        va_end(ap);
    }
    n->n++;
}

/* Open-addressing map from parcel id to the index of its first parcel.
 * Invariant: slots hold index + 1, 0 = empty; load factor <= 1/2. */
typedef struct sl_idmap {
    size_t cap;
    int *slot;
} sl_idmap;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static bool idmap_grow(sl_idmap *m, const sl_zone *z)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    int *slot = calloc(cap, sizeof *slot);
    if (!slot)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slot[i])
            continue;
        size_t h = hash_str(z->p[m->slot[i] - 1].id) & (cap - 1);
        while (slot[h])
            h = (h + 1) & (cap - 1);
        slot[h] = m->slot[i];
    }
    free(m->slot);
    m->slot = slot;
    m->cap = cap;
    return true;
}

/* Index of id, or -1; when absent and insert_index >= 0, insert it. */
static int idmap_lookup(sl_idmap *m, const sl_zone *z, const char *id, int insert_index)
{
    if (m->cap == 0 || (insert_index >= 0 && (size_t)z->n * 2 >= m->cap)) {
        if (insert_index < 0 && m->cap == 0)
            return -1;
        if (!idmap_grow(m, z))
            return -2;
    }
    size_t h = hash_str(id) & (m->cap - 1);
    while (m->slot[h]) {
        if (strcmp(z->p[m->slot[h] - 1].id, id) == 0)
            return m->slot[h] - 1;
        h = (h + 1) & (m->cap - 1);
    }
    if (insert_index >= 0)
        m->slot[h] = insert_index + 1;
    return -1;
}

int sl_zone_find(const sl_zone *z, const char *id)
{
    if (!z->ids || !id)
        return -1;
    int i = idmap_lookup(z->ids, z, id, -1);
    return i >= 0 ? i : -1;
}

const char *sl_parcel_status_name(sl_parcel_status s)
{
    switch (s) {
    case SL_PARCEL_CANDIDATE: return "candidate";
    case SL_PARCEL_NOT_CANDIDATE: return "not_candidate";
    case SL_PARCEL_REJECTED: return "rejected";
    }
    return "?";
}

static char *dupstr(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static bool warn(sl_zone *z, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool warn(sl_zone *z, const char *fmt, ...)
{
    char buf[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **w = realloc(z->warnings, (size_t)(z->n_warnings + 1) * sizeof *w);
    if (!w)
        return false;
    z->warnings = w;
    if (!(w[z->n_warnings] = dupstr(buf)))
        return false;
    z->n_warnings++;
    return true;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether plan.exclude lists id. */
static bool is_excluded(const sl_zone *z, const char *id)
{
    return id && z->n_exclude > 0 &&
           bsearch(&id, z->exclude, (size_t)z->n_exclude, sizeof *z->exclude, cmp_str_ptr);
}

static int field_index(OGRFeatureDefnH defn, const char *name)
{
    return name ? OGR_FD_GetFieldIndex(defn, name) : -1;
}

static bool check_field(sl_zone *z, OGRFeatureDefnH defn, const char *key, const char *name,
                        sl_error *err)
{
    if (!name || OGR_FD_GetFieldIndex(defn, name) >= 0)
        return true;
    char list[2048] = "";
    for (int i = 0; i < OGR_FD_GetFieldCount(defn) && strlen(list) < 1900; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                 OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    }
    sl_error_add(err, SL_ERR_SCENARIO,
                 "parcels.fields.%s: field '%s' is not in layer '%s' of %s (fields: %s)", key, name,
                 sl_source_layer_name(z->src), sl_source_label(z->src), list[0] ? list : "none");
    return false;
}

sl_zone *sl_zone_open(const sl_scenario *sc, sl_error *err)
{
    sl_zone *z = calloc(1, sizeof *z);
    if (!z) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return NULL;
    }
    z->sc = sc;
    sl_source_options o = {.source = sc->source,
                           .layer = sc->layer,
                           .crs = sc->crs,
                           .encoding = sc->encoding,
                           .need_crs = true,
                           .lang = sc->lang};
    z->src = sl_source_open(&o, err);
    if (!z->src) {
        sl_zone_destroy(z);
        return NULL;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(sl_source_layer(z->src));
    const sl_field_map *f = &sc->fields;
    bool ok = check_field(z, defn, "id", f->id, err);
    ok &= check_field(z, defn, "land_use", f->land_use, err);
    ok &= check_field(z, defn, "current_far", f->current_far, err);
    ok &= check_field(z, defn, "current_gfa", f->current_gfa, err);
    ok &= check_field(z, defn, "current_height", f->current_height, err);
    ok &= check_field(z, defn, "tax", f->tax, err);
    ok &= check_field(z, defn, "ready_year", f->ready_year, err);
    ok &= check_field(z, defn, "name", f->name, err);
    if (!ok) {
        sl_zone_destroy(z);
        return NULL;
    }
    z->ids = calloc(1, sizeof *z->ids);
    z->exclude = calloc((size_t)sc->n_exclude + 1, sizeof *z->exclude);
    if (z->exclude) {
        for (int i = 0; i < sc->n_exclude; i++)
            z->exclude[i] = sc->exclude[i];
        z->n_exclude = sc->n_exclude;
        qsort(z->exclude, (size_t)z->n_exclude, sizeof *z->exclude, cmp_str_ptr);
    }
    z->notes = calloc(1, sizeof *z->notes);
    bool wok = true;
    if (!f->current_gfa && !f->current_far)
        wok = warn(z, "parcels.fields maps neither current_gfa nor current_far: the current "
                      "floor space of every parcel is unknown, so none passes the FAR test of "
                      "candidacy (only a tax per mu below candidacy.tax_per_mu_below_cny can "
                      "make a parcel a candidate)");
    z->crs_name = dupstr(sl_source_crs_name(z->src));
    z->driver = dupstr(sl_source_driver(z->src));
    z->layer_name = dupstr(sl_source_layer_name(z->src));
    if (!z->ids || !z->exclude || !z->crs_name || !z->driver || !z->layer_name || !z->notes ||
        !wok) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        sl_zone_destroy(z);
        return NULL;
    }
    return z;
}

void sl_zone_rule_totals(const sl_zone *z, int r, double *max_gfa_m2, long long bind[SL_N_BINDINGS])
{
    *max_gfa_m2 = 0;
    for (int b = 0; b < SL_N_BINDINGS; b++)
        bind[b] = 0;
    for (int i = 0; i < z->n; i++) {
        const sl_parcel *p = &z->p[i];
        if (p->status != SL_PARCEL_CANDIDATE || !p->env)
            continue;
        *max_gfa_m2 += p->env[r].max_gfa_m2;
        bind[p->env[r].binding]++;
    }
}

static void parcel_free(sl_parcel *p)
{
    free(p->id);
    free(p->land_use);
    free(p->reason);
    free(p->env);
    free(p->own_rules);
}

void sl_zone_destroy(sl_zone *z)
{
    if (!z)
        return;
    for (int i = 0; i < z->n; i++)
        parcel_free(&z->p[i]);
    free(z->p);
    if (z->ids)
        free(z->ids->slot);
    free(z->ids);
    free(z->exclude);
    sl_source_destroy(z->src);
    free(z->crs_name);
    free(z->driver);
    free(z->layer_name);
    free(z->nb_start);
    free(z->nb);
    for (int i = 0; i < z->n_warnings; i++)
        free(z->warnings[i]);
    free(z->warnings);
    free(z->notes);
    free(z);
}

/* A number from a field: NAN when unmapped or null.  Text that is not a
 * number is NAN too, and noted (an error at the end of the reading). */
static double field_number(OGRFeatureH f, int idx, note *text, long long seq)
{
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx))
        return NAN;
    OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, idx));
    if (t == OFTReal || t == OFTInteger || t == OFTInteger64) {
        double v = OGR_F_GetFieldAsDouble(f, idx);
        return isfinite(v) ? v : NAN;
    }
    const char *s = OGR_F_GetFieldAsString(f, idx);
    while (*s == ' ')
        s++;
    if (!*s)
        return NAN;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (*end || errno || !isfinite(v)) {
        note_add(text, "'%.60s' (feature %lld)", s, seq + 1);
        return NAN;
    }
    return v;
}

static char *field_text(OGRFeatureH f, int idx)
{
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx))
        return NULL;
    const char *s = OGR_F_GetFieldAsString(f, idx);
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n == 0)
        return NULL;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static bool is_industrial(const sl_scenario *sc, const char *land_use)
{
    for (int i = 0; land_use && i < sc->n_land_uses; i++)
        if (strcmp(land_use, sc->industrial_land_uses[i]) == 0)
            return true;
    return false;
}

static void set_reason(sl_lang lang, sl_parcel *p, const char *a, const char *b)
{
    const char *sep = sl_tr(lang, "; ");
    size_t n = strlen(a) + (b && *b ? strlen(b) + strlen(sep) : 0) + 1;
    free(p->reason);
    p->reason = malloc(n);
    if (!p->reason)
        return;
    if (b && *b)
        snprintf(p->reason, n, "%s%s%s", a, sep, b);
    else
        snprintf(p->reason, n, "%s", a);
}

/* "reason; more".  False when out of memory (the reason is then NULL). */
static bool append_reason(sl_lang lang, sl_parcel *p, const char *more)
{
    if (!p->reason)
        return false;
    const char *sep = sl_tr(lang, "; ");
    size_t n = strlen(p->reason), m = strlen(more), k = strlen(sep);
    char *r = realloc(p->reason, n + m + k + 1);
    if (!r) {
        free(p->reason);
        p->reason = NULL;
        return false;
    }
    snprintf(r + n, m + k + 1, "%s%s", n ? sep : "", more);
    p->reason = r;
    return true;
}

/* Shrunk areas are cached per setback value within one parcel: rule sets
 * usually share the same setback. */
typedef struct shrink_cache {
    int n;
    double setback_m[8], area_m2[8];
} shrink_cache;

/* The parcel's geometry facts that decide whether a buffer is needed. */
typedef struct shape_facts {
    double area_m2, perimeter_m;
    bool convex;
} shape_facts;

/* The geodesic area left after an inward setback, or a lower bound of it
 * when that bound already reaches coverage_max × area, so that the total
 * footprint T = min(coverage_max × area, shrunk area) is the same either
 * way.  For a convex parcel the inward buffer by d keeps at least
 * area − perimeter × d; the 1 % margin covers the ellipsoid's curvature
 * and the buffer's arc approximation many times over. */
static double shrunk_area(sl_zone *z, shrink_cache *c, OGRGeometryH g, const shape_facts *sf,
                          double setback_m, double coverage_max)
{
    if (sf->convex) {
        double bound = sf->area_m2 - 1.01 * sf->perimeter_m * setback_m;
        if (bound >= coverage_max * sf->area_m2 * (1 + 1e-9))
            return bound;
    }
    for (int i = 0; i < c->n; i++)
        if (c->setback_m[i] == setback_m)
            return c->area_m2[i];
    double a = sl_source_shrunk_area_m2(z->src, g, setback_m, NULL);
    if (c->n < 8) {
        c->setback_m[c->n] = setback_m;
        c->area_m2[c->n] = a;
        c->n++;
    }
    return a;
}

/* Why a candidate cannot be redeveloped under its plan rules (docs/model.md §4,
 * §9.14: the setback first), with the numbers. */
static void redevelopment_reason(sl_lang L, const sl_parcel *p, const char *rules_name, char *out,
                                 size_t size)
{
    const sl_ruleset *r = p->plan_rules;
    const sl_footprints *fp = &p->plan_fp;
    const char *with = p->own_rules ? sl_tr(L, " with the pin's rules") : "";
    if (!fp->setback_ok)
        snprintf(out, size,
                 sl_tr(L,
                       "cannot be redeveloped under rule set '%s'%s (setback): footprint %.0f m2 "
                       "inside the %g m setback is below coverage_min %g x area %.0f m2 = %.0f m2"),
                 rules_name, with, fp->total_m2, r->setback_m, r->coverage_min, p->area_m2,
                 r->coverage_min * p->area_m2);
    else
        snprintf(out, size,
                 sl_tr(L, "cannot be redeveloped under rule set '%s'%s (floor_plate): factory "
                          "footprint %.0f m2 is below factory_floor_plate_min_m2 %g m2"),
                 rules_name, with, fp->total_m2 - fp->office_m2, r->factory_floor_plate_min_m2);
}

/* Evaluate one usable parcel (area known): candidacy, envelopes, plan
 * rules and footprints. */
static sl_status evaluate_parcel(sl_zone *z, sl_parcel *p, OGRGeometryH g, const shape_facts *sf,
                                 const char *prefix, sl_error *err)
{
    const sl_scenario *sc = z->sc;
    char why[512];
    bool cand = sl_candidacy(sc, p->land_use, p->area_m2, p->current_far, p->tax_per_mu_cny, why,
                             sizeof why);
    p->status = cand ? SL_PARCEL_CANDIDATE : SL_PARCEL_NOT_CANDIDATE;
    if (prefix)
        set_reason(sc->lang, p, prefix, why);
    else
        set_reason(sc->lang, p, why, NULL);
    if (!is_industrial(sc, p->land_use))
        return SL_OK;
    shrink_cache cache = {0};
    p->env = calloc((size_t)sc->n_rules, sizeof *p->env);
    if (!p->env) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    for (int r = 0; r < sc->n_rules; r++) {
        sl_footprints fp;
        double sa =
            shrunk_area(z, &cache, g, sf, sc->rules[r].setback_m, sc->rules[r].coverage_max);
        sl_footprints_compute(&sc->rules[r], p->area_m2, isnan(sa) ? 0 : sa, &fp);
        sl_envelope_compute(&sc->rules[r], p->area_m2, &fp, &p->env[r]);
    }
    p->gain_m2 = p->env[sc->plan_rules].max_gfa_m2 - p->current_gfa_m2;
    p->plan_rules = &sc->rules[sc->plan_rules];
    for (int i = 0; p->id && i < sc->n_pins; i++) {
        if (strcmp(sc->pins[i].parcel, p->id) != 0)
            continue;
        p->pin = i;
        if (sc->pins[i].rules.mask) {
            p->own_rules = malloc(sizeof *p->own_rules);
            if (!p->own_rules) {
                sl_error_add(err, SL_ERR_NOMEM, "out of memory");
                return SL_ERR_NOMEM;
            }
            sl_ruleset_apply(p->plan_rules, &sc->pins[i].rules, p->own_rules);
            p->plan_rules = p->own_rules;
        }
        break;
    }
    double sa =
        shrunk_area(z, &cache, g, sf, p->plan_rules->setback_m, p->plan_rules->coverage_max);
    sl_footprints_compute(p->plan_rules, p->area_m2, isnan(sa) ? 0 : sa, &p->plan_fp);
    if (p->status == SL_PARCEL_CANDIDATE) {
        char more[600];
        bool ok = true;
        if (!sl_footprints_redevelopable(&p->plan_fp)) {
            redevelopment_reason(sc->lang, p, sc->rules[sc->plan_rules].name, more, sizeof more);
            ok = append_reason(sc->lang, p, more);
        }
        if (ok && p->excluded)
            ok = append_reason(sc->lang, p,
                               sl_tr(sc->lang, "excluded from the plan by plan.exclude"));
        if (!ok) {
            sl_error_add(err, SL_ERR_NOMEM, "out of memory");
            return SL_ERR_NOMEM;
        }
    }
    return SL_OK;
}

/* Every text field must be UTF-8 as read, and must not be GBK misread in
 * a single-byte code page: either would put wrong ids and names in the
 * outputs.  The whole run fails, naming the field and the feature. */
static sl_status check_text(sl_zone *z, OGRFeatureH f, long long seq, sl_error *err)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(sl_source_layer(z->src));
    const char *by = NULL;
    const char *enc = sl_source_encoding(z->src, &by);
    const char *label = sl_source_label(z->src);
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++) {
        if (OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i)) != OFTString ||
            !OGR_F_IsFieldSetAndNotNull(f, i))
            continue;
        const char *text = OGR_F_GetFieldAsString(f, i);
        const char *field = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        char *gbk = NULL;
        if (!sl_utf8_valid(text)) {
            if (sl_source_check_utf8(z->src)) {
                sl_error_add(err, SL_ERR_SCENARIO,
                             "%s: field %s of feature %lld is not UTF-8 text and the DBF has no "
                             ".cpg file; set parcels.encoding in the scenario (GBK is usual for "
                             "Chinese survey data)",
                             label, field, seq + 1);
                return SL_ERR_SCENARIO;
            }
            if (by && enc)
                sl_error_add(err, SL_ERR_SOURCE,
                             "%s: field %s of feature %lld is not %s text although %s says so; "
                             "correct it (GBK is usual for Chinese survey data)",
                             label, field, seq + 1, enc, by);
            else if (by)
                sl_error_add(err, SL_ERR_SOURCE,
                             "%s: field %s of feature %lld is not UTF-8 text although %s says "
                             "UTF-8; correct it (GBK is usual for Chinese survey data)",
                             label, field, seq + 1, by);
            else
                sl_error_add(err, SL_ERR_SOURCE, "%s: field %s of feature %lld is not UTF-8 text",
                             label, field, seq + 1);
            return SL_ERR_SOURCE;
        }
        if (enc && by && sl_source_text_misdecoded(z->src, text, &gbk)) {
            bool scen = by && strcmp(by, "parcels.encoding") == 0;
            sl_error_add(err, scen ? SL_ERR_SCENARIO : SL_ERR_SOURCE,
                         "%s: field %s of feature %lld reads '%s' in %s, as %s says, but looks "
                         "like GBK text ('%s'); %s",
                         label, field, seq + 1, text, enc, by, gbk,
                         scen ? "set parcels.encoding: GBK"
                         : strcmp(by, "the .cpg file") == 0
                             ? "write GBK in the .cpg file"
                             : "set parcels.encoding: GBK in the scenario");
            CPLFree(gbk);
            return scen ? SL_ERR_SCENARIO : SL_ERR_SOURCE;
        }
    }
    return SL_OK;
}

/* Count what is implausible or unknown about a measured parcel. */
static void note_values(sl_zone *z, const sl_parcel *p, double gfa, double far, double tax)
{
    sl_zone_notes *zn = z->notes;
    const char *id = p->id ? p->id : "?";
    zn->n_measured++;
    if (!isnan(p->current_far) && p->current_far > FAR_IMPLAUSIBLE)
        note_add(&zn->far_high[!isnan(gfa) ? K_GFA : K_FAR], "%s FAR %.2f", id, p->current_far);
    if (gfa < 0)
        note_add(&zn->negative[K_GFA], "%s %g", id, gfa);
    if (isnan(gfa) && far < 0)
        note_add(&zn->negative[K_FAR], "%s %g", id, far);
    if (tax < 0)
        note_add(&zn->negative[K_TAX], "%s %g", id, tax);
    if (p->current_height_m > HEIGHT_IMPLAUSIBLE_M)
        note_add(&zn->tall, "%s %g m", id, p->current_height_m);
    if (is_industrial(z->sc, p->land_use)) {
        zn->n_industrial++;
        if (isnan(p->current_gfa_m2))
            note_add(&zn->unknown, "%s", id);
    }
}

/* A rejected duplicate keeps its geometry when it is usable, so that the
 * map shows it beside the parcel whose id it repeats. */
static void keep_geometry(sl_zone *z, OGRFeatureH f, sl_parcel *p, OGRGeometryH *geom,
                          OGRGeometryH *owned)
{
    char why[512];
    OGRGeometryH g = NULL;
    sl_geom_verdict v = sl_source_geometry(z->src, f, &g, why, sizeof why);
    if (v == SL_GEOM_REJECTED)
        return;
    double a = sl_source_area_m2(z->src, g, NULL, why, sizeof why);
    if (isnan(a) || !(a > 0)) {
        if (v == SL_GEOM_REPAIRED)
            OGR_G_DestroyGeometry(g);
        return;
    }
    if (v == SL_GEOM_REPAIRED)
        *owned = g;
    *geom = g;
    p->area_m2 = a;
    p->geometry_kept = true;
}

/* read_error: what GDAL reported while reading this feature, or NULL. */
static sl_status read_one(sl_zone *z, OGRFeatureH f, long long seq, const char *read_error,
                          sl_parcel *p, OGRGeometryH *geom, OGRGeometryH *owned, sl_error *err)
{
    const sl_scenario *sc = z->sc;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(sl_source_layer(z->src));
    memset(p, 0, sizeof *p);
    p->fid = OGR_F_GetFID(f);
    p->seq = seq;
    p->pin = -1;
    p->area_m2 = NAN;
    p->current_far = NAN;
    p->tax_per_mu_cny = NAN;
    p->current_height_m = NAN;
    p->status = SL_PARCEL_REJECTED;
    *geom = NULL;
    *owned = NULL;
    sl_status tst = check_text(z, f, seq, err);
    if (tst != SL_OK)
        return tst;
    p->id = field_text(f, field_index(defn, sc->fields.id));
    p->land_use = field_text(f, field_index(defn, sc->fields.land_use));
    sl_zone_notes *zn = z->notes;
    double far = field_number(f, field_index(defn, sc->fields.current_far), &zn->text[K_FAR], seq);
    double gfa = field_number(f, field_index(defn, sc->fields.current_gfa), &zn->text[K_GFA], seq);
    double tax = field_number(f, field_index(defn, sc->fields.tax), &zn->text[K_TAX], seq);
    p->current_height_m =
        field_number(f, field_index(defn, sc->fields.current_height), &zn->text[K_HEIGHT], seq);
    double ready =
        field_number(f, field_index(defn, sc->fields.ready_year), &zn->text[K_READY], seq);
    p->ready_year = isnan(ready) ? 0 : (int)ceil(fmin(fmax(ready, 0), 1e6));

    if (!p->id) {
        set_reason(sc->lang, p, sl_tr(sc->lang, "null id"), NULL);
        return SL_OK;
    }
    int first = idmap_lookup(z->ids, z, p->id, -1);
    if (first >= 0) {
        set_reason(sc->lang, p, sl_tr(sc->lang, "duplicate id"), NULL);
        keep_geometry(z, f, p, geom, owned);
        return SL_OK;
    }
    p->excluded = is_excluded(z, p->id);
    char why[512];
    OGRGeometryH g = NULL;
    sl_geom_verdict v = sl_source_geometry(z->src, f, &g, why, sizeof why);
    if (v == SL_GEOM_REJECTED) {
        if (read_error && !OGR_F_GetGeometryRef(f)) {
            char rw[1100];
            snprintf(rw, sizeof rw, sl_tr(sc->lang, "geometry cannot be read: %s"), read_error);
            set_reason(sc->lang, p, rw, NULL);
        } else {
            set_reason(sc->lang, p, why, NULL);
        }
        return SL_OK;
    }
    if (v == SL_GEOM_REPAIRED)
        *owned = g;
    char whya[512];
    shape_facts sf = {0};
    double a = sl_source_area_m2(z->src, g, &sf.perimeter_m, whya, sizeof whya);
    if (isnan(a) || !(a > 0)) {
        set_reason(sc->lang, p, isnan(a) ? whya : sl_tr(sc->lang, "zero area"), NULL);
        if (*owned)
            OGR_G_DestroyGeometry(*owned);
        *owned = NULL;
        return SL_OK;
    }
    *geom = g;
    p->area_m2 = a;
    /* docs/model.md §9.2: fall back per feature; with neither, the floor
     * space is unknown (NAN), never 0 (§2). */
    p->current_gfa_m2 = !isnan(gfa) ? gfa : !isnan(far) ? far * a : NAN;
    p->current_far = p->current_gfa_m2 / a;
    p->tax_per_mu_cny = isnan(tax) ? NAN : tax / (a / MU_M2);
    note_values(z, p, gfa, far, tax);
    const char *prefix = v == SL_GEOM_REPAIRED ? why : NULL;
    sf.area_m2 = a;
    sf.convex = sl_geom_convex(g);
    return evaluate_parcel(z, p, g, &sf, prefix, err);
}

static sl_status scan(sl_zone *z, bool record, sl_parcel_fn fn, void *user, sl_error *err)
{
    OGRLayerH layer = sl_source_layer(z->src);
    sl_source_rewind(z->src);
    long long seq = 0;
    sl_status st = SL_OK;
    for (;;) {
        /* A reader that fails on a feature returns it without geometry,
         * or stops: the one must be said in its reason, the other must
         * not pass for the end of the layer. */
        sl_gdal_capture rc;
        sl_gdal_capture_push(&rc);
        OGRFeatureH f = OGR_L_GetNextFeature(layer);
        sl_gdal_capture_pop();
        if (!f) {
            if (rc.n_errors) {
                /* In PostgreSQL the first error aborts the transaction
                 * and the driver's later ones only follow from it. */
                bool pg = strcmp(sl_source_driver(z->src), "PostgreSQL") == 0;
                char why[sizeof rc.last];
                sl_gdal_message(pg ? rc.first : rc.last, why, sizeof why);
                sl_error_add(err, SL_ERR_SOURCE, "%s: reading stopped at feature %lld: %s",
                             sl_source_label(z->src), seq + 1, why);
                return SL_ERR_SOURCE;
            }
            break;
        }
        const char *read_error = rc.n_errors ? rc.last : NULL;
        OGRGeometryH geom = NULL, owned = NULL;
        sl_parcel tmp, *p;
        if (record) {
            if (z->n == z->cap) {
                int cap = z->cap ? z->cap * 2 : 1024;
                sl_parcel *np = realloc(z->p, (size_t)cap * sizeof *np);
                if (!np) {
                    OGR_F_Destroy(f);
                    sl_error_add(err, SL_ERR_NOMEM, "out of memory");
                    return SL_ERR_NOMEM;
                }
                z->p = np;
                z->cap = cap;
            }
            st = read_one(z, f, seq, read_error, &tmp, &geom, &owned, err);
            if (st != SL_OK) {
                parcel_free(&tmp);
                OGR_F_Destroy(f);
                return st;
            }
            z->p[z->n] = tmp;
            p = &z->p[z->n];
            /* Every id is registered at its first feature, whatever its
             * status: later ones are duplicates (docs/model.md §2). */
            bool dup = p->reason && strcmp(p->reason, sl_tr(z->sc->lang, "duplicate id")) == 0;
            if (p->id && !dup && idmap_lookup(z->ids, z, p->id, z->n) == -2) {
                OGR_F_Destroy(f);
                sl_error_add(err, SL_ERR_NOMEM, "out of memory");
                return SL_ERR_NOMEM;
            }
            z->n++;
            z->n_by_status[p->status]++;
        } else {
            if (seq >= z->n) {
                OGR_F_Destroy(f);
                sl_error_add(err, SL_ERR_SOURCE,
                             "%s: the source changed while shanglou was reading it",
                             sl_source_label(z->src));
                return SL_ERR_SOURCE;
            }
            p = &z->p[seq];
            if (p->status != SL_PARCEL_REJECTED || p->geometry_kept) {
                char why[512];
                sl_geom_verdict v = sl_source_geometry(z->src, f, &geom, why, sizeof why);
                if (v == SL_GEOM_REPAIRED)
                    owned = geom;
            }
        }
        if (fn)
            st = fn(user, z, p, f, geom);
        if (owned)
            OGR_G_DestroyGeometry(owned);
        OGR_F_Destroy(f);
        if (st != SL_OK)
            return st;
        seq++;
    }
    /* A damaged file may also end early without a word from GDAL (a
     * FlatGeobuf cut inside its features); where the layer knows its own
     * count cheaply, hold the reading to it. */
    if (record && OGR_L_TestCapability(layer, OLCFastFeatureCount)) {
        long long announced = (long long)OGR_L_GetFeatureCount(layer, FALSE);
        if (announced >= 0 && announced != seq) {
            sl_error_add(err, SL_ERR_SOURCE,
                         "%s: the layer announces %lld features but %lld could be read; the "
                         "file is damaged or cut short",
                         sl_source_label(z->src), announced, seq);
            return SL_ERR_SOURCE;
        }
    }
    return SL_OK;
}

/* Every id of plan.exclude names a parcel of the zone (docs/model.md §5), as a
 * planner's typo must not silently keep nothing. */
static sl_status check_exclude(const sl_zone *z, sl_error *err)
{
    const sl_scenario *sc = z->sc;
    const char **ids = NULL;
    sl_status st = SL_OK;
    long budget = SL_DID_YOU_MEAN_BUDGET; /* for all the suggestions together */
    for (int i = 0; i < sc->n_exclude; i++) {
        const char *id = sc->exclude[i];
        if (sl_zone_find(z, id) >= 0)
            continue;
        if (!ids) {
            ids = calloc((size_t)z->n + 1, sizeof *ids);
            if (!ids) {
                sl_error_add(err, SL_ERR_NOMEM, "out of memory");
                return SL_ERR_NOMEM;
            }
            for (int k = 0; k < z->n; k++)
                ids[k] = z->p[k].id;
        }
        const char *near = sl_did_you_mean(id, ids, z->n, &budget);
        char msg[800];
        snprintf(msg, sizeof msg, "plan.exclude[%d]: no parcel '%s' in layer '%s' of %s%s%s%s", i,
                 id, sl_source_layer_name(z->src), sl_source_label(z->src),
                 near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        if (sc->exclude_line && sc->path)
            sl_error_at(err, SL_ERR_SCENARIO, sc->path, sc->exclude_line[i], sc->exclude_col[i],
                        "%s", msg);
        else
            sl_error_add(err, SL_ERR_SCENARIO, "%s", msg);
        st = SL_ERR_SCENARIO;
    }
    free(ids);
    return st;
}

static const char *parcels_word(long long n)
{
    return n == 1 ? "parcel" : "parcels";
}

/* ", e.g. A, B, C" from a note's examples. */
static void examples(const note *n, char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "%s", n->n_ex ? ": " : "");
    for (int i = 0; i < n->n_ex && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", n->ex[i]);
    if (n->n > n->n_ex && o < size)
        snprintf(buf + o, size - o, ", ...");
}

static const char *field_of(const sl_scenario *sc, int k)
{
    const char *f[N_NUMERIC] = {sc->fields.current_far, sc->fields.current_gfa, sc->fields.tax,
                                sc->fields.current_height, sc->fields.ready_year};
    return f[k] ? f[k] : "?";
}

/* After the reading: text in number fields is an error (docs/model.md §2),
 * implausible and unknown values are warnings. */
static sl_status finish_notes(sl_zone *z, sl_error *err)
{
    const sl_scenario *sc = z->sc;
    const sl_zone_notes *zn = z->notes;
    sl_status st = SL_OK;
    char ex[600];
    for (int k = 0; k < N_NUMERIC; k++) {
        const note *t = &zn->text[k];
        if (!t->n)
            continue;
        char more[64] = "";
        if (t->n > 1)
            snprintf(more, sizeof more, " and %lld more", t->n - 1);
        sl_error_add(err, SL_ERR_SCENARIO,
                     "parcels.fields.%s: field %s of layer '%s' of %s holds text, not numbers: "
                     "%s%s; map a field of numbers, or empty the values that are not numbers "
                     "(an empty value is unknown)",
                     numeric_keys[k], field_of(sc, k), sl_source_layer_name(z->src),
                     sl_source_label(z->src), t->ex[0], more);
        st = SL_ERR_SCENARIO;
    }
    bool ok = true;
    for (int k = 0; k < N_NUMERIC && ok; k++) {
        const note *h = &zn->far_high[k];
        if (h->n) {
            examples(h, ex, sizeof ex);
            ok = warn(z,
                      "parcels.fields.%s (field %s): current FAR above %g on %lld of %lld %s%s; "
                      "check that the field holds %s",
                      numeric_keys[k], field_of(sc, k), FAR_IMPLAUSIBLE, h->n, zn->n_measured,
                      parcels_word(zn->n_measured), ex,
                      k == K_GFA ? "floor space in m² (square feet read as m² give 10.8 times the "
                                   "FAR)"
                                 : "the floor area ratio");
        }
        const note *g = &zn->negative[k];
        if (ok && g->n) {
            examples(g, ex, sizeof ex);
            ok = warn(z, "parcels.fields.%s (field %s): negative values on %lld %s%s",
                      numeric_keys[k], field_of(sc, k), g->n, parcels_word(g->n), ex);
        }
    }
    if (ok && zn->tall.n) {
        examples(&zn->tall, ex, sizeof ex);
        ok = warn(z, "parcels.fields.current_height (field %s): heights above %g m on %lld %s%s",
                  field_of(sc, K_HEIGHT), HEIGHT_IMPLAUSIBLE_M, zn->tall.n,
                  parcels_word(zn->tall.n), ex);
    }
    if (ok && zn->unknown.n && (sc->fields.current_gfa || sc->fields.current_far)) {
        examples(&zn->unknown, ex, sizeof ex);
        ok = warn(z,
                  "current floor space unknown (%s null) on %lld of %lld industrial %s%s; they "
                  "fail the FAR test of candidacy (record 0 for vacant land)",
                  sc->fields.current_gfa && sc->fields.current_far ? "current_gfa and current_far"
                  : sc->fields.current_gfa                         ? "current_gfa"
                                                                   : "current_far",
                  zn->unknown.n, zn->n_industrial, parcels_word(zn->n_industrial), ex);
    }
    if (!ok) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    return st;
}

sl_status sl_zone_read(sl_zone *z, sl_parcel_fn fn, void *user_data, sl_error *err)
{
    sl_status st = scan(z, true, fn, user_data, err);
    if (st != SL_OK)
        return st;
    st = finish_notes(z, err);
    sl_status st2 = st == SL_ERR_NOMEM ? st : check_exclude(z, err);
    return st != SL_OK ? st : st2;
}

sl_status sl_zone_rescan(const sl_zone *z, sl_parcel_fn fn, void *user_data, sl_error *err)
{
    /* scan writes the zone only when it records */
    return scan((sl_zone *)z, false, fn, user_data, err);
}
