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
    }
    return "?";
}

void sl_plan_options_init(sl_plan_options *o, const sl_scenario *s)
{
    memset(o, 0, sizeof *o);
    o->time_limit_s = s && s->time_limit_s > 0 ? s->time_limit_s : 60;
    o->gap = s && s->gap >= 0 ? s->gap : 0.001;
}

void sl_plan_destroy(sl_plan *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++)
        free(p->pp[i].storeys);
    free(p->pp);
    free(p->gfa_by_industry_m2);
    for (int i = 0; i < p->n_conflicts; i++)
        free(p->conflicts[i]);
    free(p->conflicts);
    free(p);
}
