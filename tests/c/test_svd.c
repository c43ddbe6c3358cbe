/*
 * Area: the SVD loops (svd_m, svd_n, svd_m_s, svd_n_s, svd_m_f, svd_n_f:
 *   ?gesdd JOBZ N, S, A) through the table and the driver, and as raw loops.
 * Purpose: LAPACK's ddrvbd ratios (dbdt01/dort01, each < 30):
 *   ||A - U S V^H||_1 / (max(m,n) ||A||_1 eps), ||I - U^H U||_1 / (m eps),
 *   ||I - V^H V||_1 / (n eps); s descending and >= 0; the values of the
 *   'N' rows equal those of the 'S' and 'A' rows (to 30 max(m,n) eps s_1);
 *   every dtype; m < n, m > n, m = n, 1 x n, n x 1, m = 0, n = 0 (identity
 *   U and VT for the _f rows); eight stride layouts; empty stacks; only the
 *   elements numpy writes are written (svd_m with m > n leaves the tail of
 *   s; everything else keeps the sentinel); a NaN matrix inside a stack
 *   (NaN outputs, the rest computed, count and index reported, FE_INVALID
 *   from the raw loop, as numpy's own gufunc); sizes beyond LAPACK's int;
 *   allocation failure (NaN + UL_ENOMEM); NULL data of empty operands.
 * References: products and norms in long double here, not the code under
 *   test.
 */
#include "ul_test.h"
#include <fenv.h>
#include <limits.h>

enum { SVD_M, SVD_N, SVD_M_S, SVD_N_S, SVD_M_F, SVD_N_F, NSVD };
static const char *NAMES[NSVD] = {
    "svd_m", "svd_n", "svd_m_s", "svd_n_s", "svd_m_f", "svd_n_f" };
static char jobz_of(int g) { return g < 2 ? 'N' : g < 4 ? 'S' : 'A'; }

/* The output shapes of gufunc g for an m x n input (rows x cols of U, the
 * length of s, rows x cols of VT), and the part ?gesdd writes of each. */
typedef struct shapes {
    ptrdiff_t ur, uc, sl, vr, vc;       /* operand core shapes */
    ptrdiff_t wur, wuc, wsl, wvr, wvc;  /* written: m x ucols, mn, vrows x n */
} shapes;

static shapes shapes_of(int g, ptrdiff_t m, ptrdiff_t n)
{
    ptrdiff_t mn = m < n ? m : n;
    shapes s = { 0 };
    int is_m = g % 2 == 0;              /* the _m rows: s has m entries */
    s.sl = is_m ? m : n;
    s.wsl = mn;
    if (jobz_of(g) == 'S') {
        s.ur = m; s.uc = is_m ? m : n; s.vr = is_m ? m : n; s.vc = n;
        s.wur = m; s.wuc = mn; s.wvr = mn; s.wvc = n;
    } else if (jobz_of(g) == 'A') {
        s.ur = m; s.uc = m; s.vr = n; s.vc = n;
        s.wur = m; s.wuc = m; s.wvr = n; s.wvc = n;
    }
    return s;
}

/* ---- generators (column-major m x n double complex) ---- */
enum { GEN_RANDOM, GEN_GRADED, GEN_ZERO, GEN_RANKDEF, GEN_TINY, GEN_HUGE, NGEN };
static const char *gen_names[NGEN] = {
    "random", "graded", "zero", "rank-deficient", "tiny", "huge" };

