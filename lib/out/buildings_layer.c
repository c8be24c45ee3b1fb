/* buildings_layer.c - one feature per block of the plan. */
#include "out/buildings_layer.h"

#include <stdio.h>
#include <stdlib.h>

#include "input/source.h"
#include "out/parcels_layer.h"

enum { F_PARCEL, F_BLOCK, F_FLOORS, F_HEIGHT, F_FOOTPRINT, F_GFA, F_CHAIN, F_N };

static const struct {
    const char *name;
    OGRFieldType type;
} fields[F_N] = {
    {"parcel_id", OFTString},  {"block", OFTString}, {"floors", OFTInteger}, {"height_m", OFTReal},
    {"footprint_m2", OFTReal}, {"gfa_m2", OFTReal},  {"chain", OFTString},
};

struct sl_buildings_writer {
    sl_out_layer *layer;
    const sl_scenario *sc;
};

const char *sl_buildings_theme(const sl_scenario *sc, const sl_parcel_plan *pp)
{
    const char *chains[2];
    int n = sl_parcel_plan_chains(sc, pp, chains, 2);
    return n == 1 ? chains[0] : n == 0 ? SL_THEME_SHARED : SL_THEME_SEVERAL;
}

sl_buildings_writer *sl_buildings_writer_open_in(sl_out_dataset *d, const sl_zone *z, sl_error *err)
{
    sl_buildings_writer *w = calloc(1, sizeof *w);
    if (!w) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return NULL;
    }
    w->sc = z->sc;
    w->layer = sl_out_layer_create(d, "buildings", sl_source_srs(z->src), wkbUnknown, err);
    bool ok = w->layer != NULL;
    for (int i = 0; ok && i < F_N; i++)
        ok = sl_out_layer_field(w->layer, fields[i].name, fields[i].type, false) == i;
    if (!ok) {
        if (w->layer)
            sl_error_add(err, SL_ERR_IO, "cannot create the fields of the buildings layer");
        free(w);
        return NULL;
    }
    return w;
}

sl_status sl_buildings_writer_add(sl_buildings_writer *w, const sl_parcel *p,
                                  const sl_parcel_plan *pp, OGRGeometryH factory,
                                  OGRGeometryH office, sl_error *err)
{
    static const sl_block blocks[] = {SL_BLOCK_FACTORY, SL_BLOCK_OFFICE};
    for (int b = 0; b < 2; b++) {
        int floors = b ? pp->office_floors : pp->factory_floors;
        OGRGeometryH fp = b ? office : factory;
        if (floors <= 0)
            continue;
        double gfa = 0, footprint = 0;
        for (int i = 0; i < pp->n_storeys; i++) {
            if (pp->storeys[i].block == blocks[b]) {
                gfa += pp->storeys[i].gfa_m2;
                footprint = pp->storeys[i].gfa_m2;
            }
        }
        OGRFeatureH f = sl_out_layer_feature(w->layer);
        OGR_F_SetFieldString(f, F_PARCEL, p->id);
        OGR_F_SetFieldString(f, F_BLOCK, sl_block_name(blocks[b]));
        OGR_F_SetFieldInteger(f, F_FLOORS, floors);
        OGR_F_SetFieldDouble(f, F_HEIGHT,
                             sl_round2(b ? pp->office_height_m : pp->factory_height_m));
        OGR_F_SetFieldDouble(f, F_FOOTPRINT, sl_round2(footprint));
        OGR_F_SetFieldDouble(f, F_GFA, sl_round2(gfa));
        /* the building's theme (the parcels layer lists its chains) */
        OGR_F_SetFieldString(f, F_CHAIN, sl_buildings_theme(w->sc, pp));
        char what[300];
        snprintf(what, sizeof what, "the %s block of parcel %s", sl_block_name(blocks[b]), p->id);
        sl_status s = sl_out_layer_write(w->layer, f, fp ? OGR_G_Clone(fp) : NULL, what, err);
        if (s != SL_OK)
            return s;
    }
    return SL_OK;
}

void sl_buildings_writer_close(sl_buildings_writer *w)
{
    free(w);
}
