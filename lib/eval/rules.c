/* rules.c - candidacy, footprints and envelopes (docs/model.md §3-§4). */
#include "eval/rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/i18n.h"
#include "util/textbuf.h"
#include "util/numfmt.h"

int sl_floor_count(double x)
{
    if (!(x > 0))
        return 0;
    /* Scenario values are validated, not bounded: 1e-300 m storeys must
     * not overflow an int. */
    if (x > SL_MAX_FLOORS)
        return SL_MAX_FLOORS;
    return (int)floor(x + 1e-9);
}

void sl_footprints_compute(const sl_ruleset *r, double area_m2, double shrunk_area_m2,
                           sl_footprints *fp)
{
    fp->shrunk_area_m2 = shrunk_area_m2 > 0 ? shrunk_area_m2 : 0;
    fp->total_m2 = fmin(r->coverage_max * area_m2, fp->shrunk_area_m2);
    fp->office_m2 =
        fmin(r->office_footprint_share * fp->total_m2, r->office_land_share_max * area_m2);
    /* No pencil towers: an office floor plate below the minimum is no
     * office block at all. */
    if (fp->office_m2 < r->office_floor_plate_min_m2)
        fp->office_m2 = 0;
    fp->factory_m2 = fp->total_m2 - fp->office_m2;
    /* Relative slack so that T == coverage_min * area computed two ways
     * does not flip on the last bit. */
    fp->setback_ok = fp->total_m2 >= r->coverage_min * area_m2 * (1 - 1e-12);
    fp->floor_plate_ok = fp->factory_m2 > 0 && fp->factory_m2 >= r->factory_floor_plate_min_m2;
    /* A factory plate below the minimum is no factory block: nothing may
     * be built (readers that test factory_m2 > 0 see it too). */
    if (!fp->floor_plate_ok)
        fp->factory_m2 = 0;
}

bool sl_footprints_redevelopable(const sl_footprints *fp)
{
    return fp->setback_ok && fp->floor_plate_ok;
}

const char *sl_binding_name(sl_binding b)
{
    switch (b) {
    case SL_BIND_FAR: return "far";
    case SL_BIND_HEIGHT: return "height";
    case SL_BIND_SETBACK: return "setback";
    case SL_BIND_FLOOR_PLATE: return "floor_plate";
    }
    return "?";
}

void sl_envelope_compute(const sl_ruleset *r, double area_m2, const sl_footprints *fp,
                         sl_envelope *env)
{
    memset(env, 0, sizeof *env);
    if (r->factory_height_max_m >= r->ground_floor_height_min_m)
        env->factory_floors =
            1 + sl_floor_count((r->factory_height_max_m - r->ground_floor_height_min_m) /
                               r->standard_floor_height_m);
    env->office_floors =
        fp->office_m2 > 0 ? sl_floor_count(r->office_height_max_m / r->office_floor_height_m) : 0;
    env->factory_cap_m2 = env->factory_floors * fp->factory_m2;
    env->office_cap_m2 =
        fmin(env->office_floors * fp->office_m2, r->office_gfa_share_max * r->far_max * area_m2);
    /* docs/model.md §9.14: a parcel failing both tests is bound by the setback. */
    if (!fp->setback_ok || !fp->floor_plate_ok) {
        env->max_gfa_m2 = 0;
        env->binding = !fp->setback_ok ? SL_BIND_SETBACK : SL_BIND_FLOOR_PLATE;
        return;
    }
    double far_cap = r->far_max * area_m2;
    double built_cap = env->factory_cap_m2 + env->office_cap_m2;
    env->max_gfa_m2 = fmin(far_cap, built_cap);
    env->binding = far_cap <= built_cap ? SL_BIND_FAR : SL_BIND_HEIGHT;
}

/* "buf; more" with the language's separator ("; " or "；"). */
#define appendf(lang, buf, size, ...) sl_str_appendf(buf, size, sl_tr(lang, "; "), __VA_ARGS__)

