/*
 * ul_kern.tmpl.h - the small-n kernels (1 <= n <= UL_SMALL_MAX) for one
 * real dtype on one CPU target, included through ul_instantiate.h by the
 * target's translation unit (ul_small_sse2.c, ul_small_avx2.c). It defines
 * the entry points the dispatch in ul_small.c calls, one per op of
 * UL_SMALL_OPS: ul_small_inv_d_avx2, ul_small_solve_s_sse2, ... (KS names
 * them), each a ul_kernel_fn over a whole loop call.
 *
 * Stacks of >= KV matrices use the compact layout (ul_kern_stack.tmpl.h:
 * n <= 4 inverse fully in registers, n 5..16 in-place Gauss-Jordan with
 * the row interchange fused into the elimination; ul_kern_lu.tmpl.h: LU
 * for det/slogdet/solve); calls with fewer matrices one matrix at a time
 * (ul_kern_one.tmpl.h). Lanes the guard rejects go to the one-matrix
 * LAPACK path of the loops (ul_?gesv1 / ul_?slogdet1), so singularity
 * verdicts and NaN/Inf results are LAPACK's own.
 * UL_KERN_INV_ONLY (ul_small_avx512.c): the inverse alone.
 */
#include "ul_simd.h"
#include "ul_kern_stack.tmpl.h"
#ifndef UL_KERN_INV_ONLY
#include "ul_kern_lu.tmpl.h"
#endif
#include "ul_kern_one.tmpl.h"

/* ---- lanes for LAPACK: the loops' one-matrix path -------------------- */

/* cold: kept out of line, away from the kernels' registers and stack */
static __attribute__((noinline, cold)) int KS(lapack_gesv)(int n, int nrhs, int rhs, const char *a,
    ptrdiff_t ar, ptrdiff_t ac, const char *b, ptrdiff_t br, ptrdiff_t bc,
    char *x, ptrdiff_t xr, ptrdiff_t xc)
{
    _Alignas(64) unsigned char work[UL_LAPACK1_WORK_SMALL(sizeof(UL_T))];
    return UL_NAME(gesv1)(n, nrhs, a, ar, ac, rhs, b, br, bc, x, xr, xc, work);
}

#ifndef UL_KERN_INV_ONLY
static __attribute__((noinline, cold)) void KS(lapack_slogdet)(int n, const char *a, ptrdiff_t ar,
                               ptrdiff_t ac, UL_T *sign, UL_T *logdet)
{
    _Alignas(64) unsigned char work[UL_LAPACK1_WORK_SMALL(sizeof(UL_T))];
    UL_NAME(slogdet1)(n, a, ar, ac, work, sign, logdet);
}

#endif

/* ---- the hooks' bodies --------------------------------------------------- */

#define KSCRATCH(name, elems) \
    VT name[elems] __attribute__((aligned(64)))

/* One matrix, row-major: 0, or 1 when it failed (LAPACK's verdict). */
KALWAYS int KS(inv1_mat)(const int n, VT *restrict A, const char *in, char *o,
                         const ptrdiff_t *steps)
{
    const ptrdiff_t ar = steps[2], ac = steps[3], xr = steps[4], xc = steps[5];
    UL_T thr;
    int p1[UL_SMALL_MAX], anysw;
    int bad = KS(gather1)(A, n, in, ar, ac, &thr);
    bad |= KS(gj_inv1)(A, n, thr, p1, &anysw);
    if (bad)
        return KS(lapack_gesv)(n, n, UL_RHS_IDENTITY, in, ar, ac, NULL, 0, 0,
                               o, xr, xc) != 0;
    KS(scatter1)(A, n, p1, anysw, o, xr, xc);
    return 0;
}

/* One matrix at a time (fewer matrices than lanes). A call of exactly one
 * small matrix (a plan's) has its own copy without the loop, whose state
 * gcc would otherwise keep (spill) across the kernel. */
