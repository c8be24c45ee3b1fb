/* test_i18n.c - lib/util/i18n.c and Chinese outputs: the translation table
 * is well formed (Chinese formats have the English key's conversions, keys
 * are unique) and holds every key lib/ uses; a zh run of the bundled
 * scenario writes the table's headings, legends and CSV headers, Chinese
 * status values and reasons without English words; English stays as it
 * was; report.lang and --lang, and unknown languages. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gdal.h>
#include <ogr_api.h>

#include "eval/rules.h"
#include "input/scenario.h"
#include "out/parcels_layer.h"
#include "out/styles.h"
#include "support.h"
#include "util/i18n.h"

#define GONGGAI "../scenarios/gonggai.yaml"

/* ---- the table ---------------------------------------------------------- */

/* The printf conversions of fmt ("%.0f", "%s" ...; "%%" left out), one
 * after another separated by '|', into out; false when fmt has a '%' that
 * starts no conversion (text written as is, e.g. "gap %", not a format). */
static bool conversions(const char *fmt, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        const char *q = p + 1;
        q += strspn(q, "-+ #0");
        q += strspn(q, "0123456789");
        if (*q == '.') {
            q++;
            q += strspn(q, "0123456789");
        }
        q += strspn(q, "hlLzjt");
        if (!*q || !strchr("diouxXeEfFgGaAcsp", *q))
            return false;
        o += (size_t)snprintf(out + o, size - o, "%.*s|", (int)(q - p + 1), p);
        cr_assert_lt(o, size);
        p = q;
    }
    return true;
}

Test(i18n, every_chinese_format_has_the_conversions_of_its_key)
{
    int n = sl_tr_count();
    cr_assert_gt(n, 100, "the table has its rows");
    for (int i = 0; i < n; i++) {
        const char *en, *zh;
        cr_assert(sl_tr_row(i, &en, &zh));
        cr_assert(en && zh && *en, "row %d", i);
        const char *text = strchr(en, '\004') ? strchr(en, '\004') + 1 : en;
        if (*text)
            cr_assert(*zh, "row %d (\"%s\"): empty Chinese text", i, en);
        char a[512], b[512];
        if (!conversions(text, a, sizeof a))
            continue; /* not a format: written as is */
        cr_assert(conversions(zh, b, sizeof b), "\"%s\" is a format, its Chinese \"%s\" not", en,
                  zh);
        cr_assert_str_eq(a, b, "\"%s\" has conversions %s, its Chinese \"%s\" has %s", en, a, zh,
                         b);
        for (int j = 0; j < i; j++) {
            const char *e2, *z2;
            sl_tr_row(j, &e2, &z2);
            cr_assert_str_neq(en, e2, "key \"%s\" twice (rows %d and %d)", en, j, i);
        }
    }
    cr_assert_not(sl_tr_row(n, &(const char *){NULL}, &(const char *){NULL}));
}

Test(i18n, english_is_the_key_itself)
{
    const char *key = "FAR %s below %s";
    cr_assert_eq(sl_tr(SL_LANG_EN, key), key, "same pointer: English output is the key");
    cr_assert_str_eq(sl_tr(SL_LANG_ZH, key), "容积率 %s 低于 %s");
    cr_assert_str_eq(sl_tr(SL_LANG_EN, "status\004kept"), "kept", "context dropped in English");
    cr_assert_str_eq(sl_tr_ctx(SL_LANG_EN, "status", "kept"), "kept");
    cr_assert_str_eq(sl_tr_ctx(SL_LANG_ZH, "status", "kept"), "保留");
    cr_assert_str_eq(sl_tr_ctx(SL_LANG_ZH, "status", "no such status"), "no such status");
    cr_assert_str_eq(sl_tr(SL_LANG_ZH, "not in the table"), "not in the table");
    sl_lang l;
    cr_assert(sl_lang_parse("zh", &l) && l == SL_LANG_ZH);
    cr_assert(sl_lang_parse("en", &l) && l == SL_LANG_EN);
    cr_assert_not(sl_lang_parse("fr", &l));
    cr_assert_not(sl_lang_parse(NULL, &l));
    cr_assert_str_eq(sl_lang_list(), "en, zh");
    cr_assert_str_eq(sl_lang_name(SL_LANG_ZH), "zh");
}

