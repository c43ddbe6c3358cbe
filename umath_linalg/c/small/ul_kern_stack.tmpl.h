/*
 * ul_kern_stack.tmpl.h - kernels across the matrices of a stack ("compact"
 * layout, SIMD across matrices) for one real dtype and target (included by
 * ul_kern.tmpl.h). KV matrices of one call are gathered into an aligned
 * scratch where element (i, j) of all KV matrices is one vector VT:
 * A[i * ld + j][lane]. Missing tail lanes are padded with the identity.
 * Every kernel is branch-free across lanes: pivot search by compare +
 * select, so each lane does exactly LAPACK's partial pivoting (first index
 * of max |a_ik|).
 *
 * Singularity and accuracy guard: a lane whose input is not finite (or
 * whose sum of |a_ij| overflows), or whose pivot is small,
 * |p| <= n * UL_GUARD * max|A| (or below UL_TINY), is recomputed by the
 * loops' own one-matrix LAPACK path, so exact singularity, NaN and Inf
 * input and nearly singular matrices give the LAPACK path's results bit
 * for bit; every other lane has pivots far from zero, where the kernel's
 * result is within LAPACK's accuracy bounds (tests/c/test_small_*.c).
 */

/* Gathers nl <= KV matrices (n x nc, strides rs, cs) starting at src, one
 * every `step` bytes, into columns c0.. of the compact A (row length ld);
 * lanes nl.. get the identity (its first nc columns past c0 when c0 == 0,
 * zeros otherwise). */
KALWAYS void KS(gather)(VT *restrict A, int n, int nc, int ld, int c0,
    const char *src, ptrdiff_t step, ptrdiff_t rs, ptrdiff_t cs, int nl)
{
    UL_T *a = (UL_T *)A;
    if (nl == KV) {
        /* full group: build each vector in registers from KV scalar loads
         * and store it whole (no lane-wise stores to reload as vectors);
         * with unit column stride, whole row pieces are loaded and
         * transposed in registers */
        int jv = 0;
#ifdef KTR
        if (cs == (ptrdiff_t)sizeof(UL_T)) {
            jv = nc;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < nc; j += KV) {
                    const int r = nc - j < KV ? nc - j : KV;
                    VT v[KV];
                    KS(load_rows)(v, src + i * rs + j * cs, step, r);
                    _Pragma("GCC unroll 16")
                    for (int q = 0; q < KV; q++)
                        if (q < r)
                            A[i * ld + c0 + j + q] = v[q];
                }
        }
#endif
        for (int i = 0; i < n && jv < nc; i++)
            for (int j = jv; j < nc; j++) {
                const char *s = src + i * rs + j * cs;
                VT v;
                _Pragma("GCC unroll 16")
                for (int l = 0; l < KV; l++)
                    v[l] = KS(get)(s + l * step);
                A[i * ld + c0 + j] = v;
            }
        return;
    }
    for (int l = 0; l < nl; l++) {
        const char *s = src + l * step;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < nc; j++)
                a[(i * ld + c0 + j) * KV + l] =
                    KS(get)(s + i * rs + j * cs);
    }
    for (int l = nl; l < KV; l++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < nc; j++)
                a[(i * ld + c0 + j) * KV + l] = (c0 == 0 && i == j) ? 1 : 0;
}

/* Lanes that must go to LAPACK because some entry is not finite; also
 * returns the per-lane pivot threshold. */
KALWAYS VI KS(scan)(const VT *restrict A, int n, int ld, VT *thr)
{
    VT mx = KS(splat)(0), sum = KS(splat)(0);
    for (int i = 0; i < n; i++)
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++) {
            VT a = KS(vabs)(A[i * ld + j]);
            mx = KMAX(a, mx);
            sum += a;
        }
    VT t = mx * ((UL_T)n * UL_GUARD);
    VT tiny = KS(splat)(UL_TINY);
    *thr = KS(sel)(t > tiny, t, tiny);
    return KS(notfinite)(sum);
}

/* ---- pivot search ------------------------------------------------------ */

/* idx = first i >= k with the largest |A[i][k]| (LAPACK's i?amax); bad
 * gets the lanes whose pivot is within the threshold (or NaN). piv[0] is
 * that A[i][k] and piv[1] A[i][k + 1] (k + 1 < n): the next
 * step's pivot column needs only these of the pivot row, so with them
 * the division and that column need not wait for the pivot row's loads
 * at idx (the chain of every step that interchanges rows). */
