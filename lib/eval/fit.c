/* fit.c - can an industry stand on any storey of a candidate parcel
 * (docs/model.md §5, the one-storey rules of §6)? */
#include "eval/fit.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/textbuf.h"

#define EPS 1e-9

#define add(buf, size, ...)      sl_str_appendf(buf, size, "; ", __VA_ARGS__)
#define add_list(buf, size, ...) sl_str_appendf(buf, size, ", ", __VA_ARGS__)

static bool office_kind(const sl_industry *d)
{
    return d->kind == SL_KIND_OFFICE || d->kind == SL_KIND_RND;
}

static bool single_storey(const sl_industry *d)
{
    return d->fire_class == 'A' || d->fire_class == 'B';
}

/* The lowest storeys any industry could put below a level: the first
 * storey (with the ground-floor minimum in the factory block) and the
 * storeys above it, over the industries that may stand in block b. */
static void lowest_storeys(const sl_scenario *sc, const sl_ruleset *r, int b, double *first_m,
                           double *upper_m)
{
    *first_m = *upper_m = INFINITY;
    for (int j = 0; j < sc->n_industries; j++) {
        const sl_industry *d = &sc->industries[j];
        if (b == 1 && !office_kind(d))
            continue;
        double h1 =
            b == 0 ? fmax(d->floor_height_m, r->ground_floor_height_min_m) : d->floor_height_m;
        *first_m = fmin(*first_m, h1);
        if (!single_storey(d))
            *upper_m = fmin(*upper_m, d->floor_height_m);
    }
}

/* Does level k of block b meet the one-storey rules for d? */
static bool level_ok(const sl_ruleset *r, const sl_industry *d, int k)
{
    if (d->floor_load_kN_m2 > sl_ruleset_load_at(r, k) + EPS)
        return false;
    if (d->lift_t > r->freight_lift_t + EPS && k > r->ramp_floor)
        return false;
    if (d->vibration == SL_VIB_SOURCE && k > r->vibration_source_max_floor)
        return false;
    if (single_storey(d) && k != 1)
        return false;
    return true;
}

/* Height of d's storey at level k of block b, with the lowest storeys
 * below it; INFINITY when no storey can be below it. */
static double height_at(const sl_ruleset *r, const sl_industry *d, int b, int k, double first_m,
                        double upper_m)
{
    if (k == 1)
        return b == 0 ? fmax(d->floor_height_m, r->ground_floor_height_min_m) : d->floor_height_m;
    if (!isfinite(first_m) || (k > 2 && !isfinite(upper_m)))
        return INFINITY;
    return first_m + (k - 2) * (k > 2 ? upper_m : 0) + d->floor_height_m;
}

static double max_load(const sl_ruleset *r)
{
    double m = 0;
    for (int k = 0; k < r->n_floor_loads && k < SL_MAX_FLOOR_LOADS; k++)
        m = fmax(m, r->floor_load_max_kN_m2[k]);
    return m;
}

/* What keeps d off level k of the factory block, in words ("" if nothing). */
static void level_why(const sl_ruleset *r, const sl_industry *d, int k, double h, char *buf,
                      size_t size)
{
    buf[0] = '\0';
    if (h > r->factory_height_max_m + EPS)
        add_list(buf, size, "its storey would top out at %g m, above factory_height_max_m %g m", h,
                 r->factory_height_max_m);
    if (d->floor_load_kN_m2 > sl_ruleset_load_at(r, k) + EPS)
        add_list(buf, size, "floor load %g kN/m² above floor_load_max_kN_m2 %g",
                 d->floor_load_kN_m2, sl_ruleset_load_at(r, k));
    if (d->lift_t > r->freight_lift_t + EPS && k > r->ramp_floor)
        add_list(buf, size, "unit of %g t above freight_lift_t %g t above ramp_floor %d", d->lift_t,
                 r->freight_lift_t, r->ramp_floor);
    if (d->vibration == SL_VIB_SOURCE && k > r->vibration_source_max_floor)
        add_list(buf, size, "vibration source above vibration_source_max_floor %d",
                 r->vibration_source_max_floor);
    if (single_storey(d) && k != 1)
        add_list(buf, size, "fire class %c keeps its block to one storey", d->fire_class);
}

