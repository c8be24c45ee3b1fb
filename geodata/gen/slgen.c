/*
 * slgen.c - generator of synthetic parcel layers for shanglou.
 *
 *   slgen shahe DIR     the bundled sample zone, modelled on the street grid
 *                       and land-use mix of 沙河组团 (章贡高新区, Ganzhou):
 *                       DIR/parcels.shp in EPSG:4547 with a GBK-encoded DBF.
 *   slgen bench N DIR   a zone of N parcels with the same schema (UTF-8), for
 *                       benchmarks; written feature by feature in constant
 *                       memory to any OGR driver.
 *
 * The data are synthetic: no field is a survey value.  Every random draw
 * comes from splitmix64 seeded by a fixed constant (or --seed), and every
 * lot draws from its own stream keyed by its block and lot number, so the
 * same arguments give byte-identical files and changing one lot's rules
 * does not reshuffle the rest.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#define EXIT_IO    1
#define EXIT_USAGE 2

/* The zone's centre: 沙河组团 lies about here, 0.9° east of the CM 114E
 * central meridian of EPSG:4547. */
#define CENTRE_LON 114.9
#define CENTRE_LAT 25.85
#define GEO_EPSG   4490 /* CGCS2000 geographic */
#define GK_EPSG    4547 /* CGCS2000 / 3-degree Gauss-Kruger CM 114E */
/* The street grid runs about 11.5° anticlockwise from east-west. */
#define GRID_ROTATION_DEG 11.5
/* Written into the DBF header instead of today's date, for reproducibility. */
#define DBF_DATE        "2024-06-30"
#define FIXED_TIMESTAMP "2024-06-30T00:00:00.000Z"

#define SHAHE_SEED UINT64_C(0x5348414845) /* "SHAHE" */
#define BENCH_SEED UINT64_C(20240630)

#define MU_M2      (10000.0 / 15.0)
#define MIN_LOT_M2 3000.0 /* smallest lot the partition makes */
#define MIN_SIDE_M 45.0   /* narrowest lot side the partition makes */
#define CHAMFER_M  12.0   /* corner truncation (切角) at arterial crossings */

#define USAGE_LINES                                           \
    "usage: slgen shahe DIR\n"                                \
    "       slgen bench N DIR [--format DRIVER] [--seed S]\n" \
    "       slgen --help\n"
