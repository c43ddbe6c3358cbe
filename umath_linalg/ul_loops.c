/*
 * ul_loops.c - the numpy-ABI gufunc loops inv, solve, solve1, det and
 * slogdet for float32, float64, complex64 and complex128 (ul_loops.tmpl.h,
 * written once and instantiated per dtype), and the helpers they share:
 * the per-call workspace, the failure report and the FP-flag protocol.
 */
#include "ul_impl.h"
#include <fenv.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- FP-flag protocol, numpy's get_fp_invalid_and_clear and
 * set_fp_invalid_or_clear. Decided from LAPACK's info in the calling
 * thread, never from flags OpenBLAS worker threads may or may not leave. */
int ul_fp_invalid_and_clear(void)
{
    int invalid = fetestexcept(FE_INVALID) != 0;
    feclearexcept(FE_ALL_EXCEPT);
    return invalid;
}

void ul_fp_set_invalid_or_clear(int invalid)
{
    /* Only FE_INVALID is ever left, as numpy's LAPACK path leaves it: a
     * kernel's divide-by-zero on an exactly singular pivot, or OpenBLAS's
     * spurious flags, must not reach the caller as warnings. */
    feclearexcept(FE_ALL_EXCEPT);
    if (invalid)
        feraiseexcept(FE_INVALID);
}

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
    ws->heap = malloc(len);
    return ws->heap;
}

static void ul_ws_release(ul_workspace *ws)
{
    free(ws->heap);
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

/* Real-typed math for each dtype's precision. */
#define UL_LOG(x) _Generic((x), float: logf, default: log)(x)
#define UL_EXP(x) _Generic((x), float: expf, default: exp)(x)
#define UL_CABS(z) _Generic((z), float complex: cabsf, default: cabs)(z)

#define UL_TEMPLATE "ul_loops.tmpl.h"
#include "ul_instantiate.h"