/* No single rule excludes d, but no level meets them all: level by level,
 * up to the level from which every rule repeats. */
static void levels_together(const sl_scenario *sc, const sl_ruleset *r, const char *rules_name,
                            const sl_industry *d, char *why, size_t size)
{
    int m = r->n_floor_loads;
    if (r->ramp_floor + 1 > m)
        m = r->ramp_floor + 1;
    if (r->vibration_source_max_floor + 1 > m)
        m = r->vibration_source_max_floor + 1;
    if (m < 2)
        m = 2;
    if (m > 20)
        m = 20;
    double first_m, upper_m;
    lowest_storeys(sc, r, 0, &first_m, &upper_m);
    size_t o = (size_t)snprintf(why, size,
                                "no level of a factory block meets every rule of %s:", rules_name);
    char prev[400] = "", cur[400];
    int from = 1;
    for (int k = 1; k <= m + 1 && o < size; k++) {
        if (k <= m)
            level_why(r, d, k, height_at(r, d, 0, k, first_m, upper_m), cur, sizeof cur);
        if (k > 1 && (k > m || strcmp(cur, prev) != 0)) {
            int to = k - 1;
            if (to == m)
                o += (size_t)snprintf(why + o, size - o, " %s %d%s: %s;",
                                      from == to ? "level" : "levels", from,
                                      from == to ? " and up" : " and up", prev);
            else if (from == to)
                o += (size_t)snprintf(why + o, size - o, " level %d: %s;", from, prev);
            else
                o += (size_t)snprintf(why + o, size - o, " levels %d-%d: %s;", from, to, prev);
            from = k;
        }
        snprintf(prev, sizeof prev, "%s", cur);
    }
    if (o > 0 && o < size && why[o - 1] == ';')
        why[o - 1] = '\0';
}

bool sl_industry_fits(const sl_scenario *sc, const sl_ruleset *r, const char *rules_name,
                      bool office_block, int i, char *why, size_t size)
{
    if (size)
        why[0] = '\0';
    const sl_industry *d = &sc->industries[i];
    bool office = office_block && office_kind(d) && r->office_height_max_m > 0;
    double cap[2] = {r->factory_height_max_m, r->office_height_max_m};
    for (int b = 0; b < (office ? 2 : 1); b++) {
        double first_m, upper_m;
        lowest_storeys(sc, r, b, &first_m, &upper_m);
        for (int k = 1; k <= SL_MAX_FLOORS; k++) {
            double h = height_at(r, d, b, k, first_m, upper_m);
            if (h > cap[b] + EPS)
                break;
            if (level_ok(r, d, k))
                return true;
        }
    }
    /* Fits nowhere: the rules that alone exclude it, with the numbers. */
    double h1 = fmax(d->floor_height_m, r->ground_floor_height_min_m);
    bool tall_f = h1 > r->factory_height_max_m + EPS;
    bool tall_o = !office || d->floor_height_m > r->office_height_max_m + EPS;
    if (tall_f && tall_o) {
        if (office)
            add(why, size,
                "storey height %g m above %s.factory_height_max_m %g m and "
                "office_height_max_m %g m",
                d->floor_height_m, rules_name, r->factory_height_max_m, r->office_height_max_m);
        else if (d->floor_height_m > r->factory_height_max_m + EPS)
            add(why, size, "storey height %g m above %s.factory_height_max_m %g m",
                d->floor_height_m, rules_name, r->factory_height_max_m);
        else
            add(why, size,
                "first storey %g m (ground_floor_height_min_m %g m) above "
                "%s.factory_height_max_m %g m",
                h1, r->ground_floor_height_min_m, rules_name, r->factory_height_max_m);
    }
    double lmax = max_load(r);
    if (d->floor_load_kN_m2 > lmax + EPS) {
        char list[200] = "";
        size_t o = 0;
        for (int k = 0; k < r->n_floor_loads && k < SL_MAX_FLOOR_LOADS && o < sizeof list; k++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%g", k ? ", " : "",
                                  r->floor_load_max_kN_m2[k]);
        add(why, size,
            "floor load %g kN/m² above every storey's limit (%s.floor_load_max_kN_m2 [%s]: at "
            "most %g kN/m²)",
            d->floor_load_kN_m2, rules_name, list, lmax);
    }
    if (d->lift_t > r->freight_lift_t + EPS && r->ramp_floor < 1)
        add(why, size,
            "unit of %g t heavier than %s.freight_lift_t %g t, and no storey is reached by "
            "ramp (ramp_floor %d)",
            d->lift_t, rules_name, r->freight_lift_t, r->ramp_floor);
    if (d->vibration == SL_VIB_SOURCE && r->vibration_source_max_floor < 1)
        add(why, size, "a vibration source, and %s.vibration_source_max_floor is %d", rules_name,
            r->vibration_source_max_floor);
    if (!why[0])
        levels_together(sc, r, rules_name, d, why, size);
    return false;
}

