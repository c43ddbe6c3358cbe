/*
 * Area: the driver (ul_gufunc_call / _callv / _shapes), the table and the
 * registry. Purpose: every validation error gets its code, a readable
 * message naming the problem, and leaves the outputs untouched; outer
 * dimensions broadcast by numpy's rules and agree with per-matrix calls,
 * also when the stack cannot be coalesced (several loop calls) and with a
 * singular matrix in a later call (global first index); the table has
 * numpy's names, signatures and type rows.
 */
#include "ul_test.h"
#include <limits.h>

static const ul_gufunc *INV, *SOLVE, *DET;

/* Calls g with ops; expects rc and a message containing `needle`, and
   that the output buffer `out` (bytes) is untouched. */
static void expect_error(const ul_gufunc *g, int nops, ul_operand *ops, int rc_want,
                         const char *needle, const unsigned char *out, size_t out_bytes)
{
    ul_call_info info;
    int rc = ul_gufunc_call(g, nops, ops, &info);
    UL_CHECK(rc == rc_want && info.status == rc, "rc %d want %d (%s)", rc, rc_want, info.message);
    UL_CHECK(strstr(info.message, needle) != NULL, "message \"%s\" lacks \"%s\"", info.message, needle);
    int untouched = 1;
    for (size_t i = 0; out && i < out_bytes; i++) untouched &= out[i] == UL_SENTINEL;
    UL_CHECK(untouched, "output written on error \"%s\"", info.message);
}

