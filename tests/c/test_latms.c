/*
 * Area: every family on LAPACK's matrix types (ul_latms.h): inv, solve,
 *   det (through slogdet's sign), cholesky_lo/up, eigh_lo/up, svd_n_s,
 *   qr_r_raw_n + qr_reduced, eig, lstsq, on the small kernels' sizes and
 *   LAPACK's, all four dtypes (eig: f d D).
 * Purpose: LAPACK's ratio tests, each < 30: dget03 (inv), dget02 (solve),
 *   dpot01 (cholesky), the Hermitian residual and orthogonality (eigh),
 *   dbdt01 / dort01 (svd), dqrt01's ||A - QR|| and ||I - Q^H Q|| (qr),
 *   ||A V - V W|| (eig), dqrt16 / dqrt17 (lstsq); singular types (a zero column) must give
 *   UL_ESINGULAR for inv, solve and cholesky, det 0.
 * Limitations: one matrix per call (the stack and stride machinery has
 *   its own tests).
 */
#include "eigh_test_util.h"
#include "ul_latms.h"

/* One operand of a call: rows x cols (ndim 2), a vector (ndim 1) or a
   scalar (ndim 0), its values column-major in v. */
typedef struct arg {
    int type, ndim;
    ptrdiff_t rows, cols;
    double complex *v;
} arg;

#define NRATIOS 10
static double worst[NRATIOS];
static const char *const RATIO_NAMES[NRATIOS] = { "inv", "solve", "cholesky", "eigh",
    "svd", "qr", "eig", "orthogonality", "lstsq residual", "lstsq normal" };

static size_t type_size(int type)
{
    return type == UL_INT32 ? 4 : ul_dtype_of(type)->size;
}

/* Runs row `name` on C-contiguous buffers filled from the inputs' v; the
   outputs' v receive the results, and input 0's too when `inout` (the
   input qr_r_raw overwrites). */
static int call1(const char *name, int nin, int nargs, arg *args, int inout)
{
    ul_operand ops[8];
    ptrdiff_t shape[8][2], strides[8][2];
    char *buf[8];
    for (int i = 0; i < nargs; i++) {
        arg *x = &args[i];
        size_t sz = type_size(x->type);
        buf[i] = malloc(sz * (size_t)(x->rows * x->cols) + 1);
        shape[i][0] = x->ndim == 2 ? x->rows : x->rows * x->cols;
        shape[i][1] = x->cols;
        strides[i][0] = x->ndim == 2 ? (ptrdiff_t)sz * x->cols : (ptrdiff_t)sz;
        strides[i][1] = (ptrdiff_t)sz;
        for (ptrdiff_t r = 0; i < nin && r < x->rows; r++)
            for (ptrdiff_t c = 0; c < x->cols; c++)
                ul_put(x->type, buf[i] + (r * x->cols + c) * (ptrdiff_t)sz,
                       x->v[r + c * x->rows]);
        ops[i] = (ul_operand){ buf[i], x->type, x->ndim, shape[i], strides[i] };
    }
    ul_call_info info;
    int rc = ul_gufunc_call(ul_test_gufunc(name), nargs, ops, &info);
    UL_CHECK(rc == UL_OK || rc == UL_ESINGULAR, "%s: %d %s", name, rc, info.message);
    for (int i = inout ? 0 : nin; i < nargs; i++) {
        arg *x = &args[i];
        size_t sz = type_size(x->type);
        for (ptrdiff_t r = 0; r < x->rows; r++)
            for (ptrdiff_t c = 0; c < x->cols; c++)
                x->v[r + c * x->rows] = ul_get(x->type, buf[i] + (r * x->cols + c) * (ptrdiff_t)sz);
    }
    for (int i = 0; i < nargs; i++)
        free(buf[i]);
    return rc;
}

/* a as the dtype stores it (the values the call reads) */
static void round_to(const ul_dtype *dt, double complex *a, ptrdiff_t n)
{
    char tmp[16];
    for (ptrdiff_t i = 0; i < n; i++) {
        ul_put(dt->type, tmp, a[i]);
        a[i] = ul_get(dt->type, tmp);
    }
}

