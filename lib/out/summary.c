/* summary.c - summary.json for evaluate and plan runs. */
#include "out/summary.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "input/source.h"

static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void put_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.2f", round(v * 100) / 100 + 0.0);
    else
        fputs("null", f);
}

sl_status sl_summary_write(const char *path, const sl_zone *z, const sl_plan *plan, sl_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        return SL_ERR_IO;
    }
    const sl_scenario *sc = z->sc;
    long long redeveloped = 0, kept = 0;
    double area = 0, cand_area = 0, gfa = 0, cand_gfa = 0, gain = 0;
    for (int i = 0; i < z->n; i++) {
        const sl_parcel *p = &z->p[i];
        if (p->status == SL_PARCEL_REJECTED)
            continue;
        area += p->area_m2;
        gfa += p->current_gfa_m2;
        if (p->status == SL_PARCEL_CANDIDATE) {
            cand_area += p->area_m2;
            cand_gfa += p->current_gfa_m2;
            if (p->env)
                gain += p->gain_m2;
            if (plan) {
                if (plan->pp[i].redeveloped)
                    redeveloped++;
                else
                    kept++;
            }
        }
    }
    fputs("{\n  \"shanglou_version\": ", f);
    put_str(f, SHANGLOU_VERSION);
    fputs(",\n  \"command\": ", f);
    put_str(f, plan ? "plan" : "evaluate");
    fputs(",\n  \"scenario\": ", f);
    put_str(f, sc->name);
    fputs(",\n  \"source\": ", f);
    put_str(f, sl_source_label(z->src));
    fputs(",\n  \"layer\": ", f);
    put_str(f, z->layer_name);
    fputs(",\n  \"crs\": ", f);
    put_str(f, z->crs_name);
    fprintf(f, ",\n  \"parcels\": {\"total\": %d", z->n);
    if (plan)
        fprintf(f, ", \"redeveloped\": %lld, \"kept\": %lld", redeveloped, kept);
    else
        fprintf(f, ", \"candidate\": %lld", z->n_by_status[SL_PARCEL_CANDIDATE]);
    fprintf(f, ", \"not_candidate\": %lld, \"rejected\": %lld},\n",
            z->n_by_status[SL_PARCEL_NOT_CANDIDATE], z->n_by_status[SL_PARCEL_REJECTED]);
    fputs("  \"area_m2\": {\"total\": ", f);
    put_num(f, area);
    fputs(", \"candidate\": ", f);
    put_num(f, cand_area);
    fputs("},\n  \"current_gfa_m2\": {\"total\": ", f);
    put_num(f, gfa);
    fputs(", \"candidate\": ", f);
    put_num(f, cand_gfa);
    fputs("},\n  \"rules\": {", f);
    for (int r = 0; r < sc->n_rules; r++) {
        double max_gfa;
        long long bind[3];
        sl_zone_rule_totals(z, r, &max_gfa, bind);
        fputs(r ? ",\n    " : "\n    ", f);
        put_str(f, sc->rules[r].name);
        fputs(": {\"candidate_max_gfa_m2\": ", f);
        put_num(f, max_gfa);
        fprintf(f, ", \"binding\": {\"far\": %lld, \"height\": %lld, \"setback\": %lld}}", bind[0],
                bind[1], bind[2]);
    }
    fputs("\n  },\n  \"plan_rules\": ", f);
    put_str(f, sc->rules[sc->plan_rules].name);
    fputs(",\n  \"candidate_gain_m2\": ", f);
    put_num(f, gain);
    if (plan) {
        fputs(",\n  \"status\": ", f);
        put_str(f, sl_plan_status_name(plan->status));
        fputs(",\n  \"stop_reason\": ", f);
        if (sl_stop_reason_name(plan->stop_reason))
            put_str(f, sl_stop_reason_name(plan->stop_reason));
        else
            fputs("null", f);
        fputs(",\n  \"objective\": ", f);
        put_num(f, plan->objective);
        fputs(",\n  \"bound\": ", f);
        put_num(f, plan->bound);
        /* Nothing proven: bound and gap are null, never 0. */
        if (isfinite(plan->gap))
            fprintf(f, ",\n  \"gap\": %.6g", plan->gap);
        else
            fputs(",\n  \"gap\": null", f);
        fprintf(f, ",\n  \"solve_seconds\": %.3f", plan->solve_seconds);
        double total = 0;
        fputs(",\n  \"gfa_by_industry_m2\": {", f);
        for (int k = 0; k < plan->n_industries; k++) {
            fputs(k ? ", " : "", f);
            put_str(f, sc->industries[k].id);
            fputs(": ", f);
            put_num(f, plan->gfa_by_industry_m2[k]);
            total += plan->gfa_by_industry_m2[k];
        }
        fputs("},\n  \"gfa_m2\": ", f);
        put_num(f, total);
        fputs(",\n  \"conflicts\": [", f);
        for (int k = 0; k < plan->n_conflicts; k++) {
            fputs(k ? ", " : "", f);
            put_str(f, plan->conflicts[k]);
        }
        fputs("]", f);
    }
    fputs("\n}\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        return SL_ERR_IO;
    }
    return SL_OK;
}
