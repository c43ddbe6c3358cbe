/*
 * ul_cholesky.tmpl.h - the Cholesky family for one dtype: cholesky_lo
 * (numpy 1.24) and cholesky_up (numpy 2.0), ?potrf('L' / 'U') on a Fortran
 * copy, the other strict triangle set to exactly zero (instantiated by
 * ul_loops.c: ul_scholesky_lo_loop ... ul_zcholesky_up_loop).
 *
 * A matrix that is not positive definite (potrf info > 0) gets an all-NaN
 * output; the rest are computed; FE_INVALID is raised at the end (numpy's
 * protocol) and the count goes to the ul_loop_report when `data` has one.
 * potrf reads only the chosen triangle of the input, as numpy's does.
 */

void UL_LAPACK(potrf)(const char *uplo, const int *n, UL_T *a, const int *lda,
                      int *info);

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

/* (m,m)->(m,m); steps = {a, out, a_r, a_c, out_r, out_c}. One n x n
 * workspace for the whole call; nothing touched when the output is empty
 * (its pointer may be NULL). */
static void UL_NAME(cholesky)(char uplo, char **args,
                              const ptrdiff_t *dimensions,
                              const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    ptrdiff_t count = dimensions[0], n = dimensions[1];
    if (count > 0 && n > 0) {
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
            const int in = (int)n;
            for (ptrdiff_t k = 0; k < count; k++) {
                char *out = args[1] + k * steps[1];
                int info = 0;
                UL_NAME(linearize)(A, n, args[0] + k * steps[0], n, n,
                                   steps[2], steps[3]);
                UL_LAPACK(potrf)(&uplo, &in, A, &in, &info);
                if (info == 0) {
                    UL_NAME(zero_other_triangle)(A, n, uplo);
                    UL_NAME(delinearize)(out, n, n, steps[4], steps[5], A, n);
                } else {
                    UL_NAME(nan_fill)(out, n, n, steps[4], steps[5]);
                    ul_report_failure(rep, k);
                }
            }
        }
        ul_ws_release(&ws);
    }
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

/* cholesky_lo: A = L L^H, L lower triangular (numpy 1.24). */
UL_API void UL_NAME(cholesky_lo_loop)(char **args, const ptrdiff_t *dimensions,
                                      const ptrdiff_t *steps, void *data)
{
    UL_NAME(cholesky)('L', args, dimensions, steps, data);
}

/* cholesky_up: A = U^H U, U upper triangular (numpy 2.0). */
UL_API void UL_NAME(cholesky_up_loop)(char **args, const ptrdiff_t *dimensions,
                                      const ptrdiff_t *steps, void *data)
{
    UL_NAME(cholesky)('U', args, dimensions, steps, data);
}
