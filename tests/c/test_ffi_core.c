/*
 * Area: bridge/ul_ffi.c core-block loops (rows with a gufunc signature)
 * Purpose: f called once per core block with C-contiguous pointers and the
 *   core sizes: value-returning "(n),(n)->()", pointer style
 *   "(m,n),(n,p)->(m,p)" on contiguous, transposed (packed through
 *   scratch), negative-stride and broadcast stacks, complex and int cores,
 *   m = 0 cores, frozen dims.
 * Limitations: none.
 */
#include "ffi_test_util.h"

#include <complex.h>
#include <stdint.h>

static double dot(const double *a, const double *b, ptrdiff_t n)
{
    double s = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static void matmul(const double *a, const double *b, double *c, ptrdiff_t m,
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

static void zcumsum(const double complex *a, double complex *o, ptrdiff_t n)
{
    double complex s = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        o[i] = s += a[i];
}

static int64_t isum(const int32_t *a, ptrdiff_t n)
{
    int64_t s = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        s += a[i];
    return s;
}

static int calls;
static void count3(const double *a, double *o, ptrdiff_t n)
{
    calls += n == 3;
    o[0] = a[0] + a[1] + a[2];
}

static void test_dot(void)
{
    const ul_gufunc *g;
    void *fn = (void *)dot;
    char msg[200];
    FCHECK_ST(ul_ffi_gufunc_new("t_dot", 2, 1, 1, &fn, "ddd", 0,
                                "(n),(n)->()", NULL, &g, msg, sizeof(msg)),
              UL_OK);
    FCHECK(!strcmp(g->signature, "(n),(n)->()"));
    FCHECK(ul_ffi_gufunc_is_direct(g, 0) == 0);
    /* a: (4,3) C order; b: (3,) broadcast; out (4,) */
    double a[12], b[3] = { 1, 10, 100 }, o[4];
    for (int i = 0; i < 12; i++)
        a[i] = i;
    ptrdiff_t sa[2] = { 4, 3 }, ta[2] = { 24, 8 }, sb[1] = { 3 }, tb[1] = { 8 };
    ptrdiff_t so[1] = { 4 }, to[1] = { 8 };
    ul_operand ops[3] = { ffi_op(a, UL_DOUBLE, 2, sa, ta),
                          ffi_op(b, UL_DOUBLE, 1, sb, tb),
                          ffi_op(o, UL_DOUBLE, 1, so, to) };
    ul_call_info info;
    FCHECK_ST(ul_gufunc_call(g, 3, ops, &info), UL_OK);
    int ok = 1;
    for (int i = 0; i < 4; i++)
        ok &= o[i] == a[3 * i] + 10 * a[3 * i + 1] + 100 * a[3 * i + 2];
    FCHECK(ok);
    /* a transposed: (4,3) view of a (3,4) buffer, core stride 32 -> packed
       through scratch; b reversed (stride -8) */
    double at[12];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            at[j * 4 + i] = a[i * 3 + j];
    ptrdiff_t tt[2] = { 8, 32 }, tbr[1] = { -8 };
    double br[3] = { 100, 10, 1 };
    ops[0] = ffi_op(at, UL_DOUBLE, 2, sa, tt);
    ops[1] = ffi_op(&br[2], UL_DOUBLE, 1, sb, tbr);
    FCHECK_ST(ul_gufunc_call(g, 3, ops, &info), UL_OK);
    ok = 1;
    for (int i = 0; i < 4; i++)
        ok &= o[i] == a[3 * i] + 10 * a[3 * i + 1] + 100 * a[3 * i + 2];
    FCHECK(ok);
    /* n = 0: every dot is 0 */
    ptrdiff_t s0[2] = { 4, 0 }, z[1] = { 0 };
    ops[0] = ffi_op(a, UL_DOUBLE, 2, s0, ta);
    ops[1] = ffi_op(b, UL_DOUBLE, 1, z, tb);
    o[0] = o[3] = 7;
    FCHECK_ST(ul_gufunc_call(g, 3, ops, &info), UL_OK);
    FCHECK(o[0] == 0 && o[3] == 0);
    /* core mismatch: the driver refuses, nothing runs */
    ptrdiff_t s2[1] = { 2 };
    ops[0] = ffi_op(a, UL_DOUBLE, 2, sa, ta);
    ops[1] = ffi_op(b, UL_DOUBLE, 1, s2, tb);
    FCHECK_ST(ul_gufunc_call(g, 3, ops, &info), UL_ESHAPE);
    FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
}

static void check_matmul(const double *a, const double *b, const double *c,
                         int k, int m, int n, int p, ptrdiff_t ca0,
                         ptrdiff_t ca1, ptrdiff_t ca2, ptrdiff_t cb0,
                         ptrdiff_t cb1, ptrdiff_t cb2, ptrdiff_t cc0,
                         ptrdiff_t cc1, ptrdiff_t cc2)
{
    /* strides in elements */
    int ok = 1;
    for (int s = 0; s < k; s++)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < p; j++) {
                double want = 0;
                for (int q = 0; q < n; q++)
                    want += a[s * ca0 + i * ca1 + q * ca2]
                            * b[s * cb0 + q * cb1 + j * cb2];
                ok &= c[s * cc0 + i * cc1 + j * cc2] == want;
            }
    FCHECK(ok);
}

static void test_matmul(void)
{
    const ul_gufunc *g;
    void *fn = (void *)matmul;
    FCHECK_ST(ul_ffi_gufunc_new("t_matmul", 2, 1, 1, &fn, "ddd",
                                UL_FFI_STACK_INPUTS, "(m,n),(n,p)->(m,p)",
                                "matrix product", &g, NULL, 0), UL_OK);
    enum { K = 3, M = 2, NN = 4, P = 3 };
    double a[K * M * NN], b[NN * P], c[K * M * P], ct[K * P * M];
    for (int i = 0; i < K * M * NN; i++)
        a[i] = (i * 7) % 11 - 5;
    for (int i = 0; i < NN * P; i++)
        b[i] = (i * 5) % 7 - 3;
    /* contiguous stack times one broadcast matrix */
    ptrdiff_t sa[3] = { K, M, NN }, ta[3] = { 8 * M * NN, 8 * NN, 8 };
    ptrdiff_t sb[2] = { NN, P }, tb[2] = { 8 * P, 8 };
    ptrdiff_t sc[3] = { K, M, P }, tc[3] = { 8 * M * P, 8 * P, 8 };
    ul_operand ops[3] = { ffi_op(a, UL_DOUBLE, 3, sa, ta),
                          ffi_op(b, UL_DOUBLE, 2, sb, tb),
                          ffi_op(c, UL_DOUBLE, 3, sc, tc) };
    ul_call_info info;
    FCHECK_ST(ul_gufunc_call(g, 3, ops, &info), UL_OK);
    check_matmul(a, b, c, K, M, NN, P, M * NN, NN, 1, 0, P, 1, M * P, P, 1);
    /* output transposed in memory (core strides 8, 8*M): computed in
       scratch and copied back */
    ptrdiff_t tct[3] = { 8 * M * P, 8, 8 * M };
    for (int i = 0; i < K * P * M; i++)
        ct[i] = -1;
    ops[2] = ffi_op(ct, UL_DOUBLE, 3, sc, tct);
    FCHECK_ST(ul_gufunc_call(g, 3, ops, &info), UL_OK);
    check_matmul(a, b, ct, K, M, NN, P, M * NN, NN, 1, 0, P, 1, M * P, 1, M);
    /* the stack walked backwards */
    ptrdiff_t tar[3] = { -8 * M * NN, 8 * NN, 8 };
    ops[0] = ffi_op(&a[(K - 1) * M * NN], UL_DOUBLE, 3, sa, tar);
    ops[2] = ffi_op(c, UL_DOUBLE, 3, sc, tc);
    FCHECK_ST(ul_gufunc_call(g, 3, ops, &info), UL_OK);
    check_matmul(&a[(K - 1) * M * NN], b, c, K, M, NN, P, -M * NN, NN, 1, 0,
                 P, 1, M * P, P, 1);
    /* m = 0: f still called, nothing to write */
    ptrdiff_t sa0[3] = { K, 0, NN }, sc0[3] = { K, 0, P };
    ops[0] = ffi_op(a, UL_DOUBLE, 3, sa0, ta);
    ops[2] = ffi_op(c, UL_DOUBLE, 3, sc0, tc);
    FCHECK_ST(ul_gufunc_call(g, 3, ops, &info), UL_OK);
    FCHECK(!strcmp(g->doc, "matrix product"));
    FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
}

static void test_other_types(void)
{
    const ul_gufunc *g;
    void *fn = (void *)zcumsum;
    FCHECK_ST(ul_ffi_gufunc_new("t_zcumsum", 1, 1, 1, &fn, "DD",
                                UL_FFI_STACK_INPUTS, "(n)->(n)", NULL, &g,
                                NULL, 0), UL_OK);
    double complex z[4] = { 1, I, 2 - I, -3 }, o[8];
    ptrdiff_t s[1] = { 4 }, t[1] = { 16 }, to[1] = { 32 };
    ul_operand ops[2] = { ffi_op(z, UL_CDOUBLE, 1, s, t),
                          ffi_op(o, UL_CDOUBLE, 1, s, to) };
    FCHECK_ST(ul_gufunc_call(g, 2, ops, NULL), UL_OK);
    FCHECK(o[0] == 1 && o[2] == 1 + I && o[4] == 3 && o[6] == 0);
    FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);

    fn = (void *)isum;
    FCHECK_ST(ul_ffi_gufunc_new("t_isum", 1, 1, 1, &fn, "iq", 0, "(n)->()",
                                NULL, &g, NULL, 0), UL_OK);
    int32_t a[6] = { 1, 2, 3, -4, 5, INT32_MAX };
    int64_t r[2];
    ptrdiff_t sa[2] = { 2, 3 }, ta[2] = { 12, 4 }, sr[1] = { 2 }, tr[1] = { 8 };
    ul_operand o2[2] = { ffi_op(a, UL_INT32, 2, sa, ta),
                         ffi_op(r, UL_INT64, 1, sr, tr) };
    FCHECK_ST(ul_gufunc_call(g, 2, o2, NULL), UL_OK);
    FCHECK(r[0] == 6 && r[1] == (int64_t)INT32_MAX + 1);
    FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);

    /* a frozen core size (3) is a dimension too: its size is passed */
    fn = (void *)count3;
    FCHECK_ST(ul_ffi_gufunc_new("t_count3", 1, 1, 1, &fn, "dd",
                                UL_FFI_STACK_INPUTS, "(3)->()", NULL, &g,
                                NULL, 0), UL_OK);
    double v[6] = { 1, 2, 3, 4, 5, 6 }, w[2];
    ptrdiff_t sv[2] = { 2, 3 }, tv[2] = { 24, 8 }, sw[1] = { 2 }, tw[1] = { 8 };
    ul_operand o3[2] = { ffi_op(v, UL_DOUBLE, 2, sv, tv),
                         ffi_op(w, UL_DOUBLE, 1, sw, tw) };
    calls = 0;
    FCHECK_ST(ul_gufunc_call(g, 2, o3, NULL), UL_OK);
    FCHECK(calls == 2 && w[0] == 6 && w[1] == 15);
    FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
}

int main(void)
{
    test_dot();
    test_matmul();
    test_other_types();
    return ffi_test_done("test_ffi_core");
}
