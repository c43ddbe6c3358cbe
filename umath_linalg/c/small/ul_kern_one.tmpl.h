/*
 * ul_kern_one.tmpl.h - kernels for one matrix at a time (calls with fewer
 * matrices than lanes) for one real dtype and target (included by
 * ul_kern.tmpl.h): row-major, each row as ceil(n / KV) vectors; the same
 * algorithms and guard as ul_kern_stack.tmpl.h.
 */

/* ---- one matrix: row-major, each row as ceil(n / KV) vectors ------------
 * Used when a call has fewer matrices than lanes. Same algorithm as
 * gj_inv (partial pivoting, LAPACK's pivot choice); the pivot column is
 * carried as scalars, a row interchange is a choice of source rows or a
 * store of the old row k to row p at the end of the step. */
#define KNV(n) (((n) + KV - 1) / KV)

/* Row-major copy with zero padding to whole vectors; returns 1 when an
 * entry is not finite, and the pivot threshold in *thr. With unit column
 * stride (and n >= KV) whole vectors are loaded, the row tail built from
 * scalars, and the guard's max and non-finite check done on vectors. */
KALWAYS int KS(gather1)(VT *restrict R, int n, const char *s, ptrdiff_t rs,
                        ptrdiff_t cs, UL_T *thr)
{
    const int nv = KNV(n), ldk = nv * KV, nf0 = n / KV;
    UL_T *a = (UL_T *)R, mx = 0, sum = 0;
    if (n >= KV && cs == (ptrdiff_t)sizeof(UL_T)) {
        const VT zero = KS(splat)(0);
        VT vmx = zero, vsum = zero;
        _Pragma("GCC unroll 16")
        for (int i = 0; i < n; i++) {
            const char *si = s + i * rs;
            _Pragma("GCC unroll 16")
            for (int c = 0; c < nv; c++) {
                VT v = zero;
                if (c < nf0) {
                    v = *(const KS(vu) *)(si + c * KV * sizeof(UL_T));
                } else {
                    _Pragma("GCC unroll 16")
                    for (int l = 0; l < n - nf0 * KV; l++)
                        v[l] = KS(get)(si + (c * KV + l) * sizeof(UL_T));
                }
                R[i * nv + c] = v;
                VT av = KS(vabs)(v);
                vmx = KMAX(av, vmx);
                /* in place: else gcc defers the chain of adds to its end
                 * and keeps (spills) every |v| until then */
                vsum = KS(rounded)(vsum + av);
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
                UL_T v = KS(get)(s + i * rs + j * cs), av = v < 0 ? -v : v;
                a[i * ldk + j] = v;
                mx = av > mx ? av : mx;
                sum += av;
            }
            for (int j = n; j < ldk; j++)
                a[i * ldk + j] = 0;
        }
    }
    UL_T t = mx * ((UL_T)n * UL_GUARD);
    *thr = t > UL_TINY ? t : UL_TINY;
    return !(sum <= UL_BIG);      /* as notfinite() */
}

/* Row update of step k: column k zeroed, minus f times the pivot row T;
 * the source row S (the row itself, or the old row k where the pivot row
 * moves out) is written to D. */
KALWAYS void KS(gj_row1)(VT *D, const VT *S, const int nv, const int k,
                         const VI mk, const UL_T f, const VT *T)
{
    _Pragma("GCC unroll 4")
    for (int c = 0; c < nv; c++) {
        VT v = S[c];
        if (c == k / KV)
            v = KS(sel)(mk, KS(splat)(0), v);
        D[c] = v - f * T[c];
    }
}

/* First i in k..n-1 with the largest |a[i][k]| (LAPACK's i?amax); *m
 * gets that magnitude. */
KALWAYS int KS(amax1)(const UL_T *a, const int ldk, const int k, const int n,
                      UL_T *m)
{
    UL_T mx = __builtin_fabs(a[k * ldk + k]);
    int p = k;
    _Pragma("GCC unroll 16")
    for (int i = k + 1; i < n; i++) {
        const UL_T v = __builtin_fabs(a[i * ldk + k]);
        p = v > mx ? i : p;
        mx = v > mx ? v : mx;
    }
    *m = mx;
    return p;
}

