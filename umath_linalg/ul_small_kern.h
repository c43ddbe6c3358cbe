/*
 * ul_small_kern.h - the small-n kernels for one real dtype and one target,
 * included by ul_small.c once per (dtype, target). Not a public header.
 *
 * Layout ("compact", SIMD across matrices): KV matrices of one call are
 * gathered into an aligned scratch where element (i, j) of all KV matrices
 * is one vector VT: A[i * ld + j][lane]. Missing tail lanes are padded with
 * the identity. Every kernel is branch-free across lanes: pivot search by
 * compare + select, row interchange lane by lane (scalar moves), so each
 * lane does exactly LAPACK's partial pivoting (first index of max |a_ik|).
 *
 * Singularity and accuracy guard: a lane whose input is not finite (or
 * whose sum of |a_ij| overflows), or whose pivot is small,
 * |p| <= n * 2^-(mantissa bits - 7) * max|A| (or below
 * a few times the smallest normal number), is recomputed by LAPACK itself
 * (?gesv / ?getrf on a Fortran copy, exactly as the LAPACK path of the
 * loops), so exact singularity, NaN and Inf input, and nearly singular
 * matrices give the LAPACK path's results bit for bit; every other lane
 * has pivots far from zero, where the kernel's result is within LAPACK's
 * accuracy bounds (tests/c/test_small_*.c).
 *
 * Parameters (defined by the includer, undefined at the end):
 *   KT scalar type, KV lanes, KI same-width integer, VT/VI vector typedef
 *   names, KS(x) name suffixing, KEXPSHIFT/KEXPMASK/KBIAS float format,
 *   KGUARD guard factor, KTINY smallest accepted pivot, KGESV/KGETRF the
 *   LAPACK symbols.
 */

typedef KT VT __attribute__((vector_size(KV * sizeof(KT))));
typedef KI VI __attribute__((vector_size(KV * sizeof(KT))));

#define KALWAYS static inline __attribute__((always_inline))

KALWAYS VT KS(splat)(KT x) { return (VT){0} + x; }
/* m ? a : b, m all-ones or zero per lane */
#ifdef KBLENDV
KALWAYS VT KS(sel)(VI m, VT a, VT b) { return KBLENDV(b, a, m); }
#else
KALWAYS VT KS(sel)(VI m, VT a, VT b) { return (VT)((m & (VI)a) | (~m & (VI)b)); }
#endif
/* |x| by clearing the sign bit (one and; NaN stays NaN) */
KALWAYS VT KS(vabs)(VT x)
{
    const VI nosign = (VI){0} + (KI)(~0ull >> (65 - 8 * sizeof(KT)));
    return (VT)((VI)x & nosign);
}
/* Lanes where sum (of |a_ij|) is Inf or NaN: some entry is not finite,
 * or (harmlessly: LAPACK then takes the lane) the sum overflowed. */
KALWAYS VI KS(notfinite)(VT sum)
{
    return ~(sum <= KS(splat)(KBIG));
}
/* all-ones in lane l only (a compare, so it stays in registers) */
KALWAYS VI KS(lanemask)(int l)
{
    VI iota, ll;
    _Pragma("GCC unroll 16")
    for (int i = 0; i < KV; i++) {
        iota[i] = i;
        ll[i] = l;
    }
    return iota == ll;
}

/* ---- gather / scatter --------------------------------------------------- */

/* Caller memory may sit at any byte address (umath_linalg.h): it is read
 * and written only through these, one plain load or store each on x86-64
 * (memcpy of a fixed size, and a vector type of alignment 1). */
typedef KT KS(vu) __attribute__((vector_size(KV * sizeof(KT)), aligned(1)));
KALWAYS KT KS(get)(const char *p)
{
    KT x;
    memcpy(&x, p, sizeof x);
    return x;
}
KALWAYS void KS(put)(char *p, KT x)
{
    memcpy(p, &x, sizeof x);
}

/* KTR x KTR in-register transpose (KTR == KV, float64 only): rows of KV
 * matrices <-> compact vectors. */
#ifdef KTR
KALWAYS void KS(transpose)(VT *v)
{
#if KTR == 4
    VT t0 = __builtin_shuffle(v[0], v[1], (VI){0, 4, 2, 6});
    VT t1 = __builtin_shuffle(v[0], v[1], (VI){1, 5, 3, 7});
    VT t2 = __builtin_shuffle(v[2], v[3], (VI){0, 4, 2, 6});
    VT t3 = __builtin_shuffle(v[2], v[3], (VI){1, 5, 3, 7});
    v[0] = __builtin_shuffle(t0, t2, (VI){0, 1, 4, 5});
    v[1] = __builtin_shuffle(t1, t3, (VI){0, 1, 4, 5});
    v[2] = __builtin_shuffle(t0, t2, (VI){2, 3, 6, 7});
    v[3] = __builtin_shuffle(t1, t3, (VI){2, 3, 6, 7});
#else
    VT t0 = __builtin_shuffle(v[0], v[1], (VI){0, 2});
    v[1] = __builtin_shuffle(v[0], v[1], (VI){1, 3});
    v[0] = t0;
#endif
}

