/*
 * diagnosis.c - infeasibility in words: why a pin cannot hold on its
 * parcel, why an industry fits no storey.  Messages name the parcel, the
 * industry and the rule key with its value, as a planner would read them
 * in the scenario file.
 */
#include "plan/pricing.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/textbuf.h"

static double load_at1(const sl_ruleset *r, int level)
{
    int n = r->n_floor_loads;
    if (n <= 0)
        return INFINITY;
    if (n > SL_MAX_FLOOR_LOADS)
        n = SL_MAX_FLOOR_LOADS;
    return r->floor_load_max_kN_m2[level <= n ? level - 1 : n - 1];
}

#define add(buf, size, ...) sl_str_appendf(buf, size, "; ", __VA_ARGS__)

/* Reasons why industry i cannot stand on level 1 of any block under r (the
 * most permissive level: highest floor load, below the ramp, ground
 * level for vibration). */
static void explain_level1(const pl_sc *s, const sl_ruleset *r, int i, char *buf, size_t size)
{
    const sl_industry *d = &s->sc->industries[i];
    double h1 = fmax(d->floor_height_m, r->ground_floor_height_min_m);
    if (h1 > r->factory_height_max_m + 1e-9 &&
        (!s->office_ok[i] || d->floor_height_m > r->office_height_max_m + 1e-9)) {
        if (s->office_ok[i])
            add(buf, size,
                "its storey height %g m exceeds factory_height_max_m and office_height_max_m (%g "
                "m)",
                d->floor_height_m, fmax(r->factory_height_max_m, r->office_height_max_m));
        else
            add(buf, size, "its first storey is %g m tall, above factory_height_max_m %g m", h1,
                r->factory_height_max_m);
    }
    if (d->floor_load_kN_m2 > load_at1(r, 1) + 1e-9)
        add(buf, size, "its floor load %g kN/m² exceeds floor_load_max_kN_m2 %g at level 1",
            d->floor_load_kN_m2, load_at1(r, 1));
    if (d->lift_t > r->freight_lift_t + 1e-9 && r->ramp_floor < 1)
        add(buf, size,
            "its lift of %g t exceeds freight_lift_t %g t and no level is reached by ramp "
            "(ramp_floor 0)",
            d->lift_t, r->freight_lift_t);
    if (s->vib[i] == 1 && r->vibration_source_max_floor < 1)
        add(buf, size, "it is a vibration source and vibration_source_max_floor is %d",
            r->vibration_source_max_floor);
}

void pl_diag_industry(const pl_sc *s, const pl_rtab *rt, int nrt, int i, char *buf, size_t size)
{
    buf[0] = '\0';
    if (nrt < 1)
        return;
    /* Explain under the first rule set; candidates usually share one. */
    const sl_ruleset *r = rt[0].r;
    explain_level1(s, r, i, buf, size);
    if (buf[0])
        return;
    const sl_industry *d = &s->sc->industries[i];
    if (s->fire_single[i])
        snprintf(buf, size,
                 "fire class %c keeps its block to a single storey, which on no candidate parcel "
                 "meets the parcel's other rules (current GFA, far_min, coverage_min)",
                 d->fire_class);
    else
        snprintf(buf, size,
                 "no candidate parcel can take a storey of it under the other rules (FAR, "
                 "coverage, current GFA, freight trips)");
}

/* Is there any stack at all for context c? */
static bool any_stack(const pl_ctx *c)
{
    double *r = calloc((size_t)c->s->nind + 1, sizeof *r);
    if (!r)
        return true;
    pl_weights w = {r, 0, 0, 0, 0};
    pl_search q;
    memset(&q, 0, sizeof q);
    q.threshold = -1e300;
    q.max_found = 1;
    q.node_limit = 2000000;
    bool found = true;
    if (pl_price(c, &w, &q) == 0)
        found = q.found_any || !q.complete;
    pl_search_free(&q);
    free(r);
    return found;
}

