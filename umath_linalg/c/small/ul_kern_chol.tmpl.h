/*
 * ul_kern_chol.tmpl.h - the small-n Cholesky kernels (1 <= n <=
 * UL_SMALL_MAX) for one real dtype on one CPU target, included through
 * ul_instantiate.h by ul_small_chol_sse2.c and ul_small_chol_avx2.c:
 * KS(ul_small_cholesky_lo) and KS(ul_small_cholesky_up), the hooks of
 * ul_s/dcholesky_lo/up_loop (c/loops/ul_cholesky.tmpl.h).
 *
 * Across the stack: KV matrices in the compact layout of
 * ul_kern_stack.tmpl.h (element (i, j) of all KV matrices is one vector;
 * its KS(gather) for strided input; full groups at unit column stride
 * read and write only the triangle's row pieces, or pairs of columns,
 * through in-register transposes, and cholesky_lo of C-contiguous
 * stacks stores each factor row as it is made), factored row by row
 * (l_ij = (a_ij - sum_k<j l_ik l_jk) / l_jj, l_ii = sqrt(a_ii - sum_k<i
 * l_ik^2)) with no branch across lanes. cholesky_up is cholesky_lo of the transpose (U =
 * L^T reads the upper triangle), so each reads only its own triangle, as
 * ?potrf does.
 *
 * Lanes for LAPACK: a lane whose pivot d_i = a_ii - sum l_ik^2 is not
 * above n * UL_GUARD * a_ii * max(1, dmax / dmin) (2^8 n eps relative to
 * its diagonal, times the spread of the pivots before it, an estimate of
 * how much rounding in the leading rows can move d_i: with 2^8 n eps
 * alone, exactly semidefinite integer matrices of n >= 7 got the other
 * verdict than ?potrf's) nor above UL_TINY goes to the loop's own
 * one-matrix path (ul_?potrf1, the same function as the LAPACK path),
 * whatever ?potrf then says. So: not positive definite, semidefinite and
 * nearly so (where rounding could decide the verdict), ill-conditioned
 * (about cond > 1e11 in float64, 1e2..1e3 in float32: slow but LAPACK's
 * result), NaN or Inf anywhere in the triangle read (a NaN or Inf l_ij
 * makes pivot i NaN or -Inf), and any overflow in the kernel (the same)
 * get ?potrf's verdict and bits (NaN output, failure reported). Every
 * other lane has pivots far from zero and finite, where the kernel is
 * within LAPACK's backward error bound (tests/c/test_small_chol.c).
 * Overflow: |l_ik l_jk| <= sqrt(a_ii a_jj) in a positive definite matrix,
 * so no product or partial sum of a lane the kernel keeps exceeds max|a|.
 */
#include "ul_simd.h"
#include "ul_split.h"               /* ul_split_whole */
#include "ul_kern_stack.tmpl.h"     /* KS(gather), KS(put_rows) */

#if UL_TARGET_IS_avx2 && UL_CH_IS_d
#  define KSQRT(x) ((VT)_mm256_sqrt_pd((__m256d)(x)))
#elif UL_TARGET_IS_avx2
#  define KSQRT(x) ((VT)_mm256_sqrt_ps((__m256)(x)))
#elif UL_CH_IS_d
#  define KSQRT(x) ((VT)_mm_sqrt_pd((__m128d)(x)))
#else
#  define KSQRT(x) ((VT)_mm_sqrt_ps((__m128)(x)))
#endif

/* Output bytes of a call (of the whole call when threads share it) from
 * which cholesky_lo's stores bypass the caches (KS(chol_n)). */
#ifndef UL_CHOL_NT_BYTES
#define UL_CHOL_NT_BYTES (4 << 20)
#endif

/* cold: kept out of line, away from the kernels' registers and stack */
static __attribute__((noinline, cold)) int KS(lapack_potrf)(int n, int up,
    const char *a, ptrdiff_t ar, ptrdiff_t ac, char *x, ptrdiff_t xr,
    ptrdiff_t xc)
{
    _Alignas(64) unsigned char work[UL_SMALL_MAX * UL_SMALL_MAX * sizeof(UL_T)];
    return UL_NAME(potrf1)(n, up ? 'U' : 'L', a, ar, ac, x, xr, xc, work);
}

