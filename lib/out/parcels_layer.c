/* parcels_layer.c - the parcels layer of evaluate and plan outputs. */
#include "out/parcels_layer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "out/layer_writer.h"
#include "util/ogr_util.h"
#include "util/textbuf.h"
#include "input/source.h"

/* Field indices of our own properties. */
enum { F_ID, F_STATUS, F_REASON, F_LAND_USE, F_AREA, F_CUR_GFA, F_CUR_FAR, F_TAX, F_NFIXED };
enum {
    P_GFA,
    P_COUNTED,
    P_FAR,
    P_COVERAGE,
    P_FFOOT,
    P_OFOOT,
    P_FFLOORS,
    P_FHEIGHT,
    P_OFLOORS,
    P_OHEIGHT,
    P_VALUE,
    P_STACK,
    P_CHAINS,
    P_NBONUS,
    P_N
};

/* The economics fields (scenario with `economics`): grade, then in plan
 * mode the rest. */
enum { E_GRADE, E_CAPEX, E_NOI, E_TAX, E_PAYBACK, E_NPV, E_TAX_MU, E_GRADE_AFTER, E_N };

struct sl_parcels_writer {
    sl_out_dataset *own; /* the dataset, when the writer created it */
    sl_out_layer *layer;
    const sl_zone *z;
    bool plan_mode;
    int rule_base; /* first per-rule-set field: 4 per rule set */
    int gain_field;
    int plan_base;
    int econ_base; /* -1: no economics fields */
    const sl_economics *econ;
    int phase_base; /* start_year, in_use_year; -1 without phasing */
    int *src_map;   /* source field i -> our field, or -1 */
    int n_src;
};

double sl_round2(double x)
{
    return isfinite(x) ? round(x * 100.0) / 100.0 : x;
}

static double round4(double x)
{
    return isfinite(x) ? round(x * 10000.0) / 10000.0 : x;
}

static int add_field(sl_parcels_writer *w, const char *name, OGRFieldType t, bool json)
{
    return sl_out_layer_field(w->layer, name, t, json);
}

static void destroy(sl_parcels_writer *w)
{
    sl_out_dataset_close(w->own, NULL);
    free(w->src_map);
    free(w);
}

sl_parcels_writer *sl_parcels_writer_open(const char *path, const char *driver, const sl_zone *z,
                                          bool plan_mode, sl_error *err)
{
    sl_out_dataset *d = sl_out_dataset_create(path, driver, err);
    if (!d)
        return NULL;
    sl_parcels_writer *w = sl_parcels_writer_open_in(d, z, plan_mode, err);
    if (!w) {
        sl_out_dataset_close(d, NULL);
        return NULL;
    }
    w->own = d;
    return w;
}

