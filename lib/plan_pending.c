/* plan_pending.c - weak stand-ins for the optimizer's names until lib/plan.c
 * lands on this branch (the real, strong definitions win at link time).
 * Delete this file once plan.c is merged. */
#include "plan.h"

__attribute__((weak)) const char *sl_block_name(sl_block b)
{
    return b == SL_BLOCK_OFFICE ? "office" : "factory";
}
