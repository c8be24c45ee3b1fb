/* test_scenario.c - lib/scenario.c: defaults, a full scenario, path
 * resolution, pins, every error message (exact text), hostile input. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "input/scenario.h"
#include "support.h"

/* ---- helpers -------------------------------------------------------- */

static sl_scenario *parse_ok(const char *path, const char *yaml)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse(path, yaml, strlen(yaml), &err);
    for (int i = 0; i < err.n; i++)
        cr_log_error("unexpected: %s", err.msgs[i]);
    cr_assert_not_null(s, "%s should parse", path);
    cr_assert_eq(err.n, 0);
    sl_error_clear(&err);
    return s;
}

static sl_scenario *load_ok(const char *path)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_load(path, &err);
    for (int i = 0; i < err.n; i++)
        cr_log_error("unexpected: %s", err.msgs[i]);
    cr_assert_not_null(s, "%s should load", path);
    sl_error_clear(&err);
    return s;
}

/* The messages of a scenario that must fail, in order, NULL-terminated. */
static void expect_errors_in(sl_scenario *s, sl_error *err, sl_status code, const char *const *want)
{
    int n = 0;
    while (want[n])
        n++;
    cr_assert_null(s);
    for (int i = 0; i < err->n; i++)
        cr_log_info("got: %s", err->msgs[i]);
    cr_assert_eq(err->code, code, "code %d, want %d", err->code, code);
    cr_assert_eq(err->n, n, "%d messages, want %d", err->n, n);
    for (int i = 0; i < n; i++)
        cr_assert_str_eq(err->msgs[i], want[i]);
}

#define EXPECT_PARSE(yaml, ...)                                                   \
    do {                                                                          \
        const char *want_[] = {__VA_ARGS__, NULL};                                \
        sl_error err_;                                                            \
        sl_error_init(&err_);                                                     \
        sl_scenario *s_ = sl_scenario_parse("t.yaml", yaml, strlen(yaml), &err_); \
        expect_errors_in(s_, &err_, SL_ERR_SCENARIO, want_);                      \
        sl_error_clear(&err_);                                                    \
    } while (0)

/* A valid head that error tests append their section to. */
#define HEAD    "parcels: {source: p.shp, fields: {id: ID, land_use: LU}}\n"
#define IND(id) "  - {id: " id ", kind: production, floor_height_m: 5, floor_load_kN_m2: 8}\n"

/* ---- defaults ------------------------------------------------------- */

Test(scenario, defaults_of_every_key)
{
    sl_scenario *s = load_ok("scenarios/minimal.yaml");
    cr_assert_str_eq(s->path, "scenarios/minimal.yaml");
    cr_assert_str_eq(s->dir, "scenarios");
    cr_assert_str_eq(s->name, "minimal");
    cr_assert_str_eq(s->source, "scenarios/parcels.gpkg");
    cr_assert_null(s->layer);
    cr_assert_null(s->crs);
    cr_assert_null(s->encoding);
    cr_assert_str_eq(s->fields.id, "DKBH");
    cr_assert_str_eq(s->fields.land_use, "YDDM");
    cr_assert_null(s->fields.current_far);
    cr_assert_null(s->fields.current_gfa);
    cr_assert_null(s->fields.current_height);
    cr_assert_null(s->fields.tax);
    cr_assert_eq(s->n_land_uses, 0);

    cr_assert_eq(s->far_below, 1.0);
    cr_assert(isnan(s->tax_per_mu_below_cny), "tax criterion off");
    cr_assert_eq(s->min_area_m2, 0);

    cr_assert_eq(s->n_rules, 1);
    cr_assert_str_eq(s->rules[0].name, "default");
    const sl_ruleset *r = &s->rules[0];
    cr_assert_eq(r->far_max, 3.0);
    cr_assert_eq(r->far_min, 0.0);
    cr_assert_eq(r->factory_height_max_m, 50);
    cr_assert_eq(r->office_height_max_m, 60);
    cr_assert_eq(r->coverage_min, 0.30);
    cr_assert_eq(r->coverage_max, 0.60);
    cr_assert_eq(r->setback_m, 5);
    cr_assert_eq(r->office_footprint_share, 0.15);
    cr_assert_eq(r->office_land_share_max, 0.07);
    cr_assert_eq(r->office_gfa_share_max, 0.15);
    cr_assert_eq(r->ground_floor_height_min_m, 6.0);
    cr_assert_eq(r->standard_floor_height_m, 4.5);
    cr_assert_eq(r->office_floor_height_m, 4.2);
    cr_assert_eq(r->tall_storey_m, 8.0);
    cr_assert_eq(r->n_floor_loads, 4);
    cr_assert_eq(r->floor_load_max_kN_m2[0], 25);
    cr_assert_eq(r->floor_load_max_kN_m2[1], 15);
    cr_assert_eq(r->floor_load_max_kN_m2[2], 12);
    cr_assert_eq(r->floor_load_max_kN_m2[3], 8);
    cr_assert_eq(r->freight_lift_t, 3);
    cr_assert_eq(r->ramp_floor, 1);
    cr_assert_eq(r->freight_trips_per_day_max, 200);
    cr_assert_eq(r->vibration_source_max_floor, 1);
    cr_assert_eq(r->factory_floor_plate_min_m2, 500);
    cr_assert_eq(r->office_floor_plate_min_m2, 300);

    cr_assert_eq(s->n_industries, 0);
    cr_assert_eq(s->n_links, 0);
    cr_assert_eq(s->n_pins, 0);
    cr_assert_eq(s->plan_rules, 0);
    cr_assert_eq(s->gap, 0.001);
    cr_assert_eq(s->time_limit_s, 60);
    cr_assert_eq(s->existing_value, 1.0);
    cr_assert_eq(s->same_building_bonus_m2, 2000);
    cr_assert_eq(s->adjacent_floor_bonus_m2, 1000);
    cr_assert_eq(s->neighbour_chain_bonus_m2, 3000);
    cr_assert_eq(s->neighbour_distance_m, 30);
    cr_assert_eq(s->chains_per_building_max, 1);
    cr_assert_eq(s->n_exclude, 0);
    cr_assert_null(s->exclude);
    sl_scenario_destroy(s);
}

Test(scenario, rule_key_table_matches_ruleset_init)
{
    static const char *const names[] = {"far_max",
                                        "far_min",
                                        "factory_height_max_m",
                                        "office_height_max_m",
                                        "coverage_min",
                                        "coverage_max",
                                        "setback_m",
                                        "office_footprint_share",
                                        "office_land_share_max",
                                        "office_gfa_share_max",
                                        "ground_floor_height_min_m",
                                        "standard_floor_height_m",
                                        "office_floor_height_m",
                                        "tall_storey_m",
                                        "floor_load_max_kN_m2",
                                        "freight_lift_t",
                                        "ramp_floor",
                                        "freight_trips_per_day_max",
                                        "vibration_source_max_floor",
                                        "factory_floor_plate_min_m2",
                                        "office_floor_plate_min_m2"};
    cr_assert_eq(sl_n_rule_keys, (int)(sizeof names / sizeof names[0]));
    sl_ruleset r;
    memset(&r, 0, sizeof r);
    sl_ruleset_init(&r);
    for (int i = 0; i < sl_n_rule_keys; i++) {
        const sl_rule_key *k = &sl_rule_keys[i];
        cr_assert_str_eq(k->name, names[i]);
        if (k->type == SL_RULE_DOUBLE)
            cr_assert_eq(*(double *)((char *)&r + k->offset), k->default_value, "%s", k->name);
        else if (k->type == SL_RULE_INT)
            cr_assert_eq(*(int *)((char *)&r + k->offset), (int)k->default_value, "%s", k->name);
    }
    cr_assert_null(r.name);
}

Test(scenario, industry_defaults)
{
    sl_scenario *s = parse_ok("t.yaml", HEAD "industries:\n"
                                             "  - {id: x, kind: rnd, floor_height_m: 4.5, "
                                             "floor_load_kN_m2: 5}\n");
    cr_assert_eq(s->n_industries, 1);
    const sl_industry *d = &s->industries[0];
    cr_assert_str_eq(d->id, "x");
    cr_assert_str_eq(d->name, "x");
    cr_assert_str_eq(d->chain, "");
    cr_assert_eq(d->kind, SL_KIND_RND);
    cr_assert_eq(d->floor_height_m, 4.5);
    cr_assert_eq(d->floor_load_kN_m2, 5);
    cr_assert_eq(d->lift_t, 0);
    cr_assert_eq(d->vibration, SL_VIB_NONE);
    cr_assert_eq(d->fire_class, 'D');
    cr_assert_eq(d->trips_per_1000m2_day, 0);
    cr_assert_eq(d->priority, 1.0);
    cr_assert_eq(d->demand_min_m2, 0);
    cr_assert(isinf(d->demand_max_m2) && d->demand_max_m2 > 0);
    cr_assert_not(d->shared);
    cr_assert(d->contiguous);
    cr_assert(isnan(d->rent_cny_m2_month), "rent not given");
    cr_assert(isnan(d->tax_cny_m2_year), "tax not given");
    cr_assert_eq(d->line, 3);
    cr_assert_eq(d->col, 5);
    sl_scenario_destroy(s);
}

Test(scenario, link_and_pin_defaults)
{
    sl_scenario *s = parse_ok("t.yaml", HEAD "industries:\n" IND("a")
                                            IND("b") "chain_links: [{from: a, to: b}]\n"
                                                     "pins: [{parcel: P1, industry: b}]\n");
    cr_assert_eq(s->n_links, 1);
    cr_assert_eq(s->links[0].from, 0);
    cr_assert_eq(s->links[0].to, 1);
    cr_assert_eq(s->links[0].weight, 1.0);
    cr_assert_eq(s->n_pins, 1);
    cr_assert_str_eq(s->pins[0].parcel, "P1");
    cr_assert_eq(s->pins[0].industry, 1);
    cr_assert_eq(s->pins[0].min_gfa_m2, 0);
    cr_assert_eq(s->pins[0].floors, 0);
    cr_assert_eq(s->pins[0].rules.mask, 0);
    cr_assert_eq(s->pins[0].start_year, 0, "free");
    cr_assert_eq(s->pins[0].line, 6);
    cr_assert_eq(s->pins[0].col, 8);
    sl_scenario_destroy(s);
}

/* The keys of model version 2 (docs/model.md): floor plates, rents and taxes, pin start
 * years, plan.exclude and the neighbour keys, as written. */
