/*
 * rules.h - the rules engine: candidacy (低效工业用地), footprints and the
 * building envelope of a parcel under a rule set (docs/model.md §3-§4).
 * Pure arithmetic on areas; the geometry (the setback-shrunk parcel) is
 * measured by the loader and passed in as shrunk_area_m2.
 */
#ifndef SL_EVAL_RULES_H
#define SL_EVAL_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include "input/scenario.h"

/* Floor counts are capped here (no building has more storeys). */
#define SL_MAX_FLOORS 1000

/* ⌊x + 1e-9⌋: floor counts absorb floating-point noise (docs/model.md §9.10);
 * 0 for x <= 0 or NAN, at most SL_MAX_FLOORS. */
int sl_floor_count(double x);

/* Footprints of a parcel under rule set r (docs/model.md §4).
 * Invariants: office_m2 is 0 or at least office_floor_plate_min_m2 (a
 * smaller office plate is no office block: its share goes to the
 * factory); setback_ok is total_m2 >= coverage_min * area_m2;
 * floor_plate_ok is T - office_m2 >= factory_floor_plate_min_m2 (and > 0).
 * When floor_plate_ok, factory_m2 == total_m2 - office_m2; when not,
 * factory_m2 is 0 (the plate the parcel would have is total_m2 -
 * office_m2).  The parcel can be redeveloped only when setback_ok and
 * floor_plate_ok both hold: sl_footprints_redevelopable(). */
typedef struct sl_footprints {
    double shrunk_area_m2; /* geodesic area of the parcel shrunk by setback_m, or a
                              * lower bound of it when the bound already reaches
                              * coverage_max * area (T is the same either way) */
    double total_m2;       /* T = min(coverage_max * area, shrunk area) */
    double office_m2;      /* F_o */
    double factory_m2;     /* F_f = T - F_o */
    bool setback_ok;
    bool floor_plate_ok;
} sl_footprints;

void sl_footprints_compute(const sl_ruleset *r, double area_m2, double shrunk_area_m2,
                           sl_footprints *fp);
/* setback_ok && floor_plate_ok: the optimizer may redevelop the parcel. */
bool sl_footprints_redevelopable(const sl_footprints *fp);

/* Why a parcel's envelope stops where it does.  SL_BIND_SETBACK and
 * SL_BIND_FLOOR_PLATE: it cannot be redeveloped (max_gfa_m2 0); a parcel
 * failing both is SL_BIND_SETBACK (docs/model.md §9.14). */
typedef enum sl_binding {
    SL_BIND_FAR,
    SL_BIND_HEIGHT,
    SL_BIND_SETBACK,
    SL_BIND_FLOOR_PLATE
} sl_binding;
#define SL_N_BINDINGS 4
const char *sl_binding_name(sl_binding b);

/* What `evaluate` reports per rule set (docs/model.md §4, Envelope). */
typedef struct sl_envelope {
    int factory_floors; /* n_f */
    int office_floors;  /* n_o (0 when F_o = 0) */
    double factory_cap_m2;
    double office_cap_m2;
    double max_gfa_m2; /* 0 when binding is SL_BIND_SETBACK or SL_BIND_FLOOR_PLATE */
    sl_binding binding;
} sl_envelope;

void sl_envelope_compute(const sl_ruleset *r, double area_m2, const sl_footprints *fp,
                         sl_envelope *env);

/* Candidacy test (docs/model.md §3).  current_far and tax_per_mu_cny may be NAN
 * (unknown).  Writes the deciding tests in words to reason (always
 * NUL-terminated) and returns true for a candidate.  An unknown FAR fails
 * the FAR test and the reason names the fields of the scenario's mapping
 * (docs/model.md §2); a candidate by tax alone then also says
 * sl_reason_unknown_gfa_used().  Compared numbers get the digits that
 * tell them apart ("FAR 0.9999 below 1.00"). */
bool sl_candidacy(const sl_scenario *s, const char *land_use, double area_m2, double current_far,
                  double tax_per_mu_cny, char *reason, size_t reason_size);

/* The words that say a candidate's unknown current floor space is taken as
 * 0 by constraint 11 and the objective (evaluate's and plan's reasons), in
 * lang. */
const char *sl_reason_unknown_gfa_used(sl_lang lang);

#endif
