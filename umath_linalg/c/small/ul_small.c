/*
 * ul_small.c - the dispatch of the small-n kernels (1 <= n <= UL_SMALL_MAX):
 * the hook the loops call (ul_small_run: a kernel per dtype and op of
 * UL_SMALL_OPS), the CPU target chosen once per process, and the split of
 * big stacks among threads (ul_threads_run, c/core/ul_threads.c).
 *
 * Targets: the kernels (ul_kern.tmpl.h) are built once per target, each in
 * its own translation unit with that target's flags: ul_small_sse2.c
 * (baseline x86-64: 2 doubles / 4 floats per vector), ul_small_avx2.c
 * (AVX2+FMA: 4 / 8) and, for float64 Cholesky and the float64 inverse of
 * n <= 12 only, ul_small_chol_avx512.c and ul_small_avx512.c (the AVX2
 * code with AVX-512 F/VL/DQ/BW: 32 registers, mask registers; everything
 * else runs its AVX2 kernel on that target). The choice, by
 * pthread_once at the first call, the best target the CPU and the OS
 * support, at most the one $UL_CPU names (tests, comparisons):
 *     UL_CPU=baseline   the baseline kernels;
 *     UL_CPU=avx2       at most AVX2+FMA;
 *     otherwise         AVX-512 when the CPU has it and the OS saves its
 *                       state (xgetbv), else AVX2+FMA when the CPU has both.
 * All follow the same algorithm (pivoted, LAPACK's pivot choice) and are
 * held to the same LAPACK residual bounds by tests/c/test_small_*.c, which
 * run every check on every target the CPU has.
 *
 * AVX-512 (measured 2026-12-03 14:50..15:05 UTC, load ~5..7 on the 2
 * cores, so A/B in one process, bench/bench_ab.c: two copies of the
 * library loaded by dlmopen, one of them held to UL_CPU=avx2, calls
 * alternated, CPU time, min of 150..300; one thread, ns per matrix,
 * AVX2 -> AVX-512):
 *   cholesky_lo float64, 1000:  n = 4 3.8 -> 3.4, 6 8.0 -> 6.8, 8 15.1 ->
 *     12.5, 10 30.1 -> 26.1, 12 43.1 -> 38.7, 16 89.8 -> 85.3 (0.76..0.95x
 *     over builds; n <= 3 even); 10000 10x10 0.88..0.91x.
 *   cholesky float32: 4, 10, 16 0.98..1.0x in the same build (its time
 *     moves by 1.2x with the code's placement, either target), so AVX2.
 *   inverse float64: remeasured after the interchange changes of 18:00
 *     UTC, 0.90..0.95x at n <= 12 (the table above
 *     ul_small_inv_d_avx512_12), so built, the inverse alone (~25 s).
 *
 * Complex: inv on the scalar kernel of ul_small_cplx.c; solve, solve1, det,
 * slogdet and cholesky decline (the LAPACK path runs).
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
 *
 * cholesky_lo/up (ul_small_chol_{sse2,avx2}.c, ul_kern_chol.tmpl.h):
 * measured `UL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 bench/out/bench_chol
 * 1 30` and `... 1000 30` (bench/bench_chol.c has the build line),
 * 2026-12-03 09:33 UTC, load average ~17 on the 2 cores (so +-30 %),
 * float64 AVX2, ns per matrix, kernel vs the LAPACK path's work (copy,
 * dpotrf, zero, copy):
 *     n        1     2     3     4     6     8    10    12    16
 *   single    26    28    33    39    65    98   168   210   355  (kernel)
 *             23    44    62    91   141   198   269   364   569  (LAPACK)
 *   stack    1.0   2.0   3.6   4.9    11    21    40    60   113  (kernel)
 *             22    42    60    88   139   198   275   365   577  (LAPACK)
 * The kernel is ahead at every n <= 16, single matrices and stacks, but
 * n = 1 single (about even): no cut-over below UL_SMALL_MAX; every float32
 * and float64 call with 1 <= n <= 16 is taken. (A single matrix runs in
 * all lanes at once, ul_kern_chol.tmpl.h.)
 */
#include "ul_small.h"
#include <cpuid.h>
#include <pthread.h>
#include <stdlib.h>

/* ---- one kernel table per target, from the op list ----
 * fn[dt][op]: ul_small_<op>_<s|d>_<target> for the real dtypes, the
 * complex inverse for c and z, NULL (decline) for the rest. */
typedef struct ul_small_tab {
    ul_kernel_fn fn[UL_NDTYPES][UL_NOPS];
    const ul_kernel_fn *inv1[UL_DT_d + 1];   /* one-matrix inverse by n */
} ul_small_tab;

#define UL_TAB_S(op, nargs, ndims) [UL_OP_##op] = UL_TAB_K(op, s),
#define UL_TAB_D(op, nargs, ndims) [UL_OP_##op] = UL_TAB_K(op, d),
#define UL_TAB_CPLX \
    [UL_DT_c] = { [UL_OP_inv] = ul_cinv_cplx }, \
    [UL_DT_z] = { [UL_OP_inv] = ul_zinv_cplx }

