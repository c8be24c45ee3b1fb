/*
 * scenario.c - the scenario file: YAML in, a validated sl_scenario out, and
 * every problem as "FILE:LINE:COL: message".
 *
 * Two stages.  First libyaml's event parser builds a small tree of nodes
 * (ynode) that keeps each node's position; hostile input is stopped there:
 * nesting depth, scalar size and the number of nodes that aliases expand to
 * are bounded, so neither a deep file nor an alias bomb can exhaust the
 * stack, the memory or the clock.  A file may extend a base (`extends`):
 * each file of the chain becomes a tree of its own, and the trees are
 * merged from the last base up (mappings key by key, anything else
 * replaced) with every node keeping the file that wrote it, so that
 * messages and relative paths follow the value's own file.  Then the tree
 * is checked section by section against key tables (field[] below and
 * sl_rule_keys[]) that also hold each key's default and valid range.  Errors are collected, sorted by
 * position and handed to the caller's sl_error at the end, so a planner sees
 * all of a file's problems in reading order whichever section was checked
 * first.
 */
#include "input/scenario.h"

#include <assert.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

/* Bounds on what a scenario file may ask of the parser. */
enum {
    SL_MAX_DEPTH = 64,             /* nested mappings/lists */
    SL_MAX_SCALAR_BYTES = 1 << 20, /* one value: 1 MiB */
    SL_MAX_ALIAS_NODES = 100000,   /* nodes reached through aliases, in all */
    SL_MAX_FILE_BYTES = 64 << 20,  /* sl_scenario_load reads at most this */
    SL_MAX_SHOWN_ERRORS = 100,     /* messages handed to sl_error */
    SL_MAX_KEPT_ERRORS = 10000,    /* messages kept for sorting */
    SL_MAX_WORD = 64,              /* longest word "did you mean" compares */
    SL_MAX_FIELDS = 24,            /* rows of one field table */
    SL_PATH = 512,                 /* "industries[3].demand_m2.max" */
    SL_CLIP = 60,                  /* bytes of a value quoted in a message */
    SL_MAX_EXTENDS = 16,           /* files in an `extends` chain */
    SL_MAX_MERGED = 1000000,       /* pairs visited merging a chain */
    SL_MAX_FULLWIDTH = 32          /* full-width colons remembered for hints */
};
/* Work allowed to "did you mean" (distance-table cells), so that a file
 * with thousands of bad references cannot make suggestions quadratic. */
#define SL_SUGGEST_BUDGET SL_DID_YOU_MEAN_BUDGET

/* ------------------------------------------------------------------ */
/* Rule sets                                                           */

#define RULE(key, type, def, lo, excl, hi)                       \
    {                                                            \
#key, type, offsetof(sl_ruleset, key), def, lo, excl, hi \
    }

/* docs/model.md §4.  Defaults are the after-reform (工改工) values. */
const sl_rule_key sl_rule_keys[] = {
    RULE(far_max, SL_RULE_DOUBLE, 3.0, 0, false, INFINITY),
    RULE(far_min, SL_RULE_DOUBLE, 0.0, 0, false, INFINITY),
    RULE(factory_height_max_m, SL_RULE_DOUBLE, 50, 0, true, INFINITY),
    RULE(office_height_max_m, SL_RULE_DOUBLE, 60, 0, true, INFINITY),
    RULE(coverage_min, SL_RULE_DOUBLE, 0.30, 0, false, 1),
    RULE(coverage_max, SL_RULE_DOUBLE, 0.60, 0, false, 1),
    RULE(setback_m, SL_RULE_DOUBLE, 5, 0, false, INFINITY),
    RULE(office_footprint_share, SL_RULE_DOUBLE, 0.15, 0, false, 1),
    RULE(office_land_share_max, SL_RULE_DOUBLE, 0.07, 0, false, 1),
    RULE(office_gfa_share_max, SL_RULE_DOUBLE, 0.15, 0, false, 1),
    RULE(ground_floor_height_min_m, SL_RULE_DOUBLE, 6.0, 0, true, INFINITY),
    RULE(standard_floor_height_m, SL_RULE_DOUBLE, 4.5, 0, true, INFINITY),
    RULE(office_floor_height_m, SL_RULE_DOUBLE, 4.2, 0, true, INFINITY),
    RULE(tall_storey_m, SL_RULE_DOUBLE, 8.0, 0, true, INFINITY),
    RULE(floor_load_max_kN_m2, SL_RULE_LOADS, 0, 0, true, INFINITY),
    RULE(freight_lift_t, SL_RULE_DOUBLE, 3, 0, false, INFINITY),
    /* Level 1 is the ground: trucks always reach it, so ramp_floor >= 1. */
    RULE(ramp_floor, SL_RULE_INT, 1, 1, false, INFINITY),
    RULE(freight_trips_per_day_max, SL_RULE_DOUBLE, 200, 0, false, INFINITY),
    /* 0 bans vibration sources from every level. */
    RULE(vibration_source_max_floor, SL_RULE_INT, 1, 0, false, INFINITY),
    /* Minimum floor plates (docs/model.md §4): a smaller office footprint is no
     * office block; a smaller factory footprint, no redevelopment. */
    RULE(factory_floor_plate_min_m2, SL_RULE_DOUBLE, 500, 0, false, INFINITY),
    RULE(office_floor_plate_min_m2, SL_RULE_DOUBLE, 300, 0, false, INFINITY),
};
#define N_RULE_KEYS ((int)(sizeof sl_rule_keys / sizeof sl_rule_keys[0]))
const int sl_n_rule_keys = N_RULE_KEYS;
_Static_assert(sizeof sl_rule_keys / sizeof sl_rule_keys[0] <= 64,
               "sl_rule_override.mask has one bit per rule key");

/* floor_load_max_kN_m2 at level 1, 2, 3, 4 and up. */
static const double default_loads_kN_m2[] = {25, 15, 12, 8};

/* A rule key's upper bound must not fall below its lower bound; the
 * scenario says which pairs. */
static const struct {
    const char *upper, *lower;
} rule_bounds[] = {
    {"far_max", "far_min"},
    {"coverage_max", "coverage_min"},
};

static void *field_at(void *obj, size_t offset)
{
    return (char *)obj + offset;
}

static const void *cfield_at(const void *obj, size_t offset)
{
    return (const char *)obj + offset;
}

static double rule_double(const sl_ruleset *r, int i)
{
    const sl_rule_key *k = &sl_rule_keys[i];
    if (k->type == SL_RULE_INT)
        return *(const int *)cfield_at(r, k->offset);
    return *(const double *)cfield_at(r, k->offset);
}

void sl_ruleset_init(sl_ruleset *r)
{
    for (int i = 0; i < N_RULE_KEYS; i++) {
        const sl_rule_key *k = &sl_rule_keys[i];
        switch (k->type) {
        case SL_RULE_DOUBLE: *(double *)field_at(r, k->offset) = k->default_value; break;
        case SL_RULE_INT: *(int *)field_at(r, k->offset) = (int)k->default_value; break;
        case SL_RULE_LOADS:
            r->n_floor_loads = (int)(sizeof default_loads_kN_m2 / sizeof default_loads_kN_m2[0]);
            memset(r->floor_load_max_kN_m2, 0, sizeof r->floor_load_max_kN_m2);
            memcpy(r->floor_load_max_kN_m2, default_loads_kN_m2, sizeof default_loads_kN_m2);
            break;
        }
    }
}

double sl_ruleset_load_at(const sl_ruleset *r, int level)
{
    if (r->n_floor_loads < 1)
        return INFINITY;
    if (level < 1)
        level = 1;
    if (level > r->n_floor_loads)
        level = r->n_floor_loads;
    return r->floor_load_max_kN_m2[level - 1];
}

static void copy_rule_value(sl_ruleset *dst, const sl_ruleset *src, int i)
{
    const sl_rule_key *k = &sl_rule_keys[i];
    switch (k->type) {
    case SL_RULE_DOUBLE:
        *(double *)field_at(dst, k->offset) = *(const double *)cfield_at(src, k->offset);
        break;
    case SL_RULE_INT:
        *(int *)field_at(dst, k->offset) = *(const int *)cfield_at(src, k->offset);
        break;
    case SL_RULE_LOADS:
        dst->n_floor_loads = src->n_floor_loads;
        memcpy(dst->floor_load_max_kN_m2, src->floor_load_max_kN_m2,
               sizeof dst->floor_load_max_kN_m2);
        break;
    }
}

static bool rule_value_equal(const sl_ruleset *a, const sl_ruleset *b, int i)
{
    if (sl_rule_keys[i].type != SL_RULE_LOADS)
        return rule_double(a, i) == rule_double(b, i);
    if (a->n_floor_loads != b->n_floor_loads)
        return false;
    for (int j = 0; j < a->n_floor_loads; j++)
        if (a->floor_load_max_kN_m2[j] != b->floor_load_max_kN_m2[j])
            return false;
    return true;
}

void sl_ruleset_apply(const sl_ruleset *base, const sl_rule_override *o, sl_ruleset *out)
{
    *out = *base;
    if (!o)
        return;
    for (int i = 0; i < N_RULE_KEYS; i++)
        if (o->mask & (1ULL << i))
            copy_rule_value(out, &o->values, i);
}

