/*
 * ul_kern_eigh.tmpl.h - the real symmetric eigenproblem for small n
 * (eigh_lo, eigh_up, eigvalsh_lo, eigvalsh_up; n <= KE_NMAX) across the
 * matrices of a stack, KV matrices per vector lane group, for one real
 * dtype on one CPU target (ul_small_eigh_sse2.c, ul_small_eigh_avx2.c).
 *
 * Method: cyclic Jacobi, run to convergence. Each lane's matrix is first
 * scaled by a power of two (exact) so that max|a_ij| lies in [1, 2); a
 * sweep rotates every pair (p, q), in the round-robin order of KE_RR
 * (rounds of disjoint pairs), with the rotation that zeroes a_pq
 * (Rutishauser's formulas, |angle| <= pi/4), and the sweeps
 * stop when every off-diagonal entry of every lane is at most KE_TOL
 * (absolute, on the scaled matrix: below eps/16 of max|a_ij|, so dropping
 * them is a backward error far under LAPACK's). Eigenvalues are the
 * diagonal scaled back, sorted ascending with their columns of the
 * accumulated rotations (the eigenvectors). Only one triangle is read: _lo
 * reads a_ij for i >= j, _up for i <= j (the _lo case is the _up one with
 * the row and column strides swapped).
 *
 * Signs: each eigenvector is the column of a product of rotations that
 * each turn by at most pi/4, so a diagonal (or nearly diagonal) matrix
 * gives columns near +e_i; LAPACK promises no sign either, and ours may
 * differ from ?syevd's (tests compare residuals and orthogonality).
 *
 * Lanes sent to the loops' one-matrix LAPACK path (ul_?eigh1, the function
 * the LAPACK path of ul_eigh.tmpl.h calls, so those lanes are its bits): a
 * NaN or Inf entry (or an |a_ij| sum that overflows), max|a_ij| subnormal
 * or within 2^5 of overflow (where the eigenvalues could overflow), and no
 * convergence within KE_SWEEPS sweeps.
 */
#include "ul_simd.h"

/* the loops' one-matrix LAPACK path (c/loops/ul_eigh.tmpl.h) */
UL_HIDDEN int UL_NAME(eigh1)(char jobz, char uplo, ptrdiff_t n,
    const char *a, ptrdiff_t ar, ptrdiff_t ac, char *w, ptrdiff_t wst,
    char *v, ptrdiff_t vr, ptrdiff_t vc);

#define KE_NMAX 8
/* Lane groups in flight, by n and eigh/eigvalsh: enough independent
 * rotations to overlap the square root and division latencies, few
 * enough that spills and a group's sweeps (the most any of its lanes
 * needs) stay low. n = 3 has one rotation per round: 4 groups for eigh,
 * 6 for eigvalsh (less work per rotation: eigvalsh with 4, 5, 6, 8
 * groups 23.0, 21.9, 21.4, 26.5 ns; eigh with 6 31.6, with 4 30.3);
 * n >= 5 has 2 to 4 per round: 1 group for eigh, 2 for eigvalsh (eigh 2
 * or 3 and eigvalsh 1 or 3 were slower at n = 8). Measured with
 * bench/bench_eigh.c (see KS(eigh_any)). A lane's bits do not depend on
 * the grouping (a converged lane turns by exactly nothing; kind() is per
 * group of KV lanes). */
#define KE_GMAX 6
#ifndef KE_G
#define KE_G(n, vec) ((n) == 3 ? ((vec) ? 4 : 6) : (n) <= 4 ? 4 : (vec) ? 1 : 2)
#endif
#if UL_CH_IS_d
#  define KE_TOL 0x1p-56
#  define KE_SWEEPS 20
#else
#  define KE_TOL 0x1p-27f
#  define KE_SWEEPS 16
#endif

KALWAYS VT KS(esqrt)(VT x)
{
#if UL_TARGET_IS_avx2 && UL_CH_IS_d
    return (VT)_mm256_sqrt_pd((__m256d)x);
#elif UL_TARGET_IS_avx2
    return (VT)_mm256_sqrt_ps((__m256)x);
#elif UL_CH_IS_d
    return (VT)_mm_sqrt_pd((__m128d)x);
#else
    return (VT)_mm_sqrt_ps((__m128)x);
#endif
}

