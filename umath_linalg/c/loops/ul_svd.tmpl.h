/*
 * ul_svd.tmpl.h - the SVD family for one dtype, numpy 1.24 `_umath_linalg`
 * semantics (numpy's svd_wrapper): every loop is ?gesdd on a Fortran copy
 * of each matrix, parametrized by JOBZ (instantiated by ul_loops.c):
 *     ul_?svd_N_loop  JOBZ='N'  rows svd_m "(m,n)->(m)", svd_n "(m,n)->(n)"
 *     ul_?svd_S_loop  JOBZ='S'  rows svd_m_s, svd_n_s
 *     ul_?svd_A_loop  JOBZ='A'  rows svd_m_f, svd_n_f
 * As numpy, only min(m,n) singular values, the U columns and the VT rows
 * that ?gesdd computes are written (svd_m called with m > n leaves the
 * rest of its outputs as they were). JOBZ='A' with min(m,n) == 0 gives
 * identity U and VT (LAPACK leaves them unset). A matrix ?gesdd rejects
 * (info != 0: no convergence, or a NaN input, info = -4) gets NaN outputs;
 * the rest are computed; FE_INVALID is raised at the end.
 */

/* ?gesdd, with the hidden length of the CHARACTER argument that gfortran's
 * ABI passes after the others (numpy omits it; passing it is always safe). */
#if UL_COMPLEX
void UL_LAPACK(gesdd)(const char *jobz, const int *m, const int *n, UL_T *a,
    const int *lda, UL_R *s, UL_T *u, const int *ldu, UL_T *vt,
    const int *ldvt, UL_T *work, const int *lwork, UL_R *rwork, int *iwork,
    int *info, size_t jobz_len);
#else
void UL_LAPACK(gesdd)(const char *jobz, const int *m, const int *n, UL_T *a,
    const int *lda, UL_R *s, UL_T *u, const int *ldu, UL_T *vt,
    const int *ldvt, UL_T *work, const int *lwork, int *iwork, int *info,
    size_t jobz_len);
#endif

/* One call's problem and its workspace (numpy's GESDD_PARAMS_t): sizes in
 * elements; m x ucols is what ?gesdd computes of U, vrows x n of VT. */
typedef struct UL_NAME(svd_job) {
    char jobz;
    int m, n, mn, ucols, vrows;
    int lda, ldu, ldvt, lwork;
    UL_T *a, *u, *vt, *work;
    UL_R *s, *rwork;
    int *iwork;
} UL_NAME(svd_job);

static int UL_NAME(svd_call)(UL_NAME(svd_job) *j)
{
    int info = 0;
#if UL_COMPLEX
    UL_LAPACK_CALL(gesdd, (&j->jobz, &j->m, &j->n, j->a, &j->lda, j->s, j->u,
                           &j->ldu, j->vt, &j->ldvt, j->work, &j->lwork, j->rwork,
                           j->iwork, &info, 1));
#else
    UL_LAPACK_CALL(gesdd, (&j->jobz, &j->m, &j->n, j->a, &j->lda, j->s, j->u,
                           &j->ldu, j->vt, &j->ldvt, j->work, &j->lwork, j->iwork,
                           &info, 1));
#endif
    return info;
}

/* What to do with the m*n Fortran copy, which ?gesdd only gets when it is
 * finite: OpenBLAS 0.3.21's ?gesdd can loop forever in ?bdsqr on a matrix
 * with an Inf (numpy's own loop hangs on eye(3) with one Inf, and on an
 * 11x10 complex zero matrix with one nan+infj: the fuzzer found both).
 * Inf and no NaN: every output NaN, not failed (where ?gesdd returns,
 * numpy gets NaN singular values and no failure). A NaN: every output NaN
 * and the matrix failed, as ?gesdd's own NaN check (INFO = -4) gives. */
#ifndef UL_SVD_KINDS
#define UL_SVD_KINDS
enum { UL_SVD_FINITE, UL_SVD_INF, UL_SVD_NAN };
#endif
static int UL_NAME(svd_classify)(const UL_T *a, ptrdiff_t len)
{
    if (UL_NAME(all_finite)(a, len))
        return UL_SVD_FINITE;
    const UL_R *r = (const UL_R *)a;
    for (ptrdiff_t i = 0; i < len * (1 + UL_COMPLEX); i++)
        if (r[i] != r[i])
            return UL_SVD_NAN;
    return UL_SVD_INF;
}