static void note(int which, double ratio, const char *what)
{
    if (ratio > worst[which] || isnan(ratio))
        worst[which] = ratio;
    UL_CHECK(ratio < 30, "%s ratio %.3g: %s", RATIO_NAMES[which], ratio, what);
}

/* ||A - B||_1 / (k ||A||_1 eps), 0 when both are 0 */
static double diff_ratio(const double complex *a, const double complex *b, ptrdiff_t m,
                         ptrdiff_t n, ptrdiff_t k, double eps)
{
    double complex *d = malloc(sizeof *d * (size_t)(m * n + 1));
    for (ptrdiff_t i = 0; i < m * n; i++)
        d[i] = a[i] - b[i];
    double an = ul_norm1(a, m, n), dn = ul_norm1(d, m, n);
    free(d);
    return an > 0 ? dn / ((double)k * an * eps) : dn == 0 ? 0 : INFINITY;
}

static void run_lu(const ul_dtype *dt, const ul_mtype *t, ptrdiff_t n, const char *what)
{
    size_t nn = (size_t)(n * n + 1);
    double complex *a = malloc(sizeof *a * nn), *x = malloc(sizeof *x * nn),
                   *b = malloc(sizeof *b * nn), *s = malloc(sizeof *s * 4);
    ul_latms(a, n, n, t, LT_GENERAL, dt);
    round_to(dt, a, n * n);
    arg inv[2] = { { dt->type, 2, n, n, a }, { dt->type, 2, n, n, x } };
    int rc = call1("inv", 1, 2, inv, 0);
    if (ul_mtype_singular(t)) {
        UL_CHECK(rc == UL_ESINGULAR, "inv of a singular type: %d, %s", rc, what);
    } else if (rc == UL_OK) {
        double left, right;
        ul_inv_ratios(a, x, n, dt->eps, &left, &right);
        note(0, right, what);
    } else {
        UL_CHECK(0, "inv failed: %s", what);
    }
    ptrdiff_t nrhs = 2;
    for (ptrdiff_t i = 0; i < n * nrhs; i++)
        b[i] = ul_rnd(dt->complex_);
    round_to(dt, b, n * nrhs);
    arg solve[3] = { { dt->type, 2, n, n, a }, { dt->type, 2, n, nrhs, b },
                     { dt->type, 2, n, nrhs, x } };
    rc = call1("solve", 2, 3, solve, 0);
    if (ul_mtype_singular(t))
        UL_CHECK(rc == UL_ESINGULAR, "solve of a singular type: %d, %s", rc, what);
    else if (rc == UL_OK)
        note(1, ul_solve_ratio(a, x, b, n, nrhs, dt->eps), what);
    arg sl[3] = { { dt->type, 2, n, n, a }, { dt->type, 0, 1, 1, s },
                  { dt->real_type, 0, 1, 1, s + 1 } };
    call1("slogdet", 1, 3, sl, 0);
    if (ul_mtype_singular(t))
        UL_CHECK(s[0] == 0 && isinf(creal(s[1])) && creal(s[1]) < 0,
                 "slogdet of a singular type: %g, %g, %s", creal(s[0]), creal(s[1]), what);
    else
        UL_CHECK(fabs(cabs(s[0]) - 1) < 30 * dt->eps, "sign %g: %s", cabs(s[0]), what);
    free(a), free(x), free(b), free(s);
}

