/*
 * buildings_layer.h - the buildings layer of a plan: one feature per block
 * (factory, office) of each redeveloped parcel, its footprint polygon with
 * its storey count and height, for a map of what gets built.
 */
#ifndef SL_OUT_BUILDINGS_LAYER_H
#define SL_OUT_BUILDINGS_LAYER_H

#include "out/layer_writer.h"
#include "plan/plan.h"
#include "eval/evaluate.h"

/* The buildings layer's `chain`: the building's one chain, or one of
 * these (docs/outputs.md). */
#define SL_THEME_SHARED  "配套 shared services"
#define SL_THEME_SEVERAL "多链 several chains"

/* The chain a redeveloped parcel's building is themed with: its one chain
 * (sl_parcel_plan_chains), else SL_THEME_SHARED (shared services only) or
 * SL_THEME_SEVERAL.  A pointer into the scenario or a constant. */
const char *sl_buildings_theme(const sl_scenario *sc, const sl_parcel_plan *pp);

typedef struct sl_buildings_writer sl_buildings_writer;

/* A layer "buildings" in the open dataset d, in the zone's source CRS,
 * with the fields parcel_id, block, floors, height_m, footprint_m2 and
 * gfa_m2.  Returns NULL with a message on failure; free with
 * sl_buildings_writer_close() (the dataset stays open). */
sl_buildings_writer *sl_buildings_writer_open_in(sl_out_dataset *d, const sl_zone *z,
                                                 sl_error *err);

/* Write the blocks of one redeveloped parcel that have storeys; factory and
 * office are their footprints in the source CRS (office may be NULL when
 * the office block is empty); they are not taken over. */
sl_status sl_buildings_writer_add(sl_buildings_writer *w, const sl_parcel *p,
                                  const sl_parcel_plan *pp, OGRGeometryH factory,
                                  OGRGeometryH office, sl_error *err);

/* Free w (NULL is fine); the dataset stays open. */
void sl_buildings_writer_close(sl_buildings_writer *w);

#endif