KALWAYS ptrdiff_t KS(inv1_n)(const int n, char **args, const ptrdiff_t *dims,
                             const ptrdiff_t *steps, ptrdiff_t *first_failed)
{
    const ptrdiff_t N = dims[0];
    KSCRATCH(A, UL_SMALL_MAX * UL_SMALL_MAX);
    *first_failed = -1;
    if (n <= 4 && N == 1) {
        if (!KS(inv1_mat)(n, A, args[0], args[1], steps))
            return 0;
        *first_failed = 0;
        return 1;
    }
    ptrdiff_t nfail = 0;
    for (ptrdiff_t b = 0; b < N; b++)
        if (KS(inv1_mat)(n, A, args[0] + b * steps[0], args[1] + b * steps[1], steps))
            if (nfail++ == 0)
                *first_failed = b;
    return nfail;
}

#ifdef KTR
/* The inverses of a full group to the caller with the column interchanges
 * undone (output column j of lane l is column col[l][j] of A), unit
 * output column stride: lane by lane, each output row in pairs of
 * elements, each pair two loads at this lane's offsets (constant over the
 * rows) and one store. Measured (bench_ab invpiv 10 1000, load ~2):
 * 0.92..0.93x the time of whole vectors picked lane by lane with blends
 * and transposed, which were no faster than one element at a time at
 * strided addresses; stored unpermuted (wrong, as a bound) 0.85x: the
 * permutation left costs ~8 %; pairs of columns outermost 1.03x. */
KALWAYS void KS(put_rows_perm)(const VT *restrict A, const int n,
                               const int (*col)[UL_SMALL_MAX], char *out,
                               ptrdiff_t so, ptrdiff_t xr)
{
    const ptrdiff_t es = (ptrdiff_t)sizeof(UL_T);
    _Pragma("GCC unroll 16")
    for (int l = 0; l < KV; l++) {
        const UL_T *a = (const UL_T *)A + l;
        int off[UL_SMALL_MAX];
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++)
            off[j] = col[l][j] * KV;
        char *o = out + l * so;
        for (int i = 0; i < n; i++) {
            const UL_T *ai = a + i * n * KV;
            char *oi = o + i * xr;
            _Pragma("GCC unroll 16")
            for (int j = 0; j + 1 < n; j += 2)
                *(KS(v2u) *)(oi + j * es) = (KS(v2u)){ ai[off[j]], ai[off[j + 1]] };
            if (n % 2)
                KS(put)(oi + (n - 1) * es, ai[off[n - 1]]);
        }
    }
}
#endif