/* Most GFA of industry i on the parcel, pins' min_gfa ignored. */
static double max_gfa(const pl_ctx *c0, int i, int *storeys_f, int *storeys_o)
{
    pl_ctx c = *c0;
    c.npin = 0;
    double *r = calloc((size_t)c.s->nind + 1, sizeof *r);
    if (!r)
        return INFINITY;
    r[i] = 1;
    pl_weights w = {r, 0, 0, 0, 0};
    pl_search q;
    memset(&q, 0, sizeof q);
    q.threshold = -1e300;
    q.max_found = 1;
    q.node_limit = 2000000;
    double best = -1;
    *storeys_f = *storeys_o = 0;
    if (pl_price(&c, &w, &q) == 0 && q.found_any) {
        best = q.best;
        const pl_stack *st = &q.found[q.nfound - 1];
        for (int x = 0; x < st->n[0] + st->n[1]; x++)
            if (st->ind[x] == i)
                (*(x < st->n[0] ? storeys_f : storeys_o))++;
    }
    if (!q.complete)
        best = INFINITY;
    pl_search_free(&q);
    free(r);
    return best;
}

void pl_diag_pin(const pl_ctx *c, const sl_parcel *p, const sl_pin *pin, char ***msgs, int *nmsgs)
{
    const pl_sc *s = c->s;
    const pl_rtab *t = c->t;
    const sl_ruleset *r = c->r;
    const char *pid = p->id ? p->id : "?";
    int i = pin->industry;
    if (i < 0 || i >= s->nind)
        return;
    const sl_industry *d = &s->sc->industries[i];
    int n = s->nind;
    int before = *nmsgs;

    /* 1. the industry fits no storey of this parcel */
    bool fits = false;
    for (int b = 0; b < 2 && !fits; b++)
        for (int k = 1; k <= t->maxlev[b] && k <= c->maxlev[b] && !fits; k++)
            fits = t->elig[b][(size_t)k * (size_t)n + (size_t)i];
    if (!fits) {
        char why[600] = "";
        explain_level1(s, r, i, why, sizeof why);
        pl_msg(msgs, nmsgs, "pin on parcel %s: industry %s fits no storey of the parcel%s%s", pid,
               d->id, why[0] ? ": " : "", why);
        return;
    }

    /* 2. the fixed floor count */
    if (c->floors < 0) {
        pl_msg(msgs, nmsgs, "pins on parcel %s fix different factory floor counts", pid);
        return;
    }
    if (c->floors > 0 && c->F[0] > 0) {
        int f = c->floors;
        /* pinned industry storeys the factory must hold */
        double office_cap = 0;
        if (s->office_ok[i] && c->F[1] > 0)
            office_cap = c->F[1] * (t->maxlev[1] > 0 ? t->maxlev[1] : 0);
        double need = pin->min_gfa_m2 - office_cap;
        int req = need > 0 ? (int)ceil(need / c->F[0] - 1e-9) : 0;
        double hpin =
            fmax(d->floor_height_m, r->ground_floor_height_min_m) + (f - 1) * d->floor_height_m;
        if (req >= f && hpin > r->factory_height_max_m + 1e-6) {
            pl_msg(msgs, nmsgs,
                   "pin on parcel %s: %d factory storeys of %s need %.1f m, above "
                   "factory_height_max_m %g m",
                   pid, f, d->id, hpin, r->factory_height_max_m);
            return;
        }
        /* the lowest stack of f storeys whatever the industries */
        double hmin = 0;
        for (int k = 1; k <= f; k++) {
            double best = INFINITY;
            for (int j = 0; j < n; j++) {
                if (k > t->maxlev[0] ||
                    !t->elig[0][(size_t)(k <= t->maxlev[0] ? k : 1) * (size_t)n + (size_t)j])
                    continue;
                double h = t->hu[0][(k == 1 ? 0 : n) + j] / 1e6;
                if (h < best)
                    best = h;
            }
            if (!isfinite(best)) {
                double lowest = INFINITY;
                for (int j = 0; j < n; j++) {
                    double h = s->sc->industries[j].floor_height_m;
                    if (h < lowest)
                        lowest = h;
                }
                best = lowest;
            }
            hmin += best;
        }
        if (hmin > r->factory_height_max_m + 1e-6) {
            pl_msg(msgs, nmsgs,
                   "pin on parcel %s: %d factory storeys need at least %.1f m, above "
                   "factory_height_max_m %g m",
                   pid, f, hmin, r->factory_height_max_m);
            return;
        }
        double counted = f * c->F[0];
        if (counted > r->far_max * c->A + 1e-6) {
            pl_msg(msgs, nmsgs,
                   "pin on parcel %s: %d factory storeys of %.0f m² make %.0f m² of GFA, above "
                   "far_max %g × area %.0f m² = %.0f m²",
                   pid, f, c->F[0], counted, r->far_max, c->A, r->far_max * c->A);
            return;
        }
    }

    /* 3. not enough room for min_gfa_m2 */
    int sf, so;
    double most = max_gfa(c, i, &sf, &so);
    if (most < pin->min_gfa_m2 - 1e-6) {
        if (most < 0)
            pl_msg(msgs, nmsgs,
                   "pin on parcel %s: no stack of the parcel can hold %s under its rules", pid,
                   d->id);
        else
            pl_msg(msgs, nmsgs,
                   "pin on parcel %s: at most %.0f m² of %s fit on the parcel (%d factory and %d "
                   "office storeys), below the pin's min_gfa_m2 %.0f m²",
                   pid, most, d->id, sf, so, pin->min_gfa_m2);
        return;
    }

    /* 4. which per-parcel rules clash: relax one family at a time */
    struct {
        const char *what;
        int fam;
    } fams[] = {
        {"far_max / far_min (rule 2)", 0},
        {"coverage_min (rule 3)", 1},
        {"office_gfa_share_max (rule 9)", 2},
        {"freight_trips_per_day_max (rule 10)", 3},
        {"the current GFA it must keep (rule 11)", 4},
        {"the pin's floors", 5},
        {"the pins' min_gfa_m2", 6},
    };
    char list[1000] = "";
    for (size_t k = 0; k < sizeof fams / sizeof fams[0]; k++) {
        pl_ctx x = *c;
        switch (fams[k].fam) {
        case 0:
            x.far_cap_m2 = INFINITY;
            x.far_min_m2 = -INFINITY;
            break;
        case 1: x.cov_need_m2 = -INFINITY; break;
        case 2: x.off_share = INFINITY; break;
        case 3: x.trips_cap_u = INFINITY; break;
        case 4: x.cur = 0; break;
        case 5:
            x.floors = 0;
            x.maxlev[0] = t->maxlev[0];
            break;
        case 6: x.npin = 0; break;
        }
        if (fams[k].fam == 0) {
            x.maxlev[0] = t->maxlev[0];
            x.maxlev[1] = c->F[1] > 0 ? t->maxlev[1] : 0;
            if (c->floors > 0 && c->floors < x.maxlev[0])
                x.maxlev[0] = c->floors;
        }
        if (any_stack(&x)) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", fams[k].what);
        }
    }
    if (list[0])
        pl_msg(msgs, nmsgs,
               "pin on parcel %s: %s (min_gfa_m2 %.0f m²%s) cannot hold together with %s", pid,
               d->id, pin->min_gfa_m2, c->floors > 0 ? ", fixed floors" : "", list);
    if (*nmsgs == before)
        pl_msg(msgs, nmsgs,
               "pin on parcel %s: no stack of the parcel meets its rules (heights, loads, lifts, "
               "vibration, fire class) together with the pin",
               pid);
}