KALWAYS VT KS(pivot)(const VT *restrict A, int n, int ld, int k, VT thr,
                     VI *bad, int *restrict p, VT *piv)
{
    const int k1 = k + 1 < n ? k + 1 : k;
    VT v = A[k * ld + k], v1 = A[k * ld + k1];
    VT m = KS(vabs)(v);
    VT idx = KS(splat)((UL_T)k);
    for (int i = k + 1; i < n; i++) {
        VT a = KS(vabs)(A[i * ld + k]);
        VI gt = a > m;
        m = KS(sel)(gt, a, m);
        v = KS(sel)(gt, A[i * ld + k], v);
        v1 = KS(sel)(gt, A[i * ld + k1], v1);
        idx = KS(sel)(gt, KS(splat)((UL_T)i), idx);
    }
    piv[0] = v;
    piv[1] = v1;
    *bad |= ~(m > thr);
    _Pragma("GCC unroll 16")
    for (int l = 0; l < KV; l++)
        p[l] = (int)idx[l];
    return idx;
}

/* Row p[l] of lane l, columns j0..j1-1, into T (loads and constant-mask
 * blends only). */
KALWAYS void KS(pivot_row)(const VT *restrict A, int ld, int k, const int *p,
                           int j0, int j1, VT *restrict T)
{
    _Pragma("GCC unroll 16")
    for (int j = j0; j < j1; j++) {
        VT r = A[k * ld + j];
        _Pragma("GCC unroll 16")
        for (int l = 0; l < KV; l++)
            r = KS(sel)(KS(lanemask)(l), A[p[l] * ld + j], r);
        T[j] = r;
    }
}

/* ---- inverse: in-place Gauss-Jordan with partial pivoting --------------
 * The row interchange is fused into the elimination: the pivot row is
 * gathered into T by blends, each row i is updated from "row i, or the old
 * row k in the lanes whose pivot row is i", and row k becomes T. So every
 * element is loaded and stored once per step, and no lane is ever written
 * alone. When no lane interchanges at step k (the common case: one
 * branch per step), the blends are skipped; the arithmetic is the same.
 * k is unrolled (n <= 12), so every address is a constant offset, and two
 * steps without an interchange share one pass over the rows (gj_pair).
 * On return A holds
 * inv(P A) for the lane's row permutation P; perm[k][l] is the row
 * interchanged with row k at step k, *anysw 0 when P = I in every lane.
 * With k and i unrolled the compiler sees a stored -f * r reach the next
 * step's multiply-add and would fuse the two: KS(rounded) keeps the
 * rounding of two separate steps (and the bits of gesv-compared tests). */
KALWAYS void KS(gj_rows)(VT *restrict A, const int n, const int k,
                         const int i0, const int i1, const VT *T, const VT r)
{
    for (int i = i0; i < i1; i++) {
        VT *Ai = A + i * n;
        const VT f = Ai[k];
        /* column k is overwritten below: skipped when k is a constant */
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++)
            if (j != k || n > 12)
                Ai[j] -= f * T[j];
        Ai[k] = KS(rounded)(-f * r);
    }
}

/* Step k of gj_inv after its pivot search (idx, swk: some lane
 * interchanges rows); returns swk. */
KALWAYS int KS(gj_update)(VT *restrict A, const int n, const int k,
                          const VT idx, const VT *piv, const int swk,
                          const int *perm)
{
    const VT one = KS(splat)(1);
    VT T[UL_SMALL_MAX];
    if (!swk) {
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++)
            T[j] = A[k * n + j];
    } else {
        KS(pivot_row)(A, n, k, perm, 0, n, T);
        if (k + 1 < n)
            T[k + 1] = piv[1];
    }
    const VT r = one / piv[0];
    T[k] = one;
    _Pragma("GCC unroll 16")
    for (int j = 0; j < n; j++)
        T[j] *= r;
    /* rows below the pivot first: the next step's pivot search needs
     * only them, so it can overlap the updates of the rows above */
    if (!swk) {
        KS(gj_rows)(A, n, k, k + 1, n, T, r);
    } else {
        for (int i = k + 1; i < n; i++) {
            VT *Ai = A + i * n;
            const VT *Ak = A + k * n;
            VI mi = idx == KS(splat)((UL_T)i);
            VT f = KS(sel)(mi, Ak[k], Ai[k]);
            _Pragma("GCC unroll 16")
            for (int j = 0; j < n; j++)
                if (j != k || n > 12)
                    Ai[j] = KS(sel)(mi, Ak[j], Ai[j]) - f * T[j];
            Ai[k] = KS(rounded)(-f * r);
        }
    }
    KS(gj_rows)(A, n, k, 0, k, T, r);
    _Pragma("GCC unroll 16")
    for (int j = 0; j < n; j++)
        A[k * n + j] = T[j];
    return swk;
}