KALWAYS ptrdiff_t KS(inv_n)(const int n, char **args, const ptrdiff_t *dims,
                            const ptrdiff_t *steps, ptrdiff_t *first_failed)
{
    const ptrdiff_t N = dims[0];
    const ptrdiff_t si = steps[0], so = steps[1], ar = steps[2], ac = steps[3],
                    xr = steps[4], xc = steps[5];
    KSCRATCH(A, UL_SMALL_MAX * UL_SMALL_MAX);
    int perm[UL_SMALL_MAX][KV];
    ptrdiff_t nfail = 0;
    /* n > 12, a contiguous stack: the next group's input lines asked for
     * ahead (bench_ab inv, 10000 in one thread, load ~3.5: n = 16
     * 0.88..0.90x the time, 12 0.94..1.01x; 4 and 10, whose stacks of
     * 10000 stay in L3 and which the hardware prefetcher keeps up with,
     * 1.00..1.04x, so not there) */
    const int contig = n > 12 && ac == (ptrdiff_t)sizeof(UL_T) && ar == n * ac
                       && si == n * ar;
    *first_failed = -1;
    for (ptrdiff_t b = 0; b < N; b += KV) {
        const int nl = N - b < KV ? (int)(N - b) : KV;
        const char *in = args[0] + b * si;
        char *out = args[1] + b * so;
        VT thr;
        VI bad;
        int anysw = 0;
        if (contig && b + 2 * KV <= N)
            for (ptrdiff_t q = 0; q < KV * si; q += 64)
                __builtin_prefetch(in + KV * si + q);
#ifdef KTR
        if (n <= KREG && nl == KV && ac == (ptrdiff_t)sizeof(UL_T) &&
            xc == (ptrdiff_t)sizeof(UL_T)) {
            bad = KS(inv_reg_direct)(n, in, si, ar, out, so, xr, A);
            if (KMOVMSK(bad) == 0)
                continue;
            goto lanes;
        }
#endif
        KS(gather)(A, n, n, n, 0, in, si, ar, ac, nl);
        if (n <= KREG) {
            bad = KS(gj_inv_reg)(A, n);     /* comes back unpermuted */
        } else {
            bad = KS(scan)(A, n, n, &thr);
            bad |= KS(gj_inv)(A, n, thr, perm, &anysw);
        }
        /* undo the row interchanges: swap columns in reverse order, i.e.
         * output column j of lane l is column col[l][j] */
        int col[KV][UL_SMALL_MAX];
        if (anysw)
            _Pragma("GCC unroll 16")
            for (int l = 0; l < KV; l++) {
                _Pragma("GCC unroll 16")
                for (int j = 0; j < n; j++)
                    col[l][j] = j;
                _Pragma("GCC unroll 16")
                for (int k = n - 1; k >= 0; k--) {
                    int p = perm[k][l], t = col[l][k];
                    col[l][k] = col[l][p];
                    col[l][p] = t;
                }
            }
#ifdef KTR
        if (nl == KV && KMOVMSK(bad) == 0 && xc == (ptrdiff_t)sizeof(UL_T)) {
            if (anysw)
                KS(put_rows_perm)(A, n, (const int (*)[UL_SMALL_MAX])col, out, so, xr);
            else
                KS(put_rows)(A, n, out, so, xr);
            continue;
        }
    lanes:;
#endif
        /* lane by lane: a partial group, LAPACK's lanes, strided output,
         * columns to unscramble (element copies at precomputed offsets:
         * measured cheaper than picking permuted columns by blends) */
        const char *a = (const char *)A;
        for (int l = 0; l < nl; l++) {
            char *o = out + l * so;
            if (bad[l]) {
                if (KS(lapack_gesv)(n, n, UL_RHS_IDENTITY, in + l * si, ar, ac,
                                    NULL, 0, 0,
                                    o, xr, xc) != 0)
                    if (nfail++ == 0)
                        *first_failed = b + l;
                continue;
            }
            ptrdiff_t off[UL_SMALL_MAX];
            _Pragma("GCC unroll 16")
            for (int j = 0; j < n; j++)
                off[j] = ((anysw ? col[l][j] : j) * KV + l) * (ptrdiff_t)sizeof(UL_T);
            for (int i = 0; i < n; i++) {
                const char *ai = a + i * n * KV * (ptrdiff_t)sizeof(UL_T);
                _Pragma("GCC unroll 16")
                for (int j = 0; j < n; j++)
                    KS(put)(o + i * xr + j * xc, KS(get)(ai + off[j]));
            }
        }
    }
    return nfail;
}

#ifndef UL_KERN_INV_ONLY
/* solve (nrhs columns) and solve1 (one vector, nrhs == 0 means solve1). */
KALWAYS ptrdiff_t KS(solve_n)(const int n, const int nrhs, const int vec,
    char **args, const ptrdiff_t *dims, const ptrdiff_t *steps,
    ptrdiff_t *first_failed)
{
    const ptrdiff_t N = dims[0];
    const ptrdiff_t sa = steps[0], sb = steps[1], sx = steps[2],
                    ar = steps[3], ac = steps[4];
    ptrdiff_t br, bc, xr, xc;
    if (vec) {
        br = steps[5]; bc = 0; xr = steps[6]; xc = 0;
    } else {
        br = steps[5]; bc = steps[6]; xr = steps[7]; xc = steps[8];
    }
    const int ld = n + nrhs;
    KSCRATCH(A, UL_SMALL_MAX * 2 * UL_SMALL_MAX);
    ptrdiff_t nfail = 0;
    *first_failed = -1;
    if (N < KV) {
        /* too few matrices to fill the lanes: one at a time, row-major */
        const int ldk = KNV(ld) * KV;
        for (ptrdiff_t b = 0; b < N; b++) {
            const char *ain = args[0] + b * sa, *bin = args[1] + b * sb;
            char *o = args[2] + b * sx;
            UL_T thr;
            double dm;
            int de;
            int bad = KS(gather1ld)(A, n, ld, ain, ar, ac, bin, br, bc, &thr);
            bad |= KS(lu1)(A, n, ld, thr, &dm, &de);
            if (bad) {
                if (KS(lapack_gesv)(n, nrhs, UL_RHS_GIVEN, ain, ar, ac, bin, br,
                                    bc, o, xr, xc) != 0)
                    if (nfail++ == 0)
                        *first_failed = b;
                continue;
            }
            const UL_T *a = (const UL_T *)A;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < nrhs; j++)
                    KS(put)(o + i * xr + j * xc, a[i * ldk + n + j]);
        }
        return nfail;
    }
    for (ptrdiff_t b = 0; b < N; b += KV) {
        const int nl = N - b < KV ? (int)(N - b) : KV;
        const char *ain = args[0] + b * sa, *bin = args[1] + b * sb;
        char *out = args[2] + b * sx;
        VT thr;
        KS(gather)(A, n, n, ld, 0, ain, sa, ar, ac, nl);
        KS(gather)(A, n, nrhs, ld, n, bin, sb, br, bc, nl);
        VI bad = KS(scan)(A, n, ld, &thr);
        bad |= KS(lu)(A, n, ld, thr, NULL, NULL);
        const UL_T *a = (const UL_T *)A;
        for (int l = 0; l < nl; l++) {
            char *o = out + l * sx;
            if (bad[l]) {
                if (KS(lapack_gesv)(n, nrhs, UL_RHS_GIVEN, ain + l * sa, ar, ac,
                                    bin + l * sb, br, bc, o, xr, xc) != 0) {
                    if (nfail++ == 0)
                        *first_failed = b + l;
                }
                continue;
            }
            for (int i = 0; i < n; i++)
                for (int j = 0; j < nrhs; j++)
                    KS(put)(o + i * xr + j * xc, a[(i * ld + n + j) * KV + l]);
        }
    }
    return nfail;
}

