/*
 * ul_qr.tmpl.h - the QR family for one dtype, numpy 1.24 `_umath_linalg`
 * semantics: qr_r_raw (?geqrf; the table's qr_r_raw_m and qr_r_raw_n),
 * qr_reduced and qr_complete (?orgqr / ?ungqr). numpy has d and z loops
 * only: ul_loops.c instantiates this with UL_INSTANTIATE_DOUBLE
 * (ul_dqr_r_raw_loop ... ul_zqr_complete_loop).
 *
 * Each loop: one LAPACK workspace query and one workspace for the call,
 * then per matrix linearize -> LAPACK -> delinearize; a failed matrix
 * NaN-fills its output (qr_r_raw: tau; its input is then not written) and
 * the rest are computed; FE_INVALID at the end (numpy's protocol).
 */

#if UL_COMPLEX
#  define UL_GQR ungqr
#else
#  define UL_GQR orgqr
#endif

void UL_LAPACK(geqrf)(const int *m, const int *n, UL_T *a, const int *lda,
                      UL_T *tau, UL_T *work, const int *lwork, int *info);
void UL_LAPACK(UL_GQR)(const int *m, const int *n, const int *k, UL_T *a,
                       const int *lda, const UL_T *tau, UL_T *work,
                       const int *lwork, int *info);

/* Every output of the call NaN (no workspace or a failed query), each
 * matrix counted as failed. out: rows x cols with strides r, c. */
static void UL_NAME(qr_nan_all)(ptrdiff_t count, char *out, ptrdiff_t step,
                                ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t r,
                                ptrdiff_t c, ul_loop_report *rep, int enomem)
{
    for (ptrdiff_t k = 0; k < count; k++) {
        UL_NAME(nan_fill)(out + k * step, rows, cols, r, c);
        if (!enomem)
            ul_report_failure(rep, k);
    }
    if (enomem)
        ul_report_enomem(rep, count);
}

/* qr_r_raw_m: (m,n)->(m), qr_r_raw_n: (m,n)->(n), one loop for both;
 * steps = {a, tau, a_m, a_n, tau_k}. The factored A (R above the diagonal,
 * the reflectors below) is written back into the INPUT operand, tau (its
 * first min(m,n) entries) to the output, as numpy does. m, n, N >= 1. */
static void UL_NAME(geqrf_stack)(char **args, const ptrdiff_t *dimensions,
                                 const ptrdiff_t *steps, ul_loop_report *rep)
{
    ptrdiff_t count = dimensions[0], m = dimensions[1], n = dimensions[2];
    ptrdiff_t mn = m < n ? m : n;
    const int im = (int)m, in = (int)n;
    int info = 0, lwork = -1;
    UL_T query = 0, dummy = 0;
    ul_workspace ws;
    size_t elems = 0;
    void *work = NULL;
    ws.heap = NULL;
    if (m > INT_MAX || n > INT_MAX)
        goto nomem;
    UL_LAPACK_CALL(geqrf, (&im, &in, &dummy, &im, &dummy, &query, &lwork, &info));
    if (info != 0) {
        UL_NAME(qr_nan_all)(count, args[1], steps[1], mn, 1, steps[4], 0,
                            rep, 0);
        return;
    }
    /* numpy: LWORK = max(1, n, optimal) */
    if (!ul_lwork(*(UL_R *)&query, n, &lwork) ||
        !ul_elems_add(&elems, m, n) || !ul_elems_add(&elems, mn, 1) ||
        !ul_elems_add(&elems, lwork, 1) || elems > SIZE_MAX / sizeof(UL_T) ||
        (work = ul_ws_get(&ws, elems * sizeof(UL_T))) == NULL)
        goto nomem;
    UL_T *A = work, *tau = A + m * n, *w = tau + mn;
    for (ptrdiff_t k = 0; k < count; k++) {
        char *a = args[0] + k * steps[0], *t = args[1] + k * steps[1];
        UL_NAME(linearize)(A, m, a, m, n, steps[2], steps[3]);
        UL_LAPACK_CALL(geqrf, (&im, &in, A, &im, tau, w, &lwork, &info));
        if (info == 0) {
            UL_NAME(delinearize)(a, m, n, steps[2], steps[3], A, m);
            UL_NAME(delinearize)(t, mn, 1, steps[4], 0, tau, mn);
        } else {
            UL_NAME(nan_fill)(t, mn, 1, steps[4], 0);
            ul_report_failure(rep, k);
        }
    }
    ul_ws_release(&ws);
    return;
nomem:
    ul_ws_release(&ws);
    UL_NAME(qr_nan_all)(count, args[1], steps[1], mn, 1, steps[4], 0, rep, 1);
}