/* C escapes of a string literal's body, decoded (\n \t \" \\ \xHH \ooo). */
/* The candidacy reasons of issue 11 (unknown floor space, honest rounding)
 * in Chinese: the fields named, the numbers as in English, no English
 * words left. */
Test(i18n, unknown_floor_space_and_rounding_in_chinese)
{
    static char *uses[] = {"M1"};
    sl_scenario s;
    memset(&s, 0, sizeof s);
    s.lang = SL_LANG_ZH;
    s.n_land_uses = 1;
    s.industrial_land_uses = uses;
    s.far_below = 1.0;
    s.tax_per_mu_below_cny = 150000;
    s.min_area_m2 = 3000;
    char why[512];
    cr_assert(sl_candidacy(&s, "M1", 10000, 0.9999, 200000, why, sizeof why));
    cr_assert_str_eq(why, "容积率 0.9999 低于 1.00");
    cr_assert_not(sl_candidacy(&s, "M1", 2999.6, 0.5, 1000, why, sizeof why));
    cr_assert_str_eq(why, "用地面积 2999.6 m² 小于候选最小面积 3000 m²");
    cr_assert_not(sl_candidacy(&s, "M1", 10000, NAN, 200000, why, sizeof why));
    cr_assert_str_eq(why, "容积率未知：情景文件未指定现状建筑面积或现状容积率的字段；"
                          "亩均税收 200000 元/亩 不低于 150000 元/亩");
    s.fields.current_gfa = "JZMJ";
    s.fields.current_far = "RJL";
    cr_assert_not(sl_candidacy(&s, "M1", 10000, NAN, NAN, why, sizeof why));
    cr_assert_str_eq(why, "容积率未知：现状建筑面积（字段 JZMJ）和现状容积率（字段 RJL）均为空；"
                          "亩均税收未知");
    s.fields.current_far = NULL;
    cr_assert(sl_candidacy(&s, "M1", 10000, NAN, 90000, why, sizeof why));
    cr_assert_str_eq(why, "容积率未知：现状建筑面积（字段 JZMJ）为空；"
                          "亩均税收 90000 元/亩 低于 150000 元/亩；现状建筑面积未知，按 0 计");
    s.fields.current_gfa = NULL;
    s.fields.current_far = "RJL";
    cr_assert_not(sl_candidacy(&s, "M1", 10000, NAN, NAN, why, sizeof why));
    cr_assert_str_eq(why, "容积率未知：现状容积率（字段 RJL）为空；亩均税收未知");
    cr_assert_str_eq(sl_reason_unknown_gfa_used(SL_LANG_EN),
                     "current floor space unknown, taken as 0");
}

static size_t decode_literal(const char *p, const char *end, char *out, size_t o, size_t size)
{
    while (p < end && o + 1 < size) {
        if (*p != '\\') {
            out[o++] = *p++;
            continue;
        }
        p++;
        if (*p == 'n')
            out[o++] = '\n', p++;
        else if (*p == 't')
            out[o++] = '\t', p++;
        else if (*p == 'x') {
            char *e;
            out[o++] = (char)strtol(p + 1, &e, 16);
            p = e;
        } else if (*p >= '0' && *p <= '7') {
            int v = 0, k = 0;
            while (k < 3 && *p >= '0' && *p <= '7')
                v = v * 8 + (*p++ - '0'), k++;
            out[o++] = (char)v;
        } else
            out[o++] = *p++;
    }
    out[o] = '\0';
    return o;
}

/* The adjacent string literals at p (after blanks), concatenated into out;
 * returns the end of the last, or NULL when p holds no literal. */
static const char *literals(const char *p, char *out, size_t size)
{
    size_t o = 0;
    const char *last = NULL;
    out[0] = '\0';
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p != '"')
            return last;
        const char *q = p + 1;
        while (*q && *q != '"')
            q += *q == '\\' ? 2 : 1;
        o = decode_literal(p + 1, q, out, o, size);
        last = p = q + 1;
    }
}

/* Every key written in sl_tr(LANG, "...") or SL_N("...") in one file is a
 * row of the table; counts them into *n. */