Test(scenario, v2_keys)
{
    sl_scenario *s = parse_ok(
        "t.yaml", HEAD "rules: {after: {factory_floor_plate_min_m2: 800, "
                       "office_floor_plate_min_m2: 0}}\n"
                       "industries:\n"
                       "  - {id: a, kind: production, floor_height_m: 5, floor_load_kN_m2: 8,\n"
                       "     rent_cny_m2_month: 18.5, tax_cny_m2_year: 0}\n" IND(
                           "b") "pins:\n"
                                "  - {parcel: P1, industry: a, start_year: 2028,\n"
                                "     rules: {factory_floor_plate_min_m2: 1200}}\n"
                                "plan:\n"
                                "  neighbour_distance_m: 0\n"
                                "  exclude: [B3-1, 0412, \"7\"]\n"
                                "  objective: {neighbour_chain_bonus_m2: 4500.5}\n");
    cr_assert_eq(s->rules[0].factory_floor_plate_min_m2, 800);
    cr_assert_eq(s->rules[0].office_floor_plate_min_m2, 0);
    cr_assert_eq(s->industries[0].rent_cny_m2_month, 18.5);
    cr_assert_eq(s->industries[0].tax_cny_m2_year, 0);
    cr_assert(isnan(s->industries[1].rent_cny_m2_month));
    cr_assert_eq(s->pins[0].start_year, 2028);
    /* a pin overrides a floor plate like any rule key */
    sl_ruleset eff;
    sl_ruleset_apply(&s->rules[0], &s->pins[0].rules, &eff);
    cr_assert_eq(eff.factory_floor_plate_min_m2, 1200);
    cr_assert_eq(eff.office_floor_plate_min_m2, 0);
    cr_assert_eq(s->neighbour_distance_m, 0);
    cr_assert_eq(s->neighbour_chain_bonus_m2, 4500.5);
    cr_assert_eq(s->n_exclude, 3);
    cr_assert_str_eq(s->exclude[0], "B3-1");
    cr_assert_str_eq(s->exclude[1], "0412", "ids that look like numbers stay text");
    cr_assert_str_eq(s->exclude[2], "7");
    cr_assert_eq(s->exclude_line[1], 12);
    cr_assert_eq(s->exclude_col[1], 19);
    sl_scenario_destroy(s);
    s = parse_ok("t.yaml", HEAD "plan: {exclude: []}\n");
    cr_assert_eq(s->n_exclude, 0);
    sl_scenario_destroy(s);
}

/* Scenarios built in memory get the parser's defaults. */
Test(scenario, init_functions_match_the_parser)
{
    sl_scenario *s = parse_ok("t.yaml", HEAD "industries:\n" IND("a") "pins: [{parcel: P, "
                                                                      "industry: a}]\n");
    sl_scenario d;
    sl_scenario_init(&d);
    cr_assert_eq(d.far_below, s->far_below);
    cr_assert(isnan(d.tax_per_mu_below_cny));
    cr_assert_eq(d.min_area_m2, s->min_area_m2);
    cr_assert_eq(d.gap, s->gap);
    cr_assert_eq(d.time_limit_s, s->time_limit_s);
    cr_assert_eq(d.existing_value, s->existing_value);
    cr_assert_eq(d.same_building_bonus_m2, s->same_building_bonus_m2);
    cr_assert_eq(d.adjacent_floor_bonus_m2, s->adjacent_floor_bonus_m2);
    cr_assert_eq(d.neighbour_chain_bonus_m2, s->neighbour_chain_bonus_m2);
    cr_assert_eq(d.neighbour_distance_m, s->neighbour_distance_m);
    cr_assert_eq(d.chains_per_building_max, s->chains_per_building_max);
    cr_assert_eq(d.n_rules, 0);
    cr_assert_null(d.rules);
    cr_assert_eq(d.n_exclude, 0);

    sl_industry i;
    sl_industry_init(&i);
    const sl_industry *p = &s->industries[0];
    cr_assert_eq(i.kind, SL_KIND_PRODUCTION);
    cr_assert_eq(i.vibration, p->vibration);
    cr_assert_eq(i.fire_class, p->fire_class);
    cr_assert_eq(i.lift_t, p->lift_t);
    cr_assert_eq(i.priority, p->priority);
    cr_assert_eq(i.demand_min_m2, p->demand_min_m2);
    cr_assert(isinf(i.demand_max_m2));
    cr_assert_eq(i.shared, p->shared);
    cr_assert_eq(i.contiguous, p->contiguous);
    cr_assert(isnan(i.rent_cny_m2_month) && isnan(i.tax_cny_m2_year));
    cr_assert_null(i.id);

    sl_pin q;
    sl_pin_init(&q);
    cr_assert_eq(q.industry, -1);
    cr_assert_eq(q.min_gfa_m2, s->pins[0].min_gfa_m2);
    cr_assert_eq(q.floors, s->pins[0].floors);
    cr_assert_eq(q.start_year, s->pins[0].start_year);
    cr_assert_eq(q.rules.mask, 0);
    cr_assert_eq(q.rules.values.far_max, 3.0);
    cr_assert_null(q.parcel);
    sl_scenario_destroy(s);
}

/* The public "did you mean" (plan.exclude's unknown parcels use it): the
 * parser's rule, and a budget that many lookups share. */
Test(scenario, did_you_mean)
{
    const char *ids[] = {"B3-1", NULL, "B7-2", "C10"};
    cr_assert_str_eq(sl_did_you_mean("B3-l", ids, 4, NULL), "B3-1");
    cr_assert_str_eq(sl_did_you_mean("b7-2", ids, 4, NULL), "B7-2");
    cr_assert_null(sl_did_you_mean("ZZZZZZ", ids, 4, NULL));
    cr_assert_null(sl_did_you_mean(NULL, ids, 4, NULL));
    long budget = SL_DID_YOU_MEAN_BUDGET;
    cr_assert_str_eq(sl_did_you_mean("C1O", ids, 4, &budget), "C10");
    cr_assert(budget < SL_DID_YOU_MEAN_BUDGET && budget > 0);
    budget = 0;
    cr_assert_null(sl_did_you_mean("B3-l", ids, 4, &budget), "budget spent: no comparison");
}

Test(scenario, null_values_take_the_default)
{
    sl_scenario *s =
        parse_ok("t.yaml", HEAD "name:\n"
                                "candidacy: {far_below: ~, tax_per_mu_below_cny: null}\n"
                                "rules: {after: {far_max: , setback_m: 2}}\n"
                                "industries:\n"
                                "  - {id: a, kind: office, floor_height_m: 4, "
                                "floor_load_kN_m2: 3, demand_m2: {max: null}}\n"
                                "plan: {rules: ~}\n");
    cr_assert_str_eq(s->name, "t");
    cr_assert_eq(s->far_below, 1.0);
    cr_assert(isnan(s->tax_per_mu_below_cny));
    cr_assert_eq(s->rules[0].far_max, 3.0);
    cr_assert_eq(s->rules[0].setback_m, 2);
    cr_assert(isinf(s->industries[0].demand_max_m2));
    cr_assert_eq(s->plan_rules, 0);
    sl_scenario_destroy(s);
}

/* ---- a full scenario ------------------------------------------------ */

Test(scenario, full_scenario_values)
{
    sl_scenario *s = load_ok("scenarios/full.yaml");
    cr_assert_str_eq(s->name, "shahe-gonggai");
    cr_assert_str_eq(s->source, "scenarios/../geodata/shahe/parcels.shp");
    cr_assert_str_eq(s->layer, "parcels");
    cr_assert_str_eq(s->crs, "EPSG:4547");
    cr_assert_str_eq(s->encoding, "GBK");
    cr_assert_str_eq(s->fields.id, "DKBH");
    cr_assert_str_eq(s->fields.land_use, "YDDM");
    cr_assert_str_eq(s->fields.current_far, "RJL");
    cr_assert_str_eq(s->fields.current_gfa, "JZMJ");
    cr_assert_str_eq(s->fields.current_height, "JZGD");
    cr_assert_str_eq(s->fields.tax, "NSE");
    cr_assert_eq(s->n_land_uses, 3);
    cr_assert_str_eq(s->industrial_land_uses[0], "M1");
    cr_assert_str_eq(s->industrial_land_uses[1], "M2");
    cr_assert_str_eq(s->industrial_land_uses[2], "100101");

    cr_assert_eq(s->far_below, 1.0);
    cr_assert_eq(s->tax_per_mu_below_cny, 150000);
    cr_assert_eq(s->min_area_m2, 3000);

    cr_assert_eq(s->n_rules, 2);
    cr_assert_str_eq(s->rules[0].name, "before");
    cr_assert_str_eq(s->rules[1].name, "after");
    cr_assert_eq(s->rules[0].far_max, 1.0);
    cr_assert_eq(s->rules[0].factory_height_max_m, 24);
    cr_assert_eq(s->rules[0].office_height_max_m, 24);
    cr_assert_eq(s->rules[0].coverage_max, 0.60, "unset keys keep their default");
    cr_assert_eq(s->rules[1].far_max, 3.0);
    cr_assert_eq(s->rules[1].factory_height_max_m, 50);
    cr_assert_eq(s->rules[1].office_height_max_m, 60);
    cr_assert_eq(sl_scenario_ruleset(s, "after"), 1);
    cr_assert_eq(sl_scenario_ruleset(s, "none"), -1);
    cr_assert_eq(s->plan_rules, 1);

    cr_assert_eq(s->n_industries, 5);
    const sl_industry *md = &s->industries[0];
    cr_assert_str_eq(md->id, "med-device");
    cr_assert_str_eq(md->name, "医疗器械生产");
    cr_assert_str_eq(md->chain, "医药健康");
    cr_assert_eq(md->kind, SL_KIND_PRODUCTION);
    cr_assert_eq(md->floor_height_m, 5.4);
    cr_assert_eq(md->floor_load_kN_m2, 10);
    cr_assert_eq(md->lift_t, 2);
    cr_assert_eq(md->vibration, SL_VIB_NONE);
    cr_assert_eq(md->fire_class, 'C');
    cr_assert_eq(md->trips_per_1000m2_day, 4);
    cr_assert_eq(md->priority, 1.3);
    cr_assert_eq(md->demand_min_m2, 0);
    cr_assert_eq(md->demand_max_m2, 60000);
    const sl_industry *rnd = &s->industries[1];
    cr_assert_eq(rnd->kind, SL_KIND_RND);
    cr_assert_eq(rnd->vibration, SL_VIB_SENSITIVE);
    cr_assert_eq(rnd->fire_class, 'C', "丙 = C");
    cr_assert_eq(rnd->demand_min_m2, 5000);
    cr_assert(isinf(rnd->demand_max_m2));
    const sl_industry *pcb = &s->industries[2];
    cr_assert_str_eq(pcb->name, "印制电路板");
    cr_assert_eq(pcb->vibration, SL_VIB_SOURCE);
    cr_assert_eq(pcb->fire_class, 'B', "乙 = B");
    cr_assert_eq(pcb->lift_t, 5);
    cr_assert_eq(pcb->trips_per_1000m2_day, 8);
    cr_assert_eq(pcb->line, 23);
    cr_assert_eq(pcb->col, 5);
    cr_assert_eq(s->industries[3].kind, SL_KIND_OFFICE);
    cr_assert_eq(s->industries[4].kind, SL_KIND_WAREHOUSE);
    cr_assert_eq(s->industries[4].fire_class, 'E', "lower-case e");
    cr_assert_str_eq(s->industries[4].name, "cold-store");
    cr_assert_eq(sl_scenario_industry(s, "pcb"), 2);
    cr_assert_eq(sl_scenario_industry(s, "nope"), -1);

    cr_assert_eq(s->n_links, 3);
    cr_assert_eq(s->links[0].from, 1);
    cr_assert_eq(s->links[0].to, 0);
    cr_assert_eq(s->links[0].weight, 1.0);
    cr_assert_eq(s->links[1].from, 2);
    cr_assert_eq(s->links[1].to, 3);
    cr_assert_eq(s->links[1].weight, 0.5);
    cr_assert_eq(s->links[2].weight, 1.0);

    cr_assert_eq(s->n_pins, 3);
    cr_assert_str_eq(s->pins[0].parcel, "B7-2");
    cr_assert_eq(s->pins[0].industry, 0);
    cr_assert_eq(s->pins[0].min_gfa_m2, 20000);
    cr_assert_eq(s->pins[0].floors, 7);
    cr_assert_str_eq(s->pins[2].parcel, "0412", "quoted ids stay text");

    cr_assert_eq(s->gap, 0.001);
    cr_assert_eq(s->time_limit_s, 60);
    cr_assert_eq(s->existing_value, 1.0);
    cr_assert_eq(s->same_building_bonus_m2, 2000);
    cr_assert_eq(s->adjacent_floor_bonus_m2, 1000);
    sl_scenario_destroy(s);
}