/* The first r <= KV elements at p with zeros after, and the store of the
 * first r elements of v: element moves, which the compiler merges into
 * vector ones (and never reads or writes past the r elements). */
KALWAYS VT KS(load_part)(const char *p, int r)
{
    VT v = KS(splat)(0);
    _Pragma("GCC unroll 16")
    for (int q = 0; q < KV; q++)
        if (q < r) {
            KT x;
            memcpy(&x, p + q * (ptrdiff_t)sizeof(KT), sizeof(KT));
            v[q] = x;
        }
    return v;
}

KALWAYS void KS(store_part)(char *p, VT v, int r)
{
    _Pragma("GCC unroll 16")
    for (int q = 0; q < KV; q++)
        if (q < r) {
            KT x = v[q];
            memcpy(p + q * (ptrdiff_t)sizeof(KT), &x, sizeof(KT));
        }
}

/* Row pieces of KV matrices (src + l * step, r <= KV elements each) into
 * v[q] = element q of every lane, through the in-register transpose; and
 * the way back, v[q] for q < r out to dst + l * step. */
KALWAYS void KS(load_rows)(VT *v, const char *src, ptrdiff_t step, int r)
{
    _Pragma("GCC unroll 16")
    for (int l = 0; l < KV; l++) {
        const char *p = src + l * step;
        v[l] = r == KV ? *(const KS(vu) *)p : KS(load_part)(p, r);
    }
    KS(transpose)(v);
}

KALWAYS void KS(store_rows)(VT *v, char *dst, ptrdiff_t step, int r)
{
    KS(transpose)(v);
    _Pragma("GCC unroll 16")
    for (int l = 0; l < KV; l++) {
        char *p = dst + l * step;
        if (r == KV)
            *(KS(vu) *)p = v[l];
        else
            KS(store_part)(p, v[l], r);
    }
}
#endif

/* Gathers nl <= KV matrices (n x nc, strides rs, cs) starting at src, one
 * every `step` bytes, into columns c0.. of the compact A (row length ld);
 * lanes nl.. get the identity (its first nc columns past c0 when c0 == 0,
 * zeros otherwise). */
KALWAYS void KS(gather)(VT *restrict A, int n, int nc, int ld, int c0,
    const char *src, ptrdiff_t step, ptrdiff_t rs, ptrdiff_t cs, int nl)
{
    KT *a = (KT *)A;
    if (nl == KV) {
        /* full group: build each vector in registers from KV scalar loads
         * and store it whole (no lane-wise stores to reload as vectors);
         * with unit column stride, whole row pieces are loaded and
         * transposed in registers */
        int jv = 0;
#ifdef KTR
        if (cs == (ptrdiff_t)sizeof(KT)) {
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
    VT t = mx * ((KT)n * KGUARD);
    VT tiny = KS(splat)(KTINY);
    *thr = KS(sel)(t > tiny, t, tiny);
    return KS(notfinite)(sum);
}

/* ---- pivot search ------------------------------------------------------ */

/* idx = first i >= k with the largest |A[i][k]| (LAPACK's i?amax); bad
 * gets the lanes whose pivot is within the threshold (or NaN). */
KALWAYS VT KS(pivot)(const VT *restrict A, int n, int ld, int k, VT thr,
                     VI *bad, int *restrict p)
{
    VT m = KS(vabs)(A[k * ld + k]);
    VT idx = KS(splat)((KT)k);
    for (int i = k + 1; i < n; i++) {
        VT a = KS(vabs)(A[i * ld + k]);
        VI gt = a > m;
        m = KS(sel)(gt, a, m);
        idx = KS(sel)(gt, KS(splat)((KT)i), idx);
    }
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
 * k is unrolled, so every address is a constant offset. On return A holds
 * inv(P A) for the lane's row permutation P; perm[k][l] is the row
 * interchanged with row k at step k, *anysw 0 when P = I in every lane. */
KALWAYS void KS(gj_rows)(VT *restrict A, const int n, const int k,
                         const int i0, const int i1, const VT *T, const VT r)
{
    for (int i = i0; i < i1; i++) {
        VT *Ai = A + i * n;
        const VT f = Ai[k];
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++)
            Ai[j] -= f * T[j];
        Ai[k] = -f * r;
    }
}

/* One step k of gj_inv; returns 1 when some lane interchanges rows. */
KALWAYS int KS(gj_step)(VT *restrict A, const int n, const int k, VT thr,
                        VI *bad, int *restrict perm)
{
    const VT one = KS(splat)(1);
    VT T[UL_SMALL_MAX];
    VT idx = KS(pivot)(A, n, n, k, thr, bad, perm);
    const int swk = KMOVMSK((VI)(idx != KS(splat)((KT)k))) != 0;
    if (!swk) {
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++)
            T[j] = A[k * n + j];
    } else {
        KS(pivot_row)(A, n, k, perm, 0, n, T);
    }
    const VT r = one / T[k];
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
            VI mi = idx == KS(splat)((KT)i);
            VT f = KS(sel)(mi, Ak[k], Ai[k]);
            _Pragma("GCC unroll 16")
            for (int j = 0; j < n; j++)
                Ai[j] = KS(sel)(mi, Ak[j], Ai[j]) - f * T[j];
            Ai[k] = -f * r;
        }
    }
    KS(gj_rows)(A, n, k, 0, k, T, r);
    _Pragma("GCC unroll 16")
    for (int j = 0; j < n; j++)
        A[k * n + j] = T[j];
    return swk;
}

