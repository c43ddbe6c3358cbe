/*
 * Area: cholesky_lo, cholesky_up, eigh_lo, eigh_up, eigvalsh_lo,
 *   eigvalsh_up through the table and the driver.
 * Purpose: LAPACK's test ratios, each below 30: Cholesky (dpot01)
 *   ||A - L L^H||_1 / (n ||A||_1 eps) (U^H U for _up) with the other
 *   strict triangle exactly +0 and a real positive diagonal; eigh
 *   ||A V - V diag(w)||_1 / (n ||A||_1 eps) and ||I - V^H V||_1 / (n eps),
 *   w ascending and next to the spectrum built in, eigvalsh's w against
 *   eigh's and _up's against _lo's, |w1 - w2| / (n eps max|w|). All four
 *   dtypes, n = 0..33 and 64, eight stride layouts (negative, padded, zero
 *   strides) for the input and the outputs, buffer gaps untouched, the
 *   input unchanged; the triangle a loop must not read filled with NaN;
 *   spectra positive (cond up to 1e8), indefinite, clustered/repeated,
 *   diagonal, zero, identity, near underflow/overflow; a matrix that is not
 *   positive definite at every stack position (NaN, count and first index
 *   reported, the rest computed); m = 0 and empty stacks write nothing.
 *   Raw calls, broadcast, misaligned operands and allocation failure:
 *   test_cholesky_eigh_calls.c.
 * References: the spectra and unitary factors are built here
 *   (eigh_test_util.h); residuals in long double.
 */
#include "eigh_test_util.h"

static const char *gen_names[NGEN] = { "spd", "indefinite", "clustered", "diagonal",
                                       "zero", "identity", "tiny", "huge" };

/* ---- one stack through all six gufuncs ----
 * count matrices of generator g (cond for GEN_SPD); matrix `bad` (-1:
 * none) indefinite; input layout la, outputs lo; nan_unread: the unread
 * triangle holds NaN (then _lo and _up get different inputs). */