static void test_errors(void)
{
    double a[2 * 3 * 3];
    unsigned char out[2 * 3 * 3 * 8 + 64];
    for (int i = 0; i < 18; i++) a[i] = (i % 4) + (i % 3 == 0 ? 5 : 0);
    memset(out, UL_SENTINEL, sizeof out);
    ptrdiff_t s33[3] = { 2, 3, 3 }, st33[3] = { 72, 24, 8 };
    ptrdiff_t s32[3] = { 2, 3, 2 }, st32[3] = { 48, 16, 8 };
    ul_operand ok_in = { (char *)a, UL_DOUBLE, 3, s33, st33 };
    ul_operand ok_out = { (char *)out, UL_DOUBLE, 3, s33, st33 };
    ul_operand ops[3];

    UL_CHECK(ul_gufunc_find("no_such_gufunc") == NULL && ul_gufunc_find(NULL) == NULL, "unknown name");
    ops[0] = ok_in; ops[1] = ok_out;
    expect_error(NULL, 2, ops, UL_EINVAL, "NULL", out, sizeof out);
    expect_error(INV, 1, ops, UL_EINVAL, "expected 2 operands", out, sizeof out);
    expect_error(INV, 3, ops, UL_EINVAL, "expected 2 operands", out, sizeof out);
    expect_error(INV, 2, NULL, UL_EINVAL, "NULL", out, sizeof out);
    /* non-square input */
    ops[0] = (ul_operand){ (char *)a, UL_DOUBLE, 3, s32, st32 };
    expect_error(INV, 2, ops, UL_ESHAPE, "mismatch in its core dimension 1", out, sizeof out);
    /* output of the wrong core size */
    ops[0] = ok_in; ops[1] = (ul_operand){ (char *)out, UL_DOUBLE, 3, s32, st32 };
    expect_error(INV, 2, ops, UL_ESHAPE, "Output operand 0 has a mismatch", out, sizeof out);
    /* too few dimensions */
    ops[1] = ok_out; ops[0].ndim = 1; ops[0].shape = s33 + 2; ops[0].strides = st33 + 2;
    expect_error(INV, 2, ops, UL_ESHAPE, "does not have enough dimensions", out, sizeof out);
    /* unsupported dtype, and mixed dtypes */
    ops[0] = ok_in; ops[0].type = UL_INT64; ops[1] = ok_out; ops[1].type = UL_INT64;
    expect_error(INV, 2, ops, UL_EBADTYPE, "no loop for types", out, sizeof out);
    ops[0].type = UL_FLOAT; ops[1].type = UL_DOUBLE;
    expect_error(INV, 2, ops, UL_EBADTYPE, "f->d", out, sizeof out);
    /* NULL data, NULL shape, NULL strides */
    ops[0] = ok_in; ops[0].data = NULL; ops[1] = ok_out;
    expect_error(INV, 2, ops, UL_EINVAL, "NULL data", out, sizeof out);
    ops[0] = ok_in; ops[0].shape = NULL;
    expect_error(INV, 2, ops, UL_EINVAL, "NULL shape", out, sizeof out);
    ops[0] = ok_in; ops[0].strides = NULL;
    expect_error(INV, 2, ops, UL_EINVAL, "NULL strides", out, sizeof out);
    /* negative and overflowing sizes */
    ptrdiff_t neg[3] = { -2, 3, 3 }, huge[3] = { PTRDIFF_MAX / 4, 3, 3 }, big[3] = { 1, (ptrdiff_t)INT_MAX + 1, (ptrdiff_t)INT_MAX + 1 };
    ops[0] = ok_in; ops[0].shape = neg;
    expect_error(INV, 2, ops, UL_EINVAL, "negative size", out, sizeof out);
    ops[0].shape = huge; ops[1].shape = huge;
    expect_error(INV, 2, ops, UL_EOVERFLOW, "than", out, sizeof out);
    ops[0].shape = big; ops[1].shape = big;
    expect_error(INV, 2, ops, UL_EOVERFLOW, "larger than LAPACK", out, sizeof out);
    ops[0].ndim = 65; ops[1] = ok_out;
    expect_error(INV, 2, ops, UL_EINVAL, "dimensions", out, sizeof out);
    /* strides whose byte span overflows (found by tests/fuzz); an empty
       operand's strides are never multiplied, whatever they are */
    ptrdiff_t far[3] = { PTRDIFF_MAX, 24, 8 };
    ops[0] = ok_in; ops[0].strides = far;
    expect_error(INV, 2, ops, UL_EOVERFLOW, "input operand 0 has strides that reach beyond",
                 out, sizeof out);
    far[0] = -far[0];
    expect_error(INV, 2, ops, UL_EOVERFLOW, "reach beyond", out, sizeof out);
    ptrdiff_t s03[3] = { PTRDIFF_MAX - 1, 0, 0 }, far0[3] = { 256, PTRDIFF_MAX, 8 };
    ops[0] = (ul_operand){ NULL, UL_DOUBLE, 3, s03, far0 };
    ops[1] = (ul_operand){ NULL, UL_DOUBLE, 3, s03, far0 };
    UL_CHECK(ul_gufunc_call(INV, 2, ops, NULL) == UL_OK, "empty operands, any strides");
    /* outer axes with elements, empty cores: the axis merge must not
       multiply such strides (UBSan in make test-san) */
    ptrdiff_t s2300[4] = { 2, 3, 0, 0 }, far4[4] = { 8, PTRDIFF_MAX / 2, 8, 8 };
    ops[0] = (ul_operand){ NULL, UL_DOUBLE, 4, s2300, far4 };
    ops[1] = (ul_operand){ NULL, UL_DOUBLE, 4, s2300, far4 };
    UL_CHECK(ul_gufunc_call(INV, 2, ops, NULL) == UL_OK, "empty cores, huge outer strides");
    /* outer shapes that do not broadcast; output outer shape wrong */
    ptrdiff_t s4[3] = { 4, 3, 3 }, s5[4] = { 5, 3, 1 }, st5[3] = { 24, 8, 8 }, s2[2] = { 2, 3 }, st2[2] = { 24, 8 };
    ops[0] = ok_in;
    ops[1] = (ul_operand){ (char *)a, UL_DOUBLE, 2, s2, st2 };
    ops[1].shape = s5 + 1;          /* b: (3,1) core only: fine */
    ops[1].ndim = 2;
    ops[1].strides = st5 + 1;
    ptrdiff_t so[3] = { 4, 3, 1 }, sto[3] = { 24, 8, 8 };
    ops[2] = (ul_operand){ (char *)out, UL_DOUBLE, 3, so, sto };
    expect_error(SOLVE, 3, ops, UL_ESHAPE, "output operand 0 has outer shape (4,) but the inputs broadcast to (2,)", out, sizeof out);
    ptrdiff_t sb[3] = { 4, 3, 1 };
    ops[1] = (ul_operand){ (char *)a, UL_DOUBLE, 3, sb, sto };
    ops[2] = (ul_operand){ (char *)out, UL_DOUBLE, 3, sb, sto };
    expect_error(SOLVE, 3, ops, UL_ESHAPE, "could not be broadcast", out, sizeof out);
    (void)s4;

    /* callv: same checks with flat arrays */
    char *data[2] = { (char *)a, (char *)out };
    int types[2] = { UL_DOUBLE, UL_DOUBLE }, nd[2] = { 3, 3 };
    ptrdiff_t shapes[6] = { 2, 3, 2, 2, 3, 2 }, strides[6] = { 48, 16, 8, 48, 16, 8 };
    ul_call_info info;
    UL_CHECK(ul_gufunc_callv(INV, 2, data, types, nd, shapes, strides, &info) == UL_ESHAPE, "callv non-square");
    UL_CHECK(ul_gufunc_callv(INV, 2, data, types, nd, NULL, strides, &info) == UL_EINVAL, "callv NULL shapes");
    UL_CHECK(ul_gufunc_callv(INV, -1, data, types, nd, shapes, strides, &info) == UL_EINVAL, "callv count");
    int untouched = 1;
    for (size_t i = 0; i < sizeof out; i++) untouched &= out[i] == UL_SENTINEL;
    UL_CHECK(untouched, "callv errors wrote");
    UL_CHECK(ul_gufunc_call(INV, 2, ops, NULL) != UL_OK, "info may be NULL");
}

