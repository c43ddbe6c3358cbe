/*
 * ul_eigh.tmpl.h - the Hermitian eigen family for one dtype: eigh_lo,
 * eigh_up (JOBZ 'V') and eigvalsh_lo, eigvalsh_up (JOBZ 'N') through
 * ?syevd (real) or ?heevd (complex), numpy 1.24 semantics (instantiated by
 * ul_loops.c: ul_seigh_lo_loop ... ul_zeigvalsh_up_loop).
 *
 * Eigenvalues come back ascending, real (float for complex64, double for
 * complex128); eigenvectors are the columns of the (m,m) output. Only the
 * chosen triangle of the input is read. One workspace query (LWORK = -1)
 * and one allocation per loop call. A matrix on which the routine fails
 * (info > 0: no convergence) gets NaN outputs; the rest are computed;
 * FE_INVALID is raised at the end (numpy's protocol).
 */

#if UL_COMPLEX
void UL_LAPACK(heevd)(const char *jobz, const char *uplo, const int *n,
                      UL_T *a, const int *lda, UL_R *w, UL_T *work,
                      const int *lwork, UL_R *rwork, const int *lrwork,
                      int *iwork, const int *liwork, int *info);
#else
void UL_LAPACK(syevd)(const char *jobz, const char *uplo, const int *n,
                      UL_T *a, const int *lda, UL_R *w, UL_T *work,
                      const int *lwork, int *iwork, const int *liwork,
                      int *info);
#endif

/* The buffers of one call, carved from one block in decreasing alignment
 * (T, then R, then int). lrwork is 0 for real dtypes. */
typedef struct UL_NAME(evd_ws) {
    UL_T *A, *work;
    UL_R *w, *rwork;
    int *iwork;
    int lwork, lrwork, liwork;
} UL_NAME(evd_ws);

/* ?syevd / ?heevd on A (n x n, ld n); returns info. */
static int UL_NAME(evd)(char jobz, char uplo, int n, UL_NAME(evd_ws) *p)
{
    int info = 0;
#if UL_COMPLEX
    UL_LAPACK_CALL(heevd, (&jobz, &uplo, &n, p->A, &n, p->w, p->work, &p->lwork,
                           p->rwork, &p->lrwork, p->iwork, &p->liwork, &info));
#else
    UL_LAPACK_CALL(syevd, (&jobz, &uplo, &n, p->A, &n, p->w, p->work, &p->lwork,
                           p->iwork, &p->liwork, &info));
#endif
    return info;
}

/* A work size LAPACK returned as a real number, rounded up (in float a
 * size above 2^24 may have been rounded down on its way to us); 0 when it
 * is not a usable int. */
static int UL_NAME(lwork_of)(UL_R q)
{
    double up = sizeof(UL_R) == sizeof(float) ? 1 + 2 * (double)FLT_EPSILON : 1;
    double v = ceil((double)q * up);
    return v >= 1 && v <= (double)INT_MAX ? (int)v : 0;
}

/* The workspace query (A and the arrays not referenced), then the one
 * allocation. Returns the block (to release) or NULL, with p filled. */
static void *UL_NAME(evd_ws_get)(ul_workspace *ws, char jobz, char uplo,
                                 ptrdiff_t n, UL_NAME(evd_ws) *p)
{
    ws->heap = NULL;
    if (n > (1 << 28))          /* n fits LAPACK's int, n * n a size_t */
        return NULL;
    UL_T qwork = 0, qa = 0;
    UL_R qrwork = 0, qw = 0;
    int qiwork = 0;
    UL_NAME(evd_ws) q = { &qa, &qwork, &qw, &qrwork, &qiwork, -1, -1, -1 };
    if (UL_NAME(evd)(jobz, uplo, (int)n, &q) != 0)
        return NULL;
    p->lwork = UL_NAME(lwork_of)(((UL_R *)&qwork)[0]);
    p->lrwork = UL_COMPLEX ? UL_NAME(lwork_of)(qrwork) : 0;
    p->liwork = qiwork;
    if (p->lwork == 0 || (UL_COMPLEX && p->lrwork == 0) || p->liwork < 1)
        return NULL;
    size_t nn = (size_t)n * (size_t)n;
    size_t t_bytes = (nn + (size_t)p->lwork) * sizeof(UL_T);
    size_t r_bytes = ((size_t)n + (size_t)p->lrwork) * sizeof(UL_R);
    unsigned char *block = ul_ws_get(ws, t_bytes + r_bytes +
                                         (size_t)p->liwork * sizeof(int));
    if (block == NULL)
        return NULL;
    p->A = (UL_T *)block;
    p->work = p->A + nn;
    p->w = (UL_R *)(block + t_bytes);
    p->rwork = p->w + n;
    p->iwork = (int *)(block + t_bytes + r_bytes);
    return block;
}

/* n reals at dst (byte stride st): src's values, or NaN when src is NULL */
static void UL_NAME(put_real)(char *dst, ptrdiff_t st, const UL_R *src,
                              ptrdiff_t n)
{
    const UL_R nan = (UL_R)NAN;
    for (ptrdiff_t i = 0; i < n; i++)
        memcpy(dst + i * st, src ? &src[i] : &nan, sizeof(UL_R));
}

/* One matrix on the prepared workspace p: linearize, ?syevd/?heevd, w and
 * (jobz 'V') v out, or NaN in both when LAPACK fails; returns info. */