static const char USAGE_SHORT[] = USAGE_LINES;
static const char USAGE[] =
    USAGE_LINES "\n"
                "  shahe   write the sample zone (synthetic, modelled on 沙河组团 of\n"
                "          章贡高新区) to DIR/parcels.shp: EPSG:4547, DBF in GBK with a .cpg\n"
                "  bench   write a synthetic zone of N parcels (same fields, UTF-8) to\n"
                "          DIR/parcels.<ext>; DRIVER is an OGR driver name (default\n"
                "          \"ESRI Shapefile\"; e.g. GPKG, GeoJSON, FlatGeobuf); S is the\n"
                "          random seed (default 20240630)\n"
                "\n"
                "DIR is created if missing; an existing parcels.* there is replaced.\n"
                "Same arguments give byte-identical files.\n";

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64.                                         */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_u64(rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A stream of its own for (seed, a, b): lots and blocks draw from these. */
static rng rng_for(uint64_t seed, uint64_t a, uint64_t b)
{
    rng r = {seed};
    r.s ^= rng_u64(&r) + a * UINT64_C(0xD1B54A32D192ED03);
    r.s ^= rng_u64(&r) + b * UINT64_C(0x8CB92BA72F3D8DD7);
    (void)rng_u64(&r);
    return r;
}

/* Uniform in [0, 1). */
static double rng_unit(rng *r)
{
    return (double)(rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_range(rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_unit(r);
}

static bool rng_chance(rng *r, double p)
{
    return rng_unit(r) < p;
}

static int rng_below(rng *r, int n)
{
    return (int)(rng_unit(r) * n);
}

/* Approximately standard normal (Irwin-Hall, 12 terms): no libm calls, so
 * the draws are the same on every platform. */
static double rng_normal(rng *r)
{
    double s = 0;
    for (int i = 0; i < 12; i++)
        s += rng_unit(r);
    return s - 6.0;
}

static int rng_weighted(rng *r, const int *w, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    int x = rng_below(r, total);
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

static double round_to(double v, double step)
{
    return round(v / step) * step;
}

/* ------------------------------------------------------------------ */
/* Tables: land uses, industries, enterprise-name parts.               */

typedef enum lu_id {
    LU_M1,
    LU_M2,
    LU_100101,
    LU_100102,
    LU_B1,
    LU_R2,
    LU_S3,
    LU_G1,
    LU_1101,
    LU_U1,
    LU_COUNT
} lu_id;

/* YDDM codes: GB 50137 (M1, M2, B1, R2, S3, G1, U1) as in older plans, and
 * the 国土空间 classification (100101, 100102, 1101) as in newer surveys. */
static const struct land_use {
    const char *code;
    const char *name; /* YDXZ */
    bool industrial;
} LAND_USES[LU_COUNT] = {
    {"M1", "一类工业用地", true},     {"M2", "二类工业用地", true},
    {"100101", "一类工业用地", true}, {"100102", "二类工业用地", true},
    {"B1", "商业用地", false},        {"R2", "二类居住用地", false},
    {"S3", "交通枢纽用地", false},    {"G1", "公园绿地", false},
    {"1101", "物流仓储用地", false},  {"U1", "供应设施用地", false},
};

/* Industrial land-use codes drawn for an industrial lot, by weight. */
static const int INDUSTRIAL_CODE_WEIGHT[4] = {45, 20, 25, 10};

typedef enum ind_id { IND_JG, IND_FZ, IND_YY, IND_SZ, IND_XCL, IND_SP, IND_COUNT } ind_id;

/* HYLB values of industrial lots, their share of lots, a tax-per-mu factor
 * (target chains earn more per mu than garments), and words for names. */
static const struct industry {
    const char *hylb;
    int weight;
    double tax_factor;
    int n_words;
    const char *words[8];
} INDUSTRIES[IND_COUNT] = {
    {"精工智造",
     34,
     1.0,
     8,
     {"精密机械", "数控装备", "精工科技", "五金制品", "模具", "智能装备", "机电设备",
      "汽车零部件"}},
    {"纺织服装", 20, 0.7, 6, {"服饰", "制衣", "纺织", "针织", "鞋业", "家纺"}},
    {"医药健康", 14, 1.2, 6, {"医疗器械", "生物科技", "药业", "医用材料", "健康科技", "制药"}},
    {"数字信息", 14, 1.2, 6, {"电子科技", "信息技术", "智能科技", "光电科技", "电子", "软件"}},
    {"新材料", 12, 1.1, 5, {"稀土新材料", "磁材科技", "新材料", "钨业", "永磁科技"}},
    {"食品加工", 6, 0.8, 4, {"食品", "脐橙食品", "饮品", "茶业"}},
};

static const char *const TRADE_WORDS[] = {"商贸", "酒店管理", "餐饮管理", "实业"};
static const char *const LOGISTICS_WORDS[] = {"物流", "供应链管理", "仓储"};
static const char *const HUBS[] = {"沙河公交枢纽站", "沙河公交首末站", "沙河社会停车场"};
#define N_HUBS ((int)(sizeof HUBS / sizeof HUBS[0]))

/* Made-up brand syllable pairs; any resemblance to a real firm is chance. */
static const char *const BRANDS[] = {
    "恒锐", "鑫拓", "华晟", "赣拓", "瑞泓", "宏钜", "联铖", "嘉珩", "众屹", "晟煜", "金澜", "博岳",
    "康泓", "汇岚", "天曜", "润琪", "德翊", "盛璟", "立衡", "祥岑", "铭杉", "昊程", "凯铂", "沣禾",
    "睿岭", "泓宇", "峰骏", "安璞", "川钛", "禾澍", "启珑", "通钰", "炜铭", "翔赣", "源沐", "志融",
    "卓翎", "森垣", "麒昇", "科岱", "晖翊", "章鸿", "贡楠", "砚屿", "朗昕",
};
#define N_BRANDS ((int)(sizeof BRANDS / sizeof BRANDS[0]))

/* ------------------------------------------------------------------ */
/* Lot attributes.                                                     */

typedef struct attrs {
    lu_id lu;
    const char *hylb;            /* "" when none */
    char qymc[128];              /* "" when none */
    double rjl, jzgd, jzmj, nse; /* NAN = null */
    int zbnf;                    /* 准备年份, the ready year; 0 = null */
} attrs;

/* Land use of a lot in a block of type t (I industrial, L logistics,
 * R residential, C service centre, G riverside green); lot_no is 1-based. */
static lu_id draw_land_use(rng *r, char t, int lot_no, double area_m2)
{
    double u = rng_unit(r);
    switch (t) {
    case 'L': return u < 0.70 ? LU_1101 : u < 0.90 ? LU_M1 : LU_B1;
    case 'R': return u < 0.75 ? LU_R2 : u < 0.90 ? LU_B1 : LU_G1;
    case 'C':
        if (lot_no == 1)
            return LU_S3;
        return u < 0.70 ? LU_B1 : LU_G1;
    case 'G': return LU_G1;
    default:
        if (u < 0.08 && area_m2 < 15000)
            return LU_G1; /* pocket green */
        if (u < 0.14)
            return LU_B1; /* canteens, shops, small hotels */
        if (u < 0.19)
            return LU_1101;
        return (lu_id)(LU_M1 + rng_weighted(r, INDUSTRIAL_CODE_WEIGHT, 4));
    }
}

static ind_id draw_industry(rng *r, ind_id dominant)
{
    if (rng_chance(r, 0.55))
        return dominant;
    int w[IND_COUNT];
    for (int i = 0; i < IND_COUNT; i++)
        w[i] = INDUSTRIES[i].weight;
    return (ind_id)rng_weighted(r, w, IND_COUNT);
}

static ind_id draw_dominant(rng *r)
{
    int w[IND_COUNT];
    for (int i = 0; i < IND_COUNT; i++)
        w[i] = INDUSTRIES[i].weight;
    return (ind_id)rng_weighted(r, w, IND_COUNT);
}

/* An enterprise name such as 赣州恒锐精密机械有限公司. */
static void draw_name(rng *r, const char *word, char *buf, size_t size)
{
    const char *prefix = rng_chance(r, 0.7) ? "赣州" : "江西";
    const char *brand = BRANDS[rng_below(r, N_BRANDS)];
    const char *suffix = rng_chance(r, 0.85) ? "有限公司" : "股份有限公司";
    snprintf(buf, size, "%s%s%s%s", prefix, brand, word, suffix);
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Building figures of an industrial lot.  FAR is log-normal around 1.12
 * (about 40 % below 1.0); tax per mu is correlated with it (ρ 0.6) and
 * spread over 20,000-400,000 CNY/mu. */
static void draw_industrial_numbers(rng *r, ind_id ind, double area_m2, attrs *a)
{
    double z1 = rng_normal(r), z2 = rng_normal(r);
    double far = clampd(1.12 * exp(0.35 * z1), 0.2, 2.0);
    double tpm = 185000.0 * INDUSTRIES[ind].tax_factor * exp(0.7 * (0.6 * z1 + 0.8 * z2));
    if (tpm > 400000)
        tpm = rng_range(r, 330000, 400000);
    if (tpm < 20000)
        tpm = rng_range(r, 20000, 26000);
    double coverage = rng_range(r, 0.35, 0.60);
    long floors = lround(far / coverage);
    if (floors < 1)
        floors = 1;
    double height =
        floors == 1 ? rng_range(r, 7.5, 12.0) : 6.5 + (double)(floors - 1) * rng_range(r, 4.0, 5.0);
    double gfa_noise = rng_range(r, 0.97, 1.03);
    bool vacant = rng_chance(r, 0.03); /* 闲置: land granted, nothing built */
    bool gfa_null = rng_chance(r, 0.33);
    bool far_null = rng_chance(r, 0.04);
    bool tax_null = rng_chance(r, 0.15);

    a->rjl = round_to(far, 0.01);
    a->jzgd = round_to(height, 0.1);
    a->jzmj = round_to(a->rjl * area_m2 * gfa_noise, 0.01);
    a->nse = round_to(tpm * area_m2 / MU_M2, 1.0);
    if (vacant) {
        /* Nothing built, and the survey says so: floor area 0, not null
         * (a null floor area is unknown, never read as 0). */
        a->rjl = a->jzmj = 0;
        a->jzgd = a->nse = NAN;
        return;
    }
    if (gfa_null)
        a->jzmj = NAN;
    else if (far_null)
        a->rjl = NAN; /* the GFA is known, so the parcel still has one */
    if (tax_null)
        a->nse = NAN;
}

static void draw_other_numbers(rng *r, lu_id lu, double area_m2, attrs *a)
{
    double far, height, tpm = NAN;
    switch (lu) {
    case LU_R2:
        far = rng_range(r, 1.8, 2.0);
        height = rng_range(r, 18, 45);
        break;
    case LU_B1:
        far = rng_range(r, 0.8, 2.0);
        height = rng_range(r, 12, 30);
        tpm = rng_range(r, 100000, 600000);
        break;
    case LU_1101:
        far = rng_range(r, 0.5, 1.2);
        height = rng_range(r, 9, 15);
        tpm = rng_range(r, 30000, 150000);
        break;
    case LU_S3:
        far = rng_range(r, 0.2, 0.3);
        height = rng_range(r, 6, 10);
        break;
    case LU_U1:
        far = rng_range(r, 0.2, 0.35);
        height = rng_range(r, 8, 14);
        break;
    default: /* G1: no buildings recorded */ a->rjl = a->jzgd = a->jzmj = a->nse = NAN; return;
    }
    bool gfa_null = rng_chance(r, 0.33);
    a->rjl = round_to(far, 0.01);
    a->jzgd = round_to(height, 0.1);
    a->jzmj = gfa_null ? NAN : round_to(a->rjl * area_m2 * rng_range(r, 0.97, 1.03), 0.01);
    a->nse = isnan(tpm) ? NAN : round_to(tpm * area_m2 / MU_M2, 1.0);
}

/* 准备年份 (ZBNF): the first calendar year the redevelopment of an
 * industrial lot can start (its lease ends, its firm has signed to move),
 * drawn from a stream of its own so that the other attributes stay as they
 * were.  A vacant lot is ready in the first year; of the others about 70 %
 * are ready in 2027-2028, 17 % in 2029, and the 15 % on long leases in
 * 2030-2031.  Other land uses are not redeveloped: null. */
#define READY_FIRST_YEAR 2027

static int draw_ready_year(rng *r, const attrs *a)
{
    if (!LAND_USES[a->lu].industrial)
        return 0;
    if (isnan(a->jzgd))
        return READY_FIRST_YEAR; /* 闲置: nobody to move */
    if (rng_chance(r, 0.15))
        return READY_FIRST_YEAR + 3 + rng_below(r, 2); /* a long lease */
    double u = rng_unit(r);
    return READY_FIRST_YEAR + (u < 0.45 ? 0 : u < 0.80 ? 1 : 2);
}

/* Every attribute of a lot.  `taken`, when not NULL, rejects a name already
 * used (the sample keeps names unique; benchmarks do not bother). */
typedef bool (*name_taken_fn)(const char *name, void *user_data);

static void draw_attrs(rng *r, char block_type, int lot_no, ind_id dominant, double area_m2,
                       name_taken_fn taken, void *user_data, attrs *a)
{
    memset(a, 0, sizeof *a);
    a->lu = draw_land_use(r, block_type, lot_no, area_m2);
    a->hylb = "";
    const char *word = NULL;
    if (LAND_USES[a->lu].industrial) {
        ind_id ind = draw_industry(r, dominant);
        a->hylb = INDUSTRIES[ind].hylb;
        word = INDUSTRIES[ind].words[rng_below(r, INDUSTRIES[ind].n_words)];
        draw_industrial_numbers(r, ind, area_m2, a);
    } else {
        if (a->lu == LU_B1) {
            a->hylb = "商贸服务";
            word = TRADE_WORDS[rng_below(r, 4)];
        } else if (a->lu == LU_1101) {
            a->hylb = "物流";
            word = LOGISTICS_WORDS[rng_below(r, 3)];
        } else if (a->lu == LU_S3) {
            /* a facility, not a firm: the name is the facility's own */
            for (int k = 0; k < N_HUBS; k++) {
                const char *hub = HUBS[(lot_no + k) % N_HUBS];
                if (!taken || !taken(hub, user_data) || k == N_HUBS - 1) {
                    snprintf(a->qymc, sizeof a->qymc, "%s", hub);
                    break;
                }
            }
        }
        draw_other_numbers(r, a->lu, area_m2, a);
    }
    if (word) {
        char name[sizeof a->qymc];
        for (int tries = 0; tries < 64; tries++) {
            draw_name(r, word, name, sizeof name);
            if (!taken || !taken(name, user_data))
                break;
        }
        memcpy(a->qymc, name, sizeof name);
    }
}

/* ------------------------------------------------------------------ */
/* Planar geometry in the grid's own frame (metres, x along the streets). */

typedef struct pt {
    double x, y;
} pt;

#define MAXV 12
typedef struct ring {
    int n;
    pt v[MAXV];
} ring;

typedef struct rect {
    double xmin, ymin, xmax, ymax;
} rect;

static void ring_from_rect(ring *g, rect b)
{
    g->n = 4; /* anticlockwise */
    g->v[0] = (pt){b.xmin, b.ymin};
    g->v[1] = (pt){b.xmax, b.ymin};
    g->v[2] = (pt){b.xmax, b.ymax};
    g->v[3] = (pt){b.xmin, b.ymax};
}

static void ring_reverse(ring *g)
{
    for (int i = 0, j = g->n - 1; i < j; i++, j--) {
        pt t = g->v[i];
        g->v[i] = g->v[j];
        g->v[j] = t;
    }
}

/* Signed shoelace area: positive for anticlockwise rings. */
static double ring_area(const ring *g)
{
    double s = 0;
    for (int i = 0; i < g->n; i++) {
        const pt *p = &g->v[i], *q = &g->v[(i + 1) % g->n];
        s += p->x * q->y - q->x * p->y;
    }
    return s / 2;
}

/* Replace the vertex equal to `corner` by two vertices `c` metres along its
 * two edges: the corner truncation of a lot at a road crossing. */
static void ring_chamfer(ring *g, pt corner, double c)
{
    for (int i = 0; i < g->n; i++) {
        if (g->v[i].x != corner.x || g->v[i].y != corner.y)
            continue;
        pt prev = g->v[(i + g->n - 1) % g->n], next = g->v[(i + 1) % g->n];
        double lp = hypot(prev.x - corner.x, prev.y - corner.y);
        double ln = hypot(next.x - corner.x, next.y - corner.y);
        pt a = {corner.x + c * (prev.x - corner.x) / lp, corner.y + c * (prev.y - corner.y) / lp};
        pt b = {corner.x + c * (next.x - corner.x) / ln, corner.y + c * (next.y - corner.y) / ln};
        if (g->n + 1 > MAXV)
            abort();
        memmove(&g->v[i + 2], &g->v[i + 1], (size_t)(g->n - i - 1) * sizeof(pt));
        g->v[i] = a;
        g->v[i + 1] = b;
        g->n++;
        return;
    }
}

/* ------------------------------------------------------------------ */
/* Output: one layer `parcels` with the survey-style fields.           */

static const struct field_def {
    const char *name;
    OGRFieldType type;
    int width, precision;
} FIELDS[] = {
    {"DKBH", OFTString, 16, 0}, /* 地块编号 */
    {"YDDM", OFTString, 8, 0},  /* 用地代码 */
    {"YDXZ", OFTString, 30, 0}, /* 用地性质 */
    {"QYMC", OFTString, 80, 0}, /* 企业名称 */
    {"HYLB", OFTString, 20, 0}, /* 行业类别 */
    {"RJL", OFTReal, 8, 2},     /* 容积率 */
    {"JZGD", OFTReal, 8, 1},    /* 建筑高度 m */
    {"JZMJ", OFTReal, 12, 2},   /* 建筑面积 m² */
    {"NSE", OFTReal, 14, 2},    /* 纳税额 CNY/yr */
    {"DKMJ", OFTReal, 12, 2},   /* 地块面积 m² (planar) */
    {"ZBNF", OFTInteger, 4, 0}, /* 准备年份: first year the redevelopment can start */
};
enum {
    F_DKBH,
    F_YDDM,
    F_YDXZ,
    F_QYMC,
    F_HYLB,
    F_RJL,
    F_JZGD,
    F_JZMJ,
    F_NSE,
    F_DKMJ,
    F_ZBNF,
    F_COUNT
};

typedef struct writer {
    const char *path;
    GDALDatasetH ds;
    OGRLayerH layer;
    OGRFeatureDefnH defn;
    int field[F_COUNT];
    double east0, north0; /* the grid frame's origin in EPSG:4547 */
    double cos_t, sin_t;  /* the grid frame's rotation */
    bool transactions;
    long long n;
} writer;

static void report_gdal(const char *what, const char *path)
{
    const char *msg = CPLGetLastErrorMsg();
    if (msg && *msg)
        fprintf(stderr, "slgen: %s %s: %s\n", what, path, msg);
    else
        fprintf(stderr, "slgen: %s %s\n", what, path);
}

/* The zone centre (CENTRE_LON, CENTRE_LAT) in EPSG:4547, rounded to whole
 * metres.  Returns false (message printed) when PROJ cannot do it. */
static bool grid_origin(double *east, double *north)
{
    OGRSpatialReferenceH geo = OSRNewSpatialReference(NULL);
    OGRSpatialReferenceH gk = OSRNewSpatialReference(NULL);
    OGRCoordinateTransformationH ct = NULL;
    bool ok = false;
    if (OSRImportFromEPSG(geo, GEO_EPSG) == OGRERR_NONE &&
        OSRImportFromEPSG(gk, GK_EPSG) == OGRERR_NONE) {
        OSRSetAxisMappingStrategy(geo, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(gk, OAMS_TRADITIONAL_GIS_ORDER);
        ct = OCTNewCoordinateTransformation(geo, gk);
        double x = CENTRE_LON, y = CENTRE_LAT;
        if (ct && OCTTransform(ct, 1, &x, &y, NULL)) {
            *east = round(x);
            *north = round(y);
            ok = true;
        }
    }
    if (!ok)
        fprintf(stderr, "slgen: cannot transform EPSG:%d to EPSG:%d: %s\n", GEO_EPSG, GK_EPSG,
                CPLGetLastErrorMsg());
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(geo);
    OSRDestroySpatialReference(gk);
    return ok;
}

static bool make_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return true;
        fprintf(stderr, "slgen: %s: not a directory\n", dir);
        return false;
    }
    if (mkdir(dir, 0777) != 0) {
        fprintf(stderr, "slgen: cannot create directory %s: %s\n", dir, strerror(errno));
        return false;
    }
    return true;
}

/* Open `path` for writing with driver `drv`, replacing what is there.
 * `encoding` is the Shapefile DBF encoding (ignored for other drivers). */
static bool writer_open(writer *w, GDALDriverH drv, const char *path, const char *encoding)
{
    memset(w, 0, sizeof *w);
    w->path = path;
    if (!grid_origin(&w->east0, &w->north0))
        return false;
    double t = GRID_ROTATION_DEG * 3.14159265358979323846 / 180.0;
    w->cos_t = cos(t);
    w->sin_t = sin(t);

    struct stat st;
    if (stat(path, &st) == 0) {
        CPLErrorReset();
        if (GDALDeleteDataset(drv, path) != CE_None && VSIUnlink(path) != 0) {
            report_gdal("cannot replace", path);
            return false;
        }
    }
    bool shp = EQUAL(GDALGetDriverShortName(drv), "ESRI Shapefile");
    w->ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!w->ds) {
        report_gdal("cannot create", path);
        return false;
    }
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, GK_EPSG);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    char **opts = NULL;
    if (shp) {
        opts = CSLSetNameValue(opts, "ENCODING", encoding);
        opts = CSLSetNameValue(opts, "DBF_DATE_LAST_UPDATE", DBF_DATE);
        opts = CSLSetNameValue(opts, "SPATIAL_INDEX", "NO");
    }
    w->layer = GDALDatasetCreateLayer(w->ds, "parcels", srs, wkbPolygon, opts);
    CSLDestroy(opts);
    OSRDestroySpatialReference(srs);
    if (!w->layer) {
        report_gdal("cannot create layer parcels in", path);
        return false;
    }
    for (int i = 0; i < F_COUNT; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(FIELDS[i].name, FIELDS[i].type);
        OGR_Fld_SetWidth(fd, FIELDS[i].width);
        OGR_Fld_SetPrecision(fd, FIELDS[i].precision);
        OGRErr e = OGR_L_CreateField(w->layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE) {
            report_gdal("cannot create field in", path);
            return false;
        }
    }
    w->defn = OGR_L_GetLayerDefn(w->layer);
    for (int i = 0; i < F_COUNT; i++)
        w->field[i] = OGR_FD_GetFieldIndex(w->defn, FIELDS[i].name);
    w->transactions = OGR_L_TestCapability(w->layer, OLCTransactions) != 0;
    if (w->transactions && GDALDatasetStartTransaction(w->ds, FALSE) != OGRERR_NONE) {
        report_gdal("cannot start a transaction in", path);
        return false;
    }
    return true;
}

/* A grid-frame ring as an OGR linear ring in EPSG:4547, to the millimetre. */
static OGRGeometryH ogr_ring(const writer *w, const ring *g)
{
    OGRGeometryH lr = OGR_G_CreateGeometry(wkbLinearRing);
    for (int i = 0; i <= g->n; i++) {
        const pt *p = &g->v[i % g->n];
        double e = w->east0 + p->x * w->cos_t - p->y * w->sin_t;
        double n = w->north0 + p->x * w->sin_t + p->y * w->cos_t;
        OGR_G_AddPoint_2D(lr, round_to(e, 0.001), round_to(n, 0.001));
    }
    return lr;
}

static OGRGeometryH ogr_polygon(const writer *w, const ring *outer, const ring *hole)
{
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ogr_ring(w, outer));
    if (hole)
        OGR_G_AddGeometryDirectly(poly, ogr_ring(w, hole));
    return poly;
}

static void set_real(OGRFeatureH f, int idx, double v)
{
    if (isnan(v))
        OGR_F_SetFieldNull(f, idx);
    else
        OGR_F_SetFieldDouble(f, idx, v);
}

static void set_text(OGRFeatureH f, int idx, const char *s)
{
    if (s && *s)
        OGR_F_SetFieldString(f, idx, s);
    else
        OGR_F_SetFieldNull(f, idx);
}

/* Write one parcel: outer ring (anticlockwise), optional hole (clockwise)
 * and optional second part.  Returns false (message printed) on failure. */
static bool writer_put(writer *w, const char *id, const attrs *a, double area_m2, const ring *outer,
                       const ring *hole, const ring *part2)
{
    OGRFeatureH f = OGR_F_Create(w->defn);
    set_text(f, w->field[F_DKBH], id);
    set_text(f, w->field[F_YDDM], LAND_USES[a->lu].code);
    set_text(f, w->field[F_YDXZ], LAND_USES[a->lu].name);
    set_text(f, w->field[F_QYMC], a->qymc);
    set_text(f, w->field[F_HYLB], a->hylb);
    set_real(f, w->field[F_RJL], a->rjl);
    set_real(f, w->field[F_JZGD], a->jzgd);
    set_real(f, w->field[F_JZMJ], a->jzmj);
    set_real(f, w->field[F_NSE], a->nse);
    set_real(f, w->field[F_DKMJ], round_to(area_m2, 0.01));
    if (a->zbnf)
        OGR_F_SetFieldInteger(f, w->field[F_ZBNF], a->zbnf);
    else
        OGR_F_SetFieldNull(f, w->field[F_ZBNF]);
    OGRGeometryH g = ogr_polygon(w, outer, hole);
    if (part2) {
        OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPolygon);
        OGR_G_AddGeometryDirectly(mp, g);
        OGR_G_AddGeometryDirectly(mp, ogr_polygon(w, part2, NULL));
        g = mp;
    }
    OGR_F_SetGeometryDirectly(f, g);
    OGRErr e = OGR_L_CreateFeature(w->layer, f);
    OGR_F_Destroy(f);
    if (e != OGRERR_NONE) {
        report_gdal("cannot write a feature to", w->path);
        return false;
    }
    w->n++;
    if (w->transactions && w->n % 50000 == 0) {
        if (GDALDatasetCommitTransaction(w->ds) != OGRERR_NONE ||
            GDALDatasetStartTransaction(w->ds, FALSE) != OGRERR_NONE) {
            report_gdal("cannot commit to", w->path);
            return false;
        }
    }
    return true;
}

