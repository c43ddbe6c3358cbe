/*
 * Area: allocation failure (ul_set_allocator).
 * Purpose: with the k-th allocation made to fail, for every k an operation
 *   makes: a run-time core-block row whose scratch cannot be had returns
 *   UL_ENOMEM with a message from ul_gufunc_call and writes nothing (called
 *   as a raw loop it raises FE_INVALID, numpy's channel); ul_ffi_gufunc_new
 *   returns UL_ENOMEM and registers nothing (no leak under ASan); the
 *   built-in loops on the LAPACK path (heap workspace) return UL_ENOMEM with
 *   NaN outputs; the small kernels (no allocation) still succeed; the
 *   allocator is restored by ul_set_allocator(NULL, NULL).
 * Limitations: the helper-thread pool's pthread allocations are glibc's.
 */
#include "ul_test.h"
#include <fenv.h>

static long allocs, fail_at = -1;

static void *test_malloc(size_t n)
{
    return allocs++ == fail_at ? NULL : malloc(n);
}

static void fail_from(long k)
{
    allocs = 0;
    fail_at = k;
}

static void rowsum(const double *a, double *o, ptrdiff_t n)
{
    double s = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        s += a[i];
    *o = s;
}

static void ffi_row_scratch(void)
{
    const ul_gufunc *g = NULL;
    void *fn = (void *)rowsum;
    char msg[200];
    UL_CHECK(ul_ffi_gufunc_new("en_rowsum", 1, 1, 1, &fn, "dd",
                               UL_FFI_STACK_INPUTS, "(n)->()", NULL, &g, msg,
                               sizeof msg) == UL_OK, "%s", msg);
    /* every other element of a: not contiguous, so the row needs scratch */
    double a[3][8], out[3];
    for (int i = 0; i < 24; i++)
        (&a[0][0])[i] = i;
    memset(out, UL_SENTINEL, sizeof out);
    ptrdiff_t sa[2] = { 3, 4 }, sta[2] = { 64, 16 }, so[1] = { 3 }, sto[1] = { 8 };
    ul_operand ops[2] = { { (char *)a, UL_DOUBLE, 2, sa, sta },
                          { (char *)out, UL_DOUBLE, 1, so, sto } };
    ul_call_info info;
    fail_from(0);
    int rc = ul_gufunc_call(g, 2, ops, &info);
    UL_CHECK(rc == UL_ENOMEM && info.status == UL_ENOMEM && info.message[0],
             "run-time row without scratch: rc %d (%s)", rc, info.message);
    unsigned char *ob = (unsigned char *)out;
    int untouched = 1;
    for (size_t b = 0; b < sizeof out; b++)
        untouched &= ob[b] == UL_SENTINEL;
    UL_CHECK(untouched, "output written although the scratch failed");

    /* the raw loop: FE_INVALID, numpy's only channel */
    char *args[2] = { (char *)a, (char *)out };
    ptrdiff_t dims[2] = { 3, 4 }, steps[3] = { 64, 8, 16 };
    feclearexcept(FE_ALL_EXCEPT);
    fail_from(0);
    g->funcs[0](args, dims, steps, g->data[0]);
    UL_CHECK(fetestexcept(FE_INVALID), "raw loop without scratch: no FE_INVALID");

    fail_from(-1);
    rc = ul_gufunc_call(g, 2, ops, &info);
    UL_CHECK(rc == UL_OK && out[0] == 0 + 2 + 4 + 6 && out[2] == 16 + 18 + 20 + 22,
             "with memory: rc %d out %g %g", rc, out[0], out[2]);
    UL_CHECK(ul_ffi_gufunc_release(g) == UL_OK, "release");
}

/* ul_ffi_gufunc_new fails cleanly at each of its allocations. */
static void ffi_new_each_allocation(void)
{
    void *fn = (void *)rowsum;
    int done = 0;
    for (long k = 0; k < 100 && !done; k++) {
        const ul_gufunc *g = (const ul_gufunc *)&g;
        char msg[200] = "";
        size_t before = ul_gufunc_count();
        fail_from(k);
        int rc = ul_ffi_gufunc_new("en_new", 1, 1, 1, &fn, "dd",
                                   UL_FFI_STACK_INPUTS, "(n)->()", "doc", &g,
                                   msg, sizeof msg);
        if (rc == UL_OK && allocs <= k) {
            done = 1;           /* k is past its last allocation */
            UL_CHECK(ul_ffi_gufunc_release(g) == UL_OK, "release");
            break;
        }
        UL_CHECK(rc == UL_ENOMEM && g == NULL && msg[0] &&
                 ul_gufunc_count() == before,
                 "allocation %ld failed: rc %d (%s), count %zu -> %zu", k, rc,
                 msg, before, ul_gufunc_count());
        if (rc == UL_OK)
            ul_ffi_gufunc_release(g);
    }
    UL_CHECK(done, "ul_ffi_gufunc_new makes more than 100 allocations");
}

/* Built-in loops: heap workspace (n = 40, LAPACK path) -> UL_ENOMEM and
 * NaN outputs; the small kernels (n = 8) allocate nothing. */
static void builtin_loops(void)
{
    for (int pass = 0; pass < 2; pass++) {
        const ptrdiff_t n = pass ? 8 : 40;
        double *a = malloc(sizeof(double) * n * n), *x = malloc(sizeof(double) * n * n);
        for (ptrdiff_t i = 0; i < n * n; i++)
            a[i] = i % (n + 1) == 0 ? n : ul_rand();
        ptrdiff_t s[2] = { n, n }, st[2] = { 8 * n, 8 }, s0[1] = { 0 };
        double det = 7;
        ul_operand ops[2] = { { (char *)a, UL_DOUBLE, 2, s, st },
                              { (char *)x, UL_DOUBLE, 2, s, st } };
        ul_call_info info;
        fail_from(0);
        int rc = ul_gufunc_call(ul_gufunc_find("inv"), 2, ops, &info);
        if (pass == 0) {
            UL_CHECK(rc == UL_ENOMEM && strstr(info.message, "no memory") &&
                     isnan(x[0]) && isnan(x[n * n - 1]),
                     "inv n=40 without workspace: rc %d (%s)", rc, info.message);
        } else {
            UL_CHECK(rc == UL_OK && allocs == 0, "inv n=8: rc %d, %ld allocations",
                     rc, allocs);
        }
        ops[1] = (ul_operand){ (char *)&det, UL_DOUBLE, 0, s0, s0 };
        fail_from(0);
        rc = ul_gufunc_call(ul_gufunc_find("det"), 2, ops, &info);
        UL_CHECK(pass ? rc == UL_OK && det != 7 : rc == UL_ENOMEM && isnan(det),
                 "det n=%td without memory: rc %d det %g", n, rc, det);
        free(a);
        free(x);
    }
}

int main(void)
{
    UL_CHECK(ul_set_allocator(test_malloc, NULL) == UL_EINVAL, "one NULL");
    UL_CHECK(ul_set_allocator(NULL, free) == UL_EINVAL, "one NULL");
    UL_CHECK(ul_set_allocator(test_malloc, free) == UL_OK, "install");
    ffi_row_scratch();
    ffi_new_each_allocation();
    builtin_loops();
    UL_CHECK(ul_set_allocator(NULL, NULL) == UL_OK, "restore");
    return ul_test_done("test_enomem");
}
