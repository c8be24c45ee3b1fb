/* floors_layer.c - one feature per storey of the plan. */
#include "out/floors_layer.h"

#include <stdio.h>
#include <stdlib.h>

#include "input/source.h"
#include "out/parcels_layer.h"

enum {
    F_PARCEL,
    F_BLOCK,
    F_LEVEL,
    F_INDUSTRY,
    F_NAME,
    F_CHAIN,
    F_KIND,
    F_BASE,
    F_HEIGHT,
    F_TOP,
    F_GFA,
    F_N
};

static const struct {
    const char *name;
    OGRFieldType type;
} fields[F_N] = {
    {"parcel_id", OFTString}, {"block", OFTString},         {"level", OFTInteger},
    {"industry", OFTString},  {"industry_name", OFTString}, {"chain", OFTString},
    {"kind", OFTString},      {"base_m", OFTReal},          {"height_m", OFTReal},
    {"top_m", OFTReal},       {"gfa_m2", OFTReal},
};

struct sl_floors_writer {
    sl_out_layer *layer;
    const sl_zone *z;
};

sl_floors_writer *sl_floors_writer_open_in(sl_out_dataset *d, const sl_zone *z, sl_error *err)
{
    sl_floors_writer *w = calloc(1, sizeof *w);
    if (!w) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return NULL;
    }
    w->z = z;
    w->layer = sl_out_layer_create(d, "floors", sl_source_srs(z->src), wkbUnknown, err);
    bool ok = w->layer != NULL;
    for (int i = 0; ok && i < F_N; i++)
        ok = sl_out_layer_field(w->layer, fields[i].name, fields[i].type, false) == i;
    if (!ok) {
        if (w->layer)
            sl_error_add(err, SL_ERR_IO, "cannot create the fields of the floors layer");
        free(w);
        return NULL;
    }
    return w;
}

sl_status sl_floors_writer_add(sl_floors_writer *w, const sl_parcel *p, const sl_parcel_plan *pp,
                               OGRGeometryH factory, OGRGeometryH office, sl_error *err)
{
    const sl_scenario *sc = w->z->sc;
    double base[2] = {0, 0};
    for (int i = 0; i < pp->n_storeys; i++) {
        const sl_storey *st = &pp->storeys[i];
        const sl_industry *ind = &sc->industries[st->industry];
        OGRGeometryH fp = st->block == SL_BLOCK_OFFICE ? office : factory;
        OGRFeatureH f = sl_out_layer_feature(w->layer);
        OGR_F_SetFieldString(f, F_PARCEL, p->id);
        OGR_F_SetFieldString(f, F_BLOCK, sl_block_name(st->block));
        OGR_F_SetFieldInteger(f, F_LEVEL, st->level);
        OGR_F_SetFieldString(f, F_INDUSTRY, ind->id);
        OGR_F_SetFieldString(f, F_NAME, ind->name ? ind->name : ind->id);
        OGR_F_SetFieldString(f, F_CHAIN, ind->chain ? ind->chain : "");
        OGR_F_SetFieldString(f, F_KIND, sl_kind_name(ind->kind));
        double b = base[st->block];
        OGR_F_SetFieldDouble(f, F_BASE, sl_round2(b));
        OGR_F_SetFieldDouble(f, F_HEIGHT, sl_round2(st->height_m));
        OGR_F_SetFieldDouble(f, F_TOP, sl_round2(b + st->height_m));
        OGR_F_SetFieldDouble(f, F_GFA, sl_round2(st->gfa_m2));
        base[st->block] = b + st->height_m;
        char what[300];
        snprintf(what, sizeof what, "storey %d of the %s block of parcel %s", st->level,
                 sl_block_name(st->block), p->id);
        sl_status s = sl_out_layer_write(w->layer, f, fp ? OGR_G_Clone(fp) : NULL, what, err);
        if (s != SL_OK)
            return s;
    }
    return SL_OK;
}

void sl_floors_writer_close(sl_floors_writer *w)
{
    free(w);
}
