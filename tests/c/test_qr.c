/*
 * Area: qr loops (qr_r_raw_m, qr_r_raw_n, qr_reduced, qr_complete) through
 * the table and the driver, d and z (numpy's only QR loops).
 * Purpose: LAPACK's dqrt01/dqrt02 ratios (< 30): ||A - Q R||_1 /
 *   (max(m,n) ||A||_1 eps) and ||I - Q^H Q||_1 / (m eps), for the reduced
 *   Q (m x min(m,n)) and the complete one (m x m); R is the upper triangle
 *   qr_r_raw writes back INTO ITS INPUT (numpy's behaviour), with a real
 *   diagonal; m < n, m = n, m > n, m = 0, n = 0; eight stride layouts
 *   (negative, padded, zero strides) for input and outputs with the gaps
 *   checked untouched; empty stacks write nothing; qr_reduced with k !=
 *   min(m,n) is NaN + a failure; no workspace: NaN + UL_ENOMEM + FE_INVALID.
 * References: Q R and Q^H Q are formed here in long double.
 */
#include "ul_test.h"
#include <fenv.h>

/* the loops called directly (not in umath_linalg.h: C callers go through
 * the table) */
#define LOOP(name) void name(char **, const ptrdiff_t *, const ptrdiff_t *, void *);
LOOP(ul_dqr_r_raw_loop) LOOP(ul_dqr_reduced_loop) LOOP(ul_dqr_complete_loop)
#undef LOOP

/* ||A - Q R||_1 / (max(m,n) ||A||_1 eps); Q m x c, R c x n */
static double qr_ratio(const double complex *a, const double complex *q,
                       const double complex *r, ptrdiff_t m, ptrdiff_t n,
                       ptrdiff_t c, double eps)
{
    double complex *d = malloc(sizeof *d * (size_t)(m * n + 1));
    ul_matmul(d, q, r, m, c, n);
    for (ptrdiff_t i = 0; i < m * n; i++)
        d[i] = a[i] - d[i];
    double an = ul_norm1(a, m, n), ratio = ul_norm1(d, m, n);
    free(d);
    ptrdiff_t mx = m > n ? m : n;
    return an == 0 ? (ratio == 0 ? 0 : 1 / eps) : ratio / ((double)mx * an * eps);
}

/* One stack of `count` random m x n matrices (scaled by `scale`): A in
 * layout la, tau and Q in layout lo. */
