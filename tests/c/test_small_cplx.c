/*
 * Area: the small-n complex inverse (ul_small_cplx.c), complex64 and
 * complex128, n = 1..16 (and 17, 20: the LAPACK path), through the driver
 * on every stride layout of ul_test.h.
 * Purpose: LAPACK's dget03 residual ratios (both sides) below 30 on random,
 * badly scaled and nearly singular matrices; an exactly singular matrix and
 * one with a NaN entry in the stack give ?gesv's own results bit for bit
 * (both are handed to LAPACK by the guard), with the failure reported at
 * its index; every other matrix agrees with ?gesv within the same bounds.
 */
#include "ul_test.h"
#include <lapacke.h>

#define COUNT 6
enum { RANDOM, ROWSCALED, NEARSING, NTYPES };

/* ?gesv(A, I) on the column-major a (n x n), into x; returns info */
static int ref_inv(int ch, int n, const double complex *a, double complex *x)
{
    int info, ipiv[32];
    if (ch == 'z') {
        double complex A[400];
        memcpy(A, a, sizeof(double complex) * (size_t)(n * n));
        for (int i = 0; i < n * n; i++) x[i] = (i % (n + 1)) == 0;
        info = LAPACKE_zgesv_work(LAPACK_COL_MAJOR, n, n, A, n, ipiv, x, n);
    } else {
        float complex A[400], X[400];
        for (int i = 0; i < n * n; i++) { A[i] = (float complex)a[i]; X[i] = (i % (n + 1)) == 0; }
        info = LAPACKE_cgesv_work(LAPACK_COL_MAJOR, n, n, A, n, ipiv, X, n);
        for (int i = 0; i < n * n; i++) x[i] = X[i];
    }
    return info;
}

static void run(const ul_dtype *dt, int n, int type, int kind)
{
    ul_layout La = ul_layout_new(kind, COUNT, n, n, dt->size);
    ul_layout Lx = ul_layout_new((kind + 1) % UL_NLAYOUTS, COUNT, n, n, dt->size);
    double complex a[COUNT][400];
    double lo = dt->ch == 'z' ? 4 : 2;         /* row scales 10^[-lo, lo] */
    for (int k = 0; k < COUNT; k++) {
        for (int i = 0; i < n; i++) {
            double s = type == ROWSCALED ? pow(10, lo * ul_rand()) : 1;
            for (int j = 0; j < n; j++)
                a[k][i + j * n] = s * CMPLX(ul_rand(), ul_rand());
        }
        if (type == NEARSING && n > 1)          /* last row ~ first row */
            for (int j = 0; j < n; j++)
                a[k][n - 1 + j * n] = a[k][j * n] * (1 + 1e-6 * ul_rand());
        /* round to the dtype first: the reference sees what the loop sees */
        for (int i = 0; i < n * n; i++) {
            char buf[16];
            ul_put(dt->type, buf, a[k][i]);
            a[k][i] = ul_get(dt->type, buf);
        }
    }
    for (int j = 0; j < n; j++) a[2][j * n] = 0;          /* matrix 2: zero row */
    if (n > 1) a[4][1] = NAN;                               /* matrix 4: a NaN */
    for (int k = 0; k < COUNT; k++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                ul_put(dt->type, ul_at(&La, k, i, j), a[k][i + j * n]);
    ul_operand ops[2] = { ul_layout_operand(&La, dt->type, 3), ul_layout_operand(&Lx, dt->type, 3) };
    ul_call_info info;
    ul_gufunc_call(ul_gufunc_find("inv"), 2, ops, &info);
    ptrdiff_t nfail = 0, first = -1;
    for (int k = 0; k < COUNT; k++) {
        double complex x[400], ref[400];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                x[i + j * n] = ul_get(dt->type, ul_at(&Lx, k, i, j));
        int rinfo = ref_inv(dt->ch, n, a[k], ref);
        if (rinfo != 0 && nfail++ == 0) first = k;
        if (rinfo != 0 || (k == 4 && n > 1)) {
            /* LAPACK's verdict and values (NaN where it failed) */
            int same = 1;
            for (int i = 0; i < n * n; i++)
                same &= rinfo != 0 ? isnan(creal(x[i])) && isnan(cimag(x[i]))
                                   : memcmp(&x[i], &ref[i], sizeof x[i]) == 0 ||
                                     (isnan(creal(x[i])) && isnan(creal(ref[i])));
            UL_CHECK(same, "%c n=%d type %d layout %s k=%d: not ?gesv's result (info %d)",
                     dt->ch, n, type, La.name, k, rinfo);
            continue;
        }
        double l, r, lref, rref;
        ul_inv_ratios(a[k], x, n, dt->eps, &l, &r);
        ul_inv_ratios(a[k], ref, n, dt->eps, &lref, &rref);
        UL_CHECK(l < 30 && r < 30, "%c n=%d type %d layout %s k=%d: ratios %g %g (LAPACK %g %g)",
                 dt->ch, n, type, La.name, k, l, r, lref, rref);
        /* agreement with ?gesv: |X - Xref| / (|Xref| * n * eps * cond) */
        double complex d[400];
        for (int i = 0; i < n * n; i++) d[i] = x[i] - ref[i];
        double cond = ul_norm1(a[k], n, n) * ul_norm1(ref, n, n);
        double agree = ul_norm1(d, n, n) / (ul_norm1(ref, n, n) * n * dt->eps * cond);
        UL_CHECK(agree < 30, "%c n=%d type %d layout %s k=%d: differs from ?gesv by %g",
                 dt->ch, n, type, La.name, k, agree);
    }
    UL_CHECK(info.nfailed == nfail && info.first_failed == first,
             "%c n=%d: report %td/%td, LAPACK %td/%td", dt->ch, n, info.nfailed,
             info.first_failed, nfail, first);
    UL_CHECK(ul_gaps_untouched(&Lx), "%c n=%d layout %s: wrote outside the output", dt->ch, n, Lx.name);
    free(La.buf); free(Lx.buf);
}

int main(void)
{
    static const int ns[] = { 1, 2, 3, 4, 5, 7, 8, 10, 13, 16, 17, 20 };
    for (int d = 2; d < 4; d++)
        for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++)
            for (int type = 0; type < NTYPES; type++)
                for (int kind = 0; kind < UL_NLAYOUTS; kind++)
                    run(&UL_DTYPES[d], ns[t], type, kind);
    return ul_test_done("test_small_cplx");
}
