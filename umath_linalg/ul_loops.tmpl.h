/*
 * ul_loops.tmpl.h - inv, solve, solve1, det and slogdet for one dtype,
 * numpy 1.24 `_umath_linalg` semantics (instantiated by ul_loops.c).
 *
 * Each loop: small-n kernel if it takes the call (n <= UL_SMALL_MAX), else
 * per matrix: linearize into a Fortran workspace, LAPACK, delinearize. A
 * failed factorization NaN-fills that matrix's output; the rest are
 * computed; FE_INVALID is raised at the end (numpy's protocol) and the
 * count goes to the ul_loop_report when `data` carries one.
 */

/* The small-n kernel takes the call when 1 <= m <= UL_SMALL_MAX and it
 * does not decline. The loops call it (and the LAPACK path) only when the
 * output has elements: an empty operand's pointer may be NULL and is never
 * offset, and an empty core costs nothing per matrix. */
#define UL_SMALL_RUN(op) \
    (dimensions[1] >= 1 && dimensions[1] <= UL_SMALL_MAX && \
     ul_small_taken(UL_CAT3(ul_small_, UL_CH, op)(args, dimensions, steps, \
                                                  &rep->first_failed), rep))

/* ---- solve family: inv = gesv with B = I (as numpy), solve, solve1 ---- */

/* The core of all three: A is n x n at a (strides ar, ac), B is n x nrhs at
 * b (br, bc) or the identity (rhs: UL_RHS_GIVEN or UL_RHS_IDENTITY); X goes to x (xr, xc). An empty A or X (n or
 * nrhs 0) has nothing to compute or write, and its pointers may be NULL:
 * they are never offset. */
