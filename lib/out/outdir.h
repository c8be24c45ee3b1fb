/*
 * outdir.h - atomic output: every file of a run is written in a staging
 * directory beside DIR (hidden, same filesystem) and renamed into place
 * only when the whole run has succeeded, so a failed or killed run leaves
 * DIR's previous files intact, and DIR holds nothing else even after
 * SIGKILL.  A later run removes the staging directories of dead runs.
 */
#ifndef SL_OUT_OUTDIR_H
#define SL_OUT_OUTDIR_H

#include "shanglou.h"

typedef struct sl_outdir sl_outdir;

/* Create DIR (and parents) if needed and check it is writable.  On failure
 * returns NULL with a message naming the path (SL_ERR_IO; SL_ERR_NOMEM
 * when out of memory).
 * Free with sl_outdir_abort() or sl_outdir_commit(). */
sl_outdir *sl_outdir_begin(const char *dir, sl_error *err);

/* The temporary path where the file `name` is to be written (owned by the
 * outdir, valid until commit/abort), or NULL when out of memory.  `name`
 * may be "sub/file", one level down: the subdirectory DIR/sub is then
 * replaced whole on commit. */
const char *sl_outdir_file(sl_outdir *o, const char *name);

/* Declare the subdirectory DIR/sub as an output even if no file is
 * written into it (a run without files then empties it).  Returns NULL
 * when sub is not a plain name or cannot be made. */
const char *sl_outdir_subdir(sl_outdir *o, const char *sub);

/* Rewrite the temporary paths in err's messages (a writer names the file
 * it failed on) as the final paths DIR/name, which the user knows.
 * Call before sl_outdir_abort(). */
void sl_outdir_final_names(const sl_outdir *o, sl_error *err);

/* Flush every file to disk and rename all into place; frees o.  On failure
 * removes the temporary files, adds a message and returns SL_ERR_IO
 * (SL_ERR_NOMEM when out of memory). */
sl_status sl_outdir_commit(sl_outdir *o, sl_error *err);

/* Remove the temporary files and free o (NULL is fine). */
void sl_outdir_abort(sl_outdir *o);

/* The final path DIR/name (heap; caller frees), or NULL when out of
 * memory. */
char *sl_outdir_path(const sl_outdir *o, const char *name);

#endif