static int rule_key_index(const char *name)
{
    for (int i = 0; i < N_RULE_KEYS; i++)
        if (strcmp(sl_rule_keys[i].name, name) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Enumerations                                                        */

typedef struct enum_item {
    const char *name;
    int value;
    bool listed; /* named in "is not one of ..." */
} enum_item;

typedef struct enum_def {
    const enum_item *items;
    int n;
    size_t width; /* bytes of the stored value: sizeof(int) or 1 */
} enum_def;

_Static_assert(sizeof(sl_kind) == sizeof(int), "sl_kind is stored as int");
_Static_assert(sizeof(sl_vibration) == sizeof(int), "sl_vibration is stored as int");

static const enum_item kind_items[] = {
    {"production", SL_KIND_PRODUCTION, true},
    {"rnd", SL_KIND_RND, true},
    {"office", SL_KIND_OFFICE, true},
    {"warehouse", SL_KIND_WAREHOUSE, true},
};
static const enum_item vibration_items[] = {
    {"source", SL_VIB_SOURCE, true},
    {"sensitive", SL_VIB_SENSITIVE, true},
    {"none", SL_VIB_NONE, true},
};
/* 火灾危险性分类 甲–戊 = A–E; lower-case letters are accepted too. */
static const enum_item fire_items[] = {
    {"A", 'A', true},  {"B", 'B', true},  {"C", 'C', true},  {"D", 'D', true},  {"E", 'E', true},
    {"甲", 'A', true}, {"乙", 'B', true}, {"丙", 'C', true}, {"丁", 'D', true}, {"戊", 'E', true},
    {"a", 'A', false}, {"b", 'B', false}, {"c", 'C', false}, {"d", 'D', false}, {"e", 'E', false},
};
#define ENUM_DEF(items, width)                              \
    {                                                       \
        items, (int)(sizeof items / sizeof items[0]), width \
    }
static const enum_def kind_def = ENUM_DEF(kind_items, sizeof(int));
static const enum_def vibration_def = ENUM_DEF(vibration_items, sizeof(int));
static const enum_def fire_def = ENUM_DEF(fire_items, 1);
/* report.lang: the languages of util/i18n.h. */
static const enum_item lang_items[] = {{"en", SL_LANG_EN, true}, {"zh", SL_LANG_ZH, true}};
static const enum_def lang_def = ENUM_DEF(lang_items, sizeof(sl_lang));
/* YAML booleans (stored in a bool, one byte). */
_Static_assert(sizeof(bool) == 1, "bool is stored as one byte");
static const enum_item bool_items[] = {
    {"true", 1, true},   {"false", 0, true}, {"True", 1, false},
    {"False", 0, false}, {"yes", 1, false},  {"no", 0, false},
};
static const enum_def bool_def = ENUM_DEF(bool_items, 1);

static const char *enum_name(const enum_def *d, int value)
{
    for (int i = 0; i < d->n; i++)
        if (d->items[i].value == value)
            return d->items[i].name;
    return "?";
}

const char *sl_kind_name(sl_kind k)
{
    return enum_name(&kind_def, (int)k);
}

const char *sl_vibration_name(sl_vibration v)
{
    return enum_name(&vibration_def, (int)v);
}

/* ------------------------------------------------------------------ */
/* The node tree                                                       */

typedef enum yn_type { YN_SCALAR, YN_SEQ, YN_MAP } yn_type;

/* One YAML node.  An alias is not a node of its own: the parent's kids[]
 * points at the anchored node, so a node can have several parents.
 * Invariant: a mapping has an even number of kids (key, value, ...). */
typedef struct ynode {
    yn_type type;
    int line, col; /* 1-based, where the node starts */
    int file;      /* the file that wrote it: index into ctx.files */
    char *text;    /* scalar: NUL-terminated, no NUL inside */
    size_t len;
    bool plain; /* a plain (unquoted) scalar: may be null */
    struct ynode **kids;
    int n, cap;
    long size; /* nodes of the subtree with aliases expanded (capped) */
    bool open; /* start event seen, end event not yet */
} ynode;

typedef struct ytree {
    ynode **all; /* every node, for freeing */
    int n_all, cap_all;
    ynode *root;         /* NULL for an empty file */
    char **anchor_names; /* open-addressing hash: anchor -> node */
    ynode **anchor_nodes;
    size_t anchor_cap, anchor_used;
    long alias_nodes; /* nodes reached through aliases so far */
} ytree;

/* ------------------------------------------------------------------ */
/* Errors                                                              */

typedef struct perr {
    int file, line, col;
    long seq;
    char *msg;
} perr;

/* Where a full-width colon is: files[file], 1-based line and column. */
typedef struct fwpos {
    int file, line, col;
} fwpos;

/* One parse: the file name for messages, the errors found so far and the
 * scenario being filled. */
typedef struct ctx {
    const char *file; /* the scenario as given (files[0]) */
    /* the chain of files: the scenario, its base, the base's base ... */
    char **files;
    int n_files, cap_files;
    int cur_file;       /* the file being read into a tree */
    size_t chain_bytes; /* bytes read for the chain */
    long merged;        /* pairs visited by the extends merge */
    int pins_file;      /* the files that wrote pins and plan.exclude */
    int exclude_file;
    perr *errs;
    int n_errs, cap_errs;
    /* full-width colons '：' written where ':' was meant (a key before
     * them), found in each file's text before it is parsed */
    fwpos fw[SL_MAX_FULLWIDTH];
    int n_fw;
    bool syntax_error; /* the error being reported is libyaml's */
    long n_total;      /* errors found, kept or not */
    bool oom;
    long suggest_budget;
    sl_scenario *s;
    /* industries: the id node and list index of each, and the indices
     * sorted by id for lookups */
    ynode **ind_id;
    int *ind_item;
    struct id_ref *ind_sorted;
    int n_sorted;
} ctx;

/* A name and the index of what it names: sorted copies let duplicate and
 * lookup checks run in n log n without a comparator context. */
typedef struct id_ref {
    const char *id;
    int k;
} id_ref;

static int cmp_id_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int r = strcmp(x->id, y->id);
    return r ? r : (x->k > y->k) - (x->k < y->k);
}

/* The full-width colon an error at (file, line) most likely comes from: one
 * on its line, else on the line before; for a YAML syntax error, the last
 * one before the error.  NULL when none. */
static int fullwidth_near(const ctx *c, int file, int line)
{
    int best = -1;
    for (int i = 0; i < c->n_fw; i++) {
        if (c->fw[i].file != file || c->fw[i].line > line)
            continue;
        if (c->fw[i].line == line)
            return i;
        if (c->fw[i].line == line - 1 || c->syntax_error)
            best = i;
    }
    return best;
}

/* msg with "; full-width colon '：' at L:C; use ':'" appended when such a
 * colon explains the error (msg is freed; NULL when out of memory). */
static char *fullwidth_hint(const ctx *c, int file, int line, char *msg)
{
    int i = fullwidth_near(c, file, line);
    if (i < 0)
        return msg;
#define FULLWIDTH_HINT "%s; full-width colon '：' at %d:%d; use ':'"
    int n = snprintf(NULL, 0, FULLWIDTH_HINT, msg, c->fw[i].line, c->fw[i].col);
    char *m = n < 0 ? NULL : malloc((size_t)n + 1);
    if (m)
        snprintf(m, (size_t)n + 1, FULLWIDTH_HINT, msg, c->fw[i].line, c->fw[i].col);
#undef FULLWIDTH_HINT
    free(msg);
    return m;
}

static void vreport(ctx *c, int file, int line, int col, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
static void vreport(ctx *c, int file, int line, int col, const char *fmt, va_list ap)
{
    c->n_total++;
    if (c->n_errs >= SL_MAX_KEPT_ERRORS)
        return;
    if (c->n_errs == c->cap_errs) {
        int cap = c->cap_errs ? c->cap_errs * 2 : 16;
        perr *e = realloc(c->errs, (size_t)cap * sizeof *e);
        if (!e) {
            c->oom = true;
            return;
        }
        c->errs = e;
        c->cap_errs = cap;
    }
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *msg = malloc((size_t)(n < 0 ? 0 : n) + 1);
    if (!msg) {
        c->oom = true;
        return;
    }
    vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    msg = fullwidth_hint(c, file, line, msg);
    if (!msg) {
        c->oom = true;
        return;
    }
    c->errs[c->n_errs++] = (perr){file, line, col, c->n_total, msg};
}

static void report(ctx *c, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(ctx *c, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, c->cur_file, line, col, fmt, ap);
    va_end(ap);
}

/* An error at a position of files[file]. */
static void report_in(ctx *c, int file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void report_in(ctx *c, int file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, file, line, col, fmt, ap);
    va_end(ap);
}

/* An error at node n (1:1 when there is no node: an empty file). */
static void fail(ctx *c, const ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(ctx *c, const ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, n ? n->file : 0, n ? n->line : 1, n ? n->col : 1, fmt, ap);
    va_end(ap);
}

static int cmp_perr(const void *a, const void *b)
{
    const perr *x = a, *y = b;
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Hand the collected errors to err in file order, each once. */
static void flush_errors(ctx *c, sl_error *err)
{
    qsort(c->errs, (size_t)c->n_errs, sizeof *c->errs, cmp_perr);
    int shown = 0;
    long hidden = c->n_total - c->n_errs;
    for (int i = 0; i < c->n_errs; i++) {
        const perr *e = &c->errs[i];
        if (i > 0 && e->file == e[-1].file && e->line == e[-1].line && e->col == e[-1].col &&
            strcmp(e->msg, e[-1].msg) == 0)
            continue;
        if (shown == SL_MAX_SHOWN_ERRORS) {
            hidden++;
            continue;
        }
        const char *file = e->file < c->n_files ? c->files[e->file] : c->file;
        sl_error_at(err, SL_ERR_SCENARIO, file, e->line, e->col, "%s", e->msg);
        shown++;
    }
    if (hidden > 0)
        sl_error_add(err, SL_ERR_SCENARIO, "%s: %ld more errors not shown", c->file, hidden);
    if (c->oom)
        sl_error_add(err, SL_ERR_NOMEM, "%s: out of memory", c->file);
}

static void free_errors(ctx *c)
{
    for (int i = 0; i < c->n_errs; i++)
        free(c->errs[i].msg);
    free(c->errs);
    c->errs = NULL;
    c->n_errs = c->cap_errs = 0;
}

static char *xstrdup(ctx *c, const char *s)
{
    char *d = strdup(s);
    if (!d)
        c->oom = true;
    return d;
}

/* Make room for `need` elements of `size` bytes in *arr (zero-filled). */
static bool grow(ctx *c, void *arr, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return true;
    int ncap = *cap ? *cap : 4;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*(void **)arr, (size_t)ncap * size);
    if (!p) {
        c->oom = true;
        return false;
    }
    memset((char *)p + (size_t)*cap * size, 0, (size_t)(ncap - *cap) * size);
    *(void **)arr = p;
    *cap = ncap;
    return true;
}

/* ------------------------------------------------------------------ */
/* Message pieces                                                      */

/* s shortened to SL_CLIP bytes on a UTF-8 boundary, "..." marking a cut. */
static const char *clip(const char *s, char *buf, size_t size)
{
    size_t n = strlen(s);
    if (n <= SL_CLIP && n < size) {
        memcpy(buf, s, n + 1);
        return buf;
    }
    n = SL_CLIP < size - 4 ? SL_CLIP : size - 4;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(buf, s, n);
    memcpy(buf + n, "...", 4);
    return buf;
}

static bool is_null(const ynode *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    if (!n)
        return true;
    if (n->type != YN_SCALAR || !n->plain)
        return false;
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (strcmp(n->text, nulls[i]) == 0)
            return true;
    return false;
}

/* Null, or an empty string: "no value" for text keys. */
static bool is_blank(const ynode *n)
{
    return is_null(n) || (n->type == YN_SCALAR && n->len == 0);
}

/* What a node is, for "got ...": 'text', a mapping, a list, nothing. */
static const char *describe(const ynode *n, char *buf, size_t size)
{
    char tmp[SL_CLIP + 8];
    if (!n || (n->type == YN_SCALAR && n->plain && n->len == 0))
        return "nothing";
    if (n->type == YN_MAP)
        return "a mapping";
    if (n->type == YN_SEQ)
        return "a list";
    snprintf(buf, size, "'%s'", clip(n->text, tmp, sizeof tmp));
    return buf;
}

/* "ctx.key", or just "key" at the top level. */
static const char top_ctx[] = "scenario";

static void key_path(char *out, const char *where, const char *key)
{
    char tmp[SL_CLIP + 8];
    if (where == top_ctx)
        snprintf(out, SL_PATH, "%s", clip(key, tmp, sizeof tmp));
    else
        snprintf(out, SL_PATH, "%s.%s", where, clip(key, tmp, sizeof tmp));
}

static void item_path(char *out, const char *where, int i)
{
    /* Paths only appear in messages: a cut one is still readable. */
    if (snprintf(out, SL_PATH, "%s[%d]", where, i) >= SL_PATH)
        out[SL_PATH - 1] = '\0';
}

/* ------------------------------------------------------------------ */
/* "Did you mean": optimal-string-alignment (Damerau-Levenshtein)      */
/* distance on code points.                                            */

static int utf8_decode(const char *s, uint32_t *out, int max)
{
    int n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (n == max)
            return -1;
        uint32_t cp = *p++;
        int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
        if (extra)
            cp &= 0x3Fu >> extra;
        while (extra-- > 0 && (*p & 0xC0) == 0x80)
            cp = (cp << 6) | (*p++ & 0x3Fu);
        out[n++] = cp;
    }
    return n;
}

static int osa_distance(const uint32_t *a, int la, const uint32_t *b, int lb)
{
    int d[SL_MAX_WORD + 1][SL_MAX_WORD + 1];
    for (int i = 0; i <= la; i++)
        d[i][0] = i;
    for (int j = 0; j <= lb; j++)
        d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

/* A near miss: at most 2 edits (fewer than half the candidate's length,
 * so 'x' does not suggest 'id'), or at most a third of its length. */
static bool near_miss(int dist, int len)
{
    return (dist <= 2 && 2 * dist < len) || 3 * dist <= len;
}

/* The closest of names[0..n) to word when it is a near miss, else NULL;
 * ties go to the earlier name. */
static const char *suggest(ctx *c, const char *word, const char *const *names, int n)
{
    uint32_t a[SL_MAX_WORD], b[SL_MAX_WORD];
    int la = utf8_decode(word, a, SL_MAX_WORD);
    if (la < 0)
        return NULL;
    const char *best = NULL;
    int best_d = 0;
    for (int i = 0; i < n; i++) {
        if (!names[i])
            continue;
        int lb = utf8_decode(names[i], b, SL_MAX_WORD);
        if (lb < 0 || abs(la - lb) > (lb > 6 ? lb / 3 : 2))
            continue;
        c->suggest_budget -= (long)(la + 1) * (lb + 1);
        if (c->suggest_budget < 0)
            return best;
        int d = osa_distance(a, la, b, lb);
        if (d > 0 && near_miss(d, lb) && (!best || d < best_d)) {
            best = names[i];
            best_d = d;
        }
    }
    return best;
}

const char *sl_did_you_mean(const char *word, const char *const *names, int n, long *budget)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.suggest_budget = budget ? *budget : SL_SUGGEST_BUDGET;
    const char *near = word && c.suggest_budget > 0 ? suggest(&c, word, names, n) : NULL;
    if (budget)
        *budget = c.suggest_budget;
    return near;
}

/* ------------------------------------------------------------------ */
/* Building the tree from libyaml events                               */

static ynode *new_node(ctx *c, ytree *t, yn_type type, const yaml_mark_t *m)
{
    if (!grow(c, &t->all, &t->cap_all, t->n_all + 1, sizeof *t->all))
        return NULL;
    ynode *n = calloc(1, sizeof *n);
    if (!n) {
        c->oom = true;
        return NULL;
    }
    n->type = type;
    n->file = c->cur_file;
    n->line = (int)m->line + 1;
    n->col = (int)m->column + 1;
    n->size = 1;
    t->all[t->n_all++] = n;
    return n;
}

static void free_tree(ytree *t)
{
    for (int i = 0; i < t->n_all; i++) {
        free(t->all[i]->text);
        free(t->all[i]->kids);
        free(t->all[i]);
    }
    free(t->all);
    for (size_t i = 0; i < t->anchor_cap; i++)
        free(t->anchor_names[i]);
    free(t->anchor_names);
    free(t->anchor_nodes);
    memset(t, 0, sizeof *t);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static size_t anchor_slot(const ytree *t, const char *name)
{
    size_t i = (size_t)fnv1a(name) & (t->anchor_cap - 1);
    while (t->anchor_names[i] && strcmp(t->anchor_names[i], name) != 0)
        i = (i + 1) & (t->anchor_cap - 1);
    return i;
}

static ynode *anchor_find(const ytree *t, const char *name)
{
    if (!t->anchor_cap)
        return NULL;
    return t->anchor_nodes[anchor_slot(t, name)];
}

/* Define (or redefine: the latest wins, as YAML says) an anchor. */
static bool anchor_set(ctx *c, ytree *t, const char *name, ynode *n)
{
    if ((t->anchor_used + 1) * 2 > t->anchor_cap) {
        ytree bigger = *t;
        bigger.anchor_cap = t->anchor_cap ? t->anchor_cap * 2 : 64;
        bigger.anchor_names = calloc(bigger.anchor_cap, sizeof *bigger.anchor_names);
        bigger.anchor_nodes = calloc(bigger.anchor_cap, sizeof *bigger.anchor_nodes);
        if (!bigger.anchor_names || !bigger.anchor_nodes) {
            free(bigger.anchor_names);
            free(bigger.anchor_nodes);
            c->oom = true;
            return false;
        }
        for (size_t i = 0; i < t->anchor_cap; i++)
            if (t->anchor_names[i]) {
                size_t j = anchor_slot(&bigger, t->anchor_names[i]);
                bigger.anchor_names[j] = t->anchor_names[i];
                bigger.anchor_nodes[j] = t->anchor_nodes[i];
            }
        free(t->anchor_names);
        free(t->anchor_nodes);
        t->anchor_names = bigger.anchor_names;
        t->anchor_nodes = bigger.anchor_nodes;
        t->anchor_cap = bigger.anchor_cap;
    }
    size_t i = anchor_slot(t, name);
    if (!t->anchor_names[i]) {
        if (!(t->anchor_names[i] = xstrdup(c, name)))
            return false;
        t->anchor_used++;
    }
    t->anchor_nodes[i] = n;
    return true;
}

/* Hang n under the innermost open collection (or make it the root). */
static bool attach(ctx *c, ytree *t, ynode **stack, int depth, ynode *n)
{
    if (depth == 0) {
        if (!t->root)
            t->root = n;
        return true;
    }
    ynode *p = stack[depth - 1];
    if (!grow(c, &p->kids, &p->cap, p->n + 1, sizeof *p->kids))
        return false;
    p->kids[p->n++] = n;
    return true;
}

static void yaml_problem(ctx *c, const yaml_parser_t *yp, const char *text, size_t len)
{
    if (yp->error == YAML_MEMORY_ERROR) {
        c->oom = true;
        return;
    }
    const char *problem = yp->problem ? yp->problem : "unknown problem";
    if (yp->error == YAML_READER_ERROR) {
        /* The reader gives a byte offset, not a mark. */
        size_t off = yp->problem_offset < len ? yp->problem_offset : len;
        int line = 1, col = 1;
        for (size_t i = 0; i < off; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
                col++;
            }
        }
        report(c, line, col, "YAML encoding error: %s%s", problem,
               strstr(problem, "UTF-8") ? " (save the scenario as UTF-8)" : "");
        return;
    }
    int line = (int)yp->problem_mark.line + 1;
    /* A tab in the indentation: libyaml says only "found character that
     * cannot start any token".  Find the line's leading blanks. */
    const char *p = text, *end = text + len;
    for (int l = 1; l < line && p < end; p++)
        if (*p == '\n')
            l++;
    int tab_col = 0;
    for (int col = 1; p < end && (*p == ' ' || *p == '\t'); p++, col++)
        if (*p == '\t') {
            tab_col = col;
            break;
        }
    c->syntax_error = true;
    if (tab_col)
        report(c, line, (int)yp->problem_mark.column + 1,
               "YAML syntax error: %s; a tab at %d:%d indents the line: YAML indents with "
               "spaces only",
               problem, line, tab_col);
    else
        report(c, line, (int)yp->problem_mark.column + 1, "YAML syntax error: %s", problem);
    c->syntax_error = false;
}

/* One event into the tree.  Returns false to stop: an error is recorded. */
static bool take_event(ctx *c, ytree *t, const yaml_event_t *ev, ynode **stack, int *depth,
                       int *docs)
{
    const yaml_mark_t *m = &ev->start_mark;
    int line = (int)m->line + 1, col = (int)m->column + 1;
    ynode *n;
    const yaml_char_t *anchor = NULL;

    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++*docs > 1) {
            report(c, line, col, "only one YAML document is allowed");
            return false;
        }
        return true;
    case YAML_ALIAS_EVENT: {
        const char *name = (const char *)ev->data.alias.anchor;
        char tmp[SL_CLIP + 8];
        n = anchor_find(t, name);
        if (!n) {
            report(c, line, col, "undefined alias '%s'", clip(name, tmp, sizeof tmp));
            return false;
        }
        if (n->open) {
            report(c, line, col, "alias '%s' refers to a node that contains it",
                   clip(name, tmp, sizeof tmp));
            return false;
        }
        t->alias_nodes += n->size;
        if (t->alias_nodes > SL_MAX_ALIAS_NODES) {
            report(c, line, col, "too many alias expansions (more than %d nodes)",
                   SL_MAX_ALIAS_NODES);
            return false;
        }
        return attach(c, t, stack, *depth, n);
    }
    case YAML_SCALAR_EVENT:
        if (ev->data.scalar.length > SL_MAX_SCALAR_BYTES) {
            report(c, line, col, "value longer than 1 MiB");
            return false;
        }
        if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length)) {
            report(c, line, col, "value contains a NUL character");
            return false;
        }
        if (!(n = new_node(c, t, YN_SCALAR, m)))
            return false;
        n->len = ev->data.scalar.length;
        if (!(n->text = malloc(n->len + 1))) {
            c->oom = true;
            return false;
        }
        memcpy(n->text, ev->data.scalar.value, n->len);
        n->text[n->len] = '\0';
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        anchor = ev->data.scalar.anchor;
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (*depth == SL_MAX_DEPTH) {
            report(c, line, col, "nesting deeper than %d levels", SL_MAX_DEPTH);
            return false;
        }
        if (!(n = new_node(c, t, ev->type == YAML_MAPPING_START_EVENT ? YN_MAP : YN_SEQ, m)))
            return false;
        n->open = true;
        anchor = ev->type == YAML_MAPPING_START_EVENT ? ev->data.mapping_start.anchor
                                                      : ev->data.sequence_start.anchor;
        if (!attach(c, t, stack, *depth, n))
            return false;
        stack[(*depth)++] = n;
        return !anchor || anchor_set(c, t, (const char *)anchor, n);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        n = stack[--*depth];
        n->open = false;
        for (int i = 0; i < n->n; i++) {
            n->size += n->kids[i]->size;
            if (n->size > SL_MAX_ALIAS_NODES)
                n->size = SL_MAX_ALIAS_NODES + 1;
        }
        return true;
    default: return true;
    }
    if (!attach(c, t, stack, *depth, n))
        return false;
    return !anchor || anchor_set(c, t, (const char *)anchor, n);
}

