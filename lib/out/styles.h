/*
 * styles.h - how shanglou's outputs look: the colour of each industry (one
 * colour family per chain, derived from the scenario), the colour of each
 * parcel status, and the QGIS styles (QML) stored as the default styles of
 * shanglou.gpkg's layers in its `layer_styles` table, the table QGIS itself
 * reads and writes, so that the layers open already styled.
 */
#ifndef SL_OUT_STYLES_H
#define SL_OUT_STYLES_H

#include <stdbool.h>
#include "input/scenario.h"

typedef struct sl_rgb {
    unsigned char r, g, b;
} sl_rgb;

/* The colour of each industry of the scenario, into out[n_industries].
 * Chains get colour families in the order they first appear in the
 * catalogue (greens, blues, oranges, purples, teals, reds, browns, pinks,
 * greys, then again); the industries of one chain run from dark to light
 * in catalogue order.  Deterministic: the same catalogue gives the same
 * colours in QGIS, the report and the stacking plans. */
void sl_style_industry_colours(const sl_scenario *sc, sl_rgb *out);

/* Index of the chain family of industry k (0 = first chain seen), and the
 * number of distinct chains. */
int sl_style_chain_index(const sl_scenario *sc, int k);
int sl_style_chain_count(const sl_scenario *sc);

/* The colour of a building themed with `theme` (a chain as
 * sl_industry_chain names it, SL_THEME_SHARED or SL_THEME_SEVERAL, as the
 * buildings layer's `chain`): the middle of its chain's colour family;
 * shared services only light grey, several chains (or a theme the
 * catalogue does not have) dark grey.  The buildings layer's QGIS style and
 * the report's map both take their colours from here. */
sl_rgb sl_style_theme_colour(const sl_scenario *sc, const char *theme);

/* Fill colour and bilingual legend label of a parcel status name
 * ("candidate", "redeveloped", "kept", "not_candidate", "rejected");
 * false for an unknown name. */
bool sl_style_status(const char *status, sl_rgb *fill, const char **label);

/* "#rrggbb" into buf (at least 8 bytes); returns buf. */
char *sl_rgb_hex(sl_rgb c, char *buf);

typedef enum sl_style_layer {
    SL_STYLE_PARCELS,         /* categorized by status, labels "id\nFAR" */
    SL_STYLE_BUILDINGS,       /* block outlines, labels "floors F / height m" */
    SL_STYLE_FLOORS,          /* categorized by industry; 3-D extrusion base_m..top_m */
    SL_STYLE_PARCELS_BY_START /* plan with phasing: graduated by start_year,
                                 labels "id\nstart year" */
} sl_style_layer;

/* The QGIS style (QML document) of one layer of shanglou.gpkg; plan_mode
 * chooses the parcel statuses and the FAR shown (planned or current).
 * Returns a heap string, NULL when out of memory.  Free with free(). */
char *sl_style_qml(sl_style_layer which, const sl_scenario *sc, bool plan_mode);

/* Add the table `layer_styles` (QGIS's schema) to the GeoPackage at path
 * and store a default style for each of its layers parcels, buildings and
 * floors that exists; a plan of a scenario with `phasing` (plan_mode and
 * sc->phasing.present) also gets a second, non-default style of parcels
 * named "parcels by start year" (SL_STYLE_PARCELS_BY_START).  Returns SL_ERR_IO with a message naming the path
 * when the file cannot be opened or written. */
sl_status sl_styles_write_gpkg(const char *path, const sl_scenario *sc, bool plan_mode,
                               sl_error *err);

#endif