/* The LWORK query (no array is touched), on j's sizes: numpy's init_gesdd.
 * Returns 0 and sets j->lwork, or -1 (LAPACK rejected the sizes, or the
 * optimum does not fit LAPACK's int). */
static int UL_NAME(svd_query)(UL_NAME(svd_job) *j)
{
    UL_T dummy = 0, query = 0;
    UL_R rdummy = 0;
    int idummy = 0;
    UL_NAME(svd_job) q = *j;
    q.a = q.u = q.vt = &dummy;
    q.s = q.rwork = &rdummy;
    q.iwork = &idummy;
    q.work = &query;
    q.lwork = -1;
    if (UL_NAME(svd_call)(&q) != 0)
        return -1;
    UL_R w = ((UL_R *)&query)[0];
    /* a float optimum above 2^24 may have been rounded down: one ulp up */
    if (sizeof(UL_R) == sizeof(float) && w > 0x1p24f)
        w = nextafterf((float)w, INFINITY);
    if (!(w < (UL_R)INT_MAX))
        return -1;
    j->lwork = w < 1 ? 1 : (int)w;    /* 0: the lapack 3.0.0 bug numpy fixes */
    return 0;
}

/* bytes rounded up to a multiple of 64: each region starts a cache line */
#define UL_SVD_ALIGN(bytes) (((bytes) + 63) & ~(size_t)63)

/* Carves the workspace regions out of buf (NULL: only sizes them); returns
 * the byte total. Region sizes as numpy's init_gesdd, for complex RWORK in
 * complex elements as numpy counts it (twice LAPACK's documented minimum,
 * which LAPACK >= 3.7's max(5 mn^2 + 5 mn, 2 mx mn + 2 mn^2 + mn) stays
 * under for the paths that use the second term, mx < 17/9 mn). */
static size_t UL_NAME(svd_carve)(UL_NAME(svd_job) *j, unsigned char *buf)
{
    size_t m = (size_t)j->m, n = (size_t)j->n, mn = (size_t)j->mn;
    size_t nrwork = 0;
#if UL_COMPLEX
    nrwork = j->jobz == 'N' ? 7 * mn : 5 * mn * mn + 5 * mn;
#endif
    size_t sizes[7] = {
        m * n * sizeof(UL_T),                   /* a */
        mn * sizeof(UL_R),                      /* s */
        m * (size_t)j->ucols * sizeof(UL_T),    /* u */
        (size_t)j->vrows * n * sizeof(UL_T),    /* vt */
        nrwork * sizeof(UL_T),                  /* rwork (complex) */
        8 * mn * sizeof(int),                   /* iwork */
        (size_t)j->lwork * sizeof(UL_T),        /* work */
    };
    void *at[7];
    size_t total = 0;
    for (int r = 0; r < 7; r++) {
        at[r] = buf ? buf + total : NULL;
        total += UL_SVD_ALIGN(sizes[r]);
    }
    j->a = at[0];
    j->s = at[1];
    j->u = at[2];
    j->vt = at[3];
    j->rwork = at[4];
    j->iwork = at[5];
    j->work = at[6];
    return total;
}

/* 1 when every region of j sized in double stays far from SIZE_MAX (so
 * svd_carve's size_t arithmetic cannot wrap). */
static int UL_NAME(svd_fits)(const UL_NAME(svd_job) *j)
{
    double m = j->m, n = j->n, mn = j->mn;
    double elems = m * n + m * j->ucols + (double)j->vrows * n + j->lwork +
                   5 * mn * mn + 13 * mn;
    return elems * (double)sizeof(UL_T) < (double)(SIZE_MAX / 4);
}

/* ---- outputs: U (m x ucols), S (mn reals), VT (vrows x n), in the
 * loop's own sizes (they may exceed LAPACK's int: then only NaN) ---- */
