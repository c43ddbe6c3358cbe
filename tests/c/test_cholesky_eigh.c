/*
 * Area: cholesky_lo, cholesky_up, eigh_lo, eigh_up, eigvalsh_lo,
 *   eigvalsh_up through the table and the driver, and as raw loops.
 * Purpose: LAPACK's test ratios, each below 30: Cholesky (dpot01)
 *   ||A - L L^H||_1 / (n ||A||_1 eps) (U^H U for _up) with the other
 *   strict triangle exactly +0 and a real positive diagonal; eigh
 *   ||A V - V diag(w)||_1 / (n ||A||_1 eps) and ||I - V^H V||_1 / (n eps),
 *   w ascending and next to the spectrum built in, eigvalsh's w against
 *   eigh's |w1 - w2| / (n eps max|w|). All four dtypes, n = 0..33 and 64,
 *   eight stride layouts (negative, padded, zero strides) for the input and
 *   the outputs, buffer gaps untouched, the input unchanged; the triangle a
 *   loop must not read filled with NaN; spectra positive, indefinite,
 *   clustered/repeated, diagonal, zero, identity, near underflow/overflow; a
 *   broadcast input (outer step 0); a matrix that is not positive definite
 *   at every stack position (NaN, count and first index reported, the rest
 *   computed); eigh on an all-NaN matrix inside a stack; the FE_INVALID
 *   protocol of raw loop calls; m = 0 and empty stacks write nothing; no
 *   workspace: UL_ENOMEM, NaN outputs, FE_INVALID.
 * References: the spectra and unitary factors are built here; residuals in
 *   long double.
 */
#include "ul_test.h"
#include <fenv.h>

static const char *const NAMES[6] = { "cholesky_lo", "cholesky_up", "eigh_lo",
                                      "eigh_up", "eigvalsh_lo", "eigvalsh_up" };

static const ul_gufunc *G(const char *name)
{
    const ul_gufunc *g = ul_gufunc_find(name);
    if (g == NULL) {
        fprintf(stderr, "gufunc %s missing from the table\n", name);
        exit(2);
    }
    return g;
}

/* ---- generators: Hermitian a = Q diag(d) Q^H (column-major) ---- */
enum { GEN_SPD, GEN_INDEF, GEN_CLUSTER, GEN_DIAG, GEN_ZERO, GEN_IDENTITY,
       GEN_TINY, GEN_HUGE, NGEN };
static const char *gen_names[NGEN] = { "spd", "indefinite", "clustered", "diagonal",
                                       "zero", "identity", "tiny", "huge" };

static double complex rnd(int cplx)
{
    return cplx ? CMPLX(ul_rand(), ul_rand()) : ul_rand();
}