static void generate(double complex *a, ptrdiff_t m, ptrdiff_t n, int gen,
                     const ul_dtype *dt)
{
    int c = dt->complex_;
    ptrdiff_t mn = m < n ? m : n;
    if (gen == GEN_GRADED && mn > 1) {    /* U diag(s) V^H, s geometric */
        double cond = dt->eps > 1e-10 ? 1e4 : 1e10;
        double complex *u = malloc(sizeof *u * (size_t)(m * m + n * n + m * n));
        double complex *v = u + m * m, *t = v + n * n;
        ul_rand_unitary(u, m, c);
        ul_rand_unitary(v, n, c);
        for (ptrdiff_t j = 0; j < n; j++)       /* t = diag(s) V^H, m x n */
            for (ptrdiff_t i = 0; i < m; i++)
                t[i + j * m] = i < mn ? pow(cond, -(double)i / (double)(mn - 1)) *
                                        conj(v[j + i * n]) : 0;
        ul_matmul(a, u, t, m, m, n);
        free(u);
        return;
    }
    for (ptrdiff_t i = 0; i < m * n; i++)
        a[i] = gen == GEN_ZERO ? 0 : ul_rnd(c);
    if (gen == GEN_RANKDEF && n > 1)            /* column 1 = 2 * column 0 */
        for (ptrdiff_t i = 0; i < m; i++)
            a[i + m] = 2 * a[i];
    double scale = gen == GEN_TINY ? (dt->eps > 1e-10 ? 1e-30 : 1e-290)
                 : gen == GEN_HUGE ? (dt->eps > 1e-10 ? 1e30 : 1e290) : 1;
    for (ptrdiff_t i = 0; i < m * n; i++)
        a[i] *= scale;
}

/* 1 if every element (k, i, j) with i >= wr or j >= wc is all sentinel
 * bytes and no byte between elements changed: only the part numpy writes
 * was written. */
static int only_written(const ul_layout *L, ptrdiff_t wr, ptrdiff_t wc)
{
    for (ptrdiff_t k = 0; k < L->shape[0]; k++)
        for (ptrdiff_t i = 0; i < L->shape[1]; i++)
            for (ptrdiff_t j = 0; j < L->shape[2]; j++) {
                if (i < wr && j < wc)
                    continue;
                const unsigned char *p = (const unsigned char *)ul_at(L, k, i, j);
                for (size_t b = 0; b < L->esize; b++)
                    if (p[b] != UL_SENTINEL)
                        return 0;
            }
    return ul_gaps_untouched(L);
}

static int all_nan(const ul_layout *L, int type, ptrdiff_t k, ptrdiff_t rows,
                   ptrdiff_t cols)
{
    for (ptrdiff_t j = 0; j < cols; j++)
        for (ptrdiff_t i = 0; i < rows; i++) {
            double complex v = ul_get(type, ul_at(L, k, i, j));
            if (!isnan(creal(v)) || (ul_dtype_of(type)->complex_ && !isnan(cimag(v))))
                return 0;
        }
    return 1;
}

/* ||I - X^H X||_1 for X r x c (col-major): columns orthonormal */
static double orth_defect(const double complex *x, ptrdiff_t r, ptrdiff_t c)
{
    double worst = 0;
    for (ptrdiff_t j = 0; j < c; j++) {
        double col = 0;
        for (ptrdiff_t i = 0; i < c; i++) {
            long double complex d = 0;
            for (ptrdiff_t t = 0; t < r; t++)
                d += (long double complex)conj(x[t + i * r]) * x[t + j * r];
            col += cabs((double complex)d - (i == j));
        }
        if (col > worst || isnan(col))
            worst = col;
    }
    return worst;
}

/* One case: a stack of `count` m x n matrices of generator gen (matrix
 * `nan_at` gets a NaN; -1: none), input layout la, outputs lo; runs the six
 * gufuncs and checks everything. */
