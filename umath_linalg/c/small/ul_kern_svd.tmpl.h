/*
 * ul_kern_svd.tmpl.h - the small SVD kernels (square n <= UL_SVD_NMAX) for
 * one real dtype on one CPU target, instantiated by ul_small_svd_sse2.c and
 * ul_small_svd_avx2.c: ul_small_svd_{N,S,A}_<s|d>_<target>, the kernels of
 * the ops svd_N (svd_m, svd_n), svd_S (svd_m_s, svd_n_s) and svd_A (svd_m_f,
 * svd_n_f) of UL_SMALL_OPS. Square: S and A give the same outputs.
 *
 * One-sided Jacobi (Hestenes) across the matrices of a stack, one matrix
 * per SIMD lane and KG groups of KV lanes in flight (the rotations of one
 * matrix form one long dependency chain of square roots and divisions;
 * independent groups fill its latency). Each lane is scaled by a power of
 * two so that max |a_ij| is in [1, 2) (exact, undone on s), then cyclic
 * sweeps rotate column pairs (p, q) of A, and of V = I, until a sweep finds
 * every pair orthogonal, |a_p . a_q| <= tol ||a_p|| ||a_q||, tol = 2 n eps.
 * Then s_j = ||a_j||, u_j = a_j / s_j, A = U diag(s) V^T, sorted descending.
 * One-sided Jacobi is backward stable and computes the columns orthogonal
 * to the tolerance, so LAPACK's residual and orthogonality ratios hold.
 *
 * A lane goes to LAPACK (ul_?svd1: the loop's own ?gesdd path, its bits)
 * when its input is not finite, max |a_ij| is subnormal, zero or near
 * overflow, no convergence within UL_SVD_SWEEPS sweeps, or some column
 * ends below UL_SVD_SMALL in squared norm (exactly rank-deficient: no
 * direction for u_j; or so small that the orthogonality test would work
 * in subnormals). Such lanes run as the identity meanwhile.
 *
 * Cut-over, UL_SVD_NMAX = 10 (measured 2026-12-03 on the 2-core EPYC VM,
 * load average ~9; ns per matrix, float64, one thread each;
 * `sh bench/bench_svd_small.sh 2,3,4,8,10 svd_n_f,svd_n 100`):
 *     n                 2     3     4     8     10
 *     svd_n_f (U,S,VT)  15    53   138  1422  2840
 *       numpy          779  2015  3892  6638 10163
 *     svd_n (S only)   9.5    36    82   747  1443
 *       numpy          378   952  1423  3523  4856
 * numpy's unloaded 3x3 svd: 1716 ns (issue 14), 32x ours.
 * With UL_SVD_NMAX 16 (commit 11332ad) svd_n_f at n = 12 / 14 / 16 was
 * 3.0x / 2.6x / 2.6x numpy's (bench_families.py-style stacks of 1000, load
 * ~13), but the singular values' error, from the rounding that every
 * rotation adds to its two columns, grew with n to 15 - 25 ulps of s_1
 * against mpmath (?gesdd's: 3 - 6; n <= 4: both 2 - 8): n <= 10 keeps it
 * within about 3.5x ?gesdd's, 14 ulps. Non-square shapes decline (the
 * ?gesdd path): not measured.
 */
#include "ul_simd.h"

/* square root per target and dtype (vector extensions have no sqrt) */
#if UL_TARGET_IS_avx2 && UL_CH_IS_d
#  define KSQRT(x) _mm256_sqrt_pd(x)
#elif UL_TARGET_IS_avx2
#  define KSQRT(x) _mm256_sqrt_ps(x)
#elif UL_CH_IS_d
#  define KSQRT(x) _mm_sqrt_pd(x)
#else
#  define KSQRT(x) _mm_sqrt_ps(x)
#endif

#ifndef UL_SVD_ONCE
#define UL_SVD_ONCE
/* Largest n taken (the cut-over measured above). */
#define UL_SVD_NMAX 10
#define KG 3                 /* groups of KV lanes in flight */
#define UL_SVD_SWEEPS 20     /* then the lane goes to LAPACK */
#endif

/* Smallest squared column norm kept (max |a_ij| scaled to [1, 2)): the
 * convergence test's products stay normal (double: gamma^2 against
 * tol^2 alpha beta; float: |gamma| against tol sqrt(alpha beta)). */
#if UL_CH_IS_d
#  define UL_SVD_SMALL 0x1p-440
#  define UL_SVD_EPS 0x1p-53          /* LAPACK's dlamch('E') */
#else
#  define UL_SVD_SMALL 0x1p-60f
#  define UL_SVD_EPS 0x1p-24f
#endif