/* log|m * 2^e| with the mantissa taken in [1, 2), so that a determinant
 * of exactly 2^k gives exactly k ln 2 (0 for the identity, as numpy). */
static double KS(logabs)(double m, int e)
{
    int f;
    m = frexp(fabs(m), &f);
    return log(2 * m) + (double)(e + f - 1) * M_LN2;
}

/* det (logout NULL) and slogdet. */
KALWAYS ptrdiff_t KS(det_n)(const int n, const int slog, char **args,
    const ptrdiff_t *dims, const ptrdiff_t *steps)
{
    const ptrdiff_t N = dims[0];
    const ptrdiff_t sa = steps[0], s1 = steps[1];
    const ptrdiff_t s2 = slog ? steps[2] : 0;
    const ptrdiff_t ar = steps[slog ? 3 : 2], ac = steps[slog ? 4 : 3];
    KSCRATCH(A, UL_SMALL_MAX * UL_SMALL_MAX);
    if (N < KV) {
        for (ptrdiff_t b = 0; b < N; b++) {
            const char *ain = args[0] + b * sa;
            UL_T thr, sign, logdet;
            double dm;
            int de;
            char *o1 = args[1] + b * s1;
            int bad = KS(gather1ld)(A, n, n, ain, ar, ac, NULL, 0, 0, &thr);
            bad |= KS(lu1)(A, n, n, thr, &dm, &de);
            if (bad) {
                KS(lapack_slogdet)(n, ain, ar, ac, &sign, &logdet);
                if (slog) {
                    KS(put)(o1, sign);
                    KS(put)(args[2] + b * s2, logdet);
                } else {
                    KS(put)(o1, sign * UL_EXP(logdet));
                }
                continue;
            }
            if (slog) {
                KS(put)(o1, dm < 0 ? -1 : 1);
                KS(put)(args[2] + b * s2, (UL_T)KS(logabs)(dm, de));
            } else {
                KS(put)(o1, (UL_T)ldexp(dm, de));
            }
        }
        return 0;
    }
    for (ptrdiff_t b = 0; b < N; b += KV) {
        const int nl = N - b < KV ? (int)(N - b) : KV;
        const char *ain = args[0] + b * sa;
        VT thr, m;
        VI e;
        KS(gather)(A, n, n, n, 0, ain, sa, ar, ac, nl);
        VI bad = KS(scan)(A, n, n, &thr);
        bad |= KS(lu)(A, n, n, thr, &m, &e);
        for (int l = 0; l < nl; l++) {
            UL_T sign, logdet;
            char *o1 = args[1] + (b + l) * s1;
            if (bad[l]) {
                KS(lapack_slogdet)(n, ain + l * sa, ar, ac, &sign, &logdet);
                if (slog) {
                    KS(put)(o1, sign);
                    KS(put)(args[2] + (b + l) * s2, logdet);
                } else {
                    KS(put)(o1, sign * UL_EXP(logdet));
                }
                continue;
            }
            if (slog) {
                UL_T ml = m[l];
                KS(put)(o1, ml < 0 ? -1 : 1);
                KS(put)(args[2] + (b + l) * s2, (UL_T)KS(logabs)((double)ml, (int)e[l]));
            } else {
                KS(put)(o1, (UL_T)ldexp((double)m[l], (int)e[l]));
            }
        }
    }
    return 0;
}