static void run_case(const ul_dtype *dt, ptrdiff_t m, ptrdiff_t n,
                     ptrdiff_t count, int gen, int la, int lo, ptrdiff_t nan_at)
{
    int t = dt->type, rt = dt->real_type;
    size_t rsize = dt->complex_ ? dt->size / 2 : dt->size;
    ptrdiff_t mn = m < n ? m : n, mx = m > n ? m : n;
    char what[160];
    snprintf(what, sizeof what, "%c %tdx%td count=%td %s in=%d out=%d nan_at=%td",
             dt->ch, m, n, count, gen_names[gen], la, lo, nan_at);
    size_t mnsz = (size_t)(m * n + 1);
    double complex *a = malloc(sizeof *a * mnsz * (size_t)(count + 1));
    ul_layout A = ul_layout_new(la, count, m, n, dt->size);
    for (ptrdiff_t k = 0; k < count; k++) {
        double complex *ak = a + (size_t)k * mnsz;
        generate(ak, m, n, gen, dt);
        if (k == nan_at && m * n > 0)
            ak[(k * 7) % (m * n)] = NAN;
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i < m; i++)
                ul_put(t, ul_at(&A, k, i, j), ak[i + j * m]);
        ul_read_matrix(&A, t, k, m, n, ak);    /* rounded to the dtype */
    }
    unsigned char *a_copy = malloc(A.bytes);
    memcpy(a_copy, A.buf, A.bytes);
    int expect_fail = nan_at >= 0 && nan_at < count && m * n > 0;
    /* singular values of each family ('N', 'S', 'A'), matrix k at k * (mn+1) */
    double *sv[3];
    for (int f = 0; f < 3; f++)
        sv[f] = calloc((size_t)((mn + 1) * (count + 1)), sizeof(double));
    double complex *u = malloc(sizeof *u * (size_t)(m * m + 1));
    double complex *vt = malloc(sizeof *vt * (size_t)(n * n + 1));
    double complex *r = malloc(sizeof *r * mnsz);

    for (int g = 0; g < NSVD; g++) {
        char jobz = jobz_of(g);
        shapes s = shapes_of(g, m, n);
        ul_layout U = ul_layout_new(lo, count, s.ur, s.uc, dt->size);
        ul_layout S = ul_layout_new((lo + 1) % UL_NLAYOUTS, count, s.sl, 1, rsize);
        ul_layout V = ul_layout_new((lo + 2) % UL_NLAYOUTS, count, s.vr, s.vc, dt->size);
        ul_operand ops[4] = { ul_layout_operand(&A, t, 3) };
        if (jobz == 'N') {
            ops[1] = ul_layout_operand(&S, rt, 2);
        } else {
            ops[1] = ul_layout_operand(&U, t, 3);
            ops[2] = ul_layout_operand(&S, rt, 2);
            ops[3] = ul_layout_operand(&V, t, 3);
        }
        ul_call_info info;
        int rc = ul_gufunc_call(ul_test_gufunc(NAMES[g]), jobz == 'N' ? 2 : 4, ops, &info);
        UL_CHECK(rc == (expect_fail ? UL_ESINGULAR : UL_OK), "%s rc %d (%s) %s",
                 NAMES[g], rc, info.message, what);
        UL_CHECK(info.nfailed == expect_fail && info.first_failed == (expect_fail ? nan_at : -1),
                 "%s report %td/%td %s", NAMES[g], info.nfailed, info.first_failed, what);
        UL_CHECK(memcmp(a_copy, A.buf, A.bytes) == 0, "%s wrote its input %s", NAMES[g], what);
        UL_CHECK(only_written(&S, s.wsl, 1), "%s s: wrote outside what numpy writes %s", NAMES[g], what);
        if (jobz != 'N') {
            UL_CHECK(only_written(&U, s.wur, s.wuc), "%s U: wrote outside %s", NAMES[g], what);
            UL_CHECK(only_written(&V, s.wvr, s.wvc), "%s VT: wrote outside %s", NAMES[g], what);
        } else {
            UL_CHECK(ul_all_sentinel(&U) && ul_all_sentinel(&V), "untouched %s", what);
        }
        int fam = jobz == 'N' ? 0 : jobz == 'S' ? 1 : 2;
        for (ptrdiff_t k = 0; k < count; k++) {
            if (k == nan_at && m * n > 0) {
                UL_CHECK(all_nan(&S, rt, k, mn, 1), "%s failed s not NaN %s", NAMES[g], what);
                if (jobz != 'N')
                    UL_CHECK(all_nan(&U, t, k, s.wur, s.wuc) && all_nan(&V, t, k, s.wvr, s.wvc),
                             "%s failed U/VT not NaN %s", NAMES[g], what);
                continue;
            }
            double *sk = sv[fam] + (size_t)k * (size_t)(mn + 1);
            for (ptrdiff_t i = 0; i < mn; i++)
                sk[i] = creal(ul_get(rt, ul_at(&S, k, i, 0)));
            int sorted = 1;
            for (ptrdiff_t i = 0; i < mn; i++)
                sorted &= sk[i] >= 0 && isfinite(sk[i]) && (i == 0 || sk[i] <= sk[i - 1]);
            UL_CHECK(sorted, "%s s not descending >= 0 k=%td %s", NAMES[g], k, what);
            if (jobz == 'N')
                continue;
            ul_read_matrix(&U, t, k, s.wur, s.wuc, u);
            ul_read_matrix(&V, t, k, s.wvr, s.wvc, vt);
            if (jobz == 'A' && mn == 0) {    /* identity, as numpy */
                int id = 1;
                for (ptrdiff_t i = 0; i < m * m; i++) id &= u[i] == (i % (m + 1) == 0);
                for (ptrdiff_t i = 0; i < n * n; i++) id &= vt[i] == (i % (n + 1) == 0);
                UL_CHECK(id, "%s m or n = 0: U, VT not identity %s", NAMES[g], what);
                continue;
            }
            /* r = A - U[:, :mn] diag(s) VT[:mn, :] */
            const double complex *ak = a + (size_t)k * mnsz;
            for (ptrdiff_t j = 0; j < n; j++)
                for (ptrdiff_t i = 0; i < m; i++) {
                    long double complex acc = 0;
                    for (ptrdiff_t p = 0; p < mn; p++)
                        acc += (long double complex)u[i + p * m] * sk[p] * vt[p + j * s.wvr];
                    r[i + j * m] = ak[i + j * m] - (double complex)acc;
                }
            double an = ul_norm1(ak, m, n), rn = ul_norm1(r, m, n);
            double res = an > 0 ? rn / an / ((double)mx * dt->eps) : rn;
            UL_CHECK(res < 30, "%s ||A - U S V^H|| ratio %.3g k=%td %s", NAMES[g], res, k, what);
            double ou = m ? orth_defect(u, m, s.wuc) / ((double)m * dt->eps) : 0;
            /* VT's rows orthonormal: the columns of VT^H */
            double complex *vh = malloc(sizeof *vh * (size_t)(n * s.wvr + 1));
            for (ptrdiff_t j = 0; j < s.wvr; j++)
                for (ptrdiff_t i = 0; i < n; i++)
                    vh[i + j * n] = conj(vt[j + i * s.wvr]);
            double ov = n ? orth_defect(vh, n, s.wvr) / ((double)n * dt->eps) : 0;
            free(vh);
            UL_CHECK(ou < 30 && ov < 30, "%s orthogonality U %.3g V %.3g k=%td %s",
                     NAMES[g], ou, ov, k, what);
        }
        free(U.buf); free(S.buf); free(V.buf);
    }
    /* the values of 'N', 'S' and 'A' agree */
    for (ptrdiff_t k = 0; k < count; k++) {
        if (k == nan_at)
            continue;
        const double *s0 = sv[0] + (size_t)k * (size_t)(mn + 1);
        for (int f = 1; f < 3; f++) {
            const double *sf = sv[f] + (size_t)k * (size_t)(mn + 1);
            double worst = 0;
            for (ptrdiff_t i = 0; i < mn; i++)
                worst = fmax(worst, fabs(s0[i] - sf[i]));
            double tol = 30 * (double)mx * dt->eps * (mn ? sf[0] : 0);
            UL_CHECK(worst <= tol, "values of 'N' and family %d differ by %.3g (tol %.3g) k=%td %s",
                     f, worst, tol, k, what);
        }
    }
    for (int f = 0; f < 3; f++)
        free(sv[f]);
    free(u); free(vt); free(r); free(a); free(a_copy); free(A.buf);
}