KALWAYS VI KS(gj_inv)(VT *restrict A, const int n, VT thr,
                      int (*restrict perm)[KV], int *anysw)
{
    VI bad = (VI)KS(splat)(0);
    int sw = 0;
    if (n <= 12) {
        _Pragma("GCC unroll 16")
        for (int k = 0; k < n; k++)
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
    VT thr = mx * ((KT)n * KGUARD), tiny = KS(splat)(KTINY);
    thr = KS(sel)(thr > tiny, thr, tiny);
    _Pragma("GCC unroll 4")
    for (int k = 0; k < n; k++) {
        VT m = KS(vabs)(a[k][k]), idx = KS(splat)((KT)k);
        _Pragma("GCC unroll 4")
        for (int i = k + 1; i < n; i++) {
            VT v = KS(vabs)(a[i][k]);
            VI gt = v > m;
            m = KS(sel)(gt, v, m);
            idx = KS(sel)(gt, KS(splat)((KT)i), idx);
        }
        bad |= ~(m > thr);
        piv[k] = idx;
        /* no lane interchanges at step k (the common case): no blends */
        const int swk = KMOVMSK((VI)(idx != KS(splat)((KT)k))) != 0;
        sw |= swk;
        if (swk)
            _Pragma("GCC unroll 4")
            for (int i = k + 1; i < n; i++) {
                VI mi = idx == KS(splat)((KT)i);
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
                VI mc = piv[k] == KS(splat)((KT)c);
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
            KS(load_rows)(v, in + i * ar + j * (ptrdiff_t)sizeof(KT), si, r);
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
            KS(store_rows)(v, out + i * xr + j * (ptrdiff_t)sizeof(KT), so, r);
        }
    return bad;
}
#endif

/* ---- one matrix: row-major, each row as ceil(n / KV) vectors ------------
 * Used when a call has fewer matrices than lanes. Same algorithm as
 * gj_inv (partial pivoting, LAPACK's pivot choice), the row interchange is
 * a swap of whole vectors, the pivot search a branch-free scalar scan. */
#define KNV(n) (((n) + KV - 1) / KV)

/* Row-major copy with zero padding to whole vectors; returns 1 when an
 * entry is not finite, and the pivot threshold in *thr. With unit column
 * stride (and n >= KV) whole vectors are loaded, the row tail built from
 * scalars, and the guard's max and non-finite check done on vectors. */
KALWAYS int KS(gather1)(VT *restrict R, int n, const char *s, ptrdiff_t rs,
                        ptrdiff_t cs, KT *thr)
{
    const int nv = KNV(n), ldk = nv * KV, nf0 = n / KV;
    KT *a = (KT *)R, mx = 0, sum = 0;
    if (n >= KV && cs == (ptrdiff_t)sizeof(KT)) {
        const VT zero = KS(splat)(0);
        VT vmx = zero, vsum = zero;
        _Pragma("GCC unroll 16")
        for (int i = 0; i < n; i++) {
            const char *si = s + i * rs;
            _Pragma("GCC unroll 16")
            for (int c = 0; c < nv; c++) {
                VT v = zero;
                if (c < nf0) {
                    v = *(const KS(vu) *)(si + c * KV * sizeof(KT));
                } else {
                    _Pragma("GCC unroll 16")
                    for (int l = 0; l < n - nf0 * KV; l++)
                        v[l] = KS(get)(si + (c * KV + l) * sizeof(KT));
                }
                R[i * nv + c] = v;
                VT av = KS(vabs)(v);
                vmx = KMAX(av, vmx);
                vsum += av;
            }
        }
        _Pragma("GCC unroll 16")
        for (int l = 0; l < KV; l++) {
            mx = vmx[l] > mx ? vmx[l] : mx;
            sum += vsum[l];
        }
    } else {
        for (int i = 0; i < n; i++) {
            _Pragma("GCC unroll 16")
            for (int j = 0; j < n; j++) {
                KT v = KS(get)(s + i * rs + j * cs), av = v < 0 ? -v : v;
                a[i * ldk + j] = v;
                mx = av > mx ? av : mx;
                sum += av;
            }
            for (int j = n; j < ldk; j++)
                a[i * ldk + j] = 0;
        }
    }
    KT t = mx * ((KT)n * KGUARD);
    *thr = t > KTINY ? t : KTINY;
    return !(sum <= KBIG);      /* as notfinite() */
}

/* Row update of step k: column k zeroed, minus a[i][k] times the pivot
 * row T. */
KALWAYS void KS(gj_row1)(VT *restrict Ri, const int nv, const int k,
                         const VI mk, const VT *T)
{
    const KT f = ((const KT *)Ri)[k];
    _Pragma("GCC unroll 4")
    for (int c = 0; c < nv; c++) {
        VT v = Ri[c];
        if (c == k / KV)
            v = KS(sel)(mk, KS(splat)(0), v);
        Ri[c] = v - f * T[c];
    }
}

/* Every index is a compile-time constant (k, i and the vector of column k
 * all unrolled), so the pivot row lives in registers, column k is zeroed
 * by a constant blend folded into the update, and no address is computed
 * at run time; the row swap is a branch (taken rarely in practice, and the
 * pivot search is then off the critical path). */
KALWAYS int KS(gj_inv1)(VT *restrict R, const int n, KT thr,
                        int *restrict perm)
{
    const int nv = KNV(n), ldk = nv * KV;
    KT *a = (KT *)R;
    const VT one = KS(splat)(1);
    int bad = 0;
    _Pragma("GCC unroll 16")
    for (int k = 0; k < n; k++) {
        KT m = a[k * ldk + k];
        m = m < 0 ? -m : m;
        int p = k;
        _Pragma("GCC unroll 16")
        for (int i = k + 1; i < n; i++) {
            KT v = a[i * ldk + k];
            v = v < 0 ? -v : v;
            p = v > m ? i : p;
            m = v > m ? v : m;
        }
        bad |= !(m > thr);
        perm[k] = p;
        if (p != k)
            _Pragma("GCC unroll 4")
            for (int c = 0; c < nv; c++) {
                VT t = R[k * nv + c];
                R[k * nv + c] = R[p * nv + c];
                R[p * nv + c] = t;
            }
        const int ck = k / KV;
        const VI mk = KS(lanemask)(k % KV);
        VT T[KNV(UL_SMALL_MAX)];
        _Pragma("GCC unroll 4")
        for (int c = 0; c < nv; c++)
            T[c] = R[k * nv + c];
        const KT r = 1 / T[ck][k % KV];
        T[ck] = KS(sel)(mk, one, T[ck]);
        _Pragma("GCC unroll 4")
        for (int c = 0; c < nv; c++) {
            T[c] *= r;
            R[k * nv + c] = T[c];
        }
        if (n <= 12) {
            _Pragma("GCC unroll 16")
            for (int i = 0; i < n; i++)
                if (i != k)
                    KS(gj_row1)(R + i * nv, nv, k, mk, T);
        } else {
            /* rows above and below k as two loops (code size and compile
             * time of the fully unrolled form grow as n^3) */
            for (int i = 0; i < k; i++)
                KS(gj_row1)(R + i * nv, nv, k, mk, T);
            for (int i = k + 1; i < n; i++)
                KS(gj_row1)(R + i * nv, nv, k, mk, T);
        }
    }
    return bad;
}

/* Undoes the row interchanges of gj_inv1 on the inverse (column swaps in
 * reverse order) and writes it out; whole vectors (the last one of a row
 * overlapping the one before) when the output has unit column stride. */
KALWAYS void KS(scatter1)(VT *restrict R, const int n, const int *perm,
                          char *o, ptrdiff_t xr, ptrdiff_t xc)
{
    const int ldk = KNV(n) * KV;
    KT *a = (KT *)R;
    for (int k = n - 2; k >= 0; k--) {
        const int p = perm[k];
        if (p != k)
            _Pragma("GCC unroll 16")
            for (int i = 0; i < n; i++) {
                KT t = a[i * ldk + k];
                a[i * ldk + k] = a[i * ldk + p];
                a[i * ldk + p] = t;
            }
    }
    if (n >= KV && xc == (ptrdiff_t)sizeof(KT)) {
        _Pragma("GCC unroll 16")
        for (int i = 0; i < n; i++) {
            char *oi = o + i * xr;
            _Pragma("GCC unroll 16")
            for (int j = 0; j + KV <= n; j += KV)
                *(KS(vu) *)(oi + j * sizeof(KT)) = R[i * (ldk / KV) + j / KV];
            if (n % KV)
                *(KS(vu) *)(oi + (n - KV) * sizeof(KT)) =
                    *(const KS(vu) *)(a + i * ldk + n - KV);
        }
        return;
    }
    for (int i = 0; i < n; i++)
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++)
            KS(put)(o + i * xr + j * xc, a[i * ldk + j]);
}

/* Row-major copy of A (n x n) and B (n x ld - n) into R with row length
 * ceil(ld / KV) vectors; threshold and non-finite check as gather1. */
KALWAYS int KS(gather1ld)(VT *restrict R, int n, int ld, const char *s,
    ptrdiff_t rs, ptrdiff_t cs, const char *sb, ptrdiff_t brs, ptrdiff_t bcs,
    KT *thr)
{
    const int ldk = KNV(ld) * KV;
    KT *a = (KT *)R, mx = 0, sum = 0;
    for (int i = 0; i < n; i++) {
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++) {
            KT v = KS(get)(s + i * rs + j * cs), av = v < 0 ? -v : v;
            a[i * ldk + j] = v;
            mx = av > mx ? av : mx;
            sum += av;
        }
        for (int j = n; j < ld; j++)
            a[i * ldk + j] = KS(get)(sb + i * brs + (j - n) * bcs);
        for (int j = ld; j < ldk; j++)
            a[i * ldk + j] = 0;
    }
    KT t = mx * ((KT)n * KGUARD);
    *thr = t > KTINY ? t : KTINY;
    return !(sum <= KBIG);      /* as notfinite() */
}

