/*
 * scenario.h - the scenario file (YAML): parcels source and field mapping,
 * candidacy thresholds, named rule sets, industries, chain links, pins and
 * plan options.  Key names and defaults are those of docs/scenario.md.
 */
#ifndef SL_INPUT_SCENARIO_H
#define SL_INPUT_SCENARIO_H

#include <stdbool.h>
#include "shanglou.h"

#define SL_MAX_FLOOR_LOADS 16

/* One rule set (docs/model.md §4).  Values are plain doubles/ints with units in
 * their names; defaults are the after-reform values (sl_ruleset_init). */
typedef struct sl_ruleset {
    char *name;
    double far_max;
    double far_min;
    double factory_height_max_m;
    double office_height_max_m;
    double coverage_min;
    double coverage_max;
    double setback_m;
    double office_footprint_share;
    double office_land_share_max;
    double office_gfa_share_max;
    double ground_floor_height_min_m;
    double standard_floor_height_m;
    double office_floor_height_m;
    double tall_storey_m;
    int n_floor_loads; /* >= 1 */
    double floor_load_max_kN_m2[SL_MAX_FLOOR_LOADS];
    double freight_lift_t;
    int ramp_floor;
    double freight_trips_per_day_max;
    int vibration_source_max_floor;
    double factory_floor_plate_min_m2; /* default 500 (docs/model.md §4) */
    double office_floor_plate_min_m2;  /* default 300 */
} sl_ruleset;

/* Table of rule keys: one row per scenario key of a rule set, so that the
 * parser, pin overrides and the docs share one list. */
typedef enum sl_rule_type { SL_RULE_DOUBLE, SL_RULE_INT, SL_RULE_LOADS } sl_rule_type;
typedef struct sl_rule_key {
    const char *name;
    sl_rule_type type;
    size_t offset;        /* offsetof(sl_ruleset, field) */
    double default_value; /* unused for SL_RULE_LOADS */
    double min_value;     /* smallest valid value */
    bool min_exclusive;   /* value must be > min_value (heights) */
    double max_value;     /* largest valid value (shares: 1) */
} sl_rule_key;

extern const sl_rule_key sl_rule_keys[];
extern const int sl_n_rule_keys;

/* Set every key of *r to its default (name untouched). */
void sl_ruleset_init(sl_ruleset *r);
/* Max design floor load at level (1-based): the last value repeats. */
double sl_ruleset_load_at(const sl_ruleset *r, int level);

/* A partial rule set: the keys a pin overrides.  mask bit i set means
 * sl_rule_keys[i] is overridden with the value stored in `values`. */
typedef struct sl_rule_override {
    unsigned long long mask;
    sl_ruleset values;
} sl_rule_override;
/* *out = *base with the override's keys replaced (o may be NULL).
 * out->name is base->name, not a copy. */
void sl_ruleset_apply(const sl_ruleset *base, const sl_rule_override *o, sl_ruleset *out);

typedef enum sl_kind { SL_KIND_PRODUCTION, SL_KIND_RND, SL_KIND_OFFICE, SL_KIND_WAREHOUSE } sl_kind;
typedef enum sl_vibration { SL_VIB_NONE, SL_VIB_SOURCE, SL_VIB_SENSITIVE } sl_vibration;

typedef struct sl_industry {
    char *id;
    char *name;
    char *chain;
    sl_kind kind;
    double floor_height_m;
    double floor_load_kN_m2;
    double lift_t;
    sl_vibration vibration;
    char fire_class; /* 'A'..'E' */
    double trips_per_1000m2_day;
    double priority;          /* default 1.0 */
    double demand_min_m2;     /* default 0 */
    double demand_max_m2;     /* default INFINITY (unbounded) */
    bool shared;              /* a service any building may hold without it
                             counting as a chain there (default false) */
    bool contiguous;          /* its storeys in one block are consecutive
                             levels (default true) */
    double rent_cny_m2_month; /* NAN: economics' default */
    double tax_cny_m2_year;   /* NAN: 0 */
    int line, col;            /* where it was declared */
    int file;                 /* in files[file] (0 in memory) */
} sl_industry;