/* Element (i, j) of the matrix factored, in the compact scratch A: A's
 * own for cholesky_lo, its transpose's for cholesky_up, so the factor
 * lands where the output wants it (L in the lower triangle, U = L^T in
 * the upper). */
#define KC(i, j) A[up ? (j) * n + (i) : (i) * n + (j)]

#ifdef KTR
/* Row pieces of KV columns that meet the triangle of row i the factor
 * has (columns 0..i for lo, i..n-1 for up), that is the pieces not wholly
 * in the other strict triangle. */
#define KMEETS(i, j, r) (up ? (j) + (r) > (i) : (j) <= (i))
/* The piece of KV columns from j, or the row's last KV columns when fewer
 * than KV are left (whole-vector moves instead of element ones: the
 * overlapped columns are read, and written, twice with the same values). */
#define KPIECE(j) (n >= KV && (j) + KV > n ? n - KV : (j))

#if KTR == 4
/* n >= 4 (float64, 4 lanes): rows moved in pairs of columns, each
 * two 2x2 transposes of 128-bit halves: 4 half loads (2 of them inserts)
 * and 2 unpacks in, 2 unpacks and 4 half stores (2 of them extracts) out,
 * only the pairs that meet the triangle (zeros as whole vectors), instead
 * of 4x4 transposes of whole rows (4 unpacks, 4 lane permutes). Measured
 * (A/B in one process, 400 in cache, one thread, load ~3.8): n = 8, 12,
 * 14, 16 0.81..0.83x the time, 4 0.95x, 10 0.99x (it had a last pair
 * already). Odd n: the last column alone (element moves; an overlapped
 * last pair was no faster, 11..15 up to 1.2x slower): 5..15 0.84..0.93x
 * (9, 11 at 10000: 0.86..0.92x; 13, 15 even). Caller memory through the
 * unaligned (any byte address) half-vector intrinsics. */
#define KPAIRS (n >= 4)
KALWAYS VT KS(get_one)(const char *p, ptrdiff_t si)
{
    VT v;
    _Pragma("GCC unroll 16")
    for (int l = 0; l < KV; l++)
        v[l] = KS(get)(p + l * si);
    return v;
}
KALWAYS void KS(put_one)(char *p, ptrdiff_t so, VT v)
{
    _Pragma("GCC unroll 16")
    for (int l = 0; l < KV; l++)
        KS(put)(p + l * so, v[l]);
}
KALWAYS void KS(get_pair)(VT *w, const char *p, ptrdiff_t si)
{
    const __m256d t02 = _mm256_loadu2_m128d((const double *)(p + 2 * si),
                                            (const double *)p);
    const __m256d t13 = _mm256_loadu2_m128d((const double *)(p + 3 * si),
                                            (const double *)(p + si));
    w[0] = (VT)_mm256_unpacklo_pd(t02, t13);
    w[1] = (VT)_mm256_unpackhi_pd(t02, t13);
}
/* nt: non-temporal stores (p + l * so 16-byte aligned) */
KALWAYS void KS(put_pair)(char *p, ptrdiff_t so, VT a, VT b, const int nt)
{
    const __m256d lo = _mm256_unpacklo_pd((__m256d)a, (__m256d)b);
    const __m256d hi = _mm256_unpackhi_pd((__m256d)a, (__m256d)b);
    if (nt) {
        _mm_stream_pd((double *)p, _mm256_castpd256_pd128(lo));
        _mm_stream_pd((double *)(p + so), _mm256_castpd256_pd128(hi));
        _mm_stream_pd((double *)(p + 2 * so), _mm256_extractf128_pd(lo, 1));
        _mm_stream_pd((double *)(p + 3 * so), _mm256_extractf128_pd(hi, 1));
        return;
    }
    _mm256_storeu2_m128d((double *)(p + 2 * so), (double *)p, lo);
    _mm256_storeu2_m128d((double *)(p + 3 * so), (double *)(p + so), hi);
}
#else
#define KPAIRS 0
#endif

/* Row i of KV matrices at unit column stride: the pairs or pieces that
 * meet the triangle, through the in-register transpose, to w[j] (column
 * j). */
