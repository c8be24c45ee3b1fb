/* fuzz_scenario.c - libFuzzer target: sl_scenario_parse on arbitrary bytes.
 * Whatever the bytes, the parser returns a scenario or a list of
 * positioned messages; it never crashes, leaks, or reads out of bounds. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_parse("fuzz.yaml", (const char *)data, size, &err);
    /* Exactly one of: a scenario, or at least one message and a code. */
    CHECK((s != NULL) == (err.code == SL_OK));
    CHECK(s || err.n > 0);
    for (int i = 0; i < err.n; i++)
        CHECK(err.msgs[i] && !strchr(err.msgs[i], '\n'));
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    return 0;
}
