/*
 * glpk_util.c - see glpk_util.h.
 */
#include "util/glpk_util.h"

#include <stdbool.h>
#include <string.h>

sl_status sl_glpk_write_model(glp_prob *P, const char *path, const char *min_name, sl_error *err)
{
    size_t n = strlen(path);
    bool mps = n > 4 && strcmp(path + n - 4, ".mps") == 0;
    if (mps) {
        glp_set_obj_dir(P, GLP_MIN);
        for (int j = 1; j <= glp_get_num_cols(P); j++)
            glp_set_obj_coef(P, j, -glp_get_obj_coef(P, j));
        glp_set_obj_name(P, min_name);
    }
    int rc = mps ? glp_write_mps(P, GLP_MPS_FILE, NULL, path) : glp_write_lp(P, NULL, path);
    if (rc != 0) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write the model", path);
        return SL_ERR_IO;
    }
    return SL_OK;
}
