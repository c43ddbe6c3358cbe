/*
 * Area: reentrancy. Purpose: 6 threads run inv, solve and det through the
 * driver at once on their own stacks (sizes on both sides of the small-n
 * cut-over, singular matrices included); every result must equal, bit for
 * bit, the same call made alone beforehand, and every report must agree.
 */
#include "ul_test.h"
#include <pthread.h>

#define NTHREADS 6
#define COUNT 7
#define ROUNDS 20

typedef struct job {
    ptrdiff_t n;
    double *a, *b, *x_ref, *d_ref, *x, *d;
    ptrdiff_t nfailed_ref, first_ref;
    int ok;
} job;

static void run(job *j, double *x, double *d, ptrdiff_t *nfailed, ptrdiff_t *first)
{
    ptrdiff_t n = j->n;
    ptrdiff_t s3[3] = { COUNT, n, n }, st3[3] = { 8 * n * n, 8 * n, 8 };
    ptrdiff_t sb[3] = { COUNT, n, 2 }, stb[3] = { 16 * n, 16, 8 }, sd[1] = { COUNT }, std[1] = { 8 };
    ul_call_info info;
    ul_operand inv_ops[2] = { { (char *)j->a, UL_DOUBLE, 3, s3, st3 }, { (char *)x, UL_DOUBLE, 3, s3, st3 } };
    ul_gufunc_call(ul_gufunc_find("inv"), 2, inv_ops, &info);
    *nfailed = info.nfailed;
    *first = info.first_failed;
    ul_operand sol_ops[3] = { { (char *)j->a, UL_DOUBLE, 3, s3, st3 }, { (char *)j->b, UL_DOUBLE, 3, sb, stb },
                              { (char *)(x + COUNT * n * n), UL_DOUBLE, 3, sb, stb } };
    ul_gufunc_call(ul_gufunc_find("solve"), 3, sol_ops, NULL);
    ul_operand det_ops[2] = { { (char *)j->a, UL_DOUBLE, 3, s3, st3 }, { (char *)d, UL_DOUBLE, 1, sd, std } };
    ul_gufunc_call(ul_gufunc_find("det"), 2, det_ops, NULL);
}

static void *worker(void *arg)
{
    job *j = arg;
    size_t xs = (size_t)(COUNT * j->n * (j->n + 2));
    j->ok = 1;
    for (int r = 0; r < ROUNDS; r++) {
        ptrdiff_t nf, first;
        run(j, j->x, j->d, &nf, &first);
        /* memcmp: NaN outputs of the singular matrix compare as bytes */
        if (memcmp(j->x, j->x_ref, xs * 8) || memcmp(j->d, j->d_ref, COUNT * 8) ||
            nf != j->nfailed_ref || first != j->first_ref)
            j->ok = 0;
    }
    return NULL;
}

int main(void)
{
    static const ptrdiff_t sizes[NTHREADS] = { 2, 4, 9, 16, 17, 40 };
    job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
        job *j = &jobs[t];
        ptrdiff_t n = sizes[t];
        size_t xs = (size_t)(COUNT * n * (n + 2));
        j->n = n;
        j->a = malloc(sizeof(double) * (size_t)(COUNT * n * n));
        j->b = malloc(sizeof(double) * (size_t)(COUNT * n * 2));
        j->x_ref = calloc(xs, 8); j->x = calloc(xs, 8);
        j->d_ref = calloc(COUNT, 8); j->d = calloc(COUNT, 8);
        for (ptrdiff_t i = 0; i < COUNT * n * n; i++) j->a[i] = ul_rand();
        for (ptrdiff_t i = 0; i < COUNT * n * 2; i++) j->b[i] = ul_rand();
        for (ptrdiff_t i = 0; i < n; i++) j->a[3 * n * n + i * n] = 0;   /* matrix 3: zero column */
        run(j, j->x_ref, j->d_ref, &j->nfailed_ref, &j->first_ref);
        UL_CHECK(j->nfailed_ref == 1 && j->first_ref == 3, "serial report n=%td", n);
    }
    for (int t = 0; t < NTHREADS; t++)
        pthread_create(&th[t], NULL, worker, &jobs[t]);
    for (int t = 0; t < NTHREADS; t++) {
        pthread_join(th[t], NULL);
        UL_CHECK(jobs[t].ok, "thread with n=%td differs from the serial call", jobs[t].n);
        free(jobs[t].a); free(jobs[t].b); free(jobs[t].x_ref); free(jobs[t].x); free(jobs[t].d_ref); free(jobs[t].d);
    }
    return ul_test_done("test_threads");
}