static int UL_NAME(eigh_one)(char jobz, char uplo, ptrdiff_t n,
    const char *a, ptrdiff_t ar, ptrdiff_t ac, char *w, ptrdiff_t wst,
    char *v, ptrdiff_t vr, ptrdiff_t vc, UL_NAME(evd_ws) *p)
{
    UL_NAME(linearize)(p->A, n, a, n, n, ar, ac);
    int info = UL_NAME(evd)(jobz, uplo, (int)n, p);
    UL_NAME(put_real)(w, wst, info == 0 ? p->w : NULL, n);
    if (jobz == 'V') {
        if (info == 0)
            UL_NAME(delinearize)(v, n, n, vr, vc, p->A, n);
        else
            UL_NAME(nan_fill)(v, n, n, vr, vc);
    }
    return info;
}

/* The same with its own workspace: the small kernels' LAPACK lanes
 * (c/small/ul_kern_eigh.tmpl.h), so that those lanes get this path's bits.
 * Returns nonzero (outputs NaN) when LAPACK fails or memory runs out. */
UL_HIDDEN int UL_NAME(eigh1)(char jobz, char uplo, ptrdiff_t n,
    const char *a, ptrdiff_t ar, ptrdiff_t ac, char *w, ptrdiff_t wst,
    char *v, ptrdiff_t vr, ptrdiff_t vc)
{
    ul_workspace ws;
    UL_NAME(evd_ws) p;
    int info = -1;
    if (UL_NAME(evd_ws_get)(&ws, jobz, uplo, n, &p) != NULL) {
        info = UL_NAME(eigh_one)(jobz, uplo, n, a, ar, ac, w, wst, v, vr, vc, &p);
    } else {
        UL_NAME(put_real)(w, wst, NULL, n);
        if (jobz == 'V')
            UL_NAME(nan_fill)(v, n, n, vr, vc);
    }
    ul_ws_release(&ws);
    return info;
}

/* The small-n kernel of the op (real dtypes, small n: c/small/), else 0. */
static int UL_NAME(eigh_small)(char jobz, char uplo, char **args,
    const ptrdiff_t *dimensions, const ptrdiff_t *steps, ul_loop_report *rep)
{
    if (jobz == 'V')
        return uplo == 'L' ? UL_SMALL_RUN(eigh_lo) : UL_SMALL_RUN(eigh_up);
    return uplo == 'L' ? UL_SMALL_RUN(eigvalsh_lo) : UL_SMALL_RUN(eigvalsh_up);
}

/* eigh (v != 0): steps = {a, w, v, a_r, a_c, w_r, v_r, v_c};
 * eigvalsh:      steps = {a, w, a_r, a_c, w_r}. */
static void UL_NAME(eigh)(char jobz, char uplo, char **args,
                          const ptrdiff_t *dimensions, const ptrdiff_t *steps,
                          void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    ptrdiff_t count = dimensions[0], n = dimensions[1];
    int vec = jobz == 'V';
    const ptrdiff_t *core = steps + (vec ? 3 : 2);
    ptrdiff_t ar = core[0], ac = core[1], wst = core[2];
    ptrdiff_t vr = vec ? core[3] : 0, vc = vec ? core[4] : 0;
    if (count > 0 && n > 0 &&
        !UL_NAME(eigh_small)(jobz, uplo, args, dimensions, steps, rep)) {
        ul_workspace ws;
        UL_NAME(evd_ws) p;
        if (UL_NAME(evd_ws_get)(&ws, jobz, uplo, n, &p) == NULL) {
            for (ptrdiff_t k = 0; k < count; k++) {
                UL_NAME(put_real)(args[1] + k * steps[1], wst, NULL, n);
                if (vec)
                    UL_NAME(nan_fill)(args[2] + k * steps[2], n, n, vr, vc);
            }
            ul_report_enomem(rep, count);
        } else {
            for (ptrdiff_t k = 0; k < count; k++)
                if (UL_NAME(eigh_one)(jobz, uplo, n, args[0] + k * steps[0],
                        ar, ac, args[1] + k * steps[1], wst,
                        vec ? args[2] + k * steps[2] : NULL, vr, vc, &p) != 0)
                    ul_report_failure(rep, k);
        }
        ul_ws_release(&ws);
    }
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

/* eigh_lo, eigh_up: (m,m)->(m),(m,m) */
UL_API void UL_NAME(eigh_lo_loop)(char **args, const ptrdiff_t *dimensions,
                                  const ptrdiff_t *steps, void *data)
{
    UL_NAME(eigh)('V', 'L', args, dimensions, steps, data);
}

UL_API void UL_NAME(eigh_up_loop)(char **args, const ptrdiff_t *dimensions,
                                  const ptrdiff_t *steps, void *data)
{
    UL_NAME(eigh)('V', 'U', args, dimensions, steps, data);
}

/* eigvalsh_lo, eigvalsh_up: (m,m)->(m) */
UL_API void UL_NAME(eigvalsh_lo_loop)(char **args, const ptrdiff_t *dimensions,
                                      const ptrdiff_t *steps, void *data)
{
    UL_NAME(eigh)('N', 'L', args, dimensions, steps, data);
}

UL_API void UL_NAME(eigvalsh_up_loop)(char **args, const ptrdiff_t *dimensions,
                                      const ptrdiff_t *steps, void *data)
{
    UL_NAME(eigh)('N', 'U', args, dimensions, steps, data);
}
