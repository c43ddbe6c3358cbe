/*
 * ul_test.h - shared helpers for the C tests: checks, a seeded RNG, typed
 * element access for the four dtypes (values travel as double complex),
 * stack layouts with every stride kind over sentinel-filled buffers, and
 * LAPACK-style residual ratios.
 */
#ifndef UL_TEST_H
#define UL_TEST_H

#include "umath_linalg.h"
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* glibc defines CMPLX for gcc >= 4.7 only; clang has the builtin too */
#ifndef CMPLX
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif
#ifndef CMPLXF
#define CMPLXF(x, y) __builtin_complex((float)(x), (float)(y))
#endif

static long ul_checks, ul_failures;

#define UL_CHECK(cond, ...) do { \
    ul_checks++; \
    if (!(cond)) { \
        ul_failures++; \
        if (ul_failures <= 25) { \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__); \
            fputc('\n', stderr); \
        } \
    } \
} while (0)

/* Ends main(): the last line the runner shows. */
static inline int ul_test_done(const char *name)
{
    printf("%s: %ld checks, %ld failed\n", name, ul_checks, ul_failures);
    return ul_failures ? 1 : 0;
}

/* The CPU paths of the kernels below the default one that this CPU has,
 * as UL_CPU values (c/small/ul_small.c): "avx2" when the default is
 * AVX-512 (libgcc's check includes the OS's XCR0), then "baseline".
 * Returns their count. */
static inline int ul_test_lower_cpus(const char *paths[2])
{
    int k = 0;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw"))
        paths[k++] = "avx2";
    paths[k++] = "baseline";
    return k;
}

/* Runs this binary (argv) again once per lower CPU path, UL_CPU set, one
 * after the other (their lines follow ours); 0 when every run passed. */
static inline int ul_test_run_lower_cpus(char **argv)
{
    const char *paths[2];
    const int n = ul_test_lower_cpus(paths);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            setenv("UL_CPU", paths[i], 1);
            execv("/proc/self/exe", argv);
            _exit(127);
        }
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            printf("%s: the UL_CPU=%s run failed\n", argv[0], paths[i]);
            rc = 1;
        }
    }
    return rc;
}

/* Ends main() of a test that runs on every CPU path: prints the closing
 * line, then (first run only, and only if it passed) runs the same binary
 * on the lower paths. */
#define ul_test_done_all_cpus(name, argv) \
    (getenv("UL_CPU") ? ul_test_done(name " [UL_CPU set]") : \
     ul_test_done(name) ? 1 : ul_test_run_lower_cpus(argv))

/* ---- RNG (xorshift64*, seeded per test for reproducibility) ---- */
static uint64_t ul_rng_state = 0x9E3779B97F4A7C15ull;
static inline double ul_rand(void)     /* uniform in [-1, 1) */
{
    ul_rng_state ^= ul_rng_state >> 12;
    ul_rng_state ^= ul_rng_state << 25;
    ul_rng_state ^= ul_rng_state >> 27;
    uint64_t r = ul_rng_state * 2685821657736338717ull;
    return (double)(r >> 11) * 0x1.0p-52 - 1.0;
}

/* ---- dtypes ---- */
typedef struct ul_dtype {
    int type;          /* numpy type number */
    char ch;           /* s d c z */
    size_t size;
    int complex_;
    double eps;
    int real_type;     /* type number of the real part (slogdet's logdet) */
} ul_dtype;

static const ul_dtype UL_DTYPES[4] = {
    { UL_FLOAT, 's', 4, 0, FLT_EPSILON, UL_FLOAT },
    { UL_DOUBLE, 'd', 8, 0, DBL_EPSILON, UL_DOUBLE },
    { UL_CFLOAT, 'c', 8, 1, FLT_EPSILON, UL_FLOAT },
    { UL_CDOUBLE, 'z', 16, 1, DBL_EPSILON, UL_DOUBLE },
};

static inline const ul_dtype *ul_dtype_of(int type)
{
    for (int i = 0; i < 4; i++)
        if (UL_DTYPES[i].type == type)
            return &UL_DTYPES[i];
    return NULL;
}

static inline void ul_put(int type, char *p, double complex v)
{
    switch (type) {
    case UL_FLOAT: { float x = (float)creal(v); memcpy(p, &x, 4); break; }
    case UL_DOUBLE: { double x = creal(v); memcpy(p, &x, 8); break; }
    case UL_CFLOAT: { float x[2] = { (float)creal(v), (float)cimag(v) }; memcpy(p, x, 8); break; }
    case UL_CDOUBLE: { double x[2] = { creal(v), cimag(v) }; memcpy(p, x, 16); break; }
    case UL_INT32: { int32_t x = (int32_t)creal(v); memcpy(p, &x, 4); break; }
    }
}

