/*
 * callgrind_inv.c - ITERS calls of ul_dinv_loop on a stack of COUNT n x n
 * float64 matrices (one thread), for bench/callgrind_inv.sh to count the
 * instructions per matrix under callgrind.
 *
 * usage: callgrind_inv N COUNT PIV ITERS
 *   PIV 0: random entries plus n on the diagonal (no row interchange);
 *   PIV 1: random entries (partial pivoting interchanges rows).
 */
#include <stdio.h>
#include <stdlib.h>

#include "umath_linalg.h"

static unsigned long long rng = 88172645463325252ull;
static double unif(void)
{
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return ((rng * 2685821657736338717ull) >> 11) * 0x1p-53 - 0.5;
}

int main(int argc, char **argv)
{
    if (argc != 5)
        return 2;
    int n = atoi(argv[1]), piv = atoi(argv[3]);
    long count = atol(argv[2]), iters = atol(argv[4]), nn = (long)n * n;
    double *a = malloc(sizeof(double) * nn * count);
    double *x = malloc(sizeof(double) * nn * count);
    for (long i = 0; i < nn * count; i++)
        a[i] = unif();
    for (long k = 0; k < count && !piv; k++)
        for (int i = 0; i < n; i++)
            a[k * nn + i * n + i] += n;
    char *args[2] = { (char *)a, (char *)x };
    ptrdiff_t dims[2] = { count, n };
    ptrdiff_t steps[6] = { 8 * nn, 8 * nn, 8 * n, 8, 8 * n, 8 };
    ul_set_num_threads(1);
    for (long k = 0; k < iters; k++)
        ul_dinv_loop(args, dims, steps, NULL);
    printf("%g\n", x[0]);
    free(a);
    free(x);
    return 0;
}