Test(scenario, names_of_kinds_and_vibrations)
{
    cr_assert_str_eq(sl_kind_name(SL_KIND_PRODUCTION), "production");
    cr_assert_str_eq(sl_kind_name(SL_KIND_RND), "rnd");
    cr_assert_str_eq(sl_kind_name(SL_KIND_OFFICE), "office");
    cr_assert_str_eq(sl_kind_name(SL_KIND_WAREHOUSE), "warehouse");
    cr_assert_str_eq(sl_vibration_name(SL_VIB_NONE), "none");
    cr_assert_str_eq(sl_vibration_name(SL_VIB_SOURCE), "source");
    cr_assert_str_eq(sl_vibration_name(SL_VIB_SENSITIVE), "sensitive");
}

Test(scenario, anchors_merge_keys_and_x_keys)
{
    sl_scenario *s = load_ok("scenarios/anchors.yaml");
    cr_assert_str_eq(s->source, "PG:dbname=zone");
    cr_assert_eq(s->n_rules, 2);
    const sl_ruleset *b = &s->rules[0], *a = &s->rules[1];
    cr_assert_eq(b->far_max, 1.0, "written keys win over merged ones");
    cr_assert_eq(b->setback_m, 6);
    cr_assert_eq(b->coverage_min, 0.35);
    cr_assert_eq(a->far_max, 3.0);
    cr_assert_eq(a->factory_height_max_m, 50);
    cr_assert_eq(a->setback_m, 6, "merged through two levels");
    cr_assert_eq(s->plan_rules, 1, "default: the last rule set");
    sl_scenario_destroy(s);
}

/* ---- rule sets ------------------------------------------------------ */

Test(scenario, load_at_repeats_the_last_value)
{
    sl_ruleset r;
    memset(&r, 0, sizeof r);
    sl_ruleset_init(&r);
    cr_assert_eq(sl_ruleset_load_at(&r, 1), 25);
    cr_assert_eq(sl_ruleset_load_at(&r, 2), 15);
    cr_assert_eq(sl_ruleset_load_at(&r, 3), 12);
    cr_assert_eq(sl_ruleset_load_at(&r, 4), 8);
    cr_assert_eq(sl_ruleset_load_at(&r, 5), 8);
    cr_assert_eq(sl_ruleset_load_at(&r, 40), 8);
    r.n_floor_loads = 1;
    r.floor_load_max_kN_m2[0] = 10;
    cr_assert_eq(sl_ruleset_load_at(&r, 9), 10);
}

Test(scenario, single_number_load_cap)
{
    sl_scenario *s = parse_ok("t.yaml", HEAD "rules: {r: {floor_load_max_kN_m2: 10}}\n");
    cr_assert_eq(s->rules[0].n_floor_loads, 1);
    cr_assert_eq(sl_ruleset_load_at(&s->rules[0], 7), 10);
    sl_scenario_destroy(s);
}

Test(scenario, ruleset_apply)
{
    sl_ruleset base, out;
    memset(&base, 0, sizeof base);
    sl_ruleset_init(&base);
    base.name = "after";
    sl_rule_override o;
    memset(&o, 0, sizeof o);
    sl_ruleset_init(&o.values);
    o.values.far_max = 4.0;
    o.values.ramp_floor = 2;
    o.values.setback_m = 99; /* not in the mask: ignored */
    o.values.n_floor_loads = 2;
    o.values.floor_load_max_kN_m2[0] = 30;
    o.values.floor_load_max_kN_m2[1] = 20;
    for (int i = 0; i < sl_n_rule_keys; i++) {
        const char *n = sl_rule_keys[i].name;
        if (!strcmp(n, "far_max") || !strcmp(n, "ramp_floor") || !strcmp(n, "floor_load_max_kN_m2"))
            o.mask |= 1ULL << i;
    }
    sl_ruleset_apply(&base, &o, &out);
    cr_assert_str_eq(out.name, "after");
    cr_assert_eq(out.far_max, 4.0);
    cr_assert_eq(out.ramp_floor, 2);
    cr_assert_eq(out.setback_m, 5);
    cr_assert_eq(out.n_floor_loads, 2);
    cr_assert_eq(sl_ruleset_load_at(&out, 3), 20);
    cr_assert_eq(out.factory_height_max_m, 50);

    sl_ruleset_apply(&base, NULL, &out);
    cr_assert_eq(out.far_max, 3.0);
    o.mask = 0;
    sl_ruleset_apply(&base, &o, &out);
    cr_assert_eq(memcmp(&out, &base, sizeof out), 0);
}

/* ---- pins ----------------------------------------------------------- */

static int rule_bit(const char *name)
{
    for (int i = 0; i < sl_n_rule_keys; i++)
        if (!strcmp(sl_rule_keys[i].name, name))
            return i;
    return -1;
}

Test(scenario, pin_rule_overrides)
{
    sl_scenario *s = load_ok("scenarios/full.yaml");
    /* pins[1] gives rules for B7-2; pins[0] gives floors: every pin of the
     * parcel carries both. */
    for (int k = 0; k < 2; k++) {
        const sl_pin *p = &s->pins[k];
        cr_assert_eq(p->floors, 7, "pin %d", k);
        cr_assert_eq(p->rules.mask,
                     (1ULL << rule_bit("far_max")) | (1ULL << rule_bit("floor_load_max_kN_m2")));
        cr_assert_eq(p->rules.values.far_max, 3.5);
        cr_assert_eq(p->rules.values.n_floor_loads, 2);
        cr_assert_eq(p->rules.values.floor_load_max_kN_m2[0], 30);
        cr_assert_eq(p->rules.values.floor_load_max_kN_m2[1], 20);
    }
    const sl_pin *q = &s->pins[2];
    cr_assert_eq(q->floors, 0);
    cr_assert_eq(q->rules.mask, 1ULL << rule_bit("ramp_floor"));
    cr_assert_eq(q->rules.values.ramp_floor, 2);

    sl_ruleset eff;
    sl_ruleset_apply(&s->rules[s->plan_rules], &s->pins[0].rules, &eff);
    cr_assert_eq(eff.far_max, 3.5);
    cr_assert_eq(eff.factory_height_max_m, 50);
    cr_assert_eq(sl_ruleset_load_at(&eff, 5), 20);
    sl_ruleset_apply(&s->rules[s->plan_rules], &q->rules, &eff);
    cr_assert_eq(eff.ramp_floor, 2);
    cr_assert_eq(eff.far_max, 3.0);
    sl_scenario_destroy(s);
}

Test(scenario, pins_of_one_parcel_must_agree)
{
    EXPECT_PARSE(
        HEAD "industries:\n" IND("a") IND("b") IND(
            "c") "pins:\n"
                 "  - {parcel: P, industry: a, floors: 7, rules: {far_max: 3.5}}\n"
                 "  - {parcel: P, industry: b, floors: 6, rules: {far_max: 3.2, setback_m: 2}}\n"
                 "  - {parcel: P, industry: a}\n"
                 "  - {parcel: Q, industry: a, floors: 6}\n",
        "t.yaml:8:38: pins[1].floors: conflicts with pins[0] on the same parcel 'P'",
        "t.yaml:8:58: pins[1].rules.far_max: conflicts with pins[0] on the same parcel 'P'",
        "t.yaml:9:5: pins[2]: duplicate pin of industry 'a' on parcel 'P' (first at 7:5)");
}

Test(scenario, pin_override_checked_against_plan_rules)
{
    EXPECT_PARSE(HEAD
                 "industries:\n" IND("a") "rules: {before: {far_max: 1.0}, after: {far_max: 3.0}}\n"
                                          "plan: {rules: before}\n"
                                          "pins:\n"
                                          "  - {parcel: P, industry: a, rules: {far_min: 2}}\n"
                                          "  - {parcel: Q, industry: a, rules: {coverage_min: 1.2, "
                                          "ramp_floor: 0, fa_max: 1}}\n",
                 "t.yaml:7:47: pins[0].rules: far_max (1) is less than far_min (2)",
                 "t.yaml:8:52: pins[1].rules.coverage_min must be between 0 and 1 (got 1.2)",
                 "t.yaml:8:69: pins[1].rules.ramp_floor must be >= 1 (got 0)",
                 "t.yaml:8:72: unknown key 'fa_max' in pins[1].rules; did you mean 'far_max'?");
}

/* ---- path resolution ------------------------------------------------ */

Test(scenario, source_paths)
{
    static const struct {
        const char *scenario, *source, *resolved, *dir;
    } cases[] = {
        {"scenarios/a.yaml", "parcels.shp", "scenarios/parcels.shp", "scenarios"},
        {"scenarios/a.yaml", "../geodata/p.gpkg", "scenarios/../geodata/p.gpkg", "scenarios"},
        {"/srv/zone/a.yaml", "data/p.fgb", "/srv/zone/data/p.fgb", "/srv/zone"},
        {"/a.yaml", "p.shp", "/p.shp", "/"},
        {"a.yaml", "p.shp", "p.shp", "."},
        {"scenarios/a.yaml", "/data/p.shp", "/data/p.shp", "scenarios"},
        {"scenarios/a.yaml", "PG:dbname=gis tables=parcels", "PG:dbname=gis tables=parcels",
         "scenarios"},
        {"scenarios/a.yaml", "/vsizip/zone.zip/p.shp", "/vsizip/zone.zip/p.shp", "scenarios"},
        {"scenarios/a.yaml", "GPKG:zone.gpkg:parcels", "GPKG:zone.gpkg:parcels", "scenarios"},
        {"scenarios/a.yaml", "https://example.org/p.geojson", "https://example.org/p.geojson",
         "scenarios"},
        {"scenarios/a.yaml", "X:p.shp", "scenarios/X:p.shp", "scenarios"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml, "parcels: {source: '%s', fields: {id: ID, land_use: LU}}\n",
                 cases[i].source);
        sl_scenario *s = parse_ok(cases[i].scenario, yaml);
        cr_assert_str_eq(s->source, cases[i].resolved, "case %zu", i);
        cr_assert_str_eq(s->dir, cases[i].dir, "case %zu", i);
        cr_assert_str_eq(s->path, cases[i].scenario);
        sl_scenario_destroy(s);
    }
}

Test(scenario, load_from_a_temporary_directory)
{
    char *dir = t_tmpdir();
    char *path =
        t_write(dir, "zone.yml", "parcels:\n  source: p.shp\n  fields: {id: ID, land_use: LU}\n");
    sl_scenario *s = load_ok(path);
    char want[4200];
    snprintf(want, sizeof want, "%s/p.shp", dir);
    cr_assert_str_eq(s->source, want);
    cr_assert_str_eq(s->dir, dir);
    cr_assert_str_eq(s->name, "zone");
    sl_scenario_destroy(s);
    t_rmtree(dir);
    free(path);
    free(dir);
}

/* ---- every error class, exact text ---------------------------------- */

