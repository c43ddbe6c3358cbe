/*
 * fuzz_ref.h - results against LAPACK called directly (complex128, on
 * the very values the call read) for well-conditioned inputs (FZ_WELL:
 * diagonally dominant Hermitian square cores): inv, solve, solve1, det,
 * slogdet, cholesky_lo/up, eigvalsh_lo/up, and matmul against a plain loop.
 * Every output matrix must be within 100 m eps (of its dtype) of the
 * reference, normwise.
 */
#ifndef FUZZ_REF_H
#define FUZZ_REF_H

#include "fuzz_ops.h"
#include <float.h>
#include <math.h>

void zgesv_(const int *n, const int *nrhs, double complex *a, const int *lda,
            int *ipiv, double complex *b, const int *ldb, int *info);
void zgetrf_(const int *m, const int *n, double complex *a, const int *lda,
             int *ipiv, int *info);
void zpotrf_(const char *uplo, const int *n, double complex *a, const int *lda,
             int *info);
void zheev_(const char *jobz, const char *uplo, const int *n, double complex *a,
            const int *lda, double *w, double complex *work, const int *lwork,
            double *rwork, int *info);

/* Address of core element `core` of operand i for the outer index o[no]
   of the broadcast shape (right-aligned, size-1 axes broadcast). */
static inline const char *fz_at(const fz_call *c, int i, const ptrdiff_t *o,
                                int no, const ptrdiff_t *core)
{
    const fz_operand *op = &c->op[i];
    int nc = c->sig->ncore[i], ni = op->ndim - nc;
    ptrdiff_t off = 0;
    for (int a = 0; a < ni; a++)
        off += (op->shape[a] == 1 ? 0 : o[no - ni + a]) * op->strides[a];
    for (int k = 0; k < nc; k++)
        off += core[k] * op->strides[ni + k];
    return op->data + off;
}

/* rows x cols core (1 or 2 dims) of operand i into column-major a */
static inline void fz_read(const fz_call *c, int i, const ptrdiff_t *o, int no,
                           ptrdiff_t rows, ptrdiff_t cols, double complex *a)
{
    for (ptrdiff_t r = 0; r < rows; r++)
        for (ptrdiff_t q = 0; q < cols; q++) {
            ptrdiff_t core[2] = { r, q };
            if (c->sig->ncore[i] == 1)
                core[0] = r + q;            /* a vector: one of them is 0 */
            a[r + q * rows] = fz_get(c->op[i].type, fz_at(c, i, o, no, core));
        }
}

static inline double fz_maxabs(const double complex *a, ptrdiff_t n)
{
    double m = 0;
    for (ptrdiff_t k = 0; k < n; k++)
        m = fmax(m, cabs(a[k]));
    return m;
}

static inline void fz_compare(const fz_call *c, const char *what, const double complex *got,
                              const double complex *ref, ptrdiff_t n, double tol)
{
    double scale = fmax(1.0, fz_maxabs(ref, n));
    for (ptrdiff_t k = 0; k < n; k++)
        FZ_ASSERT(cabs(got[k] - ref[k]) <= tol * scale,
                  "%s %s (type %d): element %td is %g%+gi, LAPACK says %g%+gi", c->g->name,
                  what, c->op[0].type, k, creal(got[k]), cimag(got[k]),
                  creal(ref[k]), cimag(ref[k]));
}

