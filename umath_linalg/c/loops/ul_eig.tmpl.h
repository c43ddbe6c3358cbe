/*
 * ul_eig.tmpl.h - the eig family for one dtype, numpy 1.24 `_umath_linalg`
 * semantics (numpy's eig_wrapper):
 *     eig      (m,m)->(m),(m,m)   ?geev JOBVL='N', JOBVR='V'
 *     eigvals  (m,m)->(m)         ?geev JOBVL='N', JOBVR='N'
 * Instantiated by ul_loops.c for s, d and z only (ul_seig_loop,
 * ul_deig_loop, ul_zeig_loop, ul_seigvals_loop ...): numpy 1.24 has no
 * complex64 loop ("problems with eig in complex single").
 *
 * The outputs are complex for every dtype. For real input, WR + i WI
 * becomes w, and a conjugate pair of VR columns (re, im) becomes
 * v_j = re + i im, v_{j+1} = re - i im (numpy's
 * mk_geev_complex_eigenvectors). geev failing (info != 0) NaN-fills that
 * matrix's outputs; the rest are computed; FE_INVALID at the end.
 *
 * A matrix with a NaN or Inf entry is such a failure without calling geev
 * (numpy.linalg.eig rejects those before its gufunc runs). numpy's raw
 * gufunc passes them on, and OpenBLAS 0.3.21's geev then either returns
 * NaNs, or meets gebal's NaN exit (INFO = -3, xerbla) and goes on with ILO
 * and IHI uninitialized: further xerbla calls (stderr, or numpy's
 * python_xerbla ValueError) and results that depend on stack contents; and
 * numpy's own pairing of a NaN WI in the last column writes past its
 * buffer. None of that can be matched; NaN output + failure is numpy's
 * result whenever geev reports the error.
 */

/* UL_EIG_C: the output element (complex of UL_R); UL_EIG_OUT(op): the
 * copier and fill of that complex dtype (ul_c... for s, ul_z... for d, z). */
#if UL_COMPLEX
#  define UL_EIG_C UL_T
#else
#  define UL_EIG_C UL_R complex
#endif
#if UL_CH_IS_s
#  define UL_EIG_OUT(op) ul_c##op
#else
#  define UL_EIG_OUT(op) ul_z##op
#endif

#if UL_COMPLEX
void UL_LAPACK(geev)(const char *jobvl, const char *jobvr, const int *n,
    UL_T *a, const int *lda, UL_T *w, UL_T *vl, const int *ldvl, UL_T *vr,
    const int *ldvr, UL_T *work, const int *lwork, UL_R *rwork, int *info);
#else
void UL_LAPACK(geev)(const char *jobvl, const char *jobvr, const int *n,
    UL_T *a, const int *lda, UL_T *wr, UL_T *wi, UL_T *vl, const int *ldvl,
    UL_T *vr, const int *ldvr, UL_T *work, const int *lwork, int *info);
#endif

/* The buffers of one loop call, carved from its one workspace. LAPACK's
 * arrays have leading dimension max(n, 1), as numpy's init_geev. */
typedef struct UL_NAME(geev_ws) {
    int n, lwork;
    char jobvr;             /* 'V' eig, 'N' eigvals                       */
    UL_T *a;                /* n x n Fortran copy of the input            */
    UL_T *vr;               /* n x n right eigenvectors (jobvr 'V')       */
    UL_T *work;             /* lwork elements                             */
    UL_EIG_C *w;            /* n eigenvalues, the output's values         */
#if UL_COMPLEX
    UL_R *rwork;            /* 2n                                         */
#else
    UL_T *wr, *wi;          /* n each                                     */
    UL_EIG_C *v;            /* n x n complex eigenvectors (jobvr 'V')     */
#endif
} UL_NAME(geev_ws);

/* ?geev on p->a with p's buffers; work/lwork apart for the query. */
static int UL_NAME(geev_call)(UL_NAME(geev_ws) *p, UL_T *work, int lwork)
{
    const char jobvl = 'N';
    const int ld = p->n > 1 ? p->n : 1;
    UL_T unused[2];         /* VL (JOBVL 'N'), VR for eigvals: not referenced */
    UL_T *vr = p->jobvr == 'V' ? p->vr : unused;
    int info = 0;
#if UL_COMPLEX
    UL_LAPACK_CALL(geev, (&jobvl, &p->jobvr, &p->n, p->a, &ld, p->w, unused, &ld,
                          vr, &ld, work, &lwork, p->rwork, &info));
#else
    UL_LAPACK_CALL(geev, (&jobvl, &p->jobvr, &p->n, p->a, &ld, p->wr, p->wi,
                          unused, &ld, vr, &ld, work, &lwork, &info));
#endif
    return info;
}