#define UL_TAB_K(op, ch) ul_small_##op##_##ch##_sse2
static const ul_small_tab ul_small_sse2 = { { [UL_DT_s] = { UL_SMALL_OPS(UL_TAB_S) },
    [UL_DT_d] = { UL_SMALL_OPS(UL_TAB_D) }, UL_TAB_CPLX },
    { ul_small_inv1_s_sse2, ul_small_inv1_d_sse2 } };
#undef UL_TAB_K
#define UL_TAB_K(op, ch) ul_small_##op##_##ch##_avx2
static const ul_small_tab ul_small_avx2 = { { [UL_DT_s] = { UL_SMALL_OPS(UL_TAB_S) },
    [UL_DT_d] = { UL_SMALL_OPS(UL_TAB_D) }, UL_TAB_CPLX },
    { ul_small_inv1_s_avx2, ul_small_inv1_d_avx2 } };
#undef UL_TAB_K
#undef UL_TAB_S
#undef UL_TAB_D
#undef UL_TAB_CPLX
/* AVX-512: the AVX2 table with the target's own kernels (filled once, by
 * ul_small_choose) */
static ul_small_tab ul_small_avx512;

/* operands and loop dimensions of each op */
#define UL_NARGS(op, nargs, ndims) nargs,
#define UL_NDIMS(op, nargs, ndims) ndims,
static const int ul_small_nargs[UL_NOPS] = { UL_SMALL_OPS(UL_NARGS) };
static const int ul_small_ndims[UL_NOPS] = { UL_SMALL_OPS(UL_NDIMS) };
#undef UL_NARGS
#undef UL_NDIMS
#define UL_FITS(op, nargs, ndims) _Static_assert(nargs <= UL_KERNEL_MAX_ARGS && \
    ndims <= UL_KERNEL_MAX_DIMS, #op ": more operands or dims than ul_threads_run holds");
UL_SMALL_OPS(UL_FITS)
#undef UL_FITS

/* complex: inv only (ul_small_cplx.c), one matrix at a time, up to the
 * measured cut-over (2026-12-02, one thread, 1000-stacks, ns per matrix,
 * kernel vs LAPACKE ?gesv(A, I) without our copies):
 *     n           4     10     12     16
 *   complex64   185      -   2679   3996   vs 372 / - / 3419 / 5240
 *   complex128  167   1342   2871   5696   vs 617 / 2087 / 3601 / 5402
 * so complex64 up to 16, complex128 up to 12. */
static const ptrdiff_t ul_small_nmax[UL_NDTYPES] = {
    [UL_DT_s] = UL_SMALL_MAX, [UL_DT_d] = UL_SMALL_MAX, [UL_DT_c] = 16,
    [UL_DT_z] = 12 };

/* The float64 inverse on the AVX-512 target: ul_small_avx512.c's up to
 * n = 12, the AVX2 kernels above. Measured (bench/bench_ab.c, `bench_ab
 * avx2=LIB LIB OP N 1000 60`: the two targets of one build alternated,
 * one thread, 2026-12-03 18:20 UTC, load ~2), time avx512 / avx2:
 *     n          3     4     6     8    10    12    16
 *   inv       0.95  0.93  0.94  0.91  0.90  0.95  1.13
 *   invpiv    0.93  0.88  1.00  1.04  0.99  0.98  0.99   (interchanges)
 *   one          -  0.98     -  0.95  0.95  0.97     -   (count 1)
 * det 1.01..1.04 and matmul 0.93..1.08 over n = 3..16 (the same build
 * with all of ul_kern.tmpl.h at AVX-512): those stay AVX2. */
static ptrdiff_t ul_small_inv_d_avx512_12(char **args, const ptrdiff_t *dims,
                                          const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return dims[1] <= 12 ? ul_small_inv_d_avx512(args, dims, steps, ff)
                         : ul_small_inv_d_avx2(args, dims, steps, ff);
}
static ul_kernel_fn ul_small_inv1_d_avx512_12[UL_SMALL_MAX + 1];

static const ul_small_tab *ul_small_chosen;
static pthread_once_t ul_small_once = PTHREAD_ONCE_INIT;

/* AVX-512 F/VL/DQ/BW in the CPU and their state (opmask, the upper
 * halves of zmm0-15, zmm16-31: XCR0 bits 5..7, with SSE and AVX, 1..2)
 * saved by the OS, or their instructions fault. (libgcc's
 * __builtin_cpu_supports checks XCR0 as well; said here, not assumed.) */
static int ul_cpu_has_avx512(void)
{
    unsigned a, b, c, d, lo, hi;
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512vl") ||
        !__builtin_cpu_supports("avx512dq") || !__builtin_cpu_supports("avx512bw"))
        return 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
        return 0;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 0xe6) == 0xe6;
}