/* x with the sign bit flipped where y's is set */
KALWAYS VT KS(xorsign)(VT x, VT y)
{
    const VI sign = (VI){0} + (UL_I)((uint64_t)1 << (8 * sizeof(UL_T) - 1));
    return (VT)((VI)x ^ ((VI)y & sign));
}

/* a[p][q] (p <= q) holds the symmetric matrix; KE_A(i, j) either triangle */
#define KE_A(i, j) a[(i) < (j) ? (i) : (j)][(i) < (j) ? (j) : (i)]

/* The Jacobi rotation that zeroes a_pq in every lane: c, s, te and keep
 * for turn() (a no-op, c = 1 and s = 0 exactly, where |a_pq| <= KE_TOL).
 * With d = a_qq - a_pp, e = a_pq, r = sqrt(d^2 + 4e^2) and D = |d| + r (so
 * D^2 + 4e^2 = 2rD): c = D g, s = sign(d) 2e g and tan = s / c = s 2r g
 * for g = 1 / sqrt(2rD). (Newton steps from the hardware's reciprocal
 * square root estimate for g, instead of the square root and division,
 * ran slower: the multiply-add units are as busy as the divider.) */
typedef struct { VT c, s, te; VI keep; } KS(rot);
KALWAYS void KS(params)(VT a[KE_NMAX][KE_NMAX], const int p, const int q,
                        KS(rot) *R)
{
    const VT e = a[p][q], d = a[q][q] - a[p][p];
    const VI big = KS(vabs)(e) > KS(splat)(KE_TOL);
    const VT one = KS(splat)(1), e2 = e + e;
    const VT r = KS(esqrt)(d * d + e2 * e2);
    const VT D = KS(vabs)(d) + r;
    const VT g = one / KS(esqrt)(KS(sel)(big, (r + r) * D, one));
    R->keep = ~big;
    R->c = KS(sel)(big, D * g, one);
    R->s = (VT)((VI)KS(xorsign)(e2 * g, d) & big);
    R->te = R->s * ((r + r) * g) * e;
}

/* The same rotation where |e| <= KE_SMALL |d| (or |e| <= KE_TOL): with
 * u = e / d, tan = u (1 - u^2 + 2u^4 - 5u^6 + ...) and c = (1 + tan^2)^-1/2
 * as series whose first omitted terms are below 2^-60; one division, no
 * square root. */
#define KE_SMALL 0x1p-8
KALWAYS void KS(params_small)(VT a[KE_NMAX][KE_NMAX], const int p,
                              const int q, KS(rot) *R)
{
    const VT e = a[p][q], d = a[q][q] - a[p][p];
    const VI big = KS(vabs)(e) > KS(splat)(KE_TOL);
    const VT one = KS(splat)(1);
    const VT u = e / KS(sel)(big, d, one), u2 = u * u;
    const VT t = (VT)((VI)(u - u * u2 * (one - u2 * (KS(splat)(2) -
                                                KS(splat)(5) * u2))) & big);
    const VT t2 = t * t;
    R->keep = ~big;
    R->c = one - t2 * (KS(splat)(0.5) - t2 * (KS(splat)(0.375) -
                                              KS(splat)(0.3125) * t2));
    R->s = t * R->c;
    R->te = t * e;
}

/* Which rotation (p, q) a lane group needs: 0 none (every |a_pq| <=
 * KE_TOL), 1 params_small() serves every lane, 2 params(). Decided per
 * group of KV lanes, so a lane's bits do not depend on which groups
 * share its sweeps (how the stack was split, eigh's grouping or
 * eigvalsh's): groups start at multiples of KV. */
KALWAYS int KS(kind)(VT a[KE_NMAX][KE_NMAX], const int p, const int q)
{
    const VT e = KS(vabs)(a[p][q]);
    const VI big = e > KS(splat)(KE_TOL);
    const VI large = big & ~(e <= KS(splat)(KE_SMALL) *
                                  KS(vabs)(a[q][q] - a[p][p]));
    return KMOVMSK(large) ? 2 : KMOVMSK(big) ? 1 : 0;
}

/* The rotation R in the (p, q) plane of one lane group: a_pp -= te,
 * a_qq += te, a_pq = 0 where it was turned, the other entries of rows and
 * columns p, q (and v's columns p, q) turned. */
