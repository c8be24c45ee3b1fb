/*
 * layer_out.h - output datasets and layers through OGR, shared by every
 * writer (parcels, floors, buildings).  GeoJSON files follow RFC 7946:
 * geometries are reprojected to WGS 84 with one cached transformation and
 * their rings oriented by the right-hand rule; other drivers (GPKG) keep
 * the source CRS.
 */
#ifndef SL_LAYER_OUT_H
#define SL_LAYER_OUT_H

#include <stdbool.h>
#include <gdal.h>
#include <ogr_api.h>
#include "shanglou.h"

typedef struct sl_out_dataset sl_out_dataset;
typedef struct sl_out_layer sl_out_layer;

/* Create the dataset `path` with the OGR driver `driver` ("GeoJSON",
 * "GPKG", ...).  Returns NULL with a message naming the path (SL_ERR_IO).
 * Free with sl_out_dataset_close(). */
sl_out_dataset *sl_out_dataset_create(const char *path, const char *driver, sl_error *err);

/* Close the dataset (flushing it) and free its layers.  Returns SL_ERR_IO
 * with a message naming the path when the driver reported a failure.
 * err may be NULL (then failures are silent, e.g. when aborting). */
sl_status sl_out_dataset_close(sl_out_dataset *d, sl_error *err);

/* A new layer; geometries will be given in srs (may be NULL).  Owned by
 * the dataset. */
sl_out_layer *sl_out_layer_create(sl_out_dataset *d, const char *name, OGRSpatialReferenceH srs,
                                  OGRwkbGeometryType type, sl_error *err);

/* Add a field; json marks a string field holding JSON (written as JSON by
 * the GeoJSON driver).  Returns its index, or -1. */
int sl_out_layer_field(sl_out_layer *l, const char *name, OGRFieldType type, bool json);
/* Add a copy of an existing field definition; returns its index or -1. */
int sl_out_layer_field_like(sl_out_layer *l, OGRFieldDefnH fd);
/* The index of a field by name, or -1. */
int sl_out_layer_field_index(const sl_out_layer *l, const char *name);

/* A new empty feature of the layer (write it with sl_out_layer_write). */
OGRFeatureH sl_out_layer_feature(sl_out_layer *l);

/* Set geometry g (in the layer's source CRS; taken over, may be NULL) on f,
 * write f and destroy it.  `what` names the feature in messages.  Writing
 * happens on the dataset's writer thread, in call order: a failure shows
 * as SL_ERR_IO from a later call, and its message comes from
 * sl_out_dataset_close().  Do not use the dataset's GDAL handles directly
 * once writing has begun. */
sl_status sl_out_layer_write(sl_out_layer *l, OGRFeatureH f, OGRGeometryH g, const char *what,
                             sl_error *err);

#endif
