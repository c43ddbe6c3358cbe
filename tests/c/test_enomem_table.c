/*
 * Area: allocation failure over the whole table (ul_set_allocator).
 * Purpose: a countdown allocator fails the k-th allocation, k = 0, 1, ...,
 *   until a call makes no more allocations than k; for every row of the
 *   table and every loop (dtype), on the small-kernel path (n = 3), the
 *   LAPACK path (n = 40), a 2-d outer stack (one loop call per row, so a
 *   later call fails after an earlier one succeeded), gapped strides, a
 *   stack big enough for the helper-thread split (n = 16, 512 matrices),
 *   through ul_gufunc_call, ul_gufunc_callv and plans (new + run), outputs
 *   overlapping inputs (the driver's copy), and run-time rows of
 *   ul_ffi_gufunc_new (their scratch): each failing call returns UL_ENOMEM
 *   with a message, every output element is untouched, NaN (-1 for an
 *   int32 rank) or the reference result, no byte between or around the
 *   elements is written, inputs are not written, and allocations equal
 *   frees; the call that no failure reaches gives the reference bits.
 * Limitations: OpenBLAS's and glibc's own allocations (pthread_create) do
 *   not go through ul_set_allocator.
 */
#include "table_case.h"
#include <stdatomic.h>

static atomic_long n_calls, n_ok, n_frees;
static long fail_at = -1;

static void *cd_malloc(size_t n)
{
    if (atomic_fetch_add(&n_calls, 1) == fail_at)
        return NULL;
    atomic_fetch_add(&n_ok, 1);
    return malloc(n);
}

static void cd_free(void *p)
{
    atomic_fetch_add(&n_frees, 1);
    free(p);
}

static void countdown_from(long k)
{
    n_calls = n_ok = n_frees = 0;
    fail_at = k;
}

enum { BY_CALL, BY_CALLV, BY_PLAN, BY_OVERLAP };
static const char *const mode_name[] = { "call", "callv", "plan", "in place" };

/* The call in mode m; BY_OVERLAP: output 0 written over input 0. */
static int run(const tcase *c, unsigned char *const *b, int m, ul_call_info *info)
{
    ul_operand ops[TC_MAXOPS];
    tc_ops(c, b, ops);
    if (m == BY_OVERLAP && c->nin < TC_MAXOPS)
        ops[c->nin].data = ops[0].data;
    if (m == BY_CALLV) {
        char *data[TC_MAXOPS];
        int types[TC_MAXOPS], ndims[TC_MAXOPS];
        ptrdiff_t shapes[TC_MAXOPS * TC_MAXND], strides[TC_MAXOPS * TC_MAXND];
        int at = 0;
        for (int i = 0; i < c->nops; i++) {
            data[i] = ops[i].data, types[i] = ops[i].type, ndims[i] = ops[i].ndim;
            for (int d = 0; d < ops[i].ndim; d++, at++)
                shapes[at] = ops[i].shape[d], strides[at] = ops[i].strides[d];
        }
        return ul_gufunc_callv(c->g, c->nops, data, types, ndims, shapes,
                               strides, info);
    }
    if (m != BY_PLAN)
        return ul_gufunc_call(c->g, c->nops, ops, info);
    ul_plan *p = (ul_plan *)&p;
    int rc = ul_plan_new(c->g, c->nops, ops, &p, info);
    if (rc != UL_OK) {
        UL_CHECK(p == NULL, "%s: failed plan not NULL", c->name);
        return rc;
    }
    char *data[TC_MAXOPS];
    for (int i = 0; i < c->nops; i++)
        data[i] = ops[i].data;
    rc = ul_plan_run(p, data, info);
    ul_plan_free(p);
    return rc;
}

/* After a failed call: outputs element by element untouched, failed or
 * the reference; the other bytes untouched; inputs unchanged. */
