/*
 * layer_writer.h - output datasets and layers through OGR, shared by every
 * writer (parcels, floors, buildings).  GeoJSON files follow RFC 7946:
 * geometries are reprojected to WGS 84 with one cached transformation and
 * their rings oriented by the right-hand rule; other drivers (GPKG) keep
 * the source CRS.  A PostgreSQL/PostGIS database takes a run's layers as
 * tables, in one transaction, each row tagged with the run id and the
 * scenario name (docs/postgis.md).
 */
#ifndef SL_OUT_LAYER_WRITER_H
#define SL_OUT_LAYER_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <gdal.h>
#include <ogr_api.h>
#include "shanglou.h"

typedef struct sl_out_dataset sl_out_dataset;
typedef struct sl_out_layer sl_out_layer;

/* Create the dataset `path` with the OGR driver `driver` ("GeoJSON",
 * "GPKG", ...).  Returns NULL with a message naming the path (SL_ERR_IO).
 * Free with sl_out_dataset_close(). */
sl_out_dataset *sl_out_dataset_create(const char *path, const char *driver, sl_error *err);

/* Write the layers created from now on in EPSG:epsg: geometries given in
 * another CRS are reprojected (shanglou.gpkg of a geographic source, in
 * metres).  Nothing for GeoJSON (always WGS 84), PostgreSQL or epsg <= 0.
 * SL_ERR_IO with a message when PROJ does not know the code. */
sl_status sl_out_dataset_set_crs(sl_out_dataset *d, int epsg, sl_error *err);

/* How a run's tables meet the tables already in a PostgreSQL database. */
typedef enum sl_pg_mode {
    SL_PG_CREATE,    /* fail when a table of the run exists */
    SL_PG_OVERWRITE, /* drop and recreate the run's tables */
    SL_PG_APPEND     /* add the run's rows to existing tables (made when missing) */
} sl_pg_mode;

/* "create", "overwrite", "append". */
const char *sl_pg_mode_name(sl_pg_mode m);
/* The mode named s; false when s names none. */
bool sl_pg_mode_parse(const char *s, sl_pg_mode *m);

/* Default table prefix: tables shanglou_parcels, shanglou_floors, ... */
#define SL_PG_DEFAULT_PREFIX "shanglou_"

/* Can prefix name tables?  [SCHEMA.]PREFIX of lower-case ASCII letters,
 * digits and '_', not starting with a digit, PREFIX at most 48 bytes (it
 * may be empty): PostgreSQL takes such names unquoted, GDAL keeps them as
 * they are, and the longest layer name still fits in 63 bytes.
 * SL_PG_PREFIX_RULE says so to a user. */
bool sl_pg_prefix_valid(const char *prefix);
#define SL_PG_PREFIX_RULE                                                             \
    "use lower-case letters, digits and '_' (at most 48), optionally after a schema " \
    "name and a dot, e.g. shanglou_ or plans.run_"

/* A run id: the UTC time in ISO 8601 basic format and the process id,
 * e.g. "20240630T081502Z-4711" (a second call in the same process and
 * second adds "-2", "-3" ...).  Always NUL-terminates. */
void sl_out_run_id(char *buf, size_t size);

/* Open the PostgreSQL/PostGIS database conn ("PG:dbname=zone host=...")
 * for writing one run, inside one transaction: each layer a writer
 * creates becomes the table prefix + layer name ("shanglou_parcels"; a
 * prefix "plans.run_" writes into schema plans), with its geometries
 * under their SRID in a MultiPolygon column "geom" with a GiST index,
 * and columns run_id and scenario set on every row.  mode says what
 * happens to tables that exist.  Nothing is visible to others until
 * sl_out_dataset_close() commits; any failure, or
 * sl_out_dataset_abort(), rolls everything back.
 * Returns NULL with a message that names the connection with its
 * password hidden: SL_ERR_USAGE for a prefix or connection string that
 * cannot be used, SL_ERR_IO when the server cannot be reached, refuses
 * the login or has no PostGIS.  Free with sl_out_dataset_close() or
 * sl_out_dataset_abort(). */
sl_out_dataset *sl_out_dataset_open_pg(const char *conn, const char *prefix, sl_pg_mode mode,
                                       const char *run_id, const char *scenario, sl_error *err);

/* Close the dataset (flushing it; for PostgreSQL, committing the run's
 * transaction) and free its layers.  Returns SL_ERR_IO with a message
 * naming the path (or the connection, password hidden) when the driver
 * reported a failure; a PostgreSQL run is then rolled back.  err may be
 * NULL (then failures are silent).  NULL d is fine (SL_OK). */
sl_status sl_out_dataset_close(sl_out_dataset *d, sl_error *err);

/* Give up: nothing more is written, a PostgreSQL run is rolled back
 * (files are left to their owner, e.g. sl_outdir_abort()); frees d.
 * When a write had already failed its message goes to err (may be NULL).
 * NULL d is fine. */
void sl_out_dataset_abort(sl_out_dataset *d, sl_error *err);

/* A new layer; geometries will be given in srs (may be NULL).  Owned by
 * the dataset.  In a PostgreSQL dataset, a table that is in the way
 * fails here (mode create) with a message naming it; in mode append an
 * existing table is reused when its CRS is srs.  Layers and fields may
 * be added after writing began: the call waits for the features queued
 * so far to be written. */
sl_out_layer *sl_out_layer_create(sl_out_dataset *d, const char *name, OGRSpatialReferenceH srs,
                                  OGRwkbGeometryType type, sl_error *err);

/* Add a field; json marks a string field holding JSON (written as JSON by
 * the GeoJSON driver, as a json column into PostgreSQL).  Returns its
 * index (fields are numbered in the order they are added, whatever the
 * driver does), or -1.  Appending to an existing PostgreSQL table whose
 * column is missing or of another type, the index is still returned and
 * the run fails at its first write with a message naming the columns. */
int sl_out_layer_field(sl_out_layer *l, const char *name, OGRFieldType type, bool json);
/* Add a copy of an existing field definition (the source's own
 * attributes); returns its index or -1.  Appending to an existing
 * PostgreSQL table that lacks the column, returns -1: the table keeps the
 * attribute columns of the run that made it. */
int sl_out_layer_field_like(sl_out_layer *l, OGRFieldDefnH fd);
/* The index of a field by name, or -1. */
int sl_out_layer_field_index(const sl_out_layer *l, const char *name);
/* How many fields have been added. */
int sl_out_layer_field_count(const sl_out_layer *l);

/* A new empty feature of the layer (write it with sl_out_layer_write). */
OGRFeatureH sl_out_layer_feature(sl_out_layer *l);

/* Set geometry g (in the layer's source CRS; taken over, may be NULL) on f,
 * write f and destroy it.  `what` names the feature in messages.  Writing
 * happens on the dataset's writer thread, in call order: a failure shows
 * as its status (SL_ERR_IO, SL_ERR_NOMEM) from a later call, and its
 * message comes from sl_out_dataset_close().  Out of memory here returns
 * SL_ERR_NOMEM at once (f and g are destroyed).  Do not use the dataset's GDAL handles directly
 * once writing has begun. */
sl_status sl_out_layer_write(sl_out_layer *l, OGRFeatureH f, OGRGeometryH g, const char *what,
                             sl_error *err);

#endif
