/*
 * small_test_util.h - helpers of the small-n kernel tests (test_small_*.c):
 * LAPACK-style test matrices, strided stack layouts, residual ratios, and
 * running every check on every CPU path (the test runs itself again with
 * UL_CPU=avx2 where the CPU has AVX-512, and UL_CPU=baseline).
 */
#ifndef SMALL_TEST_UTIL_H
#define SMALL_TEST_UTIL_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "umath_linalg.h"
#include "ul_test.h"     /* ul_test_run_lower_cpus */

static long st_checks, st_fails;

#define ST_CHECK(cond, ...) do { \
    st_checks++; \
    if (!(cond)) { \
        if (st_fails++ < 30) { \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } \
    } } while (0)

/* ---- random numbers (xorshift64*) ---- */
static uint64_t st_rng = 88172645463325252ull;
static double st_unif(void)   /* (-1, 1) */
{
    st_rng ^= st_rng >> 12; st_rng ^= st_rng << 25; st_rng ^= st_rng >> 27;
    return ((st_rng * 2685821657736338717ull) >> 11) * 0x1p-52 - 1.0;
}
static int st_irand(int k) { return (int)((st_unif() + 1) * 0.5 * k) % k; }

/* ---- matrix types (row-major double n x n) ---- */
enum {
    ST_RANDOM, ST_DIAG, ST_UPPER, ST_LOWER, ST_COND2, ST_COND_MID, ST_COND_HI,
    ST_ROWSCALE, ST_COLSCALE, ST_UNDERFLOW, ST_OVERFLOW, ST_INTEGER,
    ST_NTYPES_OK,
    /* exactly singular (LAPACK's getrf finds an exactly zero pivot) */
    ST_ZEROROW = ST_NTYPES_OK, ST_ZEROCOL, ST_DUPROW, ST_RANKDEF_INT,
    ST_ZERO, ST_NTYPES
};
static const char *st_type_name[ST_NTYPES] = {
    "random", "diag", "upper", "lower", "cond2", "cond-mid", "cond-hi",
    "rowscale", "colscale", "underflow", "overflow", "integer",
    "zerorow", "zerocol", "duprow", "rankdef-int", "zero" };

/* Random orthogonal Q (product of n Householder reflections), row-major. */
static void st_orth(int n, double *Q)
{
    for (int i = 0; i < n * n; i++) Q[i] = i % (n + 1) == 0;
    double v[64];
    for (int r = 0; r < n; r++) {
        double s = 0;
        for (int i = 0; i < n; i++) { v[i] = st_unif(); s += v[i] * v[i]; }
        if (s == 0) continue;
        for (int j = 0; j < n; j++) {       /* Q = (I - 2vv'/s) Q */
            double d = 0;
            for (int i = 0; i < n; i++) d += v[i] * Q[i * n + j];
            d *= 2 / s;
            for (int i = 0; i < n; i++) Q[i * n + j] -= d * v[i];
        }
    }
}

/* A = U diag(s) V' with s geometric from 1 to 1/cond (LAPACK MODE 3),
 * then scaled by `scale`. */
static void st_svd_matrix(int n, double cond, double scale, double *A)
{
    double U[1024], V[1024], s[32];
    st_orth(n, U); st_orth(n, V);
    for (int i = 0; i < n; i++)
        s[i] = n == 1 ? 1 : pow(cond, -(double)i / (n - 1));
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double t = 0;
            for (int k = 0; k < n; k++) t += U[i * n + k] * s[k] * V[j * n + k];
            A[i * n + j] = t * scale;
        }
}

/* Fills A (row-major) with a matrix of the given type; `lowp` selects the
 * float32-sized condition numbers. */