KALWAYS void KS(chol_get_row)(VT *restrict w, const int n, const int up,
                              const int i, const char *in, ptrdiff_t si,
                              ptrdiff_t ar)
{
    const char *row = in + i * ar;
#if KTR == 4
    if (KPAIRS) {
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j += 2)
            if (j + 2 > n) {
                if (KMEETS(i, j, 1))
                    w[j] = KS(get_one)(row + j * (ptrdiff_t)sizeof(UL_T), si);
            } else if (KMEETS(i, j, 2))
                KS(get_pair)(w + j, row + j * (ptrdiff_t)sizeof(UL_T), si);
        return;
    }
#endif
    _Pragma("GCC unroll 16")
    for (int j = 0; j < n; j += KV) {
        const int j0 = KPIECE(j), r = n - j0 < KV ? n - j0 : KV;
        if (!KMEETS(i, j0, r))
            continue;
        VT v[KV];
        KS(load_rows)(v, row + j0 * (ptrdiff_t)sizeof(UL_T), si, r);
        _Pragma("GCC unroll 16")
        for (int q = 0; q < r; q++)
            if (j0 + q >= j)
                w[j0 + q] = v[q];
    }
}

/* Row i of the factors of a full group out at unit column stride (L:
 * element j in L[j], read only in the triangle): pieces wholly in the
 * zero triangle stored as zeros straight away, the others transposed back
 * (their part in the zero triangle as constant zeros); nt: non-temporal
 * stores, pairs only (even n, o + l * so 16-byte aligned). The order of
 * the streamed stores matters (write-combining; 10000 in one thread, A/B
 * in one process, load ~2.3): the zeros 32 bytes of a lane at a time,
 * 16x16 108..122 -> 83..86 ns, 14x14 76..92 -> 58..72, 12x12 44..47 ->
 * 38..41, 10x10 25 -> 22..24, against pairs every lane in turn. Not
 * better (tried with the streamed loop still in the plain one's
 * function): each lane's run of zeros whole; the factor's pairs 32 bytes
 * of a lane at a time too (16x16 1.3x, 8..12 1.05..1.2x, 4 0.93x). */
KALWAYS void KS(chol_put_row)(const VT *restrict L, const int n,
                              const int up, const int i, char *o,
                              ptrdiff_t so, const int nt)
{
    const VT z = KS(splat)(0);
#if KTR == 4
    if (KPAIRS) {
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j += 2) {
            char *p = o + j * (ptrdiff_t)sizeof(UL_T);
            if (j + 4 <= n && !KMEETS(i, j, 4)) {   /* 4 zero columns */
                _Pragma("GCC unroll 16")
                for (int l = 0; l < KV; l++)
                    if (nt) {   /* each lane's 32 bytes together */
                        _mm_stream_pd((double *)(p + l * so), _mm_setzero_pd());
                        _mm_stream_pd((double *)(p + l * so + 16), _mm_setzero_pd());
                    } else
                        *(KS(vu) *)(p + l * so) = z;
                j += 2;
                continue;
            }
            VT v[2];
            _Pragma("GCC unroll 16")
            for (int q = 0; q < 2; q++)
                v[q] = j + q < n && (up ? j + q >= i : j + q <= i) ? L[j + q] : z;
            if (j + 2 > n)
                KS(put_one)(p, so, v[0]);
            else
                KS(put_pair)(p, so, v[0], v[1], nt);
        }
        return;
    }
#endif
    _Pragma("GCC unroll 16")
    for (int j = 0; j < n; j += KV) {
        const int j0 = KPIECE(j), r = n - j0 < KV ? n - j0 : KV;
        char *p = o + j0 * (ptrdiff_t)sizeof(UL_T);
        VT v[KV];
        _Pragma("GCC unroll 16")
        for (int q = 0; q < KV; q++)
            v[q] = q < r && (up ? j0 + q >= i : j0 + q <= i) ? L[j0 + q] : z;
        if (!KMEETS(i, j0, r)) {
            _Pragma("GCC unroll 16")
            for (int l = 0; l < KV; l++)
                if (r == KV)
                    *(KS(vu) *)(p + l * so) = z;
                else
                    KS(store_part)(p + l * so, z, r);
            continue;
        }
        KS(store_rows)(v, p, so, r);
    }
}

/* The factors of a full group (the compact A) out, row by row. */
KALWAYS void KS(chol_put_rows)(const VT *restrict A, const int n, const int up,
                               char *out, ptrdiff_t so, ptrdiff_t xr)
{
    _Pragma("GCC unroll 16")
    for (int i = 0; i < n; i++)
        KS(chol_put_row)(A + i * n, n, up, i, out + i * xr, so, 0);
}
#undef KMEETS
#endif

