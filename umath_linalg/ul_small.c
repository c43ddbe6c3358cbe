/*
 * ul_small.c - small-n fast paths (1 <= n <= UL_SMALL_MAX) for inv, solve,
 * solve1, det and slogdet, float32 and float64; complex inv through the
 * scalar kernel of ul_small_cplx.c, other complex operations decline (the
 * LAPACK path runs).
 *
 * The kernels (ul_small_kern.h) are instantiated twice per dtype: a
 * baseline x86-64 build (SSE2, 16-byte vectors: 2 doubles / 4 floats per
 * vector) and an AVX2+FMA build (32-byte: 4 doubles / 8 floats) of the
 * same source.
 * Which one runs is chosen once per process, at the first call, by
 * pthread_once (the only mutable global state of this file):
 *
 *     UL_CPU=baseline   forces the baseline path (for tests and comparisons);
 *     otherwise the AVX2+FMA path when the CPU has both.
 * The number of threads for one big stack is ul_num_threads() (ul_loops.c:
 * ul_set_num_threads, $UL_NUM_THREADS, else the online CPUs; 1 = never split).
 *
 * Big stacks (>= UL_SMALL_PAR_WORK n^3 units per thread, ~0.3 ms) are
 * shared among threads in chunks (a quarter of a thread's share, a
 * multiple of 16) taken from an atomic counter (the calling thread works
 * too; the last chunk takes the
 * remainder), so every matrix sees the same kernel and the same arithmetic
 * as in a serial call: results are bit-identical whatever the split. The
 * LAPACK fallback inside (n <= 16) is single-threaded in OpenBLAS, so
 * threads are never oversubscribed.
 *
 * Both paths follow the same algorithm (pivoted, LAPACK's pivot choice) and
 * are held to the same LAPACK residual bounds by tests/c/test_small_*.c,
 * which run every check under both settings.
 *
 * Kernels (ul_small_kern.h): stacks of >= KV matrices use the compact
 * layout (KV matrices across the lanes; n <= 4 inverse fully in
 * registers, n 5..16 in-place Gauss-Jordan with the row interchange fused
 * into the elimination); calls with fewer matrices use a row-major
 * one-matrix kernel (Gauss-Jordan for inv, LU for det/slogdet/solve).
 * Lanes whose pivots come close to zero (or whose input is not finite) are
 * redone by LAPACK (?gesv / ?getrf, exactly the LAPACK path), so
 * singularity verdicts and NaN/Inf behaviour are LAPACK's own.
 *
 * Cut-over (measured, `sh bench/bench_small.sh`, 2026-12-02 03:28 UTC, on
 * the 2-core EPYC VM, load average ~0.1 (min of 11 repeats), float64
 * inverse, ns per matrix, this kernel vs LAPACKE getrf+getri; "stack"
 * with the 2-thread split, "1 thr" UL_NUM_THREADS=1):
 *     n        2     3     4     6     8    10    12    16
 *   single    54    69    79    93   122   172   228   468  (kernel)
 *            128   170   309   531   683   966  1290  2259  (getrf+getri)
 *   stack    3.0   2.7   5.1    18    36    58   129   334  (kernel)
 *   1 thr    3.1   5.4    11    35    61   124   258   686  (kernel)
 *            133   222   299   454   681  1061  1454  2526  (getrf+getri)
 * (n = 2, 3 single take the scalar gather: fewer columns than lanes.)
 * Random matrices (rows interchanged): 10x10 single 334, stack 1 thr 231.
 * det and solve1 (kernel vs getrf / gesv nrhs=1), 10x10: single 237 / 423
 * and 325 / 628 ns, stack 71 / 436 and 78 / 645 ns; 16x16 single 511 /
 * 1090 and 791 / 1415 ns.
 * The kernels are ahead at every n <= 16 for single matrices and stacks,
 * so there is no cut-over below UL_SMALL_MAX = 16: every call with
 * 1 <= n <= 16 and a real dtype is taken (solve with more than 16
 * right-hand sides declines; complex: see UL_CHOOK below). At n = 16 the stack kernel
 * runs 2 n^3 flops in 0.69 us on one thread = 12 GFLOP/s (24 % of
 * peak); above 16 these unblocked kernels would lose to a blocked LU, so
 * UL_SMALL_MAX stays 16.
 */