Test(errors, unknown_key_with_and_without_suggestion)
{
    EXPECT_PARSE(HEAD "candidacy: {foo: 1}\n", "t.yaml:2:13: unknown key 'foo' in candidacy");
    EXPECT_PARSE(HEAD "industries:\n" IND("a") IND("b") "  - {id: c, kind: rnd, flor_height_m: 5, "
                                                        "floor_height_m: 5, floor_load_kN_m2: 3}\n",
                 "t.yaml:5:24: unknown key 'flor_height_m' in industries[2]; "
                 "did you mean 'floor_height_m'?");
    EXPECT_PARSE(HEAD "nmae: x\n",
                 "t.yaml:2:1: unknown key 'nmae' in scenario; did you mean 'name'?");
    EXPECT_PARSE("parcels: {source: p, fields: {id: ID, landuse: LU}}\n",
                 "t.yaml:1:30: parcels.fields: missing required key 'land_use'",
                 "t.yaml:1:39: unknown key 'landuse' in parcels.fields; did you mean 'land_use'?");
    EXPECT_PARSE(HEAD "rules: {after: {far_maks: 2}}\n",
                 "t.yaml:2:17: unknown key 'far_maks' in rules.after; did you mean 'far_max'?");
    EXPECT_PARSE(HEAD "industries:\n" IND("a")
                     IND("b") "chain_links: [{from: a, to: b, wieght: 2}]\n",
                 "t.yaml:5:32: unknown key 'wieght' in chain_links[0]; did you mean 'weight'?");
    EXPECT_PARSE(HEAD "plan: {objective: {same_building_bonus: 1}}\n",
                 "t.yaml:2:20: unknown key 'same_building_bonus' in plan.objective; "
                 "did you mean 'same_building_bonus_m2'?");
    EXPECT_PARSE(HEAD "plan: {x: 1}\n", "t.yaml:2:8: unknown key 'x' in plan");
}

Test(errors, wrong_types)
{
    EXPECT_PARSE(HEAD "rules: {after: {far_max: abc}}\n",
                 "t.yaml:2:26: rules.after.far_max: expected a number, got 'abc'");
    EXPECT_PARSE(HEAD "industries: {id: a}\n", "t.yaml:2:13: industries: expected a list");
    EXPECT_PARSE("parcels: [a, b]\n", "t.yaml:1:10: parcels: expected a mapping");
    EXPECT_PARSE(HEAD "industries:\n" IND("a") "pins: [{parcel: P, industry: a, floors: 2.5}]\n",
                 "t.yaml:4:41: pins[0].floors: expected an integer, got '2.5'");
    EXPECT_PARSE(HEAD "rules: {after: {ramp_floor: 1.5, far_max: [1]}}\n",
                 "t.yaml:2:29: rules.after.ramp_floor: expected an integer, got '1.5'",
                 "t.yaml:2:43: rules.after.far_max: expected a number, got a list");
    EXPECT_PARSE(HEAD "name: {a: 1}\n", "t.yaml:2:7: name: expected a string, got a mapping");
    EXPECT_PARSE(HEAD "candidacy: 3\n", "t.yaml:2:12: candidacy: expected a mapping");
    EXPECT_PARSE(HEAD "rules: {after: 3}\n", "t.yaml:2:16: rules.after: expected a mapping");
    EXPECT_PARSE("parcels: {source: p, fields: {id: ID, land_use: LU}, "
                 "industrial_land_uses: M1}\n",
                 "t.yaml:1:76: parcels.industrial_land_uses: expected a list");
    EXPECT_PARSE("parcels: {source: p, fields: {id: ID, land_use: LU}, "
                 "industrial_land_uses: [M1, [M2]]}\n",
                 "t.yaml:1:81: parcels.industrial_land_uses[1]: expected a string, got a list");
    EXPECT_PARSE(HEAD "rules: {after: {floor_load_max_kN_m2: []}}\n",
                 "t.yaml:2:39: rules.after.floor_load_max_kN_m2: expected 1 to 16 numbers, got 0");
    EXPECT_PARSE(HEAD "rules: {after: {floor_load_max_kN_m2: "
                      "[9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9]}}\n",
                 "t.yaml:2:39: rules.after.floor_load_max_kN_m2: expected 1 to 16 numbers, got 17");
    EXPECT_PARSE(HEAD "plan: {rules: [after]}\n",
                 "t.yaml:2:15: plan.rules: expected a string, got a list");
    EXPECT_PARSE(HEAD "industries: [a]\n", "t.yaml:2:14: industries[0]: expected a mapping");
    EXPECT_PARSE(HEAD "rules: {after: {far_max: '3.0x'}}\n",
                 "t.yaml:2:26: rules.after.far_max: expected a number, got '3.0x'");
    EXPECT_PARSE(HEAD "rules: {after: {far_max: ' 3'}}\n",
                 "t.yaml:2:26: rules.after.far_max: expected a number, got ' 3'");
}

Test(errors, numbers_that_are_not_finite)
{
    EXPECT_PARSE(HEAD "rules: {after: {far_max: .nan, far_min: -.inf, setback_m: .Inf}}\n",
                 "t.yaml:2:26: rules.after.far_max: expected a finite number, got '.nan'",
                 "t.yaml:2:41: rules.after.far_min: expected a finite number, got '-.inf'",
                 "t.yaml:2:59: rules.after.setback_m: expected a finite number, got '.Inf'");
    EXPECT_PARSE(
        HEAD "candidacy: {far_below: 0x10, min_area_m2: nan, tax_per_mu_below_cny: 1e999}\n",
        "t.yaml:2:24: candidacy.far_below: expected a finite number, got '0x10'",
        "t.yaml:2:43: candidacy.min_area_m2: expected a finite number, got 'nan'",
        "t.yaml:2:70: candidacy.tax_per_mu_below_cny: expected a finite number, got '1e999'");
}

Test(errors, ranges)
{
    EXPECT_PARSE(HEAD "rules: {after: {factory_height_max_m: -5}}\n",
                 "t.yaml:2:39: rules.after.factory_height_max_m must be > 0 (got -5)");
    EXPECT_PARSE(HEAD "rules: {after: {coverage_max: 1.5}}\n",
                 "t.yaml:2:31: rules.after.coverage_max must be between 0 and 1 (got 1.5)");
    EXPECT_PARSE(HEAD "rules: {after: {setback_m: -1, vibration_source_max_floor: -1}}\n",
                 "t.yaml:2:28: rules.after.setback_m must be >= 0 (got -1)",
                 "t.yaml:2:60: rules.after.vibration_source_max_floor must be >= 0 (got -1)");
    EXPECT_PARSE(HEAD "rules: {after: {floor_load_max_kN_m2: [25, 0, 12]}}\n",
                 "t.yaml:2:44: rules.after.floor_load_max_kN_m2[1] must be > 0 (got 0)");
    EXPECT_PARSE(HEAD
                 "industries:\n"
                 "  - {id: a, kind: rnd, floor_height_m: 0, floor_load_kN_m2: 3, priority: 0,\n"
                 "     lift_t: -1, demand_m2: {min: -1}}\n",
                 "t.yaml:3:40: industries[0].floor_height_m must be > 0 (got 0)",
                 "t.yaml:3:74: industries[0].priority must be > 0 (got 0)",
                 "t.yaml:4:14: industries[0].lift_t must be >= 0 (got -1)",
                 "t.yaml:4:35: industries[0].demand_m2.min must be >= 0 (got -1)");
    EXPECT_PARSE(HEAD "industries:\n" IND("a")
                     IND("b") "chain_links: [{from: a, to: b, weight: 0}]\n"
                              "pins: [{parcel: P, industry: a, floors: 0, min_gfa_m2: -1}]\n"
                              "plan: {time_limit_s: 0, gap: -0.1}\n",
                 "t.yaml:5:40: chain_links[0].weight must be > 0 (got 0)",
                 "t.yaml:6:41: pins[0].floors must be >= 1 (got 0)",
                 "t.yaml:6:56: pins[0].min_gfa_m2 must be >= 0 (got -1)",
                 "t.yaml:7:22: plan.time_limit_s must be > 0 (got 0)",
                 "t.yaml:7:30: plan.gap must be between 0 and 1 (got -0.1)");
    /* a gap is a share, as plan --gap says: 5 would be 500 % */
    EXPECT_PARSE(HEAD "industries:\n" IND("a") "plan: {gap: 5}\n",
                 "t.yaml:4:13: plan.gap must be between 0 and 1 (got 5); did you mean 0.05?");
    EXPECT_PARSE(HEAD "industries:\n" IND("a") "plan: {gap: 0.5%}\n",
                 "t.yaml:4:13: plan.gap: expected a number, got '0.5%'; did you mean 0.005?");
}

Test(errors, v2_keys)
{
    EXPECT_PARSE(HEAD "rules: {after: {factory_floor_plate_min_m2: -1, "
                      "office_floor_plate_min_m2: x}}\n",
                 "t.yaml:2:45: rules.after.factory_floor_plate_min_m2 must be >= 0 (got -1)",
                 "t.yaml:2:76: rules.after.office_floor_plate_min_m2: expected a number, got 'x'");
    EXPECT_PARSE(
        HEAD "industries:\n" IND(
            "a") "pins: [{parcel: P, industry: a, rules: {office_floor_plate_min_m2: -3}}]\n",
        "t.yaml:4:68: pins[0].rules.office_floor_plate_min_m2 must be >= 0 (got -3)");
    EXPECT_PARSE(HEAD "industries:\n"
                      "  - {id: a, kind: rnd, floor_height_m: 4, floor_load_kN_m2: 3,\n"
                      "     rent_cny_m2_month: -2, tax_cny_m2_year: .inf}\n",
                 "t.yaml:4:25: industries[0].rent_cny_m2_month must be >= 0 (got -2)",
                 "t.yaml:4:46: industries[0].tax_cny_m2_year: expected a finite number, "
                 "got '.inf'");
    EXPECT_PARSE(HEAD
                 "industries:\n" IND("a") "pins: [{parcel: P, industry: a, start_year: 2027.5},\n"
                                          "       {parcel: Q, industry: a, start_year: 0}]\n",
                 "t.yaml:4:45: pins[0].start_year: expected an integer, got '2027.5'",
                 "t.yaml:5:45: pins[1].start_year must be between 1 and 9999 (got 0)");
    EXPECT_PARSE(HEAD "plan: {neighbour_distance_m: -30, objective: {neighbour_chain_bonus_m2: "
                      "-1}}\n",
                 "t.yaml:2:30: plan.neighbour_distance_m must be >= 0 (got -30)",
                 "t.yaml:2:73: plan.objective.neighbour_chain_bonus_m2 must be >= 0 (got -1)");
    EXPECT_PARSE(HEAD "plan: {neighbour_distanse_m: 10}\n",
                 "t.yaml:2:8: unknown key 'neighbour_distanse_m' in plan; "
                 "did you mean 'neighbour_distance_m'?");
    EXPECT_PARSE(HEAD "plan: {exclude: B3-1}\n",
                 "t.yaml:2:17: plan.exclude: expected a list of parcel ids, got 'B3-1'");
    EXPECT_PARSE(HEAD "plan: {exclude: [B3-1, [B4], ~, '']}\n",
                 "t.yaml:2:24: plan.exclude[1]: expected a parcel id, got a list",
                 "t.yaml:2:30: plan.exclude[2]: expected a parcel id, got '~'",
                 "t.yaml:2:33: plan.exclude[3]: expected a parcel id, got ''");
    /* a parcel cannot be both pinned and kept */
    EXPECT_PARSE(HEAD "industries:\n" IND("a") "pins:\n"
                                               "  - {parcel: B7-2, industry: a}\n"
                                               "plan: {exclude: [B3-1, B7-2]}\n",
                 "t.yaml:6:24: plan.exclude[1]: parcel 'B7-2' is also pinned (pin at 5:5); a pin "
                 "redevelops its parcel, plan.exclude keeps it as it is");
}

