/*
 * ul_loops.c - the numpy-ABI gufunc loops inv, solve, solve1, det and
 * slogdet for float32, float64, complex64 and complex128 (ul_loops.tmpl.h,
 * written once and instantiated per dtype), and the helpers they share:
 * the per-call workspace, the failure report, the split across cores (the
 * FP-flag protocol is in ul_fp.c).
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

/* ---- splitting a big small-matrix stack across cores ---- */
/* Below this many matrix elements a second thread costs more than it saves
 * (thread start ~30 us; measured: 4096 4x4 inverses, 65536 elements, ran
 * 0.8x split, 100000 ran 1.9x split). */
#define UL_SPLIT_MIN_ELEMENTS ((ptrdiff_t)1 << 18)

static _Atomic int ul_threads_set;          /* 0: default */
static int ul_threads_default;
static pthread_once_t ul_threads_once = PTHREAD_ONCE_INIT;

static void ul_threads_init(void)
{
    const char *env = getenv("UL_NUM_THREADS");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int n = env && *env ? atoi(env) : (int)(cores > 2 ? 2 : cores);
    ul_threads_default = n < 1 ? 1 : n > 2 ? 2 : n;
}

UL_API int ul_set_num_threads(int n)
{
    return atomic_exchange(&ul_threads_set, n < 0 ? 0 : n);
}

static int ul_threads(void)
{
    int n = atomic_load(&ul_threads_set);
    if (n > 0)
        return n;
    pthread_once(&ul_threads_once, ul_threads_init);
    return ul_threads_default;
}

typedef ptrdiff_t (*ul_small_fn)(char **, const ptrdiff_t *, const ptrdiff_t *,
                                 ptrdiff_t *);
typedef struct ul_half {
    ul_small_fn fn;
    char *args[3];
    ptrdiff_t dims[3];
    const ptrdiff_t *steps;
    ptrdiff_t first, result;
} ul_half;

static void *ul_half_run(void *p)
{
    ul_half *h = p;
    h->result = h->fn(h->args, h->dims, h->steps, &h->first);
    return NULL;
}

/* Runs a small kernel over the call, the second half of a big stack in a
 * helper thread. Halves are cut at a multiple of 8 matrices, so SIMD groups
 * are the same as in one call; each matrix is computed alone either way.
 * Same contract as the kernels: -1 when declined. */
static ptrdiff_t ul_small_call(ul_small_fn fn, int nargs, char **args,
                               const ptrdiff_t *dims, const ptrdiff_t *steps,
                               ptrdiff_t *first)
{
    ptrdiff_t count = dims[0], n = dims[1];
    ptrdiff_t half = (count / 2) & ~(ptrdiff_t)7;
    if (half == 0 || count * n * n < UL_SPLIT_MIN_ELEMENTS || ul_threads() < 2)
        return fn(args, dims, steps, first);
    ul_half lo = { fn, { 0 }, { half, dims[1], nargs == 3 ? dims[2] : 0 },
                   steps, -1, -1 };
    ul_half hi = lo;
    hi.dims[0] = count - half;
    for (int i = 0; i < nargs; i++) {
        lo.args[i] = args[i];
        hi.args[i] = args[i] + half * steps[i];
    }
    pthread_t t;
    if (pthread_create(&t, NULL, ul_half_run, &hi) != 0)
        return fn(args, dims, steps, first);
    ul_half_run(&lo);
    pthread_join(t, NULL);
    if (lo.result < 0 || hi.result < 0) {
        /* a kernel declines by shape, the same for both halves; if it ever
         * took one and not the other, the LAPACK path redoes the call */
        return -1;
    }
    *first = lo.result > 0 ? lo.first : hi.result > 0 ? half + hi.first : -1;
    return lo.result + hi.result;
}

/* Real-typed math for each dtype's precision. */
#define UL_LOG(x) _Generic((x), float: logf, default: log)(x)
#define UL_EXP(x) _Generic((x), float: expf, default: exp)(x)
#define UL_CABS(z) _Generic((z), float complex: cabsf, default: cabs)(z)

#define UL_TEMPLATE "ul_loops.tmpl.h"
#include "ul_instantiate.h"
