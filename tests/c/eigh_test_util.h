/*
 * eigh_test_util.h - shared by test_cholesky_eigh.c and
 * test_cholesky_eigh_calls.c: the six gufunc names, Hermitian generators
 * with a known spectrum, stack access, and LAPACK's ratios for Cholesky
 * (dpot01) and the Hermitian eigenproblem.
 */
#ifndef EIGH_TEST_UTIL_H
#define EIGH_TEST_UTIL_H

#include "ul_test.h"

static const char *const NAMES[6] = { "cholesky_lo", "cholesky_up", "eigh_lo",
                                      "eigh_up", "eigvalsh_lo", "eigvalsh_up" };

/* ---- generators: Hermitian a = Q diag(d) Q^H (column-major) ---- */
enum { GEN_SPD, GEN_INDEF, GEN_CLUSTER, GEN_DIAG, GEN_ZERO, GEN_IDENTITY,
       GEN_TINY, GEN_HUGE, NGEN };

static inline int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* a (n x n) of generator g, exactly Hermitian, real diagonal; its
 * spectrum d ascending in spec. */
static inline void generate(double complex *a, double *spec, ptrdiff_t n, int g,
                     double cond, const ul_dtype *dt)
{
    int c = dt->complex_;
    double scale = 1;
    if (g == GEN_TINY)
        scale = dt->eps > 1e-10 ? 1e-30 : 1e-290;
    if (g == GEN_HUGE)
        scale = (dt->eps > 1e-10 ? 1e30 : 1e290) / (double)(n ? n : 1);
    for (ptrdiff_t k = 0; k < n; k++) {
        double mag = 0.1 + 0.9 * fabs(ul_rand());
        switch (g) {
        case GEN_SPD: spec[k] = n > 1 ? pow(cond, -(double)k / (double)(n - 1)) : 1; break;
        case GEN_INDEF: spec[k] = k == 0 || ul_rand() < 0 ? -mag : mag; break;
        case GEN_CLUSTER: spec[k] = k % 3 ? 1 : -2; break;    /* repeated */
        case GEN_DIAG: spec[k] = mag; break;
        case GEN_ZERO: spec[k] = 0; break;
        case GEN_IDENTITY: spec[k] = 1; break;
        default: spec[k] = scale * pow(10, -(double)k / (double)(n > 1 ? n - 1 : 1)); break;
        }
    }
    if (g == GEN_DIAG || g == GEN_ZERO || g == GEN_IDENTITY) {
        memset(a, 0, sizeof *a * (size_t)(n * n));
        for (ptrdiff_t k = 0; k < n; k++)
            a[k * (n + 1)] = spec[k];
    } else {
        double complex *q = malloc(sizeof *q * (size_t)(n * n + 1));
        ul_rand_unitary(q, n, c);
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = j; i < n; i++) {
                long double complex s = 0;
                for (ptrdiff_t k = 0; k < n; k++)
                    s += (long double complex)q[i + k * n] * spec[k] * conj(q[j + k * n]);
                a[i + j * n] = i == j ? creal((double complex)s) : (double complex)s;
                a[j + i * n] = conj(a[i + j * n]);
            }
        free(q);
    }
    qsort(spec, (size_t)n, sizeof *spec, cmp_double);
}

/* Writes a; uplo 'L' / 'U' puts NaN in the strict triangle that the _lo /
 * _up loops must not read, 0 writes all of a. */
static inline void write_input(ul_layout *L, int type, ptrdiff_t k, ptrdiff_t n,
                        const double complex *a, char uplo)
{
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t i = 0; i < n; i++) {
            int unread = (uplo == 'L' && i < j) || (uplo == 'U' && i > j);
            ul_put(type, ul_at(L, k, i, j), unread ? CMPLX(NAN, NAN) : a[i + j * n]);
        }
}

/* The Hermitian matrix a loop sees: the uplo triangle of matrix k as
 * stored (rounded to the dtype), mirrored. */
static inline void seen_matrix(const ul_layout *L, int type, ptrdiff_t k, ptrdiff_t n,
                        char uplo, double complex *h)
{
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t i = 0; i < n; i++) {
            int take = uplo == 'L' ? i >= j : i <= j;
            double complex v = ul_get(type, take ? ul_at(L, k, i, j) : ul_at(L, k, j, i));
            h[i + j * n] = take ? v : conj(v);
            if (i == j)
                h[i + j * n] = creal(v);    /* LAPACK ignores Im a_ii */
        }
}

static inline int all_nan(const ul_layout *L, int type, ptrdiff_t k, ptrdiff_t rows,
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

/* ---- ratios ---- */
/* dpot01: ||A - F^H F||_1 / (n ||A||_1 eps) with F = R^H (lo) or R (up) */
static inline double chol_ratio(const double complex *h, const double complex *r,
                         ptrdiff_t n, char uplo, double eps)
{
    double complex *rh = malloc(sizeof *rh * (size_t)(n * n)), *p = malloc(sizeof *p * (size_t)(n * n));
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t i = 0; i < n; i++)
            rh[i + j * n] = conj(r[j + i * n]);
    if (uplo == 'L')
        ul_matmul(p, r, rh, n, n, n);      /* L L^H */
    else
        ul_matmul(p, rh, r, n, n, n);      /* U^H U */
    for (ptrdiff_t i = 0; i < n * n; i++)
        p[i] = h[i] - p[i];
    double an = ul_norm1(h, n, n), ratio = ul_norm1(p, n, n) / ((double)n * an * eps);
    free(rh);
    free(p);
    return ratio;
}

/* ||A V - V diag(w)||_1 / (n ||A||_1 eps), and ||I - V^H V||_1 / (n eps) */
static inline void eigh_ratios(const double complex *h, const double complex *v,
                        const double *w, ptrdiff_t n, double eps,
                        double *resid, double *orth)
{
    double complex *p = malloc(sizeof *p * (size_t)(n * n));
    ul_matmul(p, h, v, n, n, n);
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t i = 0; i < n; i++)
            p[i + j * n] -= v[i + j * n] * w[j];
    double an = ul_norm1(h, n, n), rn = ul_norm1(p, n, n);
    *resid = an > 0 ? rn / ((double)n * an * eps) : rn == 0 ? 0 : INFINITY;
    *orth = ul_orth_ratio(v, n, n, eps);
    free(p);
}

/* |w1 - w2| / (n eps max|w1|) over the vector (0 when both are 0) */
static inline double w_ratio(const double *w1, const double *w2, ptrdiff_t n, double eps)
{
    double big = 0, diff = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        big = fmax(big, fabs(w1[i]));
        diff = fmax(diff, fabs(w1[i] - w2[i]));
        if (isnan(w1[i]) || isnan(w2[i]))
            return INFINITY;
    }
    return big > 0 ? diff / ((double)n * eps * big) : diff == 0 ? 0 : INFINITY;
}

#endif
