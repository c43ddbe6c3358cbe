/*
 * Area: lstsq loops (lstsq_m, lstsq_n) through the table and the driver,
 * all four dtypes.
 * Purpose: least-squares properties as LAPACK's ddrvls judges them: the
 *   normal-equation residual ||A^H (B - A X)||_1 / (max(m,n,nrhs) ||A||_1
 *   (||A||_1 ||X||_1 + ||B||_1) eps) < 30 for every shape, and for m <= n
 *   at full rank the consistent residual ||B - A X||_1 / (max(m,n,nrhs)
 *   ||A||_1 ||X||_1 eps) < 30 (dqrt16); the rank exact for full and
 *   rank-deficient A (A = X Y of rank r); singular values descending and
 *   non-negative; residuals by numpy's rule (the squared 2-norms of
 *   B - A X when m >= n and rank == n, else NaN); m < n, m = n, m > n,
 *   m = 0 (x = 0), n = 0, nrhs = 0; eight layouts with the gaps untouched;
 *   rcond per matrix or broadcast; empty stacks write nothing; a NaN matrix
 *   inside a stack gives NaN outputs and rank -1 with the rest computed;
 *   FE_INVALID on direct calls; no workspace: NaN + UL_ENOMEM.
 * References: products formed here in long double.
 */
#include "ul_test.h"
#include <fenv.h>

void ul_dlstsq_loop(char **, const ptrdiff_t *, const ptrdiff_t *, void *);

static int is_nan(int t, const char *p)
{
    double complex v = ul_get(t, p);
    return isnan(creal(v)) && (!ul_dtype_of(t)->complex_ || isnan(cimag(v)));
}

/* One stack: count matrices m x n of rank r (r = min(m,n): random),
 * nrhs right-hand sides; A, B, X in layout la, the vectors in lo; a NaN
 * matrix at `bad` (-1: none); rcond broadcast (one scalar) if bcast. */
