/*
 * Area: threads (the driver, the loops, the helper pool, plans, ffi rows).
 * Purpose: every row and loop of the table, on the small-kernel path
 *   (n = 3), the LAPACK path (n = 40), 2-d outer stacks with gapped
 *   strides, and stacks big enough for the helper-thread split (n = 16,
 *   512 matrices; one dtype per row, round robin), plus a run-time ffi row,
 *   are first run serially (one thread, no split) for reference; then 8
 *   threads call them in random order, through ul_gufunc_call or one plan
 *   per case shared by all threads, for SOAK_SECONDS (default 3; `make
 *   soak`: 60), each result bit for bit the serial one with the same
 *   status. Meanwhile the main thread forks every 0.25 s: the child (only
 *   the forking thread survives) runs a split-size call, which must start
 *   a fresh helper pool (pthread_atfork), and a LAPACK one, checks them
 *   and exits; a child that does not finish within 30 s fails the test.
 * Limitations: the schedule is random (seed printed); a race shows up as a
 *   wrong bit or a status only when the timing hits it (TSan: `make
 *   soak-tsan`). The forks check c/core/ul_fork.c: without it, about one
 *   child in 100 hung in OpenBLAS's allocator lock (blas_memory_alloc,
 *   held by a parent thread at the fork). OpenBLAS runs on one thread
 *   here: with two, 8 callers stalled inside OpenBLAS 0.3.21 (in
 *   exec_blas_async from dsymv_thread_L, with forks or without).
 */
#include "table_case.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 8
void openblas_set_num_threads(int);     /* libopenblas (linked by DEP_LIBS) */
#define MAXCASES 1024

static tcase cases[MAXCASES];
static int ref_rc[MAXCASES], ncases;
static ul_plan *plans[MAXCASES];
static atomic_int stop;
static atomic_long n_calls, n_bad;