static void ul_small_choose(void)
{
    const char *env = getenv("UL_CPU");
    /* the highest target allowed: 0 baseline, 1 AVX2, 2 AVX-512 */
    const int cap = env == NULL ? 2 : strcmp(env, "baseline") == 0 ? 0 :
                    strcmp(env, "avx2") == 0 ? 1 : 2;
    int level = 0;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        level = ul_cpu_has_avx512() ? 2 : 1;
    if (level > cap)
        level = cap;
    ul_small_avx512 = ul_small_avx2;
    ul_small_avx512.fn[UL_DT_d][UL_OP_cholesky_lo] = ul_small_cholesky_lo_d_avx512;
    ul_small_avx512.fn[UL_DT_d][UL_OP_cholesky_up] = ul_small_cholesky_up_d_avx512;
    ul_small_avx512.fn[UL_DT_d][UL_OP_inv] = ul_small_inv_d_avx512_12;
    for (int n = 1; n <= UL_SMALL_MAX; n++)
        ul_small_inv1_d_avx512_12[n] = n <= 12 ? ul_small_inv1_d_avx512[n]
                                               : ul_small_inv1_d_avx2[n];
    ul_small_avx512.inv1[UL_DT_d] = ul_small_inv1_d_avx512_12;
    ul_small_chosen = level == 2 ? &ul_small_avx512 : level == 1 ? &ul_small_avx2
                                                                 : &ul_small_sse2;
}

static const ul_small_tab *ul_small_tab_get(void)
{
    pthread_once(&ul_small_once, ul_small_choose);
    return ul_small_chosen;
}

/* AVX2+FMA: on the AVX2 and the AVX-512 targets */
UL_HIDDEN int ul_cpu_avx2(void)
{
    return ul_small_tab_get() != &ul_small_sse2;
}

/* ---- the hook ---- */
/* The kernel of dtype dt and op for a loop call of these dimensions, or
 * NULL when it has none (the loop's LAPACK path then runs). */
static ul_kernel_fn ul_small_pick(int dt, int op, const ptrdiff_t *dims)
{
    ul_kernel_fn fn = ul_small_tab_get()->fn[dt][op];
    const int ndims = ul_small_ndims[op];
    if (fn == NULL || dims[0] <= 0 || dims[1] < 1 || dims[1] > ul_small_nmax[dt])
        return NULL;
    if (ndims == 3 && (dims[2] < 1 || dims[2] > UL_SMALL_MAX))
        return NULL;
    if (ndims == 4 && (dims[2] < 1 || dims[2] > UL_SMALL_MAX ||
                       dims[3] < 1 || dims[3] > UL_SMALL_MAX))
        return NULL;
    return fn;
}

UL_HIDDEN ptrdiff_t ul_small_run(int dt, int op, char **args,
    const ptrdiff_t *dims, const ptrdiff_t *steps, ptrdiff_t *first_failed)
{
    ul_kernel_fn fn = ul_small_pick(dt, op, dims);
    if (fn == NULL)
        return -1;
    if (dims[0] == 1)           /* one matrix never splits */
        return fn(args, dims, steps, first_failed);
    return ul_threads_run(fn, ul_small_nargs[op], ul_small_ndims[op], args, dims,
                          steps, first_failed);
}

/* ---- binding ahead (prepared calls, gufunc/ul_driver.c) ----
 * The built-in loops that call ul_small_run, by dtype and op. */
#define UL_LOOP_DECL(ch, op) \
    void ul_##ch##op##_loop(char **, const ptrdiff_t *, const ptrdiff_t *, void *);
#define UL_LOOP_DECLS(op, nargs, ndims) UL_LOOP_DECL(s, op) UL_LOOP_DECL(d, op) \
    UL_LOOP_DECL(c, op) UL_LOOP_DECL(z, op)
UL_SMALL_OPS(UL_LOOP_DECLS)
#define UL_LOOP_ROWS(op, nargs, ndims) \
    { ul_s##op##_loop, UL_DT_s, UL_OP_##op }, { ul_d##op##_loop, UL_DT_d, UL_OP_##op }, \
    { ul_c##op##_loop, UL_DT_c, UL_OP_##op }, { ul_z##op##_loop, UL_DT_z, UL_OP_##op },
static const struct { ul_loop loop; int dt, op; } ul_small_loops[] = {
    UL_SMALL_OPS(UL_LOOP_ROWS)
};
#undef UL_LOOP_DECL
#undef UL_LOOP_DECLS
#undef UL_LOOP_ROWS

UL_HIDDEN ul_kernel_fn ul_small_bind(ul_loop loop, const ptrdiff_t *dims)
{
    if (dims[0] != 1)
        return NULL;
    for (size_t i = 0; i < sizeof ul_small_loops / sizeof ul_small_loops[0]; i++) {
        const int dt = ul_small_loops[i].dt, op = ul_small_loops[i].op;
        if (ul_small_loops[i].loop != loop)
            continue;
        if (ul_small_pick(dt, op, dims) == NULL)
            return NULL;
        /* the real inverse: its instance for this n, past the switch */
        if (op == UL_OP_inv && dt <= UL_DT_d)
            return ul_small_tab_get()->inv1[dt][dims[1]];
        return ul_small_pick(dt, op, dims);
    }
    return NULL;
}