#endif

/* Dispatch on n to a fully specialized instance. Each instance is its own
 * (not inlined) function: the optimizer's cost grows faster than the size
 * of a function, and one switch over 16 inlined instances took most of the
 * build. */
#define KCASES(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) \
                  X(11) X(12) X(13) X(14) X(15) X(16)
#define KNOINLINE static __attribute__((noinline))

#define X(nn) \
    KNOINLINE ptrdiff_t KS(inv1_##nn)(char **args, const ptrdiff_t *dims, \
                                      const ptrdiff_t *steps, ptrdiff_t *ff) \
    { return KS(inv1_n)(nn, args, dims, steps, ff); } \
    KNOINLINE ptrdiff_t KS(inv_##nn)(char **args, const ptrdiff_t *dims, \
                                     const ptrdiff_t *steps, ptrdiff_t *ff) \
    { return KS(inv_n)(nn, args, dims, steps, ff); }
KCASES(X)
#undef X
#ifndef UL_KERN_INV_ONLY
#define X(nn) \
    KNOINLINE ptrdiff_t KS(solve_1rhs_##nn)(int vec, char **args, \
        const ptrdiff_t *dims, const ptrdiff_t *steps, ptrdiff_t *ff) \
    { return KS(solve_n)(nn, 1, vec, args, dims, steps, ff); } \
    KNOINLINE ptrdiff_t KS(det_##nn)(int slog, char **args, \
        const ptrdiff_t *dims, const ptrdiff_t *steps) \
    { return KS(det_n)(nn, slog, args, dims, steps); }
KCASES(X)
#undef X
#endif

/* The one-matrix instances by n: a prepared call of one matrix binds its
 * instance (ul_small_bind), without the dispatch below. */
UL_HIDDEN const ul_kernel_fn KS(ul_small_inv1)[UL_SMALL_MAX + 1] = {
#define X(nn) [nn] = KS(inv1_##nn),
    KCASES(X)
#undef X
};

UL_HIDDEN ptrdiff_t KS(ul_small_inv)(char **args, const ptrdiff_t *dims,
                                     const ptrdiff_t *steps, ptrdiff_t *ff)
{
    if (dims[0] < KV && dims[1] >= 1 && dims[1] <= UL_SMALL_MAX)
        return KS(ul_small_inv1)[dims[1]](args, dims, steps, ff);
    switch (dims[1]) {
#define X(nn) case nn: return KS(inv_##nn)(args, dims, steps, ff);
    KCASES(X)
#undef X
    }
    return -1;
}

#ifndef UL_KERN_INV_ONLY
/* solve1 and single-rhs solve share one instance per n (vec says how to
 * read the strides). */
static ptrdiff_t KS(solve_1rhs)(int vec, char **args, const ptrdiff_t *dims,
                                const ptrdiff_t *steps, ptrdiff_t *ff)
{
    switch (dims[1]) {
#define X(nn) case nn: return KS(solve_1rhs_##nn)(vec, args, dims, steps, ff);
    KCASES(X)
#undef X
    }
    return -1;
}

UL_HIDDEN ptrdiff_t KS(ul_small_solve1)(char **args, const ptrdiff_t *dims,
                            const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(solve_1rhs)(1, args, dims, steps, ff);
}

UL_HIDDEN ptrdiff_t KS(ul_small_solve)(char **args, const ptrdiff_t *dims,
                           const ptrdiff_t *steps, ptrdiff_t *ff)
{
    const ptrdiff_t nrhs = dims[2];
    if (nrhs < 1 || nrhs > UL_SMALL_MAX)
        return -1;
    if (nrhs == 1)
        return KS(solve_1rhs)(0, args, dims, steps, ff);
    if (dims[1] < 1 || dims[1] > UL_SMALL_MAX)
        return -1;
    /* several right-hand sides: generic n */
    return KS(solve_n)((int)dims[1], (int)nrhs, 0, args, dims, steps, ff);
}