UL_API void UL_NAME(qr_r_raw_loop)(char **args, const ptrdiff_t *dimensions,
                                   const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    /* m or n 0: nothing to factor, no tau entry (numpy's geqrf is a no-op) */
    if (dimensions[0] > 0 && dimensions[1] > 0 && dimensions[2] > 0)
        UL_NAME(geqrf_stack)(args, dimensions, steps, rep);
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

/* Q from the factored A (m x n at a, strides ar, ac) and tau (min(m,n)
 * entries, stride ts): ?orgqr(M=m, N=mc, K=min(m,n)) on a buffer holding
 * A's first min(m,n) columns (the reflectors; LAPACK sets the other
 * columns itself), Q (m x mc) to q (qr, qc). mc = min(m,n) (qr_reduced)
 * or m (qr_complete). count, m, mc >= 1. */
static void UL_NAME(gqr_stack)(ptrdiff_t count, ptrdiff_t m, ptrdiff_t n,
    ptrdiff_t mc, const char *a, ptrdiff_t a_step, ptrdiff_t ar, ptrdiff_t ac,
    const char *tau, ptrdiff_t t_step, ptrdiff_t ts,
    char *q, ptrdiff_t q_step, ptrdiff_t qr, ptrdiff_t qc, ul_loop_report *rep)
{
    ptrdiff_t mn = m < n ? m : n;
    const int im = (int)m, imc = (int)mc, imn = (int)mn;
    int info = 0, lwork = -1;
    UL_T query = 0, dummy = 0;
    ul_workspace ws;
    size_t elems = 0;
    void *work = NULL;
    ws.heap = NULL;
    if (m > INT_MAX || n > INT_MAX)
        goto nomem;
    UL_LAPACK_CALL(UL_GQR, (&im, &imc, &imn, &dummy, &im, &dummy, &query, &lwork,
                            &info));
    if (info != 0) {
        UL_NAME(qr_nan_all)(count, q, q_step, m, mc, qr, qc, rep, 0);
        return;
    }
    /* numpy: LWORK = max(1, n, optimal) (zungqr gets the optimal itself,
     * the same blocking: only an LWORK below it changes ?orgqr's) */
    if (!ul_lwork(*(UL_R *)&query, n, &lwork) ||
        !ul_elems_add(&elems, m, mc) || !ul_elems_add(&elems, mn, 1) ||
        !ul_elems_add(&elems, lwork, 1) || elems > SIZE_MAX / sizeof(UL_T) ||
        (work = ul_ws_get(&ws, elems * sizeof(UL_T))) == NULL)
        goto nomem;
    UL_T *Q = work, *T = Q + m * mc, *w = T + mn;
    for (ptrdiff_t k = 0; k < count; k++) {
        /* mn == 0 (qr_complete of m x 0): A and tau may be empty (NULL) */
        if (mn > 0) {
            UL_NAME(linearize)(Q, m, a + k * a_step, m, mn, ar, ac);
            UL_NAME(linearize)(T, mn, tau + k * t_step, mn, 1, ts, 0);
        }
        UL_LAPACK_CALL(UL_GQR, (&im, &imc, &imn, Q, &im, T, w, &lwork, &info));
        if (info == 0) {
            UL_NAME(delinearize)(q + k * q_step, m, mc, qr, qc, Q, m);
        } else {
            UL_NAME(nan_fill)(q + k * q_step, m, mc, qr, qc);
            ul_report_failure(rep, k);
        }
    }
    ul_ws_release(&ws);
    return;
nomem:
    ul_ws_release(&ws);
    UL_NAME(qr_nan_all)(count, q, q_step, m, mc, qr, qc, rep, 1);
}

/* qr_reduced: (m,n),(k)->(m,k), k = min(m,n) (what numpy.linalg.qr
 * passes); steps = {a, tau, q, a_m, a_n, tau_k, q_m, q_k}. Another k
 * would make numpy read past tau or leave columns unset: here that
 * matrix's output is NaN and it counts as failed. */
UL_API void UL_NAME(qr_reduced_loop)(char **args, const ptrdiff_t *dimensions,
                                     const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    ptrdiff_t count = dimensions[0], m = dimensions[1], n = dimensions[2],
              kk = dimensions[3], mn = m < n ? m : n;
    if (count > 0 && m > 0 && kk > 0) {
        if (kk != mn)
            UL_NAME(qr_nan_all)(count, args[2], steps[2], m, kk, steps[6],
                                steps[7], rep, 0);
        else
            UL_NAME(gqr_stack)(count, m, n, mn, args[0], steps[0], steps[3],
                steps[4], args[1], steps[1], steps[5], args[2], steps[2],
                steps[6], steps[7], rep);
    }
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

/* qr_complete: (m,n),(n)->(m,m), Q square (numpy.linalg.qr uses it for
 * m > n); steps = {a, tau, q, a_m, a_n, tau_n, q_m, q_m'}; tau's first
 * min(m,n) entries are read. n == 0 gives the identity (?orgqr, K = 0). */
UL_API void UL_NAME(qr_complete_loop)(char **args,
                                      const ptrdiff_t *dimensions,
                                      const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    ptrdiff_t count = dimensions[0], m = dimensions[1], n = dimensions[2];
    if (count > 0 && m > 0)
        UL_NAME(gqr_stack)(count, m, n, m, args[0], steps[0], steps[3],
            steps[4], args[1], steps[1], steps[5], args[2], steps[2],
            steps[6], steps[7], rep);
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

#undef UL_GQR
