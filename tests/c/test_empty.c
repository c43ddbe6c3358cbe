/*
 * Area: empty operands (umath_linalg.h: NULL data for an operand with no
 * elements).
 * Purpose: every built-in gufunc and dtype, with every dimension that can be
 *   0 set to 0 in turn, NULL data for each operand without elements and
 *   sentinel-filled buffers for the rest: UL_OK, the empty-matrix results
 *   (det 1, slogdet (1, 0)) in the outputs that have elements, no other byte
 *   written. solve with an empty right-hand side (m, 0) and NULL data at
 *   m = 17, 20, 40, 200 (the LAPACK path, where a NULL b was once taken for
 *   "use the identity" and overflowed the workspace), singular A included.
 *   A stack of 2^31 empty matrices, and the raw loops with PTRDIFF_MAX of
 *   them, return at once (an alarm ends the test if a loop walks them).
 * Limitations: none.
 */
#include "ul_test.h"
#include <signal.h>
#include <unistd.h>

typedef struct gshape {
    const char *name;
    int nops, nin;
    /* per operand: ndim and which of (N, m, n) each axis is */
    int ndim[3];
    int axis[3][3];
} gshape;

enum { AX_N, AX_M, AX_R };      /* stack, order m, right-hand sides n */

static const gshape GS[] = {
    { "inv", 2, 1, { 3, 3 }, { { AX_N, AX_M, AX_M }, { AX_N, AX_M, AX_M } } },
    { "solve", 3, 2, { 3, 3, 3 }, { { AX_N, AX_M, AX_M }, { AX_N, AX_M, AX_R },
                                    { AX_N, AX_M, AX_R } } },
    { "solve1", 3, 2, { 3, 2, 2 }, { { AX_N, AX_M, AX_M }, { AX_N, AX_M },
                                     { AX_N, AX_M } } },
    { "det", 2, 1, { 3, 1 }, { { AX_N, AX_M, AX_M }, { AX_N } } },
    { "slogdet", 3, 1, { 3, 1, 1 }, { { AX_N, AX_M, AX_M }, { AX_N }, { AX_N } } },
};

/* Runs G with sizes (N, m, n); operands without elements get NULL data. */
static void run_sizes(const gshape *G, const ul_dtype *dt, ptrdiff_t N,
                      ptrdiff_t m, ptrdiff_t nr, int singular)
{
    const ul_gufunc *g = ul_gufunc_find(G->name);
    const ptrdiff_t size[3] = { N, m, nr };
    ptrdiff_t shape[3][3], strides[3][3];
    unsigned char *buf[3];
    size_t bytes[3];
    ul_operand ops[3];
    for (int o = 0; o < G->nops; o++) {
        int type = dt->type;
        if (!strcmp(G->name, "slogdet") && o == 2)
            type = dt->real_type;
        size_t es = ul_dtype_of(type)->size;
        ptrdiff_t count = 1;
        for (int a = G->ndim[o] - 1; a >= 0; a--) {
            shape[o][a] = size[G->axis[o][a]];
            strides[o][a] = (ptrdiff_t)es * count;
            count *= shape[o][a];
        }
        bytes[o] = (size_t)count * es;
        buf[o] = count ? malloc(bytes[o] + 64) : NULL;
        if (buf[o])
            memset(buf[o], UL_SENTINEL, bytes[o] + 64);
        if (buf[o] && o < G->nin)
            for (ptrdiff_t e = 0; e < count; e++)
                ul_put(type, (char *)buf[o] + e * (ptrdiff_t)es,
                       singular ? 0 : (o == 0 && e % (m + 1) == 0 ? m + 1.0 : ul_rand()));
        ops[o] = (ul_operand){ (char *)buf[o], type, G->ndim[o], shape[o], strides[o] };
    }
    ul_call_info info;
    int rc = ul_gufunc_call(g, G->nops, ops, &info);
    int want = UL_OK;
    /* a singular A with a non-empty output is a failure; an empty output
     * has nothing to compute (numpy: no error) */
    if (singular && N > 0 && m > 0 && (strcmp(G->name, "solve") || nr > 0) &&
        strcmp(G->name, "det") && strcmp(G->name, "slogdet"))
        want = UL_ESINGULAR;
    UL_CHECK(rc == want, "%s %c N=%td m=%td n=%td: rc %d want %d (%s)",
             G->name, dt->ch, N, m, nr, rc, want, info.message);
    for (int o = G->nin; o < G->nops; o++) {
        if (!buf[o])
            continue;
        size_t es = ul_dtype_of(ops[o].type)->size;
        int ok = 1;
        if (m == 0) {       /* det 1, slogdet sign 1 and logdet 0 */
            double complex want_v = !strcmp(G->name, "slogdet") && o == 2 ? 0 : 1;
            for (size_t b = 0; b < bytes[o]; b += es)
                ok &= ul_get(ops[o].type, (char *)buf[o] + b) == want_v;
        }
        for (size_t b = bytes[o]; b < bytes[o] + 64; b++)
            ok &= buf[o][b] == UL_SENTINEL;
        UL_CHECK(ok, "%s %c N=%td m=%td n=%td: output %d wrong or written past",
                 G->name, dt->ch, N, m, nr, o - G->nin);
    }
    for (int o = 0; o < G->nops; o++)
        free(buf[o]);
}