/* ---- one matrix LU (det, slogdet, solve with few matrices) -------------
 * Row-major R (row length ceil(ld / KV) vectors: the matrix, then ld - n
 * right-hand sides), partial pivoting as LAPACK, whole-vector row swaps and
 * updates (the columns left of k take harmless finite junk). Returns 1
 * when the matrix must go to LAPACK; else the solution is in the rhs
 * columns and *m * 2^*e is the determinant (sign included). */
KALWAYS int KS(lu1)(VT *restrict R, const int n, const int ld, KT thr,
                    double *m, int *e)
{
    const int nv = KNV(ld), ldk = nv * KV;
    KT *a = (KT *)R;
    int bad = 0, ex = 0;
    double dm = 1;
    for (int k = 0; k < n; k++) {
        KT mx = a[k * ldk + k];
        mx = mx < 0 ? -mx : mx;
        int p = k;
        for (int i = k + 1; i < n; i++) {
            KT v = a[i * ldk + k];
            v = v < 0 ? -v : v;
            p = v > mx ? i : p;
            mx = v > mx ? v : mx;
        }
        bad |= !(mx > thr);
        if (p != k) {
            dm = -dm;
            _Pragma("GCC unroll 8")
            for (int c = 0; c < nv; c++) {
                VT t = R[k * nv + c];
                R[k * nv + c] = R[p * nv + c];
                R[p * nv + c] = t;
            }
        }
        /* a lane bound for LAPACK divides by 1, not by its tiny or zero
         * pivot: det/slogdet raise no FP flag on a singular matrix (numpy's
         * getrf never divides by a zero pivot) */
        const KT piv = a[k * ldk + k], r = 1 / (bad ? 1 : piv);
        int pe;
        dm *= frexp((double)piv, &pe);
        ex += pe;
        if (fabs(dm) < 0x1p-500) {
            dm *= 0x1p500;
            ex -= 500;
        }
        for (int i = k + 1; i < n; i++) {
            const KT f = a[i * ldk + k] * r;
            _Pragma("GCC unroll 8")
            for (int c = k / KV; c < nv; c++)
                R[i * nv + c] -= f * R[k * nv + c];
        }
    }
    /* back substitution, scalar */
    for (int c = n; c < ld; c++)
        for (int k = n - 1; k >= 0; k--) {
            KT x = a[k * ldk + c];
            for (int j = k + 1; j < n; j++)
                x -= a[k * ldk + j] * a[j * ldk + c];
            a[k * ldk + c] = x / a[k * ldk + k];
        }
    *m = dm;
    *e = ex;
    return bad;
}