static void run_case(const ul_dtype *dt, ptrdiff_t m, ptrdiff_t n,
                     ptrdiff_t nrhs, ptrdiff_t r, ptrdiff_t count, int la,
                     int lo, ptrdiff_t bad, int bcast)
{
    int t = dt->type, rt = dt->real_type, c = dt->complex_;
    ptrdiff_t mn = m < n ? m : n, mx = m > n ? m : n, slen = m <= n ? m : n;
    char what[200];
    snprintf(what, sizeof what, "%c m=%td n=%td nrhs=%td r=%td count=%td in=%d out=%d bad=%td",
             dt->ch, m, n, nrhs, r, count, la, lo, bad);
    size_t sa = (size_t)(m * n + 1), sb = (size_t)(m * nrhs + 1);
    double complex *a = malloc(sizeof *a * sa * (size_t)(count + 1));
    double complex *b = malloc(sizeof *b * sb * (size_t)(count + 1));
    double complex *x = malloc(sizeof *x * (size_t)(n * nrhs + 1));
    double complex *f = malloc(sizeof *f * (size_t)(m * (r + 1) + n * (r + 1) + 2));
    ul_layout A = ul_layout_new(la, count, m, n, dt->size);
    ul_layout B = ul_layout_new(lo, count, m, nrhs, dt->size);
    for (ptrdiff_t k = 0; k < count; k++) {
        double complex *ak = a + (size_t)k * sa, *bk = b + (size_t)k * sb;
        /* A = X Y, X m x r, Y r x n (rank r), plus 0 when r = min(m,n) */
        double complex *X = f, *Y = f + m * r;
        for (ptrdiff_t i = 0; i < m * r + n * r; i++)
            f[i] = ul_rnd(c);
        ul_matmul(ak, X, Y, m, r, n);
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i < m; i++) {
                if (k == bad && i == 0 && j == 0)
                    ak[0] = NAN;
                ul_put(t, ul_at(&A, k, i, j), ak[i + j * m]);
                ak[i + j * m] = ul_get(t, ul_at(&A, k, i, j));
            }
        for (ptrdiff_t j = 0; j < nrhs; j++)
            for (ptrdiff_t i = 0; i < m; i++) {
                ul_put(t, ul_at(&B, k, i, j), ul_rnd(c));
                bk[i + j * m] = ul_get(t, ul_at(&B, k, i, j));
            }
    }
    /* rcond: machine precision (-1) at full rank; sqrt(eps) for rank r */
    double rc = r < mn ? sqrt(dt->eps) : -1;
    ul_layout RC = ul_layout_new(lo, bcast ? 1 : count, 1, 1, dt->complex_ ? dt->size / 2 : dt->size);
    for (ptrdiff_t k = 0; k < (bcast ? 1 : count); k++)
        ul_put(rt, ul_at(&RC, k, 0, 0), rc);
    ul_layout XO = ul_layout_new(la, count, n, nrhs, dt->size);
    ul_layout RS = ul_layout_new(lo, count, nrhs, 1, ul_dtype_of(rt)->size);
    ul_layout RK = ul_layout_new(la, count, 1, 1, 4);
    ul_layout S = ul_layout_new(lo, count, slen, 1, ul_dtype_of(rt)->size);
    ul_operand ops[7] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&B, t, 3),
                          ul_layout_operand(&RC, rt, bcast ? 0 : 1),
                          ul_layout_operand(&XO, t, 3), ul_layout_operand(&RS, rt, 2),
                          ul_layout_operand(&RK, UL_INT32, 1), ul_layout_operand(&S, rt, 2) };
    ul_call_info info;
    int rcode = ul_gufunc_call(ul_test_gufunc(m <= n ? "lstsq_m" : "lstsq_n"), 7, ops, &info);
    int expect_fail = bad >= 0 && bad < count && m > 0 && n > 0;
    UL_CHECK(rcode == (expect_fail ? UL_ESINGULAR : UL_OK) && info.outer_size == count,
             "lstsq rc %d (%s) %s", rcode, info.message, what);
    UL_CHECK(info.nfailed == expect_fail && info.first_failed == (expect_fail ? bad : -1),
             "report %td %td %s", info.nfailed, info.first_failed, what);
    UL_CHECK(ul_gaps_untouched(&XO) && ul_gaps_untouched(&RS) && ul_gaps_untouched(&RK) &&
             ul_gaps_untouched(&S), "lstsq wrote outside its outputs %s", what);
    if (count == 0)
        UL_CHECK(ul_all_sentinel(&XO) && ul_all_sentinel(&RK), "empty stack written %s", what);
    double tol = 30;
    for (ptrdiff_t k = 0; k < count; k++) {
        double complex *ak = a + (size_t)k * sa, *bk = b + (size_t)k * sb;
        int rank;
        memcpy(&rank, ul_at(&RK, k, 0, 0), sizeof rank);
        if (k == bad && expect_fail) {
            int nan = rank == -1;
            for (ptrdiff_t j = 0; j < nrhs; j++) {
                nan &= is_nan(rt, ul_at(&RS, k, j, 0));
                for (ptrdiff_t i = 0; i < n; i++)
                    nan &= is_nan(t, ul_at(&XO, k, i, j));
            }
            for (ptrdiff_t i = 0; i < mn; i++)
                nan &= is_nan(rt, ul_at(&S, k, i, 0));
            UL_CHECK(nan, "failed matrix: NaN outputs and rank -1 (rank %d) %s", rank, what);
            continue;
        }
        UL_CHECK(rank == (m && n ? r : 0), "rank %d, built %td %s", rank, r, what);
        double prev = INFINITY;
        for (ptrdiff_t i = 0; i < mn; i++) {
            double s = creal(ul_get(rt, ul_at(&S, k, i, 0)));
            UL_CHECK(s >= 0 && s <= prev, "s not descending: s[%td] = %g after %g %s", i, s, prev, what);
            prev = s;
        }
        ul_read_matrix(&XO, t, k, n, nrhs, x);
        if (m == 0)
            for (ptrdiff_t i = 0; i < n * nrhs; i++)
                UL_CHECK(x[i] == 0, "m = 0: x not 0 %s", what);
        /* the residual b - A x and A^H (b - A x) */
        double complex *res = malloc(sizeof *res * sb), *ah = malloc(sizeof *ah * sa);
        double complex *ne = malloc(sizeof *ne * (size_t)(n * nrhs + 1));
        ul_matmul(res, ak, x, m, n, nrhs);
        for (ptrdiff_t i = 0; i < m * nrhs; i++)
            res[i] = bk[i] - res[i];
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i < m; i++)
                ah[j + i * n] = conj(ak[i + j * m]);
        ul_matmul(ne, ah, res, n, m, nrhs);
        double an = ul_norm1(ak, m, n), xn = ul_norm1(x, n, nrhs), bn = ul_norm1(bk, m, nrhs);
        ptrdiff_t big = mx > nrhs ? mx : nrhs;
        double den = (double)big * an * (an * xn + bn) * dt->eps;
        double r1 = den > 0 ? ul_norm1(ne, n, nrhs) / den : ul_norm1(ne, n, nrhs);
        UL_CHECK(r1 < tol, "||A^H (B - A X)|| ratio %.3g k=%td %s", r1, k, what);
        if (m <= n && r == m && m > 0 && nrhs > 0) {
            double r2 = ul_norm1(res, m, nrhs) / ((double)big * an * xn * dt->eps);
            UL_CHECK(r2 < tol, "||B - A X|| ratio %.3g (consistent) k=%td %s", r2, k, what);
        }
        /* residuals: numpy's rule */
        for (ptrdiff_t j = 0; j < nrhs; j++) {
            double got = creal(ul_get(rt, ul_at(&RS, k, j, 0)));
            if (m >= n && rank == n) {
                double rr = 0, bb = 0;
                for (ptrdiff_t i = 0; i < m; i++) {
                    rr += creal(res[i + j * m] * conj(res[i + j * m]));
                    bb += creal(bk[i + j * m] * conj(bk[i + j * m]));
                }
                UL_CHECK(fabs(got - rr) <= 100 * dt->eps * (double)(mx + 1) * (bb + an * an * xn * xn),
                         "residual %g, ||b - A x||^2 %g j=%td %s", got, rr, j, what);
            } else {
                UL_CHECK(isnan(got), "residual %g should be NaN j=%td %s", got, j, what);
            }
        }
        free(res); free(ah); free(ne);
    }
    free(a); free(b); free(x); free(f);
    free(A.buf); free(B.buf); free(RC.buf); free(XO.buf); free(RS.buf); free(RK.buf); free(S.buf);
}