/* The workspace query (LWORK = -1), once per call, before the one
 * allocation: in query mode geev and the routines it asks (gehrd, orghr,
 * hseqr, trevc3) only write WORK(1) (and RWORK(1)), so the arrays are
 * small stand-ins. Returns the element count, or -1 when it does not fit
 * LAPACK's int. */
static ptrdiff_t UL_NAME(geev_query)(int n, char jobvr)
{
    UL_T dummy[2], query = 0;
    UL_R rdummy[2];
    UL_NAME(geev_ws) q;
    memset(&q, 0, sizeof q);
    q.n = n;
    q.jobvr = jobvr;
    q.a = q.vr = dummy;
#if UL_COMPLEX
    q.w = dummy;
    q.rwork = rdummy;
#else
    (void)rdummy;
    q.wr = q.wi = dummy;
#endif
    if (UL_NAME(geev_call)(&q, &query, -1) != 0)
        return -1;
    UL_R count = ((UL_R *)&query)[0];    /* the real part for complex */
    if (!(count >= 0 && count <= (UL_R)INT_MAX))
        return -1;
    return count < 1 ? 1 : (ptrdiff_t)count;  /* numpy: LAPACK 3.0.0's 0 */
}

/* Bytes of the workspace for n (<= 2^28) and lwork (<= INT_MAX), and, when
 * base is not NULL, the carving: complex pieces first so that every piece
 * is aligned for its type. */
static size_t UL_NAME(geev_carve)(UL_NAME(geev_ws) *p, void *base,
                                  size_t n, size_t lwork, int vectors)
{
    size_t at = 0, nv = vectors ? n * n : 0;
#define UL_EIG_PIECE(field, type, count) do { \
        if (base != NULL) \
            p->field = (type *)(void *)((char *)base + at); \
        at += (count) * sizeof(type); \
    } while (0)
    UL_EIG_PIECE(w, UL_EIG_C, n);
#if !UL_COMPLEX
    UL_EIG_PIECE(v, UL_EIG_C, nv);
#endif
    UL_EIG_PIECE(a, UL_T, n * n);
    UL_EIG_PIECE(vr, UL_T, nv);
    UL_EIG_PIECE(work, UL_T, lwork);
#if UL_COMPLEX
    UL_EIG_PIECE(rwork, UL_R, 2 * n);
#else
    UL_EIG_PIECE(wr, UL_T, n);
    UL_EIG_PIECE(wi, UL_T, n);
#endif
#undef UL_EIG_PIECE
    return at;
}

#if !UL_COMPLEX
/* numpy's process_geev_results for real geev: w = wr + i wi, and the
 * eigenvector columns: real when wi[j] == 0, else columns j, j+1 are
 * re + i im and re - i im. An unpaired last column with wi != 0 (only a
 * NaN wi from NaN/Inf input) is taken as real: numpy pairs it with the
 * column past the end and writes beyond its buffer. */
static void UL_NAME(geev_to_complex)(UL_NAME(geev_ws) *p)
{
    ptrdiff_t n = p->n;
    for (ptrdiff_t j = 0; j < n; j++) {
        UL_R *wj = (UL_R *)&p->w[j];
        wj[0] = p->wr[j];
        wj[1] = p->wi[j];
    }
    if (p->jobvr != 'V')
        return;
    for (ptrdiff_t j = 0; j < n; j++) {
        const UL_T *re = p->vr + j * n;
        UL_R *c = (UL_R *)(p->v + j * n);
        if (p->wi[j] == 0 || j + 1 == n) {
            for (ptrdiff_t i = 0; i < n; i++) {
                c[2 * i] = re[i];
                c[2 * i + 1] = 0;
            }
            continue;
        }
        const UL_T *im = re + n;
        UL_R *c2 = c + 2 * n;
        for (ptrdiff_t i = 0; i < n; i++) {
            c[2 * i] = c2[2 * i] = re[i];
            c[2 * i + 1] = im[i];
            c2[2 * i + 1] = -im[i];
        }
        j++;
    }
}
#endif