bool sl_zone_industry_fits(const sl_zone *z, int i, char *why, size_t size)
{
    const sl_scenario *sc = z->sc;
    if (size)
        why[0] = '\0';
    const sl_parcel *first = NULL; /* the first candidate under the plan's own rules */
    const sl_parcel *any = NULL;
    int n_pinned = 0;
    char pinned[300] = "";
    /* Rule sets and office blocks seen, so each is tried once. */
    const sl_ruleset *seen_r[64];
    bool seen_o[64];
    int n_seen = 0;
    for (int k = 0; k < z->n; k++) {
        const sl_parcel *p = &z->p[k];
        if (p->status != SL_PARCEL_CANDIDATE || p->excluded || !p->plan_rules ||
            !sl_footprints_redevelopable(&p->plan_fp))
            continue;
        bool office = p->plan_fp.office_m2 > 0;
        bool dup = false;
        for (int s = 0; s < n_seen && !dup; s++)
            dup = seen_r[s] == p->plan_rules && seen_o[s] == office;
        if (dup)
            continue;
        if (n_seen < 64) {
            seen_r[n_seen] = p->plan_rules;
            seen_o[n_seen++] = office;
        }
        char tmp[8];
        if (sl_industry_fits(sc, p->plan_rules, "", office, i, tmp, sizeof tmp))
            return true;
        if (!any)
            any = p;
        if (p->own_rules) {
            if (n_pinned++ < 3) {
                size_t o = strlen(pinned);
                snprintf(pinned + o, sizeof pinned - o, "%s%s", o ? ", " : "", p->id);
            }
        } else if (!first || (office && first->plan_fp.office_m2 <= 0)) {
            first = p;
        }
    }
    if (!any)
        return true;
    const sl_parcel *p = first ? first : any;
    char name[160];
    if (p->own_rules)
        snprintf(name, sizeof name, "the pin's rules on parcel %s: rules.%s", p->id,
                 sc->rules[sc->plan_rules].name);
    else
        snprintf(name, sizeof name, "rules.%s", sc->rules[sc->plan_rules].name);
    char reason[800];
    sl_industry_fits(sc, p->plan_rules, name, p->plan_fp.office_m2 > 0, i, reason, sizeof reason);
    const sl_industry *d = &sc->industries[i];
    int o = snprintf(why, size, "industry %s fits no storey of any candidate parcel: %s", d->id,
                     reason);
    if (first && n_pinned && o > 0 && (size_t)o < size)
        o += snprintf(why + o, size - (size_t)o, " (nor under the pins' rules of parcel%s %s%s)",
                      n_pinned > 1 ? "s" : "", pinned, n_pinned > 3 ? ", ..." : "");
    if (d->demand_min_m2 > 0 && o > 0 && (size_t)o < size)
        snprintf(why + o, size - (size_t)o, "; its demand_m2 min %.0f m² cannot be met",
                 d->demand_min_m2);
    return false;
}
