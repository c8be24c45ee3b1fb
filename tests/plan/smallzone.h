/*
 * smallzone.h - seeded small zones with every rule switched on (vibration,
 * heavy lifts, loads, trips, office share, links, demand ranges, a pin),
 * small enough for brute force and for glpsol on the compact MIP:
 * factory blocks of at most 4 storeys, office blocks of at most 3.
 */
#ifndef SL_TEST_SMALLZONE_H
#define SL_TEST_SMALLZONE_H

#include "tzone.h"

/* Small zones with everything switched on, small enough for brute force:
 * factory blocks of at most 4 storeys, office blocks of at most 3. */
static inline void small_zone(tz *t, unsigned seed)
{
    unsigned long long s = seed * 2654435761ull + 12345;
    tz_init(t);
    t->rules.factory_height_max_m = 20;
    t->rules.office_height_max_m = 12.6;
    t->rules.far_max = 2.0;
    t->rules.freight_trips_per_day_max = 40;
    t->rules.office_gfa_share_max = 0.2;
    const char *ids[] = {"mfg", "rnd", "hq", "store", "press"};
    sl_kind kinds[] = {SL_KIND_PRODUCTION, SL_KIND_RND, SL_KIND_OFFICE, SL_KIND_WAREHOUSE,
                       SL_KIND_PRODUCTION};
    double fh[] = {4.5, 4.2, 4.2, 5.4, 6.0};
    for (int i = 0; i < 5; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        int k = tz_ind(t, ids[i], kinds[i], fh[i], 1.0 + (double)((s >> 33) % 6) / 10);
        t->ind[k].trips_per_1000m2_day = (double)((s >> 40) % 8);
    }
    t->ind[4].vibration = SL_VIB_SOURCE;
    t->ind[1].vibration = SL_VIB_SENSITIVE;
    t->ind[4].lift_t = 5;
    t->ind[3].floor_load_kN_m2 = 14;
    tz_link(t, 0, 1, 1.0);
    tz_link(t, 1, 2, 0.5);
    tz_link(t, 3, 0, 1.5);
    double areas[] = {6000, 9000, 4500};
    for (int k = 0; k < 3; k++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        static const char *pids[] = {"A", "B", "C"};
        tz_parcel(t, pids[k], areas[k] + (double)((s >> 35) % 2000), (double)((s >> 20) % 4000),
                  areas[k] * 0.8);
    }
    if (seed % 2)
        t->ind[(seed / 2) % 5].demand_max_m2 = 6000 + 1000 * (seed % 5);
    if (seed % 3 == 0)
        t->ind[1].demand_min_m2 = 3000;
    if (seed % 4 == 1)
        tz_pin(t, "B", 3, 4000, 0);
}

#endif