sl_parcels_writer *sl_parcels_writer_open_in(sl_out_dataset *d, const sl_zone *z, bool plan_mode,
                                             sl_error *err)
{
    sl_parcels_writer *w = calloc(1, sizeof *w);
    if (!w) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return NULL;
    }
    w->z = z;
    w->plan_mode = plan_mode;
    w->layer = sl_out_layer_create(d, "parcels", sl_source_srs(z->src), wkbUnknown, err);
    if (!w->layer) {
        destroy(w);
        return NULL;
    }
    const sl_scenario *sc = z->sc;
    bool ok = add_field(w, "id", OFTString, false) == F_ID;
    ok &= add_field(w, "status", OFTString, false) == F_STATUS;
    ok &= add_field(w, "reason", OFTString, false) == F_REASON;
    ok &= add_field(w, "land_use", OFTString, false) == F_LAND_USE;
    ok &= add_field(w, "area_m2", OFTReal, false) == F_AREA;
    ok &= add_field(w, "current_gfa_m2", OFTReal, false) == F_CUR_GFA;
    ok &= add_field(w, "current_far", OFTReal, false) == F_CUR_FAR;
    ok &= add_field(w, "tax_per_mu_cny", OFTReal, false) == F_TAX;
    w->rule_base = F_NFIXED;
    char name[300];
    if (!plan_mode) {
        for (int r = 0; r < sc->n_rules; r++) {
            const char *rn = sc->rules[r].name;
            snprintf(name, sizeof name, "%s_max_gfa_m2", rn);
            ok &= add_field(w, name, OFTReal, false) >= 0;
            snprintf(name, sizeof name, "%s_binding", rn);
            ok &= add_field(w, name, OFTString, false) >= 0;
            snprintf(name, sizeof name, "%s_factory_floors", rn);
            ok &= add_field(w, name, OFTInteger, false) >= 0;
            snprintf(name, sizeof name, "%s_office_floors", rn);
            ok &= add_field(w, name, OFTInteger, false) >= 0;
        }
        w->gain_field = add_field(w, "gain_m2", OFTReal, false);
        ok &= w->gain_field >= 0;
    } else {
        static const struct {
            const char *name;
            OGRFieldType type;
            bool json;
        } pf[P_N] = {
            {"gfa_m2", OFTReal, false},
            {"counted_gfa_m2", OFTReal, false},
            {"far", OFTReal, false},
            {"coverage", OFTReal, false},
            {"factory_footprint_m2", OFTReal, false},
            {"office_footprint_m2", OFTReal, false},
            {"factory_floors", OFTInteger, false},
            {"factory_height_m", OFTReal, false},
            {"office_floors", OFTInteger, false},
            {"office_height_m", OFTReal, false},
            {"value_m2eq", OFTReal, false},
            {"stack", OFTString, true},
            {"chains", OFTString, true},
            {"neighbour_bonus_m2", OFTReal, false},
        };
        w->plan_base = sl_out_layer_field_count(w->layer);
        for (int i = 0; i < P_N; i++)
            ok &= add_field(w, pf[i].name, pf[i].type, pf[i].json) == w->plan_base + i;
        /* docs/model.md §12: the year building starts and the year it is
         * in use, null when not started within the horizon */
        w->phase_base = -1;
        if (z->sc->phasing.present) {
            w->phase_base = add_field(w, "start_year", OFTInteger, false);
            ok &= w->phase_base >= 0 &&
                  add_field(w, "in_use_year", OFTInteger, false) == w->phase_base + 1;
        }
    }
    w->econ_base = -1;
    if (sc->has_economics) {
        static const char *const ef[E_N] = {
            "grade",         "capex_cny", "noi_cny_year",         "tax_cny_year",
            "payback_years", "npv_cny",   "tax_per_mu_after_cny", "grade_after"};
        w->econ_base = sl_out_layer_field_count(w->layer);
        for (int i = 0; i < (plan_mode ? E_N : 1); i++) {
            bool text = i == E_GRADE || i == E_GRADE_AFTER;
            ok &= add_field(w, ef[i], text ? OFTString : OFTReal, false) == w->econ_base + i;
        }
    }
    if (!ok) {
        sl_error_add(err, SL_ERR_IO, "cannot create the fields of the parcels layer");
        destroy(w);
        return NULL;
    }
    /* The source's own attributes follow, so that QGIS shows e.g. the
     * enterprise name; names that clash with ours are left out. */
    OGRFeatureDefnH sd = OGR_L_GetLayerDefn(sl_source_layer(z->src));
    w->n_src = OGR_FD_GetFieldCount(sd);
    w->src_map = malloc(((size_t)w->n_src + 1) * sizeof *w->src_map);
    if (!w->src_map) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        destroy(w);
        return NULL;
    }
    for (int i = 0; i < w->n_src; i++) {
        OGRFieldDefnH f = OGR_FD_GetFieldDefn(sd, i);
        w->src_map[i] = -1;
        if (sl_out_layer_field_index(w->layer, OGR_Fld_GetNameRef(f)) < 0)
            w->src_map[i] = sl_out_layer_field_like(w->layer, f);
    }
    return w;
}

static void set_real(OGRFeatureH f, int i, double v)
{
    if (isfinite(v))
        OGR_F_SetFieldDouble(f, i, v);
    else
        OGR_F_SetFieldNull(f, i);
}

static void set_text(OGRFeatureH f, int i, const char *s)
{
    if (s)
        OGR_F_SetFieldString(f, i, s);
    else
        OGR_F_SetFieldNull(f, i);
}

