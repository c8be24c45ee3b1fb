/* ogr_util.c - GDAL error routing and connection-string redaction. */
#include "util/ogr_util.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

void sl_gdal_init(void)
{
    static int done;
    if (!done) {
        GDALAllRegister();
        done = 1;
    }
}

static void CPL_STDCALL capture_handler(CPLErr cls, CPLErrorNum num, const char *msg)
{
    (void)num;
    sl_gdal_capture *c = CPLGetErrorHandlerUserData();
    if (!c || cls < CE_Failure)
        return;
    sl_redact(msg ? msg : "", c->last, sizeof c->last);
    if (c->n_errors++ == 0)
        memcpy(c->first, c->last, sizeof c->first);
}

void sl_gdal_capture_push(sl_gdal_capture *c)
{
    c->last[0] = '\0';
    c->first[0] = '\0';
    c->n_errors = 0;
    CPLPushErrorHandlerEx(capture_handler, c);
}

void sl_gdal_capture_pop(void)
{
    CPLPopErrorHandler();
}

void sl_redact(const char *src, char *dst, size_t size)
{
    if (size == 0)
        return;
    size_t o = 0;
    const char *p = src ? src : "";
    while (*p && o + 1 < size) {
        if (strncasecmp(p, "password", 8) == 0) {
            const char *q = p + 8;
            while (*q == ' ')
                q++;
            if (*q == '=') {
                q++;
                while (*q == ' ')
                    q++;
                const char *rep = "password=***";
                for (const char *r = rep; *r && o + 1 < size; r++)
                    dst[o++] = *r;
                if (*q == '\'') { /* quoted value: skip to closing quote */
                    q++;
                    while (*q && *q != '\'')
                        q += (*q == '\\' && q[1]) ? 2 : 1;
                    if (*q)
                        q++;
                } else {
                    while (*q && !isspace((unsigned char)*q))
                        q++;
                }
                p = q;
                continue;
            }
        }
        /* postgresql://user:secret@host */
        if (*p == ':' && p > src && p[1] != '/') {
            const char *at = p + 1;
            while (*at && *at != '@' && *at != '/' && !isspace((unsigned char)*at))
                at++;
            const char *scheme = strstr(src, "://");
            if (*at == '@' && scheme && scheme < p) {
                const char *rep = ":***";
                for (const char *r = rep; *r && o + 1 < size; r++)
                    dst[o++] = *r;
                p = at;
                continue;
            }
        }
        dst[o++] = *p++;
    }
    dst[o] = '\0';
}

void sl_gdal_message(const char *msg, char *dst, size_t size)
{
    if (size == 0)
        return;
    static const char pq[] = "PQconnectdb failed.";
    /* Lines of libpq's and the server's messages that are left out:
     * "LINE n:" quotes the SQL GDAL wrapped around the user's query (a
     * cursor declaration), CONTEXT the COPY data (hex geometries), and a
     * "Failing row contains" DETAIL every value of the row. */
    static const char *const cut[] = {"\nLINE ", "\nCONTEXT:", "\nDETAIL:  Failing row contains"};
    const char *p = msg ? msg : "";
    const char *end = p + strlen(p);
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        const char *c = strstr(p, cut[i]);
        if (c && c < end)
            end = c;
    }
    size_t o = 0;
    while (p < end && isspace((unsigned char)*p))
        p++;
    if ((size_t)(end - p) >= sizeof pq - 1 && strncmp(p, pq, sizeof pq - 1) == 0) {
        p += sizeof pq - 1;
        o = (size_t)snprintf(dst, size, "cannot connect:");
        if (o >= size)
            return;
    }
    for (; p < end && o + 1 < size; p++) {
        if (!isspace((unsigned char)*p)) {
            dst[o++] = *p;
            continue;
        }
        bool line = false;
        while (p + 1 < end && isspace((unsigned char)p[1]))
            line |= *p++ == '\n';
        line |= *p == '\n';
        if (p + 1 == end)
            break;
        /* A line that ends without punctuation before one that starts
         * with a capital ends a sentence ("Connection refused\n\tIs the
         * server running ..."); other lines go on with the sentence. */
        if (line && o > 0 && o + 2 < size && isalnum((unsigned char)dst[o - 1]) &&
            isupper((unsigned char)p[1]))
            dst[o++] = '.';
        if (o > 0 && o + 1 < size)
            dst[o++] = ' ';
    }
    dst[o] = '\0';
}

void sl_pg_set_lock_timeout(GDALDatasetH ds)
{
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, "SELECT current_setting('lock_timeout')", NULL, NULL);
    bool unset = false;
    if (r) {
        OGRFeatureH f = OGR_L_GetNextFeature(r);
        unset = f && strcmp(OGR_F_GetFieldAsString(f, 0), "0") == 0;
        OGR_F_Destroy(f);
        GDALDatasetReleaseResultSet(ds, r);
    }
    if (unset) {
        r = GDALDatasetExecuteSQL(ds, "SET lock_timeout = '" SL_PG_LOCK_TIMEOUT "'", NULL, NULL);
        if (r)
            GDALDatasetReleaseResultSet(ds, r);
    }
    sl_gdal_capture_pop();
}