static inline double complex ul_get(int type, const char *p)
{
    switch (type) {
    case UL_FLOAT: { float x; memcpy(&x, p, 4); return x; }
    case UL_DOUBLE: { double x; memcpy(&x, p, 8); return x; }
    case UL_CFLOAT: { float x[2]; memcpy(x, p, 8); return CMPLX(x[0], x[1]); }
    case UL_CDOUBLE: { double x[2]; memcpy(x, p, 16); return CMPLX(x[0], x[1]); }
    case UL_INT32: { int32_t x; memcpy(&x, p, 4); return x; }
    }
    return NAN;
}

/* ---- layouts: a stack of `count` rows x cols matrices somewhere in a
 * sentinel-filled buffer, with any axis order, padding, sign, and zero
 * strides for size-1 axes. kind picks one of UL_NLAYOUTS variants. */
#define UL_SENTINEL 0xA5
#define UL_NLAYOUTS 8

typedef struct ul_layout {
    unsigned char *buf;
    size_t bytes;
    char *base;                  /* element [0,0,0] */
    ptrdiff_t shape[3];          /* count, rows, cols */
    ptrdiff_t strides[3];        /* bytes */
    size_t esize;
    const char *name;
} ul_layout;

static inline ul_layout ul_layout_new(int kind, ptrdiff_t count, ptrdiff_t rows,
                               ptrdiff_t cols, size_t esize)
{
    static const char *names[UL_NLAYOUTS] = {
        "C", "Fortran", "transposed-stack", "negative-rows", "negative-cols+pad",
        "strided-2x3", "negative-outer+pad", "zero-strides-for-1" };
    /* axis order from fastest to slowest, padding, sign */
    static const int order[UL_NLAYOUTS][3] = {
        {2,1,0}, {1,2,0}, {0,2,1}, {2,1,0}, {2,1,0}, {1,2,0}, {2,1,0}, {2,1,0} };
    static const int pad[UL_NLAYOUTS][3] = {
        {1,1,1}, {1,1,1}, {1,1,1}, {1,1,1}, {1,1,2}, {1,2,3}, {2,1,1}, {1,1,1} };
    static const int neg[UL_NLAYOUTS][3] = {
        {0,0,0}, {0,0,0}, {0,0,0}, {0,1,0}, {0,0,1}, {0,1,0}, {1,0,0}, {0,0,0} };
    ul_layout L;
    L.shape[0] = count; L.shape[1] = rows; L.shape[2] = cols;
    L.esize = esize;
    L.name = names[kind];
    ptrdiff_t st[3], acc = 1, off = 0;
    for (int k = 0; k < 3; k++) {
        int ax = order[kind][k];
        st[ax] = acc * pad[kind][ax];
        acc = st[ax] * (L.shape[ax] > 0 ? L.shape[ax] : 1);
    }
    for (int ax = 0; ax < 3; ax++) {
        if (kind == 7 && L.shape[ax] == 1)
            st[ax] = 0;
        if (neg[kind][ax]) {
            off += (L.shape[ax] > 0 ? L.shape[ax] - 1 : 0) * st[ax];
            st[ax] = -st[ax];
        }
        L.strides[ax] = st[ax] * (ptrdiff_t)esize;
    }
    L.bytes = (size_t)(acc + 2) * esize;      /* one spare element each end */
    L.buf = malloc(L.bytes);
    memset(L.buf, UL_SENTINEL, L.bytes);
    L.base = (char *)L.buf + (off + 1) * (ptrdiff_t)esize;
    return L;
}

static char *ul_at(const ul_layout *L, ptrdiff_t k, ptrdiff_t i, ptrdiff_t j)
{
    return L->base + k * L->strides[0] + i * L->strides[1] + j * L->strides[2];
}

/* 1 if every byte outside the layout's elements still holds the sentinel */
/* The table's row `name`, or exit 2: every test needs its rows. */
static inline const ul_gufunc *ul_test_gufunc(const char *name)
{
    const ul_gufunc *g = ul_gufunc_find(name);
    if (g == NULL) {
        fprintf(stderr, "gufunc %s missing from the table\n", name);
        exit(2);
    }
    return g;
}

/* matrix k of a stack, as the dtype holds it, into a (column-major) */
static inline void ul_read_matrix(const ul_layout *L, int type, ptrdiff_t k,
                                  ptrdiff_t rows, ptrdiff_t cols,
                                  double complex *a)
{
    for (ptrdiff_t j = 0; j < cols; j++)
        for (ptrdiff_t i = 0; i < rows; i++)
            a[i + j * rows] = ul_get(type, ul_at(L, k, i, j));
}

static inline double complex ul_rnd(int cplx)
{
    return cplx ? CMPLX(ul_rand(), ul_rand()) : ul_rand();
}

