/*
 * ul_loops.c - the numpy-ABI gufunc loops for float32, float64, complex64
 * and complex128, one template per family (numpy's umath_linalg.cpp keeps
 * them as sections): ul_solve.tmpl.h (inv, solve, solve1), ul_det.tmpl.h
 * (det, slogdet), ul_svd.tmpl.h (svd_*), ul_qr.tmpl.h (qr_r_raw,
 * qr_reduced, qr_complete; d and z only), ul_lstsq.tmpl.h (lstsq),
 * ul_cholesky.tmpl.h (cholesky_lo/up), ul_eigh.tmpl.h (eigh_*,
 * eigvalsh_*), ul_eig.tmpl.h (eig, eigvals; no complex64 loop, as numpy
 * 1.24), ul_matmul.tmpl.h (matmul); and what they share: the per-call
 * workspace, the failure report, the small-kernel hook. The FP-flag
 * protocol is in c/core/ul_fp.c,
 * the one-matrix LAPACK path in c/core/ul_lapack1.tmpl.h.
 */
#include "ul_lapack.h"
#include <complex.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- one workspace per loop call: on the stack when small (no malloc on
 * the small-matrix path), else one heap block. */
typedef struct ul_workspace {
    void *heap;
    _Alignas(64) unsigned char stack[4096];
} ul_workspace;

static void *ul_ws_get(ul_workspace *ws, size_t len)
{
    ws->heap = NULL;
    if (len <= sizeof ws->stack)
        return ws->stack;
    ws->heap = ul_malloc(len);
    return ws->heap;
}

static void ul_ws_release(ul_workspace *ws)
{
    ul_free(ws->heap);
    ws->heap = NULL;
}

/* ---- failure report: `data` is NULL (numpy) or a ul_loop_report. */
static ul_loop_report *ul_report_begin(void *data, ul_loop_report *local)
{
    ul_loop_report *rep = data ? (ul_loop_report *)data : local;
    rep->nfailed = 0;
    rep->first_failed = -1;
    rep->status = UL_OK;
    return rep;
}

static void ul_report_failure(ul_loop_report *rep, ptrdiff_t k)
{
    if (rep->nfailed++ == 0)
        rep->first_failed = k;
}

/* No workspace: every matrix of the call counts as failed (NaN output). */
static void ul_report_enomem(ul_loop_report *rep, ptrdiff_t count)
{
    rep->status = UL_ENOMEM;
    rep->nfailed = count;
    rep->first_failed = count > 0 ? 0 : -1;
}

/* Accepts a small kernel's result: -1 declined, else its failure count. */
static int ul_small_taken(ptrdiff_t result, ul_loop_report *rep)
{
    if (result < 0) {
        rep->first_failed = -1;
        return 0;
    }
    rep->nfailed = result;
    if (result == 0)
        rep->first_failed = -1;
    return 1;
}

/* The small-n kernel takes the call when there is one for this dtype, op
 * and size and it does not decline (ul_small_run, c/small/ul_small.c). The
 * loops call it (and the LAPACK path) only when the output has elements:
 * an empty operand's pointer may be NULL and is never offset, and an empty
 * core costs nothing per matrix. */
#define UL_SMALL_RUN(op) \
    ul_small_taken(ul_small_run(UL_DT, UL_OP_##op, args, dimensions, steps, \
                                &rep->first_failed), rep)

/* ---- the families, one template each, instantiated for s, d, c, z ---- */
#define UL_TEMPLATE "ul_solve.tmpl.h"
#include "ul_instantiate.h"

#define UL_TEMPLATE "ul_det.tmpl.h"
#include "ul_instantiate.h"

/* svd_m ... svd_n_f (?gesdd), numpy's svd_wrapper */
#define UL_TEMPLATE "ul_svd.tmpl.h"
#include "ul_instantiate.h"

/* ---- sizes of the LAPACK-query families (qr, lstsq): element counts and
 * LWORK checked against size_t and LAPACK's int before any allocation. */

/* *acc += a * b (a, b >= 0); 0 on overflow. */
static int ul_elems_add(size_t *acc, ptrdiff_t a, ptrdiff_t b)
{
    size_t p;
    return !__builtin_mul_overflow((size_t)a, (size_t)b, &p) &&
           !__builtin_add_overflow(*acc, p, acc);
}

/* *bytes = n1 s1 + n2 s2 + n3 s3; 0 on overflow. */
static int ul_bytes3(size_t *bytes, size_t n1, size_t s1, size_t n2,
                     size_t s2, size_t n3, size_t s3)
{
    size_t a, b, c;
    return !__builtin_mul_overflow(n1, s1, &a) &&
           !__builtin_mul_overflow(n2, s2, &b) &&
           !__builtin_mul_overflow(n3, s3, &c) &&
           !__builtin_add_overflow(a, b, bytes) &&
           !__builtin_add_overflow(*bytes, c, bytes);
}

/* LWORK = max(floor, the query's optimal size q); 0 when q is not a size
 * LAPACK's int holds (never converted: out-of-range float -> int is UB). */
static int ul_lwork(double q, ptrdiff_t floor, int *lwork)
{
    if (!(q >= 0 && q <= (double)INT_MAX) || floor > INT_MAX)
        return 0;
    *lwork = (int)q > floor ? (int)q : (int)floor;
    return 1;
}

/* base + k * step, or base itself for an operand with no elements (which
 * may be NULL, and is then never offset). */
static char *ul_at(char *base, ptrdiff_t k, ptrdiff_t step, ptrdiff_t used)
{
    return used > 0 ? base + k * step : base;
}

#define UL_TEMPLATE "ul_qr.tmpl.h"
#define UL_INSTANTIATE_DOUBLE
#include "ul_instantiate.h"

#define UL_TEMPLATE "ul_lstsq.tmpl.h"
#include "ul_instantiate.h"

#define UL_TEMPLATE "ul_cholesky.tmpl.h"
#include "ul_instantiate.h"

#define UL_TEMPLATE "ul_eigh.tmpl.h"
#include "ul_instantiate.h"

#define UL_TEMPLATE "ul_matmul.tmpl.h"
#include "ul_instantiate.h"

/* numpy 1.24 has no complex64 eig/eigvals loop: s, d, z only */
#define UL_TEMPLATE "ul_eig.tmpl.h"
#define UL_INSTANTIATE_NO_c
#include "ul_instantiate.h"