/* Commit and close.  Returns false (message printed) when the driver
 * reports an error while flushing. */
static bool writer_close(writer *w, bool ok)
{
    if (!w->ds)
        return false;
    if (ok && w->transactions && GDALDatasetCommitTransaction(w->ds) != OGRERR_NONE) {
        report_gdal("cannot commit to", w->path);
        ok = false;
    }
    CPLErrorReset();
    GDALClose(w->ds);
    w->ds = NULL;
    if (ok && CPLGetLastErrorType() >= CE_Failure) {
        report_gdal("cannot finish writing", w->path);
        ok = false;
    }
    return ok;
}

/* ------------------------------------------------------------------ */
/* The sample zone, 沙河组团.                                          */

#define SH_COLS      6
#define SH_ROWS      4
#define SH_BLOCKS    (SH_COLS * SH_ROWS)
#define SH_MAX_LOTS  400
#define SH_MAX_PAIRS 200

/* Block widths west to east and depths north to south, and the roads
 * between them: 40 m arterials, 30 m secondary roads, 24 m branch roads. */
static const double SH_COL_W[SH_COLS] = {360, 420, 380, 400, 340, 380};
static const double SH_VROAD_W[SH_COLS - 1] = {30, 40, 24, 30, 24};
static const double SH_ROW_H[SH_ROWS] = {280, 320, 300, 260};
static const double SH_HROAD_W[SH_ROWS - 1] = {24, 40, 30};

