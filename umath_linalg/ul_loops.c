/*
 * ul_loops.c - the numpy-ABI gufunc loops inv, solve, solve1, det and
 * slogdet for float32, float64, complex64 and complex128 (ul_loops.tmpl.h,
 * written once and instantiated per dtype), and the helpers they share:
 * the per-call workspace, the failure report, the thread count for big
 * stacks (the split itself is in ul_small.c, the FP-flag protocol in ul_fp.c).
 */
#include "ul_impl.h"
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
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

/* ---- how many threads a big small-matrix stack may use (ul_small.c) ---- */
static _Atomic int ul_threads_set;          /* 0: default */
static int ul_threads_default;
static pthread_once_t ul_threads_once = PTHREAD_ONCE_INIT;

static int ul_threads_clamp(long n)
{
    return n < 1 ? 1 : n > UL_MAX_THREADS ? UL_MAX_THREADS : (int)n;
}

static void ul_threads_init(void)
{
    const char *env = getenv("UL_NUM_THREADS");
    long n = env && *env ? atol(env) : sysconf(_SC_NPROCESSORS_ONLN);
    ul_threads_default = ul_threads_clamp(n);
}

UL_API int ul_set_num_threads(int n)
{
    return atomic_exchange(&ul_threads_set, n <= 0 ? 0 : ul_threads_clamp(n));
}

UL_HIDDEN int ul_num_threads(void)
{
    int n = atomic_load(&ul_threads_set);
    if (n > 0)
        return n;
    pthread_once(&ul_threads_once, ul_threads_init);
    return ul_threads_default;
}

/* Which right-hand side gesv_stack solves for: the caller's B, or the
 * identity (inv; nrhs == n, b unused). Never inferred from a NULL b. */
enum { UL_RHS_GIVEN, UL_RHS_IDENTITY };

/* Real-typed math for each dtype's precision. */
#define UL_LOG(x) _Generic((x), float: logf, default: log)(x)
#define UL_EXP(x) _Generic((x), float: expf, default: exp)(x)
#define UL_CABS(z) _Generic((z), float complex: cabsf, default: cabs)(z)

#define UL_TEMPLATE "ul_loops.tmpl.h"
#include "ul_instantiate.h"