#include "ul_impl.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <immintrin.h>

#define KCAT_(a, b) a##b
#define KCAT(a, b) KCAT_(a, b)

/* ---- float64 ---- */
#define KT double
#define KI int64_t
#define KEXPSHIFT 52
#define KEXPMASK 0x7ff
#define KBIAS 1023
#define KGUARD 0x1p-45        /* 2^7 * eps per unit of n */
#define KTINY 0x1p-1018       /* pivots below this go to LAPACK */
#define KBIG DBL_MAX
#define KGESV dgesv_
#define KGETRF dgetrf_
#define KLOG log
#define KEXP exp

#define KV 2
#define KTR 2
#define KMOVMSK(m) _mm_movemask_pd((__m128d)(m))   /* lane sign bits */
#define KMAX(a, b) _mm_max_pd(a, b)
#define VT vd_base
#define VI vdi_base
#define KS(x) KCAT(x, _d_base)
#include "ul_small_kern.h"
#undef VT
#undef VI
#undef KS
#undef KV
#undef KTR
#undef KMOVMSK
#undef KMAX

#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define KV 4
#define KTR 4
#define KBLENDV(b, a, m) _mm256_blendv_pd(b, a, (__m256d)(m))
#define KMOVMSK(m) _mm256_movemask_pd((__m256d)(m))
#define KMAX(a, b) _mm256_max_pd(a, b)
#define VT vd_avx2
#define VI vdi_avx2
#define KS(x) KCAT(x, _d_avx2)
#include "ul_small_kern.h"
#undef VT
#undef VI
#undef KS
#undef KV
#undef KTR
#undef KMOVMSK
#undef KMAX
#undef KBLENDV
#pragma GCC pop_options

#undef KT
#undef KI
#undef KEXPSHIFT
#undef KEXPMASK
#undef KBIAS
#undef KGUARD
#undef KTINY
#undef KBIG
#undef KGESV
#undef KGETRF
#undef KLOG
#undef KEXP

/* ---- float32 ---- */
#define KT float
#define KI int32_t
#define KEXPSHIFT 23
#define KEXPMASK 0xff
#define KBIAS 127
#define KGUARD 0x1p-16f
#define KTINY 0x1p-122f
#define KBIG FLT_MAX
#define KGESV sgesv_
#define KGETRF sgetrf_
#define KLOG logf
#define KEXP expf

#define KV 4
#define KMOVMSK(m) _mm_movemask_ps((__m128)(m))
#define KMAX(a, b) _mm_max_ps(a, b)
#define VT vs_base
#define VI vsi_base
#define KS(x) KCAT(x, _s_base)
#include "ul_small_kern.h"
#undef VT
#undef VI
#undef KS
#undef KV
#undef KTR
#undef KMOVMSK
#undef KMAX

#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define KV 8
#define KBLENDV(b, a, m) _mm256_blendv_ps(b, a, (__m256)(m))
#define KMOVMSK(m) _mm256_movemask_ps((__m256)(m))
#define KMAX(a, b) _mm256_max_ps(a, b)
#define VT vs_avx2
#define VI vsi_avx2
#define KS(x) KCAT(x, _s_avx2)
#include "ul_small_kern.h"
#undef VT
#undef VI
#undef KS
#undef KV
#undef KTR
#undef KMOVMSK
#undef KMAX
#undef KBLENDV
#pragma GCC pop_options

/* ---- one-time dispatch ---- */

typedef ptrdiff_t (*ul_small_fn)(char **, const ptrdiff_t *,
                                 const ptrdiff_t *, ptrdiff_t *);
typedef struct ul_small_tab {
    ul_small_fn dinv, dsolve, dsolve1, ddet, dslogdet;
    ul_small_fn sinv, ssolve, ssolve1, sdet, sslogdet;
} ul_small_tab;

#define UL_TAB(sfx) { \
    inv_d_##sfx, solve_d_##sfx, solve1_d_##sfx, det_d_##sfx, slogdet_d_##sfx, \
    inv_s_##sfx, solve_s_##sfx, solve1_s_##sfx, det_s_##sfx, slogdet_s_##sfx }
static const ul_small_tab ul_small_base = UL_TAB(base);
static const ul_small_tab ul_small_avx2 = UL_TAB(avx2);