Test(errors, bounds_between_keys)
{
    EXPECT_PARSE(HEAD "rules: {after: {far_max: 0.5, far_min: 1.2}}\n",
                 "t.yaml:2:26: rules.after: far_max (0.5) is less than far_min (1.2)");
    EXPECT_PARSE(HEAD "rules: {after: {coverage_min: 0.7}}\n",
                 "t.yaml:2:31: rules.after: coverage_max (0.6) is less than coverage_min (0.7)");
    EXPECT_PARSE(HEAD "industries:\n"
                      "  - {id: a, kind: rnd, floor_height_m: 4, floor_load_kN_m2: 3,\n"
                      "     demand_m2: {min: 20000, max: 10000}}\n",
                 "t.yaml:4:35: industries[0].demand_m2: max (10000) is less than min (20000)");
}

Test(errors, duplicate_industry_id)
{
    EXPECT_PARSE(HEAD "industries:\n" IND("med-device") IND("a") IND("b") IND("med-device"),
                 "t.yaml:6:10: industries[3]: duplicate industry id 'med-device' (first at 3:10)");
}

Test(errors, unknown_industry)
{
    EXPECT_PARSE(
        HEAD "industries:\n" IND("med-device")
            IND("med-rnd") "chain_links:\n"
                           "  - {from: med-rnd, to: med-devce}\n"
                           "  - {from: pcb, to: med-rnd}\n"
                           "pins:\n"
                           "  - {parcel: B7-2, industry: med-rdn}\n",
        "t.yaml:6:25: chain_links[0].to: unknown industry 'med-devce'; "
        "did you mean 'med-device'?",
        "t.yaml:7:12: chain_links[1].from: unknown industry 'pcb'",
        "t.yaml:9:30: pins[0].industry: unknown industry 'med-rdn'; did you mean 'med-rnd'?");
}

Test(errors, unknown_rule_set)
{
    EXPECT_PARSE(HEAD "rules: {before: {}, after: {}}\nplan: {rules: afterr}\n",
                 "t.yaml:3:15: plan.rules: no rule set named 'afterr'; did you mean 'after'?");
    EXPECT_PARSE(
        HEAD "rules: {before: {}, after: {}}\nplan: {rules: reform-2025}\n",
        "t.yaml:3:15: plan.rules: no rule set named 'reform-2025' (rule sets: before, after)");
    EXPECT_PARSE(HEAD "plan: {rules: after}\n",
                 "t.yaml:2:15: plan.rules: no rule set named 'after' (rule sets: default)");
}

Test(errors, missing_required_keys)
{
    EXPECT_PARSE("parcels:\n  fields: {id: ID, land_use: LU}\n",
                 "t.yaml:2:3: parcels: missing required key 'source'");
    EXPECT_PARSE(HEAD
                 "industries:\n" IND("a") "  - {id: b, floor_height_m: 4, floor_load_kN_m2: 3}\n",
                 "t.yaml:4:5: industries[1]: missing required key 'kind'");
    EXPECT_PARSE("name: x\n", "t.yaml:1:1: scenario: missing required key 'parcels'");
    EXPECT_PARSE("", "t.yaml:1:1: scenario: missing required key 'parcels'");
    EXPECT_PARSE("parcels: {source: p}\n", "t.yaml:1:10: parcels: missing required key 'fields'");
    EXPECT_PARSE("parcels:\n", "t.yaml:1:9: parcels: missing required key 'source'",
                 "t.yaml:1:9: parcels: missing required key 'fields'");
    EXPECT_PARSE(HEAD "industries:\n  - {kind: rnd, floor_height_m: 4}\n",
                 "t.yaml:3:5: industries[0]: missing required key 'id'",
                 "t.yaml:3:5: industries[0]: missing required key 'floor_load_kN_m2'");
    EXPECT_PARSE(HEAD "industries:\n" IND("a") "chain_links: [{from: a}]\npins: [{parcel: P}]\n",
                 "t.yaml:4:15: chain_links[0]: missing required key 'to'",
                 "t.yaml:5:8: pins[0]: missing required key 'industry'");
}

Test(errors, required_key_without_value)
{
    EXPECT_PARSE("parcels: {source: '', fields: {id: ~, land_use: LU}}\n",
                 "t.yaml:1:11: parcels.source: a value is required",
                 "t.yaml:1:32: parcels.fields.id: a value is required");
}

Test(errors, enumerations)
{
    EXPECT_PARSE(HEAD "industries:\n"
                      "  - {id: a, kind: factory, floor_height_m: 4, floor_load_kN_m2: 3}\n",
                 "t.yaml:3:19: industries[0].kind: 'factory' is not one of production, rnd, "
                 "office, warehouse");
    EXPECT_PARSE(
        HEAD "industries:\n"
             "  - {id: a, kind: prodution, floor_height_m: 4, floor_load_kN_m2: 3,\n"
             "     vibration: loud, fire_class: F}\n",
        "t.yaml:3:19: industries[0].kind: 'prodution' is not one of production, rnd, "
        "office, warehouse; did you mean 'production'?",
        "t.yaml:4:17: industries[0].vibration: 'loud' is not one of source, sensitive, none",
        "t.yaml:4:35: industries[0].fire_class: 'F' is not one of A, B, C, D, E, "
        "甲, 乙, 丙, 丁, 戊");
    EXPECT_PARSE(HEAD "industries:\n"
                      "  - {id: a, kind: [rnd], floor_height_m: 4, floor_load_kN_m2: 3}\n",
                 "t.yaml:3:19: industries[0].kind: expected one of production, rnd, office, "
                 "warehouse, got a list");
}

Test(errors, duplicate_mapping_key)
{
    EXPECT_PARSE(HEAD "rules:\n  after:\n    far_max: 2\n    far_max: 2.5\n",
                 "t.yaml:5:5: duplicate key 'far_max' in rules.after");
    EXPECT_PARSE(HEAD "parcels: {source: q}\n", "t.yaml:2:1: duplicate key 'parcels' in scenario");
    EXPECT_PARSE(HEAD "rules: {a: {}, a: {}}\n", "t.yaml:2:16: duplicate key 'a' in rules");
}

Test(errors, merge_key_needs_mappings)
{
    EXPECT_PARSE(HEAD "rules: {after: {<<: 3}}\n",
                 "t.yaml:2:21: rules.after.<<: expected a mapping or a list of mappings");
}

Test(errors, yaml_syntax)
{
    EXPECT_PARSE("name: x\nparcels:\n  source: a: b\n",
                 "t.yaml:3:12: YAML syntax error: mapping values are not allowed in this context");
    EXPECT_PARSE("parcels: {source: p\n",
                 "t.yaml:2:1: YAML syntax error: did not find expected ',' or '}'");
    EXPECT_PARSE("a: 1\n---\nb: 2\n", "t.yaml:2:1: only one YAML document is allowed");
    EXPECT_PARSE("a: *nothing\n", "t.yaml:1:4: undefined alias 'nothing'");
    EXPECT_PARSE("a: &x [1, *x]\n", "t.yaml:1:11: alias 'x' refers to a node that contains it");
    EXPECT_PARSE("- a\n", "t.yaml:1:1: scenario: expected a mapping");
}

Test(errors, not_utf8)
{
    const char gbk[] = "name: \xb9\xa4\xd2\xb5\n"; /* 工业 in GBK */
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse("t.yaml", gbk, strlen(gbk), &err);
    const char *want[] = {"t.yaml:1:7: YAML encoding error: invalid leading UTF-8 octet "
                          "(save the scenario as UTF-8)",
                          NULL};
    expect_errors_in(s, &err, SL_ERR_SCENARIO, want);
    sl_error_clear(&err);
}

Test(errors, unreadable_file)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_load("scenarios/no-such-file.yaml", &err);
    const char *want[] = {"scenarios/no-such-file.yaml: cannot read: No such file or directory",
                          NULL};
    expect_errors_in(s, &err, SL_ERR_SOURCE, want);
    sl_error_clear(&err);

    sl_error_init(&err);
    s = sl_scenario_load("scenarios", &err);
    const char *want_dir[] = {"scenarios: cannot read: Is a directory", NULL};
    expect_errors_in(s, &err, SL_ERR_SOURCE, want_dir);
    sl_error_clear(&err);
}

Test(errors, every_error_of_a_file_in_reading_order)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_load("scenarios/errors.yaml", &err);
    const char *want[] = {
        "scenarios/errors.yaml:3:3: parcels: missing required key 'source'",
        "scenarios/errors.yaml:4:24: candidacy.far_below: expected a number, got 'abc'",
        "scenarios/errors.yaml:4:29: unknown key 'foo' in candidacy",
        "scenarios/errors.yaml:6:48: rules.before.factory_height_max_m must be > 0 (got -5)",
        "scenarios/errors.yaml:7:20: rules.after: far_max (0.5) is less than far_min (1.2)",
        "scenarios/errors.yaml:7:53: rules.after.coverage_max must be between 0 and 1 (got 1.5)",
        "scenarios/errors.yaml:10:5: industries[1]: missing required key 'kind'",
        "scenarios/errors.yaml:11:21: industries[2].kind: 'factory' is not one of production, "
        "rnd, office, warehouse",
        "scenarios/errors.yaml:11:30: unknown key 'flor_height_m' in industries[2]; did you "
        "mean 'floor_height_m'?",
        "scenarios/errors.yaml:12:10: industries[3]: duplicate industry id 'med-device' (first "
        "at 9:10)",
        "scenarios/errors.yaml:14:25: chain_links[0].to: unknown industry 'med-devce'; did you "
        "mean 'med-device'?",
        "scenarios/errors.yaml:16:43: pins[0].floors: expected an integer, got '2.5'",
        "scenarios/errors.yaml:18:10: plan.rules: no rule set named 'afterr'; did you mean "
        "'after'?",
        NULL};
    expect_errors_in(s, &err, SL_ERR_SCENARIO, want);
    sl_error_clear(&err);
}

Test(errors, at_most_one_hundred_shown)
{
    size_t cap = 200 * 16 + 256, len = 0;
    char *yaml = malloc(cap);
    len += (size_t)snprintf(yaml + len, cap - len, "%scandidacy:\n", HEAD);
    for (int i = 0; i < 150; i++)
        len += (size_t)snprintf(yaml + len, cap - len, "  k%03d: 1\n", i);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse("t.yaml", yaml, len, &err);
    cr_assert_null(s);
    cr_assert_eq(err.n, 101);
    cr_assert_str_eq(err.msgs[0], "t.yaml:3:3: unknown key 'k000' in candidacy");
    cr_assert_str_eq(err.msgs[99], "t.yaml:102:3: unknown key 'k099' in candidacy");
    cr_assert_str_eq(err.msgs[100], "t.yaml: 50 more errors not shown");
    sl_error_clear(&err);
    free(yaml);
}