/* ---- LU with partial pivoting (det, slogdet, solve) --------------------
 * A is n x ld: the matrix, then ld - n right-hand sides, which get
 * forward-eliminated and then back-substituted into the solution. The
 * determinant is accumulated as mantissa (sign included) * 2^exponent so
 * that no product of pivots overflows or underflows. */
KALWAYS VI KS(lu)(VT *restrict A, const int n, const int ld, VT thr,
                  VT *detm, VI *dete)
{
    VI bad = (VI)KS(splat)(0);
    const VT one = KS(splat)(1);
    const VI emask = (VI)KS(splat)(0) + ((KI)KEXPMASK << KEXPSHIFT);
    const VI ebias = (VI)KS(splat)(0) + ((KI)KBIAS << KEXPSHIFT);
    VT m = one;
    VI e = (VI)KS(splat)(0);
    VT rinv[UL_SMALL_MAX];
    int perm[KV];
    VT T[2 * UL_SMALL_MAX];
    for (int k = 0; k < n; k++) {
        VT idx = KS(pivot)(A, n, ld, k, thr, &bad, perm);
        KS(pivot_row)(A, ld, k, perm, k, ld, T);
        VT p = T[k];
        VT r = one / KS(sel)(bad, one, p);     /* as in lu1 */
        rinv[k] = r;
        for (int i = k + 1; i < n; i++) {
            VT *Ai = A + i * ld;
            const VT *Ak = A + k * ld;
            VI mi = idx == KS(splat)((KT)i);
            VT f = KS(sel)(mi, Ak[k], Ai[k]) * r;
            _Pragma("GCC unroll 16")
            for (int j = k + 1; j < ld; j++)
                Ai[j] = KS(sel)(mi, Ak[j], Ai[j]) - f * T[j];
        }
        for (int j = k; j < ld; j++)
            A[k * ld + j] = T[j];
        if (detm) {
            /* swap -> flip sign; multiply mantissas, add exponents (p is a
             * normal number in every lane that is not sent to LAPACK) */
            VI sw = idx != KS(splat)((KT)k);
            p = KS(sel)(sw, -p, p);
            p = KS(sel)(bad, one, p);
            VI pb = (VI)p;
            e += ((pb & emask) >> KEXPSHIFT) - KBIAS;
            m *= (VT)((pb & ~emask) | ebias);
            VI mb = (VI)m;
            e += ((mb & emask) >> KEXPSHIFT) - KBIAS;
            m = (VT)((mb & ~emask) | ebias);
        }
    }
    if (detm) {
        *detm = m;
        *dete = e;
    }
    /* back substitution: x_k = (b_k - sum_{j>k} u_kj x_j) / u_kk */
    for (int c = n; c < ld; c++)
        for (int k = n - 1; k >= 0; k--) {
            VT x = A[k * ld + c];
            for (int j = k + 1; j < n; j++)
                x -= A[k * ld + j] * A[j * ld + c];
            A[k * ld + c] = x * rinv[k];
        }
    return bad;
}