const char *sl_reason_unknown_gfa_used(sl_lang lang)
{
    return sl_tr(lang, "current floor space unknown, taken as 0");
}

/* "FAR unknown: ..." naming the fields (docs/model.md §2). */
static void unknown_far(const sl_scenario *s, char *reason, size_t size)
{
    const char *g = s->fields.current_gfa, *f = s->fields.current_far;
    sl_lang L = s->lang;
    if (!g && !f)
        appendf(L, reason, size, "%s",
                sl_tr(L, "FAR unknown: parcels.fields maps neither current_gfa nor "
                         "current_far"));
    else if (g && f)
        appendf(L, reason, size,
                sl_tr(L, "FAR unknown: current_gfa (field %s) and current_far (field %s) "
                         "are null"),
                g, f);
    else if (g)
        appendf(L, reason, size, sl_tr(L, "FAR unknown: current_gfa (field %s) is null"), g);
    else
        appendf(L, reason, size, sl_tr(L, "FAR unknown: current_far (field %s) is null"), f);
}

bool sl_candidacy(const sl_scenario *s, const char *land_use, double area_m2, double current_far,
                  double tax_per_mu_cny, char *reason, size_t reason_size)
{
    if (reason_size == 0)
        return false;
    reason[0] = '\0';
    sl_lang L = s->lang;
    bool industrial = false;
    for (int i = 0; land_use && i < s->n_land_uses; i++)
        if (strcmp(land_use, s->industrial_land_uses[i]) == 0)
            industrial = true;
    if (!industrial) {
        snprintf(reason, reason_size, sl_tr(L, "land use '%s' is not industrial"),
                 land_use ? land_use : sl_tr(L, "(null)"));
        return false;
    }
    char a[64], b[64];
    if (area_m2 < s->min_area_m2) {
        sl_fmt_pair(area_m2, s->min_area_m2, 0, a, b, sizeof a);
        appendf(L, reason, reason_size, sl_tr(L, "area %s m2 below min_area_m2 %s"), a, b);
        return false;
    }
    /* Unknown floor space fails the FAR test (docs/model.md §2). */
    bool far_known = !isnan(current_far);
    bool low_far = far_known && current_far < s->far_below;
    bool tax_on = !isnan(s->tax_per_mu_below_cny);
    bool low_tax = tax_on && !isnan(tax_per_mu_cny) && tax_per_mu_cny < s->tax_per_mu_below_cny;
    if (low_far) {
        sl_fmt_pair(current_far, s->far_below, 2, a, b, sizeof a);
        appendf(L, reason, reason_size, sl_tr(L, "FAR %s below %s"), a, b);
    }
    if (!far_known && low_tax)
        unknown_far(s, reason, reason_size);
    if (low_tax) {
        sl_fmt_pair(tax_per_mu_cny, s->tax_per_mu_below_cny, 0, a, b, sizeof a);
        appendf(L, reason, reason_size, sl_tr(L, "tax %s CNY/mu below %s"), a, b);
    }
    if (!far_known && low_tax)
        appendf(L, reason, reason_size, "%s", sl_reason_unknown_gfa_used(L));
    if (low_far || low_tax)
        return true;
    if (far_known) {
        sl_fmt_pair(current_far, s->far_below, 2, a, b, sizeof a);
        appendf(L, reason, reason_size, sl_tr(L, "FAR %s not below %s"), a, b);
    } else {
        unknown_far(s, reason, reason_size);
    }
    if (tax_on) {
        if (isnan(tax_per_mu_cny)) {
            appendf(L, reason, reason_size, "%s", sl_tr(L, "tax per mu unknown"));
        } else {
            sl_fmt_pair(tax_per_mu_cny, s->tax_per_mu_below_cny, 0, a, b, sizeof a);
            appendf(L, reason, reason_size, sl_tr(L, "tax %s CNY/mu not below %s"), a, b);
        }
    }
    return false;
}