/* Block types, row by row from the north-west (B1..B24): I industrial,
 * L logistics, R residential, C service centre, G riverside green. */
static const char SH_BLOCK_TYPE[SH_BLOCKS + 1] = "RCIILI"
                                                 "IICIIL"
                                                 "IIIIII"
                                                 "GIIILR";

/* Lots at the corners of the arterial crossing are truncated (切角). */
enum { NW = 1, NE = 2, SE = 4, SW = 8 };
static const struct {
    int block;
    int corners;
} SH_CHAMFERS[] = {
    {8, SE},
    {9, SW},
    {14, NE},
    {15, NW},
};

typedef struct sh_block {
    char type;
    rect box;
    int n_lots;
    ind_id dominant;
} sh_block;

typedef struct lot {
    int block, no; /* 1-based: DKBH is B<block>-<no> */
    rect box;      /* the lot's rectangle from the partition */
    bool special;  /* reshaped by one of the special cases */
    ring outer, hole, part2;
    bool has_hole, has_part2;
    double area_m2; /* planar, holes subtracted */
    attrs a;
} lot;

typedef struct shahe {
    uint64_t seed;
    sh_block blocks[SH_BLOCKS];
    int n;
    lot lots[SH_MAX_LOTS];
    int n_pairs;
    int pairs[SH_MAX_PAIRS][2]; /* sibling lots of an east-west cut */
} shahe;