static ptrdiff_t KS(det_any)(int slog, char **args, const ptrdiff_t *dims,
                             const ptrdiff_t *steps, ptrdiff_t *ff)
{
    *ff = -1;
    switch (dims[1]) {
#define X(nn) case nn: return KS(det_##nn)(slog, args, dims, steps);
    KCASES(X)
#undef X
    }
    return -1;
}

UL_HIDDEN ptrdiff_t KS(ul_small_det)(char **args, const ptrdiff_t *dims,
                         const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(det_any)(0, args, dims, steps, ff);
}

UL_HIDDEN ptrdiff_t KS(ul_small_slogdet)(char **args, const ptrdiff_t *dims,
                             const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(det_any)(1, args, dims, steps, ff);
}

/* matmul (dims {N, n, k, m}): square products have an instance per n
 * (constant bounds: the loops unroll), the rest share one. */
#include "ul_kern_mm.tmpl.h"
#define X(nn) \
    KNOINLINE void KS(mm_stack_##nn)(char **args, const ptrdiff_t *dims, \
                                     const ptrdiff_t *steps) \
    { KS(mm_stack)(nn, nn, nn, args, dims, steps); } \
    KNOINLINE void KS(mm_one_##nn)(char **args, const ptrdiff_t *dims, \
                                   const ptrdiff_t *steps) \
    { KS(mm_one)(nn, nn, nn, args, dims, steps); }
KCASES(X)
#undef X
KNOINLINE void KS(mm_stack_any)(char **args, const ptrdiff_t *dims,
                                const ptrdiff_t *steps)
{
    KS(mm_stack)((int)dims[1], (int)dims[2], (int)dims[3], args, dims, steps);
}
KNOINLINE void KS(mm_one_any)(char **args, const ptrdiff_t *dims,
                              const ptrdiff_t *steps)
{
    KS(mm_one)((int)dims[1], (int)dims[2], (int)dims[3], args, dims, steps);
}

UL_HIDDEN ptrdiff_t KS(ul_small_matmul)(char **args, const ptrdiff_t *dims,
                            const ptrdiff_t *steps, ptrdiff_t *ff)
{
    *ff = -1;
    const ptrdiff_t es = (ptrdiff_t)sizeof(UL_T);
    const int sq = dims[1] == dims[2] && dims[2] == dims[3];
    /* The row kernel (mm_one) for stacks too when rows of B and C are
     * contiguous and at least a vector wide: measured (bench_matmul, one
     * thread, float64 AVX2, load ~4.7) 10000x10x10 0.82 ms vs 3.26 ms
     * across the stack, 1000x16x16 0.32 vs 0.36, 100000x4x4 1.42 vs 1.65,
     * 300x10x10 35 vs 31 us (the row kernel before its register
     * blocking; after it, 2026-12-03, it is 1.3-1.7x faster still).
     * Across the stack otherwise: strided rows (element gathers either
     * way) and narrow products (m < KV: a row would fill part of a
     * vector, as for matrix @ vector). Rechecked after the blocking
     * (mm_one_any called directly against this call, 1000 products,
     * float64 unless f, load ~4): 10x10x1 86 vs 39 us, 16x16x3 174 vs
     * 120, 4x4x4f 14.6 vs 9.8, 8x8x6f 61 vs 54: the cut-over stays. */
    const int rows = dims[0] < KV ||
        (steps[6] == es && steps[8] == es && dims[3] >= KV);
    /* out of line, unlike inv1_n: inlined in one switch, gcc left the
     * accumulators in memory (3300 instructions for one 16x16) */
    if (rows && sq)
        switch (dims[1]) {
#define X(nn) case nn: KS(mm_one_##nn)(args, dims, steps); break;
        KCASES(X)
#undef X
        }
    else if (rows)
        KS(mm_one_any)(args, dims, steps);
    else if (sq)
        switch (dims[1]) {
#define X(nn) case nn: KS(mm_stack_##nn)(args, dims, steps); break;
        KCASES(X)
#undef X
        }
    else
        KS(mm_stack_any)(args, dims, steps);
    return 0;
}

#endif

#undef KCASES
#undef KNOINLINE
#undef KREG
#undef KNV
#undef KSCRATCH


#include "ul_simd_undef.h"