/* compare a broadcast solve against per-pair solves */
static void test_broadcast(void)
{
    /* a: (2,1,3,3), b: (4,3,2) -> x: (2,4,3,2) */
    double a[2][3][3], b[4][3][2], x[2][4][3][2], y[3][2];
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) a[k][i][j] = ul_rand() + (i == j ? 3 : 0);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 2; j++) b[k][i][j] = ul_rand();
    ptrdiff_t sa[4] = { 2, 1, 3, 3 }, sta[4] = { 72, 0, 24, 8 };
    ptrdiff_t sb[3] = { 4, 3, 2 }, stb[3] = { 48, 16, 8 };
    ptrdiff_t sx[4] = { 2, 4, 3, 2 }, stx[4] = { 192, 48, 16, 8 };
    ul_operand ops[3] = { { (char *)a, UL_DOUBLE, 4, sa, sta }, { (char *)b, UL_DOUBLE, 3, sb, stb },
                          { (char *)x, UL_DOUBLE, 4, sx, stx } };
    ul_call_info info;
    int rc = ul_gufunc_call(SOLVE, 3, ops, &info);
    UL_CHECK(rc == UL_OK && info.outer_size == 8, "broadcast solve rc %d %s", rc, info.message);
    for (int k = 0; k < 2; k++)
        for (int m = 0; m < 4; m++) {
            ptrdiff_t s2[2] = { 3, 3 }, st2[2] = { 24, 8 }, s3[2] = { 3, 2 }, st3[2] = { 16, 8 };
            ul_operand one[3] = { { (char *)a[k], UL_DOUBLE, 2, s2, st2 }, { (char *)b[m], UL_DOUBLE, 2, s3, st3 },
                                  { (char *)y, UL_DOUBLE, 2, s3, st3 } };
            UL_CHECK(ul_gufunc_call(SOLVE, 3, one, NULL) == UL_OK, "single solve");
            /* the right pairing of a[k] with b[m]; the value may differ in
               the last bit, a matrix in a stack can take another kernel */
            double diff = 0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++)
                    diff = fmax(diff, fabs(y[i][j] - x[k][m][i][j]) / (fabs(y[i][j]) + 1e-300));
            UL_CHECK(diff < 1e-13, "broadcast result differs at (%d,%d): %g", k, m, diff);
        }
    /* output shapes from input shapes */
    int in_nd[2] = { 4, 3 }, out_nd[1];
    ptrdiff_t in_shapes[7] = { 2, 1, 3, 3, 4, 3, 2 }, out_shapes[8];
    rc = ul_gufunc_shapes(SOLVE, 2, in_nd, in_shapes, out_nd, out_shapes, 8, &info);
    UL_CHECK(rc == UL_OK && out_nd[0] == 4 && out_shapes[0] == 2 && out_shapes[1] == 4 && out_shapes[2] == 3 &&
             out_shapes[3] == 2, "ul_gufunc_shapes %d %s", rc, info.message);
    UL_CHECK(ul_gufunc_shapes(SOLVE, 2, in_nd, in_shapes, out_nd, out_shapes, 3, &info) == UL_EINVAL, "shapes cap");
    int sl_nd[1] = { 3 }, sl_out[2];
    ptrdiff_t sl_in[3] = { 5, 2, 2 }, sl_shapes[4];
    const ul_gufunc *sl = ul_gufunc_find("slogdet");
    rc = ul_gufunc_shapes(sl, 1, sl_nd, sl_in, sl_out, sl_shapes, 4, &info);
    UL_CHECK(rc == UL_OK && sl_out[0] == 1 && sl_out[1] == 1 && sl_shapes[0] == 5 && sl_shapes[1] == 5, "slogdet shapes");
}