static const ul_small_tab *ul_small_chosen;
static pthread_once_t ul_small_once = PTHREAD_ONCE_INIT;

#define UL_SMALL_PAR_WORK 1e6

static void ul_small_choose(void)
{
    const char *env = getenv("UL_CPU");
    int avx2 = 0;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        avx2 = 1;
    if (env != NULL && strcmp(env, "baseline") == 0)
        avx2 = 0;
    ul_small_chosen = avx2 ? &ul_small_avx2 : &ul_small_base;
}

static const ul_small_tab *ul_small_tab_get(void)
{
    pthread_once(&ul_small_once, ul_small_choose);
    return ul_small_chosen;
}

int ul_cpu_avx2(void)
{
    return ul_small_tab_get() == &ul_small_avx2;
}

/* Work sharing for one big call: fixed chunks of `chunk` matrices (the
 * last one takes the remainder, so no chunk is shorter than a chunk),
 * handed out by an atomic counter, so a thread that gets no CPU on a busy
 * machine does not hold the others up. A chunk is a multiple of 16 (every
 * lane count), so each matrix sits in the same lane as in a serial call,
 * and a quarter of a thread's share: long contiguous runs keep the
 * hardware prefetchers going (interleaved chunks of 256 4x4 matrices ran
 * 7.9 ns per matrix on 2 threads, quarters 5.3), four per thread still
 * even out a thread that starts late. Each thread keeps its own failure
 * count and first failed index; they are combined at the end. */
#define UL_SMALL_CHUNKS_PER_THREAD 4
typedef struct ul_small_part {
    struct ul_small_work *w;
    ptrdiff_t nfail, first;
} ul_small_part;

typedef struct ul_small_work {
    ul_small_fn fn;
    char **args;
    const ptrdiff_t *dims, *steps;
    int nargs, ndims;
    ptrdiff_t chunk, nchunks;
    ptrdiff_t next;                 /* atomic */
    ul_small_part part[UL_MAX_THREADS];
} ul_small_work;

static void ul_small_worker(ul_small_part *part)
{
    ul_small_work *w = part->w;
    part->nfail = 0;
    part->first = -1;
    for (;;) {
        ptrdiff_t c = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED);
        if (c >= w->nchunks)
            break;
        ptrdiff_t start = c * w->chunk;
        ptrdiff_t cnt = c == w->nchunks - 1 ? w->dims[0] - start : w->chunk;
        char *args[3];
        ptrdiff_t dims[3], ff = -1;
        for (int i = 0; i < w->nargs; i++)
            args[i] = w->args[i] + start * w->steps[i];
        for (int i = 0; i < w->ndims; i++)
            dims[i] = w->dims[i];
        dims[0] = cnt;
        ptrdiff_t r = w->fn(args, dims, w->steps, &ff);
        if (r > 0) {
            part->nfail += r;
            if (part->first < 0 || start + ff < part->first)
                part->first = start + ff;
        }
    }
}

/* ---- the helper threads -------------------------------------------------
 * Started by the first big call that needs them and kept. Waking a
 * sleeping thread, like creating one, takes 50-200 us on a virtual
 * machine, a good part of a ~1 ms call; so after a job a helper spins for
 * UL_SPIN_NS, where a caller looping over big stacks finds it awake, and
 * only then sleeps on a condition variable. One call at a time owns the
 * pool (a concurrent call runs alone on its own thread). Helpers block all
 * signals. A forked child starts with none (pthread_atfork), and the
 * library is linked -z nodelete, so dlclose never unmaps their code. */
#define UL_SPIN_NS 500000
typedef struct ul_slot {
    ul_small_part *part;            /* the job: written before gen */
    unsigned long gen;              /* atomic: bumped per job */
} ul_slot;

static struct {
    pthread_mutex_t mu;             /* guards sleepers and the two conds */
    pthread_cond_t wake, idle;
    int sleepers;
    int owned;                      /* atomic: a call owns the pool */
    int nhelpers;                   /* started (owner only) */
    unsigned long active;           /* atomic: helpers inside the job */
    ul_slot slot[UL_MAX_THREADS];   /* slot[h] for helper h >= 1 */
} ul_pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
              PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, { { NULL, 0 } } };
static pthread_once_t ul_pool_once = PTHREAD_ONCE_INIT;

