/*
 * solver.h: the state of one
 * solve (classes of parcels with their stacks, the GLPK master, the
 * multipliers of the bound, the incumbent plan) and the helpers both use.
 * See docs/optimizer.md.
 */
#ifndef SL_PLAN_SOLVER_H
#define SL_PLAN_SOLVER_H

#include <glpk.h>
#include <stdbool.h>
#include <stdint.h>

#include "plan/pricing.h"

typedef struct stk {
    pl_stack st;
    double cval; /* objective value (priorities, bonuses) */
    int ng;
    int *gi;    /* industries with GFA */
    double *gv; /* their GFA, m² */
    int nch;
    int *ch;       /* chains of its non-shared industries (neighbour bonus) */
    uint64_t sig;  /* signature for de-duplication */
    uint64_t seqh; /* hash of the storey sequence */
} stk;

typedef struct pclass {
    pl_ctx ctx;
    int nparc, capparc;
    int *parc; /* indices into solver par[] */
    int nstk, capstk;
    stk *stk;
    double best_y; /* exact best value under the last weights */
    bool best_exact;
    double best_b; /* best value under the multipliers of the bound */
    double best_0; /* best value found without demand prices (the seed) */
    bool alone;    /* a parcel with neighbours: never shares its class */
    bool seeded;
    size_t hcap, hused;
    int *htab; /* stack index + 1 by sequence hash; 0 free */
} pclass;

typedef struct col {
    int parcel; /* index into S->par */
    int cls, s; /* stack */
} col;

typedef struct parinfo {
    int zi; /* zone index */
    int cls;
    int row; /* convexity row */
    bool pinned;
} parinfo;

typedef struct solver {
    const sl_zone *z;
    const sl_scenario *sc;
    const sl_plan_options *o;
    pl_sc s;
    int nrt;
    pl_rtab *rt;
    int ncls;
    pclass *cls;
    int npar;
    parinfo *par;
    int *cls_of_zone; /* zone index -> class, -1 */
    /* master */
    glp_prob *lp;
    int ncol, capcol;
    col *cols; /* GLPK column j = cols[j - 1] (real columns) */
    size_t hcap, hused;
    uint64_t *hkeys; /* (parcel, class stack) + 1 of every column; 0 free */
    int *hvals;      /* its index into cols */
    int nind;
    int *drow; /* demand row of industry i, 0 none */
    double *dmin, *dmax;
    /* Neighbour chain bonus (docs/model.md §6): pairs of considered
     * neighbour parcels (par indices, a < b), and per pair and chain a
     * column w (0..1, objective nb_bonus) with rows w - Σ λ(stacks of a
     * with the chain) <= 0 and the same for b. */
    int nnb;
    int *nba, *nbb;
    int nch;         /* chains (S->s.nchains) */
    double nb_bonus; /* plan.objective.neighbour_chain_bonus_m2 */
    int nbrow0;      /* row of (pair e, chain c, side) = nbrow0 + 2 (e nch + c) + side */
    int nbcol0;      /* column of (e, c) = nbcol0 + e nch + c */
    int *nb_first;   /* per par: its pairs, CSR over nb_list */
    int *nb_list;
    double *cls_pi;     /* per class × chain: the bonus of hosting the chain
                            under the current duals (classes of parcels with
                            neighbours have one parcel each) */
    double *cls_pibest; /* the same at the best bound */
    double nb_lag;      /* Σ max(0, bonus − both sides' duals) at these duals */
    int part0;          /* GLPK index of parcel 0's column for branch and price
                           (solve.c branch_and_price) */
    int col0;           /* GLPK index of real column 0; real columns are
                           contiguous from it */
    int nart;
    int *art_cols;
    double *art_pen; /* composite-phase penalty per unit */
    double *art_ub;  /* its upper bound (INFINITY: none) */
    double pen_m2;   /* the penalty per m² of demand shortfall */
    /* weights */
    double *r;
    double *y, *ybest;
    unsigned long long stamp;
    double bound;     /* best proven upper bound */
    double lag_bound; /* the best L(y) (at ybest); bound may be lower after branching */
    double lp_val;
    double t0;
    double deadline;
    double mip_deadline;    /* GLPK's integer master stops by then too (0: none) */
    double search_deadline; /* the searches of search.c stop by then too (0: none) */
    int ndives;             /* branch and price's dives so far */
    int phase;              /* master objective: 1, 2 or 3 (set_phase_costs) */
    bool timed_out;
    bool interrupted; /* options.interrupt was seen raised */
    /* incumbent */
    double inc_val;
    int *inc_choice; /* per par: column index into cols, -1 kept */
    bool have_inc;
    char **msgs;
    int nmsgs;
} solver;