typedef struct UL_NAME(svd_out) {
    char jobz;
    ptrdiff_t m, n, mn, ucols, vrows;         /* elements */
    ptrdiff_t ur, uc, ss, vr, vc;             /* byte strides */
    char *u, *s, *vt;                         /* matrix k's outputs */
} UL_NAME(svd_out);

static void UL_NAME(svd_nan_out)(const UL_NAME(svd_out) *o)
{
    const UL_R nan = (UL_R)NAN;
    for (ptrdiff_t i = 0; i < o->mn; i++)
        memcpy(o->s + i * o->ss, &nan, sizeof nan);
    if (o->jobz == 'N')
        return;
    UL_NAME(nan_fill)(o->u, o->m, o->ucols, o->ur, o->uc);
    UL_NAME(nan_fill)(o->vt, o->vrows, o->n, o->vr, o->vc);
}

static void UL_NAME(svd_put)(const UL_NAME(svd_job) *j,
                             const UL_NAME(svd_out) *o)
{
    for (ptrdiff_t i = 0; i < o->mn; i++)    /* stride 0: the last stays */
        memcpy(o->s + i * o->ss, &j->s[i], sizeof(UL_R));
    if (o->jobz == 'N')
        return;
    if (o->jobz == 'A' && o->mn == 0) {
        UL_NAME(identity)(j->u, o->m);
        UL_NAME(identity)(j->vt, o->n);
    }
    UL_NAME(delinearize)(o->u, o->m, o->ucols, o->ur, o->uc, j->u, j->ldu);
    UL_NAME(delinearize)(o->vt, o->vrows, o->n, o->vr, o->vc, j->vt,
                         j->ldvt);
}

/* Matrix k's output pointers; an operand is offset only when something is
 * written to it (an empty operand may be NULL). */
static void UL_NAME(svd_out_at)(UL_NAME(svd_out) *o, char **args,
                                const ptrdiff_t *steps, ptrdiff_t k)
{
    if (o->jobz == 'N') {
        o->s = o->mn ? args[1] + k * steps[1] : args[1];
        return;
    }
    o->u = o->m && o->ucols ? args[1] + k * steps[1] : args[1];
    o->s = o->mn ? args[2] + k * steps[2] : args[2];
    o->vt = o->vrows && o->n ? args[3] + k * steps[3] : args[3];
}

/* The core of the six gufuncs (numpy's svd_wrapper), count >= 1; steps:
 * 'N' {a, s, a_r, a_c, s_k}, else {a, u, s, vt, a_r, a_c, u_r, u_c, s_k,
 * vt_r, vt_c}. One LWORK query and one workspace for the call. */
