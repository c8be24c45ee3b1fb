/* test_rules.c - lib/rules.c: candidacy, footprints and envelopes, with
 * every expected number worked out by hand in the comments. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "eval/fit.h"
#include "eval/rules.h"

static sl_ruleset after(void)
{
    sl_ruleset r;
    memset(&r, 0, sizeof r);
    sl_ruleset_init(&r); /* defaults = the after-reform values */
    return r;
}

Test(rules, floor_count_absorbs_noise)
{
    cr_assert_eq(sl_floor_count(1.9999999999), 2);
    cr_assert_eq(sl_floor_count(2.5), 2);
    cr_assert_eq(sl_floor_count(-1), 0);
    cr_assert_eq(sl_floor_count(NAN), 0);
}

/* 2 ha parcel, shrunk area 15,000 m², after-reform defaults:
 * T = min(0.60 * 20000, 15000) = 12000; F_o = min(0.15 * 12000, 0.07 * 20000)
 * = 1400; F_f = 10600.  n_f = 1 + ⌊(50 - 6) / 4.5⌋ = 10; n_o = ⌊60 / 4.2⌋ = 14;
 * factory cap 106000; office cap min(14 * 1400, 0.15 * 3 * 20000) = 9000;
 * FAR cap 60000 <= 115000: FAR binds, max 60000. */
Test(rules, after_reform_far_binds)
{
    sl_ruleset r = after();
    sl_footprints fp;
    sl_envelope e;
    sl_footprints_compute(&r, 20000, 15000, &fp);
    cr_assert_float_eq(fp.total_m2, 12000, 1e-9);
    cr_assert_float_eq(fp.office_m2, 1400, 1e-9);
    cr_assert_float_eq(fp.factory_m2, 10600, 1e-9);
    cr_assert(fp.setback_ok);
    sl_envelope_compute(&r, 20000, &fp, &e);
    cr_assert_eq(e.factory_floors, 10);
    cr_assert_eq(e.office_floors, 14);
    cr_assert_float_eq(e.factory_cap_m2, 106000, 1e-6);
    cr_assert_float_eq(e.office_cap_m2, 9000, 1e-6);
    cr_assert_float_eq(e.max_gfa_m2, 60000, 1e-6);
    cr_assert_eq(e.binding, SL_BIND_FAR);
    cr_assert_str_eq(sl_binding_name(e.binding), "far");
}

/* Before the reform: FAR 1.0, 24 m, 24 m.  n_f = 1 + ⌊18 / 4.5⌋ = 5 (exactly
 * 4.0: the floor must not lose a storey); n_o = ⌊24 / 4.2⌋ = 5;
 * office cap min(5 * 1400, 0.15 * 1 * 20000) = 3000; FAR cap 20000. */
Test(rules, before_reform)
{
    sl_ruleset r = after();
    r.far_max = 1.0;
    r.factory_height_max_m = 24;
    r.office_height_max_m = 24;
    sl_footprints fp;
    sl_envelope e;
    sl_footprints_compute(&r, 20000, 15000, &fp);
    sl_envelope_compute(&r, 20000, &fp, &e);
    cr_assert_eq(e.factory_floors, 5);
    cr_assert_eq(e.office_floors, 5);
    cr_assert_float_eq(e.office_cap_m2, 3000, 1e-6);
    cr_assert_float_eq(e.max_gfa_m2, 20000, 1e-6);
    cr_assert_eq(e.binding, SL_BIND_FAR);
}

/* Height binds: 12 m factory → 1 + ⌊6 / 4.5⌋ = 2 storeys = 21200 m²; 8.4 m
 * office → ⌊8.4 / 4.2⌋ = 2 storeys = 2800 m²; 24000 < FAR cap 60000. */
Test(rules, height_binds)
{
    sl_ruleset r = after();
    r.factory_height_max_m = 12;
    r.office_height_max_m = 8.4;
    sl_footprints fp;
    sl_envelope e;
    sl_footprints_compute(&r, 20000, 15000, &fp);
    sl_envelope_compute(&r, 20000, &fp, &e);
    cr_assert_eq(e.factory_floors, 2);
    cr_assert_eq(e.office_floors, 2);
    cr_assert_float_eq(e.max_gfa_m2, 24000, 1e-6);
    cr_assert_eq(e.binding, SL_BIND_HEIGHT);
}

/* Setback: shrunk 5000 < coverage_min 0.30 * 20000 = 6000 → no
 * redevelopment, max 0, binding setback. */
