/*
 * ul_threads.c - threads for big stacks of small matrices: how many
 * (ul_set_num_threads, $UL_NUM_THREADS, else the online cores), the helper
 * pool kept across calls, and ul_threads_run, which shares one kernel call
 * among them in chunks. Used by ul_small_run (c/small/ul_small.c).
 */
#include "ul_impl.h"
#include "ul_split.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ul_cpu_relax() _mm_pause()
#else
#define ul_cpu_relax() ((void)0)
#endif

/* ---- how many threads a big small-matrix stack may use ---- */
static _Atomic int ul_threads_set;          /* 0: default */
static int ul_threads_default;
static pthread_once_t ul_threads_once = PTHREAD_ONCE_INIT;

static int ul_threads_clamp(long n)
{
    return n < 1 ? 1 : n > UL_MAX_THREADS ? UL_MAX_THREADS : (int)n;
}

static void ul_threads_init(void)
{
    const char *env = getenv("UL_NUM_THREADS");
    long n = env && *env ? atol(env) : sysconf(_SC_NPROCESSORS_ONLN);
    ul_threads_default = ul_threads_clamp(n);
}

UL_API int ul_set_num_threads(int n)
{
    return atomic_exchange(&ul_threads_set, n <= 0 ? 0 : ul_threads_clamp(n));
}

static int ul_num_threads(void)
{
    int n = atomic_load(&ul_threads_set);
    if (n > 0)
        return n;
    pthread_once(&ul_threads_once, ul_threads_init);
    return ul_threads_default;
}

/* Work per thread before a call is split: ~0.3 ms of n^3 units. */
#define UL_SPLIT_WORK 1e6

/* Work sharing for one big call: fixed chunks of `chunk` matrices (the
 * last one takes the remainder, so no chunk is shorter than a chunk),
 * handed out by an atomic counter, so a thread that gets no CPU on a busy
 * machine does not hold the others up. A chunk is a multiple of 16 (every
 * lane count), so each matrix sits in the same lane as in a serial call,
 * and a quarter of a thread's share: long contiguous runs keep the
 * hardware prefetchers going (interleaved chunks of 256 4x4 matrices ran
 * 7.9 ns per matrix on 2 threads, quarters 5.3), four per thread still
 * even out a thread that starts late. Each thread keeps its own failure
 * count and first failed index; they are combined at the end. */
#define UL_CHUNKS_PER_THREAD 4
typedef struct ul_split_part {
    struct ul_split_work *w;
    ptrdiff_t nfail, first;
    int declined;
} ul_split_part;

typedef struct ul_split_work {
    ul_kernel_fn fn;
    char **args;
    const ptrdiff_t *dims, *steps;
    int nargs, ndims;
    ptrdiff_t chunk, nchunks;
    ptrdiff_t next;                 /* atomic */
    ul_split_part part[UL_MAX_THREADS];
} ul_split_work;

_Thread_local ptrdiff_t ul_split_whole;

static void ul_split_worker(ul_split_part *part)
{
    ul_split_work *w = part->w;
    ul_split_whole = w->dims[0];
    part->nfail = 0;
    part->first = -1;
    part->declined = 0;
    for (;;) {
        ptrdiff_t c = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED);
        if (c >= w->nchunks)
            break;
        ptrdiff_t start = c * w->chunk;
        ptrdiff_t cnt = c == w->nchunks - 1 ? w->dims[0] - start : w->chunk;
        char *args[UL_KERNEL_MAX_ARGS];
        ptrdiff_t dims[UL_KERNEL_MAX_DIMS], ff = -1;
        for (int i = 0; i < w->nargs; i++)
            args[i] = w->args[i] + start * w->steps[i];
        for (int i = 0; i < w->ndims; i++)
            dims[i] = w->dims[i];
        dims[0] = cnt;
        ptrdiff_t r = w->fn(args, dims, w->steps, &ff);
        if (r < 0)
            part->declined = 1;
        if (r > 0) {
            part->nfail += r;
            if (part->first < 0 || start + ff < part->first)
                part->first = start + ff;
        }
    }
    ul_split_whole = 0;
}

/* ---- the helper threads -------------------------------------------------
 * Started by the first big call that needs them and kept. Waking a
 * sleeping thread, like creating one, takes 50-200 us on a virtual
 * machine, a good part of a ~1 ms call; so after a job a helper spins for
 * UL_SPIN_NS, where a caller looping over big stacks finds it awake, and
 * only then sleeps on a condition variable. One call at a time owns the
 * pool (a concurrent call runs alone on its own thread). Helpers block all
 * signals. A forked child starts with none (pthread_atfork), and the
 * library is linked -z nodelete, so dlclose never unmaps their code. */
#define UL_SPIN_NS 500000
typedef struct ul_slot {
    ul_split_part *part;            /* the job: written before gen */
    unsigned long gen;              /* atomic: bumped per job */
} ul_slot;

static struct {
    pthread_mutex_t mu;             /* guards sleepers and the two conds */
    pthread_cond_t wake, idle;
    int sleepers;
    int owned;                      /* atomic: a call owns the pool */
    int nhelpers;                   /* started (owner only) */
    unsigned long active;           /* atomic: helpers inside the job */
    ul_slot slot[UL_MAX_THREADS];   /* slot[h] for helper h >= 1 */
} ul_pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
              PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, { { NULL, 0 } } };
static pthread_once_t ul_pool_once = PTHREAD_ONCE_INIT;

static void ul_pool_atfork_child(void)
{
    pthread_mutex_init(&ul_pool.mu, NULL);
    pthread_cond_init(&ul_pool.wake, NULL);
    pthread_cond_init(&ul_pool.idle, NULL);
    ul_pool.sleepers = ul_pool.owned = ul_pool.nhelpers = ul_pool.active = 0;
}