/* random unitary (orthogonal) n x n Q by modified Gram-Schmidt */
static inline void ul_rand_unitary(double complex *q, ptrdiff_t n, int cplx)
{
    for (ptrdiff_t i = 0; i < n * n; i++)
        q[i] = ul_rnd(cplx);
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

static inline int ul_gaps_untouched(const ul_layout *L)
{
    unsigned char *mask = calloc(L->bytes, 1);
    for (ptrdiff_t k = 0; k < L->shape[0]; k++)
        for (ptrdiff_t i = 0; i < L->shape[1]; i++)
            for (ptrdiff_t j = 0; j < L->shape[2]; j++)
                memset(mask + (ul_at(L, k, i, j) - (char *)L->buf), 1, L->esize);
    int ok = 1;
    for (size_t b = 0; b < L->bytes && ok; b++)
        ok = mask[b] || L->buf[b] == UL_SENTINEL;
    free(mask);
    return ok;
}

/* 1 if no byte of the whole buffer changed from the sentinel */
static inline int ul_all_sentinel(const ul_layout *L)
{
    for (size_t b = 0; b < L->bytes; b++)
        if (L->buf[b] != UL_SENTINEL)
            return 0;
    return 1;
}

static inline ul_operand ul_layout_operand(ul_layout *L, int type, int ndim)
{
    /* ndim 3: stack of matrices; 2: stack of vectors (cols axis dropped);
       1: stack of scalars */
    ul_operand op = { L->base, type, ndim, L->shape, L->strides };
    return op;
}

/* ---- dense double complex helpers (column-major n x m) ---- */
static inline double ul_norm1(const double complex *a, ptrdiff_t rows, ptrdiff_t cols)
{
    double best = 0;
    for (ptrdiff_t j = 0; j < cols; j++) {
        double s = 0;
        for (ptrdiff_t i = 0; i < rows; i++)
            s += cabs(a[i + j * rows]);
        if (s > best || isnan(s))
            best = s;
    }
    return best;
}

/* c = a (r x k) * b (k x c) */
static inline void ul_matmul(double complex *c, const double complex *a,
                      const double complex *b, ptrdiff_t r, ptrdiff_t k,
                      ptrdiff_t cc)
{
    for (ptrdiff_t j = 0; j < cc; j++)
        for (ptrdiff_t i = 0; i < r; i++) {
            long double complex s = 0;
            for (ptrdiff_t t = 0; t < k; t++)
                s += (long double complex)a[i + t * r] * b[t + j * k];
            c[i + j * r] = (double complex)s;
        }
}

/* ||I - Q^H Q||_1 / (rows eps), Q rows x cols column-major (LAPACK's
   orthogonality ratio) */
static inline double ul_orth_ratio(const double complex *q, ptrdiff_t rows,
                                   ptrdiff_t cols, double eps)
{
    double complex *qh = malloc(sizeof *qh * (size_t)(rows * cols + 1));
    double complex *p = malloc(sizeof *p * (size_t)(cols * cols + 1));
    for (ptrdiff_t j = 0; j < cols; j++)
        for (ptrdiff_t i = 0; i < rows; i++)
            qh[j + i * cols] = conj(q[i + j * rows]);
    ul_matmul(p, qh, q, cols, rows, cols);
    for (ptrdiff_t i = 0; i < cols; i++)
        p[i * (cols + 1)] -= 1;
    double r = ul_norm1(p, cols, cols) / ((double)(rows ? rows : 1) * eps);
    free(qh);
    free(p);
    return r;
}

/* dget03-style ratios for X ~ inv(A): left ||I - X A|| and right ||I - A X||,
   each / (n ||A|| ||X|| eps) */
static inline void ul_inv_ratios(const double complex *a, const double complex *x,
                          ptrdiff_t n, double eps, double *left, double *right)
{
    double complex *r = malloc(sizeof *r * (size_t)(n * n));
    double den = (double)n * ul_norm1(a, n, n) * ul_norm1(x, n, n) * eps;
    for (int side = 0; side < 2; side++) {
        if (side == 0) ul_matmul(r, x, a, n, n, n); else ul_matmul(r, a, x, n, n, n);
        for (ptrdiff_t i = 0; i < n; i++)
            r[i * (n + 1)] -= 1;
        double ratio = ul_norm1(r, n, n) / den;
        if (side == 0) *left = ratio; else *right = ratio;
    }
    free(r);
}

/* dget02: max over rhs of ||b - A x||_1 / (||A||_1 ||x||_1 eps) */
static inline double ul_solve_ratio(const double complex *a, const double complex *x,
                             const double complex *b, ptrdiff_t n, ptrdiff_t nrhs,
                             double eps)
{
    double complex *r = malloc(sizeof *r * (size_t)(n * (nrhs ? nrhs : 1)));
    ul_matmul(r, a, x, n, n, nrhs);
    double worst = 0, an = ul_norm1(a, n, n);
    for (ptrdiff_t j = 0; j < nrhs; j++) {
        double rn = 0, xn = 0;
        for (ptrdiff_t i = 0; i < n; i++) {
            rn += cabs(b[i + j * n] - r[i + j * n]);
            xn += cabs(x[i + j * n]);
        }
        double ratio = rn / (an * xn * eps);
        if (an == 0 || xn == 0)
            ratio = rn == 0 ? 0 : 1 / eps;
        if (ratio > worst || isnan(ratio))
            worst = ratio;
    }
    free(r);
    return worst;
}

#endif