static void check_file(const char *path, int *n)
{
    char *text = t_slurp(path, NULL);
    cr_assert(text, "%s", path);
    static const char *const marks[] = {"sl_tr(", "SL_N("};
    for (int m = 0; m < 2; m++) {
        for (const char *p = strstr(text, marks[m]); p; p = strstr(p + 1, marks[m])) {
            if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
                continue;
            const char *a = p + strlen(marks[m]);
            if (m == 0) { /* skip the language argument */
                int depth = 0;
                while (*a && !(depth == 0 && *a == ',') && !(depth == 0 && *a == ')')) {
                    depth += *a == '(' ? 1 : *a == ')' ? -1 : 0;
                    a++;
                }
                if (*a != ',')
                    continue;
                a++;
            }
            char key[2048];
            if (!literals(a, key, sizeof key) || !key[0])
                continue; /* a variable: its values are checked where they are made */
            cr_assert(sl_tr_has(key), "%s: \"%s\" is not in the translation table", path, key);
            (*n)++;
        }
    }
    free(text);
}

static void check_tree(const char *dir, int *n)
{
    DIR *d = opendir(dir);
    cr_assert(d, "%s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        cr_assert_eq(stat(path, &st), 0, "%s", path);
        size_t len = strlen(e->d_name);
        if (S_ISDIR(st.st_mode))
            check_tree(path, n);
        else if (len > 2 &&
                 (strcmp(e->d_name + len - 2, ".c") == 0 ||
                  strcmp(e->d_name + len - 2, ".h") == 0) &&
                 strncmp(e->d_name, "i18n.", 5) != 0)
            check_file(path, n);
    }
    closedir(d);
}

Test(i18n, every_key_of_lib_is_in_the_table)
{
    char *lib = t_src("lib");
    int n = 0;
    check_tree(lib, &n);
    free(lib);
    cr_assert_gt(n, 150, "keys found in lib/: %d", n);
    /* The values translated through a variable, by context. */
    static const char *const statuses[] = {"candidate", "not_candidate", "rejected", "redeveloped",
                                           "kept"};
    for (int i = 0; i < 5; i++)
        cr_assert_str_neq(sl_tr_ctx(SL_LANG_ZH, "status", statuses[i]), statuses[i], "%s",
                          statuses[i]);
    static const char *const plans[] = {"optimal", "feasible", "infeasible", "no_plan"};
    for (int i = 0; i < 4; i++)
        cr_assert_str_neq(sl_tr_ctx(SL_LANG_ZH, "plan", plans[i]), plans[i]);
    static const char *const stops[] = {"gap", "time_limit", "interrupted"};
    for (int i = 0; i < 3; i++)
        cr_assert_str_neq(sl_tr_ctx(SL_LANG_ZH, "stop", stops[i]), stops[i]);
}

/* ---- a Chinese run ------------------------------------------------------ */

static char *dir;

static char *out_path(const char *run, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(run) + strlen(name) + 3);
    sprintf(p, "%s/%s/%s", dir, run, name);
    return p;
}

static void plan_run(const char *run, const char *scenario, const char *lang)
{
    char *o = malloc(strlen(dir) + strlen(run) + 2);
    sprintf(o, "%s/%s", dir, run);
    t_run r =
        lang ? t_cli("plan", scenario, "-o", o, "-q", "--time-limit", "30", "--gap", "1", "--lang",
                     lang, NULL)
             : t_cli("plan", scenario, "-o", o, "-q", "--time-limit", "30", "--gap", "1", NULL);
    cr_assert_eq(r.status, 0, "plan %s: %s", run, r.err);
    t_run_free(&r);
    free(o);
}

static void setup(void)
{
    dir = t_tmpdir();
    plan_run("zh", GONGGAI, "zh");
    plan_run("en", GONGGAI, NULL);
}

static void teardown(void)
{
    t_rmtree(dir);
    free(dir);
}

static char *slurp_out(const char *run, const char *name)
{
    char *p = out_path(run, name);
    char *text = t_slurp(p, NULL);
    cr_assert(text, "%s", p);
    free(p);
    return text;
}