/* The factorisation, row by row of the matrix factored: row i (in
 * registers, w) from the caller's memory (direct: cholesky_lo, a full
 * group at unit column stride) or from the compact A, its factor row
 * either to A at KC(i, j <= i) (the other triangle is not written: the
 * output's zeros come from the stores) or (emit: direct, C-contiguous
 * stacks whose output shares no byte with the input) straight to out,
 * zeros included (emit 2: with non-temporal stores, KS(chol_n) says
 * when); the lanes for LAPACK are returned (their contents in A, or
 * out, are then meaningless: the caller overwrites them). Without
 * emit, input rows are all read before the caller writes any output, so
 * in == out works as in LAPACK's path.
 *
 * Worked as A = W D^-1 W^T (W = L D^1/2: w_ij = l_ij l_jj = a_ij -
 * sum_k<j w_ik v_jk, V = W D^-1 in its own scratch, pivots d_i = l_ii^2 =
 * a_ii - sum_k<i w_ik v_ik) and L = W D^-1/2: from one pivot to the next
 * the chain is a division, a multiply and a multiply-add (the square root
 * and the scaling are off it). Same operation count as l_ij = (a_ij - sum
 * l_ik l_jk) / l_jj, a rounding or two more per element, within the same
 * backward error bound (tests/c/test_small_chol.c). Measured (one
 * thread, 500 10x10 in cache, best of 300, load 13..17 on 2 cores, so
 * +-30 %): 36 ns per matrix with l_ij = (..) / l_jj on the compact A
 * (gathered whole), 31..35 ns this way (17.5 once, in a quiet moment);
 * callgrind: 1593 -> 1409 instructions per group of 4 (the get and put
 * of the triangle alone, instead of whole matrices). Tried and not kept
 * (A/B in one process, 1 thread, load ~3.5): l_ij = (a_ij - sum) * (1 /
 * l_jj) with the scaling on the row's chain, 1.07..1.18x the time at
 * n = 4..16 (one multiply fewer per element); GCC's pre-RA scheduling
 * (-fschedule-insns -fsched-pressure) 0.94..1.05x, mixed. Neither
 * chain bounds the time in cache: off the chain the division (pivot from
 * the unreduced diagonal), or the last term of each w_ij, 0.97..1.03x. */
KALWAYS VI KS(chol)(VT *restrict A, const int n, const int up,
                    const int direct, const char *in, ptrdiff_t si,
                    ptrdiff_t ar, const int emit, char *out, ptrdiff_t so,
                    ptrdiff_t xr)
{
    const VT one = KS(splat)(1);
    const VT tiny = KS(splat)(UL_TINY);
    VT V[UL_SMALL_MAX * UL_SMALL_MAX], dinv[UL_SMALL_MAX], rs[UL_SMALL_MAX];
    /* the largest pivot so far and 1 / the smallest (row 0: ratio 1):
     * the ratio without a division of its own */
    VT dmax = one, dinvmax = one;
    VI bad = (VI)KS(splat)(0);
    _Pragma("GCC unroll 16")
    for (int i = 0; i < n; i++) {
        VT w[UL_SMALL_MAX];
#ifdef KTR
        if (direct)
            KS(chol_get_row)(w, n, 0, i, in, si, ar);
        else
#endif
            _Pragma("GCC unroll 16")
            for (int j = 0; j <= i; j++)
                w[j] = KC(i, j);
        _Pragma("GCC unroll 16")
        for (int j = 0; j < i; j++) {
            _Pragma("GCC unroll 16")
            for (int k = 0; k < j; k++)
                w[j] -= w[k] * V[j * n + k];
            V[i * n + j] = w[j] * dinv[j];
        }
        VT p = w[i];
        VT thr = p * ((UL_T)n * UL_GUARD) * KMAX(dmax * dinvmax, one);
        thr = KS(sel)(thr > tiny, thr, tiny);
        _Pragma("GCC unroll 16")
        for (int k = 0; k < i; k++)
            p -= w[k] * V[i * n + k];
        bad |= ~(p > thr);
        dinv[i] = one / p;   /* bad lanes: anything, never used */
        if (i == 0) {
            dmax = p;
            dinvmax = dinv[i];
        } else {
            dmax = KMAX(p, dmax);
            dinvmax = KMAX(dinv[i], dinvmax);
        }
        const VT l = KSQRT(p);
        rs[i] = l * dinv[i];            /* 1 / l_ii */
        VT L[UL_SMALL_MAX];
        _Pragma("GCC unroll 16")
        for (int j = 0; j < i; j++)
            L[j] = w[j] * rs[j];
        L[i] = l;
#ifdef KTR
        if (emit) {
            KS(chol_put_row)(L, n, 0, i, out + i * xr, so, emit == 2);
            continue;
        }
#endif
        _Pragma("GCC unroll 16")
        for (int j = 0; j <= i; j++)
            KC(i, j) = L[j];
    }
    return bad;
}