/* ---- LAPACK for one matrix (guarded lanes) ------------------------------ */

/* Fortran copy of an n x nc strided matrix into buf (ld n). */
static void KS(lin)(KT *buf, int n, int nc, const char *s, ptrdiff_t rs,
                    ptrdiff_t cs)
{
    for (int j = 0; j < nc; j++)
        for (int i = 0; i < n; i++)
            buf[j * n + i] = KS(get)(s + i * rs + j * cs);
}

static void KS(nanfill)(char *d, int n, int nc, ptrdiff_t rs, ptrdiff_t cs)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < nc; j++)
            KS(put)(d + i * rs + j * cs, (KT)NAN);
}

/* ?gesv of one matrix; b NULL means B = I. Returns info. */
static int KS(lapack_gesv)(int n, int nrhs, const char *a, ptrdiff_t ar,
    ptrdiff_t ac, const char *b, ptrdiff_t br, ptrdiff_t bc, char *x,
    ptrdiff_t xr, ptrdiff_t xc)
{
    KT A[UL_SMALL_MAX * UL_SMALL_MAX], B[UL_SMALL_MAX * UL_SMALL_MAX];
    int ipiv[UL_SMALL_MAX], info = 0;
    KS(lin)(A, n, n, a, ar, ac);
    if (b)
        KS(lin)(B, n, nrhs, b, br, bc);
    else
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                B[j * n + i] = i == j;
    KGESV(&n, &nrhs, A, &n, ipiv, B, &n, &info);
    if (info == 0) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < nrhs; j++)
                KS(put)(x + i * xr + j * xc, B[j * n + i]);
    } else {
        KS(nanfill)(x, n, nrhs, xr, xc);
    }
    return info;
}