/* Remember the full-width colons '：' (U+FF1A, what a Chinese input method
 * types for ':') that follow a key: an ASCII name at the start of a line,
 * after "- ", '{' or ',', outside quotes and comments.  YAML takes
 * "far_max： 3" for one plain string, so the errors it causes (a mapping
 * expected, an unknown key, a syntax error) get a hint. */
static bool isalnum_ascii(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static void scan_fullwidth(ctx *c, const char *text, size_t len)
{
    int line = 1, col = 1;
    size_t start = 0; /* of the current line */
    char quote = 0;
    bool comment = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            line++;
            col = 1;
            start = i + 1;
            quote = 0;
            comment = false;
            continue;
        }
        if ((ch & 0xC0) != 0x80 && i > start)
            col++;
        if (comment)
            continue;
        if (quote) {
            if (ch == (unsigned char)quote)
                quote = 0;
            continue;
        }
        if (ch == '"' || ch == '\'') {
            quote = (char)ch;
            continue;
        }
        if (ch == '#' && (i == start || text[i - 1] == ' ' || text[i - 1] == '\t')) {
            comment = true;
            continue;
        }
        if (ch != 0xEF || i + 2 >= len || (unsigned char)text[i + 1] != 0xBC ||
            (unsigned char)text[i + 2] != 0x9A)
            continue;
        size_t k = i;
        while (k > start && text[k - 1] > 0 && (isalnum_ascii(text[k - 1]) || text[k - 1] == '_'))
            k--;
        bool key = k < i && (k == start || strchr(" \t{,-", text[k - 1]));
        if (key && c->n_fw < SL_MAX_FULLWIDTH)
            c->fw[c->n_fw++] = (fwpos){c->cur_file, line, col};
    }
}

static bool build_tree(ctx *c, ytree *t, const char *text, size_t len)
{
    scan_fullwidth(c, text, len);
    yaml_parser_t yp;
    if (!yaml_parser_initialize(&yp)) {
        c->oom = true;
        return false;
    }
    yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
    ynode *stack[SL_MAX_DEPTH];
    int depth = 0, docs = 0;
    bool ok = true;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&yp, &ev)) {
            yaml_problem(c, &yp, text, len);
            ok = false;
            break;
        }
        bool end = ev.type == YAML_STREAM_END_EVENT;
        ok = take_event(c, t, &ev, stack, &depth, &docs);
        yaml_event_delete(&ev);
        if (!ok || end)
            break;
    }
    yaml_parser_delete(&yp);
    return ok && !c->oom;
}

/* ------------------------------------------------------------------ */
/* Mappings: their (key, value) pairs, merge keys and duplicates       */

typedef struct pair {
    ynode *key, *val;
    long order;
    bool explicit_; /* written in this mapping, not merged in */
} pair;

typedef struct pairs {
    pair *v;
    int n, cap;
} pairs;

static bool is_merge_key(const ynode *k)
{
    return k->type == YN_SCALAR && k->plain && strcmp(k->text, "<<") == 0;
}

/* Append map's pairs to out: first the keys written in it, then those of
 * its merge keys (YAML `<<: *anchor`, a mapping or a list of them). */
static void collect_pairs(ctx *c, const char *where, const ynode *map, bool explicit_, pairs *out,
                          int depth)
{
    for (int k = 0; k + 1 < map->n; k += 2) {
        ynode *key = map->kids[k];
        if (is_merge_key(key))
            continue;
        if (key->type != YN_SCALAR) {
            if (explicit_)
                fail(c, key, "%s: keys must be names, not lists or mappings", where);
            continue;
        }
        if (!grow(c, &out->v, &out->cap, out->n + 1, sizeof *out->v))
            return;
        out->v[out->n] = (pair){key, map->kids[k + 1], out->n, explicit_};
        out->n++;
    }
    for (int k = 0; k + 1 < map->n; k += 2) {
        if (!is_merge_key(map->kids[k]))
            continue;
        const ynode *v = map->kids[k + 1];
        bool bad = depth >= SL_MAX_DEPTH || (v->type != YN_MAP && v->type != YN_SEQ);
        for (int i = 0; !bad && v->type == YN_SEQ && i < v->n; i++)
            bad = v->kids[i]->type != YN_MAP;
        if (bad) {
            char path[SL_PATH];
            key_path(path, where, "<<");
            fail(c, v, "%s: expected a mapping or a list of mappings", path);
            continue;
        }
        if (v->type == YN_MAP)
            collect_pairs(c, where, v, false, out, depth + 1);
        for (int i = 0; v->type == YN_SEQ && i < v->n; i++)
            collect_pairs(c, where, v->kids[i], false, out, depth + 1);
    }
}