/* One step k of gj_inv; returns 1 when some lane interchanges rows. */
KALWAYS int KS(gj_step)(VT *restrict A, const int n, const int k, VT thr,
                        VI *bad, int *restrict perm)
{
    VT piv[2];
    VT idx = KS(pivot)(A, n, n, k, thr, bad, perm, piv);
    const int swk = KMOVMSK((VI)(idx != KS(splat)((UL_T)k))) != 0;
    return KS(gj_update)(A, n, k, idx, piv, swk, perm);
}

/* Steps k and k + 1 as two single steps (gj_pair when some lane
 * interchanges rows at k or k + 1, after step k's pivot search). */
KALWAYS int KS(gj_pair_two)(VT *restrict A, const int n, const int k,
                            VT thr, VI *bad, int (*restrict perm)[KV],
                            const VT idx, const VT *piv)
{
    const int swk = KMOVMSK((VI)(idx != KS(splat)((UL_T)k))) != 0;
    const int sw = KS(gj_update)(A, n, k, idx, piv, swk, perm[k]);
    return sw | KS(gj_step)(A, n, k + 1, thr, bad, perm[k + 1]);
}

/* gj_pair_two for n = 12 out of line, one body per constant k: inlined
 * into the unrolled gj_inv of n = 12 (the largest), its code made gcc
 * compile the no-interchange pairs worse (bench_ab inv 12 1000, load 2.4:
 * 0.77x the time out of line; invpiv 0.99x). Out of line for n = 6..11
 * too measured 1.04..1.09x on invpiv (n = 11 inv 1.06x): inline there. */
static __attribute__((noinline)) int KS(gj_pair_two12)(VT *restrict A,
    const int k, VT thr, VI *bad, int (*restrict perm)[KV], const VT idx,
    const VT *piv)
{
#define KPAIR(kk) case kk: \
        return KS(gj_pair_two)(A, 12, kk, thr, bad, perm, idx, piv);
    switch (k) {
    KPAIR(0) KPAIR(2) KPAIR(4) KPAIR(6) KPAIR(8) KPAIR(10)
    }
#undef KPAIR
    __builtin_unreachable();
}

/* Steps k and k + 1 (k + 1 < n, constant): when neither interchanges rows
 * in any lane (known after step k's pivot row and column k + 1 of the rows
 * below are formed), one pass over the rows does both, each element loaded
 * and stored once for the two steps, with the same operations in the same
 * order as two single steps (so the same bits); otherwise two single steps.
 * Returns 1 when some lane interchanges rows. */
KALWAYS int KS(gj_pair)(VT *restrict A, const int n, const int k, VT thr,
                        VI *bad, int (*restrict perm)[KV])
{
    const VT one = KS(splat)(1);
    const int k1 = k + 1;
    VI bad1 = *bad;
    VT piv[2];
    const VT idx = KS(pivot)(A, n, n, k, thr, &bad1, perm[k], piv);
    const int swk = KMOVMSK((VI)(idx != KS(splat)((UL_T)k))) != 0;
    if (!swk) {
        VT T1[UL_SMALL_MAX], c[UL_SMALL_MAX];
        const VT r1 = one / A[k * n + k];
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++)
            T1[j] = (j == k ? one : A[k * n + j]) * r1;
        /* column k + 1 of rows k + 1.. after step k, and its pivot */
        _Pragma("GCC unroll 16")
        for (int i = k1; i < n; i++)
            c[i] = A[i * n + k1] - A[i * n + k] * T1[k1];
        VT m = KS(vabs)(c[k1]);
        VI gt2 = (VI)KS(splat)(0);
        _Pragma("GCC unroll 16")
        for (int i = k1 + 1; i < n; i++) {
            VI gt = KS(vabs)(c[i]) > m;
            m = KS(sel)(gt, KS(vabs)(c[i]), m);
            gt2 |= gt;
        }
        if (KMOVMSK(gt2) == 0) {
            *bad = bad1 | ~(m > thr);
            _Pragma("GCC unroll 16")
            for (int l = 0; l < KV; l++)
                perm[k1][l] = k1;
            /* the pivot row of step k + 1: row k + 1 after step k */
            VT T2[UL_SMALL_MAX];
            const VT f1 = A[k1 * n + k], r2 = one / c[k1];
            _Pragma("GCC unroll 16")
            for (int j = 0; j < n; j++) {
                VT u = j == k ? -f1 * r1 : A[k1 * n + j] - f1 * T1[j];
                T2[j] = (j == k1 ? one : u) * r2;
            }
            /* row k: the pivot row of step k, then updated by step k + 1 */
            const VT g = T1[k1];
            _Pragma("GCC unroll 16")
            for (int j = 0; j < n; j++)
                A[k * n + j] = j == k1 ? KS(rounded)(-g * r2) : T1[j] - g * T2[j];
            _Pragma("GCC unroll 16")
            for (int i = 0; i < n; i++) {
                if (i == k || i == k1)
                    continue;
                VT *Ai = A + i * n;
                const VT f = Ai[k];
                const VT f2 = i > k1 ? c[i] : Ai[k1] - f * T1[k1];
                _Pragma("GCC unroll 16")
                for (int j = 0; j < n; j++) {
                    if (j == k1)
                        continue;
                    VT v = j == k ? KS(rounded)(-f * r1) : Ai[j] - f * T1[j];
                    Ai[j] = v - f2 * T2[j];
                }
                Ai[k1] = KS(rounded)(-f2 * r2);
            }
            _Pragma("GCC unroll 16")
            for (int j = 0; j < n; j++)
                A[k1 * n + j] = T2[j];
            return 0;
        }
    }
    *bad = bad1;
    if (n == 12)
        return KS(gj_pair_two12)(A, k, thr, bad, perm, idx, piv);
    return KS(gj_pair_two)(A, n, k, thr, bad, perm, idx, piv);
}