/* The next group's rows, ends of each (a row of n <= 16 elements spans
 * at most 3 cache lines), read and write: big stacks stream from memory,
 * and the factorisation's loads come late in each group. Measured
 * (bench_families.sh cholesky, one thread, CPU time, load ~10): 10000
 * 10x10 124 -> 47.5 ns per matrix (C loop alone, 10000 10x10: 136 -> 40
 * ns; 500, in cache: 38 either way). */
KALWAYS void KS(chol_prefetch)(const int n, const char *in, ptrdiff_t si,
    ptrdiff_t ar, char *out, ptrdiff_t so, ptrdiff_t xr)
{
    const ptrdiff_t last = (n - 1) * (ptrdiff_t)sizeof(UL_T);
    for (int l = 0; l < KV; l++)
        for (int i = 0; i < n; i++) {
            __builtin_prefetch(in + l * si + i * ar);
            __builtin_prefetch(in + l * si + i * ar + last);
            __builtin_prefetch(out + l * so + i * xr, 1);
            __builtin_prefetch(out + l * so + i * xr + last, 1);
        }
}

#ifdef KTR
/* The bytes [lo, hi) of count n x n matrices at p (strides s, r; unit
 * column stride), and whether input and output share none. */
KALWAYS void KS(chol_span)(const char *p, ptrdiff_t count, int n,
    ptrdiff_t s, ptrdiff_t r, uintptr_t *lo, uintptr_t *hi)
{
    const ptrdiff_t a = (count - 1) * s, b = (n - 1) * r;
    *lo = (uintptr_t)p + (uintptr_t)((a < 0 ? a : 0) + (b < 0 ? b : 0));
    *hi = (uintptr_t)p + (uintptr_t)((a > 0 ? a : 0) + (b > 0 ? b : 0))
        + (uintptr_t)n * sizeof(UL_T);
}
KALWAYS int KS(chol_disjoint)(int n, char **args, ptrdiff_t count,
    ptrdiff_t si, ptrdiff_t ar, ptrdiff_t so, ptrdiff_t xr)
{
    uintptr_t ilo, ihi, olo, ohi;
    KS(chol_span)(args[0], count, n, si, ar, &ilo, &ihi);
    KS(chol_span)(args[1], count, n, so, xr, &olo, &ohi);
    return ohi <= ilo || ihi <= olo;
}
#endif

/* The groups of KV matrices of one call; mode (KS(chol_mode) below): 1
 * emit, 2 emit with non-temporal stores. */
