/*
 * Area: the alignment rule (umath_linalg.h): every loop and the driver take
 * operands at any byte address with any byte strides.
 * Purpose: each built-in gufunc, dtype, order (small kernels, their LAPACK
 *   lanes, the LAPACK path) and stack size, run on copies of the same
 *   matrices placed 1, 4 and 7 bytes past an aligned address, and with
 *   strides that are not multiples of the element size, gives results bit
 *   for bit equal to the aligned C-ordered call (same status, same failure
 *   count). Run-time rows (typed, register-class, libffi and core-block
 *   loops) likewise, and the C functions behind them always receive
 *   aligned pointers. Under UBSan any misaligned access in the library is
 *   a failure of its own. Runs on the default kernels, then again on
 *   each lower CPU path the CPU has (UL_CPU=avx2, baseline).
 * Limitations: the caller's data is finite or exactly singular; NaN input
 *   is covered by test_small_*.
 */
#include "ul_test.h"
#include <stdint.h>
#include <unistd.h>

/* Places a (count, rows, cols) stack of esize-byte elements at `off`
 * bytes past a malloc'd address: C order when odd == 0, else every stride
 * padded by bytes that break element alignment. */
typedef struct placed {
    unsigned char *buf;
    char *base;
    ptrdiff_t shape[3], strides[3];
    size_t bytes;
} placed;

static placed place(ptrdiff_t count, ptrdiff_t rows, ptrdiff_t cols,
                    size_t esize, size_t off, int odd)
{
    placed P;
    ptrdiff_t es = (ptrdiff_t)esize;
    P.shape[0] = count; P.shape[1] = rows; P.shape[2] = cols;
    P.strides[2] = odd ? es + 1 : es;
    P.strides[1] = cols * P.strides[2] + (odd ? 3 : 0);
    P.strides[0] = rows * P.strides[1] + (odd ? 5 : 0);
    P.bytes = (size_t)(count * P.strides[0]) + off + 16;
    P.buf = malloc(P.bytes);
    memset(P.buf, UL_SENTINEL, P.bytes);
    P.base = (char *)P.buf + off;
    return P;
}

static char *at(const placed *P, ptrdiff_t k, ptrdiff_t i, ptrdiff_t j)
{
    return P->base + k * P->strides[0] + i * P->strides[1] + j * P->strides[2];
}

/* Copies every element of src into dst (same shape). */
static void copy_elems(placed *dst, const placed *src, size_t esize)
{
    for (ptrdiff_t k = 0; k < src->shape[0]; k++)
        for (ptrdiff_t i = 0; i < src->shape[1]; i++)
            for (ptrdiff_t j = 0; j < src->shape[2]; j++)
                memcpy(at(dst, k, i, j), at(src, k, i, j), esize);
}

static int same_elems(const placed *a, const placed *b, size_t esize)
{
    for (ptrdiff_t k = 0; k < a->shape[0]; k++)
        for (ptrdiff_t i = 0; i < a->shape[1]; i++)
            for (ptrdiff_t j = 0; j < a->shape[2]; j++)
                if (memcmp(at(a, k, i, j), at(b, k, i, j), esize))
                    return 0;
    return 1;
}

/* One built-in gufunc on one shape: operand o has shape (count, r[o],
 * c[o]) (c = 1 and ndim 2 for vectors, r = c = 1 and ndim 1 for scalars). */
typedef struct gcase {
    const char *name;
    int nops, nin;
    int ndim[3];
} gcase;