/* Raw loops as numpy calls them (data NULL): numpy's FP protocol; failure
 * count in a ul_loop_report; sizes beyond LAPACK's int; NULL empties. */
static void test_raw_loops(void)
{
    const ul_gufunc *g = ul_test_gufunc("svd_n_s");
    ul_loop dloop = g->funcs[1];
    /* two 2 x 2, C order; the first has a NaN: numpy's own gufunc gives NaN
     * outputs for it and raises FE_INVALID (?gesdd's info = -4) */
    double a[2][2][2] = { { { NAN, 1 }, { 2, 3 } }, { { 3, 0 }, { 0, 4 } } };
    double u[2][2][2], s[2][2], vt[2][2][2];
    char *args[4] = { (char *)a, (char *)u, (char *)s, (char *)vt };
    ptrdiff_t dims[3] = { 2, 2, 2 };
    ptrdiff_t steps[11] = { 32, 32, 16, 32, 16, 8, 16, 8, 8, 16, 8 };
    feclearexcept(FE_ALL_EXCEPT);
    dloop(args, dims, steps, NULL);
    UL_CHECK(fetestexcept(FE_INVALID), "NaN input must raise FE_INVALID");
    UL_CHECK(isnan(u[0][0][0]) && isnan(u[0][1][1]) && isnan(s[0][0]) && isnan(s[0][1]) &&
             isnan(vt[0][0][1]), "NaN matrix: outputs not NaN");
    UL_CHECK(fabs(s[1][0] - 4) < 1e-14 && fabs(s[1][1] - 3) < 1e-14, "the next matrix computed: s %g %g", s[1][0], s[1][1]);
    ul_loop_report rep = { 99, 99, 99 };
    dloop(args, dims, steps, &rep);
    UL_CHECK(rep.nfailed == 1 && rep.first_failed == 0 && rep.status == UL_OK,
             "report %td %td %d", rep.nfailed, rep.first_failed, rep.status);
    /* a good call clears LAPACK's flags and keeps a prior FE_INVALID */
    dims[0] = 1;
    args[0] = (char *)a[1];
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);    /* an SSE flag (the protocol's MXCSR) */
    dloop(args, dims, steps, NULL);
    UL_CHECK(!fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT), "good svd must clear the flags");
    feraiseexcept(FE_INVALID);
    dloop(args, dims, steps, NULL);
    UL_CHECK(fetestexcept(FE_INVALID), "a prior FE_INVALID is kept");
    feclearexcept(FE_ALL_EXCEPT);

    /* m = 2^31 (a broadcast input, zero strides), n = 1: beyond LAPACK's
     * int, so a failure: NaN and FE_INVALID, nothing read */
    double one = 1, sv = 7;
    char *nargs[2] = { (char *)&one, (char *)&sv };
    ptrdiff_t ndims[3] = { 1, (ptrdiff_t)INT_MAX + 1, 1 }, nsteps[5] = { 0, 0, 0, 0, 0 };
    rep.nfailed = 99;
    ul_test_gufunc("svd_n")->funcs[1](nargs, ndims, nsteps, &rep);
    UL_CHECK(isnan(sv) && rep.nfailed == 1 && fetestexcept(FE_INVALID), "m > INT_MAX: s %g", sv);
    feclearexcept(FE_ALL_EXCEPT);

    /* empty operands may be NULL and are never offset: m = 0, n = 3, a
     * stack of 2 through svd_m_f: U 0 x 0 and s (0) NULL, VT identity */
    double v3[2][3][3];
    memset(v3, 0, sizeof v3);
    char *eargs[4] = { NULL, NULL, NULL, (char *)v3 };
    /* nonzero outer steps: offsetting a NULL would trip UBSan */
    ptrdiff_t edims[3] = { 2, 0, 3 }, esteps[11] = { 24, 8, 8, 72, 8, 8, 8, 8, 8, 24, 8 };
    ul_test_gufunc("svd_m_f")->funcs[1](eargs, edims, esteps, NULL);
    int id = 1;
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                id &= v3[k][i][j] == (i == j);
    UL_CHECK(id && !fetestexcept(FE_INVALID), "m = 0: VT identity");
    /* N = 0: nothing at all, every pointer NULL */
    char *zargs[4] = { NULL, NULL, NULL, NULL };
    ptrdiff_t zdims[3] = { 0, 3, 3 };
    for (int k = 0; k < NSVD; k++)
        for (int d = 0; d < 4; d++)
            ul_test_gufunc(NAMES[k])->funcs[d](zargs, zdims, esteps, NULL);
    UL_CHECK(!fetestexcept(FE_INVALID), "N = 0 raised");
}

