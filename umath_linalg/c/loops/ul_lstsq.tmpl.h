/*
 * ul_lstsq.tmpl.h - least squares for one dtype: lstsq_m and lstsq_n
 * (one loop for both) through ?gelsd, numpy 1.24 `_umath_linalg`
 * semantics (instantiated by ul_loops.c: ul_slstsq_loop ... ul_zlstsq_loop).
 *
 * (m,n),(m,nrhs),()->(n,nrhs),(nrhs),(),(m or n): inputs A, B and rcond (a
 * real scalar), outputs x, residuals, rank (int32) and the singular values
 * (their first min(m,n) entries). B is linearized with leading dimension
 * max(1, m, n) and x read back with it. Residuals (the squared 2-norms of
 * B[n:m, j] after ?gelsd) only when m >= n and rank == n, else NaN. A
 * failed matrix (the SVD did not converge) gets NaN x, residuals and s,
 * rank -1; the rest are computed; FE_INVALID at the end.
 * A with a NaN or Inf, or a NaN rcond, is a failed matrix too: ?gelsd
 * would hand a NaN (or a zero singular value) to ?lascl as CFROM, LAPACK's
 * parameter error (numpy raises its ValueError "On entry to DLASCL ...";
 * here nothing reaches xerbla).
 * nrhs == 0: ?gelsd rejects NRHS = 0 (numpy's loop raises LAPACK's
 * parameter error there), so one zero column is solved instead, as
 * numpy.linalg.lstsq pads it: rank and s are computed, x is empty.
 */

/* UL_RNAME(op): the instance of op for the real part's dtype */
#if UL_CH_IS_s || UL_CH_IS_c
#  define UL_RNAME(op) ul_s##op
#else
#  define UL_RNAME(op) ul_d##op
#endif

#if UL_COMPLEX
void UL_LAPACK(gelsd)(const int *m, const int *n, const int *nrhs, UL_T *a,
                      const int *lda, UL_T *b, const int *ldb, UL_R *s,
                      const UL_R *rcond, int *rank, UL_T *work,
                      const int *lwork, UL_R *rwork, int *iwork, int *info);
#  define UL_GELSD(A, B, S, RC, RANK, W, LW, RW, IW, INFO) \
    UL_LAPACK_CALL(gelsd, (&im, &in, &inrhs, A, &lda, B, &ldb, S, RC, RANK, W, LW, \
                           RW, IW, INFO))
#else
void UL_LAPACK(gelsd)(const int *m, const int *n, const int *nrhs, UL_T *a,
                      const int *lda, UL_T *b, const int *ldb, UL_R *s,
                      const UL_R *rcond, int *rank, UL_T *work,
                      const int *lwork, int *iwork, int *info);
#  define UL_GELSD(A, B, S, RC, RANK, W, LW, RW, IW, INFO) \
    ((void)(RW), UL_LAPACK_CALL(gelsd, (&im, &in, &inrhs, A, &lda, B, &ldb, S, RC, \
                                        RANK, W, LW, IW, INFO)))
#endif

/* The operands of one lstsq call: base pointers and byte steps, in
 * numpy's order (steps = {a, b, rcond, x, resid, rank, s, a_m, a_n, b_m,
 * b_nrhs, x_n, x_nrhs, resid_nrhs, s_k}). */
typedef struct UL_NAME(lstsq_ops) {
    char **args;
    const ptrdiff_t *steps;
    ptrdiff_t m, n, nrhs, mn;
} UL_NAME(lstsq_ops);

/* Outputs of matrix k NaN, rank -1. Empty outputs are never offset. */
static void UL_NAME(lstsq_nan)(const UL_NAME(lstsq_ops) *o, ptrdiff_t k)
{
    char **args = o->args;
    const ptrdiff_t *st = o->steps;
    const int minus_one = -1;
    UL_NAME(nan_fill)(ul_at(args[3], k, st[3], o->n * o->nrhs), o->n, o->nrhs,
                      st[11], st[12]);
    UL_RNAME(nan_fill)(ul_at(args[4], k, st[4], o->nrhs), o->nrhs, 1, st[13],
                       0);
    memcpy(args[5] + k * st[5], &minus_one, sizeof minus_one);
    UL_RNAME(nan_fill)(ul_at(args[6], k, st[6], o->mn), o->mn, 1, st[14], 0);
}

/* numpy's abs2: the squared 2-norm of p[0..len), summed in order. */
static UL_R UL_NAME(abs2)(const UL_T *p, ptrdiff_t len)
{
    UL_R res = 0;
    for (ptrdiff_t i = 0; i < len; i++) {
        const UL_R *e = (const UL_R *)&p[i];
#if UL_COMPLEX
        res += e[0] * e[0] + e[1] * e[1];
#else
        res += e[0] * e[0];
#endif
    }
    return res;
}

