/* test_ogrutil.c - lib/ogrutil.c and lib/error.c: passwords never shown;
 * the error collector keeps every message in order. */
#include <criterion/criterion.h>
#include <string.h>

#include "ogrutil.h"
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