static void check_failed(const tcase *c, int m, long k, unsigned char *const *ref)
{
    for (int i = 0; i < c->nops; i++) {
        int in_place = m == BY_OVERLAP && i == 0;
        if (i < c->nin && !in_place) {
            UL_CHECK(tc_writes_input(c) ||
                     memcmp(c->buf[i], c->init[i], c->bytes[i]) == 0,
                     "%s (%s), allocation %ld failed: input %d written",
                     c->name, mode_name[m], k, i);
            continue;
        }
        const unsigned char *b = c->buf[i], *r = ref[i];
        size_t bad = 0, es = c->esize[i];
        for (size_t at = 0; at < c->bytes[i]; at++) {
            if (!c->elem[i][at]) {
                bad += b[at] != (in_place ? c->init[i][at] : UL_SENTINEL);
                continue;
            }
            int untouched = in_place ? memcmp(b + at, c->init[i] + at, es) == 0
                                     : b[at] == UL_SENTINEL;
            if (!untouched && !tc_is_failed(c->type[i], b + at) &&
                memcmp(b + at, r + at, es) != 0)
                bad++;
            at += es - 1;
        }
        UL_CHECK(bad == 0, "%s (%s), allocation %ld failed: operand %d has "
                 "%zu bytes that are no output, NaN or untouched", c->name,
                 mode_name[m], k, i, bad);
    }
}

/* The countdown for one case and mode; returns the allocations it made. */
static long countdown(tcase *c, int m)
{
    unsigned char *ref[TC_MAXOPS];
    ul_call_info info;
    tc_reset(c, c->buf);
    countdown_from(-1);
    int rc = run(c, c->buf, m, &info);
    UL_CHECK(rc == UL_OK, "%s (%s): reference call rc %d (%s)", c->name,
             mode_name[m], rc, info.message);
    for (int i = 0; i < c->nops; i++) {
        ref[i] = malloc(c->bytes[i]);
        memcpy(ref[i], c->buf[i], c->bytes[i]);
    }
    long k;
    for (k = 0; k < 50; k++) {
        tc_reset(c, c->buf);
        countdown_from(k);
        rc = run(c, c->buf, m, &info);
        UL_CHECK(n_ok == n_frees, "%s (%s), allocation %ld failed: %ld "
                 "allocations, %ld frees", c->name, mode_name[m], k,
                 (long)n_ok, (long)n_frees);
        if (n_calls <= k) {         /* no allocation failed: the reference */
            int same = rc == UL_OK;
            for (int i = 0; i < c->nops; i++)
                same &= memcmp(c->buf[i], ref[i], c->bytes[i]) == 0;
            UL_CHECK(same, "%s (%s) after the countdown: rc %d or outputs "
                     "differ", c->name, mode_name[m], rc);
            break;
        }
        UL_CHECK(rc == UL_ENOMEM && info.status == UL_ENOMEM &&
                 strstr(info.message, "memory"), "%s (%s), allocation %ld "
                 "failed: rc %d (%s)", c->name, mode_name[m], k, rc, info.message);
        check_failed(c, m, k, ref);
    }
    UL_CHECK(k < 50, "%s (%s): 50 allocations or more", c->name, mode_name[m]);
    countdown_from(-1);
    for (int i = 0; i < c->nops; i++)
        free(ref[i]);
    return k;
}

/* Every mode that fits this case; returns the allocations made. */
static long sweep(const ul_gufunc *g, int loop, ptrdiff_t n, int nouter,
                  const ptrdiff_t *outer, int gapped, int modes)
{
    tcase c;
    if (!tc_build(&c, g, loop, n, nouter, outer, gapped))
        return 0;
    long allocs = 0;
    for (int m = 0; m < 4; m++) {
        /* in place: output 0 the same bytes as input 0 */
        if (m == BY_OVERLAP && (c.type[0] != c.type[c.nin] ||
            c.ncore[0] != c.ncore[c.nin] || tc_writes_input(&c)))
            continue;
        if (!(modes >> m & 1))
            continue;
        long k = countdown(&c, m);
        /* the plan's block, the input's copy: at least one each */
        UL_CHECK(k >= (m == BY_PLAN || m == BY_OVERLAP), "%s (%s): only %ld "
                 "allocations", c.name, mode_name[m], k);
        allocs += k;
    }
    tc_free(&c);
    return allocs;
}