Test(rules, setback_blocks)
{
    sl_ruleset r = after();
    sl_footprints fp;
    sl_envelope e;
    sl_footprints_compute(&r, 20000, 5000, &fp);
    cr_assert_not(fp.setback_ok);
    sl_envelope_compute(&r, 20000, &fp, &e);
    cr_assert_float_eq(e.max_gfa_m2, 0, 1e-9);
    cr_assert_eq(e.binding, SL_BIND_SETBACK);
}

/* Floor plates (docs/model.md §4).  4000 m² parcel, shrunk 3000: T = min(0.60 * 4000,
 * 3000) = 2400; F_o = min(0.15 * 2400 = 360, 0.07 * 4000 = 280) = 280 < 300
 * = office_floor_plate_min_m2: no office block, F_o = 0, n_o = 0, and the
 * factory takes all of T: F_f = 2400 >= 500.  Factory cap 10 * 2400 =
 * 24000 >= FAR cap 12000: FAR binds.  With the office minimum at 0 the
 * 280 m² office stays. */
Test(rules, office_below_its_floor_plate_is_dropped)
{
    sl_ruleset r = after();
    sl_footprints fp;
    sl_envelope e;
    sl_footprints_compute(&r, 4000, 3000, &fp);
    cr_assert_float_eq(fp.total_m2, 2400, 1e-9);
    cr_assert_eq(fp.office_m2, 0);
    cr_assert_float_eq(fp.factory_m2, 2400, 1e-9);
    cr_assert(fp.setback_ok && fp.floor_plate_ok);
    cr_assert(sl_footprints_redevelopable(&fp));
    sl_envelope_compute(&r, 4000, &fp, &e);
    cr_assert_eq(e.office_floors, 0);
    cr_assert_eq(e.office_cap_m2, 0);
    cr_assert_float_eq(e.factory_cap_m2, 24000, 1e-6);
    cr_assert_float_eq(e.max_gfa_m2, 12000, 1e-6);
    cr_assert_eq(e.binding, SL_BIND_FAR);

    r.office_floor_plate_min_m2 = 0;
    sl_footprints_compute(&r, 4000, 3000, &fp);
    cr_assert_float_eq(fp.office_m2, 280, 1e-9);
    cr_assert_float_eq(fp.factory_m2, 2120, 1e-9);
    /* exactly at the minimum is enough */
    r.office_floor_plate_min_m2 = 280;
    sl_footprints_compute(&r, 4000, 3000, &fp);
    cr_assert_float_eq(fp.office_m2, 280, 1e-9);
}

/* 800 m² parcel, shrunk 600: T = min(480, 600) = 480 >= coverage_min 0.30 *
 * 800 = 240 (setback holds); F_o = min(72, 56) = 56 < 300: none; F_f = 480 <
 * 500 = factory_floor_plate_min_m2: the parcel cannot be redeveloped,
 * max 0, binding floor_plate, and factory_m2 reads 0 (no factory block).
 * The 2 ha parcel of after_reform_far_binds (F_f = 10600, F_o = 1400)
 * fails the same way under a minimum of 11000. */
Test(rules, factory_below_its_floor_plate_blocks)
{
    sl_ruleset r = after();
    sl_footprints fp;
    sl_envelope e;
    sl_footprints_compute(&r, 800, 600, &fp);
    cr_assert_float_eq(fp.total_m2 - fp.office_m2, 480, 1e-9); /* the plate it would have */
    cr_assert_eq(fp.factory_m2, 0, "no factory block");
    cr_assert_eq(fp.office_m2, 0);
    cr_assert(fp.setback_ok);
    cr_assert_not(fp.floor_plate_ok);
    cr_assert_not(sl_footprints_redevelopable(&fp));
    sl_envelope_compute(&r, 800, &fp, &e);
    cr_assert_eq(e.max_gfa_m2, 0);
    cr_assert_eq(e.binding, SL_BIND_FLOOR_PLATE);
    cr_assert_str_eq(sl_binding_name(e.binding), "floor_plate");

    r.factory_floor_plate_min_m2 = 11000;
    sl_footprints_compute(&r, 20000, 15000, &fp);
    cr_assert_float_eq(fp.office_m2, 1400, 1e-9);
    cr_assert_eq(fp.factory_m2, 0);
    cr_assert_not(fp.floor_plate_ok);
    sl_envelope_compute(&r, 20000, &fp, &e);
    cr_assert_eq(e.max_gfa_m2, 0);
    cr_assert_eq(e.binding, SL_BIND_FLOOR_PLATE);
    r.factory_floor_plate_min_m2 = 10600; /* exactly at the minimum */
    sl_footprints_compute(&r, 20000, 15000, &fp);
    cr_assert(fp.floor_plate_ok);
    cr_assert_float_eq(fp.factory_m2, 10600, 1e-9);
}