/* The KG * KV matrices of one block in flight, element (i, j) of group g
 * at a[g][i * n + j]; v: the accumulated right rotations. */
typedef struct KS(svd_blk) {
    VT a[KG][UL_SVD_NMAX * UL_SVD_NMAX];
    VT v[KG][UL_SVD_NMAX * UL_SVD_NMAX];
    VT s[KG][UL_SVD_NMAX];              /* singular values */
    VT unscale[KG];                     /* 2^e per lane */
    VI bad[KG];                         /* lanes for LAPACK */
} KS(svd_blk);

/* Matrices b0 .. b0 + nl - 1 of the call into the block; lanes past nl
 * get the identity. */
KALWAYS void KS(svd_gather)(KS(svd_blk) *B, const int n, const char *src,
    ptrdiff_t step, ptrdiff_t rs, ptrdiff_t cs, int nl)
{
    _Pragma("GCC unroll 4")
    for (int g = 0; g < KG; g++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                const char *p = src + g * KV * step + i * rs + j * cs;
                VT x;
                _Pragma("GCC unroll 16")
                for (int l = 0; l < KV; l++)
                    x[l] = nl == KG * KV || g * KV + l < nl
                        ? KS(get)(p + l * step) : (UL_T)(i == j);
                B->a[g][i * n + j] = x;
            }
}

/* Scales each lane so that max |a_ij| is in [1, 2); lanes LAPACK must do
 * (not finite, max zero or subnormal or above UL_BIG / 16) become the
 * identity and are marked bad. */
KALWAYS void KS(svd_scale)(KS(svd_blk) *B, const int n, const int g)
{
    VT *a = B->a[g];
    VT mx = KS(splat)(0), sum = KS(splat)(0);
    for (int k = 0; k < n * n; k++) {
        VT x = KS(vabs)(a[k]);
        mx = KMAX(x, mx);
        sum += x;
    }
    VI bad = KS(notfinite)(sum) | ~(mx >= KS(splat)(UL_TINY)) |
             ~(mx <= KS(splat)(UL_BIG / 16));
    const VI expbits = (VI){0} + ((UL_I)UL_EXPMASK << UL_EXPSHIFT);
    VI e = (VI)KS(sel)(bad, KS(splat)(1), (VT)((VI)mx & expbits)); /* 2^E */
    /* 2^-E: exponent field 2 bias - field(2^E) */
    VT scale = (VT)(((VI){0} + ((UL_I)(2 * UL_BIAS) << UL_EXPSHIFT)) - e);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            VT x = a[i * n + j] * scale;
            a[i * n + j] = KS(sel)(bad, KS(splat)((UL_T)(i == j)), x);
            B->v[g][i * n + j] = KS(splat)((UL_T)(i == j));
        }
    B->unscale[g] = (VT)e;
    B->bad[g] = bad;
}

/* Lanes where columns p and q are not yet orthogonal (NaN: not either). */
KALWAYS VI KS(svd_rotate_if)(const VT al, const VT be, const VT ga,
                             const int n)
{
    const UL_T tol = 2 * n * UL_SVD_EPS;
#if UL_CH_IS_d
    return ~(ga * ga <= (tol * tol * al) * be);
#else
    return ~(KS(vabs)(ga) <= tol * KSQRT(al * be));
#endif
}

/* One pair (p, q) of group g: rotates the lanes in which the columns are
 * not orthogonal; returns those lanes. The rotation zeroes a_p . a_q:
 * d = beta - alpha, h = sqrt(d^2 + 4 gamma^2), w = |d| + h,
 * t = tan = 2 gamma sgn(d) / w, c = 1 / sqrt(1 + t^2) = w / sqrt(2 h w),
 * s = c t (w^2 + 4 gamma^2 = 2 h w: two square roots, one division). */
