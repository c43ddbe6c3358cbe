/*
 * bench_plan.c - one small float64 inverse per call, four ways in one
 * run: the loop called directly (numpy's loop ABI, dimensions and steps
 * built by hand), ul_plan_run on a plan made once (FP flags restored, the
 * default), the same plan with UL_FP_UNTOUCHED ("plan-fp", the flags not
 * read), and ul_gufunc_callv (the driver validating every call). Repeats interleaved, best of each,
 * ns per call and the ratios. Built and run by bench/bench_plan.sh.
 *
 * usage: bench_plan                    the table (n = 1, 4, 10)
 *        bench_plan WAY N ITERS        only WAY (loop, plan, plan-fp, callv) on an
 *                                      N x N, ITERS times (for callgrind)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "umath_linalg.h"

enum { WAY_LOOP, WAY_PLAN, WAY_PLAN_FP, WAY_CALLV, NWAYS };
static const char *const WAY_NAMES[NWAYS] = { "loop", "plan", "plan-fp", "callv" };

typedef struct setup {
    int n;
    double a[16 * 16], x[16 * 16];
    char *data[2];
    ptrdiff_t dims[2], steps[6];            /* the direct loop call */
    int types[2], ndims[2];
    ptrdiff_t shapes[4], strides[4];        /* callv */
    ul_plan *plan, *plan_fp;              /* plan_fp: UL_FP_UNTOUCHED */
} setup;

static void setup_init(setup *s, int n)
{
    s->n = n;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            s->a[i * n + j] = (i == j ? n : 0) + 1.0 / (1 + i + 2 * j);
    s->data[0] = (char *)s->a;
    s->data[1] = (char *)s->x;
    s->dims[0] = 1;
    s->dims[1] = n;
    ptrdiff_t st[6] = { 8 * n * n, 8 * n * n, 8 * n, 8, 8 * n, 8 };
    memcpy(s->steps, st, sizeof st);
    for (int i = 0; i < 2; i++) {
        s->types[i] = UL_DOUBLE;
        s->ndims[i] = 2;
        s->shapes[2 * i] = s->shapes[2 * i + 1] = n;
        s->strides[2 * i] = 8 * n;
        s->strides[2 * i + 1] = 8;
    }
    ul_call_info info;
    if (ul_plan_newv(ul_gufunc_find("inv"), 2, s->types, s->ndims, s->shapes,
                     s->strides, &s->plan, &info) != UL_OK) {
        fprintf(stderr, "ul_plan_newv: %s\n", info.message);
        exit(1);
    }
    ul_plan_newv(ul_gufunc_find("inv"), 2, s->types, s->ndims, s->shapes,
                 s->strides, &s->plan_fp, NULL);
    ul_plan_fp_flags(s->plan_fp, UL_FP_UNTOUCHED);
}

static const ul_gufunc *INV;

static void run_way(setup *s, int way, long iters)
{
    switch (way) {
    case WAY_LOOP:
        for (long k = 0; k < iters; k++)
            ul_dinv_loop(s->data, s->dims, s->steps, NULL);
        break;
    case WAY_PLAN:
        for (long k = 0; k < iters; k++)
            ul_plan_run(s->plan, s->data, NULL);
        break;
    case WAY_PLAN_FP:
        for (long k = 0; k < iters; k++)
            ul_plan_run(s->plan_fp, s->data, NULL);
        break;
    default:
        for (long k = 0; k < iters; k++)
            ul_gufunc_callv(INV, 2, s->data, s->types, s->ndims, s->shapes,
                            s->strides, NULL);
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);   /* CPU time: robust to a shared machine */
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv)
{
    INV = ul_gufunc_find("inv");
    static setup s;
    if (argc == 4) {
        int way = 0;
        while (way < NWAYS && strcmp(argv[1], WAY_NAMES[way]) != 0)
            way++;
        if (way == NWAYS)
            return 2;
        setup_init(&s, atoi(argv[2]));
        run_way(&s, way, atol(argv[3]));
        ul_plan_free(s.plan);
        ul_plan_free(s.plan_fp);
        return 0;
    }
    printf("one n x n float64 inverse per call, ns (best of 15 interleaved "
           "repeats)\n");
    printf("%4s %10s %10s %10s %10s   %12s %12s\n", "n", "loop", "plan", "plan-fp",
           "callv", "plan-loop", "callv/plan");
    int sizes[] = { 1, 4, 10 };
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        setup_init(&s, sizes[z]);
        long iters = sizes[z] <= 4 ? 2000000 : 300000;
        double best[NWAYS];
        for (int w = 0; w < NWAYS; w++) {
            run_way(&s, w, iters / 10);        /* warm */
            best[w] = 1e30;
        }
        for (int r = 0; r < 15; r++)
            for (int w = 0; w < NWAYS; w++) {
                double t0 = now();
                run_way(&s, w, iters);
                double t = (now() - t0) / iters * 1e9;
                if (t < best[w])
                    best[w] = t;
            }
        printf("%4d %10.1f %10.1f %10.1f %10.1f   %12.1f %12.2f\n", sizes[z],
               best[WAY_LOOP], best[WAY_PLAN], best[WAY_PLAN_FP], best[WAY_CALLV],
               best[WAY_PLAN] - best[WAY_LOOP], best[WAY_CALLV] / best[WAY_PLAN]);
        ul_plan_free(s.plan);
        ul_plan_free(s.plan_fp);
    }
    return 0;
}