KALWAYS ptrdiff_t KS(chol_groups)(const int n, const int up, char **args,
    const ptrdiff_t *dims, const ptrdiff_t *steps, const int mode,
    ptrdiff_t *first_failed)
{
    const ptrdiff_t N = dims[0];
    /* one matrix: in every lane (outer steps 0), so that it takes the
     * full-group moves, no padding; its KV equal results are stored to
     * the one place (one 10x10: 290 -> 165 ns, LAPACK's path 265;
     * ul_small.c has the table) */
    const int one = N == 1, emit = mode >= 1, nt = mode == 2;
    const ptrdiff_t si = one ? 0 : steps[0], so = one ? 0 : steps[1],
                    ar = steps[2], ac = steps[3], xr = steps[4], xc = steps[5];
#ifdef KTR
    const ptrdiff_t rowb = n * (ptrdiff_t)sizeof(UL_T);
#endif
    VT A[UL_SMALL_MAX * UL_SMALL_MAX] __attribute__((aligned(64)));
    ptrdiff_t nfail = 0;
    *first_failed = -1;
    for (ptrdiff_t b = 0; b < N; b += KV) {
        const int nl = N - b < KV ? (int)(N - b) : KV, full = one || nl == KV;
        const char *in = args[0] + b * si;
        char *out = args[1] + b * so;
        VI bad;
        int emitted = 0;
        if (emit) {
            /* a contiguous stack: each line of the next group's input
             * once (the rows' ends: most lines two or three times), the
             * output not (measured: 10000 in 1 thread, A/B in one
             * process, load ~3.5: n = 8, 10, 16 0.87..0.93x the time;
             * the output's too, 0.92..0.95x; two groups ahead no
             * better; none, or the loop unrolled, n = 16 1.15..1.25x.
             * The output's prefetch (prefetchw, this group's or the
             * next's) when the output is out of cache (a 64 MB sweep
             * between calls): n = 8, 10 0.65..0.9x, but warm 1.05x and
             * in bench_families.sh mixed (n = 10 better, 8 and 16
             * worse), so not kept) */
            if (b + 2 * KV <= N)
                for (ptrdiff_t q = 0; q < KV * si; q += 64)
                    __builtin_prefetch(in + KV * si + q);
        } else if (b + 2 * KV <= N)
            KS(chol_prefetch)(n, in + KV * si, si, ar, out + KV * so, so, xr);
#ifdef KTR
        if (full && ac == (ptrdiff_t)sizeof(UL_T)) {
            if (up) {   /* the upper triangle into the compact A */
                _Pragma("GCC unroll 16")
                for (int i = 0; i < n; i++)
                    KS(chol_get_row)(A + i * n, n, up, i, in, si, ar);
            }
            if ((emitted = emit))
                bad = KS(chol)(A, n, 0, 1, in, n * rowb, rowb, 1 + nt, out,
                               n * rowb, rowb);
            else
                bad = KS(chol)(A, n, up, !up, in, si, ar, 0, NULL, 0, 0);
            if (KMOVMSK(bad) == 0 && emitted)
                continue;
            if (KMOVMSK(bad) == 0 && xc == (ptrdiff_t)sizeof(UL_T)) {
                KS(chol_put_rows)(A, n, up, out, so, xr);
                continue;
            }
        } else
#endif
        {
            KS(gather)(A, n, n, n, 0, in, si, ar, ac, full ? KV : nl);
            bad = KS(chol)(A, n, up, 0, NULL, 0, 0, 0, NULL, 0, 0);
        }
        /* lane by lane: a partial group, LAPACK's lanes, strided output */
        if (nt)     /* the group's streamed stores before LAPACK's plain ones */
            _mm_sfence();
        const UL_T *a = (const UL_T *)A;
        for (int l = 0; l < nl; l++) {
            char *o = out + l * so;
            if (bad[l]) {
                if (KS(lapack_potrf)(n, up, in + l * si, ar, ac, o, xr, xc) != 0)
                    if (nfail++ == 0)
                        *first_failed = b + l;
                continue;
            }
            if (emitted)        /* written by the kernel */
                continue;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    KS(put)(o + i * xr + j * xc, (up ? j >= i : j <= i)
                            ? a[(i * n + j) * KV + l] : 0);
        }
    }
    if (nt)     /* streamed stores visible before the caller's next */
        _mm_sfence();
    return nfail;
}

