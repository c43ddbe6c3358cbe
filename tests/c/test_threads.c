/*
 * Area: reentrancy and the split of big stacks across cores.
 * Purpose: 6 threads run inv, solve and det through the driver at once on
 * their own stacks (sizes on both sides of the small-n cut-over, singular
 * matrices included); every result must equal, bit for bit, the same call
 * made alone beforehand, and every report must agree. Then big stacks run
 * split across 2 and 5 threads and unsplit (ul_set_num_threads) must agree
 * bit for bit, with singular matrices on both sides of the cut; big split
 * calls from 3 threads at once (one owns the helper pool, the others run
 * alone) and from a forked child (no helpers inherited) must agree too.
 */
#include "ul_test.h"
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* every loop of the table on a big stack, split or not */
static void test_split(int type, ptrdiff_t n, ptrdiff_t count)
{
    const ul_dtype *dt = ul_dtype_of(type);
    size_t es = dt->size, mat = (size_t)(n * n) * es;
    char *a = malloc(mat * (size_t)count), *b = malloc((size_t)(n * count) * es);
    enum { R = 3 };
    static const int nthreads[R] = { 1, 2, 5 };
    char *out[R][3];
    for (int r = 0; r < R; r++)
        for (int k = 0; k < 3; k++)
            out[r][k] = calloc((size_t)count, mat);
    for (ptrdiff_t i = 0; i < n * n * count; i++)
        ul_put(type, a + (size_t)i * es, CMPLX(ul_rand(), dt->complex_ ? ul_rand() : 0));
    for (ptrdiff_t i = 0; i < n * count; i++)
        ul_put(type, b + (size_t)i * es, ul_rand());
    /* singular matrices on both sides of chunk boundaries (2 threads:
     * chunks of count / 8 rounded down to 16, umath_linalg.h) */
    ptrdiff_t chunk = count / 8 / 16 * 16;
    ptrdiff_t sing[4] = { 4 * chunk, 4 * chunk - 1, count - 1, chunk - 1 };
    for (int s = 0; s < 4; s++)          /* zero row: exactly singular */
        for (ptrdiff_t j = 0; j < n; j++)
            ul_put(type, a + (size_t)sing[s] * mat + (size_t)j * es, 0);
    ptrdiff_t s3[3] = { count, n, n }, st3[3] = { (ptrdiff_t)mat, n * (ptrdiff_t)es, (ptrdiff_t)es };
    ptrdiff_t s2[2] = { count, n }, st2[2] = { n * (ptrdiff_t)es, (ptrdiff_t)es };
    ptrdiff_t s1[1] = { count }, st1[1] = { (ptrdiff_t)es }, stl[1] = { (ptrdiff_t)(es / (dt->complex_ ? 2 : 1)) };
    ul_call_info info[R][3];
    for (int r = 0; r < R; r++) {
        ul_set_num_threads(nthreads[r]);
        ul_operand inv_ops[2] = { { a, type, 3, s3, st3 }, { out[r][0], type, 3, s3, st3 } };
        ul_gufunc_call(ul_gufunc_find("inv"), 2, inv_ops, &info[r][0]);
        ul_operand sol_ops[3] = { { a, type, 3, s3, st3 }, { b, type, 2, s2, st2 }, { out[r][1], type, 2, s2, st2 } };
        ul_gufunc_call(ul_gufunc_find("solve1"), 3, sol_ops, &info[r][1]);
        ul_operand sl_ops[3] = { { a, type, 3, s3, st3 }, { out[r][2], type, 1, s1, st1 },
                                 { out[r][2] + (size_t)count * es, dt->real_type, 1, s1, stl } };
        ul_gufunc_call(ul_gufunc_find("slogdet"), 3, sl_ops, &info[r][2]);
    }
    ul_set_num_threads(0);
    for (int r = 1; r < R; r++)
        for (int k = 0; k < 3; k++) {
            UL_CHECK(memcmp(out[0][k], out[r][k], (size_t)count * mat) == 0,
                     "split differs: %c n=%td op %d, %d threads", dt->ch, n, k, nthreads[r]);
            UL_CHECK(info[0][k].nfailed == info[r][k].nfailed && info[0][k].first_failed == info[r][k].first_failed,
                     "split report %td/%td vs %td/%td", info[0][k].nfailed, info[0][k].first_failed,
                     info[r][k].nfailed, info[r][k].first_failed);
        }
    UL_CHECK(info[1][0].nfailed == 4 && info[1][0].first_failed == chunk - 1, "split inv report %td %td",
             info[1][0].nfailed, info[1][0].first_failed);
    free(a); free(b);
    for (int r = 0; r < R; r++)
        for (int k = 0; k < 3; k++)
            free(out[r][k]);
}