/* A (2,3,2,2) view with non-coalescible outer strides: several loop calls;
   singular matrix in the second call gives the global C-order index. */
static void test_multicall(void)
{
    double buf[4][4][2][2];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            buf[i][j][0][0] = 2 + i; buf[i][j][0][1] = j;
            buf[i][j][1][0] = 0; buf[i][j][1][1] = 1 + j;
        }
    buf[2][1][0][0] = 0; buf[2][1][0][1] = 0;       /* view index (1,1): flat 4 */
    ptrdiff_t shape[4] = { 2, 3, 2, 2 }, st[4] = { 2 * 128, 32, 16, 8 };
    double out[2][3][2][2];
    ptrdiff_t sto[4] = { 96, 32, 16, 8 };
    ul_operand ops[2] = { { (char *)buf, UL_DOUBLE, 4, shape, st }, { (char *)out, UL_DOUBLE, 4, shape, sto } };
    ul_call_info info;
    int rc = ul_gufunc_call(INV, 2, ops, &info);
    UL_CHECK(rc == UL_ESINGULAR && info.nfailed == 1 && info.first_failed == 4,
             "multicall rc %d nfailed %td first %td", rc, info.nfailed, info.first_failed);
    UL_CHECK(strstr(info.message, "1 of 6 matrices are singular") != NULL, "message %s", info.message);
    UL_CHECK(isnan(out[1][1][0][0]) && out[1][2][0][0] == 1.0 / 4, "multicall values");
    UL_CHECK(fabs(out[0][0][0][0] - 0.5) < 1e-15 && out[0][0][1][0] == 0, "first matrix inverted");
}