KALWAYS VI KS(gj_inv)(VT *restrict A, const int n, VT thr,
                      int (*restrict perm)[KV], int *anysw)
{
    VI bad = (VI)KS(splat)(0);
    int sw = 0;
    if (n <= 12) {
        _Pragma("GCC unroll 16")
        for (int k = 0; k < n; k += 2)
            if (k + 1 < n)
                sw |= KS(gj_pair)(A, n, k, thr, &bad, perm);
            else
                sw |= KS(gj_step)(A, n, k, thr, &bad, perm[k]);
    } else {
        /* not unrolled: compile time and code size grow as n^3 */
        for (int k = 0; k < n; k++)
            sw |= KS(gj_step)(A, n, k, thr, &bad, perm[k]);
    }
    *anysw = sw;
    return bad;
}

/* ---- inverse for n <= 4, whole group in registers ----------------------
 * Same elimination, but every index is a compile-time constant (full
 * unrolling), so the matrices live in registers: the row interchange is a
 * conditional swap by blends with each candidate row, and the column
 * unscramble at the end is done the same way, so A comes back as inv(A)
 * with no permutation left to apply. */
#define KREG 4
KALWAYS VI KS(gj_reg)(VT a[KREG][KREG], const int n)
{
    VT piv[KREG];
    const VT one = KS(splat)(1), zero = KS(splat)(0);
    VT mx = zero, sum = zero;
    /* the guard of scan() on the registers */
    _Pragma("GCC unroll 4")
    for (int i = 0; i < n; i++) {
        _Pragma("GCC unroll 4")
        for (int j = 0; j < n; j++) {
            VT v = KS(vabs)(a[i][j]);
            mx = KMAX(v, mx);
            sum += v;
        }
    }
    VI bad = KS(notfinite)(sum);
    int sw = 0;
    VT thr = mx * ((UL_T)n * UL_GUARD), tiny = KS(splat)(UL_TINY);
    thr = KS(sel)(thr > tiny, thr, tiny);
    _Pragma("GCC unroll 4")
    for (int k = 0; k < n; k++) {
        VT m = KS(vabs)(a[k][k]), idx = KS(splat)((UL_T)k);
        _Pragma("GCC unroll 4")
        for (int i = k + 1; i < n; i++) {
            VT v = KS(vabs)(a[i][k]);
            VI gt = v > m;
            m = KS(sel)(gt, v, m);
            idx = KS(sel)(gt, KS(splat)((UL_T)i), idx);
        }
        bad |= ~(m > thr);
        piv[k] = idx;
        /* no lane interchanges at step k (the common case): no blends */
        const int swk = KMOVMSK((VI)(idx != KS(splat)((UL_T)k))) != 0;
        sw |= swk;
        if (swk)
            _Pragma("GCC unroll 4")
            for (int i = k + 1; i < n; i++) {
                VI mi = idx == KS(splat)((UL_T)i);
                _Pragma("GCC unroll 4")
                for (int j = 0; j < n; j++) {
                    VT t = a[k][j];
                    a[k][j] = KS(sel)(mi, a[i][j], t);
                    a[i][j] = KS(sel)(mi, t, a[i][j]);
                }
            }
        const VT r = one / a[k][k];
        a[k][k] = one;
        _Pragma("GCC unroll 4")
        for (int j = 0; j < n; j++)
            a[k][j] *= r;
        _Pragma("GCC unroll 4")
        for (int i = 0; i < n; i++) {
            if (i == k)
                continue;
            VT f = a[i][k];
            a[i][k] = zero;
            _Pragma("GCC unroll 4")
            for (int j = 0; j < n; j++)
                a[i][j] -= f * a[k][j];
        }
    }
    /* column unscramble, only when some lane interchanged */
    if (sw)
        _Pragma("GCC unroll 4")
        for (int k = n - 1; k >= 0; k--) {
            _Pragma("GCC unroll 4")
            for (int c = k + 1; c < n; c++) {
                VI mc = piv[k] == KS(splat)((UL_T)c);
                _Pragma("GCC unroll 4")
                for (int i = 0; i < n; i++) {
                    VT t = a[i][k];
                    a[i][k] = KS(sel)(mc, a[i][c], t);
                    a[i][c] = KS(sel)(mc, t, a[i][c]);
                }
            }
        }
    return bad;
}

