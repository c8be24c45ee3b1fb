/* test_ogrutil.c - lib/ogrutil.c and lib/error.c: passwords never shown;
 * GDAL's messages made one line; the error collector keeps every message
 * in order. */
#include <criterion/criterion.h>
#include <string.h>

#include "util/ogr_util.h"
#include "shanglou.h"

Test(ogrutil, redact_passwords)
{
    char out[256];
    sl_redact("PG:dbname=zone host=127.0.0.1 user=u password=s3cret port=5432", out, sizeof out);
    cr_assert_str_eq(out, "PG:dbname=zone host=127.0.0.1 user=u password=*** port=5432");
    sl_redact("PG:password='a b\\'c' dbname=z", out, sizeof out);
    cr_assert_str_eq(out, "PG:password=*** dbname=z");
    sl_redact("PG:PASSWORD = x dbname=z", out, sizeof out);
    cr_assert_str_eq(out, "PG:password=*** dbname=z");
    sl_redact("postgresql://planner:s3cret@db/zone", out, sizeof out);
    cr_assert_str_eq(out, "postgresql://planner:***@db/zone");
    sl_redact("../geodata/shahe/parcels.shp", out, sizeof out);
    cr_assert_str_eq(out, "../geodata/shahe/parcels.shp");
    sl_redact("PG:password=s3cret", out, 8);
    cr_assert_eq(strlen(out), 7);
    cr_assert_null(strstr(out, "s3c"));
}

/* GDAL's and libpq's multi-line messages as one line of ours. */
Test(ogrutil, gdal_message_one_line)
{
    char out[512];
    sl_gdal_message("PQconnectdb failed.\nconnection to server at \"127.0.0.1\", port 1 failed: "
                    "Connection refused\n\tIs the server running on that host and accepting "
                    "TCP/IP connections?\n",
                    out, sizeof out);
    cr_assert_str_eq(out, "cannot connect: connection to server at \"127.0.0.1\", port 1 "
                          "failed: Connection refused. Is the server running on that host and "
                          "accepting TCP/IP connections?");
    sl_gdal_message("PQconnectdb failed.\nconnection to server at \"h\", port 5 failed: FATAL:  "
                    "password authentication failed for user \"u\"\n",
                    out, sizeof out);
    cr_assert_str_eq(out, "cannot connect: connection to server at \"h\", port 5 failed: FATAL: "
                          "password authentication failed for user \"u\"");
    sl_gdal_message("server closed the connection unexpectedly\n\tThis probably means the "
                    "server terminated abnormally\n\tbefore or while processing the request.\n",
                    out, sizeof out);
    cr_assert_str_eq(out, "server closed the connection unexpectedly. This probably means the "
                          "server terminated abnormally before or while processing the "
                          "request.");
    /* The server's details that quote GDAL's SQL or the row's data. */
    sl_gdal_message("ERROR:  relation \"x\" does not exist\nLINE 1: DECLARE executeSQLCursor "
                    "CURSOR for SELECT * FROM x\n                                         ^\n",
                    out, sizeof out);
    cr_assert_str_eq(out, "ERROR: relation \"x\" does not exist");
    sl_gdal_message("COPY statement failed.\nERROR:  new row for relation \"t\" violates check "
                    "constraint \"c\"\nDETAIL:  Failing row contains (1, B7-2, ...).\n"
                    "CONTEXT:  COPY t, line 43: \"0106000020C3110000\"\n",
                    out, sizeof out);
    cr_assert_str_eq(out, "COPY statement failed. ERROR: new row for relation \"t\" violates "
                          "check constraint \"c\"");
    sl_gdal_message("ERROR:  duplicate key value violates unique constraint \"k\"\nDETAIL:  "
                    "Key (id)=(B7-2) already exists.\n",
                    out, sizeof out);
    cr_assert_str_eq(out,
                     "ERROR: duplicate key value violates unique constraint \"k\" DETAIL: "
                     "Key (id)=(B7-2) already exists.",
                     "other details are kept");
    sl_gdal_message("PQconnectdb failed.\nsome long text", out, 20);
    cr_assert_eq(strlen(out), 19);
    sl_gdal_message(NULL, out, sizeof out);
    cr_assert_str_eq(out, "");
}

Test(error, collects_in_order)
{
    sl_error e;
    sl_error_init(&e);
    sl_error_at(&e, SL_ERR_SCENARIO, "s.yaml", 3, 5, "bad %s", "key");
    sl_error_add(&e, SL_ERR_IO, "two\nlines");
    cr_assert_eq(e.code, SL_ERR_SCENARIO, "the first code is kept");
    cr_assert_eq(e.n, 2);
    cr_assert_str_eq(e.msgs[0], "s.yaml:3:5: bad key");
    cr_assert_str_eq(e.msgs[1], "two lines", "one line per message");
    cr_assert_str_eq(sl_strerror(SL_ERR_INFEASIBLE), "the rules cannot all hold");
    sl_error_clear(&e);
    cr_assert_eq(e.n, 0);
    sl_error_add(NULL, SL_ERR_IO, "ignored");
}
