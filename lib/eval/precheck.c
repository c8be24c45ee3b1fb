/* precheck.c - what `check` can know without solving: pins on parcels that
 * cannot take them, repeated ids, demand minimums above the zone's
 * capacity (precheck.h). */
#include "eval/precheck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/source.h"
#include "util/log.h"

/* The file of the scenario that wrote something (files[file]), or NULL for
 * a scenario built in memory. */
static const char *file_of(const sl_scenario *sc, int file)
{
    if (sc->files && file >= 0 && file < sc->n_files)
        return sc->files[file];
    return sc->path;
}

static void error_at_col(sl_error *err, const sl_scenario *sc, int file, int line, int col,
                         const char *msg)
{
    const char *f = file_of(sc, file);
    if (f && line > 0)
        sl_error_at(err, SL_ERR_SCENARIO, f, line, col > 0 ? col : 1, "%s", msg);
    else
        sl_error_add(err, SL_ERR_SCENARIO, "%s", msg);
}

sl_status sl_zone_check_pins(const sl_zone *z, sl_error *err)
{
    const sl_scenario *sc = z->sc;
    const char **ids = NULL;
    long budget = SL_DID_YOU_MEAN_BUDGET;
    sl_status st = SL_OK;
    for (int k = 0; k < sc->n_pins; k++) {
        const sl_pin *pin = &sc->pins[k];
        if (!pin->parcel)
            continue;
        int i = sl_zone_find(z, pin->parcel);
        char msg[1200];
        if (i < 0) {
            if (!ids) {
                ids = calloc((size_t)z->n + 1, sizeof *ids);
                if (!ids) {
                    sl_error_add(err, SL_ERR_NOMEM, "out of memory");
                    return SL_ERR_NOMEM;
                }
                for (int j = 0; j < z->n; j++)
                    ids[j] = z->p[j].id;
            }
            const char *near = sl_did_you_mean(pin->parcel, ids, z->n, &budget);
            snprintf(msg, sizeof msg, "pins[%d].parcel: no parcel '%s' in layer '%s' of %s%s%s%s",
                     k, pin->parcel, sl_source_layer_name(z->src), sl_source_label(z->src),
                     near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        } else {
            const sl_parcel *p = &z->p[i];
            if (p->status == SL_PARCEL_REJECTED)
                snprintf(msg, sizeof msg,
                         "pins[%d].parcel: parcel '%s' is rejected (%s); a pin needs a candidate "
                         "parcel",
                         k, pin->parcel, p->reason);
            else if (p->status != SL_PARCEL_CANDIDATE)
                snprintf(msg, sizeof msg,
                         "pins[%d].parcel: parcel '%s' is not a candidate (%s); a pin needs a "
                         "candidate parcel",
                         k, pin->parcel, p->reason);
            else if (!sl_footprints_redevelopable(&p->plan_fp))
                snprintf(msg, sizeof msg,
                         "pins[%d].parcel: parcel '%s' cannot be redeveloped under the plan's "
                         "rules (%s)",
                         k, pin->parcel, p->reason);
            else
                continue;
        }
        error_at_col(err, sc, pin->file, pin->parcel_line, pin->parcel_col, msg);
        st = SL_ERR_SCENARIO;
    }
    free(ids);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first field of the layer, other than the id field, whose values are
 * present and distinct in every feature (text or integer), copied into
 * name; false when there is none. */
static bool distinct_field(sl_zone *z, char *name, size_t size)
{
    OGRLayerH l = sl_source_layer(z->src);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    int nf = OGR_FD_GetFieldCount(defn);
    bool found = false;
    char **v = malloc(sizeof *v * ((size_t)z->n + 1));
    if (!v)
        return false;
    for (int fi = 0; fi < nf && fi < 32 && !found; fi++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, fi);
        OGRFieldType t = OGR_Fld_GetType(fd);
        if ((t != OFTString && t != OFTInteger && t != OFTInteger64) ||
            strcmp(OGR_Fld_GetNameRef(fd), z->sc->fields.id) == 0)
            continue;
        int n = 0;
        bool ok = true;
        sl_source_rewind(z->src);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(l)) != NULL) {
            if (ok && n < z->n && OGR_F_IsFieldSetAndNotNull(f, fi)) {
                v[n] = strdup(OGR_F_GetFieldAsString(f, fi));
                ok = v[n] && v[n][0];
                if (v[n])
                    n++;
            } else {
                ok = false;
            }
            OGR_F_Destroy(f);
        }
        if (ok && n == z->n && n > 1) {
            qsort(v, (size_t)n, sizeof *v, cmp_str);
            found = true;
            for (int i = 1; i < n && found; i++)
                found = strcmp(v[i - 1], v[i]) != 0;
        }
        if (found)
            snprintf(name, size, "%s", OGR_Fld_GetNameRef(fd));
        for (int i = 0; i < n; i++)
            free(v[i]);
    }
    free(v);
    sl_source_rewind(z->src);
    return found;
}