static void ul_pool_init(void)
{
    pthread_atfork(NULL, NULL, ul_pool_atfork_child);
}

static long long ul_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Spins for up to UL_SPIN_NS while *v == old, then sleeps on cond until it
 * changes; returns the new value. */
static unsigned long ul_pool_await(const unsigned long *v, unsigned long old,
                                   pthread_cond_t *cond)
{
    long long t0 = 0;
    for (unsigned i = 1;; i++) {
        unsigned long x = __atomic_load_n(v, __ATOMIC_ACQUIRE);
        if (x != old)
            return x;
        ul_cpu_relax();
        if (i % 256 == 0) {
            long long t = ul_now_ns();
            if (t0 == 0)
                t0 = t;
            else if (t - t0 > UL_SPIN_NS)
                break;
        }
    }
    pthread_mutex_lock(&ul_pool.mu);
    ul_pool.sleepers++;
    unsigned long x;
    while ((x = __atomic_load_n(v, __ATOMIC_ACQUIRE)) == old)
        pthread_cond_wait(cond, &ul_pool.mu);
    ul_pool.sleepers--;
    pthread_mutex_unlock(&ul_pool.mu);
    return x;
}

/* Wakes whoever sleeps in ul_pool_await (after the value was stored). */
static void ul_pool_kick(pthread_cond_t *cond)
{
    pthread_mutex_lock(&ul_pool.mu);
    if (ul_pool.sleepers > 0)
        pthread_cond_broadcast(cond);
    pthread_mutex_unlock(&ul_pool.mu);
}

static void *ul_pool_helper(void *arg)
{
    ul_slot *slot = arg;
    unsigned long seen = 0;
    for (;;) {
        seen = ul_pool_await(&slot->gen, seen, &ul_pool.wake);
        ul_split_worker(slot->part);
        if (__atomic_sub_fetch(&ul_pool.active, 1, __ATOMIC_ACQ_REL) == 0)
            ul_pool_kick(&ul_pool.idle);
    }
    return NULL;
}

/* Starts helpers 1 .. nt - 1 that are missing; returns how many threads
 * (with the caller) can work. Pool owner only. */
static int ul_pool_grow(int nt)
{
    if (ul_pool.nhelpers >= nt - 1)
        return nt;
    pthread_once(&ul_pool_once, ul_pool_init);
    pthread_attr_t attr;
    sigset_t all, old;
    sigfillset(&all);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    while (ul_pool.nhelpers < nt - 1) {
        ul_slot *slot = &ul_pool.slot[ul_pool.nhelpers + 1];
        slot->gen = 0;
        pthread_t tid;
        if (pthread_create(&tid, &attr, ul_pool_helper, slot) != 0)
            break;
        ul_pool.nhelpers++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return ul_pool.nhelpers + 1 < nt ? ul_pool.nhelpers + 1 : nt;
}

/* Runs fn on the whole call, shared among threads when big enough. */
UL_HIDDEN ptrdiff_t ul_threads_run(ul_kernel_fn fn, int nargs, int ndims,
    char **args, const ptrdiff_t *dims, const ptrdiff_t *steps,
    ptrdiff_t *first_failed)
{
    if (nargs > UL_KERNEL_MAX_ARGS || ndims > UL_KERNEL_MAX_DIMS)
        return fn(args, dims, steps, first_failed);
    const ptrdiff_t N = dims[0], n = dims[1];
    const double work = (double)N * (double)(n * n * n);
    int nt = ul_num_threads();
    if (nt > work / UL_SPLIT_WORK)
        nt = (int)(work / UL_SPLIT_WORK);
    if (nt > N / (16 * UL_CHUNKS_PER_THREAD))
        nt = (int)(N / (16 * UL_CHUNKS_PER_THREAD));
    if (nt < 2 || __atomic_exchange_n(&ul_pool.owned, 1, __ATOMIC_ACQUIRE))
        return fn(args, dims, steps, first_failed);
    nt = ul_pool_grow(nt);
    const ptrdiff_t chunk = N / (nt * UL_CHUNKS_PER_THREAD) / 16 * 16;
    ul_split_work w = { fn, args, dims, steps, nargs, ndims, chunk, N / chunk, 0,
                        { { NULL, 0, 0, 0 } } };
    for (int t = 0; t < nt; t++)
        w.part[t].w = &w;
    /* post the job to helpers 1 .. nt - 1, work, wait until they are out */
    __atomic_store_n(&ul_pool.active, (unsigned long)(nt - 1), __ATOMIC_RELAXED);
    for (int t = 1; t < nt; t++) {
        ul_pool.slot[t].part = &w.part[t];
        __atomic_add_fetch(&ul_pool.slot[t].gen, 1, __ATOMIC_RELEASE);
    }
    ul_pool_kick(&ul_pool.wake);
    ul_split_worker(&w.part[0]);
    unsigned long left = (unsigned long)(nt - 1);
    while ((left = ul_pool_await(&ul_pool.active, left, &ul_pool.idle)) != 0)
        ;
    __atomic_store_n(&ul_pool.owned, 0, __ATOMIC_RELEASE);
    ptrdiff_t total = 0;
    *first_failed = -1;
    /* a kernel that declines (say svd above its n) does so for every
     * chunk and wrote nothing: the caller's LAPACK path runs it all */
    for (int t = 0; t < nt; t++)
        if (w.part[t].declined)
            return -1;
    for (int t = 0; t < nt; t++) {
        total += w.part[t].nfail;
        if (w.part[t].first >= 0 && (*first_failed < 0 || w.part[t].first < *first_failed))
            *first_failed = w.part[t].first;
    }
    return total;
}

