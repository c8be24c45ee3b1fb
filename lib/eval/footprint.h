/*
 * footprint.h - the footprint polygons of a redeveloped parcel: the factory
 * block and the office block, inside the parcel shrunk by the setback,
 * not overlapping, each with its footprint area (docs/model.md §4).
 */
#ifndef SL_EVAL_FOOTPRINT_H
#define SL_EVAL_FOOTPRINT_H

#include <ogr_api.h>
#include "input/source.h"

/* Cut the parcel geometry g (source CRS), shrunk inward by setback_m, into
 * a factory footprint of factory_m2 and an office footprint of office_m2
 * (geodesic areas, to 0.01 %): two strips across the shrunk parcel's
 * longest side, the factory from one end and the office from the other,
 * so they never overlap.  *office is NULL when office_m2 is 0.  Returns
 * SL_ERR_SOURCE with a message naming parcel_id when the shrunk parcel is
 * smaller than the two together.  The caller destroys both geometries. */
sl_status sl_footprint_polygons(sl_source *src, OGRGeometryH g, const char *parcel_id,
                                double setback_m, double factory_m2, double office_m2,
                                OGRGeometryH *factory, OGRGeometryH *office, sl_error *err);

#endif
