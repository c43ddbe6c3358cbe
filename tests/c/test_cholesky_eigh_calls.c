/*
 * Area: cholesky_lo, cholesky_up, eigh_lo, eigh_up, eigvalsh_lo,
 *   eigvalsh_up: raw loop calls and the driver's edge cases.
 * Purpose: numpy's FP protocol on raw calls (FE_INVALID after a failure,
 *   every flag cleared after success, a prior FE_INVALID kept, the report
 *   through `data`), which triangle each loop reads, m = 0 and N = 0 with
 *   NULL pointers; a broadcast input (outer stride 0) giving the single
 *   call's bits in every output; eigh on an all-NaN matrix inside a stack
 *   (NaN, reported; the others computed); operands 1, 4 and 7 bytes off
 *   alignment with strides that are not multiples of the element size,
 *   giving the aligned call's bits and report; no workspace: UL_ENOMEM,
 *   NaN outputs, FE_INVALID from the raw loop; small n allocate nothing;
 *   float work sizes above 2^24 rounded up, not down.
 * Limitations: eigh's all-NaN failure is what this LAPACK (OpenBLAS
 *   0.3.21) reports, and numpy 1.24 raises for it too.
 */
#include "eigh_test_util.h"
#include <fenv.h>

/* One matrix broadcast to a stack of 3 (outer stride 0, as numpy's
 * broadcast_to): every output the same bits as the single call's. */
static void test_broadcast(const ul_dtype *dt, ptrdiff_t n)
{
    int t = dt->type, rt = dt->real_type;
    size_t rsize = dt->complex_ ? dt->size / 2 : dt->size;
    double complex *a = malloc(sizeof *a * (size_t)(n * n));
    double *spec = malloc(sizeof *spec * (size_t)n);
    generate(a, spec, n, GEN_SPD, 10, dt);
    ul_layout A = ul_layout_new(0, 1, n, n, dt->size);
    write_input(&A, t, 0, n, a, 0);
    for (int f = 0; f < 6; f++) {
        int chol = f < 2, vec = f < 4;
        ul_layout W[2], V[2];
        for (int b = 0; b < 2; b++) {      /* b = 1: the broadcast call */
            ptrdiff_t count = b ? 3 : 1;
            W[b] = ul_layout_new(0, count, n, 1, chol ? dt->size : rsize);
            V[b] = ul_layout_new(0, count, n, n, dt->size);
            ul_operand ops[3];
            int nops = 0;
            ptrdiff_t shape[3] = { count, n, n }, st[3] = { 0, A.strides[1], A.strides[2] };
            ops[nops++] = (ul_operand){ A.base, t, 3, shape, st };
            if (!chol)
                ops[nops++] = ul_layout_operand(&W[b], rt, 2);
            if (vec)
                ops[nops++] = ul_layout_operand(&V[b], t, 3);
            ul_call_info info;
            int rc = ul_gufunc_call(ul_test_gufunc(NAMES[f]), nops, ops, &info);
            UL_CHECK(rc == UL_OK && info.outer_size == count, "%s broadcast rc %d (%s) %c n=%td",
                     NAMES[f], rc, info.message, dt->ch, n);
        }
        int same = 1;
        for (ptrdiff_t k = 0; k < 3; k++)
            for (ptrdiff_t i = 0; i < n; i++) {
                if (!chol)
                    same &= memcmp(ul_at(&W[1], k, i, 0), ul_at(&W[0], 0, i, 0), rsize) == 0;
                for (ptrdiff_t j = 0; j < n && vec; j++)
                    same &= memcmp(ul_at(&V[1], k, i, j), ul_at(&V[0], 0, i, j), dt->size) == 0;
            }
        UL_CHECK(same, "%s: broadcast outputs differ from the single call %c n=%td", NAMES[f], dt->ch, n);
        for (int b = 0; b < 2; b++) {
            free(W[b].buf);
            free(V[b].buf);
        }
    }
    free(A.buf); free(a); free(spec);
}

/* eigh on [A, all NaN, B]: the NaN matrix's outputs NaN (LAPACK fails on
 * it here: reported, as numpy raises), A and B computed. */