sl_status sl_zone_check_ids(sl_zone *z, sl_log_fn log, void *user, sl_error *err)
{
    const sl_scenario *sc = z->sc;
    int n_ids = 0, first = -1;
    bool all_same = true;
    for (int i = 0; i < z->n; i++) {
        if (!z->p[i].id)
            continue;
        n_ids++;
        if (first < 0)
            first = i;
        else if (strcmp(z->p[i].id, z->p[first].id) != 0)
            all_same = false;
    }
    if (n_ids >= 2 && all_same) {
        char other[256];
        bool alt = distinct_field(z, other, sizeof other);
        sl_error_add(err, SL_ERR_SCENARIO,
                     "parcels.fields.id: field '%s' of %s has the same value '%s' in all %d "
                     "features, so evaluate would reject all but the first as duplicates; map a "
                     "field with one value per parcel as id%s%s%s",
                     sc->fields.id, sl_source_label(z->src), z->p[first].id, n_ids,
                     alt ? " (field '" : "", alt ? other : "", alt ? "' has one)" : "");
        return SL_ERR_SCENARIO;
    }
    /* The repeats: parcels rejected as duplicates, and their ids. */
    const char **dup = NULL;
    int nd = 0;
    for (int i = 0; i < z->n; i++)
        if (z->p[i].status == SL_PARCEL_REJECTED && z->p[i].id && z->p[i].reason &&
            strcmp(z->p[i].reason, "duplicate id") == 0) {
            if (!dup && !(dup = malloc(sizeof *dup * (size_t)z->n))) {
                sl_error_add(err, SL_ERR_NOMEM, "out of memory");
                return SL_ERR_NOMEM;
            }
            dup[nd++] = z->p[i].id;
        }
    if (nd == 0)
        return SL_OK;
    qsort(dup, (size_t)nd, sizeof *dup, cmp_str);
    char ex[512] = "";
    size_t len = 0;
    int shown = 0, groups = 0;
    for (int i = 0; i < nd;) {
        int j = i;
        while (j < nd && strcmp(dup[j], dup[i]) == 0)
            j++;
        groups++;
        if (shown < 3) {
            int w = snprintf(ex + len, sizeof ex - len, "%s'%s' %d times", shown ? ", " : "",
                             dup[i], j - i + 1);
            if (w > 0 && (size_t)w < sizeof ex - len)
                len += (size_t)w;
            shown++;
        }
        i = j;
    }
    sl_log(log, user, SL_LOG_WARNING,
           "%s: %d feature%s repeat%s an id seen before (%d id%s, e.g. %s%s); evaluate rejects "
           "every repeat as 'duplicate id': fix the ids or map another field as "
           "parcels.fields.id",
           sl_source_label(z->src), nd, nd == 1 ? "" : "s", nd == 1 ? "s" : "", groups,
           groups == 1 ? "" : "s", ex, groups > shown ? ", …" : "");
    free(dup);
    return SL_OK;
}

sl_status sl_zone_check_demand(const sl_zone *z, sl_error *err)
{
    const sl_scenario *sc = z->sc;
    double cap = 0;
    long long n = 0;
    for (int i = 0; i < z->n; i++) {
        const sl_parcel *p = &z->p[i];
        if (p->status != SL_PARCEL_CANDIDATE || p->excluded || !p->plan_rules ||
            !sl_footprints_redevelopable(&p->plan_fp) || !(p->area_m2 > 0))
            continue;
        cap += p->plan_rules->far_max * p->area_m2;
        n++;
    }
    const char *rules = sc->n_rules ? sc->rules[sc->plan_rules].name : "?";
    sl_status st = SL_OK;
    double sum = 0;
    int n_min = 0;
    char msg[1024];
    for (int k = 0; k < sc->n_industries; k++) {
        const sl_industry *d = &sc->industries[k];
        if (!(d->demand_min_m2 > 0))
            continue;
        sum += d->demand_min_m2;
        n_min++;
        if (d->demand_min_m2 <= cap * (1 + 1e-9))
            continue;
        snprintf(msg, sizeof msg,
                 "industries[%d].demand_m2: industry %s needs at least %.0f m² (min) but the %lld "
                 "candidate parcels that can be redeveloped hold at most %.0f m² (far_max × "
                 "area_m2 under rule set '%s')",
                 k, d->id, d->demand_min_m2, n, cap, rules);
        error_at_col(err, sc, d->file, d->line, d->col, msg);
        st = SL_ERR_SCENARIO;
    }
    if (st == SL_OK && n_min > 1 && sum > cap * (1 + 1e-9)) {
        sl_error_add(err, SL_ERR_SCENARIO,
                     "%s: the demand_m2 minimums of %d industries add up to %.0f m² but the %lld "
                     "candidate parcels that can be redeveloped hold at most %.0f m² (far_max × "
                     "area_m2 under rule set '%s')",
                     sc->path ? sc->path : "scenario", n_min, sum, n, cap, rules);
        st = SL_ERR_SCENARIO;
    }
    return st;
}
