/*
 * csv.h - a layer's attributes as CSV for spreadsheets (parcels.csv):
 * UTF-8 with a byte-order mark, so that Excel on a Chinese Windows shows
 * the Chinese names instead of reading the bytes as GBK; RFC 4180 quoting;
 * no geometry.
 */
#ifndef SL_OUT_CSV_H
#define SL_OUT_CSV_H

#include "shanglou.h"
#include "input/scenario.h"

/* Write the attributes of layer `layer` of the vector dataset `src_path`
 * (e.g. the just written shanglou.gpkg) to csv_path: a header row of field
 * names, then one row per feature in layer order; null is an empty field;
 * numbers as OGR prints them.  Returns SL_ERR_IO with a message naming the
 * failing path. */
sl_status sl_csv_write_layer(const char *src_path, const char *layer, const char *csv_path,
                             sl_error *err);

/* The same for the parcels layer, with headers in the scenario's language
 * (sc->lang; sl_parcels_field_header): Chinese words with units for
 * shanglou's own fields.  sc NULL: the field names. */
sl_status sl_csv_write_layer_for(const char *src_path, const char *layer, const char *csv_path,
                                 const sl_scenario *sc, sl_error *err);

#endif
