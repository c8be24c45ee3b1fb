/* export.c - the compact MIP (placeholder, filled next). */
#include "plan.h"
sl_status sl_plan_export_model(const sl_zone *z, const char *path, sl_error *err)
{
    (void)z; (void)path;
    sl_error_add(err, SL_ERR_IO, "not yet");
    return SL_ERR_IO;
}