/* ---- hostile input -------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

Test(hostile, alias_bomb, .timeout = 10)
{
    /* "Billion laughs": 9^9 strings if expanded. */
    char yaml[2048];
    size_t len =
        (size_t)snprintf(yaml, sizeof yaml, "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
    for (char c = 'b'; c <= 'i'; c++)
        len += (size_t)snprintf(yaml + len, sizeof yaml - len,
                                "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c, c - 1,
                                c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse("t.yaml", yaml, len, &err);
    const char *want[] = {"t.yaml:6:8: too many alias expansions (more than 100000 nodes)", NULL};
    expect_errors_in(s, &err, SL_ERR_SCENARIO, want);
    cr_assert_lt(seconds_since(&t0), 1.0);
    sl_error_clear(&err);
}

Test(hostile, alias_bomb_inside_the_schema, .timeout = 10)
{
    /* Aliases where the checker walks: rule sets made of rule sets. */
    const char *yaml = HEAD "rules:\n"
                            "  a: &a {far_max: 1, setback_m: 2, coverage_min: 0.1}\n"
                            "  b: &b {<<: [*a, *a, *a, *a, *a, *a, *a, *a]}\n"
                            "  c: &c {<<: [*b, *b, *b, *b, *b, *b, *b, *b]}\n"
                            "  d: &d {<<: [*c, *c, *c, *c, *c, *c, *c, *c]}\n"
                            "  e: &e {<<: [*d, *d, *d, *d, *d, *d, *d, *d]}\n"
                            "  f: &f {<<: [*e, *e, *e, *e, *e, *e, *e, *e]}\n"
                            "  g: &g {<<: [*f, *f, *f, *f, *f, *f, *f, *f]}\n";
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse("t.yaml", yaml, strlen(yaml), &err);
    cr_assert_null(s);
    cr_assert_eq(err.n, 1);
    cr_assert_eq(strncmp(err.msgs[0], "t.yaml:8:", 9), 0, "%s", err.msgs[0]);
    cr_assert(strstr(err.msgs[0], ": too many alias expansions (more than 100000 nodes)"));
    cr_assert_lt(seconds_since(&t0), 1.0);
    sl_error_clear(&err);
}

Test(hostile, deep_nesting, .timeout = 10)
{
    size_t depth = 1000000;
    char *yaml = malloc(2 * depth + 16);
    memcpy(yaml, "name: ", 6);
    memset(yaml + 6, '[', depth);
    memset(yaml + 6 + depth, ']', depth);
    size_t len = 6 + 2 * depth;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse("t.yaml", yaml, len, &err);
    const char *want[] = {"t.yaml:1:70: nesting deeper than 64 levels", NULL};
    expect_errors_in(s, &err, SL_ERR_SCENARIO, want);
    cr_assert_lt(seconds_since(&t0), 1.0);
    sl_error_clear(&err);
    free(yaml);

    /* 64 levels are fine (as YAML; the value is then the wrong type). */
    char ok[256];
    snprintf(ok, sizeof ok, "%sname: %.63s%.63s\n", HEAD,
             "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
             "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
    EXPECT_PARSE(ok, "t.yaml:2:7: name: expected a string, got a list");
}

/* Long pin and exclude lists are checked against each other in n log n:
 * 60000 of each parse at once, and the one parcel in both is named. */
Test(hostile, long_pin_and_exclude_lists, .timeout = 20)
{
    enum { N = 60000 };
    size_t cap = (size_t)N * 64 + 1024, len = 0;
    char *yaml = malloc(cap);
    len += (size_t)snprintf(yaml + len, cap - len, "%sindustries:\n%spins:\n", HEAD, IND("a"));
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(yaml + len, cap - len, "  - {parcel: P%d, industry: a}\n", i);
    len += (size_t)snprintf(yaml + len, cap - len, "plan:\n  exclude:\n");
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(yaml + len, cap - len, "    - X%d\n", i);
    len += (size_t)snprintf(yaml + len, cap - len, "    - P%d\n", N / 2);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse("t.yaml", yaml, len, &err);
    char want0[256];
    snprintf(want0, sizeof want0,
             "t.yaml:%d:7: plan.exclude[%d]: parcel 'P%d' is also pinned (pin at %d:5); a pin "
             "redevelops its parcel, plan.exclude keeps it as it is",
             2 + 2 + 1 + N + 2 + N, N, N / 2, 2 + 2 + 1 + N / 2);
    const char *want[] = {want0, NULL};
    expect_errors_in(s, &err, SL_ERR_SCENARIO, want);
    sl_error_clear(&err);
    free(yaml);
}

Test(hostile, long_scalar, .timeout = 10)
{
    size_t n = (1u << 20) + 1;
    char *yaml = malloc(n + 16);
    memcpy(yaml, "name: ", 6);
    memset(yaml + 6, 'x', n);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse("t.yaml", yaml, 6 + n, &err);
    const char *want[] = {"t.yaml:1:7: value longer than 1 MiB", NULL};
    expect_errors_in(s, &err, SL_ERR_SCENARIO, want);
    sl_error_clear(&err);
    free(yaml);
}

Test(hostile, long_values_are_clipped_in_messages)
{
    char yaml[512];
    snprintf(yaml, sizeof yaml, "%scandidacy: {far_below: %070d}\n", HEAD, 7);
    char *p = strstr(yaml, "{far_below: ") + 12;
    p[0] = 'x';
    EXPECT_PARSE(yaml, "t.yaml:2:24: candidacy.far_below: expected a number, got "
                       "'x00000000000000000000000000000000000000000000000000000000000...'");
}

Test(hostile, nul_and_garbage)
{
    EXPECT_PARSE("name: \"a\\0b\"\n", "t.yaml:1:7: value contains a NUL character");
    const char junk[] = {'\x01', '\x02', 'a', ':', '\n', 0};
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse("t.yaml", junk, 5, &err);
    cr_assert_null(s);
    cr_assert_eq(err.n, 1);
    cr_assert_eq(strncmp(err.msgs[0], "t.yaml:1:1: YAML encoding error: ", 33), 0, "%s",
                 err.msgs[0]);
    sl_error_clear(&err);
    /* A NULL buffer is an empty file. */
    sl_error_init(&err);
    cr_assert_null(sl_scenario_parse(NULL, NULL, 0, &err));
    cr_assert_str_eq(err.msgs[0], "<memory>:1:1: scenario: missing required key 'parcels'");
    sl_error_clear(&err);
    sl_scenario_destroy(NULL);
}

/* ---- report.lang ---------------------------------------------------- */

Test(scenario, report_lang)
{
    sl_scenario *s = parse_ok("t.yaml", HEAD);
    cr_assert_eq(s->lang, SL_LANG_EN, "English by default");
    sl_scenario_destroy(s);
    s = parse_ok("t.yaml", HEAD "report: {lang: zh}\n");
    cr_assert_eq(s->lang, SL_LANG_ZH);
    sl_scenario_destroy(s);
    s = parse_ok("t.yaml", HEAD "report: {}\n");
    cr_assert_eq(s->lang, SL_LANG_EN);
    sl_scenario_destroy(s);
    EXPECT_PARSE(HEAD "report:\n  lang: cn\n",
                 "t.yaml:3:9: report.lang: 'cn' is not one of en, zh");
    EXPECT_PARSE(HEAD "report: {langue: zh}\n", "t.yaml:2:10: unknown key 'langue' in report");
}

/* ---- the reference's own example and YAML details ------------------- */

Test(scenario, docs_example_parses)
{
    /* The last ```yaml block of docs/scenario.md is its annotated example. */
    char *path = t_src("docs/scenario.md");
    char *md = t_slurp(path, NULL);
    cr_assert_not_null(md, "%s", path);
    char *start = NULL, *p = md;
    while ((p = strstr(p, "```yaml\n")))
        start = p = p + 8;
    cr_assert_not_null(start);
    char *end = strstr(start, "\n```");
    cr_assert_not_null(end);
    end[1] = '\0';
    sl_scenario *s = parse_ok("docs/example.yaml", start);
    cr_assert_str_eq(s->name, "shahe-gonggai");
    cr_assert_str_eq(s->source, "docs/../geodata/shahe/parcels.shp");
    cr_assert_eq(s->n_rules, 2);
    cr_assert_eq(s->rules[0].far_max, 1.0);
    cr_assert_eq(s->rules[0].setback_m, 5);
    cr_assert_eq(s->rules[1].factory_height_max_m, 50);
    cr_assert_eq(s->plan_rules, 1);
    cr_assert_eq(s->n_industries, 4);
    cr_assert_eq(s->industries[0].fire_class, 'C');
    cr_assert_eq(s->n_links, 2);
    cr_assert_eq(s->n_pins, 2);
    cr_assert_str_eq(s->pins[1].parcel, "0412");
    cr_assert_eq(s->pins[1].rules.values.ramp_floor, 2);
    cr_assert_eq(s->pins[1].start_year, 2028);
    cr_assert(s->industries[3].shared);
    cr_assert_eq(s->industries[3].rent_cny_m2_month, 25);
    cr_assert_eq(s->rules[1].office_floor_plate_min_m2, 300);
    cr_assert_eq(s->n_exclude, 1);
    cr_assert_str_eq(s->exclude[0], "B3-1");
    cr_assert_eq(s->neighbour_chain_bonus_m2, 3000);
    cr_assert_eq(s->lang, SL_LANG_ZH);
    sl_scenario_destroy(s);
    free(md);
    free(path);
}

Test(scenario, columns_count_characters)
{
    EXPECT_PARSE("parcels: {source: p, fields: {id: 工业用地, foo: 1}}\n",
                 "t.yaml:1:30: parcels.fields: missing required key 'land_use'",
                 "t.yaml:1:41: unknown key 'foo' in parcels.fields");
}

Test(scenario, utf16_with_bom)
{
    /* "parcels: {source: 工.shp, fields: {id: a, land_use: b}}\n" in UTF-16LE */
    const char *text = "parcels: {source: \xe5\xb7\xa5.shp, fields: {id: a, land_use: b}}\n";
    size_t n = strlen(text);
    unsigned char buf[256];
    size_t len = 0;
    buf[len++] = 0xFF;
    buf[len++] = 0xFE;
    for (size_t i = 0; i < n; i++) {
        unsigned cp = (unsigned char)text[i];
        if (cp == 0xE5) { /* 工 = U+5DE5 */
            cp = 0x5DE5;
            i += 2;
        }
        buf[len++] = (unsigned char)(cp & 0xFF);
        buf[len++] = (unsigned char)(cp >> 8);
    }
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse("t.yaml", (const char *)buf, len, &err);
    cr_assert_not_null(s);
    cr_assert_str_eq(s->source, "工.shp");
    sl_scenario_destroy(s);
    sl_error_clear(&err);
}

Test(scenario, numbers_as_written)
{
    sl_scenario *s = parse_ok("t.yaml", HEAD "candidacy: {far_below: '0.8', min_area_m2: 1e3, "
                                             "tax_per_mu_below_cny: +120000}\n"
                                             "rules: {r: {ramp_floor: 2.0}}\n");
    cr_assert_eq(s->far_below, 0.8);
    cr_assert_eq(s->min_area_m2, 1000);
    cr_assert_eq(s->tax_per_mu_below_cny, 120000);
    cr_assert_eq(s->rules[0].ramp_floor, 2);
    sl_scenario_destroy(s);
    EXPECT_PARSE(HEAD "candidacy: {far_below: 1_000, min_area_m2: 5 m}\n",
                 "t.yaml:2:24: candidacy.far_below: expected a number, got '1_000'",
                 "t.yaml:2:44: candidacy.min_area_m2: expected a number, got '5 m'");
}

/* ---- extends (docs/model.md §10, §9.18) --------------------------------- */

/* The messages of loading path, which must fail with code. */
static void expect_load_errors(const char *path, sl_status code, const char *const *want)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_load(path, &err);
    expect_errors_in(s, &err, code, want);
    sl_error_clear(&err);
}

#define PARCELS_OK "parcels: {source: p.shp, fields: {id: ID, land_use: LU}}\n"

/* a extends b extends c: the errors of the middle file are reported at its
 * own FILE:LINE:COL, those of the other files at theirs, the top file's
 * first; a value replaced by the extending file is not checked. */
Test(extends, three_files_errors_where_written)
{
    char *dir = t_tmpdir();
    char *c = t_write(dir, "c.yaml",
                      PARCELS_OK "rules:\n"
                                 "  after: {far_max: 3.0, setback_m: oops}\n"
                                 "plan: {gap: -1}\n");
    char *b = t_write(dir, "b.yaml",
                      "extends: c.yaml\n"
                      "rules:\n"
                      "  after:\n"
                      "    far_max: abc\n"
                      "    coverage_min: 7\n");
    char *a = t_write(dir, "a.yaml",
                      "extends: b.yaml\n"
                      "plan: {gap: 0.01, rules: aftr}\n"
                      "rules: {after: {coverage_min: 0.5}}\n");
    char w1[4400], w2[4400], w3[4400];
    snprintf(w1, sizeof w1, "%s:2:26: plan.rules: no rule set named 'aftr'; did you mean 'after'?",
             a);
    snprintf(w2, sizeof w2, "%s:4:14: rules.after.far_max: expected a number, got 'abc'", b);
    snprintf(w3, sizeof w3, "%s:3:36: rules.after.setback_m: expected a number, got 'oops'", c);
    const char *want[] = {w1, w2, w3, NULL};
    expect_load_errors(a, SL_ERR_SCENARIO, want);

    /* the same chain with the middle file fixed: every file listed */
    free(t_write(dir, "b.yaml", "extends: c.yaml\nrules: {after: {far_max: 2.5}}\n"));
    free(t_write(dir, "c.yaml", PARCELS_OK "rules: {after: {far_max: 3.0, setback_m: 8}}\n"));
    free(t_write(dir, "a.yaml", "extends: b.yaml\nname: top\n"));
    sl_scenario *s = load_ok(a);
    cr_assert_eq(s->n_files, 3);
    cr_assert_str_eq(s->files[0], a);
    cr_assert_str_eq(s->files[1], b);
    cr_assert_str_eq(s->files[2], c);
    cr_assert_str_eq(s->name, "top");
    cr_assert_eq(s->n_rules, 1);
    cr_assert_float_eq(s->rules[0].far_max, 2.5, 1e-12);
    cr_assert_float_eq(s->rules[0].setback_m, 8, 1e-12);
    sl_scenario_destroy(s);
    free(a);
    free(b);
    free(c);
    t_rmtree(dir);
    free(dir);
}

/* Mappings merge key by key (at every depth); lists and scalars of the
 * extending file replace the base's; null puts a key back to its default;
 * rule sets keep the base's order, new ones after (the last is the plan's
 * default). */
Test(extends, maps_merge_lists_replace)
{
    char *dir = t_tmpdir();
    free(t_write(
        dir, "base.yaml",
        "name: base\n"
        "parcels:\n"
        "  source: p.shp\n"
        "  layer: L\n"
        "  fields: {id: ID, land_use: LU, tax: TAX}\n"
        "  industrial_land_uses: [M1, M2]\n"
        "candidacy: {far_below: 1.2, min_area_m2: 100}\n"
        "rules:\n"
        "  before: {far_max: 1.0}\n"
        "  after: {far_max: 3.0, floor_load_max_kN_m2: [20, 10], setback_m: 6}\n"
        "industries:\n"
        "  - {id: a, kind: production, floor_height_m: 5, floor_load_kN_m2: 8}\n"
        "  - {id: b, kind: rnd, floor_height_m: 4, floor_load_kN_m2: 3}\n"
        "chain_links: [{from: a, to: b}]\n"
        "plan: {gap: 0.01, objective: {existing_value: 0.5, same_building_bonus_m2: 9}}\n"));
    char *v = t_write(dir, "v.yaml",
                      "extends: base.yaml\n"
                      "parcels:\n"
                      "  fields: {tax: NSE}\n"
                      "  industrial_land_uses: [\"100101\"]\n"
                      "candidacy: {far_below: 0.8, min_area_m2: null}\n"
                      "rules:\n"
                      "  after: {floor_load_max_kN_m2: [30]}\n"
                      "  reform: {far_max: 4.0}\n"
                      "industries:\n"
                      "  - {id: c, kind: office, floor_height_m: 4.2, floor_load_kN_m2: 2}\n"
                      "chain_links: []\n"
                      "plan: {objective: {existing_value: 2}}\n");
    sl_scenario *s = load_ok(v);
    cr_assert_str_eq(s->name, "base");
    cr_assert_str_eq(s->layer, "L");
    cr_assert_str_eq(s->fields.id, "ID");
    cr_assert_str_eq(s->fields.land_use, "LU");
    cr_assert_str_eq(s->fields.tax, "NSE");
    cr_assert_eq(s->n_land_uses, 1);
    cr_assert_str_eq(s->industrial_land_uses[0], "100101");
    cr_assert_float_eq(s->far_below, 0.8, 1e-12);
    cr_assert_float_eq(s->min_area_m2, 0, 1e-12, "null: the default");
    cr_assert_eq(s->n_rules, 3);
    cr_assert_str_eq(s->rules[0].name, "before");
    cr_assert_str_eq(s->rules[1].name, "after");
    cr_assert_str_eq(s->rules[2].name, "reform");
    cr_assert_float_eq(s->rules[1].far_max, 3.0, 1e-12);
    cr_assert_float_eq(s->rules[1].setback_m, 6, 1e-12);
    cr_assert_eq(s->rules[1].n_floor_loads, 1, "a list replaces the base's");
    cr_assert_float_eq(s->rules[1].floor_load_max_kN_m2[0], 30, 1e-12);
    cr_assert_eq(s->plan_rules, 2, "the last rule set");
    cr_assert_eq(s->n_industries, 1);
    cr_assert_str_eq(s->industries[0].id, "c");
    cr_assert_eq(s->n_links, 0);
    cr_assert_float_eq(s->gap, 0.01, 1e-12);
    cr_assert_float_eq(s->existing_value, 2, 1e-12);
    cr_assert_float_eq(s->same_building_bonus_m2, 9, 1e-12);
    sl_scenario_destroy(s);
    free(v);
    t_rmtree(dir);
    free(dir);
}

/* A relative path is relative to the file that wrote it: a base in
 * another directory keeps its source relative to itself, an extending
 * file's own source is relative to it; `extends` is relative to the file
 * that names it; sl_scenario_parse resolves it from its path argument. */
Test(extends, relative_paths_through_a_base)
{
    char *dir = t_tmpdir();
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/base", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    free(t_write(sub, "common.yaml",
                 "parcels: {source: ../geo/p.shp, fields: {id: ID, land_use: LU}}\n"));
    char *v = t_write(dir, "v.yaml", "extends: base/common.yaml\n");
    sl_scenario *s = load_ok(v);
    char want[4400];
    snprintf(want, sizeof want, "%s/base/../geo/p.shp", dir);
    cr_assert_str_eq(s->source, want);
    sl_scenario_destroy(s);

    free(t_write(dir, "w.yaml", "extends: base/common.yaml\nparcels: {source: mine.gpkg}\n"));
    const char *text = "extends: w.yaml\nname: mem\n";
    char path[4400];
    snprintf(path, sizeof path, "%s/m.yaml", dir);
    s = parse_ok(path, text);
    snprintf(want, sizeof want, "%s/mine.gpkg", dir);
    cr_assert_str_eq(s->source, want);
    cr_assert_eq(s->n_files, 3);
    cr_assert_str_eq(s->files[0], path);
    snprintf(want, sizeof want, "%s/base/common.yaml", dir);
    cr_assert_str_eq(s->files[2], want);
    sl_scenario_destroy(s);
    free(v);
    t_rmtree(dir);
    free(dir);
}