static int cmp_pair_key(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    int r = strcmp(x->key->text, y->key->text);
    if (r)
        return r;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_pair_order(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The pairs of a mapping, each key once: a key written twice is an error;
 * a written key wins over a merged one, an earlier merge over a later.
 * A null node has no pairs.  Free out->v. */
static void map_pairs(ctx *c, const char *where, const ynode *map, pairs *out)
{
    memset(out, 0, sizeof *out);
    if (!map || map->type != YN_MAP)
        return;
    collect_pairs(c, where, map, true, out, 0);
    if (out->n < 2)
        return;
    qsort(out->v, (size_t)out->n, sizeof *out->v, cmp_pair_key);
    int kept = 0;
    for (int i = 0; i < out->n; i++) {
        pair *p = &out->v[i];
        if (kept > 0 && strcmp(out->v[kept - 1].key->text, p->key->text) == 0) {
            if (p->explicit_) {
                char tmp[SL_CLIP + 8];
                fail(c, p->key, "duplicate key '%s' in %s", clip(p->key->text, tmp, sizeof tmp),
                     where);
            }
            continue;
        }
        out->v[kept++] = *p;
    }
    out->n = kept;
    qsort(out->v, (size_t)out->n, sizeof *out->v, cmp_pair_order);
}

static void unknown_key(ctx *c, const char *where, const ynode *key, const char *const *names,
                        int n)
{
    char tmp[SL_CLIP + 8];
    const char *s = suggest(c, key->text, names, n);
    if (s)
        fail(c, key, "unknown key '%s' in %s; did you mean '%s'?", clip(key->text, tmp, sizeof tmp),
             where, s);
    else
        fail(c, key, "unknown key '%s' in %s", clip(key->text, tmp, sizeof tmp), where);
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

typedef struct num_range {
    double min;
    bool min_exclusive;
    double max;
} num_range;

static const char *range_text(const num_range *r, char *buf, size_t size)
{
    if (isfinite(r->max))
        snprintf(buf, size, r->min_exclusive ? "> %g and <= %g" : "between %g and %g", r->min,
                 r->max);
    else
        snprintf(buf, size, r->min_exclusive ? "> %g" : ">= %g", r->min);
    return buf;
}

static bool in_range(const num_range *r, double v)
{
    return (r->min_exclusive ? v > r->min : v >= r->min) && v <= r->max;
}

typedef enum num_result { NUM_OK, NUM_NULL, NUM_BAD, NUM_NONFINITE } num_result;

/* A scalar read as a decimal number: strtod over the whole text, no
 * leading space, no trailing junk.  NaN, infinities (YAML .inf, .nan, or
 * strtod's inf/nan/overflow) and hexadecimal are NUM_NONFINITE. */
static num_result read_number(const ynode *n, double *out)
{
    if (is_null(n))
        return NUM_NULL;
    if (n->type != YN_SCALAR || n->len == 0)
        return NUM_BAD;
    const char *t = n->text;
    const char *u = t + (*t == '+' || *t == '-');
    static const char *const yaml_special[] = {"inf", "Inf", "INF", "nan", "NaN", "NAN"};
    if (u[0] == '.')
        for (size_t i = 0; i < sizeof yaml_special / sizeof yaml_special[0]; i++)
            if (strcmp(u + 1, yaml_special[i]) == 0)
                return NUM_NONFINITE;
    if (u[0] == '0' && (u[1] == 'x' || u[1] == 'X'))
        return NUM_NONFINITE;
    if (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r' || *t == '\f' || *t == '\v')
        return NUM_BAD;
    char *end;
    double v = strtod(t, &end);
    if (end == t || *end)
        return NUM_BAD;
    if (!isfinite(v))
        return NUM_NONFINITE;
    *out = v;
    return NUM_OK;
}

/* "; did you mean 0.60?" for a share written as the percentage pct. */
static void share_hint(double pct, char *buf, size_t size)
{
    double share = pct / 100;
    if (fabs(pct - floor(pct + 0.5)) < 1e-9)
        snprintf(buf, size, "; did you mean %.2f?", share);
    else
        snprintf(buf, size, "; did you mean %g?", share);
}

/* Read a number (or integer) into *out after checking its range.  A null
 * value gives false without an error when null_ok (the default stays). */
static bool get_number(ctx *c, const char *path, const ynode *n, const num_range *r, bool integer,
                       bool null_ok, double *out)
{
    char got[SL_CLIP + 16], tmp[SL_CLIP + 8], rt[64];
    const char *expected = integer ? "an integer" : "a number";
    double v = 0;
    switch (read_number(n, &v)) {
    case NUM_NULL: /* a list item or a required value cannot be empty */
        if (null_ok)
            return false;
        /* fall through */
    case NUM_BAD: {
        /* "60%" for a share */
        char hint[64] = "";
        if (r->min == 0 && r->max == 1 && n->type == YN_SCALAR && n->len > 1 &&
            n->text[n->len - 1] == '%') {
            char *end;
            double pct = strtod(n->text, &end);
            if (end == n->text + n->len - 1 && pct >= 0 && pct <= 100)
                share_hint(pct, hint, sizeof hint);
        }
        fail(c, n, "%s: expected %s, got %s%s", path, expected, describe(n, got, sizeof got), hint);
        return false;
    }
    case NUM_NONFINITE:
        fail(c, n, "%s: expected a finite number, got %s", path, describe(n, got, sizeof got));
        return false;
    case NUM_OK: break;
    }
    if (integer && (v != floor(v) || fabs(v) > 1e9)) {
        fail(c, n, "%s: expected an integer, got %s", path, describe(n, got, sizeof got));
        return false;
    }
    if (!in_range(r, v)) {
        char hint[64] = "";
        if (r->min == 0 && r->max == 1 && v >= 2 && v <= 100) {
            /* a share written as a percentage */
            share_hint(v, hint, sizeof hint);
        }
        fail(c, n, "%s must be %s (got %s)%s", path, range_text(r, rt, sizeof rt),
             clip(n->text, tmp, sizeof tmp), hint);
        return false;
    }
    *out = v;
    return true;
}

/* A text value into *dst (replacing it).  Null and "" leave it alone. */
static bool get_string(ctx *c, const char *path, const ynode *n, char **dst)
{
    char got[SL_CLIP + 16];
    if (is_blank(n))
        return false;
    if (n->type != YN_SCALAR) {
        fail(c, n, "%s: expected a string, got %s", path, describe(n, got, sizeof got));
        return false;
    }
    char *s = xstrdup(c, n->text);
    if (!s)
        return false;
    free(*dst);
    *dst = s;
    return true;
}

/* "a, b, c" from the listed items of an enumeration. */
static const char *enum_list(const enum_def *d, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < d->n; i++)
        if (d->items[i].listed) {
            int k = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", d->items[i].name);
            if (k < 0 || (size_t)k >= size - used)
                break;
            used += (size_t)k;
        }
    return buf;
}

/* What a newcomer writes for a value of an enumeration, and the value
 * meant: Chinese names, "R&D", fire classes with 类. */
typedef struct enum_alias_item {
    const enum_def *def;
    const char *alias, *name;
} enum_alias_item;

static const enum_alias_item enum_aliases[] = {
    {&kind_def, "R&D", "rnd"},
    {&kind_def, "RD", "rnd"},
    {&kind_def, "R+D", "rnd"},
    {&kind_def, "research", "rnd"},
    {&kind_def, "研发", "rnd"},
    {&kind_def, "生产", "production"},
    {&kind_def, "制造", "production"},
    {&kind_def, "manufacturing", "production"},
    {&kind_def, "办公", "office"},
    {&kind_def, "仓储", "warehouse"},
    {&kind_def, "仓库", "warehouse"},
    {&kind_def, "物流", "warehouse"},
    {&kind_def, "storage", "warehouse"},
    {&kind_def, "logistics", "warehouse"},
    {&vibration_def, "振源", "source"},
    {&vibration_def, "振动源", "source"},
    {&vibration_def, "敏感", "sensitive"},
    {&vibration_def, "无", "none"},
    {&fire_def, "甲类", "甲"},
    {&fire_def, "乙类", "乙"},
    {&fire_def, "丙类", "丙"},
    {&fire_def, "丁类", "丁"},
    {&fire_def, "戊类", "戊"},
    {&fire_def, "A类", "A"},
    {&fire_def, "B类", "B"},
    {&fire_def, "C类", "C"},
    {&fire_def, "D类", "D"},
    {&fire_def, "E类", "E"},
};

/* The value meant by text, an alias of d (ASCII letters in any case), or
 * NULL. */
static const char *enum_alias(const enum_def *d, const char *text)
{
    for (size_t i = 0; i < sizeof enum_aliases / sizeof enum_aliases[0]; i++) {
        const enum_alias_item *a = &enum_aliases[i];
        if (a->def != d)
            continue;
        const char *x = a->alias, *y = text;
        while (*x && *y) {
            char cx = *x, cy = *y;
            if (cx >= 'A' && cx <= 'Z')
                cx = (char)(cx - 'A' + 'a');
            if (cy >= 'A' && cy <= 'Z')
                cy = (char)(cy - 'A' + 'a');
            if (cx != cy)
                break;
            x++;
            y++;
        }
        if (!*x && !*y)
            return a->name;
    }
    return NULL;
}

static bool get_enum(ctx *c, const char *path, const ynode *n, const enum_def *d, void *dst)
{
    char list[256], got[SL_CLIP + 16], tmp[SL_CLIP + 8];
    if (is_blank(n))
        return false;
    if (n->type != YN_SCALAR) {
        fail(c, n, "%s: expected one of %s, got %s", path, enum_list(d, list, sizeof list),
             describe(n, got, sizeof got));
        return false;
    }
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->items[i].name, n->text) == 0) {
            if (d->width == 1)
                *(char *)dst = (char)d->items[i].value;
            else
                *(int *)dst = d->items[i].value;
            return true;
        }
    const char *names[32];
    int k = 0;
    for (int i = 0; i < d->n && k < 32; i++)
        if (d->items[i].listed)
            names[k++] = d->items[i].name;
    const char *s = enum_alias(d, n->text);
    if (!s)
        s = suggest(c, n->text, names, k);
    enum_list(d, list, sizeof list);
    if (s)
        fail(c, n, "%s: '%s' is not one of %s; did you mean '%s'?", path,
             clip(n->text, tmp, sizeof tmp), list, s);
    else
        fail(c, n, "%s: '%s' is not one of %s", path, clip(n->text, tmp, sizeof tmp), list);
    return false;
}

/* ------------------------------------------------------------------ */
/* Field tables: one row per key of a mapping                          */

typedef void (*sub_fn)(ctx *c, const char *path, ynode *value, void *obj);

typedef enum field_type {
    F_NODE, /* keep the node (found[]) for the caller */
    F_STR,  /* char *, NULL when absent */
    F_NUM,  /* double */
    F_INT,  /* int */
    F_ENUM, /* int or char, from an enum_def */
    F_SUB   /* a nested value read by sub(obj) */
} field_type;

typedef struct field {
    const char *key;
    field_type type;
    size_t offset; /* into the object the table fills */
    bool required;
    double def;      /* F_NUM, F_INT, F_ENUM default */
    num_range range; /* F_NUM, F_INT */
    const enum_def *choices;
    sub_fn sub;
} field;

#define N_OF(table) ((int)(sizeof table / sizeof table[0]))

#define F_STRING(k, st, m, req)                                      \
    {                                                                \
        k, F_STR, offsetof(st, m), req, 0, {0, false, 0}, NULL, NULL \
    }
#define F_NUMBER(k, st, m, req, d, lo, excl, hi)                      \
    {                                                                 \
        k, F_NUM, offsetof(st, m), req, d, {lo, excl, hi}, NULL, NULL \
    }
#define F_INTEGER(k, st, m, req, d, lo, hi)                            \
    {                                                                  \
        k, F_INT, offsetof(st, m), req, d, {lo, false, hi}, NULL, NULL \
    }
#define F_CHOICE(k, st, m, req, d, def_)                               \
    {                                                                  \
        k, F_ENUM, offsetof(st, m), req, d, {0, false, 0}, &def_, NULL \
    }
#define F_NESTED(k, req, fn)                         \
    {                                                \
        k, F_SUB, 0, req, 0, {0, false, 0}, NULL, fn \
    }
#define F_KEEP(k, req)                                  \
    {                                                   \
        k, F_NODE, 0, req, 0, {0, false, 0}, NULL, NULL \
    }

static void fields_init(const field *f, int n, void *obj)
{
    for (int i = 0; i < n; i++) {
        switch (f[i].type) {
        case F_NUM: *(double *)field_at(obj, f[i].offset) = f[i].def; break;
        case F_INT: *(int *)field_at(obj, f[i].offset) = (int)f[i].def; break;
        case F_ENUM:
            if (f[i].choices->width == 1)
                *(char *)field_at(obj, f[i].offset) = (char)f[i].def;
            else
                *(int *)field_at(obj, f[i].offset) = (int)f[i].def;
            break;
        default: break;
        }
    }
}

/* Read one value by its row.  True when something was stored (F_NODE and
 * F_SUB: always). */
static bool read_field(ctx *c, const field *f, const char *path, ynode *val, void *obj)
{
    double v;
    switch (f->type) {
    case F_NODE: return true;
    case F_STR: return get_string(c, path, val, (char **)field_at(obj, f->offset));
    case F_NUM:
        if (!get_number(c, path, val, &f->range, false, !f->required, &v))
            return false;
        *(double *)field_at(obj, f->offset) = v;
        return true;
    case F_INT:
        if (!get_number(c, path, val, &f->range, true, !f->required, &v))
            return false;
        *(int *)field_at(obj, f->offset) = (int)v;
        return true;
    case F_ENUM: return get_enum(c, path, val, f->choices, field_at(obj, f->offset));
    case F_SUB: f->sub(c, path, val, obj); return true;
    }
    return false;
}

/* Fill obj from the mapping map by the table f.  found[i] (when given)
 * gets the value node of each key read.  Reports unknown keys, missing
 * required keys and bad values; a null map reads as an empty one.  At the
 * top level, keys starting with "x-" are ignored (they hold anchors). */
static void parse_fields(ctx *c, const char *where, ynode *map, const field *f, int nf, void *obj,
                         ynode **found)
{
    bool present[SL_MAX_FIELDS] = {false};
    const char *names[SL_MAX_FIELDS];
    assert(nf <= SL_MAX_FIELDS);
    for (int i = 0; i < nf; i++) {
        names[i] = f[i].key;
        if (found)
            found[i] = NULL;
    }
    if (!is_null(map) && map->type != YN_MAP) {
        fail(c, map, "%s: expected a mapping", where);
        return;
    }
    pairs ps;
    map_pairs(c, where, map, &ps);
    for (int p = 0; p < ps.n; p++) {
        ynode *key = ps.v[p].key, *val = ps.v[p].val;
        if (where == top_ctx && strncmp(key->text, "x-", 2) == 0)
            continue;
        int i = 0;
        while (i < nf && strcmp(f[i].key, key->text) != 0)
            i++;
        if (i == nf) {
            unknown_key(c, where, key, names, nf);
            continue;
        }
        present[i] = true;
        char path[SL_PATH];
        key_path(path, where, key->text);
        bool stored = read_field(c, &f[i], path, val, obj);
        if (stored && found)
            found[i] = val;
        if (!stored && f[i].required && is_blank(val))
            fail(c, key, "%s: a value is required", path);
    }
    free(ps.v);
    for (int i = 0; i < nf; i++)
        if (f[i].required && !present[i])
            fail(c, map, "%s: missing required key '%s'", where, f[i].key);
}

/* ------------------------------------------------------------------ */
/* Rule sets                                                           */

static bool read_loads(ctx *c, const char *path, const ynode *n, const num_range *r, sl_ruleset *rs)
{
    double v[SL_MAX_FLOOR_LOADS];
    char got[SL_CLIP + 16];
    if (is_null(n))
        return false;
    if (n->type == YN_SCALAR) {
        /* One number: the same cap on every level. */
        if (!get_number(c, path, n, r, false, false, &v[0]))
            return false;
        rs->n_floor_loads = 1;
        rs->floor_load_max_kN_m2[0] = v[0];
        return true;
    }
    if (n->type != YN_SEQ) {
        fail(c, n, "%s: expected a list of numbers, got %s", path, describe(n, got, sizeof got));
        return false;
    }
    if (n->n < 1 || n->n > SL_MAX_FLOOR_LOADS) {
        fail(c, n, "%s: expected 1 to %d numbers, got %d", path, SL_MAX_FLOOR_LOADS, n->n);
        return false;
    }
    bool ok = true;
    for (int i = 0; i < n->n; i++) {
        char ipath[SL_PATH];
        item_path(ipath, path, i);
        ok &= get_number(c, ipath, n->kids[i], r, false, false, &v[i]);
    }
    if (!ok)
        return false;
    rs->n_floor_loads = n->n;
    memcpy(rs->floor_load_max_kN_m2, v, (size_t)n->n * sizeof v[0]);
    return true;
}

static bool read_rule_value(ctx *c, int i, const char *path, const ynode *val, sl_ruleset *rs)
{
    const sl_rule_key *k = &sl_rule_keys[i];
    num_range r = {k->min_value, k->min_exclusive, k->max_value};
    double v;
    switch (k->type) {
    case SL_RULE_DOUBLE:
        if (!get_number(c, path, val, &r, false, true, &v))
            return false;
        *(double *)field_at(rs, k->offset) = v;
        return true;
    case SL_RULE_INT:
        if (!get_number(c, path, val, &r, true, true, &v))
            return false;
        *(int *)field_at(rs, k->offset) = (int)v;
        return true;
    case SL_RULE_LOADS: return read_loads(c, path, val, &r, rs);
    }
    return false;
}

/* Read the rule-set keys of map into rs; mask and found[] (N_RULE_KEYS
 * entries) record which keys were given and their value nodes. */
static void parse_rule_set(ctx *c, const char *where, const ynode *map, sl_ruleset *rs,
                           unsigned long long *mask, ynode **found)
{
    const char *names[N_RULE_KEYS];
    for (int i = 0; i < N_RULE_KEYS; i++) {
        names[i] = sl_rule_keys[i].name;
        found[i] = NULL;
    }
    *mask = 0;
    if (!is_null(map) && map->type != YN_MAP) {
        fail(c, map, "%s: expected a mapping", where);
        return;
    }
    pairs ps;
    map_pairs(c, where, map, &ps);
    for (int p = 0; p < ps.n; p++) {
        ynode *key = ps.v[p].key, *val = ps.v[p].val;
        int i = rule_key_index(key->text);
        if (i < 0) {
            unknown_key(c, where, key, names, N_RULE_KEYS);
            continue;
        }
        char path[SL_PATH];
        key_path(path, where, key->text);
        if (read_rule_value(c, i, path, val, rs)) {
            *mask |= 1ULL << i;
            found[i] = val;
        }
    }
    free(ps.v);
}

/* far_max >= far_min, coverage_max >= coverage_min.  With only_given,
 * report a pair only when found[] holds one of its keys (a pin's override
 * is blamed only for the keys it sets). */
static void check_rule_bounds(ctx *c, const char *where, const sl_ruleset *rs, ynode *const *found,
                              const ynode *map, bool only_given)
{
    for (size_t b = 0; b < sizeof rule_bounds / sizeof rule_bounds[0]; b++) {
        int hi = rule_key_index(rule_bounds[b].upper);
        int lo = rule_key_index(rule_bounds[b].lower);
        double vh = rule_double(rs, hi), vl = rule_double(rs, lo);
        if (vh >= vl || (only_given && !found[hi] && !found[lo]))
            continue;
        const ynode *at = found[hi] ? found[hi] : found[lo] ? found[lo] : map;
        fail(c, at, "%s: %s (%g) is less than %s (%g)", where, sl_rule_keys[hi].name, vh,
             sl_rule_keys[lo].name, vl);
    }
}

static bool add_ruleset(ctx *c, const char *name)
{
    sl_scenario *s = c->s;
    sl_ruleset *r = realloc(s->rules, (size_t)(s->n_rules + 1) * sizeof *r);
    if (!r) {
        c->oom = true;
        return false;
    }
    s->rules = r;
    r = &s->rules[s->n_rules];
    memset(r, 0, sizeof *r);
    sl_ruleset_init(r);
    if (!(r->name = xstrdup(c, name)))
        return false;
    s->n_rules++;
    return true;
}

static void parse_rules(ctx *c, ynode *v)
{
    if (!is_null(v) && v->type != YN_MAP)
        fail(c, v, "rules: expected a mapping");
    pairs ps;
    map_pairs(c, "rules", v, &ps);
    for (int p = 0; p < ps.n && !c->oom; p++) {
        ynode *val = ps.v[p].val;
        if (!add_ruleset(c, ps.v[p].key->text))
            break;
        sl_ruleset *rs = &c->s->rules[c->s->n_rules - 1];
        char where[SL_PATH];
        ynode *found[N_RULE_KEYS];
        unsigned long long mask;
        key_path(where, "rules", rs->name);
        parse_rule_set(c, where, val, rs, &mask, found);
        check_rule_bounds(c, where, rs, found, val, false);
    }
    free(ps.v);
    /* No rule sets: one set "default" with every default. */
    if (c->s->n_rules == 0)
        add_ruleset(c, "default");
}

/* ------------------------------------------------------------------ */
/* parcels                                                             */

static const field field_map_fields[] = {
    F_STRING("id", sl_field_map, id, true),
    F_STRING("land_use", sl_field_map, land_use, true),
    F_STRING("current_far", sl_field_map, current_far, false),
    F_STRING("current_gfa", sl_field_map, current_gfa, false),
    F_STRING("current_height", sl_field_map, current_height, false),
    F_STRING("tax", sl_field_map, tax, false),
    F_STRING("ready_year", sl_field_map, ready_year, false),
    F_STRING("name", sl_field_map, name, false),
};

static void sub_field_map(ctx *c, const char *path, ynode *v, void *obj)
{
    sl_scenario *s = obj;
    parse_fields(c, path, v, field_map_fields, N_OF(field_map_fields), &s->fields, NULL);
}

static void sub_land_uses(ctx *c, const char *path, ynode *v, void *obj)
{
    sl_scenario *s = obj;
    if (is_null(v))
        return;
    if (v->type != YN_SEQ) {
        fail(c, v, "%s: expected a list", path);
        return;
    }
    s->industrial_land_uses = calloc((size_t)v->n + 1, sizeof *s->industrial_land_uses);
    if (!s->industrial_land_uses) {
        c->oom = true;
        return;
    }
    for (int i = 0; i < v->n; i++) {
        const ynode *item = v->kids[i];
        char ipath[SL_PATH], got[SL_CLIP + 16];
        item_path(ipath, path, i);
        if (item->type != YN_SCALAR || is_blank(item)) {
            fail(c, item, "%s: expected a string, got %s", ipath, describe(item, got, sizeof got));
            continue;
        }
        if (!(s->industrial_land_uses[s->n_land_uses] = xstrdup(c, item->text)))
            return;
        s->n_land_uses++;
    }
}

static const field parcels_fields[] = {
    F_STRING("source", sl_scenario, source, true),
    F_STRING("layer", sl_scenario, layer, false),
    F_STRING("crs", sl_scenario, crs, false),
    F_STRING("encoding", sl_scenario, encoding, false),
    F_NESTED("fields", true, sub_field_map),
    F_NESTED("industrial_land_uses", false, sub_land_uses),
};

/* A GDAL connection string or virtual path, which is not a file path
 * relative to the scenario: "PG:...", "/vsizip/...", or a driver prefix
 * of two or more letters ("GPKG:", "WFS:", "https:"). */
static bool is_connection(const char *src)
{
    if (strncmp(src, "/vsi", 4) == 0)
        return true;
    int i = 0;
    while ((src[i] >= 'A' && src[i] <= 'Z') || (src[i] >= 'a' && src[i] <= 'z'))
        i++;
    while ((src[i] >= 'A' && src[i] <= 'Z') || (src[i] >= 'a' && src[i] <= 'z') ||
           (src[i] >= '0' && src[i] <= '9') || src[i] == '_')
        i++;
    return i >= 2 && src[i] == ':' &&
           ((src[0] >= 'A' && src[0] <= 'Z') || (src[0] >= 'a' && src[0] <= 'z')) &&
           ((src[1] >= 'A' && src[1] <= 'Z') || (src[1] >= 'a' && src[1] <= 'z'));
}

/* A path written in the scenario file `file`, relative to that file's
 * directory: rel joined to it (heap; NULL when out of memory).  rel is
 * copied as it is when absolute, or when file has no directory or ".". */
static char *relative_to(ctx *c, const char *file, const char *rel)
{
    const char *slash = strrchr(file, '/');
    if (rel[0] == '/' || !slash || (slash == file + 1 && file[0] == '.'))
        return xstrdup(c, rel);
    size_t nd = (size_t)(slash - file) + 1, nr = strlen(rel);
    char *p = malloc(nd + nr + 1);
    if (!p) {
        c->oom = true;
        return NULL;
    }
    memcpy(p, file, nd);
    memcpy(p + nd, rel, nr + 1);
    return p;
}

/* parcels.source relative to the file that wrote it (docs/model.md §9.18:
 * a base's source is relative to the base).  Connections stay as they
 * are. */
static void resolve_source(ctx *c, sl_scenario *s, const ynode *at)
{
    if (!s->source || !at || is_connection(s->source))
        return;
    char *p = relative_to(c, c->files[at->file], s->source);
    if (!p)
        return;
    free(s->source);
    s->source = p;
}

enum { PARCELS_SOURCE = 0 };
static void parse_parcels(ctx *c, ynode *v)
{
    ynode *found[N_OF(parcels_fields)];
    parse_fields(c, "parcels", v, parcels_fields, N_OF(parcels_fields), c->s, found);
    resolve_source(c, c->s, found[PARCELS_SOURCE]);
}

/* ------------------------------------------------------------------ */
/* candidacy and plan                                                  */

static const field candidacy_fields[] = {
    F_NUMBER("far_below", sl_scenario, far_below, false, 1.0, 0, false, INFINITY),
    /* NAN: the tax criterion is off. */
    F_NUMBER("tax_per_mu_below_cny", sl_scenario, tax_per_mu_below_cny, false, NAN, 0, false,
             INFINITY),
    F_NUMBER("min_area_m2", sl_scenario, min_area_m2, false, 0, 0, false, INFINITY),
};

static const field objective_fields[] = {
    F_NUMBER("existing_value", sl_scenario, existing_value, false, 1.0, 0, false, INFINITY),
    F_NUMBER("same_building_bonus_m2", sl_scenario, same_building_bonus_m2, false, 2000, 0, false,
             INFINITY),
    F_NUMBER("adjacent_floor_bonus_m2", sl_scenario, adjacent_floor_bonus_m2, false, 1000, 0, false,
             INFINITY),
    F_NUMBER("neighbour_chain_bonus_m2", sl_scenario, neighbour_chain_bonus_m2, false, 3000, 0,
             false, INFINITY),
};

static void sub_objective(ctx *c, const char *path, ynode *v, void *obj)
{
    parse_fields(c, path, v, objective_fields, N_OF(objective_fields), obj, NULL);
}

/* plan.exclude: a list of parcel ids (any scalar: ids may look like
 * numbers), each kept with where it was written for later messages. */
static void sub_exclude(ctx *c, const char *path, ynode *v, void *obj)
{
    sl_scenario *s = obj;
    if (is_null(v))
        return;
    if (v->type != YN_SEQ) {
        char got[SL_CLIP + 16];
        fail(c, v, "%s: expected a list of parcel ids, got %s", path, describe(v, got, sizeof got));
        return;
    }
    c->exclude_file = v->file;
    s->exclude = calloc((size_t)v->n + 1, sizeof *s->exclude);
    s->exclude_line = calloc((size_t)v->n + 1, sizeof *s->exclude_line);
    s->exclude_col = calloc((size_t)v->n + 1, sizeof *s->exclude_col);
    if (!s->exclude || !s->exclude_line || !s->exclude_col) {
        c->oom = true;
        return;
    }
    for (int i = 0; i < v->n; i++) {
        const ynode *item = v->kids[i];
        char ipath[SL_PATH], got[SL_CLIP + 16];
        item_path(ipath, path, i);
        if (item->type != YN_SCALAR || is_blank(item)) {
            fail(c, item, "%s: expected a parcel id, got %s", ipath,
                 describe(item, got, sizeof got));
            continue;
        }
        if (!(s->exclude[s->n_exclude] = xstrdup(c, item->text)))
            return;
        s->exclude_line[s->n_exclude] = item->line;
        s->exclude_col[s->n_exclude] = item->col;
        s->n_exclude++;
    }
}

enum { PLAN_RULES = 0 };
static const field plan_fields[] = {
    F_KEEP("rules", false),
    F_NUMBER("gap", sl_scenario, gap, false, 0.001, 0, false, 1),
    F_NUMBER("time_limit_s", sl_scenario, time_limit_s, false, 60, 0, true, INFINITY),
    F_NESTED("objective", false, sub_objective),
    F_INTEGER("chains_per_building_max", sl_scenario, chains_per_building_max, false, 1, 0, 1000),
    F_NUMBER("neighbour_distance_m", sl_scenario, neighbour_distance_m, false, 30, 0, false,
             INFINITY),
    F_NESTED("exclude", false, sub_exclude),
};

static void parse_plan(ctx *c, ynode *v)
{
    sl_scenario *s = c->s;
    ynode *found[N_OF(plan_fields)];
    char got[SL_CLIP + 16], tmp[SL_CLIP + 8];
    parse_fields(c, "plan", v, plan_fields, N_OF(plan_fields), s, found);
    s->plan_rules = s->n_rules - 1; /* docs/model.md §9.7: the last rule set */
    const ynode *r = found[PLAN_RULES];
    if (is_blank(r))
        return;
    if (r->type != YN_SCALAR) {
        fail(c, r, "plan.rules: expected a string, got %s", describe(r, got, sizeof got));
        return;
    }
    int i = sl_scenario_ruleset(s, r->text);
    if (i >= 0) {
        s->plan_rules = i;
        return;
    }
    const char **names = calloc((size_t)s->n_rules, sizeof *names);
    if (!names) {
        c->oom = true;
        return;
    }
    for (int k = 0; k < s->n_rules; k++)
        names[k] = s->rules[k].name;
    const char *near = suggest(c, r->text, names, s->n_rules);
    if (near) {
        fail(c, r, "plan.rules: no rule set named '%s'; did you mean '%s'?",
             clip(r->text, tmp, sizeof tmp), near);
    } else {
        char list[SL_PATH];
        size_t used = 0;
        list[0] = '\0';
        for (int k = 0; k < s->n_rules; k++) {
            int n = snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", names[k]);
            if (n < 0 || (size_t)n >= sizeof list - used)
                break;
            used += (size_t)n;
        }
        fail(c, r, "plan.rules: no rule set named '%s' (rule sets: %s)",
             clip(r->text, tmp, sizeof tmp), list);
    }
    free(names);
}

/* ------------------------------------------------------------------ */
/* industries                                                          */

static const field demand_fields[] = {
    F_NUMBER("min", sl_industry, demand_min_m2, false, 0, 0, false, INFINITY),
    /* INFINITY: unbounded; write nothing or null for it. */
    F_NUMBER("max", sl_industry, demand_max_m2, false, INFINITY, 0, false, INFINITY),
};

static void sub_demand(ctx *c, const char *path, ynode *v, void *obj)
{
    sl_industry *ind = obj;
    double m2;
    if (read_number(v, &m2) == NUM_OK) {
        char tmp[SL_CLIP + 8];
        clip(v->text, tmp, sizeof tmp);
        fail(c, v,
             "%s: expected a mapping, got %s; write {max: %s} (at most that much floor space) "
             "or {min: %s, max: …}",
             path, tmp, tmp, tmp);
        return;
    }
    ynode *found[N_OF(demand_fields)];
    parse_fields(c, path, v, demand_fields, N_OF(demand_fields), obj, found);
    if (ind->demand_max_m2 < ind->demand_min_m2)
        fail(c,
             found[1]   ? found[1]
             : found[0] ? found[0]
                        : v,
             "%s: max (%g) is less than min (%g)", path, ind->demand_max_m2, ind->demand_min_m2);
}

enum { IND_ID = 0 };
static const field industry_fields[] = {
    F_STRING("id", sl_industry, id, true),
    F_STRING("name", sl_industry, name, false),
    F_STRING("chain", sl_industry, chain, false),
    F_CHOICE("kind", sl_industry, kind, true, SL_KIND_PRODUCTION, kind_def),
    F_NUMBER("floor_height_m", sl_industry, floor_height_m, true, 0, 0, true, INFINITY),
    F_NUMBER("floor_load_kN_m2", sl_industry, floor_load_kN_m2, true, 0, 0, true, INFINITY),
    F_NUMBER("lift_t", sl_industry, lift_t, false, 0, 0, false, INFINITY),
    F_CHOICE("vibration", sl_industry, vibration, false, SL_VIB_NONE, vibration_def),
    F_CHOICE("fire_class", sl_industry, fire_class, false, 'D', fire_def),
    F_NUMBER("trips_per_1000m2_day", sl_industry, trips_per_1000m2_day, false, 0, 0, false,
             INFINITY),
    F_NUMBER("priority", sl_industry, priority, false, 1.0, 0, true, INFINITY),
    F_NESTED("demand_m2", false, sub_demand),
    F_CHOICE("shared", sl_industry, shared, false, 0, bool_def),
    F_CHOICE("contiguous", sl_industry, contiguous, false, 1, bool_def),
    /* NAN: not given (economics' rent, a tax of 0). */
    F_NUMBER("rent_cny_m2_month", sl_industry, rent_cny_m2_month, false, NAN, 0, false, INFINITY),
    F_NUMBER("tax_cny_m2_year", sl_industry, tax_cny_m2_year, false, NAN, 0, false, INFINITY),
};

/* Index the industries by id and report duplicate ids. */
static void index_industries(ctx *c)
{
    sl_scenario *s = c->s;
    c->ind_sorted = calloc((size_t)s->n_industries + 1, sizeof *c->ind_sorted);
    if (!c->ind_sorted) {
        c->oom = true;
        return;
    }
    for (int k = 0; k < s->n_industries; k++)
        if (s->industries[k].id)
            c->ind_sorted[c->n_sorted++] = (id_ref){s->industries[k].id, k};
    qsort(c->ind_sorted, (size_t)c->n_sorted, sizeof *c->ind_sorted, cmp_id_ref);
    for (int k = 1, first = 0; k < c->n_sorted; k++) {
        if (strcmp(c->ind_sorted[k].id, c->ind_sorted[first].id) != 0) {
            first = k;
            continue;
        }
        char tmp[SL_CLIP + 8];
        int dup = c->ind_sorted[k].k, orig = c->ind_sorted[first].k;
        fail(c, c->ind_id[dup], "industries[%d]: duplicate industry id '%s' (first at %d:%d)",
             c->ind_item[dup], clip(s->industries[dup].id, tmp, sizeof tmp), c->ind_id[orig]->line,
             c->ind_id[orig]->col);
    }
}

static int find_industry(const ctx *c, const char *id)
{
    int lo = 0, hi = c->n_sorted;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(c->ind_sorted[mid].id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->n_sorted && strcmp(c->ind_sorted[lo].id, id) == 0)
        return c->ind_sorted[lo].k;
    return -1;
}

/* The industry a reference names, or -1 after reporting it. */
static int resolve_industry(ctx *c, const char *path, const ynode *at, const char *id)
{
    int k = find_industry(c, id);
    if (k >= 0)
        return k;
    char tmp[SL_CLIP + 8];
    const sl_scenario *s = c->s;
    const char **ids = calloc((size_t)s->n_industries + 1, sizeof *ids);
    if (!ids) {
        c->oom = true;
        return -1;
    }
    for (int i = 0; i < s->n_industries; i++)
        ids[i] = s->industries[i].id;
    const char *near = suggest(c, id, ids, s->n_industries);
    if (near)
        fail(c, at, "%s: unknown industry '%s'; did you mean '%s'?", path,
             clip(id, tmp, sizeof tmp), near);
    else
        fail(c, at, "%s: unknown industry '%s'", path, clip(id, tmp, sizeof tmp));
    free(ids);
    return -1;
}

static void parse_industries(ctx *c, ynode *v)
{
    sl_scenario *s = c->s;
    if (is_null(v))
        return;
    if (v->type != YN_SEQ) {
        fail(c, v, "industries: expected a list");
        return;
    }
    s->industries = calloc((size_t)v->n + 1, sizeof *s->industries);
    c->ind_id = calloc((size_t)v->n + 1, sizeof *c->ind_id);
    c->ind_item = calloc((size_t)v->n + 1, sizeof *c->ind_item);
    if (!s->industries || !c->ind_id || !c->ind_item) {
        c->oom = true;
        return;
    }
    for (int i = 0; i < v->n && !c->oom; i++) {
        ynode *item = v->kids[i];
        char where[SL_PATH];
        item_path(where, "industries", i);
        if (item->type != YN_MAP) {
            fail(c, item, "%s: expected a mapping", where);
            continue;
        }
        int k = s->n_industries++;
        sl_industry *ind = &s->industries[k];
        ynode *found[N_OF(industry_fields)];
        sl_industry_init(ind);
        ind->line = item->line;
        ind->col = item->col;
        ind->file = item->file;
        parse_fields(c, where, item, industry_fields, N_OF(industry_fields), ind, found);
        c->ind_id[k] = found[IND_ID];
        c->ind_item[k] = i;
        if (!ind->name && ind->id)
            ind->name = xstrdup(c, ind->id);
        if (!ind->chain)
            ind->chain = xstrdup(c, "");
    }
}

/* ------------------------------------------------------------------ */
/* chain_links                                                         */

struct link_in {
    sl_chain_link link;
    char *from, *to;
};

enum { LINK_FROM = 0, LINK_TO = 1 };
static const field link_fields[] = {
    F_STRING("from", struct link_in, from, true),
    F_STRING("to", struct link_in, to, true),
    F_NUMBER("weight", struct link_in, link.weight, false, 1.0, 0, true, INFINITY),
};

static void parse_links(ctx *c, ynode *v)
{
    sl_scenario *s = c->s;
    if (is_null(v))
        return;
    if (v->type != YN_SEQ) {
        fail(c, v, "chain_links: expected a list");
        return;
    }
    if (!(s->links = calloc((size_t)v->n + 1, sizeof *s->links))) {
        c->oom = true;
        return;
    }
    for (int i = 0; i < v->n && !c->oom; i++) {
        ynode *item = v->kids[i];
        char where[SL_PATH], path[SL_PATH];
        item_path(where, "chain_links", i);
        if (item->type != YN_MAP) {
            fail(c, item, "%s: expected a mapping", where);
            continue;
        }
        struct link_in in = {{-1, -1, 0}, NULL, NULL};
        ynode *found[N_OF(link_fields)];
        fields_init(link_fields, N_OF(link_fields), &in);
        parse_fields(c, where, item, link_fields, N_OF(link_fields), &in, found);
        if (in.from) {
            key_path(path, where, "from");
            in.link.from = resolve_industry(c, path, found[LINK_FROM], in.from);
        }
        if (in.to) {
            key_path(path, where, "to");
            in.link.to = resolve_industry(c, path, found[LINK_TO], in.to);
        }
        if (in.link.from >= 0 && in.link.to >= 0)
            s->links[s->n_links++] = in.link;
        free(in.from);
        free(in.to);
    }
}

/* pins                                                                */

struct pin_in {
    sl_pin pin;
    char *industry;
    ynode **rule_nodes; /* N_RULE_KEYS value nodes of pin.rules */
};

static void sub_pin_rules(ctx *c, const char *path, ynode *v, void *obj)
{
    struct pin_in *in = obj;
    const sl_scenario *s = c->s;
    sl_ruleset eff;
    parse_rule_set(c, path, v, &in->pin.rules.values, &in->pin.rules.mask, in->rule_nodes);
    sl_ruleset_apply(&s->rules[s->plan_rules], &in->pin.rules, &eff);
    check_rule_bounds(c, path, &eff, in->rule_nodes, v, true);
}

enum { PIN_PARCEL = 0, PIN_INDUSTRY = 1, PIN_FLOORS = 3 };
static const field pin_fields[] = {
    F_STRING("parcel", struct pin_in, pin.parcel, true),
    F_STRING("industry", struct pin_in, industry, true),
    F_NUMBER("min_gfa_m2", struct pin_in, pin.min_gfa_m2, false, 0, 0, false, INFINITY),
    /* 0: the optimizer chooses; a given count is at least 1. */
    F_INTEGER("floors", struct pin_in, pin.floors, false, 0, 1, INFINITY),
    F_NESTED("rules", false, sub_pin_rules),
    /* Phasing: 0 = the phasing chooses; a given year is at least 1. */
    F_INTEGER("start_year", struct pin_in, pin.start_year, false, 0, 1, 9999),
};

/* Per pin, while pins are checked against each other. */
typedef struct pin_aux {
    int item;      /* index in the pins list */
    ynode *floors; /* value node of floors, or NULL */
    ynode **rules; /* N_RULE_KEYS value nodes of its rules */
} pin_aux;

/* Pins sorted by parcel, industry, then file order. */
typedef struct pin_ref {
    const char *parcel;
    int industry;
    int k;
} pin_ref;

static int cmp_pin_ref(const void *a, const void *b)
{
    const pin_ref *p = a, *q = b;
    int r = strcmp(p->parcel, q->parcel);
    if (r)
        return r;
    if (p->industry != q->industry)
        return p->industry < q->industry ? -1 : 1;
    return (p->k > q->k) - (p->k < q->k);
}

/* The pins of one parcel, order[g0..g1) (sorted by industry, then file
 * order): no industry twice; `floors` and rule keys given by several pins
 * agree.  Then every pin of the parcel carries the parcel's floors and
 * merged overrides, so any of them tells the optimizer the whole story. */
static void check_parcel_pins(ctx *c, const pin_ref *order, int g0, int g1, const pin_aux *aux)
{
    sl_scenario *s = c->s;
    char tmp[SL_CLIP + 8], itmp[SL_CLIP + 8];
    const char *parcel = clip(order[g0].parcel, tmp, sizeof tmp);
    int ref_floors = -1, ref_rule[N_RULE_KEYS];
    for (int i = 0; i < N_RULE_KEYS; i++)
        ref_rule[i] = -1;
    /* The reference for floors and for each key: the first pin in file
     * order that gives it. */
    for (int g = g0, run = g0; g < g1; g++) {
        int k = order[g].k;
        const sl_pin *p = &s->pins[k];
        if (g > g0 && p->industry == order[g - 1].industry && p->industry >= 0) {
            const sl_pin *first = &s->pins[order[run].k];
            report_in(c, c->pins_file, p->line, p->col,
                      "pins[%d]: duplicate pin of industry '%s' on parcel '%s' (first at %d:%d)",
                      aux[k].item, clip(s->industries[p->industry].id, itmp, sizeof itmp), parcel,
                      first->line, first->col);
        } else {
            run = g;
        }
        if (p->floors > 0 && (ref_floors < 0 || aux[k].item < aux[ref_floors].item))
            ref_floors = k;
        for (int i = 0; i < N_RULE_KEYS; i++)
            if ((p->rules.mask & (1ULL << i)) &&
                (ref_rule[i] < 0 || aux[k].item < aux[ref_rule[i]].item))
                ref_rule[i] = k;
    }
    sl_rule_override merged;
    memset(&merged, 0, sizeof merged);
    sl_ruleset_init(&merged.values);
    for (int i = 0; i < N_RULE_KEYS; i++)
        if (ref_rule[i] >= 0) {
            merged.mask |= 1ULL << i;
            copy_rule_value(&merged.values, &s->pins[ref_rule[i]].rules.values, i);
        }
    int floors = ref_floors >= 0 ? s->pins[ref_floors].floors : 0;
    for (int g = g0; g < g1; g++) {
        int k = order[g].k;
        sl_pin *p = &s->pins[k];
        if (p->floors > 0 && p->floors != floors)
            fail(c, aux[k].floors,
                 "pins[%d].floors: conflicts with pins[%d] on the same parcel '%s'", aux[k].item,
                 aux[ref_floors].item, parcel);
        for (int i = 0; i < N_RULE_KEYS; i++)
            if ((p->rules.mask & (1ULL << i)) &&
                !rule_value_equal(&p->rules.values, &merged.values, i))
                fail(c, aux[k].rules[i],
                     "pins[%d].rules.%s: conflicts with pins[%d] on the same parcel '%s'",
                     aux[k].item, sl_rule_keys[i].name, aux[ref_rule[i]].item, parcel);
    }
    for (int g = g0; g < g1; g++) {
        s->pins[order[g].k].floors = floors;
        s->pins[order[g].k].rules = merged;
    }
}

static void check_pins(ctx *c, const pin_aux *aux)
{
    sl_scenario *s = c->s;
    pin_ref *order = calloc((size_t)s->n_pins + 1, sizeof *order);
    if (!order) {
        c->oom = true;
        return;
    }
    int n = 0;
    for (int k = 0; k < s->n_pins; k++)
        if (s->pins[k].parcel)
            order[n++] = (pin_ref){s->pins[k].parcel, s->pins[k].industry, k};
    qsort(order, (size_t)n, sizeof *order, cmp_pin_ref);
    for (int g0 = 0, g1; g0 < n; g0 = g1) {
        for (g1 = g0 + 1; g1 < n; g1++)
            if (strcmp(order[g1].parcel, order[g0].parcel) != 0)
                break;
        check_parcel_pins(c, order, g0, g1, aux);
    }
    free(order);
}

static void parse_pins(ctx *c, ynode *v)
{
    sl_scenario *s = c->s;
    if (is_null(v))
        return;
    if (v->type != YN_SEQ) {
        fail(c, v, "pins: expected a list");
        return;
    }
    c->pins_file = v->file;
    s->pins = calloc((size_t)v->n + 1, sizeof *s->pins);
    pin_aux *aux = calloc((size_t)v->n + 1, sizeof *aux);
    ynode **rule_nodes = calloc(((size_t)v->n + 1) * N_RULE_KEYS, sizeof *rule_nodes);
    if (!s->pins || !aux || !rule_nodes) {
        c->oom = true;
        free(aux);
        free(rule_nodes);
        return;
    }
    for (int i = 0; i < v->n && !c->oom; i++) {
        ynode *item = v->kids[i];
        char where[SL_PATH], path[SL_PATH];
        item_path(where, "pins", i);
        if (item->type != YN_MAP) {
            fail(c, item, "%s: expected a mapping", where);
            continue;
        }
        int k = s->n_pins;
        struct pin_in in;
        ynode *found[N_OF(pin_fields)];
        memset(&in, 0, sizeof in);
        sl_pin_init(&in.pin);
        in.pin.line = item->line;
        in.pin.col = item->col;
        in.pin.file = item->file;
        in.rule_nodes = &rule_nodes[(size_t)k * N_RULE_KEYS];
        parse_fields(c, where, item, pin_fields, N_OF(pin_fields), &in, found);
        in.pin.parcel_line = found[PIN_PARCEL] ? found[PIN_PARCEL]->line : item->line;
        in.pin.parcel_col = found[PIN_PARCEL] ? found[PIN_PARCEL]->col : item->col;
        if (in.industry) {
            key_path(path, where, "industry");
            in.pin.industry = resolve_industry(c, path, found[PIN_INDUSTRY], in.industry);
            free(in.industry);
        }
        s->pins[k] = in.pin;
        aux[k] = (pin_aux){i, found[PIN_FLOORS], in.rule_nodes};
        s->n_pins++;
    }
    if (!c->oom)
        check_pins(c, aux);
    free(aux);
    free(rule_nodes);
}

/* A parcel cannot be both kept (plan.exclude) and pinned (redeveloped). */
static void check_exclude_pins(ctx *c)
{
    const sl_scenario *s = c->s;
    if (s->n_exclude == 0 || s->n_pins == 0)
        return;
    /* The pins sorted by parcel, then file order: n log n, however long
     * both lists are. */
    id_ref *pins = calloc((size_t)s->n_pins, sizeof *pins);
    if (!pins) {
        c->oom = true;
        return;
    }
    int n = 0;
    for (int k = 0; k < s->n_pins; k++)
        if (s->pins[k].parcel)
            pins[n++] = (id_ref){s->pins[k].parcel, k};
    qsort(pins, (size_t)n, sizeof *pins, cmp_id_ref);
    char tmp[SL_CLIP + 8];
    for (int i = 0; i < s->n_exclude; i++) {
        int lo = 0, hi = n;
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (strcmp(pins[mid].id, s->exclude[i]) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == n || strcmp(pins[lo].id, s->exclude[i]) != 0)
            continue;
        const sl_pin *p = &s->pins[pins[lo].k]; /* the first pin of the parcel */
        /* the pin's file too when another file wrote the pins (extends) */
        bool other = c->pins_file != c->exclude_file && c->pins_file < c->n_files;
        report_in(c, c->exclude_file, s->exclude_line[i], s->exclude_col[i],
                  "plan.exclude[%d]: parcel '%s' is also pinned (pin at %s%s%d:%d); a pin "
                  "redevelops its parcel, plan.exclude keeps it as it is",
                  i, clip(s->exclude[i], tmp, sizeof tmp), other ? c->files[c->pins_file] : "",
                  other ? ":" : "", p->line, p->col);
    }
    free(pins);
}

/* ------------------------------------------------------------------ */
/* phasing (docs/model.md §12)                                          */

enum { PH_BUDGET = 3 };
static const field phasing_fields[] = {
    F_INTEGER("start_year", sl_phasing_spec, start_year, false, 2027, 1000, 9999),
    F_INTEGER("years", sl_phasing_spec, years, false, 8, 1, 200),
    F_INTEGER("build_years", sl_phasing_spec, build_years, false, 2, 1, 50),
    F_KEEP("budget_cny", false),
    F_NUMBER("swing_space_m2", sl_phasing_spec, swing_space_m2, false, NAN, 0, false, INFINITY),
    F_NUMBER("swing_from_new_share", sl_phasing_spec, swing_from_new_share, false, 0.2, 0, false,
             1),
    F_INTEGER("max_starts_per_year", sl_phasing_spec, max_starts_per_year, false, 0, 1, 1000000),
    F_NUMBER("discount_rate", sl_phasing_spec, discount_rate, false, 0.06, 0, false, 1),
    F_NUMBER("time_limit_s", sl_phasing_spec, time_limit_s, false, 30, 0, true, INFINITY),
};

/* budget_cny: one number for every year, or a list of `years` numbers. */
static void parse_budget(ctx *c, const ynode *v, sl_phasing_spec *ph)
{
    static const num_range r = {0, false, INFINITY};
    char got[SL_CLIP + 16];
    if (is_null(v))
        return;
    int n = ph->years;
    if (v->type == YN_SEQ && v->n != n) {
        fail(c, v, "phasing.budget_cny: expected %d values (phasing.years), got %d", n, v->n);
        return;
    }
    if (v->type != YN_SEQ && v->type != YN_SCALAR) {
        fail(c, v, "phasing.budget_cny: expected a number or a list, got %s",
             describe(v, got, sizeof got));
        return;
    }
    ph->budget_cny = calloc((size_t)n, sizeof *ph->budget_cny);
    if (!ph->budget_cny) {
        c->oom = true;
        return;
    }
    for (int i = 0; i < n; i++) {
        char path[SL_PATH] = "phasing.budget_cny";
        const ynode *item = v->type == YN_SEQ ? v->kids[i] : v;
        if (v->type == YN_SEQ)
            item_path(path, "phasing.budget_cny", i);
        if (!get_number(c, path, item, &r, false, false, &ph->budget_cny[i]))
            return;
    }
    ph->n_budget = n;
}

static void parse_phasing(ctx *c, ynode *v)
{
    sl_phasing_spec *ph = &c->s->phasing;
    ynode *found[N_OF(phasing_fields)];
    ph->present = true;
    parse_fields(c, "phasing", v, phasing_fields, N_OF(phasing_fields), ph, found);
    parse_budget(c, found[PH_BUDGET], ph);
}

/* ------------------------------------------------------------------ */
/* economics (docs/model.md §11)                                       */

/* A list of numbers in range r into v (at most max); false after an error. */
static bool read_numbers(ctx *c, const char *path, const ynode *n, const num_range *r, int max,
                         double *v, int *count)
{
    char got[SL_CLIP + 16];
    if (n->type != YN_SEQ) {
        fail(c, n, "%s: expected a list of numbers, got %s", path, describe(n, got, sizeof got));
        return false;
    }
    if (n->n > max) {
        fail(c, n, "%s: expected at most %d numbers, got %d", path, max, n->n);
        return false;
    }
    bool ok = true;
    for (int i = 0; i < n->n; i++) {
        char ipath[SL_PATH];
        item_path(ipath, path, i);
        ok &= get_number(c, ipath, n->kids[i], r, false, false, &v[i]);
    }
    *count = n->n;
    return ok;
}

enum { COST_BREAKS = 0, COST_VALUES };
static const field cost_fields[] = {
    F_KEEP("breaks_m", false),
    F_KEEP("values", true),
};

/* construction_cost_cny_m2: {breaks_m: [ascending heights], values: [one
 * more than breaks]}. */
static void sub_construction_cost(ctx *c, const char *path, ynode *v, void *obj)
{
    sl_econ_params *e = obj;
    ynode *found[N_OF(cost_fields)];
    if (is_null(v)) /* the defaults stay */
        return;
    parse_fields(c, path, v, cost_fields, N_OF(cost_fields), NULL, found);
    if (!found[COST_VALUES])
        return;
    double breaks[SL_MAX_COST_BREAKS], values[SL_MAX_COST_BREAKS + 1];
    int nb = 0, nv = 0;
    char bpath[SL_PATH], vpath[SL_PATH], tmp[SL_CLIP + 8];
    key_path(bpath, path, "breaks_m");
    key_path(vpath, path, "values");
    const num_range heights = {0, true, INFINITY}, money = {0, false, INFINITY};
    bool ok = true;
    if (found[COST_BREAKS] && !is_null(found[COST_BREAKS])) {
        ok = read_numbers(c, bpath, found[COST_BREAKS], &heights, SL_MAX_COST_BREAKS, breaks, &nb);
        for (int i = 1; ok && i < nb; i++)
            if (!(breaks[i] > breaks[i - 1])) {
                const ynode *at = found[COST_BREAKS]->kids[i];
                fail(c, at, "%s[%d]: breaks must be ascending (%s after %g)", bpath, i,
                     clip(at->text, tmp, sizeof tmp), breaks[i - 1]);
                ok = false;
            }
    }
    if (!read_numbers(c, vpath, found[COST_VALUES], &money, SL_MAX_COST_BREAKS + 1, values, &nv))
        return;
    if (!ok)
        return;
    if (nv != nb + 1) {
        fail(c, found[COST_VALUES],
             "%s: expected %d values (one more than the %d breaks_m: a cost per height band), "
             "got %d",
             vpath, nb + 1, nb, nv);
        return;
    }
    e->n_breaks = nb;
    memcpy(e->cost_breaks_m, breaks, (size_t)nb * sizeof breaks[0]);
    memcpy(e->cost_values_cny_m2, values, (size_t)nv * sizeof values[0]);
}

static const field grade_fields[] = {
    F_NUMBER("A", sl_econ_params, grades_tax_per_mu_cny[0], true, NAN, 0, false, INFINITY),
    F_NUMBER("B", sl_econ_params, grades_tax_per_mu_cny[1], true, NAN, 0, false, INFINITY),
    F_NUMBER("C", sl_econ_params, grades_tax_per_mu_cny[2], true, NAN, 0, false, INFINITY),
};

/* grades_tax_per_mu_cny: {A, B, C}, all three, A >= B >= C. */
static void sub_grades(ctx *c, const char *path, ynode *v, void *obj)
{
    sl_econ_params *e = obj;
    ynode *found[N_OF(grade_fields)];
    if (is_null(v)) /* the zone's percentiles */
        return;
    parse_fields(c, path, v, grade_fields, N_OF(grade_fields), e, found);
    const double *g = e->grades_tax_per_mu_cny;
    for (int i = 1; i < 3; i++)
        if (found[i] && found[i - 1] && g[i] > g[i - 1])
            fail(c, found[i], "%s.%s (%g) must not exceed %s (%g): A >= B >= C", path,
                 grade_fields[i].key, g[i], grade_fields[i - 1].key, g[i - 1]);
    if (!found[0] || !found[1] || !found[2])
        for (int i = 0; i < 3; i++)
            e->grades_tax_per_mu_cny[i] = NAN;
}

/* Defaults: the example of docs/model.md §11 (sources in docs/sources.md). */
static const double default_cost_breaks_m[] = {24, 50, 100};
static const double default_cost_values_cny_m2[] = {2000, 2600, 3000, 3500};

static const field economics_fields[] = {
    F_NESTED("construction_cost_cny_m2", false, sub_construction_cost),
    F_NUMBER("load_cost_cny_m2_per_kN_m2", sl_econ_params, load_cost_cny_m2_per_kN_m2, false, 20, 0,
             false, INFINITY),
    F_NUMBER("soft_cost_share", sl_econ_params, soft_cost_share, false, 0.4, 0, false, 1),
    F_NUMBER("demolition_cny_m2", sl_econ_params, demolition_cny_m2, false, 100, 0, false,
             INFINITY),
    F_NUMBER("relocation_cny_m2", sl_econ_params, relocation_cny_m2, false, 150, 0, false,
             INFINITY),
    F_NUMBER("land_premium_cny_m2", sl_econ_params, land_premium_cny_m2, false, 0, 0, false,
             INFINITY),
    F_NUMBER("rent_cny_m2_month", sl_econ_params, rent_cny_m2_month, false, 12, 0, false, INFINITY),
    F_NUMBER("upper_floor_rent_factor", sl_econ_params, upper_floor_rent_factor, false, 0.8, 0,
             false, INFINITY),
    F_NUMBER("occupancy", sl_econ_params, occupancy, false, 0.9, 0, false, 1),
    F_NUMBER("opex_share", sl_econ_params, opex_share, false, 0.15, 0, false, 1),
    F_NUMBER("discount_rate", sl_econ_params, discount_rate, false, 0.06, 0, false, 1),
    F_INTEGER("horizon_years", sl_econ_params, horizon_years, false, 20, 1, 1000),
    F_NUMBER("tax_share", sl_econ_params, tax_share, false, 1.0, 0, false, 1),
    F_NESTED("grades_tax_per_mu_cny", false, sub_grades),
};

void sl_econ_params_init(sl_econ_params *e)
{
    memset(e, 0, sizeof *e);
    fields_init(economics_fields, N_OF(economics_fields), e);
    e->n_breaks = N_OF(default_cost_breaks_m);
    memcpy(e->cost_breaks_m, default_cost_breaks_m, sizeof default_cost_breaks_m);
    memcpy(e->cost_values_cny_m2, default_cost_values_cny_m2, sizeof default_cost_values_cny_m2);
    for (int i = 0; i < 3; i++)
        e->grades_tax_per_mu_cny[i] = NAN;
}

/* The section's presence turns economics on (an empty one: all defaults). */
static void parse_economics(ctx *c, ynode *v)
{
    sl_scenario *s = c->s;
    s->has_economics = true;
    parse_fields(c, "economics", v, economics_fields, N_OF(economics_fields), &s->economics, NULL);
}

/* ------------------------------------------------------------------ */
/* report                                                              */

static const field report_fields[] = {
    F_CHOICE("lang", sl_scenario, lang, false, SL_LANG_EN, lang_def),
};

/* ------------------------------------------------------------------ */
/* The whole file                                                      */

enum {
    TOP_NAME,
    TOP_PARCELS,
    TOP_CANDIDACY,
    TOP_RULES,
    TOP_INDUSTRIES,
    TOP_LINKS,
    TOP_PINS,
    TOP_PLAN,
    TOP_ECONOMICS,
    TOP_PHASING,
    TOP_REPORT
};
static const field top_fields[] = {
    F_STRING("name", sl_scenario, name, false),
    F_KEEP("parcels", true),
    F_KEEP("candidacy", false),
    F_KEEP("rules", false),
    F_KEEP("industries", false),
    F_KEEP("chain_links", false),
    F_KEEP("pins", false),
    F_KEEP("plan", false),
    F_KEEP("economics", false),
    F_KEEP("phasing", false),
    F_KEEP("report", false),
};

/* Sections in the order their cross-references need: links and pins name
 * industries, pins' overrides apply to plan.rules, which names a rule set. */
static void parse_scenario(ctx *c, ynode *root)
{
    sl_scenario *s = c->s;
    ynode *found[N_OF(top_fields)];
    parse_fields(c, top_ctx, root, top_fields, N_OF(top_fields), s, found);
    if (!is_null(root) && root->type != YN_MAP)
        return;
    if (found[TOP_PARCELS])
        parse_parcels(c, found[TOP_PARCELS]);
    parse_fields(c, "candidacy", found[TOP_CANDIDACY], candidacy_fields, N_OF(candidacy_fields), s,
                 NULL);
    parse_rules(c, found[TOP_RULES]);
    if (c->oom)
        return;
    parse_industries(c, found[TOP_INDUSTRIES]);
    index_industries(c);
    parse_plan(c, found[TOP_PLAN]);
    if (c->oom)
        return;
    parse_links(c, found[TOP_LINKS]);
    parse_pins(c, found[TOP_PINS]);
    if (!c->oom)
        check_exclude_pins(c);
    if (found[TOP_ECONOMICS])
        parse_economics(c, found[TOP_ECONOMICS]);
    if (found[TOP_PHASING])
        parse_phasing(c, found[TOP_PHASING]);
    parse_fields(c, "report", found[TOP_REPORT], report_fields, N_OF(report_fields), s, NULL);
}

/* ------------------------------------------------------------------ */
/* Defaults for scenarios built in memory (the parser uses them too)   */

void sl_scenario_init(sl_scenario *s)
{
    memset(s, 0, sizeof *s);
    fields_init(candidacy_fields, N_OF(candidacy_fields), s);
    fields_init(plan_fields, N_OF(plan_fields), s);
    fields_init(objective_fields, N_OF(objective_fields), s);
    sl_econ_params_init(&s->economics);
    fields_init(phasing_fields, N_OF(phasing_fields), &s->phasing);
    fields_init(report_fields, N_OF(report_fields), s);
}

void sl_industry_init(sl_industry *d)
{
    memset(d, 0, sizeof *d);
    fields_init(industry_fields, N_OF(industry_fields), d);
    fields_init(demand_fields, N_OF(demand_fields), d);
}

void sl_pin_init(sl_pin *p)
{
    struct pin_in in;
    memset(&in, 0, sizeof in);
    fields_init(pin_fields, N_OF(pin_fields), &in);
    sl_ruleset_init(&in.pin.rules.values);
    in.pin.industry = -1;
    *p = in.pin;
}

/* The directory of path ("." when it has none). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

/* The file name of path without its extension: the default `name`. */
static char *stem_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, base, n);
        d[n] = '\0';
    }
    return d;
}

