/*
 * floors_layer.h - the floors layer of a plan: one feature per storey with
 * its block's footprint polygon, base and top heights (docs/outputs.md).
 */
#ifndef SL_OUT_FLOORS_LAYER_H
#define SL_OUT_FLOORS_LAYER_H

#include "out/layer_writer.h"
#include "plan/plan.h"
#include "eval/evaluate.h"

typedef struct sl_floors_writer sl_floors_writer;

/* A layer "floors" in the open dataset d, in the zone's source CRS.
 * Returns NULL with a message on failure; free with
 * sl_floors_writer_close() (the dataset stays open). */
sl_floors_writer *sl_floors_writer_open_in(sl_out_dataset *d, const sl_zone *z, sl_error *err);

/* Write the storeys of one redeveloped parcel; factory and office are the
 * block footprints in the source CRS (office may be NULL when the plan
 * has no office storeys); they are not taken over. */
sl_status sl_floors_writer_add(sl_floors_writer *w, const sl_parcel *p, const sl_parcel_plan *pp,
                               OGRGeometryH factory, OGRGeometryH office, sl_error *err);

/* Free w (NULL is fine); the dataset stays open. */
void sl_floors_writer_close(sl_floors_writer *w);

#endif