/* The header row of a CSV (after the BOM), split at commas in place. */
static int csv_header(char *csv, char **cols, int max)
{
    cr_assert_eq(strncmp(csv, "\xEF\xBB\xBF", 3), 0, "BOM");
    char *line = csv + 3;
    line[strcspn(line, "\r\n")] = '\0';
    int n = 0;
    for (char *tok = strtok(line, ","); tok && n < max; tok = strtok(NULL, ","))
        cols[n++] = tok;
    return n;
}

static sl_scenario *load_zh(void)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(GONGGAI, &err);
    cr_assert(sc, "%s", err.n ? err.msgs[0] : "?");
    sl_error_clear(&err);
    sc->lang = SL_LANG_ZH;
    return sc;
}

TestSuite(zh, .init = setup, .fini = teardown, .timeout = 300);

Test(zh, report_headings_and_legends_come_from_the_table)
{
    char *zh = slurp_out("zh", "report.html"), *en = slurp_out("en", "report.html");
    static const char *const keys[] = {
        "片区概况 Zone summary",
        "优化结果 Optimizer",
        "产业需求 Industries against demand",
        "改造地块 Redeveloped parcels",
        "保留的候选地块 Kept candidates",
        "经济测算 Economics",
        "site area 用地面积",
        "FAR 容积率",
        "coverage 建筑系数",
        "Bars: GFA; ticks: demand min and max.",
        "Areas are geodesic (CGCS2000 ellipsoid); the map layers are in shanglou.gpkg (open it "
        "in QGIS), the table in parcels.csv.",
        " m² · per storey: height m · floor load / slab cap kN/m² · block widths: the floor "
        "plate's side, to scale",
        "片区地图 Map",
        "图例 Legend",
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *t = sl_tr(SL_LANG_ZH, keys[i]);
        cr_assert_str_neq(t, keys[i], "\"%s\" is translated", keys[i]);
        cr_assert(strstr(zh, t), "the zh report has \"%s\"", t);
        cr_assert(strstr(en, keys[i]), "the en report has \"%s\"", keys[i]);
        cr_assert_null(strstr(zh, keys[i]), "the zh report has no \"%s\"", keys[i]);
    }
    cr_assert(strstr(zh, "技术经济指标"));
    /* No English words of the report's own text are left in its headings. */
    cr_assert_null(strstr(zh, "Zone summary"));
    cr_assert_null(strstr(zh, "stacking plan"));
    cr_assert_null(strstr(zh, "Kept candidates"));
    free(zh);
    free(en);
}

Test(zh, csv_headers_are_the_tables)
{
    char *zh = slurp_out("zh", "parcels.csv"), *en = slurp_out("en", "parcels.csv");
    char *zc[200], *ec[200];
    int nz = csv_header(zh, zc, 200), ne = csv_header(en, ec, 200);
    cr_assert_eq(nz, ne, "as many columns in zh (%d) as in en (%d)", nz, ne);
    cr_assert_str_eq(ec[0], "id", "en headers are the field names");
    sl_scenario *sc = load_zh();
    int translated = 0;
    for (int i = 0; i < nz; i++) {
        char buf[400];
        const char *want = sl_parcels_field_header(sc, ec[i], buf, sizeof buf);
        cr_assert_str_eq(zc[i], want, "column %d: %s", i, ec[i]);
        translated += strcmp(zc[i], ec[i]) != 0;
    }
    cr_assert_str_eq(zc[0], sl_tr(SL_LANG_ZH, "id"));
    cr_assert_str_eq(zc[1], sl_tr(SL_LANG_ZH, "status"));
    /* Every field of shanglou's own is translated; the source's (DKBH,
     * QYMC ...) keep their names. */
    cr_assert_gt(translated, 20, "%d headers translated", translated);
    cr_assert_str_eq(zc[nz - 1], ec[nz - 1], "a source field keeps its name");
    sl_scenario_destroy(sc);
    free(zh);
    free(en);
}

/* Each feature's status and reason, from a GeoJSON file. */
typedef struct feature_text {
    char status[64], land_use[64], reason[1200];
} feature_text;