static void test_nan_matrix(const ul_dtype *dt)
{
    const ptrdiff_t n = 5;
    int t = dt->type, rt = dt->real_type;
    size_t rsize = dt->complex_ ? dt->size / 2 : dt->size;
    double complex a[25], h[25], v[25];
    double spec[5], w[5];
    ul_layout A = ul_layout_new(0, 3, n, n, dt->size);
    for (ptrdiff_t k = 0; k < 3; k++) {
        generate(a, spec, n, GEN_INDEF, 0, dt);
        if (k == 1)
            for (int i = 0; i < 25; i++)
                a[i] = CMPLX(NAN, dt->complex_ ? NAN : 0);
        write_input(&A, t, k, n, a, 0);
    }
    for (int f = 2; f < 6; f++) {
        int vec = f < 4;
        ul_layout W = ul_layout_new(0, 3, n, 1, rsize), V = ul_layout_new(0, 3, n, n, dt->size);
        ul_operand ops[3] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&W, rt, 2),
                              ul_layout_operand(&V, t, 3) };
        ul_call_info info;
        int rc = ul_gufunc_call(ul_test_gufunc(NAMES[f]), vec ? 3 : 2, ops, &info);
        UL_CHECK(rc == UL_ESINGULAR && info.nfailed == 1 && info.first_failed == 1,
                 "%s on an all-NaN matrix: rc %d report %td/%td %c", NAMES[f], rc,
                 info.nfailed, info.first_failed, dt->ch);
        UL_CHECK(all_nan(&W, rt, 1, n, 1) && (!vec || all_nan(&V, t, 1, n, n)),
                 "%s: NaN matrix's outputs not NaN %c", NAMES[f], dt->ch);
        for (ptrdiff_t k = 0; k < 3; k += 2) {
            seen_matrix(&A, t, k, n, f % 2 ? 'U' : 'L', h);
            for (ptrdiff_t i = 0; i < n; i++)
                w[i] = creal(ul_get(rt, ul_at(&W, k, i, 0)));
            double resid = 0, orth = 0;
            if (vec) {
                ul_read_matrix(&V, t, k, n, n, v);
                eigh_ratios(h, v, w, n, dt->eps, &resid, &orth);
            }
            UL_CHECK(!isnan(w[0]) && resid < 30 && orth < 30, "%s beside a NaN matrix k=%td: %.3g %.3g %c",
                     NAMES[f], k, resid, orth, dt->ch);
        }
        free(W.buf);
        free(V.buf);
    }
    free(A.buf);
}

/* Raw loop calls (numpy's route, data NULL or a report): FE_INVALID after
 * a failure, all flags cleared after success, a prior FE_INVALID kept;
 * m = 0 and N = 0 with NULL pointers touch nothing. */
static void test_fp_protocol(void)
{
    double a[2][2][2] = { { { 4, 0 }, { 2, 9 } }, { { -1, 0 }, { 0, 1 } } };
    double out[2][2][2], w[2][2];
    ptrdiff_t dims[2] = { 2, 2 }, steps[6] = { 32, 32, 16, 8, 16, 8 };
    char *args[2] = { (char *)a, (char *)out };
    ul_loop lo = ul_test_gufunc("cholesky_lo")->funcs[1], up = ul_test_gufunc("cholesky_up")->funcs[1];
    ul_loop eig = ul_test_gufunc("eigh_lo")->funcs[1], vals = ul_test_gufunc("eigvalsh_up")->funcs[1];
    feclearexcept(FE_ALL_EXCEPT);
    lo(args, dims, steps, NULL);
    UL_CHECK(fetestexcept(FE_INVALID), "not positive definite: FE_INVALID");
    UL_CHECK(out[0][0][0] == 2 && out[0][0][1] == 0 && out[0][1][0] == 1 &&
             out[0][1][1] == sqrt(8.0) && isnan(out[1][0][0]) && isnan(out[1][0][1]) &&
             isnan(out[1][1][1]), "cholesky_lo of [A, -1] wrong");
    ul_loop_report rep = { 99, 99, 99 };
    up(args, dims, steps, &rep);
    UL_CHECK(rep.nfailed == 1 && rep.first_failed == 1 && rep.status == UL_OK,
             "report %td %td %d", rep.nfailed, rep.first_failed, rep.status);
    /* _up reads the upper triangle: a[0] there is [[4, 0], [., 9]] */
    UL_CHECK(out[0][0][0] == 2 && out[0][0][1] == 0 && out[0][1][0] == 0 && out[0][1][1] == 3,
             "cholesky_up reads the upper triangle");
    dims[0] = 1;
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);      /* an MXCSR flag, like LAPACK's */
    lo(args, dims, steps, NULL);
    UL_CHECK(!fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT), "good cholesky must clear the flags");
    feraiseexcept(FE_INVALID);
    lo(args, dims, steps, NULL);
    UL_CHECK(fetestexcept(FE_INVALID), "a prior FE_INVALID is kept");
    /* eigh: {a, w, v, a_r, a_c, w_r, v_r, v_c} */
    ptrdiff_t esteps[8] = { 32, 16, 32, 16, 8, 8, 16, 8 };
    char *eargs[3] = { (char *)a, (char *)w, (char *)out };
    dims[0] = 2;
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    eig(eargs, dims, esteps, NULL);
    UL_CHECK(!fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT), "eigh must clear the flags");
    /* eigh_lo reads [[4, 2], [2, 9]]; eigvalsh_up [[4, 0], [0, 9]] */
    UL_CHECK(w[1][0] == -1 && w[1][1] == 1 && fabs(w[0][0] - (13 - sqrt(41.0)) / 2) < 1e-14 &&
             fabs(w[0][1] - (13 + sqrt(41.0)) / 2) < 1e-14,
             "eigh_lo: %g %g, %g %g", w[0][0], w[0][1], w[1][0], w[1][1]);
    ptrdiff_t vsteps[5] = { 32, 16, 16, 8, 8 };
    vals(eargs, dims, vsteps, NULL);
    UL_CHECK(w[1][0] == -1 && w[1][1] == 1 && w[0][0] == 4 && w[0][1] == 9,
             "eigvalsh_up: %g %g", w[0][0], w[0][1]);
    /* m = 0 (pointers NULL), N = 0: nothing read or written */
    char *nulls[3] = { NULL, NULL, NULL };
    ptrdiff_t d0[2] = { 3, 0 }, dn[2] = { 0, 4 };
    lo(nulls, d0, steps, NULL);
    eig(nulls, d0, esteps, NULL);
    vals(nulls, dn, vsteps, NULL);
    up(nulls, dn, steps, NULL);
    UL_CHECK(!fetestexcept(FE_INVALID), "empty calls raise nothing");
    feclearexcept(FE_ALL_EXCEPT);
}