/* ------------------------------------------------------------------ */
/* extends: a chain of files merged into one tree                      */

/* Read the file at path whole, at most max bytes.  0: *buf (heap) and
 * *len hold it; 1: out of memory; 2: *problem says why it cannot be
 * read. */
static int read_whole(const char *path, size_t max, char **buf, size_t *len, const char **problem)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *problem = strerror(errno);
        return 2;
    }
    size_t cap = 0;
    int r = 0;
    for (;;) {
        if (*len == cap) {
            if (cap >= max) {
                *problem = "the file is larger than 64 MiB";
                r = 2;
                break;
            }
            size_t ncap = cap ? cap * 2 : 1 << 16;
            if (ncap > max)
                ncap = max;
            char *b = realloc(*buf, ncap + 1);
            if (!b) {
                r = 1;
                break;
            }
            *buf = b;
            cap = ncap;
        }
        size_t k = fread(*buf + *len, 1, cap - *len, f);
        *len += k;
        if (k == 0) {
            if (ferror(f)) {
                *problem = strerror(errno);
                r = 2;
            }
            break;
        }
    }
    fclose(f);
    if (r) {
        free(*buf);
        *buf = NULL;
        *len = 0;
    }
    return r;
}

static bool add_file(ctx *c, char *path)
{
    if (!path || !grow(c, &c->files, &c->cap_files, c->n_files + 1, sizeof *c->files)) {
        free(path);
        c->oom = true;
        return false;
    }
    c->files[c->n_files++] = path;
    return true;
}