/* numpy's det/slogdet from ?getrf of one matrix: sign and log|det|. */
static void KS(lapack_slogdet)(int n, const char *a, ptrdiff_t ar,
                               ptrdiff_t ac, KT *sign, KT *logdet)
{
    KT A[UL_SMALL_MAX * UL_SMALL_MAX];
    int ipiv[UL_SMALL_MAX], info = 0;
    KS(lin)(A, n, n, a, ar, ac);
    KGETRF(&n, &n, A, &n, ipiv, &info);
    if (info != 0) {
        *sign = 0;
        *logdet = -(KT)INFINITY;
        return;
    }
    KT s = 1, ld = 0;
    for (int i = 0; i < n; i++) {
        KT u = A[i * n + i];
        if (ipiv[i] != i + 1)
            s = -s;
        if (u < 0) {
            s = -s;
            u = -u;
        }
        ld += KLOG(u);
    }
    *sign = s;
    *logdet = ld;
}

#ifdef KTR
/* The inverses of a full group to the caller, every lane the kernel's, unit
 * output column stride: element (i, j) of lane l is compact (i, col[l][j])
 * (col NULL: (i, j)). KV columns at a time are picked (by blends when
 * permuted), transposed in registers and stored as row pieces; the last
 * n % KV columns by a partial store. */
KALWAYS void KS(put_rows)(const VT *restrict A, const int n,
                          const int (*col)[UL_SMALL_MAX], char *out,
                          ptrdiff_t so, ptrdiff_t xr)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j += KV) {
            const int r = n - j < KV ? n - j : KV;
            VT v[KV];
            _Pragma("GCC unroll 16")
            for (int q = 0; q < KV; q++) {
                VT e = KS(splat)(0);
                if (q < r && col == NULL) {
                    e = A[i * n + j + q];
                } else if (q < r) {
                    e = A[i * n + col[0][j + q]];
                    _Pragma("GCC unroll 16")
                    for (int l = 1; l < KV; l++)
                        e = KS(sel)(KS(lanemask)(l), A[i * n + col[l][j + q]], e);
                }
                v[q] = e;
            }
            KS(store_rows)(v, out + i * xr + j * (ptrdiff_t)sizeof(KT), so, r);
        }
}
#endif

/* ---- the hooks' bodies --------------------------------------------------- */

#define KSCRATCH(name, elems) \
    VT name[elems] __attribute__((aligned(64)))