KALWAYS VI KS(svd_pair)(KS(svd_blk) *B, const int n, const int g,
                        const int p, const int q, const int withv)
{
    VT *a = B->a[g];
    VT al = KS(splat)(0), be = al, ga = al;
    for (int i = 0; i < n; i++) {
        al += a[i * n + p] * a[i * n + p];
        be += a[i * n + q] * a[i * n + q];
        ga += a[i * n + p] * a[i * n + q];
    }
    VI rot = KS(svd_rotate_if)(al, be, ga, n);
    if (KMOVMSK(rot) == 0)
        return rot;
    VT d = be - al;
    VT h = KSQRT(d * d + 4 * ga * ga);
    VT w = KS(vabs)(d) + h;
    VT r = 1 / KSQRT(2 * h * w);
    const VI sign = ~((VI){0} + (UL_I)(~0ull >> (65 - 8 * sizeof(UL_T))));
    VT c = KS(sel)(rot, w * r, KS(splat)(1));
    VT s = KS(sel)(rot, (VT)((VI)(2 * ga * r) ^ ((VI)d & sign)),
                   KS(splat)(0));
    for (int i = 0; i < n; i++) {
        VT x = a[i * n + p], y = a[i * n + q];
        a[i * n + p] = c * x - s * y;
        a[i * n + q] = s * x + c * y;
    }
    if (withv)
        for (int i = 0; i < n; i++) {
            VT *v = B->v[g];
            VT x = v[i * n + p], y = v[i * n + q];
            v[i * n + p] = c * x - s * y;
            v[i * n + q] = s * x + c * y;
        }
    return rot;
}

/* Sweeps to convergence; lanes still rotating after UL_SVD_SWEEPS are bad. */
KALWAYS void KS(svd_sweeps)(KS(svd_blk) *B, const int n, const int withv)
{
    for (int sweep = 0;; sweep++) {
        VI todo[KG];
        _Pragma("GCC unroll 4")
        for (int g = 0; g < KG; g++)
            todo[g] = (VI){0};
        for (int p = 0; p < n - 1; p++)
            for (int q = p + 1; q < n; q++)
                _Pragma("GCC unroll 4")
                for (int g = 0; g < KG; g++)
                    todo[g] |= KS(svd_pair)(B, n, g, p, q, withv);
        int any = 0;
        _Pragma("GCC unroll 4")
        for (int g = 0; g < KG; g++)
            any |= KMOVMSK(todo[g]);
        if (any == 0)
            return;
        if (sweep == UL_SVD_SWEEPS) {
            _Pragma("GCC unroll 4")
            for (int g = 0; g < KG; g++)
                B->bad[g] |= todo[g];
            return;
        }
    }
}

/* Columns i, j (i < j) of group g swapped where s_i < s_j. */
KALWAYS void KS(svd_cswap)(KS(svd_blk) *B, const int n, const int g,
                           const int i, const int j, const int withv)
{
    VT *s = B->s[g];
    VI m = s[i] < s[j];
    VT t = s[i];
    s[i] = KS(sel)(m, s[j], t);
    s[j] = KS(sel)(m, t, s[j]);
    if (!withv)
        return;
    for (int k = 0; k < n; k++) {
        VT *a = B->a[g], *v = B->v[g];
        VT x = a[k * n + i];
        a[k * n + i] = KS(sel)(m, a[k * n + j], x);
        a[k * n + j] = KS(sel)(m, x, a[k * n + j]);
        x = v[k * n + i];
        v[k * n + i] = KS(sel)(m, v[k * n + j], x);
        v[k * n + j] = KS(sel)(m, x, v[k * n + j]);
    }
}

/* s_j = ||a_j||, u_j = a_j / s_j (in a), sorted descending ; columns below UL_SVD_SMALL mark the lane bad. */
KALWAYS void KS(svd_finish)(KS(svd_blk) *B, const int n, const int g,
                            const int withv)
{
    VT *a = B->a[g];
    for (int j = 0; j < n; j++) {
        VT al = KS(splat)(0);
        for (int i = 0; i < n; i++)
            al += a[i * n + j] * a[i * n + j];
        VI small = ~(al >= KS(splat)(UL_SVD_SMALL));
        B->bad[g] |= small;
        VT sj = KSQRT(KS(sel)(small, KS(splat)(1), al));
        B->s[g][j] = sj;
        if (withv) {
            VT r = 1 / sj;
            for (int i = 0; i < n; i++)
                a[i * n + j] *= r;
        }
    }
    /* odd-even transposition sort: n rounds of neighbour compare-swaps */
    for (int r = 0; r < n; r++)
        for (int i = r % 2; i + 1 < n; i += 2)
            KS(svd_cswap)(B, n, g, i, i + 1, withv);
    for (int j = 0; j < n; j++)
        B->s[g][j] *= B->unscale[g];
}

/* The kernel of jobz for square n on the whole call (dims {N, n, n});
 * steps as the loop's: 'N' {a, s, a_r, a_c, s_k}, else {a, u, s, vt, a_r,
 * a_c, u_r, u_c, s_k, vt_r, vt_c}. */