typedef struct sl_chain_link {
    int from, to;  /* indices into industries */
    double weight; /* > 0, default 1 */
} sl_chain_link;

/* A pin (一企一策).  Invariant after sl_scenario_load: every pin of one
 * parcel carries the same `floors` and `rules` (the parcel's, merged from
 * all its pins; pins that disagree are a scenario error), so the optimizer
 * may read them from any pin of the parcel. */
typedef struct sl_pin {
    char *parcel;           /* parcel id */
    int industry;           /* index into industries */
    double min_gfa_m2;      /* default 0 */
    int floors;             /* factory storeys; 0 = free */
    sl_rule_override rules; /* mask 0 = none */
    int start_year;         /* phasing: 0 = free */
    int line, col;
    int file;                    /* the file that wrote it: index into files (0 in memory) */
    int parcel_line, parcel_col; /* where its parcel id was written */
} sl_pin;

/* The economics section (docs/model.md §11); defaults as there. */
#define SL_MAX_COST_BREAKS 16
typedef struct sl_econ_params {
    /* construction_cost_cny_m2: cost(H) = values[j] for the first break
     * with H <= breaks_m[j], else values[n_breaks]. */
    int n_breaks;                                      /* 0..SL_MAX_COST_BREAKS */
    double cost_breaks_m[SL_MAX_COST_BREAKS];          /* ascending, > 0 */
    double cost_values_cny_m2[SL_MAX_COST_BREAKS + 1]; /* n_breaks + 1 */
    double load_cost_cny_m2_per_kN_m2;                 /* per kN/m2 above 5 */
    double soft_cost_share;
    double demolition_cny_m2;   /* per m2 of current GFA */
    double relocation_cny_m2;   /* per m2 of current GFA */
    double land_premium_cny_m2; /* per m2 of added GFA */
    double rent_cny_m2_month;   /* industries without their own rent */
    double upper_floor_rent_factor;
    double occupancy;
    double opex_share;
    double discount_rate;
    int horizon_years;
    double tax_share;
    double grades_tax_per_mu_cny[3]; /* A, B, C; NAN: the zone's percentiles */
} sl_econ_params;

/* Field mapping: layer field names, NULL when not mapped. */
typedef struct sl_field_map {
    char *id, *land_use, *current_far, *current_gfa, *current_height, *tax;
    char *ready_year; /* phasing: the year a parcel can start (null: at once) */
    char *name;       /* the enterprise on the parcel (企业名称), for the report's map */
} sl_field_map;

/* The scenario's `phasing` section (docs/model.md §12).  Rules whose key
 * is absent are off: budget (n_budget 0), swing space (NAN), starts per
 * year (0). */
typedef struct sl_phasing_spec {
    bool present;                /* the scenario has `phasing` */
    int start_year;              /* default 2027 */
    int years;                   /* default 8 */
    int build_years;             /* default 2 */
    int n_budget;                /* 0: no money rule; else `years` values */
    double *budget_cny;          /* per year of the horizon */
    double swing_space_m2;       /* NAN: no swing-space rule */
    double swing_from_new_share; /* default 0.2 */
    int max_starts_per_year;     /* 0: no limit */
    double discount_rate;        /* default 0.06 (economics' rate wins) */
    double time_limit_s;         /* default 30 */
} sl_phasing_spec;

