/*
 * Area: bridge/ul_ffi.c threads
 * Purpose: releasing a row whose loop runs in another thread gives
 *   UL_EBUSY and changes nothing; once the loop returns, release works.
 *   Several threads create, run and release their own rows at once, and
 *   share one row, without interfering.
 * Limitations: timing-free (the blocking function waits on a flag).
 */
#include "ffi_test_util.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>

static atomic_int started, go;

static double wait_then_double(double x)
{
    atomic_store(&started, 1);
    while (!atomic_load(&go))
        ;
    return 2 * x;
}

static const ul_gufunc *shared_g;
static double in1[4] = { 1, 2, 3, 4 }, out1[4];

static void *run_shared(void *arg)
{
    (void)arg;
    ptrdiff_t s[1] = { 4 }, t[1] = { 8 };
    ul_operand ops[2] = { ffi_op(in1, UL_DOUBLE, 1, s, t),
                          ffi_op(out1, UL_DOUBLE, 1, s, t) };
    return (void *)(intptr_t)ul_gufunc_call(shared_g, 2, ops, NULL);
}

static double add3(double x, double y) { return x + y + 3; }

/* Each thread: make its own row (unique name), run it, release it. */
static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg, bad = 0;
    char name[32];
    void *fn = (void *)add3;
    snprintf(name, sizeof(name), "t_worker_%d", id);
    for (int rep = 0; rep < 200; rep++) {
        const ul_gufunc *g;
        if (ul_ffi_gufunc_new(name, 2, 1, 1, &fn, "ddd", rep & 1 ?
                              UL_FFI_GENERIC : 0, NULL, NULL, &g, NULL, 0))
            return (void *)1;
        double a[3] = { id, rep, 1 }, o[3];
        ptrdiff_t s[1] = { 3 }, t[1] = { 8 };
        ul_operand ops[3] = { ffi_op(a, UL_DOUBLE, 1, s, t),
                              ffi_op(a, UL_DOUBLE, 1, s, t),
                              ffi_op(o, UL_DOUBLE, 1, s, t) };
        bad |= ul_gufunc_find(name) != g;
        bad |= ul_gufunc_call(g, 3, ops, NULL) != UL_OK;
        bad |= o[0] != 2.0 * id + 3 || o[1] != 2.0 * rep + 3 || o[2] != 5;
        bad |= ul_ffi_gufunc_release(g) != UL_OK;
    }
    return (void *)(intptr_t)bad;
}

int main(void)
{
    void *fn = (void *)wait_then_double;
    /* both paths: the fast one and libffi */
    for (int flags = 0; flags <= UL_FFI_GENERIC; flags += UL_FFI_GENERIC) {
        pthread_t th;
        void *ret;
        atomic_store(&started, 0);
        atomic_store(&go, 0);
        FCHECK_ST(ul_ffi_gufunc_new("t_busy", 1, 1, 1, &fn, "dd", flags,
                                    NULL, NULL, &shared_g, NULL, 0), UL_OK);
        FCHECK(ul_ffi_gufunc_is_direct(shared_g, 0) == !flags);
        FCHECK(pthread_create(&th, NULL, run_shared, NULL) == 0);
        while (!atomic_load(&started))
            ;
        FCHECK_ST(ul_ffi_gufunc_release(shared_g), UL_EBUSY);
        FCHECK(ul_gufunc_find("t_busy") == shared_g);
        atomic_store(&go, 1);
        FCHECK(pthread_join(th, &ret) == 0);
        FCHECK_ST((int)(intptr_t)ret, UL_OK);
        FCHECK(out1[0] == 2 && out1[3] == 8);
        FCHECK_ST(ul_ffi_gufunc_release(shared_g), UL_OK);
        FCHECK(ul_gufunc_find("t_busy") == NULL);
    }
    /* many threads registering and releasing at once */
    enum { T = 4 };
    pthread_t th[T];
    for (int i = 0; i < T; i++)
        FCHECK(pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i)
               == 0);
    for (int i = 0; i < T; i++) {
        void *ret;
        FCHECK(pthread_join(th[i], &ret) == 0);
        FCHECK(ret == NULL);
    }
    return ffi_test_done("test_ffi_busy");
}