/* How KS(chol_groups) takes a call. */
KALWAYS int KS(chol_mode)(const int n, const int up, char **args,
    const ptrdiff_t *dims, const ptrdiff_t *steps)
{
#ifdef KTR
    const ptrdiff_t N = dims[0];
    const int one = N == 1;
    const ptrdiff_t si = one ? 0 : steps[0], so = one ? 0 : steps[1],
                    ar = steps[2], ac = steps[3], xr = steps[4], xc = steps[5];
    const ptrdiff_t es = (ptrdiff_t)sizeof(UL_T), rowb = n * es;
    /* cholesky_lo of full groups of a C-contiguous stack stores each
     * factor row as soon as it is made (no staging in A) when no output
     * byte can be an input byte: an input read later, or read again for
     * LAPACK's lanes, stays intact. All strides constant: every address
     * a constant offset from in or out, none computed and spilled
     * (callgrind, n = 10: 1527 -> 1340 instructions per group; other
     * strides take the staged path) */
    const int emit = !up && ac == es && xc == es && ar == rowb && xr == rowb
        && si == n * rowb && so == n * rowb
        && KS(chol_disjoint)(n, args, one ? 1 : N, si, ar, so, xr);
    /* and, when the output is big, with non-temporal stores: no read
     * for ownership, no caches filled with lines nobody reads here. A
     * plain store finds its line in L3 only in a tight loop of calls:
     * after a 3 ms pause (a spin, no memory touched) 10000 10x10 ran 27
     * -> 45..59 ns, streamed 24..25 either way. Measured (bench_families.sh
     * cholesky, 1 thread, old lib / new alternated, load ~1.7): 10000
     * 10x10 44..56 -> 23..25 ns, 16x16 193..200 -> 84..89, 100000 4x4
     * 6.7..7.0 -> 5.3..5.5. The bound (A/B in one process, separate
     * outputs, load ~1.4): from 4 MB 0.83..0.98x the time (n = 4..16);
     * at 1..3 MB 0.81..0.95x for n = 10..16 but n = 8 after a pause
     * 1.10..1.16x. Pairs of columns only: even n, 16-byte aligned
     * output (odd n and the SSE2 target stay plain) */
#if KTR == 4
    const int nt = emit && KPAIRS && n % 2 == 0 && (uintptr_t)args[1] % 16 == 0
        && (N > ul_split_whole ? N : ul_split_whole) * n * rowb >= UL_CHOL_NT_BYTES;
#else   /* not named at all: clang -O0 would leave an untyped (non-TLS) reference */
    const int nt = 0;
#endif
    return nt ? 2 : emit;
#else
    return 0;
#endif
}

/* One instance per n and triangle (constant bounds: the loops unroll). */
#define KCASES(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) \
                  X(11) X(12) X(13) X(14) X(15) X(16)
/* The streamed loop in a function of its own (float64 AVX2: KS(chol_mode)
 * can choose it): as one function with the other, 16x16 at 10000 1.25x
 * the time (the registers allocated for both), and its test per group
 * made n = 4 plain 1.06x. */
#if KTR == 4
#define KNTFN(nn) \
    static __attribute__((noinline)) ptrdiff_t KS(chol_lo_nt_##nn)(char **args, \
        const ptrdiff_t *dims, const ptrdiff_t *steps, ptrdiff_t *ff) \
    { return KS(chol_groups)(nn, 0, args, dims, steps, 2, ff); }
#define KNTCALL(nn) if (m == 2) return KS(chol_lo_nt_##nn)(args, dims, steps, ff);
#else
#define KNTFN(nn)
#define KNTCALL(nn)
#endif
#define X(nn) \
    KNTFN(nn) \
    static __attribute__((noinline)) ptrdiff_t KS(chol_lo_##nn)(char **args, \
        const ptrdiff_t *dims, const ptrdiff_t *steps, ptrdiff_t *ff) \
    { \
        const int m = KS(chol_mode)(nn, 0, args, dims, steps); \
        KNTCALL(nn) \
        return KS(chol_groups)(nn, 0, args, dims, steps, m, ff); \
    } \
    static __attribute__((noinline)) ptrdiff_t KS(chol_up_##nn)(char **args, \
        const ptrdiff_t *dims, const ptrdiff_t *steps, ptrdiff_t *ff) \
    { return KS(chol_groups)(nn, 1, args, dims, steps, 0, ff); }
KCASES(X)
#undef X
#undef KNTFN
#undef KNTCALL

static ptrdiff_t KS(chol_any)(int up, char **args, const ptrdiff_t *dims,
                              const ptrdiff_t *steps, ptrdiff_t *ff)
{
    switch (dims[1]) {
#define X(nn) case nn: return up ? KS(chol_up_##nn)(args, dims, steps, ff) \
                                 : KS(chol_lo_##nn)(args, dims, steps, ff);
    KCASES(X)
#undef X
    }
    return -1;
}

UL_HIDDEN ptrdiff_t KS(ul_small_cholesky_lo)(char **args, const ptrdiff_t *dims,
                                             const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(chol_any)(0, args, dims, steps, ff);
}

UL_HIDDEN ptrdiff_t KS(ul_small_cholesky_up)(char **args, const ptrdiff_t *dims,
                                             const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(chol_any)(1, args, dims, steps, ff);
}

#undef KCASES
#undef KPIECE
#undef KPAIRS
#undef KC
#undef KSQRT
#undef KREG
#include "ul_simd_undef.h"
