/*
 * ul_det.tmpl.h - the det family for one dtype: det and slogdet (getrf,
 * then numpy's slogdet_single_element), numpy 1.24 semantics
 * (instantiated by ul_loops.c: ul_sdet_loop ... ul_zslogdet_loop).
 * Singular gives det 0, slogdet (0, -inf): never a failure, no FP flag.
 */

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
    void *work = fits ? ul_ws_get(&ws, ul_lapack1_work(sizeof(UL_T), n, 0))
                      : (ws.heap = NULL);
    if (work == NULL) {
        UL_T nan_sign;
        UL_NAME(nan_fill)((char *)&nan_sign, 1, 1, 0, 0);
        for (ptrdiff_t k = 0; k < count; k++)
            emit(args, k, steps, nan_sign, (UL_R)NAN);
        ul_report_enomem(rep, count);
        ul_ws_release(&ws);
        return;
    }
    for (ptrdiff_t k = 0; k < count; k++) {
        UL_T sign;
        UL_R logdet;
        UL_NAME(slogdet1)(n, args[0] + k * steps[0], ar, ac, work, &sign,
                          &logdet);
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