KALWAYS void KS(turn)(const int n, const int vec, VT a[KE_NMAX][KE_NMAX],
                      VT v[KE_NMAX][KE_NMAX], const int p, const int q,
                      const KS(rot) *R)
{
    const VT c = R->c, s = R->s;
    a[p][p] -= R->te;
    a[q][q] += R->te;
    a[p][q] = (VT)((VI)a[p][q] & R->keep);
    _Pragma("GCC unroll 16")
    for (int k = 0; k < n; k++) {
        if (k == p || k == q)
            continue;
        const VT akp = KE_A(k, p), akq = KE_A(k, q);
        KE_A(k, p) = c * akp - s * akq;
        KE_A(k, q) = s * akp + c * akq;
    }
    if (vec)
        _Pragma("GCC unroll 16")
        for (int k = 0; k < n; k++) {
            const VT vkp = v[k][p], vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
}

/* Round-robin ("tournament") order: with m = n rounded up to even, round
 * r (0 <= r < m - 1) pairs places j and m - 1 - j of the list 0, 1, ...,
 * m - 1 whose places 1.. are turned r times; KE_RR is the index at place
 * j (an index >= n: no rotation). The pairs of one round are disjoint, so
 * their rotations are independent (none changes another's 2x2 block): a
 * round's parameters are all computed before its turns, and their square
 * root and division chains overlap. It also took fewer sweeps than the
 * row-by-row order (simulated, groups of 8 random SPD matrices: n = 4
 * 5.03 -> 4.29 sweeps, n = 8 6.72 -> 6.15; n = 3 the same). */
#define KE_RR(m, r, j) ((j) == 0 ? 0 : 1 + ((j) - 1 + (m) - 1 - (r)) % ((m) - 1))

/* Pair j of round r as (p, q), p < q; 0 when it holds an index >= n */
KALWAYS int KS(rr_pair)(const int n, const int m, const int r, const int j,
                        int *p, int *q)
{
    const int x = KE_RR(m, r, j), y = KE_RR(m, r, m - 1 - j);
    *p = x < y ? x : y;
    *q = x < y ? y : x;
    return x < n && y < n;
}

/* One sweep over G lane groups. With KE_CHEAP(n) (n = 3: there the
 * divider is the bottleneck; at n = 8 the branches cost more than the
 * square roots they save, measured), a group whose every lane is small
 * (late sweeps, where most rotations are) takes params_small(), one with
 * nothing to rotate is skipped (turn() would leave it as it is). */
#define KE_CHEAP(n) ((n) == 3)
KALWAYS void KS(sweep)(const int n, const int vec, const int G,
                       VT a[][KE_NMAX][KE_NMAX], VT v[][KE_NMAX][KE_NMAX])
{
    const int m = n + (n & 1);
    _Pragma("GCC unroll 16")
    for (int r = 0; r < m - 1; r++) {
        KS(rot) R[KE_GMAX][KE_NMAX / 2];
        if (KE_CHEAP(n) && m == 4) {
            /* one rotation per round: the pair without the index 3 */
            int p, q;
            if (!KS(rr_pair)(n, m, r, 0, &p, &q))
                KS(rr_pair)(n, m, r, 1, &p, &q);
            _Pragma("GCC unroll 8")
            for (int g = 0; g < G; g++) {
                const int kind = KS(kind)(a[g], p, q);
                if (kind == 0)
                    continue;
                if (kind == 1)
                    KS(params_small)(a[g], p, q, &R[g][0]);
                else
                    KS(params)(a[g], p, q, &R[g][0]);
                KS(turn)(n, vec, a[g], v[g], p, q, &R[g][0]);
            }
            continue;
        }
        _Pragma("GCC unroll 8")
        for (int g = 0; g < G; g++)
            _Pragma("GCC unroll 8")
            for (int j = 0; j < m / 2; j++) {
                int p, q;
                if (KS(rr_pair)(n, m, r, j, &p, &q))
                    KS(params)(a[g], p, q, &R[g][j]);
            }
        _Pragma("GCC unroll 8")
        for (int g = 0; g < G; g++)
            _Pragma("GCC unroll 8")
            for (int j = 0; j < m / 2; j++) {
                int p, q;
                if (KS(rr_pair)(n, m, r, j, &p, &q))
                    KS(turn)(n, vec, a[g], v[g], p, q, &R[g][j]);
            }
    }
}

/* Lanes of a[] with an off-diagonal entry above KE_TOL */
KALWAYS VI KS(unconverged)(const int n, VT a[KE_NMAX][KE_NMAX])
{
    VT off = KS(splat)(0);
    _Pragma("GCC unroll 16")
    for (int i = 0; i < n; i++)
        _Pragma("GCC unroll 16")
        for (int j = i + 1; j < n; j++)
            off = KMAX(off, KS(vabs)(a[i][j]));
    return off > KS(splat)(KE_TOL);
}

static __attribute__((noinline, cold)) int KS(lapack_eigh)(int vec, int up,
    int n, const char *a, ptrdiff_t ar, ptrdiff_t ac, char *w, ptrdiff_t wst,
    char *v, ptrdiff_t vr, ptrdiff_t vc)
{
    return UL_NAME(eigh1)(vec ? 'V' : 'N', up ? 'U' : 'L', n, a, ar, ac, w,
                          wst, v, vr, vc);
}

/* The triangle of nl <= KV matrices (element (i, j), i <= j, at
 * in + l * sa + i * ri + j * cj; the other lanes zero) into a[], scaled;
 * v[] = I. Returns the lanes for LAPACK; *ex the lanes' exponents e (their
 * matrices were scaled by 2^-e: max|a_ij| now in [1, 2); a zero matrix and
 * LAPACK's lanes e = 0, which their scale factor 2^-0 keeps). */
KALWAYS VI KS(load)(const int n, const int vec, VT a[KE_NMAX][KE_NMAX],
                    VT v[KE_NMAX][KE_NMAX], const char *in, ptrdiff_t sa,
                    ptrdiff_t ri, ptrdiff_t cj, int nl, VI *ex)
{
    VT sum = KS(splat)(0), amax = KS(splat)(0);
    _Pragma("GCC unroll 16")
    for (int i = 0; i < n; i++)
        _Pragma("GCC unroll 16")
        for (int j = i; j < n; j++) {
            VT x = KS(splat)(0);
            /* lanes unrolled (a run-time bound here halved the speed) */
            _Pragma("GCC unroll 16")
            for (int l = 0; l < KV; l++)
                if (l < nl)
                    x[l] = KS(get)(in + l * sa + i * ri + j * cj);
            a[i][j] = x;
            sum += KS(vabs)(x);
            amax = KMAX(amax, KS(vabs)(x));
        }
    const VI zero = (VI){0};
    VI e = ((VI)amax >> UL_EXPSHIFT) & UL_EXPMASK;
    const VI bad = KS(notfinite)(sum) | (e > UL_EXPMASK - 6) |
                   ((e == zero) & (amax != KS(splat)(0)));
    e = (VI)KS(sel)(bad | (e == zero), (VT)(zero + UL_BIAS), (VT)e);
    const VT scale = (VT)((2 * UL_BIAS - e) << UL_EXPSHIFT);
    _Pragma("GCC unroll 16")
    for (int i = 0; i < n; i++)
        _Pragma("GCC unroll 16")
        for (int j = i; j < n; j++)
            a[i][j] = (VT)((VI)(a[i][j] * scale) & ~bad);
    if (vec)
        _Pragma("GCC unroll 16")
        for (int i = 0; i < n; i++)
            _Pragma("GCC unroll 16")
            for (int j = 0; j < n; j++)
                v[i][j] = KS(splat)(i == j);
    *ex = e;
    return bad;
}

/* The eigenvalues (a's diagonal scaled back by 2^e) sorted ascending with
 * their columns of v (odd-even transposition: n rounds of neighbour
 * exchanges), then out, lane by lane: w[i] at wo + l * sw + i * wst, v[i][j]
 * at vo + l * sv + i * vr + j * vc; LAPACK's lanes (bad) through the
 * loops' path instead. Returns the failures, the first one's lane in *first. */
KALWAYS int KS(store)(const int n, const int vec, VT a[KE_NMAX][KE_NMAX],
    VT v[KE_NMAX][KE_NMAX], VI bad, VI e, int nl, int up, const char *in,
    ptrdiff_t sa, ptrdiff_t ar, ptrdiff_t ac, char *wo, ptrdiff_t sw,
    ptrdiff_t wst, char *vo, ptrdiff_t sv, ptrdiff_t vr, ptrdiff_t vc,
    int *first)
{
    const VT unscale = (VT)(e << UL_EXPSHIFT);
    VT w[KE_NMAX];
    _Pragma("GCC unroll 16")
    for (int i = 0; i < n; i++)
        w[i] = a[i][i] * unscale;
    _Pragma("GCC unroll 16")
    for (int r = 0; r < n; r++)
        _Pragma("GCC unroll 16")
        for (int i = r & 1; i + 1 < n; i += 2) {
            const VI x = w[i] > w[i + 1];
            const VT lo = KS(sel)(x, w[i + 1], w[i]);
            w[i + 1] = KS(sel)(x, w[i], w[i + 1]);
            w[i] = lo;
            if (vec)
                _Pragma("GCC unroll 16")
                for (int k = 0; k < n; k++) {
                    const VT t = KS(sel)(x, v[k][i + 1], v[k][i]);
                    v[k][i + 1] = KS(sel)(x, v[k][i], v[k][i + 1]);
                    v[k][i] = t;
                }
        }
    int nfail = 0;
    *first = -1;
    _Pragma("GCC unroll 16")
    for (int l = 0; l < KV; l++) {
        char *wl = wo + l * sw, *vl = vec ? vo + l * sv : NULL;
        if (l >= nl)
            break;
        if (bad[l]) {
            if (KS(lapack_eigh)(vec, up, n, in + l * sa, ar, ac, wl, wst, vl,
                                vr, vc) != 0 && nfail++ == 0)
                *first = l;
            continue;
        }
        _Pragma("GCC unroll 16")
        for (int i = 0; i < n; i++)
            KS(put)(wl + i * wst, w[i][l]);
        if (vec)
            _Pragma("GCC unroll 16")
            for (int i = 0; i < n; i++)
                _Pragma("GCC unroll 16")
                for (int j = 0; j < n; j++)
                    KS(put)(vl + i * vr + j * vc, v[i][j][l]);
    }
    return nfail;
}

/* eigh (vec) or eigvalsh of every matrix of the call, reading the upper
 * triangle (up) or the lower one; steps as the loops get them. G groups
 * of KV matrices go through the sweeps together: one group's rotations
 * wait on their square roots and divisions, G of them keep the units busy. */
KALWAYS ptrdiff_t KS(eigh_n)(const int n, const int vec, const int G,
    const int up, char **args, const ptrdiff_t *dims, const ptrdiff_t *steps,
    ptrdiff_t *first_failed)
{
    const ptrdiff_t N = dims[0];
    const ptrdiff_t sa = steps[0], sw = steps[1], sv = vec ? steps[2] : 0;
    const ptrdiff_t *core = steps + (vec ? 3 : 2);
    const ptrdiff_t ar = core[0], ac = core[1], wst = core[2];
    const ptrdiff_t vr = vec ? core[3] : 0, vc = vec ? core[4] : 0;
    /* element (i, j), i <= j, of the triangle read */
    const ptrdiff_t ri = up ? ar : ac, cj = up ? ac : ar;
    ptrdiff_t nfail = 0;
    *first_failed = -1;
    for (ptrdiff_t b = 0; b < N; b += G * KV) {
        VT a[KE_GMAX][KE_NMAX][KE_NMAX], v[KE_GMAX][KE_NMAX][KE_NMAX];
        VI bad[KE_GMAX], ex[KE_GMAX];
        int nl[KE_GMAX];
        _Pragma("GCC unroll 8")
        for (int g = 0; g < G; g++) {
            ptrdiff_t left = N - b - g * KV;
            nl[g] = left <= 0 ? 0 : left < KV ? (int)left : KV;
            bad[g] = KS(load)(n, vec, a[g], v[g], args[0] + (b + g * KV) * sa,
                              sa, ri, cj, nl[g], &ex[g]);
        }
        for (int sweep = 0;; sweep++) {
            VI todo[KE_GMAX], any = (VI){0};
            _Pragma("GCC unroll 8")
            for (int g = 0; g < G; g++)
                any |= todo[g] = KS(unconverged)(n, a[g]);
            if (KMOVMSK(any) == 0)
                break;
            if (sweep == KE_SWEEPS) {
                _Pragma("GCC unroll 8")
                for (int g = 0; g < G; g++)
                    bad[g] |= todo[g];
                break;
            }
            KS(sweep)(n, vec, G, a, v);
        }
        for (int g = 0; g < G && nl[g] > 0; g++) {
            const ptrdiff_t k = b + g * KV;
            int first;
            int nf = KS(store)(n, vec, a[g], v[g], bad[g], ex[g], nl[g], up,
                               args[0] + k * sa, sa, ar, ac, args[1] + k * sw,
                               sw, wst, vec ? args[2] + k * sv : NULL, sv,
                               vr, vc, &first);
            if (nf > 0 && nfail == 0)
                *first_failed = k + first;
            nfail += nf;
        }
    }
    return nfail;
}

/* One instance per n and eigh/eigvalsh (the triangle is a run-time
 * argument: it only changes the strides of the gather). */
#define KE_CASES(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8)
#define X(nn) \
    static __attribute__((noinline)) ptrdiff_t KS(eigh_##nn)(int vec, int up, \
        char **args, const ptrdiff_t *dims, const ptrdiff_t *steps, ptrdiff_t *ff) \
    { return vec ? KS(eigh_n)(nn, 1, KE_G(nn, 1), up, args, dims, steps, ff) \
                 : KS(eigh_n)(nn, 0, KE_G(nn, 0), up, args, dims, steps, ff); }
KE_CASES(X)
#undef X

/* The cut-over: n <= KE_NMAX = 8 here, the LAPACK path above. Measured
 * 2026-12-03 15:43 UTC, load average ~5.3 on the 2-core EPYC VM,
 * `sh bench/bench_families.sh eigh eigvalsh` (numpy's own loop vs ours,
 * float64 SPD stacks of 100000 (n <= 4) / 10000, OPENBLAS_NUM_THREADS=1,
 * ours on 1 thread, CPU time, best of interleaved repeats), ns per
 * matrix (before: the same run with UMATH_LINALG_LIB pointing at the
 * library before the round-robin order):
 *     n                 3      4      8     10 (LAPACK path)
 *   eigh      ours   30.5   70.0    686   6190
 *             before 36.1    109    993
 *             numpy   810   1271   4702   6094
 *   eigvalsh  ours   21.5   50.3    389   3534
 *             before 23.9   59.6    563
 *             numpy   468    779   2429   3485
 * KE_G's numbers: bench/bench_eigh.c (ul_d{eigh,eigvalsh}_lo_loop of
 * two builds called alternately in one process, CPU time, best of 10, the
 * same stacks). The kernel stays ahead beyond 8 (kernel alone, CPU time,
 * load ~13, before the round-robin order: 10x10 eigvalsh 1119 ns, eigh
 * 2657; 12x12 1868 / 3792), but instances for n = 10, 12 tripled this
 * file's build (7 min under that load), so they wait. */
static ptrdiff_t KS(eigh_any)(int vec, int up, char **args,
    const ptrdiff_t *dims, const ptrdiff_t *steps, ptrdiff_t *ff)
{
    switch (dims[1]) {
#define X(nn) case nn: return KS(eigh_##nn)(vec, up, args, dims, steps, ff);
    KE_CASES(X)
#undef X
    }
    return -1;
}

UL_HIDDEN ptrdiff_t KS(ul_small_eigh_lo)(char **args, const ptrdiff_t *dims,
                                         const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(eigh_any)(1, 0, args, dims, steps, ff);
}

UL_HIDDEN ptrdiff_t KS(ul_small_eigh_up)(char **args, const ptrdiff_t *dims,
                                         const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(eigh_any)(1, 1, args, dims, steps, ff);
}

UL_HIDDEN ptrdiff_t KS(ul_small_eigvalsh_lo)(char **args,
    const ptrdiff_t *dims, const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(eigh_any)(0, 0, args, dims, steps, ff);
}

UL_HIDDEN ptrdiff_t KS(ul_small_eigvalsh_up)(char **args,
    const ptrdiff_t *dims, const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(eigh_any)(0, 1, args, dims, steps, ff);
}

#undef KE_CASES
#undef KE_A
#undef KE_TOL
#undef KE_RR
#undef KE_SMALL
#undef KE_CHEAP
#undef KE_SWEEPS
#include "ul_simd_undef.h"