/* ---- allocation failure ---- */
static long allocs;
static int failing;

static size_t last_len;

static void *test_malloc(size_t len)
{
    allocs++;
    last_len = len;
    return failing ? NULL : malloc(len);
}

/* n = 40: the workspace is on the heap, so the call fails: UL_ENOMEM,
 * NaN outputs, FE_INVALID from the raw loop. n = 3: it fits the loop's
 * stack buffer; no allocation, computed. */
static void test_enomem(void)
{
    UL_CHECK(ul_set_allocator(test_malloc, free) == UL_OK, "allocator");
    for (int pass = 0; pass < 2; pass++) {
        const ptrdiff_t n = pass ? 3 : 40;
        double *a = malloc(sizeof(double) * (size_t)(n * n)), *v = malloc(sizeof(double) * (size_t)(n * n));
        double *w = malloc(sizeof(double) * (size_t)n);
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i < n; i++)
                a[i + j * n] = i == j ? (double)n : 1.0 / (double)(1 + i + j);
        ptrdiff_t s[2] = { n, n }, st[2] = { 8 * n, 8 }, sw[1] = { n }, stw[1] = { 8 };
        for (int f = 0; f < 6; f++) {
            int chol = f < 2, vec = f < 4;
            ul_operand ops[3];
            int nops = 0;
            ops[nops++] = (ul_operand){ (char *)a, UL_DOUBLE, 2, s, st };
            if (!chol)
                ops[nops++] = (ul_operand){ (char *)w, UL_DOUBLE, 1, sw, stw };
            if (vec)
                ops[nops++] = (ul_operand){ (char *)v, UL_DOUBLE, 2, s, st };
            w[0] = v[0] = v[n * n - 1] = 7;
            ul_call_info info;
            failing = 1;
            allocs = 0;
            int rc = ul_gufunc_call(ul_test_gufunc(NAMES[f]), nops, ops, &info);
            if (pass == 0) {
                UL_CHECK(rc == UL_ENOMEM && info.status == UL_ENOMEM && strstr(info.message, "no memory") &&
                         (chol || isnan(w[0])) && (!vec || (isnan(v[0]) && isnan(v[n * n - 1]))),
                         "%s n=40 without workspace: rc %d (%s)", NAMES[f], rc, info.message);
                ul_loop fn = ul_test_gufunc(NAMES[f])->funcs[1];
                char *args[3] = { (char *)a, chol ? (char *)v : (char *)w, (char *)v };
                ptrdiff_t dims[2] = { 1, n };
                ptrdiff_t steps[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };
                ptrdiff_t *core = steps + nops;
                core[0] = 8 * n; core[1] = 8;
                if (chol) { core[2] = 8 * n; core[3] = 8; }
                else { core[2] = 8; if (vec) { core[3] = 8 * n; core[4] = 8; } }
                feclearexcept(FE_ALL_EXCEPT);
                fn(args, dims, steps, NULL);
                UL_CHECK(fetestexcept(FE_INVALID), "%s raw loop without workspace: no FE_INVALID", NAMES[f]);
                feclearexcept(FE_ALL_EXCEPT);
            } else {
                UL_CHECK(rc == UL_OK && allocs == 0 && !isnan(v[0]), "%s n=3: rc %d, %ld allocations",
                         NAMES[f], rc, allocs);
            }
            failing = 0;
            rc = ul_gufunc_call(ul_test_gufunc(NAMES[f]), nops, ops, &info);
            UL_CHECK(rc == UL_OK && (chol || !isnan(w[0])), "%s with memory again: rc %d", NAMES[f], rc);
        }
        free(a); free(v); free(w);
    }
    UL_CHECK(ul_set_allocator(NULL, NULL) == UL_OK, "restore");
}

