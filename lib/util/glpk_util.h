/*
 * glpk_util.h - glue shared by the modules that hand a GLPK problem to
 * other solvers (`shanglou export-model`, with and without --phasing).
 */
#ifndef SL_UTIL_GLPK_UTIL_H
#define SL_UTIL_GLPK_UTIL_H

#include <glpk.h>

#include "shanglou.h"

/* Write the maximisation P to path: CPLEX LP format, or free MPS when
 * path ends in ".mps".  MPS has no objective sense and solvers read it as
 * a minimisation, so there P becomes min −objective, named min_name
 * (P is changed).  SL_OK, or SL_ERR_IO with a message naming path. */
sl_status sl_glpk_write_model(glp_prob *P, const char *path, const char *min_name, sl_error *err);

#endif