/* One output matrix per outer index, against its reference. */
static inline void fz_ref_one(const fz_call *c, const ptrdiff_t *o, int no,
                              double complex *a, double complex *b,
                              double complex *got, double complex *w)
{
    const char *name = c->g->name;
    const fz_operand *a0 = &c->op[0];
    int nd = a0->ndim, info = 0;
    ptrdiff_t m = a0->shape[nd - 2], n = a0->shape[nd - 1];
    int im = (int)m, ipiv[64];
    double eps = (a0->type == UL_FLOAT || a0->type == UL_CFLOAT) ? FLT_EPSILON : DBL_EPSILON;
    double tol = 100.0 * (double)(m > n ? m : n) * eps;
    int nin = c->g->nin;
    fz_read(c, 0, o, no, m, n, a);
    if (!strcmp(name, "inv") || !strcmp(name, "solve") || !strcmp(name, "solve1")) {
        ptrdiff_t nrhs = m;
        if (!strcmp(name, "inv")) {
            for (ptrdiff_t k = 0; k < m * m; k++)
                b[k] = k % (m + 1) == 0;
        } else {
            const fz_operand *b1 = &c->op[1];
            nrhs = c->sig->ncore[1] == 2 ? b1->shape[b1->ndim - 1] : 1;
            fz_read(c, 1, o, no, m, nrhs, b);
        }
        int inr = (int)nrhs, ld = im ? im : 1;
        zgesv_(&im, &inr, a, &ld, ipiv, b, &ld, &info);
        FZ_ASSERT(info == 0, "zgesv info %d", info);
        fz_read(c, nin, o, no, m, nrhs, got);
        fz_compare(c, "x", got, b, m * nrhs, tol);
    } else if (!strcmp(name, "det") || !strcmp(name, "slogdet")) {
        int ld = im ? im : 1;
        zgetrf_(&im, &im, a, &ld, ipiv, &info);
        FZ_ASSERT(info == 0, "zgetrf info %d", info);
        double complex sign = 1;
        double logdet = 0;
        for (int k = 0; k < im; k++) {
            double complex d = a[k + k * m];
            sign *= (ipiv[k] != k + 1 ? -1 : 1) * d / cabs(d);
            logdet += log(cabs(d));
        }
        fz_read(c, nin, o, no, 1, 1, got);
        if (name[0] == 'd') {
            double complex ref = sign * exp(logdet);
            if (eps == FLT_EPSILON && logdet > 88)
                return;                      /* beyond float32's range */
            fz_compare(c, "det", got, &ref, 1, tol);
        } else {
            fz_read(c, nin + 1, o, no, 1, 1, got + 1);
            fz_compare(c, "sign", got, &sign, 1, tol);
            double complex ld1 = logdet;
            fz_compare(c, "logdet", got + 1, &ld1, 1, tol);
        }
    } else if (!strncmp(name, "cholesky_", 9)) {
        char uplo = name[9] == 'l' ? 'L' : 'U';
        int ld = im ? im : 1;
        zpotrf_(&uplo, &im, a, &ld, &info);
        FZ_ASSERT(info == 0, "zpotrf info %d", info);
        for (ptrdiff_t q = 0; q < m; q++)
            for (ptrdiff_t r = 0; r < m; r++)
                if (uplo == 'L' ? r < q : r > q)
                    a[r + q * m] = 0;
        fz_read(c, nin, o, no, m, m, got);
        fz_compare(c, "factor", got, a, m * m, tol);
    } else if (!strncmp(name, "eigvalsh_", 9)) {
        int ld = im ? im : 1, lwork = 64 * ld;
        double rw[3 * 64], ev[64];
        zheev_("N", name[9] == 'l' ? "L" : "U", &im, a, &ld, ev, w, &lwork, rw, &info);
        FZ_ASSERT(info == 0, "zheev info %d", info);
        for (int k = 0; k < im; k++)
            b[k] = ev[k];
        fz_read(c, nin, o, no, m, 1, got);
        fz_compare(c, "eigenvalues", got, b, m, tol);
    } else if (!strcmp(name, "matmul")) {
        const fz_operand *b1 = &c->op[1];
        ptrdiff_t p = b1->shape[b1->ndim - 1];
        fz_read(c, 1, o, no, n, p, b);
        for (ptrdiff_t r = 0; r < m; r++)
            for (ptrdiff_t q = 0; q < p; q++) {
                double complex s = 0;
                for (ptrdiff_t k = 0; k < n; k++)
                    s += a[r + k * m] * b[k + q * n];
                w[r + q * m] = s;
            }
        fz_read(c, nin, o, no, m, p, got);
        fz_compare(c, "product", got, w, m * p, tol);
    }
}

static inline int fz_ref_known(const char *name)
{
    static const char *const names[] = { "inv", "solve", "solve1", "det", "slogdet",
        "cholesky_lo", "cholesky_up", "eigvalsh_lo", "eigvalsh_up", "matmul" };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (!strcmp(name, names[k]))
            return 1;
    return 0;
}

/* After a clean successful call on FZ_WELL values: every outer index. */
static inline void fz_ref_check(const fz_call *c)
{
    if (c->g == NULL || c->values != FZ_WELL || c->mutated || !fz_ref_known(c->g->name))
        return;
    for (int d = 0; d < c->sig->ndims; d++)
        if (c->dropped[d])
            return;                          /* matmul with a vector */
    const fz_operand *out = &c->op[c->g->nin];
    const fz_operand *a0 = &c->op[0];
    if (a0->ndim < 2 || a0->shape[a0->ndim - 1] > 64 || a0->shape[a0->ndim - 2] > 64)
        return;
    for (int i = 0; i < c->nargs; i++)
        if (c->op[i].overlap)
            return;       /* elements share bytes: not the matrix written */
    if (!strcmp(c->g->name, "matmul") && c->op[1].shape[c->op[1].ndim - 1] > 64)
        return;
    int no = out->ndim - c->sig->ncore[c->g->nin];
    ptrdiff_t count = 1, o[UL_MAX_CORE] = { 0 };
    for (int a = 0; a < no; a++)
        count *= out->shape[a];
    size_t sz = sizeof(double complex) * 64 * 64;
    double complex *a = malloc(sz), *b = malloc(sz), *got = malloc(sz), *w = malloc(sz);
    for (ptrdiff_t e = 0; e < count; e++) {
        fz_ref_one(c, o, no, a, b, got, w);
        for (int k = no - 1; k >= 0 && ++o[k] == out->shape[k]; k--)
            o[k] = 0;
    }
    free(a), free(b), free(got), free(w);
}

#endif