/* amax1 as a tournament, the lower index winning ties: log2(n - k)
 * compares deep, not n - k, for a step whose pivot search is on its
 * critical path (an interchange: the pivot is known only after it), at
 * more instructions (callgrind, one 10x10: 1919 -> 2077 with it in every
 * step). A NaN below row k counts as 0, so that it neither wins nor hides
 * a later entry, as in amax1; a NaN at row k wins, as there. */
KALWAYS int KS(amax1t)(const UL_T *a, const int ldk, const int k, const int n,
                       UL_T *m)
{
    UL_T v[UL_SMALL_MAX];
    int ix[UL_SMALL_MAX];
    const int cnt = n - k;
    _Pragma("GCC unroll 16")
    for (int i = 0; i < cnt; i++) {
        const UL_T x = __builtin_fabs(a[(k + i) * ldk + k]);
        v[i] = i == 0 || x > 0 ? x : 0;
        ix[i] = k + i;
    }
    _Pragma("GCC unroll 4")
    for (int s = 1; s < cnt; s *= 2)
        _Pragma("GCC unroll 16")
        for (int i = 0; i + s < cnt; i += 2 * s) {
            const int w = v[i + s] > v[i];
            ix[i] = w ? ix[i + s] : ix[i];
            v[i] = w ? v[i + s] : v[i];
        }
    *m = v[0];
    return ix[0];
}

/* A compiler barrier on R, at the edges of a step when the matrix does not
 * fit in the vector registers (more than 14 vectors, n <= 12: unrolled).
 * Without it gcc carries rows from one step's stores to the next step's
 * loads in registers and spills them (callgrind, one 10x10: 2146
 * instructions per call before, 1946 after). */
KALWAYS void KS(fence1)(VT *R, const int n)
{
    if (n * KNV(n) > 14 && n <= 12)
        __asm__("" : : "r"(R) : "memory");
}

/* Step k of gj_inv1 with pivot row p (sw: p != k, rows interchanged) and
 * r = 1 / pivot. Row p is to be updated from the old row k, without a
 * store to an address known late (the pivot search's) before the step's
 * loads, which would wait for it or be replayed: for a matrix in registers
 * (few vectors) the update of row i reads row (i == p ? k : i); else
 * every row is updated from itself at its constant address (row p's
 * result is discarded) and the old row k in registers (X) is stored to
 * row p last. Returns element (k + 1, k + 1) after the step, computed as
 * the row update computes it: the next pivot when the next step
 * interchanges nothing, so that the chain from one pivot to the next is a
 * division, a multiply and a multiply-add on scalars, beside the pivot
 * search rather than after it. */
KALWAYS UL_T KS(gj_step1)(VT *restrict R, const int n, const int k,
                          const int sw, const int p, const UL_T r)
{
    const int nv = KNV(n), ldk = nv * KV, ck = k / KV;
    const int late = sw && n * nv > 14;     /* X stored to row p last */
    const UL_T *a = (const UL_T *)R;
    const VI mk = KS(lanemask)(k % KV);
    const VT *Rp = R + (sw ? p : k) * nv;
    VT T[KNV(UL_SMALL_MAX)], X[KNV(UL_SMALL_MAX)];
    KS(fence1)(R, n);
    _Pragma("GCC unroll 4")
    for (int cc = 0; cc < nv; cc++)
        T[cc] = Rp[cc];
    T[ck] = KS(sel)(mk, KS(splat)(1), T[ck]);
    _Pragma("GCC unroll 4")
    for (int cc = 0; cc < nv; cc++)
        T[cc] *= r;
    UL_T next = 0;
    if (k + 1 < n) {
        const int s = sw && p == k + 1 ? k : k + 1;
        next = a[s * ldk + k + 1] - a[s * ldk + k] * (((const UL_T *)Rp)[k + 1] * r);
    }
    if (late) {
        _Pragma("GCC unroll 4")
        for (int cc = 0; cc < nv; cc++)
            X[cc] = R[k * nv + cc];
        KS(gj_row1)(X, X, nv, k, mk, a[k * ldk + k], T);
    }
    /* rows below first: the next pivot search needs them */
    if (n <= 12) {
        _Pragma("GCC unroll 16")
        for (int i = k + 1; i < n; i++) {
            const int s = sw && !late && i == p ? k : i;
            KS(gj_row1)(R + i * nv, R + s * nv, nv, k, mk, a[s * ldk + k], T);
        }
        _Pragma("GCC unroll 16")
        for (int i = 0; i < k; i++)
            KS(gj_row1)(R + i * nv, R + i * nv, nv, k, mk, a[i * ldk + k], T);
    } else {
        /* not unrolled: code size and compile time grow as n^3 */
        for (int i = k + 1; i < n; i++) {
            const int s = sw && !late && i == p ? k : i;
            KS(gj_row1)(R + i * nv, R + s * nv, nv, k, mk, a[s * ldk + k], T);
        }
        for (int i = 0; i < k; i++)
            KS(gj_row1)(R + i * nv, R + i * nv, nv, k, mk, a[i * ldk + k], T);
    }
    _Pragma("GCC unroll 4")
    for (int cc = 0; cc < nv; cc++)
        R[k * nv + cc] = T[cc];
    if (late)
        _Pragma("GCC unroll 4")
        for (int cc = 0; cc < nv; cc++)
            R[p * nv + cc] = X[cc];
    KS(fence1)(R, n);
    return next;
}

