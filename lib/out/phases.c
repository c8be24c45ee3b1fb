/* phases.c - phases.csv and summary.json's `phasing` block (docs/model.md §12). */
#include "out/phases.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "util/textbuf.h"

/* A number as a CSV cell or JSON value: empty / null when not finite. */
static void put_num(FILE *f, double v, bool json)
{
    if (isfinite(v))
        fprintf(f, "%.15g", round(v * 100) / 100);
    else if (json)
        fputs("null", f);
}

sl_status sl_phases_write_csv(const char *path, const sl_phasing *ph, sl_error *err)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        return SL_ERR_IO;
    }
    fputs("\xEF\xBB\xBF"
          "year,parcels_started,spending_cny,cumulative_budget_cny,cumulative_spending_cny,"
          "swing_space_used_m2,swing_space_available_m2,gfa_into_use_m2\r\n",
          f);
    bool have = ph->status == SL_PLAN_OPTIMAL || ph->status == SL_PLAN_FEASIBLE;
    for (int t = 0; have && t < ph->years; t++) {
        fprintf(f, "%d,%d,", ph->start_year + t, ph->starts[t]);
        put_num(f, ph->spending_cny[t], false);
        fputc(',', f);
        put_num(f, ph->cum_budget_cny[t], false);
        fputc(',', f);
        put_num(f, ph->cum_spending_cny[t], false);
        fputc(',', f);
        put_num(f, ph->swing_used_m2[t], false);
        fputc(',', f);
        put_num(f, ph->swing_available_m2[t], false);
        fputc(',', f);
        put_num(f, ph->gfa_into_use_m2[t], false);
        fputs("\r\n", f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        return SL_ERR_IO;
    }
    return SL_OK;
}

#define put_str sl_json_string

void sl_phases_write_json(FILE *f, const sl_phasing *ph)
{
    bool have = ph->status == SL_PLAN_OPTIMAL || ph->status == SL_PLAN_FEASIBLE;
    fputs("{\"status\": ", f);
    put_str(f, sl_plan_status_name(ph->status));
    fputs(", \"stop_reason\": ", f);
    const char *why = sl_stop_reason_name(ph->stop_reason);
    if (why)
        put_str(f, why);
    else
        fputs("null", f);
    fputs(", \"objective\": ", f);
    put_num(f, have ? ph->objective : NAN, true);
    fputs(", \"bound\": ", f);
    put_num(f, ph->has_bound ? ph->bound : NAN, true);
    if (ph->has_bound && isfinite(ph->gap))
        fprintf(f, ", \"gap\": %.6g", ph->gap);
    else
        fputs(", \"gap\": null", f);
    fprintf(f, ", \"solve_seconds\": %.3f", ph->solve_seconds);
    fprintf(f, ", \"start_year\": %d, \"years\": %d, \"build_years\": %d", ph->start_year,
            ph->years, ph->build_years);
    fprintf(f, ", \"parcels_started\": %d", have ? ph->n_started : 0);
    int last = 0;
    for (int i = 0; have && i < ph->n; i++)
        if (ph->in_use[i] > last)
            last = ph->in_use[i];
    fputs(", \"last_in_use_year\": ", f);
    if (last)
        fprintf(f, "%d", last);
    else
        fputs("null", f);
    fputs(", \"years_table\": [", f);
    for (int t = 0; have && t < ph->years; t++) {
        fprintf(f,
                "%s\n    {\"year\": %d, \"parcels_started\": %d, \"spending_cny\": ", t ? "," : "",
                ph->start_year + t, ph->starts[t]);
        put_num(f, ph->spending_cny[t], true);
        fputs(", \"cumulative_budget_cny\": ", f);
        put_num(f, ph->cum_budget_cny[t], true);
        fputs(", \"cumulative_spending_cny\": ", f);
        put_num(f, ph->cum_spending_cny[t], true);
        fputs(", \"swing_space_used_m2\": ", f);
        put_num(f, ph->swing_used_m2[t], true);
        fputs(", \"swing_space_available_m2\": ", f);
        put_num(f, ph->swing_available_m2[t], true);
        fputs(", \"gfa_into_use_m2\": ", f);
        put_num(f, ph->gfa_into_use_m2[t], true);
        fputs("}", f);
    }
    fputs("], \"conflicts\": [", f);
    for (int k = 0; k < ph->n_conflicts; k++) {
        fputs(k ? ", " : "", f);
        put_str(f, ph->conflicts[k]);
    }
    fputs("]}", f);
}