static void run_case(const ul_dtype *dt, ptrdiff_t n, ptrdiff_t count, int g,
                     double cond, ptrdiff_t bad, int la, int lo, int nan_unread)
{
    int t = dt->type, rt = dt->real_type;
    size_t rsize = dt->complex_ ? dt->size / 2 : dt->size;
    char what[160];
    snprintf(what, sizeof what, "%c n=%td count=%td %s cond=%.0e bad=%td in=%d out=%d nan=%d",
             dt->ch, n, count, gen_names[g], cond, bad, la, lo, nan_unread);
    size_t nn = (size_t)(n * n + 1);
    double complex *a = malloc(sizeof *a * nn), *h = malloc(sizeof *h * nn), *r = malloc(sizeof *r * nn);
    double *spec = malloc(sizeof *spec * (size_t)(n + 1) * (size_t)(count + 1));
    int *pd = calloc((size_t)count + 1, sizeof *pd);
    ul_layout A[2] = { ul_layout_new(la, count, n, n, dt->size), ul_layout_new(la, count, n, n, dt->size) };
    for (ptrdiff_t k = 0; k < count; k++) {
        double *sk = spec + (size_t)k * (size_t)(n + 1);
        generate(a, sk, n, k == bad ? GEN_INDEF : g, cond, dt);
        pd[k] = n == 0 || sk[0] > 0;
        write_input(&A[0], t, k, n, a, nan_unread ? 'L' : 0);
        write_input(&A[1], t, k, n, a, nan_unread ? 'U' : 0);
    }
    unsigned char *copy[2];
    for (int u = 0; u < 2; u++) {
        copy[u] = malloc(A[u].bytes);
        memcpy(copy[u], A[u].buf, A[u].bytes);
    }
    double tol = 30, eps = dt->eps;
    ptrdiff_t nfail = 0, first = -1;
    for (ptrdiff_t k = count - 1; k >= 0; k--)
        if (!pd[k]) { nfail++; first = k; }
    int empty = count == 0 || n == 0;
    /* eigh's w per side and matrix, for eigvalsh; the one just read */
    double *w = malloc(sizeof *w * (size_t)(n + 1) * (size_t)(2 * count + 1));
    double *wv = malloc(sizeof *wv * (size_t)(n + 1));

    for (int f = 0; f < 6; f++) {
        char uplo = f % 2 ? 'U' : 'L';
        int side = f % 2, chol = f < 2, vec = f < 4;
        ul_layout *In = &A[side];
        ul_layout W = ul_layout_new(lo, count, n, 1, chol ? dt->size : rsize);
        ul_layout V = ul_layout_new((lo + 3) % UL_NLAYOUTS, count, n, n, dt->size);
        ul_operand ops[3];
        int nops = 0;
        ops[nops++] = ul_layout_operand(In, t, 3);
        if (chol) {
            ops[nops++] = ul_layout_operand(&V, t, 3);
        } else {
            ops[nops++] = ul_layout_operand(&W, rt, 2);
            if (vec)
                ops[nops++] = ul_layout_operand(&V, t, 3);
        }
        ul_call_info info;
        int rc = ul_gufunc_call(ul_test_gufunc(NAMES[f]), nops, ops, &info);
        int fails = chol && nfail > 0 && n > 0;
        UL_CHECK(rc == (fails ? UL_ESINGULAR : UL_OK), "%s rc %d (%s) %s", NAMES[f], rc, info.message, what);
        UL_CHECK(info.nfailed == (fails ? nfail : 0) && info.first_failed == (fails ? first : -1),
                 "%s report %td/%td %s", NAMES[f], info.nfailed, info.first_failed, what);
        UL_CHECK(memcmp(copy[side], In->buf, In->bytes) == 0, "%s wrote its input %s", NAMES[f], what);
        UL_CHECK(ul_gaps_untouched(&W) && ul_gaps_untouched(&V), "%s wrote outside its outputs %s", NAMES[f], what);
        if (empty)
            UL_CHECK(ul_all_sentinel(&W) && ul_all_sentinel(&V), "%s wrote an empty output %s", NAMES[f], what);
        for (ptrdiff_t k = 0; k < count && n > 0; k++) {
            seen_matrix(In, t, k, n, uplo, h);
            double *wk = w + (size_t)(side * count + k) * (size_t)(n + 1);
            if (chol) {
                if (!pd[k]) {
                    UL_CHECK(all_nan(&V, t, k, n, n), "%s not NaN for an indefinite matrix k=%td %s", NAMES[f], k, what);
                    continue;
                }
                ul_read_matrix(&V, t, k, n, n, r);
                static const unsigned char zero[16];
                int exact = 1, diag = 1;
                for (ptrdiff_t j = 0; j < n; j++)
                    for (ptrdiff_t i = 0; i < n; i++) {
                        if (uplo == 'L' ? i < j : i > j)
                            exact &= memcmp(ul_at(&V, k, i, j), zero, dt->size) == 0;
                        if (i == j)
                            diag &= creal(r[i + j * n]) > 0 && cimag(r[i + j * n]) == 0;
                    }
                UL_CHECK(exact, "%s: other triangle not exactly +0 k=%td %s", NAMES[f], k, what);
                UL_CHECK(diag, "%s: diagonal not real positive k=%td %s", NAMES[f], k, what);
                double ratio = chol_ratio(h, r, n, uplo, eps);
                UL_CHECK(ratio < tol, "%s ratio %.3g k=%td %s", NAMES[f], ratio, k, what);
                continue;
            }
            for (ptrdiff_t i = 0; i < n; i++)
                wv[i] = creal(ul_get(rt, ul_at(&W, k, i, 0)));
            int asc = 1;
            for (ptrdiff_t i = 0; i + 1 < n; i++)
                asc &= wv[i] <= wv[i + 1];
            UL_CHECK(asc, "%s eigenvalues not ascending k=%td %s", NAMES[f], k, what);
            double an = ul_norm1(h, n, n), off = 0;
            const double *sk = spec + (size_t)k * (size_t)(n + 1);
            for (ptrdiff_t i = 0; i < n; i++)
                off = fmax(off, fabs(wv[i] - sk[i]));
            UL_CHECK(off <= tol * (double)n * eps * an, "%s eigenvalues %.3g from the spectrum (||A|| %.3g) k=%td %s",
                     NAMES[f], off, an, k, what);
            if (vec) {
                ul_read_matrix(&V, t, k, n, n, r);
                double resid, orth;
                eigh_ratios(h, r, wv, n, eps, &resid, &orth);
                UL_CHECK(resid < tol && orth < tol, "%s ratios %.3g %.3g k=%td %s", NAMES[f], resid, orth, k, what);
                memcpy(wk, wv, sizeof *wk * (size_t)n);
                if (side == 1) {    /* the same Hermitian matrix as eigh_lo's */
                    double ratio = w_ratio(w + (size_t)k * (size_t)(n + 1), wv, n, eps);
                    UL_CHECK(ratio < tol, "eigh_up vs eigh_lo: w ratio %.3g k=%td %s", ratio, k, what);
                }
            } else {
                double ratio = w_ratio(wk, wv, n, eps);
                UL_CHECK(ratio < tol, "%s vs eigh: w ratio %.3g k=%td %s", NAMES[f], ratio, k, what);
            }
        }
        free(W.buf);
        free(V.buf);
    }
    free(A[0].buf); free(A[1].buf); free(copy[0]); free(copy[1]);
    free(a); free(h); free(r); free(spec); free(pd); free(w); free(wv);
}

int main(void)
{
    static const ptrdiff_t layout_n[] = { 0, 1, 2, 3, 4, 5, 7, 8, 13, 17, 24, 33 };
    for (int d = 0; d < 4; d++) {
        const ul_dtype *dt = &UL_DTYPES[d];
        int single = dt->eps > 1e-10;
        for (ptrdiff_t n = 0; n <= 33; n++)
            run_case(dt, n, 3, GEN_SPD, 10, -1, 0, 0, 0);
        run_case(dt, 64, 2, GEN_SPD, 100, -1, 0, 1, 1);
        run_case(dt, 64, 3, GEN_INDEF, 0, -1, 1, 0, 0);
        run_case(dt, 64, 3, GEN_SPD, 10, 1, 3, 4, 1);
        for (size_t i = 0; i < sizeof layout_n / sizeof layout_n[0]; i++) {
            ptrdiff_t n = layout_n[i];
            for (int la = 0; la < UL_NLAYOUTS; la++)
                run_case(dt, n, 1 + la % 3, GEN_SPD, 100, -1, la, (la * 3 + 1) % UL_NLAYOUTS, la % 2);
            /* not positive definite at every position of a stack of 5 */
            for (ptrdiff_t s = 0; n > 0 && s < 5; s++)
                run_case(dt, n, 5, GEN_SPD, 10, s, (int)s, (int)(s + 2) % UL_NLAYOUTS, (int)s % 2);
            run_case(dt, n, 0, GEN_SPD, 10, -1, 1, 2, 0);       /* empty stack */
            for (int g = GEN_INDEF; g < NGEN; g++)
                run_case(dt, n, 2, g, 0, -1, g % UL_NLAYOUTS, (g + 5) % UL_NLAYOUTS, g % 2);
            run_case(dt, n, 2, GEN_SPD, single ? 1e3 : 1e8, -1, 5, 6, 1);
        }
    }
    return ul_test_done("test_cholesky_eigh");
}