static void run_case(const gcase *G, const ul_dtype *dt, ptrdiff_t count,
                     ptrdiff_t n, ptrdiff_t nrhs)
{
    const ul_gufunc *g = ul_gufunc_find(G->name);
    ptrdiff_t rows[3], cols[3];
    int types[3];
    for (int o = 0; o < G->nops; o++) {
        int nd = G->ndim[o];
        rows[o] = nd >= 2 ? n : 1;
        cols[o] = nd == 3 ? (o == 0 ? n : (!strcmp(G->name, "solve") ? nrhs : n)) : 1;
        types[o] = dt->type;
    }
    if (!strcmp(G->name, "slogdet"))
        types[2] = dt->real_type;
    placed ref[3], mis[3];
    size_t es[3];
    for (int o = 0; o < G->nops; o++) {
        es[o] = ul_dtype_of(types[o])->size;
        ref[o] = place(count, rows[o], cols[o], es[o], 0, 0);
    }
    /* inputs: diagonally dominant, one exactly singular matrix (all zero)
     * at index 2 so that LAPACK lanes and the failure path run too */
    for (ptrdiff_t k = 0; k < count; k++)
        for (int o = 0; o < G->nin; o++)
            for (ptrdiff_t i = 0; i < rows[o]; i++)
                for (ptrdiff_t j = 0; j < cols[o]; j++) {
                    double complex v = ul_rand() + (dt->complex_ ? I * ul_rand() : 0);
                    if (o == 0 && i == j)
                        v += (double)n;
                    if (o == 0 && k == 2)
                        v = 0;
                    ul_put(types[o], at(&ref[o], k, i, j), v);
                }
    ul_operand ops[3];
    ul_call_info ri, mi;
    for (int o = 0; o < G->nops; o++)
        ops[o] = (ul_operand){ ref[o].base, types[o], G->ndim[o],
                               ref[o].shape, ref[o].strides };
    int rc_ref = ul_gufunc_call(g, G->nops, ops, &ri);
    static const size_t offs[] = { 1, 4, 7 };
    for (int odd = 0; odd < 2; odd++)
        for (int f = 0; f < 3; f++) {
            for (int o = 0; o < G->nops; o++) {
                mis[o] = place(count, rows[o], cols[o], es[o], offs[f], odd);
                if (o < G->nin)
                    copy_elems(&mis[o], &ref[o], es[o]);
                /* vectors (ndim 2) are (count, n) views and scalars
                 * (ndim 1) (count) views of the same placement */
                ops[o] = (ul_operand){ mis[o].base, types[o], G->ndim[o],
                                       mis[o].shape, mis[o].strides };
            }
            int rc = ul_gufunc_call(g, G->nops, ops, &mi);
            UL_CHECK(rc == rc_ref && mi.nfailed == ri.nfailed &&
                     mi.first_failed == ri.first_failed,
                     "%s %c n=%td count=%td off=%zu odd=%d: rc %d/%d nfailed %td/%td",
                     G->name, dt->ch, n, count, offs[f], odd, rc, rc_ref,
                     mi.nfailed, ri.nfailed);
            for (int o = G->nin; o < G->nops; o++)
                UL_CHECK(same_elems(&mis[o], &ref[o], es[o]),
                         "%s %c n=%td count=%td off=%zu odd=%d: output %d "
                         "differs from the aligned call", G->name, dt->ch, n,
                         count, offs[f], odd, o - G->nin);
            for (int o = 0; o < G->nops; o++)
                free(mis[o].buf);
        }
    for (int o = 0; o < G->nops; o++)
        free(ref[o].buf);
}

/* ---- run-time rows ---- */
static int misaligned_seen;

static double plus1(double x) { return x + 1; }
static double dsum2(double x, double y) { return x + 2 * y; }
static float fsum2(float x, float y) { return x + 2 * y; }
static double complex zscale(double complex z, double s) { return z * s; }
static void dptr(double x, double *out)        /* STACK_INPUTS element-wise */
{
    misaligned_seen |= (uintptr_t)out % _Alignof(double) != 0;
    *out = 3 * x;
}
static void rowsum(const double *a, double *o, ptrdiff_t n)  /* (n)->() */
{
    misaligned_seen |= (uintptr_t)a % _Alignof(double) != 0 ||
                       (uintptr_t)o % _Alignof(double) != 0;
    double s = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        s += a[i];
    *o = s;
}
static void zcopy2(const double complex *a, double complex *o, ptrdiff_t n)
{
    misaligned_seen |= (uintptr_t)a % _Alignof(double complex) != 0 ||
                       (uintptr_t)o % _Alignof(double complex) != 0;
    for (ptrdiff_t i = 0; i < n; i++)
        o[i] = 2 * a[i];
}

/* Element-wise rows (operands of shape (count)) or core rows over blocks
 * of length len (operands (count, len); the output of "(n)->()" is
 * (count)): the aligned C-ordered call against offsets 1, 4, 7 and odd
 * strides. */
