/* layout.c - the independent plan checker (placeholder, filled next). */
#include "plan.h"
sl_status sl_plan_check(const sl_zone *z, const sl_plan *p, sl_error *err)
{
    (void)z; (void)p; (void)err;
    return SL_OK;
}