/* 800 m² parcel, shrunk 200: T = 200 < 240 (setback fails) and F_f = 200 <
 * 500 (floor plate fails): the setback is reported (docs/model.md §9.14). */
Test(rules, setback_wins_over_floor_plate)
{
    sl_ruleset r = after();
    sl_footprints fp;
    sl_envelope e;
    sl_footprints_compute(&r, 800, 200, &fp);
    cr_assert_not(fp.setback_ok);
    cr_assert_not(fp.floor_plate_ok);
    sl_envelope_compute(&r, 800, &fp, &e);
    cr_assert_eq(e.max_gfa_m2, 0);
    cr_assert_eq(e.binding, SL_BIND_SETBACK);
}

/* No factory storey fits under a cap below the ground-floor minimum; no
 * office block when its footprint share is 0. */
Test(rules, zero_floors)
{
    sl_ruleset r = after();
    r.factory_height_max_m = 5;
    r.office_footprint_share = 0;
    sl_footprints fp;
    sl_envelope e;
    sl_footprints_compute(&r, 20000, 15000, &fp);
    cr_assert_float_eq(fp.office_m2, 0, 1e-12);
    cr_assert_float_eq(fp.factory_m2, 12000, 1e-9);
    sl_envelope_compute(&r, 20000, &fp, &e);
    cr_assert_eq(e.factory_floors, 0);
    cr_assert_eq(e.office_floors, 0);
    cr_assert_float_eq(e.max_gfa_m2, 0, 1e-9);
    cr_assert_eq(e.binding, SL_BIND_HEIGHT);
}

static sl_scenario cand_scenario(void)
{
    static char *uses[] = {"M1", "100101"};
    sl_scenario s;
    memset(&s, 0, sizeof s);
    s.n_land_uses = 2;
    s.industrial_land_uses = uses;
    s.far_below = 1.0;
    s.tax_per_mu_below_cny = 150000;
    s.min_area_m2 = 3000;
    return s;
}

Test(rules, candidacy_reasons)
{
    sl_scenario s = cand_scenario();
    char why[256];
    cr_assert_not(sl_candidacy(&s, "R2", 10000, 0.5, 1000, why, sizeof why));
    cr_assert_str_eq(why, "land use 'R2' is not industrial");
    cr_assert_not(sl_candidacy(&s, "M1", 2000, 0.5, 1000, why, sizeof why));
    cr_assert_str_eq(why, "area 2000 m2 below min_area_m2 3000");
    cr_assert(sl_candidacy(&s, "M1", 10000, 0.5, 200000, why, sizeof why));
    cr_assert_str_eq(why, "FAR 0.50 below 1.00");
    cr_assert(sl_candidacy(&s, "100101", 10000, 1.2, 90000, why, sizeof why));
    cr_assert_str_eq(why, "tax 90000 CNY/mu below 150000");
    cr_assert(sl_candidacy(&s, "M1", 10000, 0.4, 90000, why, sizeof why));
    cr_assert_str_eq(why, "FAR 0.40 below 1.00; tax 90000 CNY/mu below 150000");
    cr_assert_not(sl_candidacy(&s, "M1", 10000, 1.2, 200000, why, sizeof why));
    cr_assert_str_eq(why, "FAR 1.20 not below 1.00; tax 200000 CNY/mu not below 150000");
    cr_assert_not(sl_candidacy(&s, "M1", 10000, 1.2, NAN, why, sizeof why));
    cr_assert_str_eq(why, "FAR 1.20 not below 1.00; tax per mu unknown");
    s.tax_per_mu_below_cny = NAN; /* criterion off */
    cr_assert_not(sl_candidacy(&s, "M1", 10000, 1.2, 1000, why, sizeof why));
    cr_assert_str_eq(why, "FAR 1.20 not below 1.00");
}

/* Numbers that differ never read the same (issue 11 item 9): 0.9999 is not
 * "1.00 below 1.00", 2999.6 m2 not "3000 below 3000". */