static void st_gen(int n, int type, int lowp, double *A)
{
    double cmid = lowp ? 1e3 : 1e8, chi = lowp ? 1e5 : 1e12;
    double big = lowp ? 1e33 : 1e292, small = lowp ? 1e-33 : 1e-292;
    for (int i = 0; i < n * n; i++) A[i] = st_unif();
    switch (type) {
    case ST_RANDOM: break;
    case ST_DIAG:
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++)
            if (i != j) A[i * n + j] = 0; else A[i * n + j] += 2;
        break;
    case ST_UPPER: case ST_LOWER:
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
            if (type == ST_UPPER ? j < i : j > i) A[i * n + j] = 0;
            if (i == j) A[i * n + j] += A[i * n + j] < 0 ? -1 : 1;
        }
        break;
    case ST_COND2: st_svd_matrix(n, 2, 1, A); break;
    case ST_COND_MID: st_svd_matrix(n, cmid, 1, A); break;
    case ST_COND_HI: st_svd_matrix(n, chi, 1, A); break;
    case ST_ROWSCALE: case ST_COLSCALE: {
        st_svd_matrix(n, 2, 1, A);
        for (int i = 0; i < n; i++) {
            double f = pow(10.0, (lowp ? 6 : 20) * st_unif());
            for (int j = 0; j < n; j++)
                A[type == ST_ROWSCALE ? i * n + j : j * n + i] *= f;
        }
        break; }
    case ST_UNDERFLOW: st_svd_matrix(n, 2, small, A); break;
    case ST_OVERFLOW: st_svd_matrix(n, 2, big, A); break;
    case ST_INTEGER:
        for (int i = 0; i < n * n; i++) A[i] = st_irand(21) - 10;
        for (int i = 0; i < n; i++) A[i * n + i] += 40;
        break;
    case ST_ZEROROW: { int r = st_irand(n); for (int j = 0; j < n; j++) A[r * n + j] = 0; break; }
    case ST_ZEROCOL: { int c = st_irand(n); for (int i = 0; i < n; i++) A[i * n + c] = 0; break; }
    case ST_DUPROW: {   /* row r2 = 2 * row r1, integers: [[1,2],[2,4]] */
        for (int i = 0; i < n * n; i++) A[i] = st_irand(9) - 4;
        if (n < 2) { A[0] = 0; break; }
        int r1 = st_irand(n), r2 = (r1 + 1 + st_irand(n - 1)) % n;
        for (int j = 0; j < n; j++) A[r2 * n + j] = 2 * A[r1 * n + j];
        break; }
    case ST_RANKDEF_INT: {   /* small integers, last col = sum of two others */
        for (int i = 0; i < n * n; i++) A[i] = st_irand(5) - 2;
        if (n < 3) { for (int j = 0; j < n; j++) A[j] = 0; break; }
        int c = st_irand(n), c1 = (c + 1) % n, c2 = (c + 2) % n;
        for (int i = 0; i < n; i++) A[i * n + c] = A[i * n + c1] - A[i * n + c2];
        break; }
    case ST_ZERO: for (int i = 0; i < n * n; i++) A[i] = 0; break;
    }
}

/* ---- strided layouts of a stack of count matrices, rows x cols ---- */
typedef struct st_layout {
    ptrdiff_t outer, rs, cs;   /* element strides */
    ptrdiff_t base;            /* element offset of matrix 0, (0,0) */
    ptrdiff_t len;             /* buffer length in elements */
} st_layout;

enum { ST_L_C, ST_L_F, ST_L_NEGROW, ST_L_PAD, ST_L_NEGALL, ST_L_BCAST, ST_NLAYOUTS };
static const char *st_layout_name[ST_NLAYOUTS] = {
    "C", "F", "negrow", "padded", "neg-outer-col", "bcast" };

/* bcast: outer stride 0 (inputs only; every matrix is matrix 0). A size-1
 * dimension gets stride 0, as numpy passes it. */