/* The stack as a JSON array, bottom up (heap; NULL when out of memory). */
static char *stack_json(const sl_scenario *sc, const sl_parcel_plan *pp)
{
    sl_textbuf b = {0};
    sl_textbuf_puts(&b, "[");
    for (int i = 0; i < pp->n_storeys; i++) {
        const sl_storey *st = &pp->storeys[i];
        sl_textbuf_printf(&b, "%s{\"block\":\"%s\",\"level\":%d,\"industry\":", i ? "," : "",
                          st->block == SL_BLOCK_OFFICE ? "office" : "factory", st->level);
        sl_textbuf_json(&b, sc->industries[st->industry].id);
        sl_textbuf_printf(&b, ",\"height_m\":%.2f,\"gfa_m2\":%.2f}", st->height_m,
                          sl_round2(st->gfa_m2));
    }
    sl_textbuf_puts(&b, "]");
    return sl_textbuf_take(&b);
}

/* The parcel's distinct chains as a JSON array of strings, bottom-up
 * (docs/model.md §9.13, §9.16); NULL when out of memory. */
static char *chains_json(const sl_scenario *sc, const sl_parcel_plan *pp)
{
    int max = pp->n_storeys + 1;
    const char **labels = malloc((size_t)max * sizeof *labels);
    if (!labels)
        return NULL;
    int n = sl_parcel_plan_chains(sc, pp, labels, max);
    if (n > max)
        n = max;
    sl_textbuf b = {0};
    sl_textbuf_puts(&b, "[");
    for (int i = 0; i < n; i++) {
        if (i)
            sl_textbuf_puts(&b, ",");
        sl_textbuf_json(&b, labels[i]);
    }
    sl_textbuf_puts(&b, "]");
    free(labels);
    return sl_textbuf_take(&b);
}