static int sh_add_lot(shahe *z, int b, rect box)
{
    if (z->n >= SH_MAX_LOTS)
        abort();
    lot *l = &z->lots[z->n];
    memset(l, 0, sizeof *l);
    l->block = b + 1;
    l->no = ++z->blocks[b].n_lots;
    l->box = box;
    ring_from_rect(&l->outer, box);
    return z->n++;
}

static double leaf_target_m2(rng *r, char type)
{
    switch (type) {
    case 'L': return rng_range(r, 20000, 50000);
    case 'R': return rng_range(r, 15000, 40000);
    case 'C': return rng_range(r, 10000, 30000);
    case 'G': return rng_range(r, 30000, 70000);
    default: return rng_chance(r, 0.15) ? rng_range(r, 30000, 50000) : rng_range(r, 8000, 30000);
    }
}

/* Guillotine partition: cut across the longer side until a part is below
 * a drawn target area.  Returns the lot index of a leaf, else -1. */
static int sh_split(shahe *z, rng *r, int b, rect box)
{
    double w = box.xmax - box.xmin, h = box.ymax - box.ymin;
    double target = leaf_target_m2(r, z->blocks[b].type);
    bool cut_x = w >= h;
    double len = cut_x ? w : h, across = cut_x ? h : w;
    double min_part = fmax(MIN_SIDE_M, MIN_LOT_M2 / across);
    if (w * h <= target || len < 2 * min_part)
        return sh_add_lot(z, b, box);
    double cut = round_to(len * rng_range(r, 0.35, 0.65), 0.5);
    cut = clampd(cut, ceil(min_part), floor(len - min_part));
    rect first = box, second = box;
    if (cut_x) { /* west, then east */
        first.xmax = second.xmin = box.xmin + cut;
    } else { /* north, then south */
        first.ymin = second.ymax = box.ymax - cut;
    }
    int a = sh_split(z, r, b, first);
    int c = sh_split(z, r, b, second);
    if (a >= 0 && c >= 0 && cut_x && z->n_pairs < SH_MAX_PAIRS) {
        z->pairs[z->n_pairs][0] = a;
        z->pairs[z->n_pairs][1] = c;
        z->n_pairs++;
    }
    return -1;
}

static void sh_layout_blocks(shahe *z)
{
    double width = 0, height = 0;
    for (int c = 0; c < SH_COLS; c++)
        width += SH_COL_W[c] + (c < SH_COLS - 1 ? SH_VROAD_W[c] : 0);
    for (int r = 0; r < SH_ROWS; r++)
        height += SH_ROW_H[r] + (r < SH_ROWS - 1 ? SH_HROAD_W[r] : 0);
    double top = height / 2;
    for (int r = 0; r < SH_ROWS; r++) {
        double left = -width / 2;
        for (int c = 0; c < SH_COLS; c++) {
            sh_block *b = &z->blocks[r * SH_COLS + c];
            b->type = SH_BLOCK_TYPE[r * SH_COLS + c];
            b->box = (rect){left, top - SH_ROW_H[r], left + SH_COL_W[c], top};
            left += SH_COL_W[c] + (c < SH_COLS - 1 ? SH_VROAD_W[c] : 0);
        }
        top -= SH_ROW_H[r] + (r < SH_ROWS - 1 ? SH_HROAD_W[r] : 0);
    }
}

/* The largest untouched lot of block b (1-based) at least min_w x min_h. */
static lot *sh_pick(shahe *z, int b, double min_w, double min_h)
{
    lot *best = NULL;
    for (int i = 0; i < z->n; i++) {
        lot *l = &z->lots[i];
        double w = l->box.xmax - l->box.xmin, h = l->box.ymax - l->box.ymin;
        if (l->block != b || l->special || w < min_w || h < min_h)
            continue;
        if (!best || w * h > (best->box.xmax - best->box.xmin) * (best->box.ymax - best->box.ymin))
            best = l;
    }
    if (!best) {
        fprintf(stderr, "slgen: internal error: no lot to reshape in block B%d\n", b);
        abort();
    }
    return best;
}

/* Two east-west neighbours trade a notch: the west lot becomes an L and the
 * east lot reaches round it (a boundary adjusted between two firms). */