static void test_table(void)
{
    static const struct { const char *name, *sig, *types; int nin, nout; } want[] = {
        { "inv", "(m, m)->(m, m)", "ff dd FF DD", 1, 1 },
        { "solve", "(m,m),(m,n)->(m,n)", "fff ddd FFF DDD", 2, 1 },
        { "solve1", "(m,m),(m)->(m)", "fff ddd FFF DDD", 2, 1 },
        { "det", "(m,m)->()", "ff dd FF DD", 1, 1 },
        { "slogdet", "(m,m)->(),()", "fff ddd FFf DDd", 1, 2 },
    };
    UL_CHECK(ul_gufunc_count() >= 5, "count %zu", ul_gufunc_count());
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        const ul_gufunc *g = ul_gufunc_find(want[w].name);
        UL_CHECK(g && strcmp(g->signature, want[w].sig) == 0 && g->nin == want[w].nin && g->nout == want[w].nout &&
                 g->ntypes == 4 && g->doc && g->data && g->data[0] == NULL, "row %s", want[w].name);
        if (!g) continue;
        char got[64] = "";
        size_t at = 0;
        for (int t = 0; t < g->ntypes; t++) {
            for (int k = 0; k < g->nin + g->nout; k++)
                got[at++] = "?bBhHiIlLqQfdgFDG"[(int)g->types[t * (g->nin + g->nout) + k]];
            got[at++] = ' ';
        }
        got[at - 1] = '\0';
        UL_CHECK(strcmp(got, want[w].types) == 0, "types of %s: %s", want[w].name, got);
        int found = 0;
        for (size_t i = 0; i < ul_gufunc_count(); i++) found |= ul_gufunc_at(i) == g;
        UL_CHECK(found, "ul_gufunc_at reaches %s", want[w].name);
        int in_types[2] = { UL_CFLOAT, UL_CFLOAT };
        UL_CHECK(ul_gufunc_loop_for(g, in_types) == 2, "loop_for %s", want[w].name);
    }
    UL_CHECK(ul_gufunc_at(100000) == NULL, "at out of range");
    /* registry: a user gufunc found by name, duplicates and bad rows refused */
    static const char types[] = { UL_DOUBLE, UL_DOUBLE };
    static const ul_loop funcs[] = { ul_ddet_loop };
    static void *const data[] = { NULL };
    static const ul_gufunc mine = { "my_det", 1, 1, "(m,m)->()", 1, types, funcs, data, "doc" };
    static const ul_gufunc bad = { "bad", 1, 1, "(m,m)->", 1, types, funcs, data, "doc" };
    static const ul_gufunc clash = { "inv", 1, 1, "(m,m)->()", 1, types, funcs, data, "doc" };
    size_t before = ul_gufunc_count();
    UL_CHECK(ul_gufunc_register(&mine) == UL_OK, "register");
    UL_CHECK(ul_gufunc_find("my_det") == &mine && ul_gufunc_count() == before + 1, "registered found");
    UL_CHECK(ul_gufunc_register(&mine) == UL_EBUSY, "duplicate");
    UL_CHECK(ul_gufunc_register(&clash) == UL_EBUSY, "built-in name");
    UL_CHECK(ul_gufunc_register(&bad) == UL_EBADSIG, "bad signature");
    UL_CHECK(ul_gufunc_register(NULL) == UL_EINVAL, "NULL row");
    double m[4] = { 1, 2, 3, 4 }, d = 0;
    ptrdiff_t s[2] = { 2, 2 }, st[2] = { 16, 8 };
    ul_operand ops[2] = { { (char *)m, UL_DOUBLE, 2, s, st }, { (char *)&d, UL_DOUBLE, 0, NULL, NULL } };
    UL_CHECK(ul_gufunc_call(ul_gufunc_find("my_det"), 2, ops, NULL) == UL_OK && fabs(d + 2) < 1e-15, "registered runs: %g", d);
    UL_CHECK(ul_gufunc_unregister(&mine) == UL_OK && ul_gufunc_find("my_det") == NULL, "unregister");
    UL_CHECK(ul_gufunc_unregister(&mine) == UL_ENOTFOUND, "unregister twice");
    UL_CHECK(strcmp(ul_strerror(UL_ESINGULAR), "singular matrix") == 0 && strcmp(ul_strerror(999), "unknown status") == 0 &&
             strcmp(ul_strerror(-1), "unknown status") == 0, "strerror");
    UL_CHECK(ul_version_number() == UL_VERSION_NUMBER, "version");
}

int main(void)
{
    INV = ul_gufunc_find("inv");
    SOLVE = ul_gufunc_find("solve");
    DET = ul_gufunc_find("det");
    if (!INV || !SOLVE || !DET) { fprintf(stderr, "table incomplete\n"); return 1; }
    test_errors();
    test_broadcast();
    test_multicall();
    test_table();
    return ul_test_done("test_driver");
}