static void run_hermitian(const ul_dtype *dt, const ul_mtype *t, ptrdiff_t n, const char *what)
{
    size_t nn = (size_t)(n * n + 1);
    double complex *a = malloc(sizeof *a * nn), *r = malloc(sizeof *r * nn),
                   *w = malloc(sizeof *w * nn);
    double *wr = malloc(sizeof *wr * nn);
    for (int up = 0; up < 2; up++) {
        ul_latms(a, n, n, t, LT_HPD, dt);
        round_to(dt, a, n * n);
        arg ch[2] = { { dt->type, 2, n, n, a }, { dt->type, 2, n, n, r } };
        int rc = call1(NAMES[up], 1, 2, ch, 0);
        /* zero rows, banding and a condition near 1/eps may lose definiteness */
        int may_fail = ul_mtype_singular(t) || t->shape == LT_BANDED || t->cond * dt->eps > 1e-3;
        if (ul_mtype_singular(t))
            UL_CHECK(rc == UL_ESINGULAR, "%s of a singular type: %d, %s", NAMES[up], rc, what);
        else if (rc == UL_OK)
            note(2, chol_ratio(a, r, n, up ? 'U' : 'L', dt->eps), what);
        else
            UL_CHECK(may_fail, "%s failed: %s", NAMES[up], what);

        ul_latms(a, n, n, t, LT_HERMITIAN, dt);
        round_to(dt, a, n * n);
        arg eh[3] = { { dt->type, 2, n, n, a }, { dt->real_type, 1, n, 1, w },
                      { dt->type, 2, n, n, r } };
        rc = call1(NAMES[2 + up], 1, 3, eh, 0);
        UL_CHECK(rc == UL_OK, "%s: %d, %s", NAMES[2 + up], rc, what);
        for (ptrdiff_t i = 0; i < n; i++)
            wr[i] = creal(w[i]);
        double resid, orth;
        eigh_ratios(a, r, wr, n, dt->eps, &resid, &orth);
        note(3, resid, what);
        note(7, orth, what);
    }
    free(a), free(r), free(w), free(wr);
}

static void run_svd_qr(const ul_dtype *dt, const ul_mtype *t, ptrdiff_t m, ptrdiff_t n,
                       const char *what)
{
    size_t sz = (size_t)(m * m + n * n + m * n + 1);
    double complex *a = malloc(sizeof *a * sz), *u = malloc(sizeof *u * sz),
                   *s = malloc(sizeof *s * sz), *vh = malloc(sizeof *vh * sz),
                   *p = malloc(sizeof *p * sz);
    ul_latms(a, m, n, t, LT_GENERAL, dt);
    round_to(dt, a, m * n);
    arg sv[4] = { { dt->type, 2, m, n, a }, { dt->type, 2, m, n, u },
                  { dt->real_type, 1, n, 1, s }, { dt->type, 2, n, n, vh } };
    int rc = call1("svd_n_s", 1, 4, sv, 0);
    UL_CHECK(rc == UL_OK, "svd: %d, %s", rc, what);
    for (ptrdiff_t j = 0; j < n; j++)        /* p = U diag(s) */
        for (ptrdiff_t i = 0; i < m; i++)
            p[i + j * m] = u[i + j * m] * creal(s[j]);
    double complex *usv = malloc(sizeof *usv * sz);
    ul_matmul(usv, p, vh, m, n, n);
    note(4, diff_ratio(a, usv, m, n, m, dt->eps), what);
    note(7, ul_orth_ratio(u, m, n, dt->eps), what);
    note(7, ul_orth_ratio(vh, n, n, dt->eps), what);
    if (dt->type == UL_DOUBLE || dt->type == UL_CDOUBLE) {   /* qr: d and D */
        double complex *h = malloc(sizeof *h * sz);
        memcpy(h, a, sizeof *a * (size_t)(m * n));
        arg raw[2] = { { dt->type, 2, m, n, h }, { dt->type, 1, n, 1, s } };
        rc = call1("qr_r_raw_n", 1, 2, raw, 1);  /* h: R and the reflectors */
        UL_CHECK(rc == UL_OK, "qr_r_raw_n: %d, %s", rc, what);
        arg qr[3] = { { dt->type, 2, m, n, h }, { dt->type, 1, n, 1, s },
                      { dt->type, 2, m, n, u } };
        rc = call1("qr_reduced", 2, 3, qr, 0);
        UL_CHECK(rc == UL_OK, "qr_reduced: %d, %s", rc, what);
        for (ptrdiff_t j = 0; j < n; j++)       /* p = R, upper n x n */
            for (ptrdiff_t i = 0; i < n; i++)
                p[i + j * n] = i <= j ? h[i + j * m] : 0;
        ul_matmul(usv, u, p, m, n, n);
        note(5, diff_ratio(a, usv, m, n, m, dt->eps), what);
        note(7, ul_orth_ratio(u, m, n, dt->eps), what);
        free(h);
    }
    free(a), free(u), free(s), free(vh), free(p), free(usv);
}

