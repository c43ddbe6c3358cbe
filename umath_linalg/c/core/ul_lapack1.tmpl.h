/*
 * ul_lapack1.tmpl.h - the one-matrix LAPACK path for one dtype
 * (ul_lapack1.c): linearize, ?gesv, ?getrf or ?potrf, delinearize, as numpy's
 * loops do. Both the LAPACK-path loops (c/loops/) and the small kernels'
 * fallback lanes (c/small/) call these, so their results are the same bits.
 */

UL_HIDDEN int UL_NAME(gesv1)(ptrdiff_t n, ptrdiff_t nrhs, const char *a,
    ptrdiff_t ar, ptrdiff_t ac, int rhs, const char *b, ptrdiff_t br,
    ptrdiff_t bc, char *x, ptrdiff_t xr, ptrdiff_t xc, void *work)
{
    UL_T *A = work, *B = A + n * n;
    int *ipiv = (int *)(B + n * nrhs);
    const int in = (int)n, inrhs = (int)nrhs;
    int info = 0;
    UL_NAME(linearize)(A, n, a, n, n, ar, ac);
    if (rhs == UL_RHS_GIVEN)
        UL_NAME(linearize)(B, n, b, n, nrhs, br, bc);
    else
        UL_NAME(identity)(B, n);
    UL_LAPACK_CALL(gesv, (&in, &inrhs, A, &in, ipiv, B, &in, &info));
    if (info == 0)
        UL_NAME(delinearize)(x, n, nrhs, xr, xc, B, n);
    else
        UL_NAME(nan_fill)(x, n, nrhs, xr, xc);
    return info;
}

/* sign and log|det| of the LU factors in A (n x n, ld n) with pivots ipiv.
 * Real: sign = +-1. Complex: sign = product of u_ii/|u_ii| (unit modulus),
 * computed with numpy's plain formulas (no Annex G complex multiply). */
static void UL_NAME(slogdet_from_lu)(const UL_T *A, ptrdiff_t n,
                                     const int *ipiv, UL_T *sign, UL_R *logdet)
{
    int odd = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        odd ^= (ipiv[i] != (int)(i + 1));
    UL_R acc_log = 0;
#if UL_COMPLEX
    UL_R sr = odd ? -1 : 1, si = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        UL_T u = A[i * (n + 1)];
        UL_R ur = ((const UL_R *)&u)[0], ui = ((const UL_R *)&u)[1];
        UL_R absu = UL_CABS(u);
        UL_R er = ur / absu, ei = ui / absu;
        UL_R nr = sr * er - si * ei;
        si = sr * ei + si * er;
        sr = nr;
        acc_log += UL_LOG(absu);
    }
    UL_R *sp = (UL_R *)sign;
    sp[0] = sr;
    sp[1] = si;
#else
    UL_R s = odd ? -1 : 1;
    for (ptrdiff_t i = 0; i < n; i++) {
        UL_R u = A[i * (n + 1)];
        if (u < 0) {
            s = -s;
            u = -u;
        }
        acc_log += UL_LOG(u);
    }
    *sign = s;
#endif
    *logdet = acc_log;
}

UL_HIDDEN void UL_NAME(slogdet1)(ptrdiff_t n, const char *a, ptrdiff_t ar,
                                 ptrdiff_t ac, void *work, UL_T *sign,
                                 UL_R *logdet)
{
    UL_T *A = work;
    int *ipiv = (int *)(A + n * n);
    const int in = (int)n;
    int info = 0;
    UL_NAME(linearize)(A, n, a, n, n, ar, ac);
    UL_LAPACK_CALL(getrf, (&in, &in, A, &in, ipiv, &info));
    if (info == 0) {
        UL_NAME(slogdet_from_lu)(A, n, ipiv, sign, logdet);
    } else {
        *sign = 0;
        *logdet = -(UL_R)INFINITY;
    }
}

/* The other strict triangle of the n x n Fortran buffer A (ld n) to zero:
 * 'L' keeps the lower triangle and clears above the diagonal, 'U' the
 * reverse. potrf leaves the input there, which is not part of the factor. */
static void UL_NAME(zero_other_triangle)(UL_T *A, ptrdiff_t n, char uplo)
{
    for (ptrdiff_t j = 0; j < n; j++) {
        /* element stores, not memset: a libc call per short column cost
         * ~4 % of a 10x10 factorisation */
        UL_T *col = A + j * n;
        ptrdiff_t lo = uplo == 'L' ? 0 : j + 1, hi = uplo == 'L' ? j : n;
        for (ptrdiff_t i = lo; i < hi; i++)
            col[i] = 0;
    }
}

UL_HIDDEN int UL_NAME(potrf1)(ptrdiff_t n, char uplo, const char *a,
    ptrdiff_t ar, ptrdiff_t ac, char *x, ptrdiff_t xr, ptrdiff_t xc,
    void *work)
{
    UL_T *A = work;
    const int in = (int)n;
    int info = 0;
    UL_NAME(linearize)(A, n, a, n, n, ar, ac);
    UL_LAPACK_CALL(potrf, (&uplo, &in, A, &in, &info));
    if (info == 0) {
        UL_NAME(zero_other_triangle)(A, n, uplo);
        UL_NAME(delinearize)(x, n, n, xr, xc, A, n);
    } else {
        UL_NAME(nan_fill)(x, n, n, xr, xc);
    }
    return info;
}