/* ---- big split calls from several threads at once, and after fork ---- */
#define BIG_N 4
#define BIG_COUNT 40000
typedef struct big {
    double *a, *x, *ref;
    int ok;
} big;

static void big_inv(const double *a, double *x)
{
    ptrdiff_t s3[3] = { BIG_COUNT, BIG_N, BIG_N }, st3[3] = { 8 * BIG_N * BIG_N, 8 * BIG_N, 8 };
    ul_operand ops[2] = { { (char *)a, UL_DOUBLE, 3, s3, st3 }, { (char *)x, UL_DOUBLE, 3, s3, st3 } };
    ul_gufunc_call(ul_gufunc_find("inv"), 2, ops, NULL);
}

static void *big_worker(void *arg)
{
    big *g = arg;
    g->ok = 1;
    for (int r = 0; r < 5; r++) {
        memset(g->x, 0, sizeof(double) * BIG_COUNT * BIG_N * BIG_N);
        big_inv(g->a, g->x);
        g->ok &= memcmp(g->x, g->ref, sizeof(double) * BIG_COUNT * BIG_N * BIG_N) == 0;
    }
    return NULL;
}

static void test_big_concurrent(void)
{
    enum { T = 3 };
    size_t bytes = sizeof(double) * BIG_COUNT * BIG_N * BIG_N;
    big g[T];
    pthread_t th[T];
    ul_set_num_threads(1);
    for (int t = 0; t < T; t++) {
        g[t].a = malloc(bytes); g[t].x = malloc(bytes); g[t].ref = malloc(bytes);
        for (size_t i = 0; i < bytes / 8; i++) g[t].a[i] = ul_rand();
        big_inv(g[t].a, g[t].ref);
    }
    ul_set_num_threads(2);
    for (int t = 0; t < T; t++)
        pthread_create(&th[t], NULL, big_worker, &g[t]);
    for (int t = 0; t < T; t++) {
        pthread_join(th[t], NULL);
        UL_CHECK(g[t].ok, "concurrent big call %d differs from the serial one", t);
    }
    /* the pool has helpers now; a forked child has none and must not wait
     * for them (alarm: a hang fails instead of blocking the suite) */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(60);
        big_worker(&g[0]);
        _exit(g[0].ok ? 0 : 1);
    }
    int status = 0;
    UL_CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
             "split call in a forked child (status %d)", status);
    ul_set_num_threads(0);
    for (int t = 0; t < T; t++) {
        free(g[t].a); free(g[t].x); free(g[t].ref);
    }
}

int main(void)
{
    /* each above the 2-thread split threshold (c/core/ul_threads.c: N n^3 >= 2 * 10^6,
     * N >= 1024); complex128 n = 16 runs the LAPACK path, which never
     * splits */
    test_split(UL_DOUBLE, 4, 40001);
    test_split(UL_FLOAT, 3, 80000);
    test_split(UL_DOUBLE, 10, 2703);
    test_split(UL_CDOUBLE, 16, 1100);
    test_split(UL_CDOUBLE, 8, 4100);     /* the complex kernel, split */
    test_big_concurrent();
    UL_CHECK(ul_set_num_threads(5) == 0 && ul_set_num_threads(0) == 5, "ul_set_num_threads returns the previous setting");
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