static void ul_pool_atfork_child(void)
{
    pthread_mutex_init(&ul_pool.mu, NULL);
    pthread_cond_init(&ul_pool.wake, NULL);
    pthread_cond_init(&ul_pool.idle, NULL);
    ul_pool.sleepers = ul_pool.owned = ul_pool.nhelpers = ul_pool.active = 0;
}

static void ul_pool_init(void)
{
    pthread_atfork(NULL, NULL, ul_pool_atfork_child);
}

static long long ul_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Spins for up to UL_SPIN_NS while *v == old, then sleeps on cond until it
 * changes; returns the new value. */
static unsigned long ul_pool_await(const unsigned long *v, unsigned long old,
                                   pthread_cond_t *cond)
{
    long long t0 = 0;
    for (unsigned i = 1;; i++) {
        unsigned long x = __atomic_load_n(v, __ATOMIC_ACQUIRE);
        if (x != old)
            return x;
        _mm_pause();
        if (i % 256 == 0) {
            long long t = ul_now_ns();
            if (t0 == 0)
                t0 = t;
            else if (t - t0 > UL_SPIN_NS)
                break;
        }
    }
    pthread_mutex_lock(&ul_pool.mu);
    ul_pool.sleepers++;
    unsigned long x;
    while ((x = __atomic_load_n(v, __ATOMIC_ACQUIRE)) == old)
        pthread_cond_wait(cond, &ul_pool.mu);
    ul_pool.sleepers--;
    pthread_mutex_unlock(&ul_pool.mu);
    return x;
}

/* Wakes whoever sleeps in ul_pool_await (after the value was stored). */
static void ul_pool_kick(pthread_cond_t *cond)
{
    pthread_mutex_lock(&ul_pool.mu);
    if (ul_pool.sleepers > 0)
        pthread_cond_broadcast(cond);
    pthread_mutex_unlock(&ul_pool.mu);
}

static void *ul_pool_helper(void *arg)
{
    ul_slot *slot = arg;
    unsigned long seen = 0;
    for (;;) {
        seen = ul_pool_await(&slot->gen, seen, &ul_pool.wake);
        ul_small_worker(slot->part);
        if (__atomic_sub_fetch(&ul_pool.active, 1, __ATOMIC_ACQ_REL) == 0)
            ul_pool_kick(&ul_pool.idle);
    }
    return NULL;
}

/* Starts helpers 1 .. nt - 1 that are missing; returns how many threads
 * (with the caller) can work. Pool owner only. */
