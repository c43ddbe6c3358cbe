/*
 * ul_kern_lu.tmpl.h - LU with partial pivoting across the matrices of a
 * stack (det, slogdet, solve) for one real dtype and target, in the
 * compact layout and with the pivot search and guard of
 * ul_kern_stack.tmpl.h (included by ul_kern.tmpl.h after it).
 */

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
    const VI emask = (VI)KS(splat)(0) + ((UL_I)UL_EXPMASK << UL_EXPSHIFT);
    const VI ebias = (VI)KS(splat)(0) + ((UL_I)UL_BIAS << UL_EXPSHIFT);
    VT m = one;
    VI e = (VI)KS(splat)(0);
    VT rinv[UL_SMALL_MAX];
    int perm[KV];
    VT T[2 * UL_SMALL_MAX];
    for (int k = 0; k < n; k++) {
        VT piv[2];
        VT idx = KS(pivot)(A, n, ld, k, thr, &bad, perm, piv);
        VT p = piv[0];
        VT r = one / KS(sel)(bad, one, p);     /* as in lu1 */
        rinv[k] = r;
        /* no lane interchanges rows (one branch per step): the same
         * arithmetic without the pivot row's gather and the blends */
        int swk = 0;    /* (from perm: the vector test made gcc 12 fail
                         * on the SSE2 float64 det_3, an internal error) */
        _Pragma("GCC unroll 16")
        for (int l = 0; l < KV; l++)
            swk |= perm[l] != k;
        if (!swk) {
            const VT *Ak = A + k * ld;
            for (int i = k + 1; i < n; i++) {
                VT *Ai = A + i * ld;
                const VT f = Ai[k] * r;
                _Pragma("GCC unroll 16")
                for (int j = k + 1; j < ld; j++)
                    Ai[j] -= f * Ak[j];
            }
        } else {
            KS(pivot_row)(A, ld, k, perm, k, ld, T);
            for (int i = k + 1; i < n; i++) {
                VT *Ai = A + i * ld;
                const VT *Ak = A + k * ld;
                VI mi = idx == KS(splat)((UL_T)i);
                VT f = KS(sel)(mi, Ak[k], Ai[k]) * r;
                _Pragma("GCC unroll 16")
                for (int j = k + 1; j < ld; j++)
                    Ai[j] = KS(sel)(mi, Ak[j], Ai[j]) - f * T[j];
            }
            for (int j = k; j < ld; j++)
                A[k * ld + j] = T[j];
        }
        if (detm) {
            /* swap -> flip sign; multiply mantissas, add exponents (p is a
             * normal number in every lane that is not sent to LAPACK) */
            VI sw = idx != KS(splat)((UL_T)k);
            p = KS(sel)(sw, -p, p);
            p = KS(sel)(bad, one, p);
            VI pb = (VI)p;
            e += ((pb & emask) >> UL_EXPSHIFT) - UL_BIAS;
            m *= (VT)((pb & ~emask) | ebias);
            VI mb = (VI)m;
            e += ((mb & emask) >> UL_EXPSHIFT) - UL_BIAS;
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