static st_layout st_make_layout(int kind, ptrdiff_t count, int rows, int cols)
{
    st_layout L;
    ptrdiff_t sz = (ptrdiff_t)rows * cols;
    switch (kind) {
    default:
    case ST_L_C: L.rs = cols; L.cs = 1; L.outer = sz; L.base = 0; break;
    case ST_L_F: L.rs = 1; L.cs = rows; L.outer = sz; L.base = 0; break;
    case ST_L_NEGROW: L.rs = -cols; L.cs = 1; L.outer = sz; L.base = (rows - 1) * cols; break;
    case ST_L_PAD: L.rs = 3 * cols + 1; L.cs = 3; L.outer = (3 * cols + 1) * rows + 5;
        L.base = 2; break;
    case ST_L_NEGALL: L.rs = 1; L.cs = -rows; L.outer = -sz; L.base = (count - 1) * sz + (cols - 1) * rows; break;
    case ST_L_BCAST: L.rs = cols; L.cs = 1; L.outer = 0; L.base = 0; break;
    }
    ptrdiff_t span = (kind == ST_L_BCAST ? 1 : count) * (ptrdiff_t)(L.outer < 0 ? -L.outer : L.outer);
    L.len = span + (ptrdiff_t)(rows + 1) * (cols + 1) * 4 + 16;
    if (rows == 1) L.rs = 0;
    if (cols == 1) L.cs = 0;
    return L;
}
#define ST_AT(L, k, i, j) ((L).base + (k) * (L).outer + (i) * (L).rs + (j) * (L).cs)

/* ---- run all checks on every CPU path: the default one, then each
 * lower one the CPU has (ul_test_run_lower_cpus) ---- */
static int st_run_all_cpus(const char *name, int (*body)(void))
{
    const char *env = getenv("UL_CPU");
    if (env != NULL) {
        int r = body();
        printf("%s [UL_CPU=%s]: %ld checks, %ld failed\n", name, env, st_checks, st_fails);
        return r || st_fails ? 1 : 0;
    }
    int r = body();
    long c1 = st_checks, f1 = st_fails;
    printf("%s [default path]: %ld checks, %ld failed\n", name, c1, f1);
    char *argv[] = { (char *)name, NULL };
    const char *paths[2];
    if (ul_test_run_lower_cpus(argv) || r || f1)
        return 1;
    printf("%s: %ld checks passed (x%d CPU paths)\n", name, c1, 1 + ul_test_lower_cpus(paths));
    return 0;
}

/* ---- one n x n -> n x n call on a stack (test_small_chol.c) ----
 * Buffers in layouts lin / lout (filled with 0xA5), the loop's args,
 * dims and steps; st_mat_put / st_mat_get move element (i, j) of matrix
 * k as float32 (fl) or float64. */
typedef struct st_call11 {
    st_layout Li, Lo;
    size_t es;
    char *in, *out, *args[2];
    ptrdiff_t dims[2], steps[6];
} st_call11;

static st_call11 st_call11_new(int fl, int n, ptrdiff_t count, int lin, int lout)
{
    st_call11 c;
    c.es = fl ? sizeof(float) : sizeof(double);
    c.Li = st_make_layout(lin, count, n, n);
    c.Lo = st_make_layout(lout, count, n, n);
    c.in = malloc(c.Li.len * c.es);
    c.out = malloc(c.Lo.len * c.es);
    memset(c.in, 0xA5, c.Li.len * c.es);
    memset(c.out, 0xA5, c.Lo.len * c.es);
    c.args[0] = c.in + c.Li.base * c.es;
    c.args[1] = c.out + c.Lo.base * c.es;
    c.dims[0] = count;
    c.dims[1] = n;
    const ptrdiff_t e = (ptrdiff_t)c.es;
    ptrdiff_t st[6] = { c.Li.outer * e, c.Lo.outer * e, c.Li.rs * e, c.Li.cs * e,
                        c.Lo.rs * e, c.Lo.cs * e };
    memcpy(c.steps, st, sizeof st);
    return c;
}

/* Stores x (rounded to float32 when fl) and returns the value stored. */
static double st_mat_put(st_call11 *c, ptrdiff_t k, int i, int j, double x)
{
    ptrdiff_t off = ST_AT(c->Li, k, i, j);
    if (c->es == sizeof(float)) { ((float *)c->in)[off] = (float)x; return (float)x; }
    ((double *)c->in)[off] = x;
    return x;
}

static double st_mat_get(const st_call11 *c, ptrdiff_t k, int i, int j)
{
    ptrdiff_t off = ST_AT(c->Lo, k, i, j);
    return c->es == sizeof(float) ? ((float *)c->out)[off] : ((double *)c->out)[off];
}

static void st_call11_free(st_call11 *c)
{
    free(c->in);
    free(c->out);
}

#endif