sl_status sl_parcels_writer_add(sl_parcels_writer *w, const sl_parcel *p, OGRFeatureH src,
                                OGRGeometryH geom, const sl_parcel_plan *pp, sl_error *err)
{
    const sl_scenario *sc = w->z->sc;
    OGRFeatureH f = sl_out_layer_feature(w->layer);
    /* Field by field: OGR_F_SetFromWithMap would also clone the geometry. */
    for (int i = 0; src && i < w->n_src; i++) {
        if (w->src_map[i] < 0)
            continue;
        if (OGR_F_IsFieldSetAndNotNull(src, i))
            OGR_F_SetFieldRaw(f, w->src_map[i], OGR_F_GetRawFieldRef(src, i));
        else
            OGR_F_SetFieldNull(f, w->src_map[i]);
    }
    /* The source feature is discarded after this call: take its geometry
     * rather than copy it. */
    OGRGeometryH g = NULL;
    if (src && geom && geom == OGR_F_GetGeometryRef(src))
        g = OGR_F_StealGeometry(src);
    else if (geom)
        g = OGR_G_Clone(geom);
    set_text(f, F_ID, p->id);
    const char *status = sl_parcel_status_name(p->status);
    if (w->plan_mode && p->status == SL_PARCEL_CANDIDATE)
        status = pp && pp->redeveloped ? "redeveloped" : "kept";
    /* The value is presentation: 改造, 保留 ... in Chinese (docs/outputs.md). */
    OGR_F_SetFieldString(f, F_STATUS, sl_tr_ctx(sc->lang, "status", status));
    /* A kept candidate: what kept it, from the plan (docs/model.md §8). */
    bool kept = w->plan_mode && p->status == SL_PARCEL_CANDIDATE && pp && !pp->redeveloped;
    set_text(f, F_REASON, kept && pp->reason ? pp->reason : p->reason);
    set_text(f, F_LAND_USE, p->land_use);
    bool usable = p->status != SL_PARCEL_REJECTED;
    set_real(f, F_AREA, usable ? sl_round2(p->area_m2) : NAN);
    set_real(f, F_CUR_GFA, usable ? sl_round2(p->current_gfa_m2) : NAN);
    set_real(f, F_CUR_FAR, usable ? round4(p->current_far) : NAN);
    set_real(f, F_TAX, usable ? sl_round2(p->tax_per_mu_cny) : NAN);
    if (!w->plan_mode) {
        for (int r = 0; r < sc->n_rules; r++) {
            int b = w->rule_base + 4 * r;
            if (p->env) {
                const sl_envelope *e = &p->env[r];
                OGR_F_SetFieldDouble(f, b, sl_round2(e->max_gfa_m2));
                OGR_F_SetFieldString(f, b + 1, sl_binding_name(e->binding));
                OGR_F_SetFieldInteger(f, b + 2, e->factory_floors);
                OGR_F_SetFieldInteger(f, b + 3, e->office_floors);
            } else {
                for (int k = 0; k < 4; k++)
                    OGR_F_SetFieldNull(f, b + k);
            }
        }
        set_real(f, w->gain_field, p->env ? sl_round2(p->gain_m2) : NAN);
    } else {
        int b = w->plan_base;
        if (pp && pp->redeveloped) {
            double fo = pp->office_floors > 0 ? p->plan_fp.office_m2 : 0;
            double built = p->plan_fp.factory_m2 + fo;
            OGR_F_SetFieldDouble(f, b + P_GFA, sl_round2(pp->gfa_m2));
            OGR_F_SetFieldDouble(f, b + P_COUNTED, sl_round2(pp->counted_gfa_m2));
            OGR_F_SetFieldDouble(f, b + P_FAR, round4(pp->counted_gfa_m2 / p->area_m2));
            OGR_F_SetFieldDouble(f, b + P_COVERAGE, round4(built / p->area_m2));
            OGR_F_SetFieldDouble(f, b + P_FFOOT, sl_round2(p->plan_fp.factory_m2));
            OGR_F_SetFieldDouble(f, b + P_OFOOT, sl_round2(fo));
            OGR_F_SetFieldInteger(f, b + P_FFLOORS, pp->factory_floors);
            OGR_F_SetFieldDouble(f, b + P_FHEIGHT, sl_round2(pp->factory_height_m));
            OGR_F_SetFieldInteger(f, b + P_OFLOORS, pp->office_floors);
            OGR_F_SetFieldDouble(f, b + P_OHEIGHT, sl_round2(pp->office_height_m));
            OGR_F_SetFieldDouble(f, b + P_VALUE, sl_round2(pp->value_m2eq));
            OGR_F_SetFieldDouble(f, b + P_NBONUS, sl_round2(pp->neighbour_bonus_m2));
            char *js = stack_json(sc, pp);
            char *cj = chains_json(sc, pp);
            if (!js || !cj) {
                free(js);
                free(cj);
                OGR_F_Destroy(f);
                if (g)
                    OGR_G_DestroyGeometry(g);
                sl_error_add(err, SL_ERR_NOMEM, "out of memory");
                return SL_ERR_NOMEM;
            }
            set_text(f, b + P_STACK, js);
            set_text(f, b + P_CHAINS, cj);
            free(js);
            free(cj);
        } else {
            for (int k = 0; k < P_N; k++)
                OGR_F_SetFieldNull(f, b + k);
        }
        if (w->phase_base >= 0) {
            if (pp && pp->start_year) {
                OGR_F_SetFieldInteger(f, w->phase_base, pp->start_year);
                OGR_F_SetFieldInteger(f, w->phase_base + 1, pp->in_use_year);
            } else {
                OGR_F_SetFieldNull(f, w->phase_base);
                OGR_F_SetFieldNull(f, w->phase_base + 1);
            }
        }
    }
    if (w->econ_base >= 0) {
        long long i = p - w->z->p;
        const sl_parcel_econ *pe =
            w->econ && i >= 0 && i < w->econ->n ? &w->econ->parcels[i] : NULL;
        int b = w->econ_base;
        set_text(f, b + E_GRADE, pe ? sl_grade_name(pe->grade) : NULL);
        if (w->plan_mode) {
            set_real(f, b + E_CAPEX, pe ? sl_round2(pe->capex_cny) : NAN);
            set_real(f, b + E_NOI, pe ? sl_round2(pe->noi_cny_year) : NAN);
            set_real(f, b + E_TAX, pe ? sl_round2(pe->tax_cny_year) : NAN);
            set_real(f, b + E_PAYBACK, pe ? sl_round2(pe->payback_years) : NAN);
            set_real(f, b + E_NPV, pe ? sl_round2(pe->npv_cny) : NAN);
            set_real(f, b + E_TAX_MU, pe ? sl_round2(pe->tax_per_mu_after_cny) : NAN);
            set_text(f, b + E_GRADE_AFTER, pe ? sl_grade_name(pe->grade_after) : NULL);
        }
    }
    char what[300];
    snprintf(what, sizeof what, "parcel %s", p->id ? p->id : "(null id)");
    return sl_out_layer_write(w->layer, f, g, what, err);
}