/* Both loops: steps = {a, w, [v,] a_r, a_c, w_s[, v_r, v_c]} with v for
 * jobvr 'V'. Called with count, n >= 1 (an empty output's pointers may be
 * NULL and are never touched). */
static void UL_NAME(geev_stack)(char jobvr, char **args,
                                const ptrdiff_t *dimensions,
                                const ptrdiff_t *steps, ul_loop_report *rep)
{
    ptrdiff_t count = dimensions[0], n = dimensions[1];
    int vectors = jobvr == 'V';
    const ptrdiff_t *core = steps + (vectors ? 3 : 2);
    ptrdiff_t ar = core[0], ac = core[1], wst = core[2];
    ptrdiff_t vrs = vectors ? core[3] : 0, vcs = vectors ? core[4] : 0;
    UL_NAME(geev_ws) p;
    ul_workspace ws;
    void *mem = NULL;
    /* sizes LAPACK's int takes and whose byte counts fit in size_t */
    ptrdiff_t lwork = n <= (1 << 28) ? UL_NAME(geev_query)((int)n, jobvr) : -1;
    ws.heap = NULL;
    if (lwork > 0)
        mem = ul_ws_get(&ws, UL_NAME(geev_carve)(&p, NULL, (size_t)n,
                                                 (size_t)lwork, vectors));
    if (mem == NULL) {      /* no workspace: every matrix NaN, reported */
        for (ptrdiff_t k = 0; k < count; k++) {
            UL_EIG_OUT(nan_fill)(args[1] + k * steps[1], n, 1, wst, 0);
            if (vectors)
                UL_EIG_OUT(nan_fill)(args[2] + k * steps[2], n, n, vrs, vcs);
        }
        ul_report_enomem(rep, count);
        ul_ws_release(&ws);
        return;
    }
    UL_NAME(geev_carve)(&p, mem, (size_t)n, (size_t)lwork, vectors);
    p.n = (int)n;
    p.lwork = (int)lwork;
    p.jobvr = jobvr;
#if UL_COMPLEX
    UL_EIG_C *v = p.vr;     /* zgeev's VR is the output's values */
#else
    UL_EIG_C *v = p.v;
#endif
    for (ptrdiff_t k = 0; k < count; k++) {
        char *w_out = args[1] + k * steps[1];
        char *v_out = vectors ? args[2] + k * steps[2] : NULL;
        UL_NAME(linearize)(p.a, n, args[0] + k * steps[0], n, n, ar, ac);
        if (UL_NAME(all_finite)(p.a, n * n) &&
            UL_NAME(geev_call)(&p, p.work, p.lwork) == 0) {
#if !UL_COMPLEX
            UL_NAME(geev_to_complex)(&p);
#endif
            UL_EIG_OUT(delinearize)(w_out, n, 1, wst, 0, p.w, n);
            if (vectors)
                UL_EIG_OUT(delinearize)(v_out, n, n, vrs, vcs, v, n);
        } else {
            UL_EIG_OUT(nan_fill)(w_out, n, 1, wst, 0);
            if (vectors)
                UL_EIG_OUT(nan_fill)(v_out, n, n, vrs, vcs);
            ul_report_failure(rep, k);
        }
    }
    ul_ws_release(&ws);
}

/* eig: (m,m)->(m),(m,m); steps = {a, w, v, a_r, a_c, w_s, v_r, v_c} */
UL_API void UL_NAME(eig_loop)(char **args, const ptrdiff_t *dimensions,
                              const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    if (dimensions[0] > 0 && dimensions[1] > 0)
        UL_NAME(geev_stack)('V', args, dimensions, steps, rep);
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

/* eigvals: (m,m)->(m); steps = {a, w, a_r, a_c, w_s} */
UL_API void UL_NAME(eigvals_loop)(char **args, const ptrdiff_t *dimensions,
                                  const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    int prior = ul_fp_invalid_and_clear();
    if (dimensions[0] > 0 && dimensions[1] > 0)
        UL_NAME(geev_stack)('N', args, dimensions, steps, rep);
    ul_fp_set_invalid_or_clear(prior || rep->nfailed > 0);
}

#undef UL_EIG_C
#undef UL_EIG_OUT