double sv_now(void);

/* Time to stop: the deadline has passed or options.interrupt is raised
 * (then S->interrupted is set). */
bool sv_stop(solver *S);

/* Stacks of a class: sv_stack_add returns the new stack's index, -(index +
 * 3) when the class already has the stack (same storey sequence, or with
 * by_signature the same storeys per industry and value), -1 when out of
 * memory.  sv_seq_find finds a storey sequence (hash sv_seq_hash), -1. */
int sv_stack_add(solver *S, pclass *C, const pl_stack *st, bool by_signature);
uint64_t sv_seq_hash(const pl_stack *st);
int sv_seq_find(const pclass *C, const pl_stack *st, uint64_t h);

/* Columns of the master: stack s of parcel par's class for parcel par.
 * sv_add_column returns the GLPK column (its objective set for the current
 * phase) or -1; sv_col_find the index into cols, or -1. */
int sv_add_column(solver *S, int par, int cls, int s);
int sv_col_find(const solver *S, int par, int s);
const stk *sv_col_stk(const solver *S, int c);

/* The value of a plan: its stacks' values plus the neighbour chain
 * bonuses its themed neighbours earn. */
double sv_plan_value(const solver *S, const int *choice);

/* Neighbours: the parcel across slot x of p's pairs (nb_first[p] <= x <
 * nb_first[p + 1]); whether p and q are neighbours; the chains two stacks
 * share (0 when either is NULL, i.e. kept). */
int sv_nb_other(const solver *S, int x, int p);
bool sv_neighbours(const solver *S, int p, int q);
int sv_common_chains(const stk *a, const stk *b);

/* Neighbour bonus earned by parcel par (its half share of each pair). */
double sv_neighbour_share(const solver *S, const int *choice, int par);

/* Make choice[] (a column per parcel, -1 kept) the incumbent when its
 * value (recomputed with sv_plan_value; `value` is the caller's estimate
 * and only used when it is the same) is better. */
void sv_take_incumbent(solver *S, const int *choice, double value);

/* The incumbent's distance to the bound is above the requested gap. */
bool sv_gap_open(const solver *S);

/* With options.verbose: one line to the log about the solve so far, and how
 * the gap splits between stacks below their best under the multipliers
 * ("regret") and demand left unfilled. */
void sv_trace(const solver *S, const char *what);

/* A message to the caller's log (options.log; nothing when NULL). */
void sv_log(const solver *S, sl_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Route GLPK's terminal output to the log (options.verbose) or nowhere,
 * from begin to end. */
void sv_glpk_output_begin(const solver *S);
void sv_glpk_output_end(void);

/* Tell options.progress the incumbent and the bound. */
void sv_progress(const solver *S);

/* Release everything the solver holds (not the solver itself). */
void sv_free(solver *S);

/* search.c: improve the incumbent when the demand ranges bind (local
 * search, then tabu search over near-optimal stacks).  0, or -1 when out
 * of memory. */
int sv_improve(solver *S);

/* search.c: the local search alone, from plan start (a column per parcel,
 * -1 kept, meeting every demand range) or, when NULL, from the incumbent;
 * its plan becomes the incumbent when better (0, or -1). */
int sv_local_search(solver *S, const int *start);

#endif