/* The layer's own field names: their CSV headers are translated; the
 * source's fields keep their names. */
static const char *const own_fields[] = {SL_N("id"),
                                         SL_N("status"),
                                         SL_N("reason"),
                                         SL_N("land_use"),
                                         SL_N("area_m2"),
                                         SL_N("current_gfa_m2"),
                                         SL_N("current_far"),
                                         SL_N("tax_per_mu_cny"),
                                         SL_N("gain_m2"),
                                         SL_N("gfa_m2"),
                                         SL_N("counted_gfa_m2"),
                                         SL_N("far"),
                                         SL_N("coverage"),
                                         SL_N("factory_footprint_m2"),
                                         SL_N("office_footprint_m2"),
                                         SL_N("factory_floors"),
                                         SL_N("factory_height_m"),
                                         SL_N("office_floors"),
                                         SL_N("office_height_m"),
                                         SL_N("value_m2eq"),
                                         SL_N("stack"),
                                         SL_N("chains"),
                                         SL_N("neighbour_bonus_m2"),
                                         SL_N("start_year"),
                                         SL_N("in_use_year"),
                                         SL_N("grade"),
                                         SL_N("capex_cny"),
                                         SL_N("noi_cny_year"),
                                         SL_N("tax_cny_year"),
                                         SL_N("payback_years"),
                                         SL_N("npv_cny"),
                                         SL_N("tax_per_mu_after_cny"),
                                         SL_N("grade_after")};

/* name = rule set + suffix, for a rule set of sc: the rule set's name. */
static const char *rule_prefix(const sl_scenario *sc, const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    if (n <= k || strcmp(name + n - k, suffix) != 0)
        return NULL;
    for (int r = 0; r < sc->n_rules; r++)
        if (strlen(sc->rules[r].name) == n - k && strncmp(name, sc->rules[r].name, n - k) == 0)
            return sc->rules[r].name;
    return NULL;
}

const char *sl_parcels_field_header(const sl_scenario *sc, const char *name, char *buf, size_t size)
{
    sl_lang L = sc ? sc->lang : SL_LANG_EN;
    if (L == SL_LANG_EN || !name)
        return name;
    for (size_t i = 0; i < sizeof own_fields / sizeof own_fields[0]; i++)
        if (strcmp(name, own_fields[i]) == 0)
            return sl_tr(L, own_fields[i]);
    const char *r;
    if ((r = rule_prefix(sc, name, "_max_gfa_m2")))
        snprintf(buf, size, sl_tr(L, "%s_max_gfa_m2"), r);
    else if ((r = rule_prefix(sc, name, "_binding")))
        snprintf(buf, size, sl_tr(L, "%s_binding"), r);
    else if ((r = rule_prefix(sc, name, "_factory_floors")))
        snprintf(buf, size, sl_tr(L, "%s_factory_floors"), r);
    else if ((r = rule_prefix(sc, name, "_office_floors")))
        snprintf(buf, size, sl_tr(L, "%s_office_floors"), r);
    else
        return name;
    return buf;
}

void sl_parcels_writer_set_economics(sl_parcels_writer *w, const sl_economics *e)
{
    if (w)
        w->econ = e;
}

sl_status sl_parcels_writer_close(sl_parcels_writer *w, sl_error *err)
{
    if (!w)
        return SL_OK;
    sl_status st = sl_out_dataset_close(w->own, err);
    w->own = NULL;
    destroy(w);
    return st;
}