static void UL_NAME(gesv_stack)(ptrdiff_t count, ptrdiff_t n, ptrdiff_t nrhs,
    const char *a, ptrdiff_t a_step, ptrdiff_t ar, ptrdiff_t ac,
    int rhs, const char *b, ptrdiff_t b_step, ptrdiff_t br, ptrdiff_t bc,
    char *x, ptrdiff_t x_step, ptrdiff_t xr, ptrdiff_t xc,
    ul_loop_report *rep)
{
    if (count <= 0 || n <= 0 || nrhs <= 0)
        return;
    if (rhs == UL_RHS_IDENTITY && nrhs != n)
        return;         /* not reachable from the loops: inv passes n, n */
    ul_workspace ws;
    /* sizes LAPACK's int takes and whose byte counts fit in size_t */
    int fits = n <= (1 << 28) && nrhs <= INT_MAX;
    size_t a_len = fits ? (size_t)n * (size_t)n * sizeof(UL_T) : 0;
    size_t b_len = fits ? (size_t)n * (size_t)nrhs * sizeof(UL_T) : 0;
    ws.heap = NULL;
    UL_T *A = fits ? ul_ws_get(&ws, a_len + b_len + (size_t)n * sizeof(int)) : NULL;
    if (A == NULL) {
        for (ptrdiff_t k = 0; k < count; k++)
            UL_NAME(nan_fill)(x + k * x_step, n, nrhs, xr, xc);
        ul_report_enomem(rep, count);
        ul_ws_release(&ws);
        return;
    }
    UL_T *B = (UL_T *)((char *)A + a_len);
    int *ipiv = (int *)((char *)B + b_len);
    const int in = (int)n, inrhs = (int)nrhs, ld = (int)n;
    for (ptrdiff_t k = 0; k < count; k++) {
        int info = 0;
        UL_NAME(linearize)(A, n, a + k * a_step, n, n, ar, ac);
        if (rhs == UL_RHS_GIVEN)
            UL_NAME(linearize)(B, n, b + k * b_step, n, nrhs, br, bc);
        else
            UL_NAME(identity)(B, n);
        UL_LAPACK(gesv)(&in, &inrhs, A, &ld, ipiv, B, &ld, &info);
        if (info == 0) {
            UL_NAME(delinearize)(x + k * x_step, n, nrhs, xr, xc, B, n);
        } else {
            UL_NAME(nan_fill)(x + k * x_step, n, nrhs, xr, xc);
            ul_report_failure(rep, k);
        }
    }
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

/* ---- det family: getrf, then numpy's slogdet_single_element ---- */

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

/* Runs getrf on each matrix and hands (sign, logdet) to `emit`; singular
 * gives sign 0, logdet -inf. n >= 1. */
typedef void (*UL_NAME(emit_fn))(char **out, ptrdiff_t k, const ptrdiff_t *steps,
                                  UL_T sign, UL_R logdet);

static void UL_NAME(getrf_stack)(char **args, const ptrdiff_t *dimensions,
                                 const ptrdiff_t *steps, ptrdiff_t ar,
                                 ptrdiff_t ac, UL_NAME(emit_fn) emit,
                                 ul_loop_report *rep)
{
    ptrdiff_t count = dimensions[0], n = dimensions[1];
    if (count <= 0)
        return;
    ul_workspace ws;
    int fits = n <= (1 << 28);
    size_t a_len = fits ? (size_t)n * (size_t)n * sizeof(UL_T) : 0;
    ws.heap = NULL;
    UL_T *A = fits ? ul_ws_get(&ws, a_len + (size_t)n * sizeof(int)) : NULL;
    if (A == NULL) {
        UL_T nan_sign;
        UL_NAME(nan_fill)((char *)&nan_sign, 1, 1, 0, 0);
        for (ptrdiff_t k = 0; k < count; k++)
            emit(args, k, steps, nan_sign, (UL_R)NAN);
        ul_report_enomem(rep, count);
        ul_ws_release(&ws);
        return;
    }
    int *ipiv = (int *)((char *)A + a_len);
    const int in = (int)n;
    for (ptrdiff_t k = 0; k < count; k++) {
        int info = 0;
        UL_T sign;
        UL_R logdet;
        UL_NAME(linearize)(A, n, args[0] + k * steps[0], n, n, ar, ac);
        UL_LAPACK(getrf)(&in, &in, A, &in, ipiv, &info);
        if (info == 0) {
            UL_NAME(slogdet_from_lu)(A, n, ipiv, &sign, &logdet);
        } else {
            sign = 0;
            logdet = -(UL_R)INFINITY;
        }
        emit(args, k, steps, sign, logdet);
    }
    ul_ws_release(&ws);
}

/* The 0 x 0 matrix: det 1, slogdet (1, 0) for each of the count outputs,
 * a plain store each (a huge stack of empty matrices costs what its outputs
 * do); the input is never read and its pointer may be NULL. */
static void UL_NAME(det_empty)(char **args, const ptrdiff_t *dimensions,
                               const ptrdiff_t *steps, int nout)
{
    const UL_T one = 1;
    const UL_R zero = 0;
    for (ptrdiff_t k = 0; k < dimensions[0]; k++) {
        memcpy(args[1] + k * steps[1], &one, sizeof one);
        if (nout == 2)
            memcpy(args[2] + k * steps[2], &zero, sizeof zero);
    }
}

/* det = sign * exp(logdet), as numpy's det_from_slogdet. */
static void UL_NAME(emit_det)(char **args, ptrdiff_t k, const ptrdiff_t *steps,
                              UL_T sign, UL_R logdet)
{
    UL_R e = UL_EXP(logdet);
    UL_T det;
#if UL_COMPLEX
    ((UL_R *)&det)[0] = ((UL_R *)&sign)[0] * e;
    ((UL_R *)&det)[1] = ((UL_R *)&sign)[1] * e;
#else
    det = sign * e;
#endif
    memcpy(args[1] + k * steps[1], &det, sizeof det);
}

static void UL_NAME(emit_slogdet)(char **args, ptrdiff_t k,
                                  const ptrdiff_t *steps, UL_T sign,
                                  UL_R logdet)
{
    memcpy(args[1] + k * steps[1], &sign, sizeof sign);
    memcpy(args[2] + k * steps[2], &logdet, sizeof logdet);
}

/* det: (m,m)->(); steps = {a, out, a_r, a_c}. Like numpy: no FP-flag
 * handling, never a failure (singular gives 0). */
UL_API void UL_NAME(det_loop)(char **args, const ptrdiff_t *dimensions,
                              const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    if (dimensions[1] == 0)
        UL_NAME(det_empty)(args, dimensions, steps, 1);
    else if (!UL_SMALL_RUN(det))
        UL_NAME(getrf_stack)(args, dimensions, steps, steps[2], steps[3],
                             UL_NAME(emit_det), rep);
}

/* slogdet: (m,m)->(),(); steps = {a, sign, logdet, a_r, a_c}. */
UL_API void UL_NAME(slogdet_loop)(char **args, const ptrdiff_t *dimensions,
                                  const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    if (dimensions[1] == 0)
        UL_NAME(det_empty)(args, dimensions, steps, 2);
    else if (!UL_SMALL_RUN(slogdet))
        UL_NAME(getrf_stack)(args, dimensions, steps, steps[3], steps[4],
                             UL_NAME(emit_slogdet), rep);
}

#undef UL_SMALL_RUN