static int read_features(const char *path, feature_text *out, int max)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    cr_assert(ds, "%s", path);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(l);
    int is = OGR_FD_GetFieldIndex(fd, "status"), ir = OGR_FD_GetFieldIndex(fd, "reason"),
        il = OGR_FD_GetFieldIndex(fd, "land_use");
    cr_assert(is >= 0 && ir >= 0 && il >= 0, "property names stay English");
    int n = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL && n < max) {
        snprintf(out[n].status, sizeof out[n].status, "%s", OGR_F_GetFieldAsString(f, is));
        snprintf(out[n].reason, sizeof out[n].reason, "%s", OGR_F_GetFieldAsString(f, ir));
        snprintf(out[n].land_use, sizeof out[n].land_use, "%s", OGR_F_GetFieldAsString(f, il));
        n++;
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return n;
}

/* Is word one the data brings into a reason: an industry id, a rule set
 * name, a land-use code of the zone, or a unit? */
static bool allowed_word(const sl_scenario *sc, const feature_text *ft, int n, const char *w)
{
    static const char *const units[] = {"m", "kN"};
    for (int i = 0; i < 2; i++)
        if (strcmp(w, units[i]) == 0)
            return true;
    for (int k = 0; k < sc->n_industries; k++)
        if (strcmp(w, sc->industries[k].id) == 0)
            return true;
    for (int r = 0; r < sc->n_rules; r++)
        if (strcmp(w, sc->rules[r].name) == 0)
            return true;
    for (int i = 0; i < n; i++)
        if (strcmp(w, ft[i].land_use) == 0)
            return true;
    return false;
}

Test(zh, status_values_and_reasons_are_chinese)
{
    enum { MAX = 5000 };
    feature_text *zh = calloc(MAX, sizeof *zh), *en = calloc(MAX, sizeof *en);
    char *pz = out_path("zh", "parcels.geojson"), *pe = out_path("en", "parcels.geojson");
    int nz = read_features(pz, zh, MAX), ne = read_features(pe, en, MAX);
    cr_assert_eq(nz, ne);
    cr_assert_gt(nz, 100);
    sl_scenario *sc = load_zh();
    int kept = 0, redeveloped = 0;
    for (int i = 0; i < nz; i++) {
        /* the same parcel, its status in the table's Chinese */
        cr_assert_str_eq(zh[i].status, sl_tr_ctx(SL_LANG_ZH, "status", en[i].status),
                         "feature %d: %s vs %s", i, zh[i].status, en[i].status);
        cr_assert_str_neq(zh[i].status, en[i].status);
        kept += strcmp(zh[i].status, "保留") == 0;
        redeveloped += strcmp(zh[i].status, "改造") == 0;
        /* No English left in a reason: its ASCII words are data or units. */
        const char *r = zh[i].reason;
        cr_assert(*r, "feature %d has a reason", i);
        for (const char *p = r; *p;) {
            if (!isalpha((unsigned char)*p)) {
                p++;
                continue;
            }
            char w[128];
            size_t k = 0;
            while ((isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.') &&
                   k + 1 < sizeof w)
                w[k++] = *p++;
            w[k] = '\0';
            cr_assert(allowed_word(sc, zh, nz, w),
                      "feature %d: English word '%s' in the zh reason \"%s\" (en: \"%s\")", i, w, r,
                      en[i].reason);
        }
    }
    cr_assert_gt(kept, 0, "the plan keeps some candidates, with reasons");
    cr_assert_gt(redeveloped, 0);
    sl_scenario_destroy(sc);
    free(pz);
    free(pe);
    free(zh);
    free(en);
}

Test(zh, qgis_legend_from_the_table)
{
    char *gz = out_path("zh", "shanglou.gpkg");
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(gz, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    cr_assert(ds, "%s", gz);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "layer_styles");
    cr_assert(l);
    OGR_L_SetAttributeFilter(l, "f_table_name = 'parcels'");
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    cr_assert(f);
    const char *qml = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "styleQML"));
    /* the categories' values are the layer's values, their labels the
     * legend's text from the table */
    static const char *const st[] = {"redeveloped", "kept", "not_candidate", "rejected"};
    for (int i = 0; i < 4; i++) {
        char want[200];
        snprintf(want, sizeof want, "value=\"%s\"", sl_tr_ctx(SL_LANG_ZH, "status", st[i]));
        cr_assert(strstr(qml, want), "%s in %.300s", want, qml);
    }
    static const char *const labels[] = {"改造 redeveloped", "保留 kept", "非候选 not candidate",
                                         "数据有误 rejected"};
    for (int i = 0; i < 4; i++) {
        char want[200];
        snprintf(want, sizeof want, "label=\"%s\"", sl_tr(SL_LANG_ZH, labels[i]));
        cr_assert(strstr(qml, want), "%s", want);
    }
    cr_assert_null(strstr(qml, "redeveloped"), "no English status in the zh style");
    OGR_F_Destroy(f);
    GDALClose(ds);
    free(gz);
}