/* A run-time core row over empty blocks: NULL input data, never offset
 * (UBSan), the function called once per block with n = 0. */
static int rowsum_calls;
static void rowsum(const double *a, double *o, ptrdiff_t n)
{
    (void)a;
    rowsum_calls++;
    *o = (double)n;
}

static void ffi_empty_blocks(void)
{
    const ul_gufunc *g = NULL;
    void *fn = (void *)rowsum;
    char msg[160];
    UL_CHECK(ul_ffi_gufunc_new("empty_rowsum", 1, 1, 1, &fn, "dd",
                               UL_FFI_STACK_INPUTS, "(n)->()", NULL, &g, msg,
                               sizeof msg) == UL_OK, "%s", msg);
    double out[3] = { 7, 7, 7 };
    ptrdiff_t sa[2] = { 3, 0 }, sta[2] = { 0, 8 }, so[1] = { 3 }, sto[1] = { 8 };
    ul_operand ops[2] = { { NULL, UL_DOUBLE, 2, sa, sta },
                          { (char *)out, UL_DOUBLE, 1, so, sto } };
    ul_call_info info;
    int rc = ul_gufunc_call(g, 2, ops, &info);
    UL_CHECK(rc == UL_OK && rowsum_calls == 3 && out[0] == 0 && out[2] == 0,
             "run-time row on empty blocks: rc %d (%s), %d calls", rc,
             info.message, rowsum_calls);
    UL_CHECK(ul_ffi_gufunc_release(g) == UL_OK, "release");
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "test_empty: a loop walked a stack of empty matrices\n";
    if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
    _exit(1);
}

/* 2^31 empty matrices through the driver, and PTRDIFF_MAX of them through
 * the raw loops: nothing may iterate over them (det writes its one output
 * per matrix, here all to one address). */
static void huge_stacks(void)
{
    signal(SIGALRM, on_alarm);
    alarm(60);
    const ptrdiff_t big = (ptrdiff_t)1 << 31;
    ptrdiff_t s3[3] = { big, 0, 0 }, st3[3] = { 0, 0, 0 };
    ul_operand ops[3] = { { NULL, UL_DOUBLE, 3, s3, st3 }, { NULL, UL_DOUBLE, 3, s3, st3 } };
    ul_call_info info;
    UL_CHECK(ul_gufunc_call(ul_gufunc_find("inv"), 2, ops, &info) == UL_OK &&
             info.outer_size == big, "inv of 2^31 empty matrices: %s", info.message);
    ptrdiff_t sb[3] = { big, 0, 7 };
    ops[1] = (ul_operand){ NULL, UL_DOUBLE, 3, sb, st3 };
    ops[2] = ops[1];
    UL_CHECK(ul_gufunc_call(ul_gufunc_find("solve"), 3, ops, &info) == UL_OK,
             "solve of 2^31 empty systems: %s", info.message);

    static const ul_loop raw[] = { ul_sinv_loop, ul_dinv_loop, ul_cinv_loop,
        ul_zinv_loop, ul_ssolve_loop, ul_dsolve_loop, ul_csolve_loop,
        ul_zsolve_loop, ul_ssolve1_loop, ul_dsolve1_loop, ul_csolve1_loop,
        ul_zsolve1_loop };
    char *args[3] = { NULL, NULL, NULL };
    ptrdiff_t steps[9] = { 0 };
    for (size_t k = 0; k < sizeof raw / sizeof raw[0]; k++) {
        ptrdiff_t dims[3] = { PTRDIFF_MAX, 0, 5 };
        raw[k](args, dims, steps, NULL);
        if (k >= 4 && k < 8) {          /* solve: m > 0 but no rhs */
            double a = 1;
            char *sargs[3] = { (char *)&a, NULL, NULL };
            ptrdiff_t d2[3] = { PTRDIFF_MAX, 1, 0 };
            raw[k](sargs, d2, steps, NULL);
        }
    }
    /* det/slogdet: one store per matrix (its output), all to one address */
    double d = 0, l = 5;
    char *dargs[3] = { NULL, (char *)&d, (char *)&l };
    ptrdiff_t ddims[2] = { (ptrdiff_t)1 << 24, 0 };
    ul_ddet_loop(dargs, ddims, steps, NULL);
    UL_CHECK(d == 1, "det of 0x0 matrices: %g", d);
    d = 0;
    ul_dslogdet_loop(dargs, ddims, steps, NULL);
    UL_CHECK(d == 1 && l == 0, "slogdet of 0x0 matrices: (%g, %g)", d, l);
    alarm(0);
}

int main(void)
{
    static const ptrdiff_t sizes[][3] = {
        { 0, 3, 2 }, { 0, 0, 0 }, { 4, 0, 2 }, { 4, 0, 0 }, { 4, 3, 0 },
        { 1, 0, 3 }, { 3, 17, 0 }, { 2, 20, 0 }, { 1, 40, 0 }, { 1, 200, 0 },
        { 5, 16, 0 }, { 5, 1, 0 },
    };
    for (size_t c = 0; c < sizeof GS / sizeof GS[0]; c++)
        for (int d = 0; d < 4; d++)
            for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
                for (int singular = 0; singular < 2; singular++)
                    run_sizes(&GS[c], &UL_DTYPES[d], sizes[s][0], sizes[s][1],
                              sizes[s][2], singular);
    ffi_empty_blocks();
    huge_stacks();
    return ul_test_done("test_empty");
}
