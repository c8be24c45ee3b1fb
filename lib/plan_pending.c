/* plan_pending.c - weak stand-ins for the optimizer's names until lib/plan.c
 * lands on this branch (the real, strong definitions win at link time).
 * Delete this file once plan.c is merged. */
#include "plan.h"

__attribute__((weak)) const char *sl_block_name(sl_block b)
{
    return b == SL_BLOCK_OFFICE ? "office" : "factory";
}

__attribute__((weak)) const char *sl_plan_status_name(sl_plan_status s)
{
    static const char *const names[] = {"optimal", "feasible", "infeasible"};
    return names[s];
}

__attribute__((weak)) void sl_plan_options_init(sl_plan_options *o, const sl_scenario *s)
{
    o->time_limit_s = s->time_limit_s;
    o->gap = s->gap;
    o->verbose = false;
    o->progress = NULL;
    o->user_data = NULL;
}

__attribute__((weak)) sl_status sl_plan_solve(const sl_zone *z, const sl_plan_options *o,
                                              sl_plan **out, sl_error *err)
{
    (void)z;
    (void)o;
    *out = NULL;
    sl_error_add(err, SL_ERR_SOLVER, "the optimizer is not in this build yet");
    return SL_ERR_SOLVER;
}

__attribute__((weak)) void sl_plan_destroy(sl_plan *p)
{
    (void)p;
}