static void run_eig(const ul_dtype *dt, const ul_mtype *t, ptrdiff_t n, const char *what)
{
    if (dt->type == UL_CFLOAT)
        return;                           /* numpy 1.24 has no F loop */
    size_t nn = (size_t)(n * n + 1);
    double complex *a = malloc(sizeof *a * nn), *v = malloc(sizeof *v * nn),
                   *w = malloc(sizeof *w * nn), *p = malloc(sizeof *p * nn);
    ul_latms(a, n, n, t, LT_GENERAL, dt);
    round_to(dt, a, n * n);
    int ct = dt->type == UL_FLOAT ? UL_CFLOAT : UL_CDOUBLE;
    arg e[3] = { { dt->type, 2, n, n, a }, { ct, 1, n, 1, w }, { ct, 2, n, n, v } };
    int rc = call1("eig", 1, 3, e, 0);
    UL_CHECK(rc == UL_OK, "eig: %d, %s", rc, what);
    ul_matmul(p, a, v, n, n, n);
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t i = 0; i < n; i++)
            p[i + j * n] -= v[i + j * n] * w[j];
    double an = ul_norm1(a, n, n), rn = ul_norm1(p, n, n);
    note(6, an > 0 ? rn / ((double)n * an * dt->eps) : rn == 0 ? 0 : INFINITY, what);
    free(a), free(v), free(w), free(p);
}

/* lstsq (lstsq_m / lstsq_n, numpy's default rcond eps * max(m, n)) on an
 * m x n type and two right-hand sides, LAPACK's dchkls ratios: dqrt16's
 * ||B - A X|| / (max(m, n) ||A|| ||X|| eps) where the system is consistent
 * (m <= n, rank m), and always dqrt17's ||R^H A|| for R = B - A X (the
 * residual is orthogonal to A's range), here over max(m, n, nrhs) ||A||
 * (||A|| ||X|| + ||B||) eps: a backward-stable X is exact for A + dA with
 * ||dA|| ~ eps ||A||, which leaves dA X in R (dqrt17's ||A|| ||B|| alone
 * grows with the condition). The rank is min(m, n) unless a zero column
 * makes it n - 1 < m (or grading, or a condition near 1 / eps, makes
 * singular values fall under rcond); at full rank and m > n the residuals output is
 * ||b_j - A x_j||^2 within the same bound. */