/* a extends a, and a -> b -> a: an error at the extends line naming the
 * files of the cycle. */
Test(extends, cycle)
{
    char *dir = t_tmpdir();
    char *a = t_write(dir, "a.yaml", "extends: a.yaml\n");
    char w[9000];
    snprintf(w, sizeof w, "%s:1:10: extends: 'a.yaml' makes a cycle: %s extends %s", a, a, a);
    const char *want[] = {w, NULL};
    expect_load_errors(a, SL_ERR_SCENARIO, want);

    free(t_write(dir, "a.yaml", PARCELS_OK "extends: b.yaml\n"));
    char *b = t_write(dir, "b.yaml", "name: b\nextends: a.yaml\n");
    snprintf(w, sizeof w, "%s:2:10: extends: 'a.yaml' makes a cycle: %s extends %s extends %s", b,
             a, b, a);
    expect_load_errors(a, SL_ERR_SCENARIO, want);
    free(a);
    free(b);
    t_rmtree(dir);
    free(dir);
}

/* A missing base, a base that is not a file name, a YAML error in a base,
 * a chain longer than 16 files. */
Test(extends, bad_bases)
{
    char *dir = t_tmpdir();
    char *a = t_write(dir, "a.yaml", "name: a\nextends: nope.yaml\n");
    char w[9000];
    snprintf(w, sizeof w, "%s:2:10: extends: cannot read %s/nope.yaml: No such file or directory",
             a, dir);
    const char *want[] = {w, NULL};
    expect_load_errors(a, SL_ERR_SCENARIO, want);

    free(t_write(dir, "a.yaml", "extends: [b.yaml]\n"));
    snprintf(w, sizeof w, "%s:1:10: extends: expected a file name, got a list", a);
    expect_load_errors(a, SL_ERR_SCENARIO, want);

    free(t_write(dir, "a.yaml", "extends: b.yaml\nextends: c.yaml\n"));
    snprintf(w, sizeof w, "%s:2:1: duplicate key 'extends' in scenario", a);
    expect_load_errors(a, SL_ERR_SCENARIO, want);

    /* a device or FIFO is never opened (it could block) */
    free(t_write(dir, "a.yaml", "extends: /dev/null\n"));
    snprintf(w, sizeof w, "%s:1:10: extends: cannot read /dev/null: not a regular file", a);
    expect_load_errors(a, SL_ERR_SCENARIO, want);

    free(t_write(dir, "a.yaml", "extends: b.yaml\n"));
    char *b = t_write(dir, "b.yaml", "parcels: {source: x\n");
    snprintf(w, sizeof w, "%s:2:1: YAML syntax error: did not find expected ',' or '}'", b);
    expect_load_errors(a, SL_ERR_SCENARIO, want);

    /* f0 extends f1 ... extends f16: 17 files */
    for (int i = 0; i <= 16; i++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "f%d.yaml", i);
        snprintf(text, sizeof text, i < 16 ? "extends: f%d.yaml\n" : PARCELS_OK, i + 1);
        free(t_write(dir, name, text));
    }
    char top[4400];
    snprintf(top, sizeof top, "%s/f0.yaml", dir);
    snprintf(w, sizeof w, "%s/f15.yaml:1:10: extends: 'f16.yaml': more than 16 files in the chain",
             dir);
    expect_load_errors(top, SL_ERR_SCENARIO, want);
    /* 16 files are fine */
    snprintf(top, sizeof top, "%s/f1.yaml", dir);
    sl_scenario *s = load_ok(top);
    cr_assert_eq(s->n_files, 16);
    sl_scenario_destroy(s);
    free(a);
    free(b);
    t_rmtree(dir);
    free(dir);
}

