/*
 * bench_ffi.c - ns per element of hypot over 10^6 float64 elements: a
 * run-time gufunc through ffi_call (UL_FFI_GENERIC), through the
 * register-class direct call every element-wise signature gets on x86-64
 * (UL_FFI_NO_TYPED), on the typed double(double, double) fast path, all
 * through the driver (ul_gufunc_callv), and a plain C loop calling hypot. The three are measured in turn, ROUNDS times,
 * and each keeps its minimum; time is the thread's CPU time (the machine may
 * be shared with builds), so preemption does not count. Prints "key ns"
 * lines for bench_ffi.py's report.
 */
#define _POSIX_C_SOURCE 200809L
#include "umath_linalg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { N = 1000000, ROUNDS = 15 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Keeps the plain loop honest: hypot reached as libm's symbol, like the
   gufunc's, not folded into anything. */
static double (*volatile libm_hypot)(double, double) = hypot;

/* The cost of ffi_call itself: a function that does nothing. */
__attribute__((noinline)) static double first(double x, double y)
{
    __asm__ volatile("");
    (void)y;
    return x;
}

static double run_gufunc(const ul_gufunc *g, double *a, double *b, double *o)
{
    char *data[3] = { (char *)a, (char *)b, (char *)o };
    int types[3] = { UL_DOUBLE, UL_DOUBLE, UL_DOUBLE }, nd[3] = { 1, 1, 1 };
    ptrdiff_t shapes[3] = { N, N, N }, strides[3] = { 8, 8, 8 };
    double t = now();
    int st = ul_gufunc_callv(g, 3, data, types, nd, shapes, strides, NULL);
    t = now() - t;
    if (st != UL_OK) {
        fprintf(stderr, "%s: %s\n", g->name, ul_strerror(st));
        exit(1);
    }
    return t;
}

static double run_plain(const double *a, const double *b, double *o)
{
    double (*h)(double, double) = libm_hypot;
    double t = now();
    for (ptrdiff_t i = 0; i < N; i++)
        o[i] = h(a[i], b[i]);
    return now() - t;
}

static void keep_min(double *best, double t)
{
    if (t < *best)
        *best = t;
}

int main(void)
{
    double *a = malloc(N * sizeof(double)), *b = malloc(N * sizeof(double));
    double *o1 = malloc(N * sizeof(double)), *o2 = malloc(N * sizeof(double));
    double *o3 = malloc(N * sizeof(double)), *o4 = malloc(N * sizeof(double));
    double *o5 = malloc(N * sizeof(double));
    if (!a || !b || !o1 || !o2 || !o3 || !o4 || !o5)
        return 1;
    for (ptrdiff_t i = 0; i < N; i++) {
        a[i] = (double)(i % 1000) * 0.37 - 150.0;
        b[i] = 1.0 + (double)(i % 777) * 0.011;
    }
    void *fn = (void *)hypot;
    const ul_gufunc *gffi, *gfast, *greg, *gempty;
    void *fe = (void *)first;
    char msg[256];
    if (ul_ffi_gufunc_new("bench_hypot_ffi", 2, 1, 1, &fn, "ddd",
                          UL_FFI_GENERIC, NULL, NULL, &gffi, msg, sizeof(msg))
        || ul_ffi_gufunc_new("bench_hypot_fast", 2, 1, 1, &fn, "ddd", 0,
                             NULL, NULL, &gfast, msg, sizeof(msg))
        || ul_ffi_gufunc_new("bench_hypot_reg", 2, 1, 1, &fn, "ddd",
                             UL_FFI_NO_TYPED, NULL, NULL, &greg, msg,
                             sizeof(msg))
        || ul_ffi_gufunc_new("bench_empty_ffi", 2, 1, 1, &fe, "ddd",
                             UL_FFI_GENERIC, NULL, NULL, &gempty, msg,
                             sizeof(msg))) {
        fprintf(stderr, "ul_ffi_gufunc_new: %s\n", msg);
        return 1;
    }
    if (ul_ffi_gufunc_is_direct(gffi, 0) != 0
        || ul_ffi_gufunc_is_direct(gfast, 0) != 1) {
        fprintf(stderr, "unexpected loop kinds\n");
        return 1;
    }
    double t_plain = 1e30, t_ffi = 1e30, t_fast = 1e30, t_reg = 1e30;
    double t_empty = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        keep_min(&t_plain, run_plain(a, b, o3));
        keep_min(&t_ffi, run_gufunc(gffi, a, b, o1));
        keep_min(&t_fast, run_gufunc(gfast, a, b, o2));
        keep_min(&t_reg, run_gufunc(greg, a, b, o4));
        keep_min(&t_empty, run_gufunc(gempty, a, b, o5));
    }
    for (ptrdiff_t i = 0; i < N; i++)
        if (o1[i] != o3[i] || o2[i] != o3[i] || o4[i] != o3[i]
            || o5[i] != a[i]) {
            fprintf(stderr, "results differ at %td\n", i);
            return 1;
        }
    printf("c_libffi %.3f\n", t_ffi / N * 1e9);
    printf("c_fast %.3f\n", t_fast / N * 1e9);
    printf("c_regcall %.3f\n", t_reg / N * 1e9);
    printf("c_ffi_empty %.3f\n", t_empty / N * 1e9);
    printf("c_plain %.3f\n", t_plain / N * 1e9);
    ul_ffi_gufunc_release(gffi);
    ul_ffi_gufunc_release(gfast);
    ul_ffi_gufunc_release(greg);
    ul_ffi_gufunc_release(gempty);
    free(a);
    free(b);
    free(o1);
    free(o2);
    free(o3);
    free(o4);
    free(o5);
    return 0;
}
