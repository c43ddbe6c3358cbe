/*
 * ul_fork.c - fork safety of the library's LAPACK calls. OpenBLAS does not
 * reset its allocator lock (blas_memory_alloc) in a forked child, and its
 * own fork handler shuts its thread pool down under callers still inside
 * a threaded call: a fork while another thread is inside OpenBLAS can leave
 * the child's first LAPACK call blocked forever (seen in test_soak). So
 * every call the library makes into LAPACK/BLAS (UL_LAPACK_CALL) is
 * counted, and the fork's prepare handler stops new ones and waits until
 * none is in flight. Calls into OpenBLAS from outside this library are not
 * covered, and a fork from a signal handler that interrupted one of the
 * library's LAPACK calls on the same thread would wait for itself.
 */
#include "ul_impl.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

static atomic_int ul_lapack_inflight;   /* threads inside a LAPACK call */
static atomic_int ul_forks_pending;     /* forks between prepare and parent */

UL_HIDDEN void ul_lapack_enter(void)
{
    for (;;) {
        while (atomic_load(&ul_forks_pending) > 0)
            sched_yield();
        atomic_fetch_add(&ul_lapack_inflight, 1);
        if (atomic_load(&ul_forks_pending) == 0)
            return;
        atomic_fetch_sub(&ul_lapack_inflight, 1);   /* a fork came first */
    }
}

UL_HIDDEN void ul_lapack_leave(void)
{
    atomic_fetch_sub(&ul_lapack_inflight, 1);
}

static void ul_fork_prepare(void)
{
    atomic_fetch_add(&ul_forks_pending, 1);
    while (atomic_load(&ul_lapack_inflight) > 0)
        sched_yield();
}

static void ul_fork_parent(void)
{
    atomic_fetch_sub(&ul_forks_pending, 1);
}

static void ul_fork_child(void)        /* the other threads are gone */
{
    atomic_store(&ul_lapack_inflight, 0);
    atomic_store(&ul_forks_pending, 0);
}

/* At load, after OpenBLAS (a dependency, loaded first) registered its
 * handlers: prepare handlers run in reverse order, so ours runs first. */
__attribute__((constructor)) static void ul_fork_register(void)
{
    pthread_atfork(ul_fork_prepare, ul_fork_parent, ul_fork_child);
}