static bool sh_notch(shahe *z, int b)
{
    for (int k = 0; k < z->n_pairs; k++) {
        lot *west = &z->lots[z->pairs[k][0]], *east = &z->lots[z->pairs[k][1]];
        rect wb = west->box, eb = east->box;
        if (west->block != b || west->special || east->special || wb.xmax - wb.xmin < 80 ||
            wb.ymax - wb.ymin < 100)
            continue;
        double d = round_to(fmin(0.3 * (wb.xmax - wb.xmin), 30), 0.5);
        double h = round_to(fmin(0.35 * (wb.ymax - wb.ymin), 40), 0.5);
        double xs = wb.xmax, top = wb.ymax, bottom = wb.ymin;
        ring *g = &west->outer;
        g->n = 6;
        g->v[0] = (pt){wb.xmin, bottom};
        g->v[1] = (pt){xs, bottom};
        g->v[2] = (pt){xs, top - h};
        g->v[3] = (pt){xs - d, top - h};
        g->v[4] = (pt){xs - d, top};
        g->v[5] = (pt){wb.xmin, top};
        g = &east->outer;
        g->n = 6;
        g->v[0] = (pt){xs, bottom};
        g->v[1] = (pt){eb.xmax, bottom};
        g->v[2] = (pt){eb.xmax, top};
        g->v[3] = (pt){xs - d, top};
        g->v[4] = (pt){xs - d, top - h};
        g->v[5] = (pt){xs, top - h};
        west->special = east->special = true;
        return true;
    }
    return false;
}

/* A factory lot around a 110 kV substation: the factory's polygon has a
 * hole and the substation is a parcel of its own filling it. */
static lot *sh_hole(shahe *z, int b)
{
    int host = (int)(sh_pick(z, b, 140, 130) - z->lots);
    rect hb = z->lots[host].box;
    double cx = round_to((hb.xmin + hb.xmax) / 2 + 0.15 * (hb.xmax - hb.xmin) - 30, 0.5);
    double cy = round_to((hb.ymin + hb.ymax) / 2 - 25, 0.5);
    rect sub = {cx, cy, cx + 60, cy + 50};
    int s = sh_add_lot(z, b - 1, sub); /* may move the lots array: index */
    lot *l = &z->lots[host];
    l->special = true;
    l->has_hole = true;
    ring_from_rect(&l->hole, sub);
    ring_reverse(&l->hole);
    z->lots[s].special = true;
    return &z->lots[s];
}

/* One firm's lot crossed by a 12 m lane: a MultiPolygon of two parts. */
static lot *sh_split_by_lane(shahe *z, int b)
{
    lot *l = sh_pick(z, b, 100, 100);
    rect bx = l->box, p1 = bx, p2 = bx;
    double lane = 12;
    if (bx.xmax - bx.xmin >= bx.ymax - bx.ymin) {
        double mid = round_to((bx.xmin + bx.xmax) / 2, 0.5);
        p1.xmax = mid - lane / 2;
        p2.xmin = mid + lane / 2;
    } else {
        double mid = round_to((bx.ymin + bx.ymax) / 2, 0.5);
        p1.ymin = mid + lane / 2;
        p2.ymax = mid - lane / 2;
    }
    ring_from_rect(&l->outer, p1);
    ring_from_rect(&l->part2, p2);
    l->has_part2 = true;
    l->special = true;
    return l;
}

/* A small corner lot carved out of a larger one, below the candidacy
 * minimum area: the larger lot becomes an L. */
static lot *sh_carve(shahe *z, int b)
{
    int host = (int)(sh_pick(z, b, 100, 100) - z->lots);
    rect hb = z->lots[host].box;
    double cw = 50, ch = 57; /* 2,850 m² */
    rect small = {hb.xmax - cw, hb.ymax - ch, hb.xmax, hb.ymax};
    int s = sh_add_lot(z, b - 1, small);
    lot *l = &z->lots[host];
    ring *g = &l->outer;
    g->n = 6;
    g->v[0] = (pt){hb.xmin, hb.ymin};
    g->v[1] = (pt){hb.xmax, hb.ymin};
    g->v[2] = (pt){hb.xmax, hb.ymax - ch};
    g->v[3] = (pt){hb.xmax - cw, hb.ymax - ch};
    g->v[4] = (pt){hb.xmax - cw, hb.ymax};
    g->v[5] = (pt){hb.xmin, hb.ymax};
    l->special = true;
    z->lots[s].special = true;
    return &z->lots[s];
}

/* The river (沙河) bounds the southern row: its bank, sampled at the lots'
 * corners, turns the southern lots into trapezoids. */
static double sh_bank_offset(double x)
{
    return -(12.0 + 12.0 * sin(x / 230.0));
}

static void sh_finish_shapes(shahe *z)
{
    for (size_t k = 0; k < sizeof SH_CHAMFERS / sizeof SH_CHAMFERS[0]; k++) {
        const sh_block *b = &z->blocks[SH_CHAMFERS[k].block - 1];
        int m = SH_CHAMFERS[k].corners;
        pt corner = {(m & (NE | SE)) ? b->box.xmax : b->box.xmin,
                     (m & (NW | NE)) ? b->box.ymax : b->box.ymin};
        for (int i = 0; i < z->n; i++)
            if (z->lots[i].block == SH_CHAMFERS[k].block)
                ring_chamfer(&z->lots[i].outer, corner, CHAMFER_M);
    }
    for (int i = 0; i < z->n; i++) {
        lot *l = &z->lots[i];
        const sh_block *b = &z->blocks[l->block - 1];
        if (l->block <= SH_COLS * (SH_ROWS - 1))
            continue;
        for (int v = 0; v < l->outer.n; v++)
            if (l->outer.v[v].y == b->box.ymin)
                l->outer.v[v].y += sh_bank_offset(l->outer.v[v].x);
    }
    for (int i = 0; i < z->n; i++) {
        lot *l = &z->lots[i];
        l->area_m2 = ring_area(&l->outer);
        if (l->has_hole)
            l->area_m2 += ring_area(&l->hole); /* negative */
        if (l->has_part2)
            l->area_m2 += ring_area(&l->part2);
    }
}

static bool sh_name_taken(const char *name, void *user_data)
{
    const shahe *z = user_data;
    for (int i = 0; i < z->n; i++)
        if (strcmp(z->lots[i].a.qymc, name) == 0)
            return true;
    return false;
}

static int lot_cmp(const void *pa, const void *pb)
{
    const lot *a = pa, *b = pb;
    if (a->block != b->block)
        return a->block < b->block ? -1 : 1;
    return (a->no > b->no) - (a->no < b->no);
}

static lot *sh_find(shahe *z, int block, int no)
{
    for (int i = 0; i < z->n; i++)
        if (z->lots[i].block == block && z->lots[i].no == no)
            return &z->lots[i];
    abort();
}

