/*
 * evaluate.h - a loaded zone: one record per input feature with what evaluate
 * found (status, areas, envelopes) and what plan needs (the effective rule
 * set and footprints of each candidate).  Geometry is not kept: writers
 * stream the source a second time.
 */
#ifndef SL_EVAL_EVALUATE_H
#define SL_EVAL_EVALUATE_H

#include <math.h>
#include <ogr_api.h>
#include "eval/rules.h"
#include "input/scenario.h"

typedef enum sl_parcel_status {
    SL_PARCEL_CANDIDATE,
    SL_PARCEL_NOT_CANDIDATE,
    SL_PARCEL_REJECTED
} sl_parcel_status;
const char *sl_parcel_status_name(sl_parcel_status s);

/* Invariants: rejected parcels have env == NULL and plan_rules == NULL
 * (and a geometry for the writers only when geometry_kept);
 * others have env[n_rules] (NULL when the land use is not industrial) and
 * plan_rules pointing either to the scenario's plan rule set or (pinned
 * with rule overrides) to own_rules. */
typedef struct sl_parcel {
    long long fid; /* OGR feature id in the source */
    long long seq; /* 0-based position in the source */
    char *id;      /* NULL when the id field is null */
    char *land_use;
    sl_parcel_status status;
    char *reason;            /* never NULL */
    double area_m2;          /* NAN for rejected parcels without usable geometry */
    double current_gfa_m2;   /* NAN = unknown (docs/model.md §2): never read as 0;
                            * constraint 11 and the objective use
                            * sl_parcel_current_gfa_used() */
    double current_far;      /* NAN when current_gfa_m2 is */
    double tax_per_mu_cny;   /* NAN = null */
    double current_height_m; /* NAN = null / not mapped */
    sl_envelope *env;        /* per rule set of the scenario */
    double gain_m2;          /* max_gfa (plan rule set) - current_gfa; NAN when the
                              * current floor space is unknown (§9.17) */
    int pin;                 /* index into scenario pins, -1 none */
    int ready_year;          /* phasing: first possible start year; 0 = at once */
    const sl_ruleset *plan_rules;
    sl_ruleset *own_rules; /* pin overrides applied; NULL when none */
    sl_footprints plan_fp; /* footprints under plan_rules; the optimizer may
                            * redevelop the parcel only when
                            * sl_footprints_redevelopable(&plan_fp): the
                            * setback and the floor plates (docs/model.md §4); a
                            * floor-plate failure also reads factory_m2 0 */
    bool geometry_kept;    /* rejected (a duplicate id) but with a usable geometry,
                            * which the writers get (area_m2 is then known) */
    bool excluded;         /* plan.exclude lists its id: the plan keeps it as it
                            * is (evaluate still reports a candidate as
                            * candidate, its reason saying so) */
} sl_parcel;

/* The current floor space that constraint 11 and the objective use: 0 when
 * it is unknown (docs/model.md §2; the parcel's reason says so). */
static inline double sl_parcel_current_gfa_used(const sl_parcel *p)
{
    return isnan(p->current_gfa_m2) ? 0 : p->current_gfa_m2;
}

struct sl_source;
typedef struct sl_zone {
    const sl_scenario *sc; /* not owned */
    struct sl_source *src; /* the open parcel source */
    struct sl_idmap *ids;  /* id -> first parcel index */
    const char **exclude;  /* plan.exclude's ids, sorted (lookups) */
    int n_exclude;
    int n, cap;
    sl_parcel *p;
    char *crs_name; /* e.g. "EPSG:4547" or the CRS's name */
    char *driver;   /* OGR driver short name */
    char *layer_name;
    long long n_by_status[3];
    /* Neighbouring candidates (sl_zone_neighbours; NULL until then): the
     * neighbours of parcel i are nb[nb_start[i] .. nb_start[i + 1]), in
     * ascending order. */
    int *nb_start, *nb;
    double nb_distance_m;
    /* What the reading noticed that is not an error, one line each, for
     * the caller to show (docs/robustness.md): a mapping without current
     * floor space, parcels whose floor space is unknown, implausible values
     * (FAR above 20, negative areas or taxes, heights above 300 m) with
     * counts and examples.  Filled by sl_zone_open and sl_zone_read. */
    int n_warnings;
    char **warnings;
    struct sl_zone_notes *notes; /* private: counts while reading */
} sl_zone;

/* Open the scenario's parcel source and check the field mapping.  On
 * failure returns NULL with messages in err (SL_ERR_SOURCE or
 * SL_ERR_SCENARIO).  Free with sl_zone_destroy(). */
sl_zone *sl_zone_open(const sl_scenario *sc, sl_error *err);

/* Called once per input feature, in source order, with its record and its
 * usable geometry in the source CRS (NULL for rejected features without
 * one).  The feature is destroyed after the call, so fn may steal its
 * geometry (OGR_F_StealGeometry).  A non-OK return stops the reading with
 * that status. */
typedef sl_status (*sl_parcel_fn)(void *user_data, const sl_zone *z, const sl_parcel *p,
                                  OGRFeatureH f, OGRGeometryH geom);

/* Read every feature: status, areas, candidacy, envelopes, footprints,
 * plan.exclude.  fn may be NULL.  Fails (SL_ERR_SCENARIO) on text that is
 * not UTF-8 in a DBF of unknown encoding, on text that is not a number in a
 * field mapped as a number (after the whole reading: one message per field,
 * with a value, its feature and the count), on an id of plan.exclude that no
 * parcel has (after the whole reading: every such id is named, with a
 * "did you mean" when a parcel id is close), and with fn's status. */
sl_status sl_zone_read(sl_zone *z, sl_parcel_fn fn, void *user_data, sl_error *err);

/* Read the source again, calling fn with the records sl_zone_read made
 * (for writers that need the geometry after planning).  The records are
 * not changed; only the source's reading position moves. */
sl_status sl_zone_rescan(const sl_zone *z, sl_parcel_fn fn, void *user_data, sl_error *err);

void sl_zone_destroy(sl_zone *z);

/* Find the neighbouring candidates of the neighbour chain bonus
 * (docs/model.md §6, §9.15): two candidates are neighbours when the
 * distance between their polygons, in one metric CRS for the whole zone
 * (the layer's own when projected, else the Gauss-Krüger / UTM zone of its
 * centre), is at most distance_m.  Reads the source once more.  Call after
 * sl_zone_read, before planning; a zone without them has no neighbours. */
sl_status sl_zone_neighbours(sl_zone *z, double distance_m, sl_error *err);
/* Are parcels a and b neighbours (after sl_zone_neighbours)? */
bool sl_zone_are_neighbours(const sl_zone *z, int a, int b);

/* Over the candidates: the sum of max_gfa_m2 under rule set r and how many
 * are bound by FAR, height, setback and floor plate (indexed by
 * sl_binding). */
void sl_zone_rule_totals(const sl_zone *z, int r, double *max_gfa_m2,
                         long long bind[SL_N_BINDINGS]);
/* Index of the first parcel with this id (whatever its status), or -1. */
int sl_zone_find(const sl_zone *z, const char *id);

#endif