/* Direct call: NaN matrix in a stack of two, FE_INVALID, report. */
static void test_fp(void)
{
    double a[2][3][2] = { { { NAN, 0 }, { 0, 1 }, { 1, 1 } }, { { 1, 0 }, { 0, 1 }, { 1, 1 } } };
    double b[2][3] = { { 1, 2, 3 }, { 1, 2, 3 } }, rc = -1;
    double x[2][2], res[2], s[2][2];
    int rank[2];
    ptrdiff_t dims[4] = { 2, 3, 2, 1 };
    ptrdiff_t steps[15] = { 48, 24, 0, 16, 8, 4, 16, 16, 8, 8, 0, 8, 0, 0, 8 };
    char *args[7] = { (char *)a, (char *)b, (char *)&rc, (char *)x, (char *)res, (char *)rank, (char *)s };
    ul_loop_report rep = { 9, 9, 9 };
    feclearexcept(FE_ALL_EXCEPT);
    ul_dlstsq_loop(args, dims, steps, &rep);
    UL_CHECK(fetestexcept(FE_INVALID) && rep.nfailed == 1 && rep.first_failed == 0,
             "NaN matrix: FE_INVALID and report %td %td", rep.nfailed, rep.first_failed);
    UL_CHECK(rank[0] == -1 && isnan(x[0][0]) && isnan(res[0]) && isnan(s[0][0]) && isnan(s[0][1]),
             "NaN matrix outputs");
    /* [[1,0],[0,1],[1,1]] x = [1,2,3]: x = (1, 2), residual 0 */
    UL_CHECK(rank[1] == 2 && fabs(x[1][0] - 1) < 1e-14 && fabs(x[1][1] - 2) < 1e-14 && res[1] < 1e-28,
             "second matrix x (%g, %g) rank %d residual %g", x[1][0], x[1][1], rank[1], res[1]);
    feclearexcept(FE_ALL_EXCEPT);
    dims[0] = 1;
    args[0] = (char *)a[1];
    ul_dlstsq_loop(args, dims, steps, NULL);
    UL_CHECK(!fetestexcept(FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW), "good lstsq leaves no flag");
}