/* gj_reg on the compact scratch */
KALWAYS VI KS(gj_inv_reg)(VT *restrict Am, const int n)
{
    VT a[KREG][KREG];
    _Pragma("GCC unroll 4")
    for (int i = 0; i < n; i++)
        _Pragma("GCC unroll 4")
        for (int j = 0; j < n; j++)
            a[i][j] = Am[i * n + j];
    VI bad = KS(gj_reg)(a, n);
    _Pragma("GCC unroll 4")
    for (int i = 0; i < n; i++)
        _Pragma("GCC unroll 4")
        for (int j = 0; j < n; j++)
            Am[i * n + j] = a[i][j];
    return bad;
}

#ifdef KTR
/* gj_reg straight from and to the caller's memory: a full group, unit
 * column strides in and out. Rows of the KV matrices are loaded whole (or
 * partially, n % KV) and transposed in registers into a[][], and back the
 * same way, with no scratch in between. When some lane needs LAPACK,
 * nothing is stored: the inverses are left in Am for the lane-by-lane
 * output, and the bad lanes returned. */
KALWAYS VI KS(inv_reg_direct)(const int n, const char *in, ptrdiff_t si,
                              ptrdiff_t ar, char *out, ptrdiff_t so,
                              ptrdiff_t xr, VT *restrict Am)
{
    VT a[KREG][KREG];
    _Pragma("GCC unroll 4")
    for (int i = 0; i < n; i++)
        _Pragma("GCC unroll 4")
        for (int j = 0; j < n; j += KV) {
            const int r = n - j < KV ? n - j : KV;
            VT v[KV];
            KS(load_rows)(v, in + i * ar + j * (ptrdiff_t)sizeof(UL_T), si, r);
            _Pragma("GCC unroll 16")
            for (int q = 0; q < KV; q++)
                if (q < r)
                    a[i][j + q] = v[q];
        }
    VI bad = KS(gj_reg)(a, n);
    if (KMOVMSK(bad) != 0) {
        _Pragma("GCC unroll 4")
        for (int i = 0; i < n; i++)
            _Pragma("GCC unroll 4")
            for (int j = 0; j < n; j++)
                Am[i * n + j] = a[i][j];
        return bad;
    }
    _Pragma("GCC unroll 4")
    for (int i = 0; i < n; i++)
        _Pragma("GCC unroll 4")
        for (int j = 0; j < n; j += KV) {
            const int r = n - j < KV ? n - j : KV;
            VT v[KV];
            _Pragma("GCC unroll 16")
            for (int q = 0; q < KV; q++)
                v[q] = q < r ? a[i][j + q] : KS(splat)(0);
            KS(store_rows)(v, out + i * xr + j * (ptrdiff_t)sizeof(UL_T), so, r);
        }
    return bad;
}
#endif


#ifdef KTR
/* The inverses of a full group to the caller, every lane the kernel's, no
 * interchange left to undo, unit output column stride: KV columns at a
 * time are transposed in registers and stored as row pieces; the last
 * n % KV columns by a partial store. */
KALWAYS void KS(put_rows)(const VT *restrict A, const int n, char *out,
                          ptrdiff_t so, ptrdiff_t xr)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j += KV) {
            const int r = n - j < KV ? n - j : KV;
            VT v[KV];
            _Pragma("GCC unroll 16")
            for (int q = 0; q < KV; q++)
                v[q] = q < r ? A[i * n + j + q] : KS(splat)(0);
            KS(store_rows)(v, out + i * xr + j * (ptrdiff_t)sizeof(UL_T), so, r);
        }
}
#endif
