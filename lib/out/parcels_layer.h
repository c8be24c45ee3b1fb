/*
 * parcels_layer.h - writing the parcels layer (one feature per input
 * feature) through any OGR driver: GeoJSON (RFC 7946) for parcels.geojson,
 * GPKG for shanglou.gpkg.  The reading side is input/source.h.
 */
#ifndef SL_OUT_PARCELS_LAYER_H
#define SL_OUT_PARCELS_LAYER_H

#include <gdal.h>
#include "out/layer_writer.h"
#include "plan/plan.h"
#include "eval/evaluate.h"
#include "econ/economics.h"

typedef struct sl_parcels_writer sl_parcels_writer;

/* Create `path` with the OGR driver `driver` ("GeoJSON" writes RFC 7946,
 * reprojected to WGS 84).  plan_mode adds the plan's properties.  The
 * source layer's own fields follow ours, except those whose names clash.
 * Returns NULL with a message naming the path on failure (SL_ERR_IO).
 * Free with sl_parcels_writer_close(). */
sl_parcels_writer *sl_parcels_writer_open(const char *path, const char *driver, const sl_zone *z,
                                          bool plan_mode, sl_error *err);

/* The same, as a layer "parcels" of an open dataset (e.g. shanglou.gpkg);
 * closing the writer then leaves the dataset open. */
sl_parcels_writer *sl_parcels_writer_open_in(sl_out_dataset *d, const sl_zone *z, bool plan_mode,
                                             sl_error *err);

/* Write one parcel; geom may be NULL (written as null geometry); pp is the
 * parcel's plan in plan mode, else NULL.  When geom is src's own geometry
 * it is taken from src (src is about to be destroyed). */
sl_status sl_parcels_writer_add(sl_parcels_writer *w, const sl_parcel *p, OGRFeatureH src,
                                OGRGeometryH geom, const sl_parcel_plan *pp, sl_error *err);

/* When the scenario has `economics`, the layer has the field `grade` and,
 * in plan mode, the §11 fields capex_cny .. grade_after (docs/outputs.md);
 * they are filled from e (one entry per zone parcel; not owned, must
 * outlive the writes), or null until this is called. */
void sl_parcels_writer_set_economics(sl_parcels_writer *w, const sl_economics *e);

/* Close (flushing the file) and free w; returns SL_ERR_IO when the driver
 * failed.  NULL w is fine (SL_OK). */
sl_status sl_parcels_writer_close(sl_parcels_writer *w, sl_error *err);

/* The column header of the parcels layer's field `name` in sc's language
 * (sc->lang): the name itself in English; in Chinese the table's words
 * with the unit, e.g. 用地面积(m²), and "<rule set>_最大建筑面积(m²)" for
 * the per-rule-set fields.  The source's own fields keep their names.
 * Returns name, a string of the translation table, or buf. */
const char *sl_parcels_field_header(const sl_scenario *sc, const char *name, char *buf,
                                    size_t size);

/* Round to 0.01 (areas in outputs). */
double sl_round2(double x);

#endif