/* The same file: the same device and inode when both exist, else the
 * same path. */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return strcmp(a, b) == 0;
}

static bool is_extends_key(const ynode *k)
{
    return k->type == YN_SCALAR && strcmp(k->text, "extends") == 0;
}

/* The value of the top-level `extends` of root, NULL when there is none.
 * *bad: it is there but unusable (reported). */
static const ynode *find_extends(ctx *c, const ynode *root, bool *bad)
{
    const ynode *val = NULL;
    *bad = false;
    if (!root || root->type != YN_MAP)
        return NULL;
    for (int k = 0; k + 1 < root->n; k += 2) {
        if (!is_extends_key(root->kids[k]))
            continue;
        if (val) {
            fail(c, root->kids[k], "duplicate key 'extends' in scenario");
            *bad = true;
            continue;
        }
        val = root->kids[k + 1];
    }
    if (val && (val->type != YN_SCALAR || is_blank(val))) {
        char got[SL_CLIP + 16];
        fail(c, val, "extends: expected a file name, got %s", describe(val, got, sizeof got));
        *bad = true;
    }
    return *bad ? NULL : val;
}

/* "a.yaml extends b.yaml extends a.yaml": files[0..n) then path. */
static char *chain_text(ctx *c, const char *path)
{
    static const char sep[] = " extends ";
    size_t size = strlen(path) + 1;
    for (int i = 0; i < c->n_files; i++)
        size += strlen(c->files[i]) + sizeof sep;
    char *t = malloc(size), *p = t;
    if (!t) {
        c->oom = true;
        return NULL;
    }
    for (int i = 0; i < c->n_files; i++)
        p += sprintf(p, "%s%s", c->files[i], sep);
    sprintf(p, "%s", path);
    return t;
}