/* Checks across lists of different files name both files: plan.exclude
 * written over a base whose pins pin the same parcel. */
Test(extends, exclude_against_the_base_pins)
{
    char *dir = t_tmpdir();
    char *b = t_write(dir, "b.yaml",
                      PARCELS_OK "industries: [{id: a, kind: rnd, floor_height_m: 4, "
                                 "floor_load_kN_m2: 3}]\n"
                                 "pins: [{parcel: P1, industry: a}]\n");
    char *a = t_write(dir, "a.yaml", "extends: b.yaml\nplan: {exclude: [P2, P1]}\n");
    char w[9000];
    snprintf(w, sizeof w,
             "%s:2:22: plan.exclude[1]: parcel 'P1' is also pinned (pin at %s:3:8); a pin "
             "redevelops its parcel, plan.exclude keeps it as it is",
             a, b);
    const char *want[] = {w, NULL};
    expect_load_errors(a, SL_ERR_SCENARIO, want);
    free(a);
    free(b);
    t_rmtree(dir);
    free(dir);
}

/* The bundled variants extend gonggai.yaml and differ from it only where
 * they say. */
Test(extends, bundled_variants)
{
    sl_scenario *g = load_ok("../scenarios/gonggai.yaml");
    const char *names[] = {"cap40", "no-office", "old-rules"};
    for (int v = 0; v < 3; v++) {
        char p[64];
        snprintf(p, sizeof p, "../scenarios/%s.yaml", names[v]);
        sl_scenario *s = load_ok(p);
        cr_assert_eq(s->n_files, 2);
        cr_assert_str_eq(s->files[1], "../scenarios/gonggai.yaml");
        cr_assert_str_eq(s->source, g->source);
        cr_assert_eq(s->n_industries, g->n_industries);
        cr_assert_eq(s->n_links, g->n_links);
        cr_assert_eq(s->n_rules, 2);
        cr_assert_str_neq(s->name, g->name);
        const sl_ruleset *r = &s->rules[s->plan_rules];
        switch (v) {
        case 0:
            cr_assert_float_eq(r->factory_height_max_m, 40, 1e-12);
            cr_assert_eq(s->n_pins, 1);
            break;
        case 1:
            cr_assert_float_eq(r->office_footprint_share, 0, 1e-12);
            cr_assert_float_eq(s->pins[0].rules.values.coverage_max, 0.42, 1e-12);
            break;
        case 2:
            cr_assert_str_eq(r->name, "before");
            cr_assert_eq(s->n_pins, 0);
            break;
        }
        sl_scenario_destroy(s);
    }
    sl_scenario_destroy(g);
}

/* ---- phasing (docs/model.md §12) ------------------------------------ */

Test(scenario, phasing_defaults_and_absent_rules_off)
{
    sl_scenario *s = parse_ok("t.yaml", HEAD);
    cr_assert(!s->phasing.present);
    sl_scenario_destroy(s);
    s = parse_ok("t.yaml", HEAD "phasing: {}\n");
    cr_assert(s->phasing.present);
    cr_assert_eq(s->phasing.start_year, 2027);
    cr_assert_eq(s->phasing.years, 8);
    cr_assert_eq(s->phasing.build_years, 2);
    cr_assert_eq(s->phasing.n_budget, 0);
    cr_assert_null(s->phasing.budget_cny);
    cr_assert(isnan(s->phasing.swing_space_m2));
    cr_assert_float_eq(s->phasing.swing_from_new_share, 0.2, 1e-12);
    cr_assert_eq(s->phasing.max_starts_per_year, 0);
    cr_assert_float_eq(s->phasing.discount_rate, 0.06, 1e-12);
    cr_assert_float_eq(s->phasing.time_limit_s, 30, 1e-12);
    cr_assert_null(s->fields.ready_year);
    sl_scenario_destroy(s);
}

Test(scenario, phasing_values)
{
    sl_scenario *s = parse_ok("t.yaml", "parcels: {source: p.shp, fields: {id: ID, land_use: LU, "
                                        "ready_year: RY}}\n"
                                        "phasing: {start_year: 2030, years: 3, build_years: 1,\n"
                                        "  budget_cny: [1e8, 2e8, 0], swing_space_m2: 20000,\n"
                                        "  swing_from_new_share: 0.3, max_starts_per_year: 2,\n"
                                        "  discount_rate: 0.05, time_limit_s: 5}\n");
    const sl_phasing_spec *ph = &s->phasing;
    cr_assert_str_eq(s->fields.ready_year, "RY");
    cr_assert_eq(ph->start_year, 2030);
    cr_assert_eq(ph->years, 3);
    cr_assert_eq(ph->build_years, 1);
    cr_assert_eq(ph->n_budget, 3);
    cr_assert_float_eq(ph->budget_cny[0], 1e8, 1e-3);
    cr_assert_float_eq(ph->budget_cny[1], 2e8, 1e-3);
    cr_assert_float_eq(ph->budget_cny[2], 0, 1e-3);
    cr_assert_float_eq(ph->swing_space_m2, 20000, 1e-9);
    cr_assert_float_eq(ph->swing_from_new_share, 0.3, 1e-12);
    cr_assert_eq(ph->max_starts_per_year, 2);
    cr_assert_float_eq(ph->discount_rate, 0.05, 1e-12);
    cr_assert_float_eq(ph->time_limit_s, 5, 1e-12);
    sl_scenario_destroy(s);
    s = parse_ok("t.yaml", HEAD "phasing: {years: 4, budget_cny: 300000000}\n");
    cr_assert_eq(s->phasing.n_budget, 4);
    for (int t = 0; t < 4; t++)
        cr_assert_float_eq(s->phasing.budget_cny[t], 3e8, 1e-3);
    sl_scenario_destroy(s);
}

Test(errors, phasing_values)
{
    EXPECT_PARSE(HEAD "phasing: {years: 3, budget_cny: [1, 2]}\n",
                 "t.yaml:2:33: phasing.budget_cny: expected 3 values (phasing.years), got 2");
    EXPECT_PARSE(HEAD "phasing: {budget_cny: -1}\n",
                 "t.yaml:2:23: phasing.budget_cny must be >= 0 (got -1)");
    EXPECT_PARSE(HEAD "phasing: {build_years: 0, swing_from_new_share: 2, max_starts: 1}\n",
                 "t.yaml:2:24: phasing.build_years must be between 1 and 50 (got 0)",
                 "t.yaml:2:49: phasing.swing_from_new_share must be between 0 and 1 (got 2); did "
                 "you mean 0.02?",
                 "t.yaml:2:52: unknown key 'max_starts' in phasing");
}

/* ---- a newcomer's slips (issue 11, item 7) -------------------------- */

/* A full-width colon '：' (what a Chinese input method types) makes
 * "far_max： 3" one plain string: the error it causes points at it. */
Test(scenario, fullwidth_colon_hint)
{
    EXPECT_PARSE(HEAD "rules:\n  after:\n    far_max： 3\n",
                 "t.yaml:4:5: rules.after: expected a mapping; full-width colon '：' at 4:12; "
                 "use ':'");
    EXPECT_PARSE(HEAD "rules:\n  after: {far_max： 3}\n",
                 "t.yaml:3:11: unknown key 'far_max： 3' in rules.after; full-width colon '：' at "
                 "3:18; use ':'");
    EXPECT_PARSE(HEAD "rules：\n  after:\n    far_max: 3\n",
                 "t.yaml:3:8: YAML syntax error: could not find expected ':'; full-width colon "
                 "'：' at 2:6; use ':'");
    /* inside a value or quotes it is text, and no hint is given */
    sl_scenario *s = parse_ok("t.yaml", HEAD "name: '上楼：一期'\nindustries:\n"
                                             "  - {id: a, name: 医疗：器械, kind: rnd, "
                                             "floor_height_m: 5, floor_load_kN_m2: 8}\n");
    cr_assert_str_eq(s->industries[0].name, "医疗：器械");
    sl_scenario_destroy(s);
}

Test(scenario, tab_indentation_hint)
{
    EXPECT_PARSE(HEAD "rules:\n  after:\n\tfar_max: 3\n",
                 "t.yaml:4:1: YAML syntax error: found character that cannot start any token; a "
                 "tab at 4:1 indents the line: YAML indents with spaces only");
    EXPECT_PARSE(HEAD "rules:\n  after:\n  \tfar_max: 3\n",
                 "t.yaml:4:3: YAML syntax error: found character that cannot start any token; a "
                 "tab at 4:3 indents the line: YAML indents with spaces only");
}

Test(scenario, enum_aliases_hint)
{
    EXPECT_PARSE(HEAD "industries:\n  - {id: a, kind: production, floor_height_m: 5, "
                      "floor_load_kN_m2: 8, fire_class: 丙类}\n",
                 "t.yaml:3:83: industries[0].fire_class: '丙类' is not one of A, B, C, D, E, 甲, "
                 "乙, 丙, 丁, 戊; did you mean '丙'?");
    EXPECT_PARSE(HEAD "industries:\n  - {id: a, kind: R&D, floor_height_m: 5, "
                      "floor_load_kN_m2: 8}\n",
                 "t.yaml:3:19: industries[0].kind: 'R&D' is not one of production, rnd, office, "
                 "warehouse; did you mean 'rnd'?");
    EXPECT_PARSE(HEAD "industries:\n  - {id: a, kind: 研发, floor_height_m: 5, "
                      "floor_load_kN_m2: 8}\n",
                 "t.yaml:3:19: industries[0].kind: '研发' is not one of production, rnd, office, "
                 "warehouse; did you mean 'rnd'?");
    EXPECT_PARSE(HEAD "industries:\n  - {id: a, kind: 仓储, floor_height_m: 5, "
                      "floor_load_kN_m2: 8, vibration: 振源}\n",
                 "t.yaml:3:19: industries[0].kind: '仓储' is not one of production, rnd, office, "
                 "warehouse; did you mean 'warehouse'?",
                 "t.yaml:3:74: industries[0].vibration: '振源' is not one of source, sensitive, "
                 "none; did you mean 'source'?");
}

Test(scenario, demand_as_number_hint)
{
    EXPECT_PARSE(HEAD "industries:\n  - {id: a, kind: production, floor_height_m: 5, "
                      "floor_load_kN_m2: 8, demand_m2: 20000}\n",
                 "t.yaml:3:82: industries[0].demand_m2: expected a mapping, got 20000; write "
                 "{max: 20000} (at most that much floor space) or {min: 20000, max: …}");
}

Test(scenario, share_as_percentage_hint)
{
    EXPECT_PARSE(HEAD "rules:\n  after:\n    coverage_max: 60\n    coverage_min: 62.5\n"
                      "    office_gfa_share_max: 15%\n",
                 "t.yaml:4:19: rules.after.coverage_max must be between 0 and 1 (got 60); did "
                 "you mean 0.60?",
                 "t.yaml:5:19: rules.after.coverage_min must be between 0 and 1 (got 62.5); did "
                 "you mean 0.625?",
                 "t.yaml:6:27: rules.after.office_gfa_share_max: expected a number, got '15%'; "
                 "did you mean 0.15?");
    /* above 100 it is no percentage: no guess */
    EXPECT_PARSE(HEAD "rules:\n  after:\n    coverage_max: 600\n",
                 "t.yaml:4:19: rules.after.coverage_max must be between 0 and 1 (got 600)");
}
