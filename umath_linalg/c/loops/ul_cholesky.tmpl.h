/*
 * ul_cholesky.tmpl.h - the Cholesky family for one dtype: cholesky_lo
 * (numpy 1.24) and cholesky_up (numpy 2.0): the small-n kernel when it
 * takes the call (float32/float64, n <= 16: c/small/ul_kern_chol.tmpl.h),
 * else per matrix ul_?potrf1 (?potrf('L' / 'U') on a Fortran copy, the
 * other strict triangle set to exactly zero; c/core/ul_lapack1.tmpl.h)
 * (instantiated by ul_loops.c: ul_scholesky_lo_loop ... ul_zcholesky_up_loop).
 *
 * A matrix that is not positive definite (potrf info > 0) gets an all-NaN
 * output; the rest are computed; FE_INVALID is raised at the end (numpy's
 * protocol) and the count goes to the ul_loop_report when `data` has one.
 * potrf reads only the chosen triangle of the input, as numpy's does.
 */

/* The LAPACK path: (m,m)->(m,m); steps = {a, out, a_r, a_c, out_r,
 * out_c}; count, n >= 1 (the loops return earlier on an empty output,
 * whose pointer may be NULL). One n x n workspace for the whole call. */
static void UL_NAME(cholesky)(char uplo, char **args,
                              const ptrdiff_t *dimensions,
                              const ptrdiff_t *steps, ul_loop_report *rep)
{
    ptrdiff_t count = dimensions[0], n = dimensions[1];
    ul_workspace ws;
    /* n fits LAPACK's int, n * n elements a size_t */
    int fits = n <= (1 << 28);
    UL_T *A = fits ? ul_ws_get(&ws, (size_t)n * (size_t)n * sizeof(UL_T))
                   : (ws.heap = NULL);
    if (A == NULL) {
        for (ptrdiff_t k = 0; k < count; k++)
            UL_NAME(nan_fill)(args[1] + k * steps[1], n, n, steps[4],
                              steps[5]);
        ul_report_enomem(rep, count);
    } else {
        for (ptrdiff_t k = 0; k < count; k++)
            if (UL_NAME(potrf1)(n, uplo, args[0] + k * steps[0], steps[2],
                                steps[3], args[1] + k * steps[1], steps[4],
                                steps[5], A) != 0)
                ul_report_failure(rep, k);
    }
    ul_ws_release(&ws);
}

/* cholesky_lo: A = L L^H, L lower triangular (numpy 1.24). */
UL_API void UL_NAME(cholesky_lo_loop)(char **args, const ptrdiff_t *dimensions,
                                      const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    if (dimensions[0] > 0 && dimensions[1] > 0 && !UL_SMALL_RUN(cholesky_lo))
        UL_NAME(cholesky)('L', args, dimensions, steps, rep);
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

/* cholesky_up: A = U^H U, U upper triangular (numpy 2.0). */
UL_API void UL_NAME(cholesky_up_loop)(char **args, const ptrdiff_t *dimensions,
                                      const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    if (dimensions[0] > 0 && dimensions[1] > 0 && !UL_SMALL_RUN(cholesky_up))
        UL_NAME(cholesky)('U', args, dimensions, steps, rep);
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}