/* Allocation failure: a 40 x 40 needs a heap workspace; NaN + UL_ENOMEM. */
static void *failing_malloc(size_t n) { (void)n; return NULL; }

static void test_enomem(void)
{
    enum { M = 40 };
    ptrdiff_t sa[3] = { 2, M, M }, sta[3] = { M * M * 8, M * 8, 8 };
    ptrdiff_t ss[2] = { 2, M }, sts[2] = { M * 8, 8 };
    double *a = calloc(2 * M * M, 8), *u = malloc(2 * M * M * 8);
    double *vt = malloc(2 * M * M * 8), *s = malloc(2 * M * 8);
    for (int i = 0; i < M; i++)
        a[i * (M + 1)] = a[M * M + i * (M + 1)] = i + 1;
    ul_operand ops[4] = { { (char *)a, UL_DOUBLE, 3, sa, sta }, { (char *)u, UL_DOUBLE, 3, sa, sta },
                          { (char *)s, UL_DOUBLE, 2, ss, sts }, { (char *)vt, UL_DOUBLE, 3, sa, sta } };
    ul_call_info info;
    ul_set_allocator(failing_malloc, free);
    int rc = ul_gufunc_call(ul_test_gufunc("svd_n_f"), 4, ops, &info);
    ul_set_allocator(NULL, NULL);
    int nan = 1;
    for (int i = 0; i < 2 * M * M; i++)
        nan &= isnan(u[i]) && isnan(vt[i]);
    for (int i = 0; i < 2 * M; i++)
        nan &= isnan(s[i]);
    UL_CHECK(rc == UL_ENOMEM && nan, "no workspace: rc %d (%s), outputs NaN %d", rc, info.message, nan);
    rc = ul_gufunc_call(ul_test_gufunc("svd_n_f"), 4, ops, &info);
    UL_CHECK(rc == UL_OK && fabs(s[0] - M) < 1e-12 && fabs(s[M - 1] - 1) < 1e-12, "allocator restored: rc %d s %g", rc, s[0]);
    free(a); free(u); free(vt); free(s);
}