/* random unitary (orthogonal) Q by modified Gram-Schmidt */
static void rand_unitary(double complex *q, ptrdiff_t n, int cplx)
{
    for (ptrdiff_t i = 0; i < n * n; i++)
        q[i] = rnd(cplx);
    for (ptrdiff_t j = 0; j < n; j++) {
        for (ptrdiff_t k = 0; k < j; k++) {
            double complex d = 0;
            for (ptrdiff_t i = 0; i < n; i++) d += conj(q[i + k * n]) * q[i + j * n];
            for (ptrdiff_t i = 0; i < n; i++) q[i + j * n] -= d * q[i + k * n];
        }
        double nr = 0;
        for (ptrdiff_t i = 0; i < n; i++) nr += creal(q[i + j * n] * conj(q[i + j * n]));
        nr = sqrt(nr);
        for (ptrdiff_t i = 0; i < n; i++) q[i + j * n] /= nr;
    }
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* a (n x n) of generator g, exactly Hermitian, real diagonal; its
 * spectrum d ascending in spec. */
static void generate(double complex *a, double *spec, ptrdiff_t n, int g,
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
        rand_unitary(q, n, c);
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

/* ---- stack access ---- */
static void read_matrix(const ul_layout *L, int type, ptrdiff_t k, ptrdiff_t rows,
                        ptrdiff_t cols, double complex *a)
{
    for (ptrdiff_t j = 0; j < cols; j++)
        for (ptrdiff_t i = 0; i < rows; i++)
            a[i + j * rows] = ul_get(type, ul_at(L, k, i, j));
}

/* Writes a; uplo 'L' / 'U' puts NaN in the strict triangle that the _lo /
 * _up loops must not read, 0 writes all of a. */
static void write_input(ul_layout *L, int type, ptrdiff_t k, ptrdiff_t n,
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
static void seen_matrix(const ul_layout *L, int type, ptrdiff_t k, ptrdiff_t n,
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

/* ---- ratios ---- */
/* dpot01: ||A - F^H F||_1 / (n ||A||_1 eps) with F = R^H (lo) or R (up) */
static double chol_ratio(const double complex *h, const double complex *r,
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
static void eigh_ratios(const double complex *h, const double complex *v,
                        const double *w, ptrdiff_t n, double eps,
                        double *resid, double *orth)
{
    double complex *p = malloc(sizeof *p * (size_t)(n * n)), *vh = malloc(sizeof *vh * (size_t)(n * n));
    ul_matmul(p, h, v, n, n, n);
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t i = 0; i < n; i++)
            p[i + j * n] -= v[i + j * n] * w[j];
    double an = ul_norm1(h, n, n), rn = ul_norm1(p, n, n);
    *resid = an > 0 ? rn / ((double)n * an * eps) : rn == 0 ? 0 : INFINITY;
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t i = 0; i < n; i++)
            vh[i + j * n] = conj(v[j + i * n]);
    ul_matmul(p, vh, v, n, n, n);
    for (ptrdiff_t i = 0; i < n; i++)
        p[i * (n + 1)] -= 1;
    *orth = ul_norm1(p, n, n) / ((double)n * eps);
    free(p);
    free(vh);
}

/* |w1 - w2| / (n eps max|w1|) over the vector (0 when both are 0) */
static double w_ratio(const double *w1, const double *w2, ptrdiff_t n, double eps)
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
        int rc = ul_gufunc_call(G(NAMES[f]), nops, ops, &info);
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
                read_matrix(&V, t, k, n, n, r);
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
                read_matrix(&V, t, k, n, n, r);
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

/* One matrix broadcast to a stack of 3 (outer stride 0, as numpy's
 * broadcast_to): every output the same bits as the single call's. */
static void test_broadcast(const ul_dtype *dt, ptrdiff_t n)
{
    int t = dt->type, rt = dt->real_type;
    size_t rsize = dt->complex_ ? dt->size / 2 : dt->size;
    double complex *a = malloc(sizeof *a * (size_t)(n * n));
    double *spec = malloc(sizeof *spec * (size_t)n);
    generate(a, spec, n, GEN_SPD, 10, dt);
    ul_layout A = ul_layout_new(0, 1, n, n, dt->size);
    write_input(&A, t, 0, n, a, 0);
    for (int f = 0; f < 6; f++) {
        int chol = f < 2, vec = f < 4;
        ul_layout W[2], V[2];
        for (int b = 0; b < 2; b++) {      /* b = 1: the broadcast call */
            ptrdiff_t count = b ? 3 : 1;
            W[b] = ul_layout_new(0, count, n, 1, chol ? dt->size : rsize);
            V[b] = ul_layout_new(0, count, n, n, dt->size);
            ul_operand ops[3];
            int nops = 0;
            ptrdiff_t shape[3] = { count, n, n }, st[3] = { 0, A.strides[1], A.strides[2] };
            ops[nops++] = (ul_operand){ A.base, t, 3, shape, st };
            if (!chol)
                ops[nops++] = ul_layout_operand(&W[b], rt, 2);
            if (vec)
                ops[nops++] = ul_layout_operand(&V[b], t, 3);
            ul_call_info info;
            int rc = ul_gufunc_call(G(NAMES[f]), nops, ops, &info);
            UL_CHECK(rc == UL_OK && info.outer_size == count, "%s broadcast rc %d (%s) %c n=%td",
                     NAMES[f], rc, info.message, dt->ch, n);
        }
        int same = 1;
        for (ptrdiff_t k = 0; k < 3; k++)
            for (ptrdiff_t i = 0; i < n; i++) {
                if (!chol)
                    same &= memcmp(ul_at(&W[1], k, i, 0), ul_at(&W[0], 0, i, 0), rsize) == 0;
                for (ptrdiff_t j = 0; j < n && vec; j++)
                    same &= memcmp(ul_at(&V[1], k, i, j), ul_at(&V[0], 0, i, j), dt->size) == 0;
            }
        UL_CHECK(same, "%s: broadcast outputs differ from the single call %c n=%td", NAMES[f], dt->ch, n);
        for (int b = 0; b < 2; b++) {
            free(W[b].buf);
            free(V[b].buf);
        }
    }
    free(A.buf); free(a); free(spec);
}

/* eigh on [A, all NaN, B]: the NaN matrix's outputs NaN (LAPACK fails on
 * it here: reported, as numpy raises), A and B computed. */
static void test_nan_matrix(const ul_dtype *dt)
{
    const ptrdiff_t n = 5;
    int t = dt->type, rt = dt->real_type;
    size_t rsize = dt->complex_ ? dt->size / 2 : dt->size;
    double complex a[25], h[25], v[25];
    double spec[5], w[5];
    ul_layout A = ul_layout_new(0, 3, n, n, dt->size);
    for (ptrdiff_t k = 0; k < 3; k++) {
        generate(a, spec, n, GEN_INDEF, 0, dt);
        if (k == 1)
            for (int i = 0; i < 25; i++)
                a[i] = CMPLX(NAN, dt->complex_ ? NAN : 0);
        write_input(&A, t, k, n, a, 0);
    }
    for (int f = 2; f < 6; f++) {
        int vec = f < 4;
        ul_layout W = ul_layout_new(0, 3, n, 1, rsize), V = ul_layout_new(0, 3, n, n, dt->size);
        ul_operand ops[3] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&W, rt, 2),
                              ul_layout_operand(&V, t, 3) };
        ul_call_info info;
        int rc = ul_gufunc_call(G(NAMES[f]), vec ? 3 : 2, ops, &info);
        UL_CHECK(rc == UL_ESINGULAR && info.nfailed == 1 && info.first_failed == 1,
                 "%s on an all-NaN matrix: rc %d report %td/%td %c", NAMES[f], rc,
                 info.nfailed, info.first_failed, dt->ch);
        UL_CHECK(all_nan(&W, rt, 1, n, 1) && (!vec || all_nan(&V, t, 1, n, n)),
                 "%s: NaN matrix's outputs not NaN %c", NAMES[f], dt->ch);
        for (ptrdiff_t k = 0; k < 3; k += 2) {
            seen_matrix(&A, t, k, n, f % 2 ? 'U' : 'L', h);
            for (ptrdiff_t i = 0; i < n; i++)
                w[i] = creal(ul_get(rt, ul_at(&W, k, i, 0)));
            double resid = 0, orth = 0;
            if (vec) {
                read_matrix(&V, t, k, n, n, v);
                eigh_ratios(h, v, w, n, dt->eps, &resid, &orth);
            }
            UL_CHECK(!isnan(w[0]) && resid < 30 && orth < 30, "%s beside a NaN matrix k=%td: %.3g %.3g %c",
                     NAMES[f], k, resid, orth, dt->ch);
        }
        free(W.buf);
        free(V.buf);
    }
    free(A.buf);
}

/* Raw loop calls (numpy's route, data NULL or a report): FE_INVALID after
 * a failure, all flags cleared after success, a prior FE_INVALID kept;
 * m = 0 and N = 0 with NULL pointers touch nothing. */
static void test_fp_protocol(void)
{
    double a[2][2][2] = { { { 4, 0 }, { 2, 9 } }, { { -1, 0 }, { 0, 1 } } };
    double out[2][2][2], w[2][2];
    ptrdiff_t dims[2] = { 2, 2 }, steps[6] = { 32, 32, 16, 8, 16, 8 };
    char *args[2] = { (char *)a, (char *)out };
    ul_loop lo = G("cholesky_lo")->funcs[1], up = G("cholesky_up")->funcs[1];
    ul_loop eig = G("eigh_lo")->funcs[1], vals = G("eigvalsh_up")->funcs[1];
    feclearexcept(FE_ALL_EXCEPT);
    lo(args, dims, steps, NULL);
    UL_CHECK(fetestexcept(FE_INVALID), "not positive definite: FE_INVALID");
    UL_CHECK(out[0][0][0] == 2 && out[0][0][1] == 0 && out[0][1][0] == 1 &&
             out[0][1][1] == sqrt(8.0) && isnan(out[1][0][0]) && isnan(out[1][0][1]) &&
             isnan(out[1][1][1]), "cholesky_lo of [A, -1] wrong");
    ul_loop_report rep = { 99, 99, 99 };
    up(args, dims, steps, &rep);
    UL_CHECK(rep.nfailed == 1 && rep.first_failed == 1 && rep.status == UL_OK,
             "report %td %td %d", rep.nfailed, rep.first_failed, rep.status);
    /* _up reads the upper triangle: a[0] there is [[4, 0], [., 9]] */
    UL_CHECK(out[0][0][0] == 2 && out[0][0][1] == 0 && out[0][1][0] == 0 && out[0][1][1] == 3,
             "cholesky_up reads the upper triangle");
    dims[0] = 1;
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);      /* an MXCSR flag, like LAPACK's */
    lo(args, dims, steps, NULL);
    UL_CHECK(!fetestexcept(FE_ALL_EXCEPT), "good cholesky must clear all flags");
    feraiseexcept(FE_INVALID);
    lo(args, dims, steps, NULL);
    UL_CHECK(fetestexcept(FE_INVALID), "a prior FE_INVALID is kept");
    /* eigh: {a, w, v, a_r, a_c, w_r, v_r, v_c} */
    ptrdiff_t esteps[8] = { 32, 16, 32, 16, 8, 8, 16, 8 };
    char *eargs[3] = { (char *)a, (char *)w, (char *)out };
    dims[0] = 2;
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    eig(eargs, dims, esteps, NULL);
    UL_CHECK(!fetestexcept(FE_ALL_EXCEPT), "eigh must clear all flags");
    /* eigh_lo reads [[4, 2], [2, 9]]; eigvalsh_up [[4, 0], [0, 9]] */
    UL_CHECK(w[1][0] == -1 && w[1][1] == 1 && fabs(w[0][0] - (13 - sqrt(41.0)) / 2) < 1e-14 &&
             fabs(w[0][1] - (13 + sqrt(41.0)) / 2) < 1e-14,
             "eigh_lo: %g %g, %g %g", w[0][0], w[0][1], w[1][0], w[1][1]);
    ptrdiff_t vsteps[5] = { 32, 16, 16, 8, 8 };
    vals(eargs, dims, vsteps, NULL);
    UL_CHECK(w[1][0] == -1 && w[1][1] == 1 && w[0][0] == 4 && w[0][1] == 9,
             "eigvalsh_up: %g %g", w[0][0], w[0][1]);
    /* m = 0 (pointers NULL), N = 0: nothing read or written */
    char *nulls[3] = { NULL, NULL, NULL };
    ptrdiff_t d0[2] = { 3, 0 }, dn[2] = { 0, 4 };
    lo(nulls, d0, steps, NULL);
    eig(nulls, d0, esteps, NULL);
    vals(nulls, dn, vsteps, NULL);
    up(nulls, dn, steps, NULL);
    UL_CHECK(!fetestexcept(FE_INVALID), "empty calls raise nothing");
    feclearexcept(FE_ALL_EXCEPT);
}