static void run_case(const ul_dtype *dt, ptrdiff_t m, ptrdiff_t n,
                     ptrdiff_t count, int la, int lo, double scale)
{
    int t = dt->type;
    ptrdiff_t mn = m < n ? m : n;
    char what[160];
    snprintf(what, sizeof what, "%c m=%td n=%td count=%td in=%d out=%d scale=%g",
             dt->ch, m, n, count, la, lo, scale);
    size_t mnp = (size_t)(m * n + 1);
    double complex *a = malloc(sizeof *a * mnp * (size_t)(count + 1));
    ul_layout A = ul_layout_new(la, count, m, n, dt->size);
    for (ptrdiff_t k = 0; k < count; k++)
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i < m; i++) {
                double complex v = scale * (dt->complex_ ? CMPLX(ul_rand(), ul_rand()) : ul_rand());
                ul_put(t, ul_at(&A, k, i, j), v);
                a[(size_t)k * mnp + (size_t)(i + j * m)] = ul_get(t, ul_at(&A, k, i, j));
            }
    ul_call_info info;
    /* ---- qr_r_raw: tau out, factored A back into A ---- */
    ptrdiff_t tau_len = m <= n ? m : n;
    ul_layout T = ul_layout_new(lo, count, tau_len, 1, dt->size);
    ul_operand r_ops[2] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&T, t, 2) };
    int rc = ul_gufunc_call(ul_test_gufunc(m <= n ? "qr_r_raw_m" : "qr_r_raw_n"), 2, r_ops, &info);
    UL_CHECK(rc == UL_OK && info.outer_size == count, "qr_r_raw rc %d (%s) %s", rc, info.message, what);
    UL_CHECK(ul_gaps_untouched(&A) && ul_gaps_untouched(&T), "qr_r_raw wrote outside %s", what);
    if (count == 0 || mn == 0)
        UL_CHECK(ul_all_sentinel(&T), "nothing to factor, tau written %s", what);
    /* ---- qr_reduced: Q (m x mn) ---- */
    ul_layout Q = ul_layout_new(lo, count, m, mn, dt->size);
    ul_operand q_ops[3] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&T, t, 2),
                            ul_layout_operand(&Q, t, 3) };
    rc = ul_gufunc_call(ul_test_gufunc("qr_reduced"), 3, q_ops, &info);
    UL_CHECK(rc == UL_OK, "qr_reduced rc %d (%s) %s", rc, info.message, what);
    UL_CHECK(ul_gaps_untouched(&Q), "qr_reduced wrote outside %s", what);
    /* ---- qr_complete: Q (m x m), tau with n entries ---- */
    ul_layout TC = ul_layout_new(la, count, n, 1, dt->size);
    for (ptrdiff_t k = 0; k < count; k++)
        for (ptrdiff_t i = 0; i < n; i++)
            memcpy(ul_at(&TC, k, i, 0), i < mn ? ul_at(&T, k, i, 0) : (char *)&(double[2]){ 0, 0 },
                   dt->size);
    ul_layout QC = ul_layout_new(lo, count, m, m, dt->size);
    ul_operand c_ops[3] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&TC, t, 2),
                            ul_layout_operand(&QC, t, 3) };
    rc = ul_gufunc_call(ul_test_gufunc("qr_complete"), 3, c_ops, &info);
    UL_CHECK(rc == UL_OK, "qr_complete rc %d (%s) %s", rc, info.message, what);
    UL_CHECK(ul_gaps_untouched(&QC), "qr_complete wrote outside %s", what);

    double complex *f = malloc(sizeof *f * mnp), *r = malloc(sizeof *r * mnp);
    double complex *q = malloc(sizeof *q * (size_t)(m * m + 1));
    for (ptrdiff_t k = 0; k < count && m > 0 && n > 0; k++) {
        double complex *ak = a + (size_t)k * mnp;
        ul_read_matrix(&A, t, k, m, n, f);
        int factored = 0, real_diag = 1;
        for (ptrdiff_t i = 0; i < m * n; i++)
            factored |= f[i] != ak[i];
        UL_CHECK(factored || m == 1, "qr_r_raw did not write its input k=%td %s", k, what);
        /* R: the upper triangle of the first mn rows (mn x n) */
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i < mn; i++)
                r[i + j * mn] = i <= j ? f[i + j * m] : 0;
        for (ptrdiff_t i = 0; i < mn; i++)
            real_diag &= cimag(r[i * (mn + 1)]) == 0;
        UL_CHECK(real_diag, "R's diagonal not real k=%td %s", k, what);
        ul_read_matrix(&Q, t, k, m, mn, q);
        double r1 = qr_ratio(ak, q, r, m, n, mn, dt->eps), r2 = ul_orth_ratio(q, m, mn, dt->eps);
        UL_CHECK(r1 < 30 && r2 < 30, "reduced: ||A-QR|| %.3g ||I-Q^HQ|| %.3g k=%td %s", r1, r2, k, what);
        /* complete: Q m x m; its first mn columns with R give A */
        ul_read_matrix(&QC, t, k, m, m, q);
        r1 = qr_ratio(ak, q, r, m, n, mn, dt->eps);
        r2 = ul_orth_ratio(q, m, m, dt->eps);
        UL_CHECK(r1 < 30 && r2 < 30, "complete: ||A-QR|| %.3g ||I-Q^HQ|| %.3g k=%td %s", r1, r2, k, what);
    }
    /* n = 0: the complete Q of m x 0 matrices is the identity (K = 0) */
    for (ptrdiff_t k = 0; k < count && n == 0; k++)
        for (ptrdiff_t j = 0; j < m; j++)
            for (ptrdiff_t i = 0; i < m; i++)
                UL_CHECK(ul_get(t, ul_at(&QC, k, i, j)) == (i == j ? 1.0 : 0.0),
                         "qr_complete of m x 0 not I %s", what);
    free(f); free(r); free(q); free(a);
    free(A.buf); free(T.buf); free(Q.buf); free(TC.buf); free(QC.buf);
}

/* qr_reduced with k != min(m,n): NaN output and a failure; direct calls
 * follow numpy's FP protocol. */
