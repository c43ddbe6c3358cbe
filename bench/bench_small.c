/*
 * bench_small.c - ns per matrix of small-n inverse (and det, solve1) through
 * this library's loops vs LAPACKE (getrf+getri, gesv with B = I) called
 * directly from C. Built and run by bench/bench_small.sh.
 *
 * usage: bench_small [--short]
 * prints CSV rows: impl,op,n,count,ns_per_matrix
 */
#include <lapacke.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "umath_linalg.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static unsigned long long rng = 88172645463325252ull;
static double unif(void)
{
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return ((rng * 2685821657736338717ull) >> 11) * 0x1p-53 - 0.5;
}

static volatile double sink;

/* min over `reps` of the time of `iters` calls of the body, per matrix */
#define TIME(reps, iters, per, body) ({ \
    double best = 1e30; \
    for (int r_ = 0; r_ < (reps); r_++) { \
        double t0_ = now(); \
        for (long it_ = 0; it_ < (iters); it_++) { body; } \
        double t_ = (now() - t0_) / ((double)(iters) * (per)); \
        if (t_ < best) best = t_; \
    } \
    best * 1e9; })

/* piv: plain random matrices, so that partial pivoting interchanges rows
 * (the default adds n to the diagonal: well conditioned, no interchange) */
static void bench_n(int n, long count, int reps, int piv)
{
    long nn = (long)n * n;
    double *A = aligned_alloc(64, sizeof(double) * (nn * count + 8));
    double *X = aligned_alloc(64, sizeof(double) * (nn * count + 8));
    double *W = malloc(sizeof(double) * nn * 2);
    int *ipiv = malloc(sizeof(int) * (n + 1));
    for (long i = 0; i < nn * count; i++) A[i] = unif();
    for (long k = 0; k < count; k++)
        for (int i = 0; i < n; i++) A[k * nn + i * n + i] += piv ? 0 : n;   /* keep well conditioned */
    char *args[3] = { (char *)A, (char *)X, NULL };
    ptrdiff_t dims[3] = { count, n, 1 };
    ptrdiff_t steps[6] = { 8 * nn, 8 * nn, 8 * n, 8, 8 * n, 8 };
    /* iterations so that one repeat takes >= ~20 ms */
    long work = (long)count * n * n * n + 1;
    long iters = 4000000 / work + 1;
    const char *kind = count == 1 ? (piv ? "single_piv" : "single") : (piv ? "stack_piv" : "stack");

    double t = TIME(reps, iters, count, ul_dinv_loop(args, dims, steps, NULL));
    printf("ul,inv,%d,%ld,%s,%.2f\n", n, count, kind, t);
    if (count > 1) {    /* big stacks split across cores by default: also one thread */
        int prev = ul_set_num_threads(1);
        t = TIME(reps, iters, count, ul_dinv_loop(args, dims, steps, NULL));
        printf("ul_t1,inv,%d,%ld,%s,%.2f\n", n, count, kind, t);
        ul_set_num_threads(prev);
    }

    /* LAPACKE getrf + getri (row-major data, column-major call: inverse of
     * the transpose is the transpose of the inverse, same work) */
    t = TIME(reps, iters, count, {
        for (long k = 0; k < count; k++) {
            memcpy(W, A + k * nn, 8 * nn);
            LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, n, n, W, n, ipiv);
            LAPACKE_dgetri_work(LAPACK_COL_MAJOR, n, W, n, ipiv, W + nn, nn);
            memcpy(X + k * nn, W, 8 * nn);
        } });
    printf("lapacke_getri,inv,%d,%ld,%s,%.2f\n", n, count, kind, t);
    if (piv) {
        sink = X[0];
        free(A); free(X); free(W); free(ipiv);
        return;
    }
    t = TIME(reps, iters, count, {
        for (long k = 0; k < count; k++) {
            memcpy(W, A + k * nn, 8 * nn);
            double *B = X + k * nn;
            memset(B, 0, 8 * nn);
            for (int i = 0; i < n; i++) B[i * n + i] = 1;
            LAPACKE_dgesv_work(LAPACK_COL_MAJOR, n, n, W, n, ipiv, B, n);
        } });
    printf("lapacke_gesv,inv,%d,%ld,%s,%.2f\n", n, count, kind, t);

    /* det and solve1 through the loops */
    ptrdiff_t dsteps[4] = { 8 * nn, 8, 8 * n, 8 };
    char *dargs[2] = { (char *)A, (char *)X };
    t = TIME(reps, iters, count, ul_ddet_loop(dargs, dims, dsteps, NULL));
    printf("ul,det,%d,%ld,%s,%.2f\n", n, count, kind, t);
    ptrdiff_t ssteps[7] = { 8 * nn, 8 * n, 8 * n, 8 * n, 8, 8, 8 };
    char *sargs[3] = { (char *)A, (char *)X, (char *)(X + n * count) };
    double *Bv = X;
    for (long i = 0; i < n * count; i++) Bv[i] = unif();
    (void)sargs;
    double *Xv = malloc(sizeof(double) * n * count);
    char *sargs2[3] = { (char *)A, (char *)Bv, (char *)Xv };
    t = TIME(reps, iters, count, ul_dsolve1_loop(sargs2, dims, ssteps, NULL));
    printf("ul,solve1,%d,%ld,%s,%.2f\n", n, count, kind, t);
    /* the LAPACK work behind numpy's det and solve1 */
    t = TIME(reps, iters, count, {
        for (long k = 0; k < count; k++) {
            memcpy(W, A + k * nn, 8 * nn);
            LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, n, n, W, n, ipiv);
        } });
    printf("lapacke_getrf,det,%d,%ld,%s,%.2f\n", n, count, kind, t);
    t = TIME(reps, iters, count, {
        for (long k = 0; k < count; k++) {
            memcpy(W, A + k * nn, 8 * nn);
            memcpy(Xv + k * n, Bv + k * n, 8 * n);
            LAPACKE_dgesv_work(LAPACK_COL_MAJOR, n, 1, W, n, ipiv, Xv + k * n, n);
        } });
    printf("lapacke_gesv,solve1,%d,%ld,%s,%.2f\n", n, count, kind, t);
    sink = X[0] + Xv[0];
    free(Xv);
    free(A); free(X); free(W); free(ipiv);
}

int main(int argc, char **argv)
{
    int shrt = argc > 1 && strcmp(argv[1], "--short") == 0;
    static const int ns[] = { 2, 3, 4, 6, 8, 10, 12, 16, 24, 32, 64, 100 };
    int reps = shrt ? 7 : 11;   /* min of many short repeats: the machine may be shared */
    if (shrt) {
        bench_n(4, 100000, reps, 0);
        bench_n(10, 1, reps, 0);
        bench_n(10, 10000, reps, 0);
        bench_n(10, 1, reps, 1);
        bench_n(10, 10000, reps, 1);
        return 0;
    }
    for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        int n = ns[i];
        long stack = n <= 4 ? 100000 : n <= 16 ? 10000 : 1000;
        bench_n(n, 1, reps, 0);
        bench_n(n, stack, reps, 0);
    }
    for (int n = 4; n <= 16; n += 6) {      /* 4, 10, 16 */
        bench_n(n, 1, reps, 1);
        bench_n(n, n <= 4 ? 100000 : 10000, reps, 1);
    }
    return 0;
}
