/*
 * ul_kern_one.tmpl.h - kernels for one matrix at a time (calls with fewer
 * matrices than lanes) for one real dtype and target (included by
 * ul_kern.tmpl.h): row-major, each row as ceil(n / KV) vectors; the same
 * algorithms and guard as ul_kern_stack.tmpl.h.
 */

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

/* Row update of step k: column k zeroed, minus a[i][k] times the pivot
 * row T. */
KALWAYS void KS(gj_row1)(VT *restrict Ri, const int nv, const int k,
                         const VI mk, const VT *T)
{
    const UL_T f = ((const UL_T *)Ri)[k];
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
KALWAYS int KS(gj_inv1)(VT *restrict R, const int n, UL_T thr,
                        int *restrict perm)
{
    const int nv = KNV(n), ldk = nv * KV;
    UL_T *a = (UL_T *)R;
    const VT one = KS(splat)(1);
    int bad = 0;
    _Pragma("GCC unroll 16")
    for (int k = 0; k < n; k++) {
        UL_T m = a[k * ldk + k];
        m = m < 0 ? -m : m;
        int p = k;
        _Pragma("GCC unroll 16")
        for (int i = k + 1; i < n; i++) {
            UL_T v = a[i * ldk + k];
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
        const UL_T r = 1 / T[ck][k % KV];
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
    UL_T *a = (UL_T *)R;
    for (int k = n - 2; k >= 0; k--) {
        const int p = perm[k];
        if (p != k)
            _Pragma("GCC unroll 16")
            for (int i = 0; i < n; i++) {
                UL_T t = a[i * ldk + k];
                a[i * ldk + k] = a[i * ldk + p];
                a[i * ldk + p] = t;
            }
    }
    if (n >= KV && xc == (ptrdiff_t)sizeof(UL_T)) {
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
    for (int i = 0; i < n; i++)
        _Pragma("GCC unroll 16")
        for (int j = 0; j < n; j++)
            KS(put)(o + i * xr + j * xc, a[i * ldk + j]);
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