static void UL_NAME(svd_stack)(char jobz, char **args,
                               const ptrdiff_t *dimensions,
                               const ptrdiff_t *steps, ul_loop_report *rep)
{
    ptrdiff_t count = dimensions[0], m = dimensions[1], n = dimensions[2];
    const ptrdiff_t *cs = steps + (jobz == 'N' ? 2 : 4);    /* core */
    UL_NAME(svd_out) o = { .jobz = jobz, .m = m, .n = n };
    o.mn = m < n ? m : n;
    o.ucols = jobz == 'N' ? 0 : jobz == 'S' ? o.mn : m;
    o.vrows = jobz == 'N' ? 0 : jobz == 'S' ? o.mn : n;
    if (jobz == 'N') {
        o.ss = cs[2];
    } else {
        o.ur = cs[2]; o.uc = cs[3]; o.ss = cs[4]; o.vr = cs[5]; o.vc = cs[6];
    }
    UL_NAME(svd_job) j = { .jobz = jobz };
    /* sizes LAPACK's int cannot hold, or that LAPACK rejects: every
     * matrix fails (NaN) */
    int fits = m <= INT_MAX && n <= INT_MAX;
    if (fits) {
        j.m = (int)m;
        j.n = (int)n;
        j.mn = (int)o.mn;
        j.ucols = (int)o.ucols;
        j.vrows = (int)o.vrows;
        j.lda = j.ldu = j.m > 1 ? j.m : 1;
        j.ldvt = j.vrows > 1 ? j.vrows : 1;
    }
    if (!fits || UL_NAME(svd_query)(&j) != 0) {
        for (ptrdiff_t k = 0; k < count; k++) {
            UL_NAME(svd_out_at)(&o, args, steps, k);
            UL_NAME(svd_nan_out)(&o);
            ul_report_failure(rep, k);
        }
        return;
    }
    ul_workspace ws;
    void *work = UL_NAME(svd_fits)(&j)
        ? ul_ws_get(&ws, UL_NAME(svd_carve)(&j, NULL)) : (ws.heap = NULL);
    if (work == NULL) {
        for (ptrdiff_t k = 0; k < count; k++) {
            UL_NAME(svd_out_at)(&o, args, steps, k);
            UL_NAME(svd_nan_out)(&o);
        }
        ul_report_enomem(rep, count);
        ul_ws_release(&ws);
        return;
    }
    UL_NAME(svd_carve)(&j, work);
    for (ptrdiff_t k = 0; k < count; k++) {
        if (m > 0 && n > 0)
            UL_NAME(linearize)(j.a, j.lda, args[0] + k * steps[0], m, n,
                               cs[0], cs[1]);
        UL_NAME(svd_out_at)(&o, args, steps, k);
        const int kind = UL_NAME(svd_classify)(j.a, m * n);
        if (kind == UL_SVD_INF) {
            UL_NAME(svd_nan_out)(&o);       /* numpy: NaN values, no failure */
        } else if (kind == UL_SVD_FINITE && UL_NAME(svd_call)(&j) == 0) {
            UL_NAME(svd_put)(&j, &o);
        } else {
            UL_NAME(svd_nan_out)(&o);
            ul_report_failure(rep, k);
        }
    }
    ul_ws_release(&ws);
}

/* One matrix (args: its operands, steps: the loop's) through the LAPACK
 * path above: the small kernels' lanes they leave to LAPACK
 * (c/small/ul_kern_svd.tmpl.h), so those are this path's bits. Returns 1
 * when it failed (NaN outputs). */
UL_HIDDEN int UL_NAME(svd1)(char jobz, char **args, ptrdiff_t m,
                            ptrdiff_t n, const ptrdiff_t *steps)
{
    const ptrdiff_t dims[3] = { 1, m, n };
    ul_loop_report local, *rep = ul_report_begin(NULL, &local);
    UL_NAME(svd_stack)(jobz, args, dims, steps, rep);
    return rep->nfailed > 0;
}

/* numpy's protocol around the core: a prior FE_INVALID is kept, LAPACK's
 * own flags are cleared, FE_INVALID is raised if a matrix failed. The
 * small kernels (op) take square n <= 4 of float32 and float64. */
static void UL_NAME(svd_wrapper)(char jobz, int op, char **args,
                                 const ptrdiff_t *dimensions,
                                 const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    if (dimensions[0] > 0 && !ul_small_taken(ul_small_run(UL_DT, op, args,
            dimensions, steps, &rep->first_failed), rep))
        UL_NAME(svd_stack)(jobz, args, dimensions, steps, rep);
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

/* svd_m (m,n)->(m), svd_n (m,n)->(n): singular values only */
UL_API void UL_NAME(svd_N_loop)(char **args, const ptrdiff_t *dimensions,
                                const ptrdiff_t *steps, void *data)
{
    UL_NAME(svd_wrapper)('N', UL_OP_svd_N, args, dimensions, steps, data);
}

/* svd_m_s (m,n)->(m,m),(m),(m,n), svd_n_s (m,n)->(m,n),(n),(n,n) */
UL_API void UL_NAME(svd_S_loop)(char **args, const ptrdiff_t *dimensions,
                                const ptrdiff_t *steps, void *data)
{
    UL_NAME(svd_wrapper)('S', UL_OP_svd_S, args, dimensions, steps, data);
}

/* svd_m_f (m,n)->(m,m),(m),(n,n), svd_n_f (m,n)->(m,m),(n),(n,n) */
UL_API void UL_NAME(svd_A_loop)(char **args, const ptrdiff_t *dimensions,
                                const ptrdiff_t *steps, void *data)
{
    UL_NAME(svd_wrapper)('A', UL_OP_svd_A, args, dimensions, steps, data);
}

#undef UL_SVD_ALIGN