static int ul_pool_grow(int nt)
{
    if (ul_pool.nhelpers >= nt - 1)
        return nt;
    pthread_once(&ul_pool_once, ul_pool_init);
    pthread_attr_t attr;
    sigset_t all, old;
    sigfillset(&all);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    while (ul_pool.nhelpers < nt - 1) {
        ul_slot *slot = &ul_pool.slot[ul_pool.nhelpers + 1];
        slot->gen = 0;
        pthread_t tid;
        if (pthread_create(&tid, &attr, ul_pool_helper, slot) != 0)
            break;
        ul_pool.nhelpers++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return ul_pool.nhelpers + 1 < nt ? ul_pool.nhelpers + 1 : nt;
}

/* Runs fn on the whole call, shared among threads when big enough. */
static ptrdiff_t ul_small_split(ul_small_fn fn, int nargs, int ndims,
    char **args, const ptrdiff_t *dims, const ptrdiff_t *steps,
    ptrdiff_t *first_failed)
{
    const ptrdiff_t N = dims[0], n = dims[1];
    const double work = (double)N * (double)(n * n * n);
    int nt = ul_num_threads();
    if (nt > work / UL_SMALL_PAR_WORK)
        nt = (int)(work / UL_SMALL_PAR_WORK);
    if (nt > N / (16 * UL_SMALL_CHUNKS_PER_THREAD))
        nt = (int)(N / (16 * UL_SMALL_CHUNKS_PER_THREAD));
    if (nt < 2 || __atomic_exchange_n(&ul_pool.owned, 1, __ATOMIC_ACQUIRE))
        return fn(args, dims, steps, first_failed);
    nt = ul_pool_grow(nt);
    const ptrdiff_t chunk = N / (nt * UL_SMALL_CHUNKS_PER_THREAD) / 16 * 16;
    ul_small_work w = { fn, args, dims, steps, nargs, ndims, chunk, N / chunk, 0,
                        { { NULL, 0, 0 } } };
    for (int t = 0; t < nt; t++)
        w.part[t].w = &w;
    /* post the job to helpers 1 .. nt - 1, work, wait until they are out */
    __atomic_store_n(&ul_pool.active, (unsigned long)(nt - 1), __ATOMIC_RELAXED);
    for (int t = 1; t < nt; t++) {
        ul_pool.slot[t].part = &w.part[t];
        __atomic_add_fetch(&ul_pool.slot[t].gen, 1, __ATOMIC_RELEASE);
    }
    ul_pool_kick(&ul_pool.wake);
    ul_small_worker(&w.part[0]);
    unsigned long left = (unsigned long)(nt - 1);
    while ((left = ul_pool_await(&ul_pool.active, left, &ul_pool.idle)) != 0)
        ;
    __atomic_store_n(&ul_pool.owned, 0, __ATOMIC_RELEASE);
    ptrdiff_t total = 0;
    *first_failed = -1;
    for (int t = 0; t < nt; t++) {
        total += w.part[t].nfail;
        if (w.part[t].first >= 0 && (*first_failed < 0 || w.part[t].first < *first_failed))
            *first_failed = w.part[t].first;
    }
    return total;
}

#define UL_HOOK(ch, op, nargs, ndims) \
    ptrdiff_t ul_small_##ch##op(char **args, const ptrdiff_t *dimensions, \
                                const ptrdiff_t *steps, ptrdiff_t *first_failed) \
    { \
        if (dimensions[0] <= 0 || dimensions[1] < 1 || \
            dimensions[1] > UL_SMALL_MAX) \
            return -1; \
        if ((ndims) == 3 && (dimensions[2] < 1 || dimensions[2] > UL_SMALL_MAX)) \
            return -1; \
        return ul_small_split(ul_small_tab_get()->ch##op, nargs, ndims, \
                              args, dimensions, steps, first_failed); \
    }
UL_HOOK(d, inv, 2, 2) UL_HOOK(d, solve, 3, 3) UL_HOOK(d, solve1, 3, 2)
UL_HOOK(d, det, 2, 2) UL_HOOK(d, slogdet, 3, 2)
UL_HOOK(s, inv, 2, 2) UL_HOOK(s, solve, 3, 3) UL_HOOK(s, solve1, 3, 2)
UL_HOOK(s, det, 2, 2) UL_HOOK(s, slogdet, 3, 2)

/* complex: inv only (ul_small_cplx.c), one matrix at a time, up to the
 * measured cut-over (2026-12-02, one thread, 1000-stacks, ns per matrix,
 * kernel vs LAPACKE ?gesv(A, I) without our copies):
 *     n           4     10     12     16
 *   complex64   185      -   2679   3996   vs 372 / - / 3419 / 5240
 *   complex128  167   1342   2871   5696   vs 617 / 2087 / 3601 / 5402
 * so complex64 up to 16, complex128 up to 12. */
#define UL_CHOOK(ch, nmax) \
    ptrdiff_t ul_small_##ch##inv(char **args, const ptrdiff_t *dimensions, \
                                 const ptrdiff_t *steps, ptrdiff_t *first_failed) \
    { \
        if (dimensions[0] <= 0 || dimensions[1] < 1 || dimensions[1] > (nmax)) \
            return -1; \
        return ul_small_split(ul_##ch##inv_cplx, 2, 2, args, dimensions, \
                              steps, first_failed); \
    }
UL_CHOOK(c, 16) UL_CHOOK(z, 12)

#define UL_DECLINE(ch, op) \
    ptrdiff_t ul_small_##ch##op(char **args, const ptrdiff_t *dimensions, \
                                const ptrdiff_t *steps, ptrdiff_t *first_failed) \
    { (void)args; (void)dimensions; (void)steps; (void)first_failed; return -1; }
#define UL_DECLINE_OP(op) UL_DECLINE(c, op) UL_DECLINE(z, op)
UL_DECLINE_OP(solve)
UL_DECLINE_OP(solve1)
UL_DECLINE_OP(det)
UL_DECLINE_OP(slogdet)