static void add_case(const ul_gufunc *g, int t, ptrdiff_t n, int nouter,
                     const ptrdiff_t *outer, int gapped)
{
    if (ncases < MAXCASES && tc_build(&cases[ncases], g, t, n, nouter, outer, gapped))
        ncases++;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

/* Case i on fresh buffers (inputs shared unless the row writes them),
 * through the shared plan when via_plan; 1 when status and every byte of
 * the outputs are the serial run's. */
static int check_case(int i, int via_plan)
{
    const tcase *c = &cases[i];
    unsigned char *b[TC_MAXOPS];
    for (int k = 0; k < c->nops; k++) {
        int own = k >= c->nin || tc_writes_input(c);
        b[k] = own ? malloc(c->bytes[k]) : c->init[k];
        if (own && k < c->nin)
            memcpy(b[k], c->init[k], c->bytes[k]);
        else if (own)
            memset(b[k], UL_SENTINEL, c->bytes[k]);
    }
    int rc;
    if (via_plan && plans[i]) {
        char *data[TC_MAXOPS];
        for (int k = 0; k < c->nops; k++)
            data[k] = (char *)b[k] + c->off[k];
        rc = ul_plan_run(plans[i], data, NULL);
    } else {
        rc = tc_call(c, b, NULL);
    }
    int same = rc == ref_rc[i];
    for (int k = c->nin; k < c->nops; k++)
        same &= memcmp(b[k], c->buf[k], c->bytes[k]) == 0;
    for (int k = 0; k < c->nops; k++)
        if (b[k] != c->init[k])
            free(b[k]);
    return same;
}

static void *worker(void *arg)
{
    uint64_t s = (uint64_t)(uintptr_t)arg;
    while (!atomic_load(&stop)) {
        uint64_t r = next(&s);
        int i = (int)(r % (uint64_t)ncases);
        if (!check_case(i, (int)(r >> 32) & 1)) {
            if (atomic_fetch_add(&n_bad, 1) < 10)
                fprintf(stderr, "threaded %s differs from the serial run\n",
                        cases[i].name);
        }
        atomic_fetch_add(&n_calls, 1);
    }
    return NULL;
}

/* Index of the first case whose name starts with `prefix`, or 0. */
static int find_case(const char *prefix)
{
    for (int i = 0; i < ncases; i++)
        if (strncmp(cases[i].name, prefix, strlen(prefix)) == 0)
            return i;
    return 0;
}

/* Forks; the child checks two cases and exits. 1 on a clean child. */
static int fork_once(int split_case, int lapack_case)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(check_case(split_case, 0) && check_case(lapack_case, 1) ? 0 : 1);
    if (pid < 0)
        return 0;
    int status = 0;
    for (int waited = 0; waitpid(pid, &status, WNOHANG) == 0; waited++) {
        if (waited == 3000) {       /* 30 s */
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            fprintf(stderr, "forked child hung\n");
            return 0;
        }
        usleep(10000);
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void rowsum(const double *a, double *o, ptrdiff_t n)
{
    double s = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        s += a[i];
    *o = s;
}

int main(void)
{
    const char *env = getenv("SOAK_SECONDS");
    double seconds = env && *env ? atof(env) : 3;
    const char *fenv = getenv("SOAK_FORK");     /* 0: no forks (diagnosis) */
    int fork_every = !(fenv && strcmp(fenv, "0") == 0);
    uint64_t seed = (uint64_t)time(NULL) | 1;
    printf("test_soak: seed %llu, %g s\n", (unsigned long long)seed, seconds);
    openblas_set_num_threads(1);        /* see Limitations */

    const ptrdiff_t flat5[1] = { 5 }, flat2[1] = { 2 }, two[2] = { 2, 3 },
                    big[1] = { 512 };
    size_t nrows = ul_gufunc_count();
    for (size_t r = 0; r < nrows; r++) {
        const ul_gufunc *g = ul_gufunc_at(r);
        for (int t = 0; t < g->ntypes; t++) {
            add_case(g, t, 3, 1, flat5, 0);
            add_case(g, t, 40, 1, flat2, 0);
            add_case(g, t, 3, 2, two, 1);
        }
        add_case(g, (int)(r % (size_t)g->ntypes), 16, 1, big, 0);
    }
    void *rowsum_fn = (void *)rowsum;
    const ul_gufunc *ffi_row = NULL;
    UL_CHECK(ul_ffi_gufunc_new("soak_rowsum", 1, 1, 1, &rowsum_fn, "dd",
                               UL_FFI_STACK_INPUTS, "(n)->()", NULL, &ffi_row,
                               NULL, 0) == UL_OK, "ffi row");
    if (ffi_row)
        add_case(ffi_row, 0, 7, 2, two, 1);

    /* the serial reference: one thread, no split; c->buf keeps it */
    int prev = ul_set_num_threads(1);
    for (int i = 0; i < ncases; i++) {
        ul_operand ops[TC_MAXOPS];
        tc_reset(&cases[i], cases[i].buf);
        ref_rc[i] = tc_call(&cases[i], cases[i].buf, NULL);
        UL_CHECK(ref_rc[i] == UL_OK, "%s: serial rc %d", cases[i].name, ref_rc[i]);
        tc_ops(&cases[i], cases[i].buf, ops);
        UL_CHECK(ul_plan_new(cases[i].g, cases[i].nops, ops, &plans[i], NULL) == UL_OK,
                 "%s: plan", cases[i].name);
    }
    ul_set_num_threads(4);          /* more helpers than cores: contention */

    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++)
        pthread_create(&th[t], NULL, worker, (void *)(uintptr_t)(seed + 77u * (unsigned)t));
    int split_case = find_case("inv loop 1 n=16"), lapack_case = find_case("det loop 3 n=40");
    int forks = 0, clean = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        usleep(250000);
        if (fork_every) {
            forks++;
            clean += fork_once(split_case, lapack_case);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
    } while ((double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec) < seconds);
    atomic_store(&stop, 1);
    for (int t = 0; t < NTHREADS; t++)
        pthread_join(th[t], NULL);

    UL_CHECK(n_bad == 0, "%ld of %ld threaded calls differ from the serial run",
             (long)n_bad, (long)n_calls);
    UL_CHECK(clean == forks, "%d of %d forked children failed", forks - clean, forks);
    UL_CHECK(n_calls > ncases, "only %ld calls for %d cases", (long)n_calls, ncases);
    printf("test_soak: %d cases, %ld threaded calls, %d forks\n", ncases,
           (long)n_calls, forks);
    for (int i = 0; i < ncases; i++) {
        ul_plan_free(plans[i]);
        tc_free(&cases[i]);
    }
    UL_CHECK(ffi_row == NULL || ul_ffi_gufunc_release(ffi_row) == UL_OK, "release");
    ul_set_num_threads(prev);
    return ul_test_done("test_soak");
}
