/*
 * ul_small_cplx.tmpl.h - the small-n complex inverse for one dtype (c, z),
 * instantiated by ul_small_cplx.c (through ul_instantiate.h). One matrix at a time, scalar C99 complex
 * arithmetic: LAPACK's ?gesv costs 0.7 us for one 4x4 complex128 and 3.4 us
 * for a 10x10 on this project's machine, mostly fixed costs that a plain
 * loop does not have.
 *
 * Gauss-Jordan in place on a row-major copy, partial pivoting with
 * LAPACK's choice (i?amax: first row of largest |re| + |im|), the row
 * interchanges undone on the columns at the end. Guard as the real
 * kernels (ul_kern_stack.tmpl.h): a matrix with a non-finite entry (or whose
 * sum of |re| + |im| overflows) or a pivot at most
 * n * 2^(7 - mantissa bits) * max(|re| + |im|) goes to ?gesv itself, so
 * singular, nearly singular and NaN/Inf input give the LAPACK path's
 * results bit for bit.
 */

static UL_R UL_NAME(cabs1)(UL_T z)
{
    const UL_R *parts = (const UL_R *)&z;    /* C99: re, im */
    return UL_FABS(parts[0]) + UL_FABS(parts[1]);
}

/* y = y + a x (x NULL: y = a y) on n complex elements as (re, im) pairs */
static inline void UL_NAME(axpy)(UL_R *restrict y, int n, UL_T a,
                                 const UL_R *restrict x)
{
    const UL_R *ap = (const UL_R *)&a;
    const UL_R ar = ap[0], ai = ap[1];
    for (int j = 0; j < 2 * n; j += 2) {
        const UL_R xr = x ? x[j] : y[j], xi = x ? x[j + 1] : y[j + 1];
        const UL_R pr = ar * xr - ai * xi, pi = ar * xi + ai * xr;
        y[j] = x ? y[j] + pr : pr;
        y[j + 1] = x ? y[j + 1] + pi : pi;
    }
}

/* 0, or 1 when the matrix must go to LAPACK; on 0, A holds inv(P A) and
 * perm[k] the row interchanged with row k at step k. */
static int UL_NAME(gj_cplx)(UL_T *restrict A, int n, int *perm)
{
    UL_R mx = 0, sum = 0;
    for (int i = 0; i < n * n; i++) {
        UL_R v = UL_NAME(cabs1)(A[i]);
        mx = v > mx ? v : mx;
        sum += v;
    }
    if (!(sum <= UL_BIG))
        return 1;
    UL_R thr = mx * (UL_R)n * UL_GUARD;
    thr = thr > UL_TINY ? thr : UL_TINY;
    for (int k = 0; k < n; k++) {
        int p = k;
        UL_R m = UL_NAME(cabs1)(A[k * n + k]);
        for (int i = k + 1; i < n; i++) {
            UL_R v = UL_NAME(cabs1)(A[i * n + k]);
            if (v > m) {
                m = v;
                p = i;
            }
        }
        if (!(m > thr))
            return 1;
        perm[k] = p;
        if (p != k)
            for (int j = 0; j < n; j++) {
                UL_T t = A[k * n + j];
                A[k * n + j] = A[p * n + j];
                A[p * n + j] = t;
            }
        /* C99's complex division (scaled, safe for any finite pivot);
         * the products by hand on the parts: Annex G's NaN recovery
         * costs a branch per product and guarded input never needs it */
        UL_T *Ak = A + k * n;
        const UL_T r = 1 / Ak[k];
        Ak[k] = 1;
        UL_NAME(axpy)((UL_R *)Ak, n, r, 0);
        for (int i = 0; i < n; i++) {
            if (i == k)
                continue;
            UL_T *Ai = A + i * n;
            const UL_T f = Ai[k];
            Ai[k] = 0;
            UL_NAME(axpy)((UL_R *)Ai, n, -f, (const UL_R *)Ak);
        }
    }
    return 0;
}

/* ?gesv(A, I) of one matrix: the loops' one-matrix LAPACK path */
static int UL_NAME(gesv_one)(int n, const char *a, ptrdiff_t ar, ptrdiff_t ac,
                             char *x, ptrdiff_t xr, ptrdiff_t xc)
{
    _Alignas(64) unsigned char work[UL_LAPACK1_WORK_SMALL(sizeof(UL_T))];
    return UL_NAME(gesv1)(n, n, a, ar, ac, UL_RHS_IDENTITY, NULL, 0, 0, x, xr,
                          xc, work);
}

/* The kernel behind ul_small_run for c and z inv (ul_cinv_cplx,
 * ul_zinv_cplx); steps as the inv loop's: {a, out, a_r, a_c, out_r, out_c}. */
UL_HIDDEN ptrdiff_t UL_NAME(inv_cplx)(char **args, const ptrdiff_t *dims,
                            const ptrdiff_t *steps, ptrdiff_t *first_failed)
{
    const ptrdiff_t N = dims[0];
    const int n = (int)dims[1];
    const ptrdiff_t ar = steps[2], ac = steps[3], xr = steps[4], xc = steps[5];
    UL_T A[UL_SMALL_MAX * UL_SMALL_MAX];
    int perm[UL_SMALL_MAX], col[UL_SMALL_MAX];
    ptrdiff_t nfail = 0;
    *first_failed = -1;
    for (ptrdiff_t b = 0; b < N; b++) {
        const char *in = args[0] + b * steps[0];
        char *o = args[1] + b * steps[1];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                memcpy(&A[i * n + j], in + i * ar + j * ac, sizeof(UL_T));
        if (UL_NAME(gj_cplx)(A, n, perm)) {
            if (UL_NAME(gesv_one)(n, in, ar, ac, o, xr, xc) != 0 && nfail++ == 0)
                *first_failed = b;
            continue;
        }
        /* inv(A) = inv(P A) P: column j of the result is column col[j] */
        for (int j = 0; j < n; j++)
            col[j] = j;
        for (int k = n - 1; k >= 0; k--) {
            int t = col[k];
            col[k] = col[perm[k]];
            col[perm[k]] = t;
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                memcpy(o + i * xr + j * xc, &A[i * n + col[j]], sizeof(UL_T));
    }
    return nfail;
}