/* A broadcast input (outer stride 0, count 3) at a misaligned address
 * with odd byte strides, outputs likewise: the same bits as one call on a
 * C-ordered copy (the copier feeds ?gesdd the same Fortran buffer). */
static void test_broadcast_misaligned(const ul_dtype *dt, ptrdiff_t m, ptrdiff_t n)
{
    int t = dt->type, rt = dt->real_type;
    size_t es = dt->size, rs = dt->complex_ ? es / 2 : es;
    ptrdiff_t oc = (ptrdiff_t)es + 1, orow = n * oc + 3;    /* odd strides */
    unsigned char *abuf = calloc((size_t)(m * orow) + 16, 1), *cbuf = malloc(es * (size_t)(m * n) + 1);
    char *a = (char *)abuf + 1;
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) {
            double complex v = ul_rnd(dt->complex_);
            ul_put(t, a + i * orow + j * oc, v);
            ul_put(t, (char *)cbuf + (i * n + j) * (ptrdiff_t)es, v);
        }
    for (int g = 2; g < NSVD; g += 2) {          /* svd_m_s, svd_m_f */
        shapes s = shapes_of(g, m, n);
        ptrdiff_t sa[3] = { 3, m, n }, sta[3] = { 0, orow, oc };
        ptrdiff_t su[3] = { 3, s.ur, s.uc }, sv[3] = { 3, s.vr, s.vc }, ss[2] = { 3, s.sl };
        /* odd strides for the outputs, outer last */
        ptrdiff_t uc = (ptrdiff_t)es + 3, ur = s.uc * uc + 1, un = s.ur * ur + 5;
        ptrdiff_t vc = (ptrdiff_t)es + 5, vr = s.vc * vc + 3, vn = s.vr * vr + 1;
        ptrdiff_t sc = (ptrdiff_t)rs + 1, sn = s.sl * sc + 1;
        ptrdiff_t stu[3] = { un, ur, uc }, stv[3] = { vn, vr, vc }, sts[2] = { sn, sc };
        unsigned char *ub = calloc((size_t)(3 * un) + 8, 1), *vb = calloc((size_t)(3 * vn) + 8, 1);
        unsigned char *sb = calloc((size_t)(3 * sn) + 8, 1);
        ul_operand ops[4] = { { a, t, 3, sa, sta }, { (char *)ub + 1, t, 3, su, stu },
                              { (char *)sb + 3, rt, 2, ss, sts }, { (char *)vb + 1, t, 3, sv, stv } };
        int rc = ul_gufunc_call(ul_test_gufunc(NAMES[g]), 4, ops, NULL);
        /* the reference: C order, one matrix */
        ptrdiff_t ra[2] = { m, n }, rsa[2] = { n * (ptrdiff_t)es, (ptrdiff_t)es };
        ptrdiff_t ru[2] = { s.ur, s.uc }, rsu[2] = { s.uc * (ptrdiff_t)es, (ptrdiff_t)es };
        ptrdiff_t rv[2] = { s.vr, s.vc }, rsv[2] = { s.vc * (ptrdiff_t)es, (ptrdiff_t)es };
        ptrdiff_t rss[1] = { s.sl }, rsts[1] = { (ptrdiff_t)rs };
        char *u0 = calloc((size_t)(s.ur * s.uc) + 1, es), *v0 = calloc((size_t)(s.vr * s.vc) + 1, es);
        char *s0 = calloc((size_t)s.sl + 1, rs);
        ul_operand rops[4] = { { (char *)cbuf, t, 2, ra, rsa }, { u0, t, 2, ru, rsu },
                               { s0, rt, 1, rss, rsts }, { v0, t, 2, rv, rsv } };
        int rc0 = ul_gufunc_call(ul_test_gufunc(NAMES[g]), 4, rops, NULL);
        int same = 1;
        for (ptrdiff_t k = 0; k < 3; k++) {
            for (ptrdiff_t i = 0; i < s.wur; i++)
                for (ptrdiff_t j = 0; j < s.wuc; j++)
                    same &= memcmp(ub + 1 + k * un + i * ur + j * uc, u0 + (i * s.uc + j) * (ptrdiff_t)es, es) == 0;
            for (ptrdiff_t i = 0; i < s.wvr; i++)
                for (ptrdiff_t j = 0; j < s.wvc; j++)
                    same &= memcmp(vb + 1 + k * vn + i * vr + j * vc, v0 + (i * s.vc + j) * (ptrdiff_t)es, es) == 0;
            for (ptrdiff_t i = 0; i < s.wsl; i++)
                same &= memcmp(sb + 3 + k * sn + i * sc, s0 + i * (ptrdiff_t)rs, rs) == 0;
        }
        UL_CHECK(rc == UL_OK && rc0 == UL_OK && same, "%s %c %tdx%td broadcast, misaligned: rc %d/%d, same bits %d",
                 NAMES[g], dt->ch, m, n, rc, rc0, same);
        free(ub); free(vb); free(sb); free(u0); free(v0); free(s0);
    }
    free(abuf); free(cbuf);
}