/* The two forms of a step as distinct functions: two calls of one
 * function with different arguments get merged into one before inlining,
 * and the step without an interchange would pay for the selects. */
KALWAYS UL_T KS(gj_step1_keep)(VT *restrict R, const int n, const int k, const UL_T r)
{
    return KS(gj_step1)(R, n, k, 0, k, r);
}
KALWAYS UL_T KS(gj_step1_swap)(VT *restrict R, const int n, const int k, const int p,
                               const UL_T r)
{
    return KS(gj_step1)(R, n, k, 1, p, r);
}

/* Gauss-Jordan with partial pivoting (LAPACK's pivot choice) in place:
 * R becomes inv(P A), perm[k] the row interchanged with row k at step k;
 * returns 1 when a pivot is within the threshold (the matrix goes to
 * LAPACK), *anysw 0 when no row was interchanged. Every index but the
 * pivot row's is a compile-time constant (k, i and the vector of column k
 * unrolled, for n <= 12), so column k is zeroed by a constant blend folded
 * into the update. */
KALWAYS int KS(gj_inv1)(VT *restrict R, const int n, UL_T thr,
                        int *restrict perm, int *anysw)
{
    const int ldk = KNV(n) * KV;
    const UL_T *a = (const UL_T *)R;
    UL_T d = a[0];               /* the diagonal pivot of step k */
    int bad = 0, sw = 0;
    _Pragma("GCC unroll 16")
    for (int k = 0; k < n; k++) {
        UL_T m;
        KS(fence1)(R, n);
        /* after an interchange, another is likely (a matrix that needs
         * them): the search of short latency, where the search is long */
        const int p = sw && n * KNV(n) > 14 ? KS(amax1t)(a, ldk, k, n, &m)
                                            : KS(amax1)(a, ldk, k, n, &m);
        bad |= !(m > thr);
        perm[k] = p;
        if (p == k) {
            d = KS(gj_step1_keep)(R, n, k, 1 / d);
        } else {
            sw = 1;
            d = KS(gj_step1_swap)(R, n, k, p, 1 / a[p * ldk + k]);
        }
    }
    *anysw = sw;
    return bad;
}

/* Output element (i, j) is a[i][col[j]]. */
KALWAYS void KS(put_cols1)(const UL_T *a, const int n, const int *col,
                           char *o, ptrdiff_t xr, ptrdiff_t xc)
{
    const int ldk = KNV(n) * KV;
    for (int i = 0; i < n; i++)
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++)
            KS(put)(o + i * xr + j * xc, a[i * ldk + col[j]]);
}

/* Writes out inv(A) = inv(P A) P: output column j is column col[j] of R,
 * col from undoing the interchanges in reverse order; whole vectors (the
 * last one of a row overlapping the one before) when nothing was
 * interchanged and the output has unit column stride. */