static void UL_NAME(gelsd_stack)(const UL_NAME(lstsq_ops) *o, ptrdiff_t count,
                                 ul_loop_report *rep)
{
    char **args = o->args;
    const ptrdiff_t *st = o->steps;
    ptrdiff_t m = o->m, n = o->n, nrhs = o->nrhs, mn = o->mn;
    ptrdiff_t ldb_ = m > n ? m : n, lnrhs = nrhs > 0 ? nrhs : 1;
    ul_workspace ws;
    ws.heap = NULL;
    if (ldb_ < 1)
        ldb_ = 1;
    if (ldb_ > INT_MAX || nrhs > INT_MAX) {
        ul_report_enomem(rep, count);
        goto nan_all;
    }
    const int im = (int)m, in = (int)n, inrhs = (int)lnrhs;
    const int lda = m > 1 ? (int)m : 1, ldb = (int)ldb_;
    int info = 0, rank = 0, lwork = -1, iquery = 0;
    UL_T query = 0, dummy = 0;
    UL_R rquery = 0, rdummy = 0;
    UL_GELSD(&dummy, &dummy, &rdummy, &rdummy, &rank, &query, &lwork, &rquery,
             &iquery, &info);
    if (info != 0) {
        for (ptrdiff_t k = 0; k < count; k++)
            ul_report_failure(rep, k);
        goto nan_all;
    }
    /* numpy: LWORK, LRWORK, LIWORK as the query gives them; one block
     * A | B | WORK (UL_T), S | RWORK (UL_R), IWORK (int) */
    size_t nt = 0, nr = 0, ni = 0, bytes;
    ptrdiff_t lrwork = 0, liwork = iquery > 0 ? iquery : 1;
    if (!ul_lwork(*(UL_R *)&query, 1, &lwork))
        goto nomem;
#if UL_COMPLEX
    int lr;
    if (!ul_lwork(rquery, 1, &lr))
        goto nomem;
    lrwork = lr;
#endif
    if (!ul_elems_add(&nt, m, n) || !ul_elems_add(&nt, ldb_, lnrhs) ||
        !ul_elems_add(&nt, lwork, 1) || !ul_elems_add(&nr, mn, 1) ||
        !ul_elems_add(&nr, lrwork, 1) || !ul_elems_add(&ni, liwork, 1) ||
        !ul_bytes3(&bytes, nt, sizeof(UL_T), nr, sizeof(UL_R), ni,
                   sizeof(int)))
        goto nomem;
    UL_T *A = ul_ws_get(&ws, bytes);
    if (A == NULL)
        goto nomem;
    UL_T *B = A + m * n, *W = B + ldb_ * lnrhs;
    UL_R *S = (UL_R *)(W + lwork), *RW = S + mn;
    int *IW = (int *)(RW + lrwork);
    for (ptrdiff_t k = 0; k < count; k++) {
        UL_R rcond;
        memcpy(&rcond, args[2] + k * st[2], sizeof rcond);
        /* m == 0: ?gelsd returns at once; x = 0 (numpy leaves the buffer's
         * old contents there, numpy.linalg.lstsq then sets x = 0).
         * nrhs == 0: the zero column solved in its place. */
        if (m == 0 || nrhs == 0)
            memset(B, 0, (size_t)(ldb_ * lnrhs) * sizeof(UL_T));
        UL_NAME(linearize)(A, lda, ul_at(args[0], k, st[0], m * n), m, n,
                           st[7], st[8]);
        UL_NAME(linearize)(B, ldb, ul_at(args[1], k, st[1], m * nrhs), m,
                           nrhs, st[9], st[10]);
        if (rcond != rcond || !UL_NAME(all_finite)(A, m * n))
            info = -1;
        else
            UL_GELSD(A, B, S, &rcond, &rank, W, &lwork, RW, IW, &info);
        if (info != 0) {
            UL_NAME(lstsq_nan)(o, k);
            ul_report_failure(rep, k);
            continue;
        }
        UL_NAME(delinearize)(ul_at(args[3], k, st[3], n * nrhs), n, nrhs,
                             st[11], st[12], B, ldb);
        memcpy(args[5] + k * st[5], &rank, sizeof rank);
        UL_RNAME(delinearize)(ul_at(args[6], k, st[6], mn), mn, 1, st[14], 0,
                              S, mn > 0 ? mn : 1);
        char *res = ul_at(args[4], k, st[4], nrhs);
        if (m >= n && rank == n) {
            for (ptrdiff_t j = 0; j < nrhs; j++) {
                UL_R r2 = UL_NAME(abs2)(B + n + j * ldb_, m - n);
                memcpy(res + j * st[13], &r2, sizeof r2);
            }
        } else {
            UL_RNAME(nan_fill)(res, nrhs, 1, st[13], 0);
        }
    }
    ul_ws_release(&ws);
    return;
nomem:
    ul_report_enomem(rep, count);
nan_all:
    ul_ws_release(&ws);
    for (ptrdiff_t k = 0; k < count; k++)
        UL_NAME(lstsq_nan)(o, k);
}

/* lstsq_m: ...->(n,nrhs),(nrhs),(),(m); lstsq_n: ...,(n). dimensions =
 * {N, m, n, nrhs}. Any of m, n, nrhs may be 0: rank is always written. */
UL_API void UL_NAME(lstsq_loop)(char **args, const ptrdiff_t *dimensions,
                                const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    UL_NAME(lstsq_ops) o = { args, steps, dimensions[1], dimensions[2],
                             dimensions[3], 0 };
    o.mn = o.m < o.n ? o.m : o.n;
    if (dimensions[0] > 0)
        UL_NAME(gelsd_stack)(&o, dimensions[0], rep);
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

#undef UL_GELSD
#undef UL_RNAME