static void run_ffi(const char *name, int nin, void *fn, const char *types,
                    int flags, const char *sig, ptrdiff_t len)
{
    const ul_gufunc *g = NULL;
    char msg[200];
    int rc = ul_ffi_gufunc_new(name, nin, 1, 1, &fn, types, flags, sig, NULL,
                               &g, msg, sizeof msg);
    UL_CHECK(rc == UL_OK, "%s: %s", name, msg);
    if (rc != UL_OK)
        return;
    const ptrdiff_t count = 9;
    const int nops = nin + 1;
    int tnum[3], ndim[3];
    size_t es[3];
    placed ref[3], mis[3];
    ul_operand ops[3];
    for (int o = 0; o < nops; o++) {
        const ul_dtype *dt = NULL;
        for (int d = 0; d < 4; d++)
            if ("fdFD"[d] == types[o])
                dt = &UL_DTYPES[d];
        tnum[o] = dt->type;
        es[o] = dt->size;
        ndim[o] = sig && !(o == nin && !strcmp(sig, "(n)->()")) ? 2 : 1;
        ref[o] = place(count, ndim[o] == 2 ? len : 1, 1, es[o], 0, 0);
        for (ptrdiff_t k = 0; o < nin && k < count; k++)
            for (ptrdiff_t i = 0; i < ref[o].shape[1]; i++)
                ul_put(tnum[o], at(&ref[o], k, i, 0), ul_rand() + I * ul_rand());
        ops[o] = (ul_operand){ ref[o].base, tnum[o], ndim[o], ref[o].shape,
                               ref[o].strides };
    }
    misaligned_seen = 0;
    UL_CHECK(ul_gufunc_call(g, nops, ops, NULL) == UL_OK, "%s aligned", name);
    static const size_t offs[] = { 1, 4, 7 };
    for (int odd = 0; odd < 2; odd++)
        for (int f = 0; f < 3; f++) {
            for (int o = 0; o < nops; o++) {
                mis[o] = place(count, ref[o].shape[1], 1, es[o], offs[f], odd);
                if (o < nin)
                    copy_elems(&mis[o], &ref[o], es[o]);
                ops[o] = (ul_operand){ mis[o].base, tnum[o], ndim[o],
                                       mis[o].shape, mis[o].strides };
            }
            rc = ul_gufunc_call(g, nops, ops, NULL);
            UL_CHECK(rc == UL_OK, "%s off=%zu odd=%d: rc %d", name, offs[f], odd, rc);
            UL_CHECK(same_elems(&mis[nin], &ref[nin], es[nin]),
                     "%s off=%zu odd=%d: output differs from the aligned call",
                     name, offs[f], odd);
            for (int o = 0; o < nops; o++)
                free(mis[o].buf);
        }
    UL_CHECK(!misaligned_seen, "%s: the C function got a misaligned pointer", name);
    for (int o = 0; o < nops; o++)
        free(ref[o].buf);
    UL_CHECK(ul_ffi_gufunc_release(g) == UL_OK, "%s release", name);
}

int main(int argc, char **argv)
{
    (void)argc;
    static const gcase cases[] = {
        { "inv", 2, 1, { 3, 3 } },
        { "solve", 3, 2, { 3, 3, 3 } },
        { "solve1", 3, 2, { 3, 2, 2 } },
        { "det", 2, 1, { 3, 1 } },
        { "slogdet", 3, 1, { 3, 1, 1 } },
    };
    static const ptrdiff_t ns[] = { 1, 2, 3, 4, 5, 7, 8, 10, 16, 17 };
    static const ptrdiff_t counts[] = { 1, 3, 37 };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (int d = 0; d < 4; d++)
            for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
                for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
                    run_case(&cases[c], &UL_DTYPES[d], counts[k], ns[i],
                             ns[i] > 2 ? 3 : 1);

    run_ffi("ua_plus1", 1, (void *)plus1, "dd", UL_FFI_RETURN, NULL, 1);
    run_ffi("ua_dsum2", 2, (void *)dsum2, "ddd", UL_FFI_RETURN, NULL, 1);
    run_ffi("ua_fsum2", 2, (void *)fsum2, "fff", UL_FFI_RETURN, NULL, 1);
    run_ffi("ua_dsum2_reg", 2, (void *)dsum2, "ddd", UL_FFI_NO_TYPED, NULL, 1);
    run_ffi("ua_dsum2_ffi", 2, (void *)dsum2, "ddd", UL_FFI_GENERIC, NULL, 1);
    run_ffi("ua_zscale", 2, (void *)zscale, "DdD", UL_FFI_RETURN, NULL, 1);
    run_ffi("ua_zscale_ffi", 2, (void *)zscale, "DdD", UL_FFI_GENERIC, NULL, 1);
    run_ffi("ua_dptr", 1, (void *)dptr, "dd", UL_FFI_STACK_INPUTS, NULL, 1);
    run_ffi("ua_dptr_ffi", 1, (void *)dptr, "dd",
            UL_FFI_STACK_INPUTS | UL_FFI_GENERIC, NULL, 1);
    run_ffi("ua_rowsum", 1, (void *)rowsum, "dd", UL_FFI_STACK_INPUTS, "(n)->()", 5);
    run_ffi("ua_zcopy2", 1, (void *)zcopy2, "DD", UL_FFI_STACK_INPUTS, "(n)->(n)", 4);
    /* then once more on each lower CPU path */
    return ul_test_done_all_cpus("test_unaligned", argv);
}
