/*
 * guard.h - no output path may be a scenario input (MODEL: a run whose
 * DIR would overwrite the parcel source, or any file it reads, is a usage
 * error naming both paths).
 *
 * A guard holds the files a run reads (sl_guard_add_scenario: the scenario
 * file, the parcel source and its sidecar files, or the source's database
 * table); the commands that write check every path or table they are about
 * to write against it BEFORE anything is written.  Files are compared by
 * device and inode, so relative paths, "..", symlinks and hard links are
 * all caught; a file that does not exist yet is compared by the real path
 * of its directory plus its name.
 */
#ifndef SL_OUT_GUARD_H
#define SL_OUT_GUARD_H

#include "shanglou.h"
#include "input/scenario.h"

typedef struct sl_guard sl_guard;

/* An empty guard, or NULL (SL_ERR_NOMEM in err).  Free with
 * sl_guard_destroy(). */
sl_guard *sl_guard_create(sl_error *err);
void sl_guard_destroy(sl_guard *g);

/* Add every input of the scenario: the scenario file itself and the bases
 * it extends (sc->files, role "a base of the scenario"), the parcel
 * source (a file, with its sidecars: a Shapefile's .shx, .dbf, .prj ...,
 * a GeoPackage's -wal and -shm; the archive of a /vsizip/ path) or its
 * database table (a PG: source).  SL_ERR_NOMEM on failure. */
sl_status sl_guard_add_scenario(sl_guard *g, const sl_scenario *sc, sl_error *err);

/* Add one file the run reads; role says what it is to the planner ("the
 * parcel source"), owner, when not NULL, the input it belongs to (a
 * sidecar's main file).  SL_ERR_NOMEM on failure. */
sl_status sl_guard_add_file(sl_guard *g, const char *path, const char *role, const char *owner,
                            sl_error *err);

/* Would writing the files `names` (NULL-terminated; "sub/" names a
 * subdirectory that is replaced whole) into the directory dir overwrite
 * an input?  SL_OK when not; else SL_ERR_USAGE with "CMD: output
 * DIR/NAME would overwrite the parcel source /abs/path; choose another -o
 * directory" in err (one message per collision).  dir may not exist. */
sl_status sl_guard_check_dir(const sl_guard *g, const char *cmd, const char *dir,
                             const char *const *names, sl_error *err);

/* The same for one output file (export-model's FILE). */
sl_status sl_guard_check_file(const sl_guard *g, const char *cmd, const char *file, sl_error *err);

/* Would the tables prefix + layers[i] (NULL-terminated) written into the
 * database conn ("PG:...") replace or fill the source's table?  Same
 * database: same dbname, host and port (a key missing on either side is
 * taken to match); same table: same schema (default public, or the
 * connection's active_schema) and name, case aside.  SL_ERR_USAGE with
 * the message in err when so.  prefix NULL is SL_PG_DEFAULT_PREFIX. */
sl_status sl_guard_check_pg(const sl_guard *g, const char *cmd, const char *conn,
                            const char *prefix, const char *const *layers, sl_error *err);

#endif