KALWAYS void KS(scatter1)(VT *restrict R, const int n, const int *perm,
                          const int anysw, char *o, ptrdiff_t xr, ptrdiff_t xc)
{
    const int ldk = KNV(n) * KV;
    const UL_T *a = (const UL_T *)R;
    if (!anysw && n >= KV && xc == (ptrdiff_t)sizeof(UL_T)) {
        _Pragma("GCC unroll 16")
        for (int i = 0; i < n; i++) {
            char *oi = o + i * xr;
            _Pragma("GCC unroll 16")
            for (int j = 0; j + KV <= n; j += KV)
                *(KS(vu) *)(oi + j * sizeof(UL_T)) = R[i * (ldk / KV) + j / KV];
            if (n % KV)
                *(KS(vu) *)(oi + (n - KV) * sizeof(UL_T)) =
                    *(const KS(vu) *)(a + i * ldk + n - KV);
        }
        return;
    }
    int col[UL_SMALL_MAX];
    _Pragma("GCC unroll 16")
    for (int j = 0; j < n; j++)
        col[j] = j;
    if (anysw)
        for (int k = n - 2; k >= 0; k--) {
            const int p = perm[k], t = col[k];
            col[k] = col[p];
            col[p] = t;
        }
    /* unit column stride as its own copy: constant store offsets leave
     * the registers to the column offsets */
    if (xc == (ptrdiff_t)sizeof(UL_T))
        KS(put_cols1)(a, n, col, o, xr, sizeof(UL_T));
    else
        KS(put_cols1)(a, n, col, o, xr, xc);
}

/* Row-major copy of A (n x n) and B (n x ld - n) into R with row length
 * ceil(ld / KV) vectors; threshold and non-finite check as gather1. */
KALWAYS int KS(gather1ld)(VT *restrict R, int n, int ld, const char *s,
    ptrdiff_t rs, ptrdiff_t cs, const char *sb, ptrdiff_t brs, ptrdiff_t bcs,
    UL_T *thr)
{
    const int ldk = KNV(ld) * KV;
    UL_T *a = (UL_T *)R, mx = 0, sum = 0;
    for (int i = 0; i < n; i++) {
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++) {
            UL_T v = KS(get)(s + i * rs + j * cs), av = v < 0 ? -v : v;
            a[i * ldk + j] = v;
            mx = av > mx ? av : mx;
            sum += av;
        }
        for (int j = n; j < ld; j++)
            a[i * ldk + j] = KS(get)(sb + i * brs + (j - n) * bcs);
        for (int j = ld; j < ldk; j++)
            a[i * ldk + j] = 0;
    }
    UL_T t = mx * ((UL_T)n * UL_GUARD);
    *thr = t > UL_TINY ? t : UL_TINY;
    return !(sum <= UL_BIG);      /* as notfinite() */
}

/* ---- one matrix LU (det, slogdet, solve with few matrices) -------------
 * Row-major R (row length ceil(ld / KV) vectors: the matrix, then ld - n
 * right-hand sides), partial pivoting as LAPACK, whole-vector row swaps and
 * updates (the columns left of k take harmless finite junk). Returns 1
 * when the matrix must go to LAPACK; else the solution is in the rhs
 * columns and *m * 2^*e is the determinant (sign included). */
KALWAYS int KS(lu1)(VT *restrict R, const int n, const int ld, UL_T thr,
                    double *m, int *e)
{
    const int nv = KNV(ld), ldk = nv * KV;
    UL_T *a = (UL_T *)R;
    int bad = 0, ex = 0;
    double dm = 1;
    for (int k = 0; k < n; k++) {
        UL_T mx = a[k * ldk + k];
        mx = mx < 0 ? -mx : mx;
        int p = k;
        for (int i = k + 1; i < n; i++) {
            UL_T v = a[i * ldk + k];
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
        const UL_T piv = a[k * ldk + k], r = 1 / (bad ? 1 : piv);
        int pe;
        dm *= frexp((double)piv, &pe);
        ex += pe;
        if (fabs(dm) < 0x1p-500) {
            dm *= 0x1p500;
            ex -= 500;
        }
        for (int i = k + 1; i < n; i++) {
            const UL_T f = a[i * ldk + k] * r;
            _Pragma("GCC unroll 8")
            for (int c = k / KV; c < nv; c++)
                R[i * nv + c] -= f * R[k * nv + c];
        }
    }
    /* back substitution, scalar */
    for (int c = n; c < ld; c++)
        for (int k = n - 1; k >= 0; k--) {
            UL_T x = a[k * ldk + c];
            for (int j = k + 1; j < n; j++)
                x -= a[k * ldk + j] * a[j * ldk + c];
            a[k * ldk + c] = x / a[k * ldk + k];
        }
    *m = dm;
    *e = ex;
    return bad;
}