/* Build the trees of the chain: trees[0] is built from files[0]; each
 * file's `extends` (relative to that file) is read into the next tree.
 * Returns how many trees there are, 0 when checking must stop (an error
 * is recorded: a bad, missing or unreadable base, a cycle, a chain too
 * long or too large, a YAML error in a base). */
static int build_chain(ctx *c, ytree *trees)
{
    int n = 1;
    for (;;) {
        bool bad;
        const ynode *ext = find_extends(c, trees[n - 1].root, &bad);
        if (bad || c->oom)
            return 0;
        if (!ext)
            return n;
        char tmp[SL_CLIP + 8];
        if (n == SL_MAX_EXTENDS) {
            fail(c, ext, "extends: '%s': more than %d files in the chain",
                 clip(ext->text, tmp, sizeof tmp), SL_MAX_EXTENDS);
            return 0;
        }
        char *path = relative_to(c, c->files[n - 1], ext->text);
        if (!path)
            return 0;
        for (int i = 0; i < n; i++) {
            if (!same_file(c->files[i], path))
                continue;
            char *chain = chain_text(c, path);
            if (chain)
                fail(c, ext, "extends: '%s' makes a cycle: %s", clip(ext->text, tmp, sizeof tmp),
                     chain);
            free(chain);
            free(path);
            return 0;
        }
        /* Only a regular file: a base named /dev/stdin or a FIFO must not
         * block the reader. */
        struct stat st;
        if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
            fail(c, ext, "extends: cannot read %s: not a regular file", path);
            free(path);
            return 0;
        }
        char *buf;
        size_t len;
        const char *problem = NULL;
        size_t left = (size_t)SL_MAX_FILE_BYTES;
        left = c->chain_bytes < left ? left - c->chain_bytes : 0;
        int r = read_whole(path, left, &buf, &len, &problem);
        if (r == 1) {
            c->oom = true;
            free(path);
            return 0;
        }
        if (r == 2) {
            if (strstr(problem, "64 MiB"))
                problem = "the files of the scenario are larger than 64 MiB in all";
            fail(c, ext, "extends: cannot read %s: %s", path, problem);
            free(path);
            return 0;
        }
        if (!add_file(c, path)) {
            free(buf);
            return 0;
        }
        c->chain_bytes += len;
        c->cur_file = n;
        bool ok = build_tree(c, &trees[n], buf, len);
        c->cur_file = 0;
        free(buf);
        n++;
        if (!ok)
            return 0;
    }
}