int main(void)
{
    test_raw_loops();
    test_enomem();
    for (int d = 0; d < 4; d++) {
        test_broadcast_misaligned(&UL_DTYPES[d], 5, 3);
        test_broadcast_misaligned(&UL_DTYPES[d], 3, 6);
        test_broadcast_misaligned(&UL_DTYPES[d], 1, 4);
        test_broadcast_misaligned(&UL_DTYPES[d], 24, 24);
    }
    static const ptrdiff_t mns[][2] = {
        { 0, 0 }, { 0, 1 }, { 0, 4 }, { 4, 0 }, { 1, 1 }, { 1, 6 }, { 6, 1 }, { 2, 2 },
        { 2, 5 }, { 5, 2 }, { 3, 3 }, { 4, 7 }, { 7, 4 }, { 8, 8 }, { 10, 3 }, { 3, 10 },
        { 16, 16 }, { 20, 33 }, { 33, 20 }, { 41, 9 }, { 9, 41 }, { 40, 40 } };
    size_t nshapes = sizeof mns / sizeof mns[0];
    for (int d = 0; d < 4; d++) {
        const ul_dtype *dt = &UL_DTYPES[d];
        for (size_t i = 0; i < nshapes; i++) {
            ptrdiff_t m = mns[i][0], n = mns[i][1];
            for (int la = 0; la < UL_NLAYOUTS; la++)
                run_case(dt, m, n, 1 + la % 3, GEN_RANDOM, la, (la * 3 + 1) % UL_NLAYOUTS, -1);
            for (int gen = 1; gen < NGEN; gen++)
                run_case(dt, m, n, 2, gen, gen % UL_NLAYOUTS, (gen + 4) % UL_NLAYOUTS, -1);
            run_case(dt, m, n, 0, GEN_RANDOM, 1, 2, -1);          /* empty stack */
            for (ptrdiff_t k = 0; k < 3; k++)                      /* a NaN matrix */
                run_case(dt, m, n, 3, GEN_RANDOM, (int)k, (int)(k + 3), k);
        }
    }
    return ul_test_done("test_svd");
}
