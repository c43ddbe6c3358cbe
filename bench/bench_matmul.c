/*
 * bench_matmul.c - float64 matmul from C: the library's matmul gufunc
 * (ul_gufunc_call, C-contiguous operands) against OpenBLAS cblas_dgemm
 * called directly, one call per matrix of the stack. Repeats interleave the
 * two; each number is the best of the repeats, in us per call.
 *   bench_matmul THREADS [COUNT N ...]  (OpenBLAS's from OPENBLAS_NUM_THREADS; ours set
 *                             with ul_set_num_threads(THREADS))
 * Prints one CSV line per case: count,n,ours_us,gemm_us (bench_matmul.py
 * reads them). bench_matmul.sh runs it.
 */
#include "umath_linalg.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct { ptrdiff_t count, n; double *a, *b, *c; } mm_case;

static void run_ours(mm_case *q)
{
    static const ul_gufunc *g;
    if (g == NULL)
        g = ul_gufunc_find("matmul");
    ptrdiff_t n = q->n, es = sizeof(double);
    ptrdiff_t shape[3] = { q->count, n, n };
    ptrdiff_t strides[3] = { n * n * es, n * es, es };
    ul_operand ops[3];
    double *p[3] = { q->a, q->b, q->c };
    for (int i = 0; i < 3; i++)
        ops[i] = (ul_operand){ (char *)p[i], UL_DOUBLE, 3, shape, strides };
    if (ul_gufunc_call(g, 3, ops, NULL) != UL_OK)
        abort();
}

static void run_gemm(mm_case *q)
{
    int n = (int)q->n;
    for (ptrdiff_t s = 0; s < q->count; s++)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0,
                    q->a + s * n * n, n, q->b + s * n * n, n, 0.0,
                    q->c + s * n * n, n);
}

/* One timing: enough calls for ~20 ms, seconds per call. */
static double time_one(void (*f)(mm_case *), mm_case *q)
{
    long it = 1;
    for (;;) {
        double t0 = now();
        for (long r = 0; r < it; r++)
            f(q);
        double t = now() - t0;
        if (t > 0.02)
            return t / (double)it;
        it *= 2;
    }
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    ul_set_num_threads(threads);
    static const ptrdiff_t cases[][2] = {
        {100000, 4}, {10000, 10}, {1000, 16}, {1000, 4}, {300, 10},
        {1, 4}, {1, 10}, {1, 64}, {1, 256} };
    /* bench_matmul THREADS COUNT N ...: those cases instead (tuning) */
    size_t ncases = argc > 3 ? (size_t)(argc - 2) / 2 : sizeof cases / sizeof cases[0];
    for (size_t z = 0; z < ncases; z++) {
        mm_case q = { 0, 0, NULL, NULL, NULL };
        if (argc <= 3) {
            q.count = cases[z][0];
            q.n = cases[z][1];
        } else {
            q.count = atol(argv[2 + 2 * z]);
            q.n = atol(argv[3 + 2 * z]);
        }
        size_t len = (size_t)(q.count * q.n * q.n);
        q.a = malloc(len * sizeof(double));
        q.b = malloc(len * sizeof(double));
        q.c = malloc(len * sizeof(double));
        for (size_t i = 0; i < len; i++) {
            q.a[i] = (double)(i % 17) - 8;
            q.b[i] = (double)(i % 13) * 0.5;
            q.c[i] = 0;
        }
        double best_o = 1e30, best_g = 1e30;
        for (int r = 0; r < 7; r++) {
            double o = time_one(run_ours, &q), g = time_one(run_gemm, &q);
            best_o = o < best_o ? o : best_o;
            best_g = g < best_g ? g : best_g;
        }
        printf("%td,%td,%.4f,%.4f\n", q.count, q.n, best_o * 1e6, best_g * 1e6);
        fflush(stdout);
        free(q.a);
        free(q.b);
        free(q.c);
    }
    return 0;
}
