/* fuzz_geojson.c - libFuzzer target: arbitrary bytes as a GeoJSON parcel
 * source, read through a fixed scenario mapping, with evaluate's outputs
 * written to a temporary directory, as `shanglou evaluate` does.
 *
 * Checked on every input: no crash, leak or undefined behaviour; the run
 * either succeeds with one parcels.geojson feature per input feature, or
 * fails with a message and leaves the output directory empty. */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>

#include "out/outdir.h"
#include "out/parcels_layer.h"
#include "input/scenario.h"
#include "out/summary.h"
#include "eval/evaluate.h"

/* assert() that survives NDEBUG (the fuzz build is RelWithDebInfo). */
#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                 \
        }                                                                            \
    } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char work[256];     /* per-process scratch directory */
static char src_path[300]; /* work/p.geojson */
static char out_dir[300];  /* work/out */
static char *scenario_text;

/* ID, LU, FAR, GFA, TAX as in the project's tests; the CRS applies only
 * when the input names none. */
static const char scenario_fmt[] =
    "name: fuzz\n"
    "parcels:\n"
    "  source: %s\n"
    "  crs: EPSG:4547\n"
    "  fields: {id: ID, land_use: LU, current_far: FAR, current_gfa: GFA, tax: TAX}\n"
    "  industrial_land_uses: [M1, M2]\n"
    "candidacy: {far_below: 1.0, tax_per_mu_below_cny: 150000, min_area_m2: 100}\n"
    "rules:\n"
    "  before: {far_max: 1.0, factory_height_max_m: 24, office_height_max_m: 24}\n"
    "  after: {far_max: 3.0, setback_m: 5}\n"
    "pins:\n"
    "  - {parcel: P1, industry: dev, min_gfa_m2: 100, rules: {setback_m: 8}}\n"
    "industries:\n"
    "  - {id: dev, name: d, chain: c, kind: production, floor_height_m: 5.4,\n"
    "     floor_load_kN_m2: 10, lift_t: 2, vibration: none, fire_class: C,\n"
    "     trips_per_1000m2_day: 4}\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* tmpfs when there is one: outdir fsyncs every file it commits. */
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(work, sizeof work, "%s/slfuzz-XXXXXX", base);
    if (!mkdtemp(work))
        abort();
    snprintf(src_path, sizeof src_path, "%s/p.geojson", work);
    snprintf(out_dir, sizeof out_dir, "%s/out", work);
    size_t n = sizeof scenario_fmt + strlen(src_path);
    scenario_text = malloc(n);
    snprintf(scenario_text, n, scenario_fmt, src_path);
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    /* Keep GDAL from fetching anything or caching across inputs. */
    CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1");
    CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".none");
    CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "10");
    return 0;
}

static sl_status write_parcel(void *user, const sl_zone *z, const sl_parcel *p, OGRFeatureH f,
                              OGRGeometryH geom)
{
    (void)z;
    void **ctx = user;
    return sl_parcels_writer_add(ctx[0], p, f, geom, NULL, ctx[1]);
}

/* Number of entries in out_dir (0 when it does not exist). */
static int entries(void)
{
    DIR *d = opendir(out_dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void clean(void)
{
    char p[400];
    snprintf(p, sizeof p, "%s/parcels.geojson", out_dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/summary.json", out_dir);
    unlink(p);
    rmdir(out_dir);
    unlink(src_path);
}

/* Features in an RFC 7946 file written by GDAL: one per line. */
static long count_features(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    long n = 0;
    char line[64];
    int at_start = 1;
    while (fgets(line, sizeof line, f)) {
        if (at_start && strncmp(line, "{ \"type\": \"Feature\"", 19) == 0)
            n++;
        at_start = strchr(line, '\n') != NULL;
    }
    fclose(f);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(src_path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);

    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_parse("/fuzz/s.yaml", scenario_text, strlen(scenario_text), &err);
    CHECK(sc);
    sl_zone *z = NULL;
    sl_outdir *od = NULL;
    sl_parcels_writer *w = NULL;
    sl_status st = SL_OK;
    if (!(z = sl_zone_open(sc, &err)) || !(od = sl_outdir_begin(out_dir, &err))) {
        st = err.code;
        goto done;
    }
    const char *gj = sl_outdir_file(od, "parcels.geojson");
    const char *sj = sl_outdir_file(od, "summary.json");
    if (!(w = sl_parcels_writer_open(gj, "GeoJSON", z, false, &err))) {
        st = err.code;
        goto done;
    }
    void *ctx[2] = {w, &err};
    st = sl_zone_read(z, write_parcel, ctx, &err);
    sl_status cst = sl_parcels_writer_close(w, &err);
    w = NULL;
    if (st == SL_OK)
        st = cst;
    if (st == SL_OK)
        st = sl_summary_write(sj, z, NULL, &err);
    if (st == SL_OK) {
        st = sl_outdir_commit(od, &err);
        od = NULL;
    }
done:
    if (w)
        sl_parcels_writer_close(w, NULL);
    sl_outdir_abort(od);
    if (st == SL_OK) {
        /* docs/model.md §2: every input feature is in the output. */
        char p[400];
        snprintf(p, sizeof p, "%s/parcels.geojson", out_dir);
        long n = count_features(p);
        if (n != z->n) {
            fprintf(stderr, "parcels.geojson holds %ld features for %d parcels\n", n, z->n);
            abort();
        }
        long long sum = 0;
        for (int i = 0; i < 3; i++)
            sum += z->n_by_status[i];
        CHECK(sum == z->n);
        for (int i = 0; i < z->n; i++)
            CHECK(z->p[i].reason);
    } else {
        /* A failed run names its problem and leaves nothing behind. */
        CHECK(err.n > 0 && err.code != SL_OK);
        if (entries() != 0) {
            fprintf(stderr, "a failed run left files in %s\n", out_dir);
            abort();
        }
    }
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
    clean();
    return 0;
}
