/* fuzz_extends.c - libFuzzer target: `extends` chains of two files.  The
 * input is two scenario files separated by the first NUL byte: the first
 * is parsed from memory as DIR/a.yaml (and written there too, so that a
 * base may extend it back), the second is written as DIR/b.yaml.  Either
 * may extend a.yaml, b.yaml, itself or a missing file.  Whatever the
 * bytes, the parser returns a scenario or messages that each name one of
 * the files of DIR; it never crashes, leaks, loops or reads out of bounds.
 * Inputs with a '/' are skipped: paths stay inside DIR. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/scenario.h"

/* assert() that survives NDEBUG (the fuzz build is RelWithDebInfo). */
#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                 \
        }                                                                            \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void put(const char *name, const uint8_t *data, size_t size)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    CHECK(f);
    CHECK(fwrite(data, 1, size, f) == size);
    CHECK(fclose(f) == 0);
}

/* The scratch directory goes when the fuzzer exits normally. */
static void cleanup(void)
{
    char p[128];
    snprintf(p, sizeof p, "%s/a.yaml", dir);
    remove(p);
    snprintf(p, sizeof p, "%s/b.yaml", dir);
    remove(p);
    remove(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/sl-fuzz-extends-XXXXXX");
        CHECK(mkdtemp(dir));
        atexit(cleanup);
    }
    if (memchr(data, '/', size))
        return 0;
    const uint8_t *nul = memchr(data, 0, size);
    size_t na = nul ? (size_t)(nul - data) : size;
    const uint8_t *b = nul ? nul + 1 : data + size;
    size_t nb = nul ? size - na - 1 : 0;
    put("a.yaml", data, na);
    put("b.yaml", b, nb);

    char path[128];
    snprintf(path, sizeof path, "%s/a.yaml", dir);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse(path, (const char *)data, na, &err);
    /* Exactly one of: a scenario, or at least one message and a code. */
    CHECK((s != NULL) == (err.code == SL_OK));
    CHECK(s || err.n > 0);
    for (int i = 0; i < err.n; i++) {
        CHECK(err.msgs[i] && !strchr(err.msgs[i], '\n'));
        CHECK(strncmp(err.msgs[i], dir, strlen(dir)) == 0);
    }
    if (s) {
        CHECK(s->n_files >= 1 && s->n_files <= 16);
        CHECK(strcmp(s->files[0], path) == 0);
    }
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    return 0;
}