typedef struct sl_scenario {
    char *path; /* the scenario file as given */
    char *dir;  /* its directory */
    /* Every file the scenario is made of: files[0] is path, files[1] its
     * base (`extends`, relative to the file that names it), files[2] the
     * base's base ... (n_files >= 1 after sl_scenario_load). */
    char **files;
    int n_files;
    char *name;

    /* parcels: */
    char *source;   /* resolved: a relative path joined to the directory of the file
                       that wrote it (a base's, through extends); PG: etc. untouched */
    char *layer;    /* NULL: the first layer */
    char *crs;      /* NULL: from the source */
    char *encoding; /* NULL: .cpg / LDID / UTF-8 */
    sl_field_map fields;
    int n_land_uses;
    char **industrial_land_uses;

    /* candidacy: */
    double far_below;            /* default 1.0 */
    double tax_per_mu_below_cny; /* NAN = criterion off (default) */
    double min_area_m2;          /* default 0 */

    int n_rules; /* >= 1: a file without `rules` gets one set "default" */
    sl_ruleset *rules;

    int n_industries;
    sl_industry *industries;
    int n_links;
    sl_chain_link *links;
    int n_pins;
    sl_pin *pins;

    bool has_economics; /* the file has an `economics` section */
    sl_econ_params economics;

    /* plan: */
    int plan_rules;                  /* index into rules (default: last) */
    double gap;                      /* default 0.001 */
    double time_limit_s;             /* default 60 */
    double existing_value;           /* default 1.0 */
    double same_building_bonus_m2;   /* default 2000 */
    double adjacent_floor_bonus_m2;  /* default 1000 */
    double neighbour_chain_bonus_m2; /* default 3000 */
    double neighbour_distance_m;     /* default 30 */
    int chains_per_building_max;     /* default 1; 0 = no limit */
    int n_exclude;
    char **exclude;    /* plan.exclude: parcel ids kept as they are */
    int *exclude_line; /* where each id was written (for messages); */
    int *exclude_col;  /* NULL in scenarios built in memory */

    sl_phasing_spec phasing;
} sl_scenario;

/* Set every economics key to its default (docs/model.md §11). */
void sl_econ_params_init(sl_econ_params *e);

/* Defaults, from the same key tables the parser reads (so that scenarios
 * built in memory, by tests and benchmarks, get the documented values):
 * sl_scenario_init zeroes *s and sets every candidacy and plan default
 * (no rule sets, industries, links, pins; plan_rules 0); sl_industry_init
 * zeroes *d and sets kind production, vibration none, fire_class D,
 * priority 1, demand 0..INFINITY, shared false, contiguous true, rent and
 * tax NAN; sl_pin_init zeroes *p with industry -1, no overrides (mask 0,
 * values at the defaults), floors and start_year 0 (free).  sl_scenario_init
 * also sets the economics keys to their defaults (has_economics false). */
void sl_scenario_init(sl_scenario *s);
void sl_industry_init(sl_industry *d);
void sl_pin_init(sl_pin *p);

/* Parse and validate a scenario file.  On any error returns NULL and adds
 * every problem found to err as "FILE:LINE:COL: message" (code
 * SL_ERR_SCENARIO; SL_ERR_SOURCE if the file cannot be read).
 * Free the result with sl_scenario_destroy(). */
sl_scenario *sl_scenario_load(const char *path, sl_error *err);
/* Same, from a memory buffer; `path` is used in messages and to resolve
 * relative paths (`extends` too: its bases are read from files). */
sl_scenario *sl_scenario_parse(const char *path, const char *text, size_t len, sl_error *err);
void sl_scenario_destroy(sl_scenario *s);

/* Index of the industry with this id, or -1. */
int sl_scenario_industry(const sl_scenario *s, const char *id);
/* Index of the rule set with this name, or -1. */
int sl_scenario_ruleset(const sl_scenario *s, const char *name);

/* The industry's chain label: its `chain`, else its id (a chain of its
 * own, docs/model.md §5). */
const char *sl_industry_chain(const sl_industry *d);

/* "Did you mean": the closest of names[0..n) (NULL entries skipped) to
 * word when it is a near miss by the rule of the scenario's own messages
 * (a few edits, fewer than half the name), else NULL.  The work is
 * bounded: *budget (comparison cells; NULL: the parser's own budget for
 * this one call) is spent and updated, so that many lookups share one
 * budget; once it is spent, names are no longer compared. */
#define SL_DID_YOU_MEAN_BUDGET 50000000L
const char *sl_did_you_mean(const char *word, const char *const *names, int n, long *budget);

const char *sl_kind_name(sl_kind k);
const char *sl_vibration_name(sl_vibration v);

#endif