static void test_bad_k_and_fp(void)
{
    double a[3][2] = { { 1, 2 }, { 3, 4 }, { 5, 6 } }, tau[2] = { 0, 0 };
    double q[3][3];
    ptrdiff_t dims[3] = { 1, 3, 2 }, rsteps[5] = { 0, 0, 16, 8, 8 };
    char *rargs[2] = { (char *)a, (char *)tau };
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    ul_dqr_r_raw_loop(rargs, dims, rsteps, NULL);
    /* (OpenBLAS's x87 dnrm2 leaves x87 FE_INEXACT, which the MXCSR-only
     * protocol of ul_fp.c does not touch and numpy never reports) */
    UL_CHECK(!fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT),
             "good qr_r_raw must clear the flags: %#x", fetestexcept(FE_ALL_EXCEPT));
    UL_CHECK(fabs(a[0][0] + sqrt(35.0)) < 1e-12 && tau[0] > 1 && tau[0] <= 2,
             "geqrf of [[1,2],[3,4],[5,6]]: r00 %g tau0 %g", a[0][0], tau[0]);
    /* k = 3 != min(3,2) */
    ptrdiff_t qdims[4] = { 1, 3, 2, 3 }, qsteps[8] = { 0, 0, 0, 16, 8, 8, 24, 8 };
    char *qargs[3] = { (char *)a, (char *)tau, (char *)q };
    ul_loop_report rep = { 9, 9, 9 };
    ul_dqr_reduced_loop(qargs, qdims, qsteps, &rep);
    int nan = 1;
    for (int i = 0; i < 9; i++)
        nan &= isnan((&q[0][0])[i]);
    UL_CHECK(nan && rep.nfailed == 1 && rep.first_failed == 0 && fetestexcept(FE_INVALID),
             "qr_reduced k != min(m,n): NaN %d report %td %td", nan, rep.nfailed, rep.first_failed);
    feclearexcept(FE_ALL_EXCEPT);
    /* N = 0 and m = 0: nothing written, no flag */
    memset(q, UL_SENTINEL, sizeof q);
    qdims[0] = 0;
    ul_dqr_reduced_loop(qargs, qdims, qsteps, NULL);
    ptrdiff_t cdims[3] = { 1, 0, 2 };
    ul_dqr_complete_loop(qargs, cdims, qsteps, NULL);
    unsigned char *qb = (unsigned char *)q;
    int untouched = 1;
    for (size_t b = 0; b < sizeof q; b++)
        untouched &= qb[b] == UL_SENTINEL;
    UL_CHECK(untouched && !fetestexcept(FE_INVALID), "empty qr call wrote");
}

static void *no_malloc(size_t n)
{
    (void)n;
    return NULL;
}

/* No workspace (a 40 x 30 matrix needs more than the stack buffer):
 * NaN outputs, UL_ENOMEM, the input not written. */
static void test_enomem(void)
{
    enum { M = 40, N = 30 };
    static double a[M][N], a0[M][N], tau[N], q[M][N];
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            a[i][j] = a0[i][j] = ul_rand();
    ptrdiff_t sa[2] = { M, N }, sta[2] = { 8 * N, 8 }, st1[1] = { N }, stt[1] = { 8 };
    ul_operand ops[3] = { { (char *)a, UL_DOUBLE, 2, sa, sta }, { (char *)tau, UL_DOUBLE, 1, st1, stt },
                          { (char *)q, UL_DOUBLE, 2, sa, sta } };
    ul_call_info info;
    ul_set_allocator(no_malloc, free);
    int rc = ul_gufunc_call(ul_test_gufunc("qr_r_raw_n"), 2, ops, &info);
    int nan = 1;
    for (int i = 0; i < N; i++)
        nan &= isnan(tau[i]);
    UL_CHECK(rc == UL_ENOMEM && nan && memcmp(a, a0, sizeof a) == 0,
             "qr_r_raw without workspace: rc %d NaN %d", rc, nan);
    rc = ul_gufunc_call(ul_test_gufunc("qr_reduced"), 3, ops, &info);
    nan = 1;
    for (int i = 0; i < M * N; i++)
        nan &= isnan((&q[0][0])[i]);
    UL_CHECK(rc == UL_ENOMEM && nan, "qr_reduced without workspace: rc %d NaN %d", rc, nan);
    ul_set_allocator(NULL, NULL);
    UL_CHECK(ul_gufunc_call(ul_test_gufunc("qr_r_raw_n"), 2, ops, &info) == UL_OK && !isnan(tau[0]),
             "qr_r_raw after the allocator is restored");
}

int main(void)
{
    static const ptrdiff_t sizes[][2] = {
        { 1, 1 }, { 2, 1 }, { 1, 3 }, { 3, 3 }, { 5, 2 }, { 2, 5 }, { 8, 8 },
        { 17, 9 }, { 9, 17 }, { 40, 33 }, { 33, 40 }, { 70, 70 }, { 0, 3 },
        { 3, 0 }, { 0, 0 } };
    test_bad_k_and_fp();
    test_enomem();
    for (int d = 1; d < 4; d += 2) {        /* d and z: numpy's QR loops */
        const ul_dtype *dt = &UL_DTYPES[d];
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            ptrdiff_t m = sizes[s][0], n = sizes[s][1];
            for (int la = 0; la < UL_NLAYOUTS; la++)
                run_case(dt, m, n, 1 + la % 3, la, (la * 3 + 1) % UL_NLAYOUTS, 1);
            run_case(dt, m, n, 0, 1, 2, 1);              /* empty stack */
            run_case(dt, m, n, 2, 0, 3, 1e-290);         /* near underflow */
            run_case(dt, m, n, 2, 4, 5, 1e300);          /* near overflow */
        }
    }
    return ul_test_done("test_qr");
}
