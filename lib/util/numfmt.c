/* numfmt.c - two numbers of a message with enough digits to differ. */
#include "util/numfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sl_fmt_pair(double a, double b, int decimals, char *a_out, char *b_out, size_t size)
{
    if (size == 0)
        return;
    if (decimals < 0)
        decimals = 0;
    int d = decimals;
    for (; d <= 10; d++) {
        snprintf(a_out, size, "%.*f", d, a);
        snprintf(b_out, size, "%.*f", d, b);
        if (a == b || strcmp(a_out, b_out) != 0)
            break;
    }
    if (d > 10) {
        snprintf(a_out, size, "%.17g", a);
        snprintf(b_out, size, "%.17g", b);
        return;
    }
    /* The threshold with as few of those decimals as read the same. */
    double bv = strtod(b_out, NULL);
    for (int e = decimals; e < d; e++) {
        char t[64];
        snprintf(t, sizeof t, "%.*f", e, b);
        if (strtod(t, NULL) == bv) {
            snprintf(b_out, size, "%s", t);
            break;
        }
    }
}