KALWAYS ptrdiff_t KS(svd_n)(const int n, const int withv, const char jobz,
    char **args, const ptrdiff_t *dims, const ptrdiff_t *steps,
    ptrdiff_t *first_failed)
{
    const ptrdiff_t N = dims[0], *cs = steps + (withv ? 4 : 2);
    const int si = withv ? 2 : 1;               /* the s operand */
    ptrdiff_t nfail = 0;
    KS(svd_blk) B;
    *first_failed = -1;
    for (ptrdiff_t b0 = 0; b0 < N; b0 += KG * KV) {
        const int nl = N - b0 < KG * KV ? (int)(N - b0) : KG * KV;
        KS(svd_gather)(&B, n, args[0] + b0 * steps[0], steps[0], cs[0],
                       cs[1], nl);
        _Pragma("GCC unroll 4")
        for (int g = 0; g < KG; g++)
            KS(svd_scale)(&B, n, g);
        KS(svd_sweeps)(&B, n, withv);
        _Pragma("GCC unroll 4")
        for (int g = 0; g < KG; g++)
            KS(svd_finish)(&B, n, g, withv);
        for (int k = 0; k < nl; k++) {
            const int g = k / KV, l = k % KV;
            const ptrdiff_t idx = b0 + k;
            char *o[4];
            for (int r = 0; r < (withv ? 4 : 2); r++)
                o[r] = args[r] + idx * steps[r];
            if (B.bad[g][l]) {
                if (UL_NAME(svd1)(jobz, o, n, n, steps) && nfail++ == 0)
                    *first_failed = idx;
                continue;
            }
            for (int j = 0; j < n; j++)
                KS(put)(o[si] + j * cs[withv ? 4 : 2], B.s[g][j][l]);
            if (!withv)
                continue;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    KS(put)(o[1] + i * cs[2] + j * cs[3],
                            B.a[g][i * n + j][l]);
                    KS(put)(o[3] + i * cs[5] + j * cs[6],
                            B.v[g][j * n + i][l]);
                }
        }
    }
    return nfail;
}

/* ---- entries ----
 * Square 1 <= n <= UL_SVD_NMAX, else -1 (the loop's ?gesdd path). n <= 4
 * are unrolled for their n; larger n share one instance (n at run time:
 * the arithmetic dominates there, and the code stays small). */
#define KS_SVD_SWITCH(withv, jobz) \
    switch (dims[1]) { \
    case 1: return KS(svd_n)(1, withv, jobz, args, dims, steps, first_failed); \
    case 2: return KS(svd_n)(2, withv, jobz, args, dims, steps, first_failed); \
    case 3: return KS(svd_n)(3, withv, jobz, args, dims, steps, first_failed); \
    case 4: return KS(svd_n)(4, withv, jobz, args, dims, steps, first_failed); \
    default: return KS(svd_n)((int)dims[1], withv, jobz, args, dims, steps, \
                              first_failed); \
    }

static ptrdiff_t KS(svd_vals)(char **args, const ptrdiff_t *dims,
    const ptrdiff_t *steps, ptrdiff_t *first_failed)
{
    KS_SVD_SWITCH(0, 'N')
}

static ptrdiff_t KS(svd_vecs)(const char jobz, char **args,
    const ptrdiff_t *dims, const ptrdiff_t *steps, ptrdiff_t *first_failed)
{
    KS_SVD_SWITCH(1, jobz)
}
#undef KS_SVD_SWITCH

static int KS(svd_takes)(const ptrdiff_t *dims)
{
    return dims[1] == dims[2] && dims[1] >= 1 && dims[1] <= UL_SVD_NMAX;
}

UL_HIDDEN ptrdiff_t KS(ul_small_svd_N)(char **args, const ptrdiff_t *dims,
    const ptrdiff_t *steps, ptrdiff_t *first_failed)
{
    return KS(svd_takes)(dims) ? KS(svd_vals)(args, dims, steps, first_failed)
                               : -1;
}

UL_HIDDEN ptrdiff_t KS(ul_small_svd_S)(char **args, const ptrdiff_t *dims,
    const ptrdiff_t *steps, ptrdiff_t *first_failed)
{
    return KS(svd_takes)(dims)
        ? KS(svd_vecs)('S', args, dims, steps, first_failed) : -1;
}

UL_HIDDEN ptrdiff_t KS(ul_small_svd_A)(char **args, const ptrdiff_t *dims,
    const ptrdiff_t *steps, ptrdiff_t *first_failed)
{
    return KS(svd_takes)(dims)
        ? KS(svd_vecs)('A', args, dims, steps, first_failed) : -1;
}

#undef KSQRT
#undef UL_SVD_SMALL
#undef UL_SVD_EPS
#include "ul_simd_undef.h"
