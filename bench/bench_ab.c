/*
 * bench_ab.c - A/B of two builds of the library, or of two CPU targets of
 * one build, in one process: each side is a copy of the library loaded
 * by dlmopen (its own link namespace: its own target choice, threads,
 * OpenBLAS), the two are called alternately on the same stack, one
 * thread, CPU time of this thread, and each keeps its minimum. On a
 * shared, loaded machine the ratio is steadier than two runs' (A against
 * A here: within ~3..5 %); and valgrind, which counts instructions
 * elsewhere, has no AVX-512.
 *   cc -O2 bench/bench_ab.c -o bench/out/bench_ab -ldl
 *   bench/out/bench_ab A B OP N COUNT ROUNDS [s]
 * A, B: paths of libumath_linalg.so.0.1.0, each optionally CPU=path: that
 * copy chooses its kernels under UL_CPU=CPU (avx2, baseline), e.g.
 *   bench/out/bench_ab avx2=build/out/lib/libumath_linalg.so.0.1.0 \
 *       build/out/lib/libumath_linalg.so.0.1.0 chol 10 1000 300
 * OP: chol (cholesky_lo of SPD B B^T + n I), inv (random + n I: no row
 * interchange), invpiv (random: interchanges), det (of random + n I), mm
 * (matmul of the stack by itself); s: float32, else float64.
 * Prints both minima in ns per matrix and B/A.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void loop_fn(char **, const ptrdiff_t *, const ptrdiff_t *, void *);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static unsigned long long rng = 88172645463325252ull;
static double unif(void)
{
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return ((rng * 2685821657736338717ull) >> 11) * 0x1p-53 - 0.5;
}

int main(int argc, char **argv)
{
    if (argc < 7)
        return 2;
    const char *op = argv[3];
    const int n = atoi(argv[4]), rounds = atoi(argv[6]);
    const long N = atol(argv[5]), nn = (long)n * n;
    const int sp = argc > 7 && argv[7][0] == 's', chol = strcmp(op, "chol") == 0,
              det = strcmp(op, "det") == 0, mm = strcmp(op, "mm") == 0;
    const ptrdiff_t es = sp ? 4 : 8;
    char *a = malloc(es * nn * N), *o = malloc(es * nn * N);
    for (long k = 0; k < N; k++) {
        double b[256];
        for (int i = 0; i < nn; i++)
            b[i] = unif();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double s = i == j && strcmp(op, "invpiv") ? n : 0;
                if (chol)
                    for (int l = 0; l < n; l++)
                        s += b[i * n + l] * b[j * n + l];
                else
                    s += b[i * n + j];
                if (sp)
                    ((float *)a)[k * nn + i * n + j] = (float)s;
                else
                    ((double *)a)[k * nn + i * n + j] = s;
            }
    }
    char *args[3] = { a, o, o }, *mmargs[3] = { a, a, o };
    ptrdiff_t dims[4] = { N, n, n, n }, steps[9] = { es * nn, es * nn, es * n, es, es * n, es };
    const ptrdiff_t detsteps[4] = { es * nn, es, es * n, es },
        mmsteps[9] = { es * nn, es * nn, es * nn, es * n, es, es * n, es, es * n, es };
    if (det)
        memcpy(steps, detsteps, sizeof detsteps);
    if (mm) {
        memcpy(steps, mmsteps, sizeof mmsteps);
        memcpy(args, mmargs, sizeof mmargs);
    }
    char name[64];
    snprintf(name, sizeof name, "ul_%c%s_loop", sp ? 's' : 'd',
             chol ? "cholesky_lo" : det ? "det" : mm ? "matmul" : "inv");
    loop_fn *f[2];
    for (int k = 0; k < 2; k++) {
        const char *path = argv[1 + k], *eq = strchr(path, '=');
        if (eq != NULL) {
            char cpu[32];
            snprintf(cpu, sizeof cpu, "%.*s", (int)(eq - path), path);
            setenv("UL_CPU", cpu, 1);
            path = eq + 1;
        } else {
            unsetenv("UL_CPU");
        }
        void *h = dlmopen(LM_ID_NEWLM, path, RTLD_NOW | RTLD_LOCAL);
        if (h == NULL) {
            fprintf(stderr, "%s\n", dlerror());
            return 1;
        }
        f[k] = (loop_fn *)dlsym(h, name);
        int (*threads)(int) = (int (*)(int))dlsym(h, "ul_set_num_threads");
        if (f[k] == NULL || threads == NULL)
            return 1;
        threads(1);
        f[k](args, dims, steps, NULL);      /* the target is chosen now */
    }
    unsetenv("UL_CPU");
    const long inner = 200000 / (N * nn * n) + 1;    /* >= ~0.1 ms a side */
    double best[2] = { 1e30, 1e30 };
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < 2; k++) {
            double t = now();
            for (long q = 0; q < inner; q++)
                f[k](args, dims, steps, NULL);
            t = (now() - t) / inner / N;
            if (t < best[k])
                best[k] = t;
        }
    printf("%s n=%d count=%ld %s: A %.1f B %.1f ns per matrix, B/A %.3f\n", op, n, N,
           sp ? "float32" : "float64", best[0] * 1e9, best[1] * 1e9, best[1] / best[0]);
    free(a);
    free(o);
    return 0;
}
