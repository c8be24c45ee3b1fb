/*
 * source.h - reading parcels from any OGR vector source (Shapefile,
 * GeoPackage, GeoJSON, FlatGeobuf, PostGIS "PG:" strings ...): opening with
 * the right attribute encoding, the CRS, geometry checks and repair, and
 * geodesic areas through PROJ (docs/model.md §2).
 */
#ifndef SL_INPUT_SOURCE_H
#define SL_INPUT_SOURCE_H

#include <stdbool.h>
#include <gdal.h>
#include <ogr_api.h>
#include "shanglou.h"

typedef struct sl_source sl_source;

typedef struct sl_source_options {
    const char *source;   /* dataset name or path (required) */
    const char *layer;    /* NULL: the first layer; an SQL query when
                                sl_is_sql_query() says so */
    const char *crs;      /* wins over the source's own CRS (a wrong .prj) */
    const char *encoding; /* used only for DBFs without .cpg */
    bool need_crs;        /* fail when no CRS can be found */
} sl_source_options;

/* Open a source.  On failure returns NULL and adds a message naming the
 * source (passwords hidden).  Codes: SL_ERR_SOURCE (cannot open/read,
 * cannot connect), SL_ERR_SCENARIO (no CRS and none given, bad crs or
 * encoding value, no such layer, a layer query that fails).
 * Free with sl_source_destroy(). */
sl_source *sl_source_open(const sl_source_options *o, sl_error *err);
void sl_source_destroy(sl_source *s);

OGRLayerH sl_source_layer(const sl_source *s);
/* The layer's name, or the SQL query it was made by. */
const char *sl_source_layer_name(const sl_source *s);
/* Is a parcels.layer value an SQL query rather than a layer name?  True
 * when it starts, after blanks, with SELECT or WITH (any case) followed by
 * a blank or '('.  The query is run with GDALDatasetExecuteSQL: in the
 * database's own SQL for PG: sources, GDAL's SQL dialects for files. */
bool sl_is_sql_query(const char *layer);
GDALDatasetH sl_source_dataset(const sl_source *s);
/* The source name with passwords hidden, for messages. */
const char *sl_source_label(const sl_source *s);
/* Layer CRS (NULL when none and none given); owned by the source. */
OGRSpatialReferenceH sl_source_srs(const sl_source *s);
/* "EPSG:4547"-style name, or the CRS's name. */
const char *sl_source_crs_name(const sl_source *s);
/* The source's own CRS ("EPSG:4326"-style) when parcels.crs replaced a
 * different one, else NULL; for the caller's warning. */
const char *sl_source_crs_overridden(const sl_source *s);
/* The CRS the map (shanglou.gpkg) is written in, as an EPSG code: 0 for a
 * projected layer (kept in its own CRS); for a geographic one, the local
 * metric CRS of the layer's centre, so that QGIS measures metres: the
 * CGCS2000 3-degree Gauss-Krüger zone by central meridian (EPSG:4534-4554)
 * inside China's extent (73.5-136.5°E, 3-54°N), else the WGS 84 UTM zone
 * (EPSG:326xx north, 327xx south).  Reads the layer's extent once. */
int sl_source_map_epsg(sl_source *s);
const char *sl_source_driver(const sl_source *s);
/* Text fields must be checked for valid UTF-8 (DBF with unknown encoding). */
bool sl_source_check_utf8(const sl_source *s);
/* The encoding GDAL decodes the layer's text from ("CP1252", "GBK" ...) and
 * in *declared_by who said so ("the .cpg file", "the DBF's language driver
 * id", "parcels.encoding"); NULL when text is taken as UTF-8 as it is. */
const char *sl_source_encoding(const sl_source *s, const char **declared_by);
/* Text of a layer decoded from a single-byte code page (CP1252 ...) that
 * looks like GBK bytes misread in that code page: *gbk gets the text read
 * as GBK (free with CPLFree()).  False, *gbk NULL, otherwise. */
bool sl_source_text_misdecoded(const sl_source *s, const char *text, char **gbk);
/* Reset reading to the first feature. */
void sl_source_rewind(sl_source *s);

/* Geometry of a feature made fit for measuring, or why not.
 * SL_GEOM_OK: *out is the feature's own geometry (do not free);
 * SL_GEOM_REPAIRED: *out is a new repaired geometry (caller destroys);
 * otherwise *out is NULL and `why` says what is wrong. */
typedef enum sl_geom_verdict { SL_GEOM_OK, SL_GEOM_REPAIRED, SL_GEOM_REJECTED } sl_geom_verdict;
sl_geom_verdict sl_source_geometry(sl_source *s, OGRFeatureH f, OGRGeometryH *out, char *why,
                                   size_t why_size);

/* Geodesic area (m²) of a polygonal geometry in the source CRS, on the
 * ellipsoid of its geographic CRS, holes subtracted, parts summed; the
 * geodesic length of all its rings goes to *perimeter_m (may be NULL).
 * Returns NAN and fills why when the coordinates cannot be transformed or
 * lie outside the CRS's area of use. */
double sl_source_area_m2(sl_source *s, OGRGeometryH g, double *perimeter_m, char *why,
                         size_t why_size);

/* A polygon of one strictly convex simple ring (no holes, no collinear or
 * repeated points, at most 63 vertices)?  Such a ring is valid, and its
 * inward buffer by d keeps at least area - perimeter * d. */
bool sl_geom_convex(OGRGeometryH g);

/* The geometry shrunk inward by setback_m, buffered in a metric CRS (the
 * layer's own when projected, else the local CGCS2000 Gauss-Krüger or UTM
 * zone).  Returns the geodesic area of the result (0 when nothing is left)
 * and, when shrunk is not NULL, the result in the source CRS (caller
 * destroys; NULL when empty). */
double sl_source_shrunk_area_m2(sl_source *s, OGRGeometryH g, double setback_m,
                                OGRGeometryH *shrunk);

/* One metric frame for the whole layer (docs/model.md §9.15): for a
 * projected layer *ct = NULL and *metres_per_unit its linear unit; for a
 * geographic one *ct transforms the source CRS to the CGCS2000 3° Gauss-
 * Krüger zone (inside China) or the UTM zone of (lon0, lat0), the layer's
 * centre, and *metres_per_unit = 1.  The caller destroys *ct.  SL_OK or
 * SL_ERR_SOURCE with a message. */
sl_status sl_source_metric_frame(sl_source *s, double lon0, double lat0,
                                 OGRCoordinateTransformationH *ct, double *metres_per_unit,
                                 sl_error *err);

/* Valid UTF-8? */
bool sl_utf8_valid(const char *s);

#endif
