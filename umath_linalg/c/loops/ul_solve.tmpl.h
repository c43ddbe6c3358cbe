/*
 * ul_solve.tmpl.h - the solve family for one dtype: inv (= gesv with
 * B = I, as numpy), solve, solve1; numpy 1.24 `_umath_linalg` semantics
 * (instantiated by ul_loops.c: ul_sinv_loop ... ul_zsolve1_loop).
 *
 * Each loop: the small-n kernel if it takes the call (n <= UL_SMALL_MAX),
 * else per matrix the one-matrix LAPACK path (ul_?gesv1: linearize into
 * the call's one workspace, ?gesv, delinearize). A failed factorization
 * NaN-fills that matrix's output; the rest are computed; FE_INVALID is
 * raised at the end (numpy's protocol) and the count goes to the
 * ul_loop_report when `data` carries one.
 */

/* The core of all three: A is n x n at a (strides ar, ac), B is n x nrhs at
 * b (br, bc) or the identity (rhs: UL_RHS_GIVEN or UL_RHS_IDENTITY); X
 * goes to x (xr, xc). One workspace for the call, then ul_?gesv1 per
 * matrix. Called with count, n and nrhs >= 1 (the loops return earlier on
 * an empty output, whose pointers may be NULL). */
static void UL_NAME(gesv_stack)(ptrdiff_t count, ptrdiff_t n, ptrdiff_t nrhs,
    const char *a, ptrdiff_t a_step, ptrdiff_t ar, ptrdiff_t ac,
    int rhs, const char *b, ptrdiff_t b_step, ptrdiff_t br, ptrdiff_t bc,
    char *x, ptrdiff_t x_step, ptrdiff_t xr, ptrdiff_t xc,
    ul_loop_report *rep)
{
    ul_workspace ws;
    /* sizes LAPACK's int takes and whose byte counts fit in size_t */
    int fits = n <= (1 << 28) && nrhs <= INT_MAX;
    void *work = fits ? ul_ws_get(&ws, ul_lapack1_work(sizeof(UL_T), n, nrhs))
                      : (ws.heap = NULL);
    if (work == NULL) {
        for (ptrdiff_t k = 0; k < count; k++)
            UL_NAME(nan_fill)(x + k * x_step, n, nrhs, xr, xc);
        ul_report_enomem(rep, count);
        ul_ws_release(&ws);
        return;
    }
    for (ptrdiff_t k = 0; k < count; k++)
        if (UL_NAME(gesv1)(n, nrhs, a + k * a_step, ar, ac, rhs,
                           rhs == UL_RHS_GIVEN ? b + k * b_step : NULL, br, bc,
                           x + k * x_step, xr, xc,
                           work) != 0)
            ul_report_failure(rep, k);
    ul_ws_release(&ws);
}

/* inv: (m, m)->(m, m); steps = {a, out, a_r, a_c, out_r, out_c} */
UL_API void UL_NAME(inv_loop)(char **args, const ptrdiff_t *dimensions,
                              const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    if (dimensions[0] > 0 && dimensions[1] > 0 && !UL_SMALL_RUN(inv))
        UL_NAME(gesv_stack)(dimensions[0], dimensions[1], dimensions[1],
            args[0], steps[0], steps[2], steps[3],
            UL_RHS_IDENTITY, NULL, 0, 0, 0,
            args[1], steps[1], steps[4], steps[5], rep);
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

/* solve: (m,m),(m,n)->(m,n);
 * steps = {a, b, x, a_r, a_c, b_r, b_c, x_r, x_c} */
UL_API void UL_NAME(solve_loop)(char **args, const ptrdiff_t *dimensions,
                                const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    if (dimensions[0] > 0 && dimensions[1] > 0 && dimensions[2] > 0 &&
        !UL_SMALL_RUN(solve))
        UL_NAME(gesv_stack)(dimensions[0], dimensions[1], dimensions[2],
            args[0], steps[0], steps[3], steps[4],
            UL_RHS_GIVEN, args[1], steps[1], steps[5], steps[6],
            args[2], steps[2], steps[7], steps[8], rep);
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

/* solve1: (m,m),(m)->(m); steps = {a, b, x, a_r, a_c, b_r, x_r};
 * b and x are m x 1 matrices (their column stride is never used). */
UL_API void UL_NAME(solve1_loop)(char **args, const ptrdiff_t *dimensions,
                                 const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    if (dimensions[0] > 0 && dimensions[1] > 0 && !UL_SMALL_RUN(solve1))
        UL_NAME(gesv_stack)(dimensions[0], dimensions[1], 1,
            args[0], steps[0], steps[3], steps[4],
            UL_RHS_GIVEN, args[1], steps[1], steps[5], 0,
            args[2], steps[2], steps[6], 0, rep);
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