static void sh_generate(shahe *z)
{
    sh_layout_blocks(z);
    for (int b = 0; b < SH_BLOCKS; b++) {
        rng r = rng_for(z->seed, 1, (uint64_t)b);
        z->blocks[b].dominant = draw_dominant(&r);
        rect box = z->blocks[b].box;
        if (b + 1 == 7) {
            /* B7: the 2-3 ha lot of the article's 7-storey custom building
             * (B7-2) is laid out by hand in the block's south-west corner. */
            sh_add_lot(z, b, (rect){box.xmin, box.ymax - 165, box.xmin + 150, box.ymax});
            sh_add_lot(z, b, (rect){box.xmin, box.ymin, box.xmin + 150, box.ymax - 165});
            sh_split(z, &r, b, (rect){box.xmin + 150, box.ymin, box.xmax, box.ymax});
        } else {
            sh_split(z, &r, b, box);
        }
    }

    /* The deliberate oddities, each in a block of its own. */
    static const int notch_blocks[] = {3, 4, 16, 18, 20, 21, 22, 13};
    int notches = 0;
    for (size_t k = 0; notches < 2 && k < sizeof notch_blocks / sizeof notch_blocks[0]; k++)
        notches += sh_notch(z, notch_blocks[k]);
    lot *small = sh_carve(z, 10);
    int small_block = small->block, small_no = small->no;
    lot *sub = sh_hole(z, 15);
    int sub_block = sub->block, sub_no = sub->no;
    lot *multi = sh_split_by_lane(z, 17);
    int multi_block = multi->block, multi_no = multi->no;
    sh_finish_shapes(z);
    qsort(z->lots, (size_t)z->n, sizeof z->lots[0], lot_cmp);

    for (int i = 0; i < z->n; i++) {
        lot *l = &z->lots[i];
        const sh_block *b = &z->blocks[l->block - 1];
        rng r = rng_for(z->seed, 1000 + (uint64_t)l->block, (uint64_t)l->no);
        draw_attrs(&r, b->type, l->no, b->dominant, l->area_m2, sh_name_taken, z, &l->a);
    }

    /* B7-2: a low-efficiency single-storey medical-dressing plant, the
     * site of the article's 7-storey building for a med-device maker. */
    attrs *a = &sh_find(z, 7, 2)->a;
    double area = sh_find(z, 7, 2)->area_m2;
    a->lu = LU_M1;
    a->hylb = INDUSTRIES[IND_YY].hylb;
    snprintf(a->qymc, sizeof a->qymc, "赣州康泓医用敷料有限公司");
    a->rjl = 0.46;
    a->jzgd = 9.6;
    a->jzmj = round_to(0.46 * area * 0.995, 0.01);
    a->nse = round_to(30000.0 * area / MU_M2, 1.0);

    /* The substation in the hole. */
    a = &sh_find(z, sub_block, sub_no)->a;
    a->lu = LU_U1;
    a->hylb = "";
    snprintf(a->qymc, sizeof a->qymc, "沙河110kV变电站");
    a->rjl = 0.25;
    a->jzgd = 12.0;
    a->jzmj = NAN;
    a->nse = NAN;

    /* The factory around it, and the two-part lot, are industrial. */
    for (int i = 0; i < z->n; i++) {
        lot *l = &z->lots[i];
        bool host = l->has_hole, two = l->block == multi_block && l->no == multi_no;
        if ((host || two) && !LAND_USES[l->a.lu].industrial) {
            rng r = rng_for(z->seed, 2000 + (uint64_t)l->block, (uint64_t)l->no);
            ind_id ind = host ? IND_JG : draw_industry(&r, z->blocks[l->block - 1].dominant);
            l->a.lu = host ? LU_M2 : LU_M1;
            l->a.hylb = INDUSTRIES[ind].hylb;
            draw_industrial_numbers(&r, ind, l->area_m2, &l->a);
            char name[sizeof l->a.qymc];
            l->a.qymc[0] = '\0';
            for (int tries = 0; tries < 64; tries++) {
                draw_name(&r, INDUSTRIES[ind].words[0], name, sizeof name);
                if (!sh_name_taken(name, z))
                    break;
            }
            memcpy(l->a.qymc, name, sizeof name);
        }
    }

    /* The small lot: an old workshop, low FAR, below min_area_m2. */
    a = &sh_find(z, small_block, small_no)->a;
    if (!LAND_USES[a->lu].industrial) {
        a->lu = LU_M1;
        a->hylb = INDUSTRIES[IND_FZ].hylb;
        snprintf(a->qymc, sizeof a->qymc, "赣州贡楠针织有限公司");
    }
    a->rjl = 0.38;
    a->jzgd = 8.5;
    a->jzmj = round_to(0.38 * sh_find(z, small_block, small_no)->area_m2, 0.01);

    /* Ready years last, once every lot's land use is final. */
    for (int i = 0; i < z->n; i++) {
        lot *l = &z->lots[i];
        rng r = rng_for(z->seed, 3000 + (uint64_t)l->block, (uint64_t)l->no);
        l->a.zbnf = draw_ready_year(&r, &l->a);
    }
    /* B7-2: the article's building is under way, ready at once. */
    sh_find(z, 7, 2)->a.zbnf = READY_FIRST_YEAR;
}

static int cmd_shahe(const char *dir)
{
    if (!make_dir(dir))
        return EXIT_IO;
    shahe *z = calloc(1, sizeof *z);
    if (!z) {
        fprintf(stderr, "slgen: out of memory\n");
        return EXIT_IO;
    }
    z->seed = SHAHE_SEED;
    sh_generate(z);

    GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
    char *path = CPLStrdup(CPLFormFilename(dir, "parcels", "shp"));
    writer w;
    bool ok = drv && writer_open(&w, drv, path, "GBK");
    if (!drv)
        fprintf(stderr, "slgen: the ESRI Shapefile driver is not available\n");
    for (int i = 0; ok && i < z->n; i++) {
        const lot *l = &z->lots[i];
        char id[32];
        snprintf(id, sizeof id, "B%d-%d", l->block, l->no);
        ok = writer_put(&w, id, &l->a, l->area_m2, &l->outer, l->has_hole ? &l->hole : NULL,
                        l->has_part2 ? &l->part2 : NULL);
    }
    if (drv)
        ok = writer_close(&w, ok) && ok;
    if (ok)
        printf("slgen: wrote %d parcels to %s\n", z->n, path);
    CPLFree(path);
    free(z);
    return ok ? 0 : EXIT_IO;
}

/* ------------------------------------------------------------------ */
/* Benchmark zones: blocks of eight lots, streamed.                    */

#define BENCH_BLOCK_W        400.0
#define BENCH_BLOCK_H        260.0
#define BENCH_ROAD_W         30.0
#define BENCH_LOTS_PER_BLOCK 8

static char bench_block_type(rng *r)
{
    double u = rng_unit(r);
    return u < 0.72 ? 'I' : u < 0.82 ? 'L' : u < 0.90 ? 'R' : u < 0.96 ? 'C' : 'G';
}

/* Extension of the files a driver writes: the one named like the driver
 * when it lists one ("geojson" rather than "json"), else its main one. */
static bool driver_extension(GDALDriverH drv, char *ext, size_t size)
{
    const char *name = GDALGetDriverShortName(drv);
    const char *exts = GDALGetMetadataItem(drv, GDAL_DMD_EXTENSIONS, NULL);
    const char *main_ext = GDALGetMetadataItem(drv, GDAL_DMD_EXTENSION, NULL);
    char **list = exts ? CSLTokenizeString2(exts, " ", 0) : NULL;
    bool found = false;
    for (int i = 0; list && list[i] && !found; i++) {
        if (EQUAL(list[i], name)) {
            snprintf(ext, size, "%s", list[i]);
            found = true;
        }
    }
    if (!found && main_ext && *main_ext) {
        snprintf(ext, size, "%s", main_ext);
        found = true;
    }
    if (!found && list && list[0]) {
        snprintf(ext, size, "%s", list[0]);
        found = true;
    }
    CSLDestroy(list);
    return found;
}

