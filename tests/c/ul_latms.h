/*
 * ul_latms.h - test matrices in the spirit of LAPACK's dlatms/dlatb4
 * (the matrix types of its dchkge, dchkpo, ddrvst, ddrvbd): A = U diag(d) V^H
 * (or U diag(d) U^H for the Hermitian kinds) with U, V random unitary and
 * the singular values d by LAPACK's modes
 *   1: d = (1, 1/cond, ..., 1/cond)      2: d = (1, ..., 1, 1/cond)
 *   3: d_i = cond^-(i-1)/(n-1)           4: d_i = 1 - (i-1)/(n-1) (1 - 1/cond)
 *   5: d_i in [1/cond, 1], log-uniform at random,
 * then optionally scaled so that ||A|| is near overflow or near underflow
 * (dlatb4's LARGE and SMALL: 1/SMALL, SMALL = 0.25 safmin / eps of the
 * dtype), columns zeroed (first, last, middle: singular), graded
 * (D A D, D = diag(2^-i)) or banded (tridiagonal). Condition numbers go
 * up to 0.1/eps of the dtype, LAPACK's BADC2 (1e12 needs float64).
 */
#ifndef UL_LATMS_H
#define UL_LATMS_H

#include "ul_test.h"

enum { LT_GENERAL, LT_HERMITIAN, LT_HPD };              /* kind   */
enum { LT_NORMAL, LT_LARGE, LT_SMALL };                 /* scale  */
enum { LT_NONE, LT_ZERO_FIRST, LT_ZERO_LAST, LT_ZERO_MID, LT_GRADED, LT_BANDED };

typedef struct ul_mtype {
    int mode;          /* 1..5 */
    double cond;
    int scale;         /* LT_NORMAL, LT_LARGE, LT_SMALL */
    int shape;         /* LT_NONE ... LT_BANDED */
} ul_mtype;

/* The list: every mode at 1e1, 1e3, 1e6, 1e9, 1e12, then mode 3 at 1e3
   scaled both ways, with each zero column, graded and banded. */
static inline int ul_mtypes(ul_mtype *t, int cap)
{
    static const double conds[] = { 1e1, 1e3, 1e6, 1e9, 1e12 };
    int n = 0;
    for (int mode = 1; mode <= 5; mode++)
        for (int c = 0; c < 5 && n < cap; c++)
            t[n++] = (ul_mtype){ mode, conds[c], LT_NORMAL, LT_NONE };
    for (int s = LT_LARGE; s <= LT_SMALL && n < cap; s++)
        t[n++] = (ul_mtype){ 3, 1e3, s, LT_NONE };
    for (int sh = LT_ZERO_FIRST; sh <= LT_BANDED && n < cap; sh++)
        t[n++] = (ul_mtype){ 3, 1e3, LT_NORMAL, sh };
    return n;
}

/* 1 when the dtype can hold the condition (LAPACK's BADC2 = 0.1 / eps) */
static inline int ul_mtype_fits(const ul_mtype *t, const ul_dtype *dt)
{
    return t->cond <= 0.1 / dt->eps;
}

static inline int ul_mtype_singular(const ul_mtype *t)
{
    return t->shape >= LT_ZERO_FIRST && t->shape <= LT_ZERO_MID;
}

static inline const char *ul_mtype_name(const ul_mtype *t, char *buf, size_t len)
{
    static const char *const scales[] = { "", " near overflow", " near underflow" };
    static const char *const shapes[] = { "", " first column 0", " last column 0",
                                          " middle column 0", " graded", " banded" };
    snprintf(buf, len, "mode %d cond %.0e%s%s", t->mode, t->cond, scales[t->scale],
             shapes[t->shape]);
    return buf;
}

/* d[0..k) of mode t->mode, descending except mode 5 */
static inline void ul_latm1(double *d, ptrdiff_t k, const ul_mtype *t)
{
    for (ptrdiff_t i = 0; i < k; i++) {
        double f = k > 1 ? (double)i / (double)(k - 1) : 0;
        switch (t->mode) {
        case 1: d[i] = i == 0 ? 1 : 1 / t->cond; break;
        case 2: d[i] = i == k - 1 && k > 1 ? 1 / t->cond : 1; break;
        case 3: d[i] = pow(t->cond, -f); break;
        case 4: d[i] = 1 - f * (1 - 1 / t->cond); break;
        default: d[i] = exp(-log(t->cond) * fabs(ul_rand())); break;
        }
    }
}

/* a (m x n, column-major) of type t and kind for dtype dt */
static inline void ul_latms(double complex *a, ptrdiff_t m, ptrdiff_t n,
                            const ul_mtype *t, int kind, const ul_dtype *dt)
{
    ptrdiff_t k = m < n ? m : n;
    int c = dt->complex_;
    double *d = malloc(sizeof *d * (size_t)(k + 1));
    double complex *u = malloc(sizeof *u * (size_t)(m * m + n * n + m * n + 1));
    double complex *v = u + m * m, *w = v + n * n;
    ul_latm1(d, k, t);
    if (kind == LT_HERMITIAN)
        for (ptrdiff_t i = 0; i < k; i++)
            d[i] *= ul_rand() < 0 ? -1 : 1;
    ul_rand_unitary(u, m, c);
    if (kind == LT_GENERAL)
        ul_rand_unitary(v, n, c);
    else
        memcpy(v, u, sizeof *u * (size_t)(n * n));
    for (ptrdiff_t j = 0; j < n; j++)          /* w = diag(d) V^H, m x n */
        for (ptrdiff_t i = 0; i < m; i++)
            w[i + j * m] = i < k ? d[i] * conj(v[j + i * n]) : 0;
    ul_matmul(a, u, w, m, m, n);
    if (kind != LT_GENERAL)                    /* exactly Hermitian */
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i <= j; i++)
                a[i + j * m] = i == j ? creal(a[i + j * m]) : conj(a[j + i * m]);
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t i = 0; i < m; i++) {
            double complex *x = &a[i + j * m];
            int zc = (t->shape == LT_ZERO_FIRST && j == 0) ||
                     (t->shape == LT_ZERO_LAST && j == n - 1) ||
                     (t->shape == LT_ZERO_MID && j == n / 2);
            int zr = kind != LT_GENERAL && ((t->shape == LT_ZERO_FIRST && i == 0) ||
                     (t->shape == LT_ZERO_LAST && i == m - 1) ||
                     (t->shape == LT_ZERO_MID && i == m / 2));
            if (zc || zr || (t->shape == LT_BANDED && (i > j + 1 || j > i + 1)))
                *x = 0;
            if (t->shape == LT_GRADED)
                *x *= ldexp(1, -(int)(i + j));
        }
    if (t->scale != LT_NORMAL) {
        double tiny = dt->eps > 1e-10 ? FLT_MIN : DBL_MIN;
        double small = 0.25 * tiny / dt->eps, target = t->scale == LT_SMALL ? small : 1 / small;
        double an = ul_norm1(a, m, n);
        for (ptrdiff_t i = 0; an > 0 && i < m * n; i++)
            a[i] = a[i] / an * target;
    }
    free(d);
    free(u);
}

#endif