/* ---- misaligned operands ----
 * A (count, rows, cols) stack `off` bytes past a malloc'd address, strides
 * padded by 1, 3 and 5 bytes when odd (never a multiple of the element). */
typedef struct placed {
    unsigned char *buf;
    ul_layout L;            /* base, shape, strides as ul_at reads them */
} placed;

static placed place(ptrdiff_t count, ptrdiff_t rows, ptrdiff_t cols,
                    size_t esize, size_t off, int odd)
{
    placed P;
    ptrdiff_t es = (ptrdiff_t)esize;
    memset(&P.L, 0, sizeof P.L);
    P.L.shape[0] = count; P.L.shape[1] = rows; P.L.shape[2] = cols;
    P.L.esize = esize;
    P.L.strides[2] = odd ? es + 1 : es;
    P.L.strides[1] = cols * P.L.strides[2] + (odd ? 3 : 0);
    P.L.strides[0] = rows * P.L.strides[1] + (odd ? 5 : 0);
    P.L.bytes = (size_t)(count * P.L.strides[0]) + off + 16;
    P.buf = malloc(P.L.bytes);
    memset(P.buf, UL_SENTINEL, P.L.bytes);
    P.L.buf = P.buf;
    P.L.base = (char *)P.buf + off;
    return P;
}

/* Runs gufunc f on input `in`; outputs placed like `like` (off, odd). */
static int run_placed(int f, const ul_dtype *dt, const ul_layout *in,
                      placed *W, placed *V, size_t off, int odd, ul_call_info *info)
{
    ptrdiff_t count = in->shape[0], n = in->shape[1];
    size_t rsize = dt->complex_ ? dt->size / 2 : dt->size;
    int chol = f < 2, vec = f < 4;
    *W = place(count, n, 1, chol ? dt->size : rsize, off, odd);
    *V = place(count, n, n, dt->size, (off * 3) % 8, odd);
    ul_operand ops[3];
    int nops = 0;
    ops[nops++] = (ul_operand){ in->base, dt->type, 3, in->shape, in->strides };
    if (!chol)
        ops[nops++] = (ul_operand){ W->L.base, dt->real_type, 2, W->L.shape, W->L.strides };
    if (vec)
        ops[nops++] = (ul_operand){ V->L.base, dt->type, 3, V->L.shape, V->L.strides };
    return ul_gufunc_call(ul_test_gufunc(NAMES[f]), nops, ops, info);
}

