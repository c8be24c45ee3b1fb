/*
 * numfmt.h - numbers in messages: two numbers that a reason compares
 * ("FAR 0.9999 below 1.00") written with enough digits that they do not
 * read the same when they differ.
 */
#ifndef SL_UTIL_NUMFMT_H
#define SL_UTIL_NUMFMT_H

#include <stddef.h>

/* Write a and b with `decimals` decimals, or more (up to 10, then 17
 * significant digits) when a != b would otherwise print the same; b, the
 * threshold, gets no more decimals than it needs to read the same.  Each
 * buffer holds size bytes. */
void sl_fmt_pair(double a, double b, int decimals, char *a_out, char *b_out, size_t size);

#endif