KALWAYS ptrdiff_t KS(inv_n)(const int n, char **args, const ptrdiff_t *dims,
                            const ptrdiff_t *steps, ptrdiff_t *first_failed)
{
    const ptrdiff_t N = dims[0];
    const ptrdiff_t si = steps[0], so = steps[1], ar = steps[2], ac = steps[3],
                    xr = steps[4], xc = steps[5];
    KSCRATCH(A, UL_SMALL_MAX * UL_SMALL_MAX);
    int perm[UL_SMALL_MAX][KV];
    ptrdiff_t nfail = 0;
    *first_failed = -1;
    if (N < KV) {
        /* too few matrices to fill the lanes: one at a time, row-major */
        for (ptrdiff_t b = 0; b < N; b++) {
            const char *in = args[0] + b * si;
            char *o = args[1] + b * so;
            KT thr;
            int p1[UL_SMALL_MAX];
            int bad = KS(gather1)(A, n, in, ar, ac, &thr);
            bad |= KS(gj_inv1)(A, n, thr, p1);
            if (bad) {
                if (KS(lapack_gesv)(n, n, in, ar, ac, NULL, 0, 0, o, xr, xc) != 0)
                    if (nfail++ == 0)
                        *first_failed = b;
                continue;
            }
            KS(scatter1)(A, n, p1, o, xr, xc);
        }
        return nfail;
    }
    for (ptrdiff_t b = 0; b < N; b += KV) {
        const int nl = N - b < KV ? (int)(N - b) : KV;
        const char *in = args[0] + b * si;
        char *out = args[1] + b * so;
        VT thr;
        VI bad;
        int anysw = 0;
#ifdef KTR
        if (n <= KREG && nl == KV && ac == (ptrdiff_t)sizeof(KT) &&
            xc == (ptrdiff_t)sizeof(KT)) {
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
                for (int j = 0; j < n; j++)
                    col[l][j] = j;
                for (int k = n - 1; k >= 0; k--) {
                    int p = perm[k][l], t = col[l][k];
                    col[l][k] = col[l][p];
                    col[l][p] = t;
                }
            }
#ifdef KTR
        if (nl == KV && KMOVMSK(bad) == 0 && xc == (ptrdiff_t)sizeof(KT)) {
            if (anysw)          /* two instances: col known NULL or not */
                KS(put_rows)(A, n, col, out, so, xr);
            else
                KS(put_rows)(A, n, NULL, out, so, xr);
            continue;
        }
    lanes:;
#endif
        /* lane by lane: a partial group, LAPACK's lanes, strided output */
        const KT *a = (const KT *)A;
        for (int l = 0; l < nl; l++) {
            char *o = out + l * so;
            if (bad[l]) {
                if (KS(lapack_gesv)(n, n, in + l * si, ar, ac, NULL, 0, 0,
                                    o, xr, xc) != 0)
                    if (nfail++ == 0)
                        *first_failed = b + l;
                continue;
            }
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    KS(put)(o + i * xr + j * xc, a[(i * n + (anysw ? col[l][j] : j)) * KV + l]);
        }
    }
    return nfail;
}

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
            KT thr;
            double dm;
            int de;
            int bad = KS(gather1ld)(A, n, ld, ain, ar, ac, bin, br, bc, &thr);
            bad |= KS(lu1)(A, n, ld, thr, &dm, &de);
            if (bad) {
                if (KS(lapack_gesv)(n, nrhs, ain, ar, ac, bin, br, bc, o, xr, xc) != 0)
                    if (nfail++ == 0)
                        *first_failed = b;
                continue;
            }
            const KT *a = (const KT *)A;
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
        const KT *a = (const KT *)A;
        for (int l = 0; l < nl; l++) {
            char *o = out + l * sx;
            if (bad[l]) {
                if (KS(lapack_gesv)(n, nrhs, ain + l * sa, ar, ac,
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
            KT thr, sign, logdet;
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
                    KS(put)(o1, sign * KEXP(logdet));
                }
                continue;
            }
            if (slog) {
                KS(put)(o1, dm < 0 ? -1 : 1);
                KS(put)(args[2] + b * s2, (KT)KS(logabs)(dm, de));
            } else {
                KS(put)(o1, (KT)ldexp(dm, de));
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
            KT sign, logdet;
            char *o1 = args[1] + (b + l) * s1;
            if (bad[l]) {
                KS(lapack_slogdet)(n, ain + l * sa, ar, ac, &sign, &logdet);
                if (slog) {
                    KS(put)(o1, sign);
                    KS(put)(args[2] + (b + l) * s2, logdet);
                } else {
                    KS(put)(o1, sign * KEXP(logdet));
                }
                continue;
            }
            if (slog) {
                KT ml = m[l];
                KS(put)(o1, ml < 0 ? -1 : 1);
                KS(put)(args[2] + (b + l) * s2, (KT)KS(logabs)((double)ml, (int)e[l]));
            } else {
                KS(put)(o1, (KT)ldexp((double)m[l], (int)e[l]));
            }
        }
    }
    return 0;
}

/* Dispatch on n to a fully specialized instance. */
#define KCASES(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) \
                  X(11) X(12) X(13) X(14) X(15) X(16)

static ptrdiff_t KS(inv)(char **args, const ptrdiff_t *dims,
                         const ptrdiff_t *steps, ptrdiff_t *ff)
{
    switch (dims[1]) {
#define X(nn) case nn: return KS(inv_n)(nn, args, dims, steps, ff);
    KCASES(X)
#undef X
    }
    return -1;
}

/* solve1 and single-rhs solve share one instance per n (vec says how to
 * read the strides). */
static ptrdiff_t KS(solve_1rhs)(int vec, char **args, const ptrdiff_t *dims,
                                const ptrdiff_t *steps, ptrdiff_t *ff)
{
    switch (dims[1]) {
#define X(nn) case nn: return KS(solve_n)(nn, 1, vec, args, dims, steps, ff);
    KCASES(X)
#undef X
    }
    return -1;
}

static ptrdiff_t KS(solve1)(char **args, const ptrdiff_t *dims,
                            const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(solve_1rhs)(1, args, dims, steps, ff);
}

static ptrdiff_t KS(solve)(char **args, const ptrdiff_t *dims,
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
#define X(nn) case nn: return KS(det_n)(nn, slog, args, dims, steps);
    KCASES(X)
#undef X
    }
    return -1;
}

static ptrdiff_t KS(det)(char **args, const ptrdiff_t *dims,
                         const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(det_any)(0, args, dims, steps, ff);
}

static ptrdiff_t KS(slogdet)(char **args, const ptrdiff_t *dims,
                             const ptrdiff_t *steps, ptrdiff_t *ff)
{
    return KS(det_any)(1, args, dims, steps, ff);
}

#undef KCASES
#undef KREG
#undef KNV
#undef KSCRATCH
#undef KALWAYS