static void test_unaligned(const ul_dtype *dt, ptrdiff_t n)
{
    const ptrdiff_t count = 3;
    size_t rsize = dt->complex_ ? dt->size / 2 : dt->size;
    double complex *a = malloc(sizeof *a * (size_t)(n * n));
    double *spec = malloc(sizeof *spec * (size_t)n);
    placed ref = place(count, n, n, dt->size, 0, 0);
    for (ptrdiff_t k = 0; k < count; k++) {     /* matrix 1 indefinite */
        generate(a, spec, n, k == 1 ? GEN_INDEF : GEN_SPD, 10, dt);
        write_input(&ref.L, dt->type, k, n, a, 0);
    }
    static const size_t offs[3] = { 1, 4, 7 };
    for (int f = 0; f < 6; f++) {
        int chol = f < 2, vec = f < 4;
        placed W0, V0;
        ul_call_info i0, i1;
        int rc0 = run_placed(f, dt, &ref.L, &W0, &V0, 0, 0, &i0);
        for (int o = 0; o < 3; o++) {
            placed in = place(count, n, n, dt->size, offs[o], o != 1);
            for (ptrdiff_t k = 0; k < count; k++)
                for (ptrdiff_t i = 0; i < n; i++)
                    for (ptrdiff_t j = 0; j < n; j++)
                        memcpy(ul_at(&in.L, k, i, j), ul_at(&ref.L, k, i, j), dt->size);
            placed W1, V1;
            int rc1 = run_placed(f, dt, &in.L, &W1, &V1, offs[o], o != 1, &i1);
            int same = rc1 == rc0 && i1.nfailed == i0.nfailed && i1.first_failed == i0.first_failed;
            for (ptrdiff_t k = 0; k < count; k++)
                for (ptrdiff_t i = 0; i < n; i++) {
                    if (!chol)
                        same &= memcmp(ul_at(&W1.L, k, i, 0), ul_at(&W0.L, k, i, 0), rsize) == 0;
                    for (ptrdiff_t j = 0; j < n && vec; j++)
                        same &= memcmp(ul_at(&V1.L, k, i, j), ul_at(&V0.L, k, i, j), dt->size) == 0;
                }
            UL_CHECK(same, "%s off %zu odd %d %c n=%td: not the aligned call's result (rc %d/%d)",
                     NAMES[f], offs[o], o != 1, dt->ch, n, rc1, rc0);
            free(in.buf); free(W1.buf); free(V1.buf);
        }
        UL_CHECK(rc0 == (chol ? UL_ESINGULAR : UL_OK) && (!chol || i0.first_failed == 1),
                 "%s aligned reference rc %d %c n=%td", NAMES[f], rc0, dt->ch, n);
        free(W0.buf); free(V0.buf);
    }
    free(ref.buf); free(a); free(spec);
}

/* n = 3000: ssyevd's and cheevd's workspace sizes (1 + 6n + 2n^2 and
 * lrwork 1 + 5n + 2n^2) exceed 2^24 and come back from the query as a
 * float rounded down (numpy 1.24 passes that on, and LAPACK rejects it:
 * "parameter number 8 had an illegal value"); the loop rounds up. The
 * allocation is made to fail, so only its size is looked at. */
static void test_float_lwork(void)
{
    const size_t n = 3000;
    UL_CHECK(ul_set_allocator(test_malloc, free) == UL_OK, "allocator");
    for (int cplx = 0; cplx < 2; cplx++) {
        size_t es = cplx ? 8 : 4;
        char *a = calloc(n * n, es), *v = malloc(n * n * es), *w = malloc(n * 4);
        ptrdiff_t s[2] = { (ptrdiff_t)n, (ptrdiff_t)n }, st[2] = { (ptrdiff_t)(n * es), (ptrdiff_t)es };
        ptrdiff_t sw[1] = { (ptrdiff_t)n }, stw[1] = { 4 };
        ul_operand ops[3] = { { a, cplx ? UL_CFLOAT : UL_FLOAT, 2, s, st },
                              { w, UL_FLOAT, 1, sw, stw }, { v, cplx ? UL_CFLOAT : UL_FLOAT, 2, s, st } };
        failing = 1;
        last_len = 0;
        int rc = ul_gufunc_call(ul_test_gufunc("eigh_lo"), 3, ops, NULL);
        failing = 0;
        size_t need = cplx ? (2 * n * n + 2 * n) * es + (n + 1 + 5 * n + 2 * n * n) * 4 + (3 + 5 * n) * 4
                           : (2 * n * n + 1 + 6 * n) * es + n * 4 + (3 + 5 * n) * 4;
        UL_CHECK(rc == UL_ENOMEM && last_len >= need, "%s n=3000: workspace %zu bytes, LAPACK needs %zu (rc %d)",
                 cplx ? "cheevd" : "ssyevd", last_len, need, rc);
        free(a); free(v); free(w);
    }
    UL_CHECK(ul_set_allocator(NULL, NULL) == UL_OK, "restore");
}

int main(void)
{
    test_float_lwork();
    test_fp_protocol();
    test_enomem();
    for (int d = 0; d < 4; d++) {
        const ul_dtype *dt = &UL_DTYPES[d];
        test_broadcast(dt, 1);
        test_broadcast(dt, 6);
        test_broadcast(dt, 20);
        test_nan_matrix(dt);
        test_unaligned(dt, 1);
        test_unaligned(dt, 4);
        test_unaligned(dt, 19);
    }
    return ul_test_done("test_cholesky_eigh_calls");
}