Test(zh, workbook_sheets_and_headers_from_the_table)
{
    char *x = out_path("zh", "shanglou.xlsx");
    t_run r = t_sh("/usr/bin/python3 -c 'import openpyxl, sys\n"
                   "wb = openpyxl.load_workbook(sys.argv[1], read_only=True)\n"
                   "for ws in wb.worksheets:\n"
                   "    row = next(ws.iter_rows(max_row=1))\n"
                   "    print(ws.title + \"|\" + \",\".join(str(c.value) for c in row))' '%s'",
                   x);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* the parcels sheet: its name and parcels.csv's Chinese headers */
    char *csv = slurp_out("zh", "parcels.csv");
    char *cols[200];
    int n = csv_header(csv, cols, 200);
    char want[8192];
    int o = snprintf(want, sizeof want, "%s|", sl_tr_ctx(SL_LANG_ZH, "sheet", "parcels"));
    for (int i = 0; i < n && o < (int)sizeof want; i++)
        o += snprintf(want + o, sizeof want - (size_t)o, "%s%s", i ? "," : "", cols[i]);
    cr_assert(strstr(r.out, want), "%.300s\nwant %.300s", r.out, want);
    static const char *const sheets[] = {"storeys", "industries", "indicators 技术经济指标",
                                         "economics"};
    for (int i = 0; i < 4; i++) {
        char line[200];
        snprintf(line, sizeof line, "\n%s|", sl_tr_ctx(SL_LANG_ZH, "sheet", sheets[i]));
        cr_assert(strstr(r.out, line), "sheet %s: %s", sheets[i], r.out);
    }
    char ind[200];
    snprintf(ind, sizeof ind, "|%s,%s,", sl_tr(SL_LANG_ZH, "indicator 指标"),
             sl_tr(SL_LANG_ZH, "unit 单位"));
    cr_assert(strstr(r.out, ind), "%s", r.out);
    free(csv);
    t_run_free(&r);
    free(x);
}

/* ---- English, report.lang, errors -------------------------------------- */

static char *scratch_scenario(const char *d, const char *name, const char *lang)
{
    char *src = t_src("scenarios/gonggai.yaml");
    char text[4096];
    snprintf(text, sizeof text, "extends: %s\nname: lang-test\nreport:\n  lang: %s\n", src, lang);
    free(src);
    return t_write(d, name, text);
}