Test(rules, candidacy_rounds_honestly)
{
    sl_scenario s = cand_scenario();
    char why[256];
    cr_assert(sl_candidacy(&s, "M1", 10000, 0.9999, 200000, why, sizeof why));
    cr_assert_str_eq(why, "FAR 0.9999 below 1.00");
    cr_assert_not(sl_candidacy(&s, "M1", 10000, 1.00004, 200000, why, sizeof why));
    cr_assert_str_eq(why, "FAR 1.00004 not below 1.00; tax 200000 CNY/mu not below 150000");
    cr_assert_not(sl_candidacy(&s, "M1", 10000, 1.0, 200000, why, sizeof why));
    cr_assert_str_eq(why, "FAR 1.00 not below 1.00; tax 200000 CNY/mu not below 150000");
    cr_assert(sl_candidacy(&s, "M1", 10000, 1.2, 149999.6, why, sizeof why));
    cr_assert_str_eq(why, "tax 149999.6 CNY/mu below 150000");
    cr_assert_not(sl_candidacy(&s, "M1", 2999.6, 0.5, 1000, why, sizeof why));
    cr_assert_str_eq(why, "area 2999.6 m2 below min_area_m2 3000");
}

/* Unknown current floor space fails the FAR test and names the fields
 * (docs/model.md §2); the tax test may still decide, and then 0 is used. */
Test(rules, candidacy_unknown_far)
{
    sl_scenario s = cand_scenario();
    char why[256];
    cr_assert_not(sl_candidacy(&s, "M1", 10000, NAN, 200000, why, sizeof why));
    cr_assert_str_eq(why, "FAR unknown: parcels.fields maps neither current_gfa nor current_far; "
                          "tax 200000 CNY/mu not below 150000");
    s.fields.current_gfa = "JZMJ";
    s.fields.current_far = "RJL";
    cr_assert_not(sl_candidacy(&s, "M1", 10000, NAN, NAN, why, sizeof why));
    cr_assert_str_eq(why, "FAR unknown: current_gfa (field JZMJ) and current_far (field RJL) are "
                          "null; tax per mu unknown");
    s.fields.current_far = NULL;
    cr_assert(sl_candidacy(&s, "M1", 10000, NAN, 90000, why, sizeof why));
    cr_assert_str_eq(why, "FAR unknown: current_gfa (field JZMJ) is null; tax 90000 CNY/mu below "
                          "150000; current floor space unknown, taken as 0");
}

/* lib/eval/fit.c: an office storey of 59 m fits only an office block
 * (office_height_max_m 60 above factory_height_max_m 50); a production
 * storey of 46 m fits level 1 (ground floor 6 m minimum, cap 50), a
 * vibration source only levels up to vibration_source_max_floor. */
Test(rules, industry_fits_a_storey)
{
    sl_industry ind[2];
    memset(ind, 0, sizeof ind);
    ind[0] = (sl_industry){.id = "hq",
                           .kind = SL_KIND_OFFICE,
                           .floor_height_m = 59,
                           .floor_load_kN_m2 = 3,
                           .fire_class = 'E'};
    ind[1] = (sl_industry){.id = "press",
                           .kind = SL_KIND_PRODUCTION,
                           .floor_height_m = 46,
                           .floor_load_kN_m2 = 24,
                           .lift_t = 20,
                           .vibration = SL_VIB_SOURCE,
                           .fire_class = 'C'};
    sl_scenario s;
    memset(&s, 0, sizeof s);
    s.industries = ind;
    s.n_industries = 2;
    sl_ruleset r = after();
    char why[600];
    cr_assert(sl_industry_fits(&s, &r, "rules.after", true, 0, why, sizeof why));
    cr_assert_str_eq(why, "");
    cr_assert_not(sl_industry_fits(&s, &r, "rules.after", false, 0, why, sizeof why));
    cr_assert_str_eq(why, "storey height 59 m above rules.after.factory_height_max_m 50 m");
    cr_assert(sl_industry_fits(&s, &r, "rules.after", false, 1, why, sizeof why));
    r.floor_load_max_kN_m2[0] = 20; /* [20, 15, 12, 8]: 24 nowhere */
    cr_assert_not(sl_industry_fits(&s, &r, "rules.after", true, 1, why, sizeof why));
    cr_assert_str_eq(why, "floor load 24 kN/m² above every storey's limit "
                          "(rules.after.floor_load_max_kN_m2 [20, 15, 12, 8]: at most 20 kN/m²)");
}
