/*
 * bench_eigh.c - the symmetric eigen kernels of one or more builds of the
 * library, A/B in one process: ns per matrix of ul_deigh_lo_loop and
 * ul_deigvalsh_lo_loop on a C-contiguous float64 stack of COUNT random SPD
 * n x n matrices (B B^T + n I), one thread, CPU time, best of REPS, the
 * libraries called alternately (so machine load hits all alike).
 *   cc -O2 bench/bench_eigh.c -o bench/out/bench_eigh -ldl
 *   cp build/out/lib/libumath_linalg.so.0.1.0 /tmp/before.so   (then rebuild)
 *   UL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 bench/out/bench_eigh N COUNT REPS \
 *       /tmp/before.so $PWD/build/out/lib/libumath_linalg.so.0.1.0
 * Prints: n, library index, eigh ns, eigvalsh ns.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef void (*loop_t)(char **, const ptrdiff_t *, const ptrdiff_t *, void *);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 12) {
        fprintf(stderr, "usage: %s N COUNT REPS LIB [LIB ...]\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]), reps = atoi(argv[3]), nl = argc - 4;
    long count = atol(argv[2]);
    loop_t fe[8], fv[8];
    for (int i = 0; i < nl; i++) {
        void *h = dlopen(argv[4 + i], RTLD_NOW | RTLD_LOCAL);
        if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
        fe[i] = (loop_t)dlsym(h, "ul_deigh_lo_loop");
        fv[i] = (loop_t)dlsym(h, "ul_deigvalsh_lo_loop");
        void (*threads)(int) = (void (*)(int))dlsym(h, "ul_set_num_threads");
        if (!fe[i] || !fv[i]) { fprintf(stderr, "%s: no eigh loops\n", argv[4 + i]); return 1; }
        if (threads) threads(1);
    }
    double *a = malloc(sizeof(double) * n * n * count), *w = malloc(sizeof(double) * n * count);
    double *v = malloc(sizeof(double) * n * n * count), b[64];
    if (n < 1 || n > 8 || !a || !w || !v) return 1;
    srand(2026);
    for (long k = 0; k < count; k++) {
        for (int i = 0; i < n * n; i++) b[i] = (rand() / (double)RAND_MAX - 0.5) * 3.4;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double s = i == j ? n : 0;
                for (int l = 0; l < n; l++) s += b[i * n + l] * b[j * n + l];
                a[k * n * n + i * n + j] = s;
            }
    }
    char *args[3] = { (char *)a, (char *)w, (char *)v };
    ptrdiff_t dims[2] = { count, n };
    ptrdiff_t st_e[8] = { 8 * n * n, 8 * n, 8 * n * n, 8 * n, 8, 8, 8 * n, 8 };
    ptrdiff_t st_v[5] = { 8 * n * n, 8 * n, 8 * n, 8, 8 };
    double be[8], bv[8];
    for (int i = 0; i < nl; i++) be[i] = bv[i] = 1e9;
    for (int r = 0; r < reps; r++)
        for (int i = 0; i < nl; i++) {
            double t = now();
            fe[i](args, dims, st_e, NULL);
            t = now() - t;
            if (t < be[i]) be[i] = t;
            t = now();
            fv[i](args, dims, st_v, NULL);
            t = now() - t;
            if (t < bv[i]) bv[i] = t;
        }
    for (int i = 0; i < nl; i++)
        printf("n=%d lib%d eigh %7.1f  eigvalsh %7.1f ns\n", n, i, be[i] / count * 1e9,
               bv[i] / count * 1e9);
    free(a); free(w); free(v);
    return 0;
}