Test(lang, english_stays_the_default_byte_for_byte)
{
    char *d = t_tmpdir();
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/default", d);
    snprintf(b, sizeof b, "%s/en", d);
    t_run r1 = t_cli("evaluate", GONGGAI, "-o", a, "-q", NULL);
    t_run r2 = t_cli("evaluate", GONGGAI, "-o", b, "-q", "--lang", "en", NULL);
    cr_assert_eq(r1.status, 0, "%s", r1.err);
    cr_assert_eq(r2.status, 0, "%s", r2.err);
    static const char *const files[] = {"parcels.geojson", "parcels.csv", "report.html",
                                        "summary.json"};
    for (int i = 0; i < 4; i++) {
        char pa[4400], pb[4400];
        snprintf(pa, sizeof pa, "%s/%s", a, files[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, files[i]);
        size_t na, nb;
        char *x = t_slurp(pa, &na), *y = t_slurp(pb, &nb);
        cr_assert(x && y && na == nb && memcmp(x, y, na) == 0, "%s differs", files[i]);
        free(x);
        free(y);
    }
    char pa[4400];
    snprintf(pa, sizeof pa, "%s/parcels.csv", a);
    char *csv = t_slurp(pa, NULL);
    const char *head = "\xEF\xBB\xBFid,status,reason,land_use,area_m2,";
    cr_assert_eq(strncmp(csv, head, strlen(head)), 0, "%.60s", csv);
    cr_assert(strstr(csv, ",candidate,FAR "), "English status and reason");
    free(csv);
    t_run_free(&r1);
    t_run_free(&r2);
    t_rmtree(d);
    free(d);
}

Test(lang, report_lang_in_the_scenario_and_the_option_wins)
{
    char *d = t_tmpdir();
    char *scen = scratch_scenario(d, "zh.yaml", "zh");
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/zh", d);
    snprintf(b, sizeof b, "%s/en", d);
    t_run r1 = t_cli("evaluate", scen, "-o", a, "-q", NULL);
    t_run r2 = t_cli("evaluate", scen, "-o", b, "-q", "--lang", "en", NULL);
    cr_assert_eq(r1.status, 0, "%s", r1.err);
    cr_assert_eq(r2.status, 0, "%s", r2.err);
    char p[4400];
    snprintf(p, sizeof p, "%s/parcels.csv", a);
    char *zh = t_slurp(p, NULL);
    snprintf(p, sizeof p, "%s/parcels.csv", b);
    char *en = t_slurp(p, NULL);
    char want[200];
    snprintf(want, sizeof want, "\xEF\xBB\xBF%s,%s,", sl_tr(SL_LANG_ZH, "id"),
             sl_tr(SL_LANG_ZH, "status"));
    cr_assert_eq(strncmp(zh, want, strlen(want)), 0, "report.lang: zh: %.80s", zh);
    cr_assert(strstr(zh, sl_tr_ctx(SL_LANG_ZH, "status", "candidate")));
    cr_assert_eq(strncmp(en, "\xEF\xBB\xBFid,status,", 13), 0, "--lang en wins: %.80s", en);
    free(zh);
    free(en);
    t_run_free(&r1);
    t_run_free(&r2);
    free(scen);
    t_rmtree(d);
    free(d);
}

Test(lang, unknown_languages_are_named)
{
    char *d = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", d, "--lang", "fr", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "'fr'") && strstr(r.err, "en, zh"), "%s", r.err);
    t_run_free(&r);
    r = t_cli("plan", GONGGAI, "-o", d, "--lang", "jp", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "'jp'") && strstr(r.err, "en, zh"), "%s", r.err);
    t_run_free(&r);
    r = t_cli("compare", GONGGAI, "-o", d, "--lang", "de", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "'de'") && strstr(r.err, "en, zh"), "%s", r.err);
    t_run_free(&r);
    char *scen = scratch_scenario(d, "fr.yaml", "fr");
    r = t_cli("check", scen, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "report.lang") && strstr(r.err, "'fr'") && strstr(r.err, "en, zh"),
              "%s", r.err);
    cr_assert(strstr(r.err, "fr.yaml:4:"), "at its line: %s", r.err);
    t_run_free(&r);
    free(scen);
    t_rmtree(d);
    free(d);
}

Test(lang, compare_in_chinese, .timeout = 300)
{
    char *d = t_tmpdir();
    char o[4200];
    snprintf(o, sizeof o, "%s/cmp", d);
    t_run r = t_cli("compare", GONGGAI, "-o", o, "-q", "--time-limit", "20", "--gap", "1", "--lang",
                    "zh", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char p[4400];
    snprintf(p, sizeof p, "%s/comparison.csv", o);
    char *csv = t_slurp(p, NULL);
    char *cols[100];
    int n = csv_header(csv, cols, 100);
    static const char *const keys[] = {"scenario", "file", "plan_rules", "status", "stop_reason"};
    for (int i = 0; i < 5; i++)
        cr_assert_str_eq(cols[i], sl_tr(SL_LANG_ZH, keys[i]), "column %d", i);
    cr_assert_gt(n, 15);
    snprintf(p, sizeof p, "%s/comparison.html", o);
    char *html = t_slurp(p, NULL);
    cr_assert(strstr(html, sl_tr(SL_LANG_ZH, "方案比选 Scenario comparison")));
    cr_assert_null(strstr(html, "Scenario comparison"));
    free(csv);
    free(html);
    t_rmtree(d);
    free(d);
}