/* ---- allocation failure ---- */
static long allocs;
static int failing;

static void *test_malloc(size_t len)
{
    allocs++;
    return failing ? NULL : malloc(len);
}

/* n = 40: the workspace is on the heap, so the call fails: UL_ENOMEM,
 * NaN outputs, FE_INVALID from the raw loop. n = 3: it fits the loop's
 * stack buffer; no allocation, computed. */
static void test_enomem(void)
{
    UL_CHECK(ul_set_allocator(test_malloc, free) == UL_OK, "allocator");
    for (int pass = 0; pass < 2; pass++) {
        const ptrdiff_t n = pass ? 3 : 40;
        double *a = malloc(sizeof(double) * (size_t)(n * n)), *v = malloc(sizeof(double) * (size_t)(n * n));
        double *w = malloc(sizeof(double) * (size_t)n);
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i < n; i++)
                a[i + j * n] = i == j ? (double)n : 1.0 / (double)(1 + i + j);
        ptrdiff_t s[2] = { n, n }, st[2] = { 8 * n, 8 }, sw[1] = { n }, stw[1] = { 8 };
        for (int f = 0; f < 6; f++) {
            int chol = f < 2, vec = f < 4;
            ul_operand ops[3];
            int nops = 0;
            ops[nops++] = (ul_operand){ (char *)a, UL_DOUBLE, 2, s, st };
            if (!chol)
                ops[nops++] = (ul_operand){ (char *)w, UL_DOUBLE, 1, sw, stw };
            if (vec)
                ops[nops++] = (ul_operand){ (char *)v, UL_DOUBLE, 2, s, st };
            w[0] = v[0] = v[n * n - 1] = 7;
            ul_call_info info;
            failing = 1;
            allocs = 0;
            int rc = ul_gufunc_call(G(NAMES[f]), nops, ops, &info);
            if (pass == 0) {
                UL_CHECK(rc == UL_ENOMEM && info.status == UL_ENOMEM && strstr(info.message, "no memory") &&
                         (chol || isnan(w[0])) && (!vec || (isnan(v[0]) && isnan(v[n * n - 1]))),
                         "%s n=40 without workspace: rc %d (%s)", NAMES[f], rc, info.message);
                ul_loop fn = G(NAMES[f])->funcs[1];
                char *args[3] = { (char *)a, chol ? (char *)v : (char *)w, (char *)v };
                ptrdiff_t dims[2] = { 1, n };
                ptrdiff_t steps[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };
                ptrdiff_t *core = steps + nops;
                core[0] = 8 * n; core[1] = 8;
                if (chol) { core[2] = 8 * n; core[3] = 8; }
                else { core[2] = 8; if (vec) { core[3] = 8 * n; core[4] = 8; } }
                feclearexcept(FE_ALL_EXCEPT);
                fn(args, dims, steps, NULL);
                UL_CHECK(fetestexcept(FE_INVALID), "%s raw loop without workspace: no FE_INVALID", NAMES[f]);
                feclearexcept(FE_ALL_EXCEPT);
            } else {
                UL_CHECK(rc == UL_OK && allocs == 0 && !isnan(v[0]), "%s n=3: rc %d, %ld allocations",
                         NAMES[f], rc, allocs);
            }
            failing = 0;
            rc = ul_gufunc_call(G(NAMES[f]), nops, ops, &info);
            UL_CHECK(rc == UL_OK && (chol || !isnan(w[0])), "%s with memory again: rc %d", NAMES[f], rc);
        }
        free(a); free(v); free(w);
    }
    UL_CHECK(ul_set_allocator(NULL, NULL) == UL_OK, "restore");
}

int main(void)
{
    test_fp_protocol();
    test_enomem();
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
        test_broadcast(dt, 1);
        test_broadcast(dt, 6);
        test_broadcast(dt, 20);
        test_nan_matrix(dt);
    }
    return ul_test_done("test_cholesky_eigh");
}
