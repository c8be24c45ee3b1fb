/*
 * plan.c - the plan as a value: names of its enums, options from the
 * scenario, and its destruction.  The solve itself is solve.c.
 */
#include "plan/plan.h"

#include <stdlib.h>
#include <string.h>

const char *sl_block_name(sl_block b)
{
    return b == SL_BLOCK_OFFICE ? "office" : "factory";
}

const char *sl_plan_status_name(sl_plan_status s)
{
    switch (s) {
    case SL_PLAN_OPTIMAL: return "optimal";
    case SL_PLAN_FEASIBLE: return "feasible";
    case SL_PLAN_INFEASIBLE: return "infeasible";
    case SL_PLAN_NO_PLAN: return "no_plan";
    }
    return "?";
}

const char *sl_stop_reason_name(sl_stop_reason r)
{
    switch (r) {
    case SL_STOP_GAP: return "gap";
    case SL_STOP_TIME_LIMIT: return "time_limit";
    case SL_STOP_INTERRUPTED: return "interrupted";
    case SL_STOP_NONE: break;
    }
    return NULL;
}

int sl_parcel_plan_chains(const sl_scenario *sc, const sl_parcel_plan *pp, const char **out,
                          int max)
{
    int n = 0;
    for (int k = 0; k < pp->n_storeys; k++) {
        const sl_industry *d = &sc->industries[pp->storeys[k].industry];
        if (d->shared)
            continue;
        const char *c = sl_industry_chain(d);
        bool seen = false;
        for (int j = 0; j < n && j < max && !seen; j++)
            seen = strcmp(out[j], c) == 0;
        if (seen)
            continue;
        if (n < max)
            out[n] = c;
        else {
            /* past max: compare with the labels not stored by scanning back */
            bool earlier = false;
            for (int j = 0; j < k && !earlier; j++) {
                const sl_industry *e = &sc->industries[pp->storeys[j].industry];
                earlier = !e->shared && strcmp(sl_industry_chain(e), c) == 0;
            }
            if (earlier)
                continue;
        }
        n++;
    }
    return n;
}

void sl_plan_options_init(sl_plan_options *o, const sl_scenario *s)
{
    /* The scenario's defaults (plan.time_limit_s, plan.gap) when s is NULL
     * or holds no valid value (a scenario built in memory). */
    sl_scenario d;
    sl_scenario_init(&d);
    memset(o, 0, sizeof *o);
    o->time_limit_s = s && s->time_limit_s > 0 ? s->time_limit_s : d.time_limit_s;
    o->gap = s && s->gap >= 0 ? s->gap : d.gap;
}

void sl_plan_destroy(sl_plan *p)
{
    if (!p)
        return;
    for (int i = 0; p->pp && i < p->n; i++) {
        free(p->pp[i].storeys);
        free(p->pp[i].reason);
    }
    free(p->pp);
    free(p->gfa_by_industry_m2);
    for (int i = 0; i < p->n_conflicts; i++)
        free(p->conflicts[i]);
    free(p->conflicts);
    for (int i = 0; p->industry_unfit && i < p->n_industries; i++)
        free(p->industry_unfit[i]);
    free(p->industry_unfit);
    free(p);
}