static void run_lstsq(const ul_dtype *dt, const ul_mtype *t, ptrdiff_t m, ptrdiff_t n,
                      const char *what0)
{
    const ptrdiff_t nrhs = 2, p = m < n ? m : n, mx = m > n ? m : n;
    size_t sz = (size_t)(m * n + m * nrhs + n * nrhs + mx + 8);
    double complex *a = malloc(sizeof *a * sz), *b = malloc(sizeof *b * sz),
                   *x = malloc(sizeof *x * sz), *r = malloc(sizeof *r * sz),
                   *ra = malloc(sizeof *ra * sz), *res = malloc(sizeof *res * sz),
                   *s = malloc(sizeof *s * sz), rc = dt->eps * (double)mx, rank;
    char what[200];
    snprintf(what, sizeof what, "%td x %td %s", m, n, what0);
    ul_latms(a, m, n, t, LT_GENERAL, dt);
    round_to(dt, a, m * n);
    for (ptrdiff_t i = 0; i < m * nrhs; i++)
        b[i] = ul_rnd(dt->complex_);
    round_to(dt, b, m * nrhs);
    arg ls[7] = { { dt->type, 2, m, n, a }, { dt->type, 2, m, nrhs, b },
                  { dt->real_type, 0, 1, 1, &rc }, { dt->type, 2, n, nrhs, x },
                  { dt->real_type, 1, nrhs, 1, res }, { UL_INT32, 0, 1, 1, &rank },
                  { dt->real_type, 1, p, 1, s } };
    call1(m <= n ? "lstsq_m" : "lstsq_n", 3, 7, ls, 0);
    const int full = !ul_mtype_singular(t) || m < n, well = t->cond * dt->eps < 1e-3 && t->shape != LT_GRADED;
    if (!full)
        UL_CHECK(creal(rank) == (double)(n - 1), "lstsq rank %g, not n - 1: %s",
                 creal(rank), what);
    else if (well)
        UL_CHECK(creal(rank) == (double)p, "lstsq rank %g of %td: %s", creal(rank), p, what);
    ul_matmul(r, a, x, m, n, nrhs);               /* r = B - A X */
    for (ptrdiff_t i = 0; i < m * nrhs; i++)
        r[i] = b[i] - r[i];
    const double an = ul_norm1(a, m, n), bn = ul_norm1(b, m, nrhs),
                 xn = ul_norm1(x, n, nrhs), rn = ul_norm1(r, m, nrhs);
    if (full && m <= n && creal(rank) == (double)p && an > 0)
        note(8, rn / ((double)mx * an * xn * dt->eps), what);
    for (ptrdiff_t j = 0; j < nrhs; j++)          /* ra = R^H A, nrhs x n */
        for (ptrdiff_t l = 0; l < n; l++) {
            double complex sum = 0;
            for (ptrdiff_t i = 0; i < m; i++)
                sum += conj(r[i + j * m]) * a[i + l * m];
            ra[j + l * nrhs] = sum;
        }
    const double scale = (double)(mx > nrhs ? mx : nrhs) * an * (an * xn + bn) * dt->eps;
    if (scale > 0)
        note(9, ul_norm1(ra, nrhs, n) / scale, what);
    for (ptrdiff_t j = 0; full && m > n && creal(rank) == (double)n && j < nrhs; j++) {
        double rr = 0;
        for (ptrdiff_t i = 0; i < m; i++)
            rr += creal(r[i + j * m] * conj(r[i + j * m]));
        UL_CHECK(fabs(creal(res[j]) - rr) <= 30 * (double)m * dt->eps * (an * xn + bn) * sqrt(rr),
                 "lstsq residual %d: %g, ||b - A x||^2 %g: %s", (int)j, creal(res[j]), rr, what);
    }
    free(a), free(b), free(x), free(r), free(ra), free(res), free(s);
}

int main(void)
{
    static const ptrdiff_t sizes[] = { 1, 2, 3, 4, 5, 8, 13, 16, 17, 24 };
    ul_mtype types[64];
    int nt = ul_mtypes(types, 64);
    char name[96], what[160];
    for (int d = 0; d < 4; d++) {
        const ul_dtype *dt = &UL_DTYPES[d];
        for (int k = 0; k < nt; k++) {
            if (!ul_mtype_fits(&types[k], dt))
                continue;
            for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
                ptrdiff_t n = sizes[s];
                snprintf(what, sizeof what, "%c n=%td %s", dt->ch, n,
                         ul_mtype_name(&types[k], name, sizeof name));
                run_lu(dt, &types[k], n, what);
                run_hermitian(dt, &types[k], n, what);
                run_svd_qr(dt, &types[k], n + n / 2, n, what);
                run_eig(dt, &types[k], n, what);
                run_lstsq(dt, &types[k], n + n / 2, n, what);
                run_lstsq(dt, &types[k], n, n + n / 2, what);
            }
        }
    }
    printf("worst ratios:");
    for (int i = 0; i < NRATIOS; i++)
        printf(" %s %.3g", RATIO_NAMES[i], worst[i]);
    printf("\n");
    return ul_test_done("test_latms");
}