/* Binary search of a key in pairs sorted by cmp_pair_key. */
static const pair *find_pair(const pair *v, int n, const char *key)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int r = strcmp(v[mid].key->text, key);
        if (r == 0)
            return &v[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static pair *sorted_copy(ctx *c, const pairs *ps)
{
    pair *v = malloc(((size_t)ps->n + 1) * sizeof *v);
    if (!v) {
        c->oom = true;
        return NULL;
    }
    if (ps->n > 0) {
        memcpy(v, ps->v, (size_t)ps->n * sizeof *v);
        qsort(v, (size_t)ps->n, sizeof *v, cmp_pair_key);
    }
    return v;
}

static bool append_pair(ctx *c, ynode *m, ynode *key, ynode *val)
{
    if (!grow(c, &m->kids, &m->cap, m->n + 2, sizeof *m->kids))
        return false;
    m->kids[m->n++] = key;
    m->kids[m->n++] = val;
    return true;
}

/* The base b with e written over it (docs/model.md §10): mappings are
 * merged key by key, e's value merged over b's for a key both have;
 * a list, a scalar or a null of e replaces b's value.  The merged mapping
 * is a new node of tree t placed where e's mapping is (so a missing key
 * is reported there); its pairs keep their own nodes, so every value
 * still carries the file and position where it was written.  At the top
 * level (where == top_ctx) `extends` is dropped. */
static ynode *merge_nodes(ctx *c, ytree *t, const char *where, ynode *b, ynode *e, int depth)
{
    bool top = where == top_ctx;
    if (top && b && b->type != YN_MAP && !is_null(b))
        fail(c, b, "scenario: expected a mapping");
    if (e->type != YN_MAP || (b && b->type != YN_MAP && !top))
        return e;
    if (depth >= SL_MAX_DEPTH) {
        fail(c, e, "nesting deeper than %d levels", SL_MAX_DEPTH);
        return e;
    }
    pairs pb, pe;
    map_pairs(c, where, b, &pb);
    map_pairs(c, where, e, &pe);
    c->merged += pb.n + pe.n;
    pair *sb = sorted_copy(c, &pb), *se = sorted_copy(c, &pe);
    ynode *m = calloc(1, sizeof *m);
    bool ok = sb && se && m && grow(c, &t->all, &t->cap_all, t->n_all + 1, sizeof *t->all);
    if (m && ok) {
        *m = (ynode){.type = YN_MAP, .line = e->line, .col = e->col, .file = e->file, .size = 1};
        t->all[t->n_all++] = m;
    } else {
        free(m);
        m = NULL;
        c->oom = true;
    }
    if (ok && c->merged > SL_MAX_MERGED) {
        fail(c, e, "extends: too many keys to merge (more than %d)", SL_MAX_MERGED);
        ok = false;
    }
    for (int i = 0; ok && i < pb.n; i++) {
        ynode *key = pb.v[i].key, *val = pb.v[i].val;
        if (top && is_extends_key(key))
            continue;
        const pair *over = find_pair(se, pe.n, key->text);
        if (over) {
            char path[SL_PATH];
            key_path(path, where, key->text);
            key = over->key;
            val = merge_nodes(c, t, path, val, over->val, depth + 1);
        }
        ok = append_pair(c, m, key, val);
    }
    for (int i = 0; ok && i < pe.n; i++) {
        ynode *key = pe.v[i].key;
        if (!(top && is_extends_key(key)) && !find_pair(sb, pb.n, key->text))
            ok = append_pair(c, m, key, pe.v[i].val);
    }
    free(pb.v);
    free(pe.v);
    free(sb);
    free(se);
    return ok ? m : e;
}

sl_scenario *sl_scenario_parse(const char *path, const char *text, size_t len, sl_error *err)
{
    if (!path)
        path = "<memory>";
    if (!text) {
        text = "";
        len = 0;
    }
    ctx c;
    memset(&c, 0, sizeof c);
    c.file = path;
    c.suggest_budget = SL_SUGGEST_BUDGET;
    sl_scenario *s = calloc(1, sizeof *s);
    if (!s) {
        sl_error_add(err, SL_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    sl_scenario_init(s);
    c.s = s;
    /* Numbers are read and printed with a '.' whatever the caller's locale. */
    locale_t c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    locale_t old_locale = c_locale ? uselocale(c_locale) : (locale_t)0;

    s->path = strdup(path);
    s->dir = dir_of(path);
    s->name = stem_of(path);
    c.oom = !s->path || !s->dir || !s->name;

    /* The file, then its bases (extends), each into a tree of its own;
     * merged from the last base up, then checked as one. */
    ytree trees[SL_MAX_EXTENDS];
    memset(trees, 0, sizeof trees);
    c.chain_bytes = len;
    int n = 0;
    if (!c.oom && add_file(&c, strdup(path)) && build_tree(&c, &trees[0], text, len))
        n = build_chain(&c, trees);
    if (n > 0 && !c.oom) {
        ynode *root = trees[n - 1].root;
        for (int i = n - 2; i >= 0 && !c.oom; i--)
            root =
                trees[i].root ? merge_nodes(&c, &trees[0], top_ctx, root, trees[i].root, 0) : root;
        if (!c.oom)
            parse_scenario(&c, root);
    }
    for (int i = 0; i < SL_MAX_EXTENDS; i++)
        free_tree(&trees[i]);
    free(c.ind_id);
    free(c.ind_item);
    free(c.ind_sorted);

    bool failed = c.n_total > 0 || c.oom;
    if (failed)
        flush_errors(&c, err);
    free_errors(&c);
    s->files = c.files;
    s->n_files = c.n_files;
    if (c_locale) {
        uselocale(old_locale);
        freelocale(c_locale);
    }
    if (failed) {
        sl_scenario_destroy(s);
        return NULL;
    }
    return s;
}

sl_scenario *sl_scenario_load(const char *path, sl_error *err)
{
    char *buf;
    size_t len;
    const char *problem = NULL;
    int r = read_whole(path, (size_t)SL_MAX_FILE_BYTES, &buf, &len, &problem);
    if (r == 1) {
        sl_error_add(err, SL_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    if (r == 2) {
        sl_error_add(err, SL_ERR_SOURCE, "%s: cannot read: %s", path, problem);
        return NULL;
    }
    sl_scenario *s = sl_scenario_parse(path, buf, len, err);
    free(buf);
    return s;
}

const char *sl_industry_chain(const sl_industry *d)
{
    return d->chain && d->chain[0] ? d->chain : d->id;
}

void sl_scenario_destroy(sl_scenario *s)
{
    if (!s)
        return;
    free(s->path);
    for (int i = 0; i < s->n_files; i++)
        free(s->files[i]);
    free(s->files);
    free(s->dir);
    free(s->name);
    free(s->source);
    free(s->layer);
    free(s->crs);
    free(s->encoding);
    char **fields[] = {&s->fields.id,
                       &s->fields.land_use,
                       &s->fields.current_far,
                       &s->fields.current_gfa,
                       &s->fields.current_height,
                       &s->fields.tax,
                       &s->fields.ready_year,
                       &s->fields.name};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        free(*fields[i]);
    for (int i = 0; i < s->n_land_uses; i++)
        free(s->industrial_land_uses[i]);
    free(s->industrial_land_uses);
    for (int i = 0; i < s->n_rules; i++)
        free(s->rules[i].name);
    free(s->rules);
    for (int i = 0; i < s->n_industries; i++) {
        free(s->industries[i].id);
        free(s->industries[i].name);
        free(s->industries[i].chain);
    }
    free(s->industries);
    free(s->links);
    for (int i = 0; i < s->n_exclude; i++)
        free(s->exclude[i]);
    free(s->exclude);
    free(s->exclude_line);
    free(s->exclude_col);
    for (int i = 0; i < s->n_pins; i++)
        free(s->pins[i].parcel);
    free(s->pins);
    free(s->phasing.budget_cny);
    free(s);
}

int sl_scenario_industry(const sl_scenario *s, const char *id)
{
    for (int i = 0; s && id && i < s->n_industries; i++)
        if (s->industries[i].id && strcmp(s->industries[i].id, id) == 0)
            return i;
    return -1;
}

int sl_scenario_ruleset(const sl_scenario *s, const char *name)
{
    for (int i = 0; s && name && i < s->n_rules; i++)
        if (strcmp(s->rules[i].name, name) == 0)
            return i;
    return -1;
}
