/*
 * Area: fork safety of LAPACK calls (c/core/ul_fork.c).
 * Purpose: a fork() made while another thread is inside a LAPACK call of
 *   the library returns only after that call has finished (the prepare
 *   handler waits for the calls in flight; OpenBLAS's own locks are not
 *   fork-safe), and the child can then run LAPACK-size calls. A thread
 *   starts the eigenvalues of an 800x800 matrix (?geev, ~0.2-0.4 s on one
 *   OpenBLAS thread, after a ~3 ms copy); the main thread waits until it
 *   has started, sleeps 80 ms (the call is then inside ?geev) and forks.
 *   With the guard fork returns when ?geev has ended, so the call's rest
 *   (the eigenvalues out) takes far less time than the fork did; without
 *   it the fork takes ~1-30 ms and the call another ~100 ms. The child
 *   computes a 40x40 det and exits within 30 s. A round whose call ended before the
 *   fork is repeated (up to 3).
 * Limitations: "inside ?geev after 80 ms" is timing: a thread starved for
 *   80 ms before its copy of the matrix ends would fail the test without
 *   a fault (not seen; make test runs alone).
 */
#include "ul_test.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void openblas_set_num_threads(int);

#define BIG 800
static double *big_a, big_w[2 * BIG];
static atomic_int started, finished;


static int det(const double *a, ptrdiff_t n, double *d)
{
    ptrdiff_t shape[2] = { n, n }, strides[2] = { 8 * n, 8 }, none[1] = { 0 };
    ul_operand ops[2] = { { (char *)a, UL_DOUBLE, 2, shape, strides },
                          { (char *)d, UL_DOUBLE, 0, none, none } };
    return ul_gufunc_call(ul_test_gufunc("det"), 2, ops, NULL);
}

/* eigvals (?geev): a short copy in, ~0.1-0.3 s inside LAPACK */
static void *big_call(void *arg)
{
    (void)arg;
    ptrdiff_t shape[2] = { BIG, BIG }, strides[2] = { 8 * BIG, 8 }, ws[1] = { BIG },
              wst[1] = { 16 };
    ul_operand ops[2] = { { (char *)big_a, UL_DOUBLE, 2, shape, strides },
                          { (char *)big_w, UL_CDOUBLE, 1, ws, wst } };
    atomic_store(&started, 1);
    ul_gufunc_call(ul_test_gufunc("eigvals"), 2, ops, NULL);
    atomic_store(&finished, 1);
    return NULL;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* 1: the child ran a 40x40 det and exited 0 within 30 s */
static int child_ok(pid_t pid)
{
    int status = 0;
    for (int waited = 0; waitpid(pid, &status, WNOHANG) == 0; waited++) {
        if (waited == 3000) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return 0;
        }
        usleep(10000);
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
    openblas_set_num_threads(1);        /* one OpenBLAS thread: a long call */
    big_a = malloc(sizeof *big_a * BIG * BIG);
    double small[40 * 40];
    for (ptrdiff_t i = 0; i < BIG * BIG; i++)
        big_a[i] = ul_rand() + (i % (BIG + 1) == 0 ? 4 : 0);
    for (int i = 0; i < 40 * 40; i++)
        small[i] = ul_rand() + (i % 41 == 0 ? 4 : 0);
    int rounds = 0, waited_for = 0;
    while (rounds < 3 && waited_for == 0) {
        rounds++;
        atomic_store(&started, 0);
        atomic_store(&finished, 0);
        pthread_t th;
        pthread_create(&th, NULL, big_call, NULL);
        while (!atomic_load(&started))
            usleep(1000);
        usleep(80000);
        int before = atomic_load(&finished);
        double t_call = now();
        pid_t pid = fork();
        if (pid == 0) {
            double d;
            _exit(det(small, 40, &d) == UL_OK && d != 0 ? 0 : 1);
        }
        double t_ret = now();
        pthread_join(th, NULL);
        double t_done = now();
        UL_CHECK(pid > 0, "fork failed");
        if (pid > 0)
            UL_CHECK(child_ok(pid), "the child's LAPACK call failed or hung");
        if (!before) {
            UL_CHECK(t_done - t_ret < t_ret - t_call, "fork returned %.1f ms before the "
                     "other thread's LAPACK call ended (the fork took %.1f ms; round %d)",
                     1e3 * (t_done - t_ret), 1e3 * (t_ret - t_call), rounds);
            waited_for = 1;
        }
    }
    UL_CHECK(waited_for, "no round forked during the other thread's call");
    free(big_a);
    return ul_test_done("test_fork");
}