static int cmd_bench(long long n, const char *dir, const char *format, uint64_t seed)
{
    GDALDriverH drv = GDALGetDriverByName(format);
    if (!drv || !GDALGetMetadataItem(drv, GDAL_DCAP_VECTOR, NULL) ||
        !GDALGetMetadataItem(drv, GDAL_DCAP_CREATE, NULL)) {
        fprintf(stderr, "slgen: %s is not an OGR driver that can create vector files\n%s", format,
                USAGE_SHORT);
        return EXIT_USAGE;
    }
    char ext[32];
    if (!driver_extension(drv, ext, sizeof ext)) {
        fprintf(stderr, "slgen: driver %s has no file extension; choose a file format\n%s", format,
                USAGE_SHORT);
        return EXIT_USAGE;
    }
    if (!make_dir(dir))
        return EXIT_IO;
    char *path = CPLStrdup(CPLFormFilename(dir, "parcels", ext));
    writer w;
    bool ok = writer_open(&w, drv, path, "UTF-8");

    long long n_blocks = (n + BENCH_LOTS_PER_BLOCK - 1) / BENCH_LOTS_PER_BLOCK;
    long long cols = (long long)ceil(sqrt((double)n_blocks));
    long long rows = (n_blocks + cols - 1) / cols;
    double pitch_x = BENCH_BLOCK_W + BENCH_ROAD_W, pitch_y = BENCH_BLOCK_H + BENCH_ROAD_W;
    double west = -(double)cols * pitch_x / 2, north = (double)rows * pitch_y / 2;

    for (long long b = 0; ok && b < n_blocks; b++) {
        rng rb = rng_for(seed, 1, (uint64_t)b);
        char type = bench_block_type(&rb);
        ind_id dominant = draw_dominant(&rb);
        double x0 = west + (double)(b % cols) * pitch_x;
        double ytop = north - (double)(b / cols) * pitch_y;
        double ybot = ytop - BENCH_BLOCK_H;
        double ymid = round_to(ybot + BENCH_BLOCK_H / 2 + rng_range(&rb, -20, 20), 0.5);
        int lots =
            (int)(n - b * BENCH_LOTS_PER_BLOCK < BENCH_LOTS_PER_BLOCK ? n - b * BENCH_LOTS_PER_BLOCK
                                                                      : BENCH_LOTS_PER_BLOCK);
        for (int half = 0; ok && half < 2; half++) {
            /* four lots along the street: widths drawn, summing to the block */
            double wts[4], sum = 0;
            for (int k = 0; k < 4; k++)
                sum += wts[k] = rng_range(&rb, 0.7, 1.3);
            double x = x0;
            for (int k = 0; ok && k < 4; k++) {
                int no = half * 4 + k + 1;
                double xe =
                    k == 3 ? x0 + BENCH_BLOCK_W : round_to(x + BENCH_BLOCK_W * wts[k] / sum, 0.5);
                rect box = {x, half == 0 ? ymid : ybot, xe, half == 0 ? ytop : ymid};
                x = xe;
                bool chamfer = rng_chance(&rb, 0.10);
                bool holed = rng_chance(&rb, 0.01);
                if (no > lots)
                    continue;
                ring outer, hole;
                ring_from_rect(&outer, box);
                if (chamfer && (k == 0 || k == 3)) {
                    pt corner = {k == 0 ? box.xmin : box.xmax, half == 0 ? box.ymax : box.ymin};
                    ring_chamfer(&outer, corner, CHAMFER_M);
                }
                double area = ring_area(&outer);
                if (holed) {
                    double cx = round_to((box.xmin + box.xmax) / 2, 0.5);
                    double cy = round_to((box.ymin + box.ymax) / 2, 0.5);
                    ring_from_rect(&hole, (rect){cx - 12, cy - 10, cx + 12, cy + 10});
                    ring_reverse(&hole);
                    area += ring_area(&hole);
                }
                long long lot_index = b * BENCH_LOTS_PER_BLOCK + no - 1;
                rng rl = rng_for(seed, 2, (uint64_t)lot_index);
                attrs a;
                draw_attrs(&rl, type, no, dominant, area, NULL, NULL, &a);
                rng ry = rng_for(seed, 3, (uint64_t)lot_index);
                a.zbnf = draw_ready_year(&ry, &a);
                char id[48];
                snprintf(id, sizeof id, "B%lld-%d", b + 1, no);
                ok = writer_put(&w, id, &a, area, &outer, holed ? &hole : NULL, NULL);
            }
        }
    }
    ok = writer_close(&w, ok) && ok;
    if (ok)
        printf("slgen: wrote %lld parcels to %s\n", n, path);
    CPLFree(path);
    return ok ? 0 : EXIT_IO;
}

/* ------------------------------------------------------------------ */

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "slgen: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", USAGE_SHORT);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "missing command");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(USAGE, stdout);
        return 0;
    }
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    /* GeoPackage writes the current time into gpkg_contents unless told. */
    CPLSetConfigOption("OGR_CURRENT_DATE", FIXED_TIMESTAMP);

    int rc;
    if (strcmp(argv[1], "shahe") == 0) {
        if (argc != 3)
            return usage_error("%s", "shahe takes exactly one argument, DIR");
        rc = cmd_shahe(argv[2]);
    } else if (strcmp(argv[1], "bench") == 0) {
        const char *format = "ESRI Shapefile";
        uint64_t seed = BENCH_SEED;
        const char *pos[2] = {NULL, NULL};
        int n_pos = 0;
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--format") == 0 || strcmp(argv[i], "--seed") == 0) {
                if (i + 1 >= argc)
                    return usage_error("%s needs a value", argv[i]);
                if (argv[i][2] == 'f') {
                    format = argv[++i];
                } else {
                    char *end;
                    errno = 0;
                    const char *s = argv[++i];
                    unsigned long long v = strtoull(s, &end, 10);
                    if (errno || end == s || *end || *s == '-')
                        return usage_error("bad seed '%s' (a non-negative integer)", s);
                    seed = (uint64_t)v;
                }
            } else if (strncmp(argv[i], "--", 2) == 0) {
                return usage_error("unknown option %s", argv[i]);
            } else if (n_pos < 2) {
                pos[n_pos++] = argv[i];
            } else {
                return usage_error("unexpected argument %s", argv[i]);
            }
        }
        if (n_pos < 2)
            return usage_error("%s", "bench needs N and DIR");
        char *end;
        errno = 0;
        long long n = strtoll(pos[0], &end, 10);
        if (errno || end == pos[0] || *end || n < 1 || n > 100000000)
            return usage_error("bad parcel count '%s' (1 to 100000000)", pos[0]);
        rc = cmd_bench(n, pos[1], format, seed);
    } else {
        return usage_error("unknown command %s", argv[1]);
    }
    CPLPopErrorHandler();
    return rc;
}
