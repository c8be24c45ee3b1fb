/*
 * geopackage.h - shanglou.gpkg, the planner's map in one file: the layer
 * parcels (the properties of parcels.geojson, in the source CRS) and, for a
 * plan, buildings (one footprint per block) and floors (one per storey),
 * with QGIS default styles stored in its layer_styles table (styles.h), so
 * that QGIS opens every layer already styled.
 */
#ifndef SL_OUT_GEOPACKAGE_H
#define SL_OUT_GEOPACKAGE_H

#include <stdbool.h>
#include "plan/plan.h"
#include "eval/evaluate.h"
#include "econ/economics.h"

/* The timestamp written into the file (gpkg_contents.last_change,
 * layer_styles.update_time): fixed, so that the same input gives a
 * byte-identical file. */
#define SL_GPKG_DATE "2000-01-01T00:00:00.000Z"

typedef struct sl_gpkg_writer sl_gpkg_writer;

/* Create the GeoPackage at path (a temporary name is fine) with its
 * layers: parcels; plan_mode adds the plan's properties and the layers
 * buildings and floors.  Returns NULL with a message naming the path on
 * failure (SL_ERR_IO).  Free with sl_gpkg_writer_close(). */
sl_gpkg_writer *sl_gpkg_writer_open(const char *path, const sl_zone *z, bool plan_mode,
                                    sl_error *err);

/* Write one parcel (src and geom as sl_parcel_fn gives them; geom may be
 * NULL).  The geometry is copied, never taken from src, so the caller can
 * hand it to another writer afterwards.  In plan mode pp is the parcel's
 * plan, and for a redeveloped parcel factory/office are its block
 * footprints (office NULL when the office block is empty), not taken
 * over. */
sl_status sl_gpkg_writer_add(sl_gpkg_writer *w, const sl_parcel *p, OGRFeatureH src,
                             OGRGeometryH geom, const sl_parcel_plan *pp, OGRGeometryH factory,
                             OGRGeometryH office, sl_error *err);

/* The economics of the parcels layer (sl_parcels_writer_set_economics). */
void sl_gpkg_writer_set_economics(sl_gpkg_writer *w, const sl_economics *e);

/* Finish the file: close its layers and, when they were written without
 * failure, store the QGIS styles.  w is freed whatever happens; returns
 * SL_ERR_IO with a message on failure (a failed write is reported here,
 * so pass err after a failed run too).  With err NULL (abandoning) nothing
 * is stored or reported.  NULL w is fine (SL_OK). */
sl_status sl_gpkg_writer_close(sl_gpkg_writer *w, sl_error *err);

#endif