static void rowsum(const double *a, double *o, ptrdiff_t n)
{
    double s = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        s += a[i];
    *o = s;
}

static double add(double a, double b) { return a + b; }

static void mat_mul(const double *a, const double *b, double *c, ptrdiff_t m,
                    ptrdiff_t n, ptrdiff_t p)
{
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < p; j++) {
            double s = 0;
            for (ptrdiff_t k = 0; k < n; k++)
                s += a[i * n + k] * b[k * p + j];
            c[i * p + j] = s;
        }
}

/* Run-time rows: scratch for gapped core blocks; element-wise rows. */
static long ffi_rows(void)
{
    static const struct { const char *name, *types, *sig; int nin, flags; void *fn; } rows[] = {
        { "en_rowsum", "dd", "(n)->()", 1, UL_FFI_STACK_INPUTS, (void *)rowsum },
        { "en_mm", "ddd", "(m,n),(n,p)->(m,p)", 2, UL_FFI_STACK_INPUTS, (void *)mat_mul },
        { "en_add", "ddd", NULL, 2, UL_FFI_RETURN, (void *)add },
        { "en_add_generic", "ddd", NULL, 2, UL_FFI_GENERIC, (void *)add },
    };
    long allocs = 0;
    const ptrdiff_t outer[2] = { 2, 3 };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        const ul_gufunc *g = NULL;
        char msg[200];
        int rc = ul_ffi_gufunc_new(rows[r].name, rows[r].nin, 1, 1, &rows[r].fn,
                                   rows[r].types, rows[r].flags, rows[r].sig,
                                   NULL, &g, msg, sizeof msg);
        UL_CHECK(rc == UL_OK, "%s: %s", rows[r].name, msg);
        if (rc != UL_OK)
            continue;
        for (int gapped = 0; gapped < 2; gapped++)
            allocs += sweep(g, 0, 5, 2, outer, gapped, 1 << BY_CALL | 1 << BY_PLAN);
        UL_CHECK(ul_ffi_gufunc_release(g) == UL_OK, "release %s", rows[r].name);
    }
    return allocs;
}

int main(void)
{
    UL_CHECK(ul_set_allocator(cd_malloc, cd_free) == UL_OK, "install");
    int prev = ul_set_num_threads(4);
    const int all = 1 << BY_CALL | 1 << BY_CALLV | 1 << BY_PLAN | 1 << BY_OVERLAP;
    const ptrdiff_t flat5[1] = { 5 }, flat3[1] = { 3 }, two[2] = { 2, 3 },
                    big[1] = { 512 };
    long allocs = 0;
    size_t nrows = ul_gufunc_count();       /* the built-ins: none registered */
    for (size_t r = 0; r < nrows; r++) {
        const ul_gufunc *g = ul_gufunc_at(r);
        for (int t = 0; t < g->ntypes; t++) {
            allocs += sweep(g, t, 3, 1, flat5, 0, all);
            allocs += sweep(g, t, 40, 1, flat3, 0, all);
            allocs += sweep(g, t, 3, 2, two, 0, 1 << BY_CALL);
            allocs += sweep(g, t, 40, 2, two, 1, 1 << BY_CALL);
            allocs += sweep(g, t, 16, 1, big, 0, 1 << BY_CALL);
        }
    }
    allocs += ffi_rows();
    /* a countdown that never fails anything would prove nothing */
    UL_CHECK(allocs > 100, "only %ld allocations failed in all", allocs);
    ul_set_num_threads(prev);
    UL_CHECK(ul_set_allocator(NULL, NULL) == UL_OK, "restore");
    printf("test_enomem_table: %ld allocations made to fail\n", allocs);
    return ul_test_done("test_enomem_table");
}