static void *no_malloc(size_t n)
{
    (void)n;
    return NULL;
}

static void test_enomem(void)
{
    enum { M = 40, N = 30 };
    static double a[M][N], b[M], x[N], s[N];
    double res, rc = -1;
    int rank = 7;
    for (int i = 0; i < M * N; i++)
        (&a[0][0])[i] = ul_rand();
    ptrdiff_t sa[2] = { M, N }, sta[2] = { 8 * N, 8 }, sb[2] = { M, 1 }, stb[2] = { 8, 8 };
    ptrdiff_t sx[2] = { N, 1 }, stx[2] = { 8, 8 }, sr[1] = { 1 }, ss[1] = { N }, sts[1] = { 8 };
    ul_operand ops[7] = { { (char *)a, UL_DOUBLE, 2, sa, sta }, { (char *)b, UL_DOUBLE, 2, sb, stb },
                          { (char *)&rc, UL_DOUBLE, 0, NULL, NULL }, { (char *)x, UL_DOUBLE, 2, sx, stx },
                          { (char *)&res, UL_DOUBLE, 1, sr, sts }, { (char *)&rank, UL_INT32, 0, NULL, NULL },
                          { (char *)s, UL_DOUBLE, 1, ss, sts } };
    ul_call_info info;
    ul_set_allocator(no_malloc, free);
    int rcode = ul_gufunc_call(ul_test_gufunc("lstsq_n"), 7, ops, &info);
    ul_set_allocator(NULL, NULL);
    UL_CHECK(rcode == UL_ENOMEM && rank == -1 && isnan(x[0]) && isnan(res) && isnan(s[N - 1]),
             "lstsq without workspace: rc %d rank %d", rcode, rank);
    rcode = ul_gufunc_call(ul_test_gufunc("lstsq_n"), 7, ops, &info);
    UL_CHECK(rcode == UL_OK && rank == N, "lstsq after the allocator is restored: rc %d rank %d", rcode, rank);
}

int main(void)
{
    static const ptrdiff_t shapes[][3] = {   /* m, n, nrhs */
        { 1, 1, 1 }, { 3, 2, 1 }, { 2, 3, 2 }, { 4, 4, 3 }, { 10, 3, 2 }, { 3, 10, 2 },
        { 25, 25, 4 }, { 40, 17, 5 }, { 17, 40, 5 }, { 6, 4, 0 }, { 4, 6, 0 },
        { 0, 3, 2 }, { 3, 0, 2 }, { 0, 0, 1 }, { 0, 0, 0 } };
    test_fp();
    test_enomem();
    for (int d = 0; d < 4; d++) {
        const ul_dtype *dt = &UL_DTYPES[d];
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            ptrdiff_t m = shapes[s][0], n = shapes[s][1], nrhs = shapes[s][2];
            ptrdiff_t mn = m < n ? m : n;
            for (int la = 0; la < UL_NLAYOUTS; la++)
                run_case(dt, m, n, nrhs, mn, 1 + la % 3, la, (la * 3 + 1) % UL_NLAYOUTS, -1, la & 1);
            run_case(dt, m, n, nrhs, mn, 0, 1, 2, -1, 0);            /* empty stack */
            for (ptrdiff_t bad = 0; bad < 3; bad++)                  /* a NaN matrix */
                run_case(dt, m, n, nrhs, mn, 3, (int)bad, (int)bad + 4, bad, 0);
            for (ptrdiff_t r = 1; r < mn; r += 2)                    /* rank deficient */
                run_case(dt, m, n, nrhs, r, 2, 5, 6, -1, 1);
        }
    }
    return ul_test_done("test_lstsq");
}
