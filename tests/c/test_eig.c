/*
 * Area: the eig family (eig, eigvals) through the table and the driver.
 * Purpose: LAPACK's ddrvev/dget22 checks for f, d and D input (complex
 *   outputs): ||A V - V diag(w)||_1 / (n ||A||_1 eps) < 30 in long double
 *   complex arithmetic; each eigenvector of unit 2-norm (| ||v||_2 - 1 | /
 *   (n eps) < 30) with its largest component real; for real input the
 *   conjugate pairs exactly (w_{j+1} = conj(w_j) with Im w_j > 0, v_{j+1} =
 *   conj(v_j)) and real vectors for real eigenvalues; eigvals bit-equal to
 *   eig's w (ddrvev's test 5: W(full) = W(partial)). Random, triangular,
 *   Jordan, zero, row/column-scaled, near-overflow and near-underflow
 *   matrices, n = 0..33, eight stride layouts for the input and for each
 *   output (negative, padded, zero strides), gaps untouched and the input
 *   unchanged; broadcast input (outer step 0); empty stacks; a NaN or Inf
 *   matrix at every stack position (NaN outputs, count and first index
 *   reported, the rest computed); any byte address and odd byte strides
 *   (bit-equal to the aligned call); no complex64 loop (numpy 1.24);
 *   FE_INVALID protocol of direct calls; m = 0; workspace allocation failure.
 * Limitations: geev's non-convergence (info > 0) is not provoked; the
 *   failure path is exercised through non-finite input instead.
 */
#include "ul_test.h"
#include <fenv.h>

typedef long double complex ldc;

enum { GEN_RANDOM, GEN_TRIU, GEN_JORDAN, GEN_ZERO, GEN_SCALED, GEN_HUGE,
       GEN_TINY, NGEN };
static const char *gen_names[NGEN] = { "random", "triu", "jordan", "zero",
                                       "scaled", "huge", "tiny" };

/* the three loops: input dtype, output (complex) dtype */
static const ul_dtype *IN[3] = { &UL_DTYPES[0], &UL_DTYPES[1], &UL_DTYPES[3] };
static const ul_dtype *OUT[3] = { &UL_DTYPES[2], &UL_DTYPES[3], &UL_DTYPES[3] };

static void generate(double complex *a, ptrdiff_t n, int g, const ul_dtype *dt)
{
    int c = dt->complex_;
    double big = dt->eps > 1e-10 ? 1e30 : 1e290;
    double tiny = dt->eps > 1e-10 ? 1e-30 : 1e-290;
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t i = 0; i < n; i++) {
            double complex v = c ? CMPLX(ul_rand(), ul_rand()) : ul_rand();
            if (g == GEN_TRIU && i > j)
                v = 0;
            else if (g == GEN_JORDAN)   /* one eigenvalue, defective */
                v = i == j ? 0.5 : i + 1 == j ? 1 : 0;
            else if (g == GEN_ZERO)
                v = 0;
            else if (g == GEN_SCALED)   /* entries by 2^-5..2^5: balancing
                                           works, the ratio stays bounded */
                v *= ldexp(1.0, (int)((i * 7 + j * 3) % 11) - 5);
            else if (g == GEN_HUGE)
                v *= big / (double)(n ? n : 1);
            else if (g == GEN_TINY)
                v *= tiny;
            a[i + j * n] = v;
        }
}

static int all_nan(const ul_layout *L, int type, ptrdiff_t k, ptrdiff_t rows,
                   ptrdiff_t cols)
{
    for (ptrdiff_t j = 0; j < cols; j++)
        for (ptrdiff_t i = 0; i < rows; i++) {
            double complex v = ul_get(type, ul_at(L, k, i, j));
            if (!isnan(creal(v)) || !isnan(cimag(v)))
                return 0;
        }
    return 1;
}

/* dget22's ratios for one matrix: residual, worst normalization, and 1 if
 * every column's largest component is real (within rounding of the max). */
static void eig_ratios(const double complex *a, const double complex *w,
                       const double complex *v, ptrdiff_t n, double eps,
                       double *resid, double *norm, int *largest_real)
{
    double rn = 0, an = ul_norm1(a, n, n);
    *norm = 0;
    *largest_real = 1;
    for (ptrdiff_t j = 0; j < n; j++) {
        double col = 0, nrm2 = 0, vmax = 0, rmax = 0;
        for (ptrdiff_t i = 0; i < n; i++) {
            ldc s = -(ldc)v[i + j * n] * w[j];
            for (ptrdiff_t t = 0; t < n; t++)
                s += (ldc)a[i + t * n] * v[t + j * n];
            col += (double)cabsl(s);
            double m = cabs(v[i + j * n]);
            nrm2 += m * m;
            vmax = fmax(vmax, m);
            if (cimag(v[i + j * n]) == 0)
                rmax = fmax(rmax, m);
        }
        rn = fmax(rn, isnan(col) ? INFINITY : col);
        *norm = fmax(*norm, fabs(sqrt(nrm2) - 1) / ((double)n * eps));
        if (!(rmax >= vmax * (1 - 8 * eps)))
            *largest_real = 0;
    }
    *resid = rn / ((double)n * fmax(an, DBL_MIN) * eps);
}

/* Real input: conjugate pairs exactly, real vectors for real eigenvalues. */
static int pairs_ok(const double complex *w, const double complex *v,
                    ptrdiff_t n)
{
    for (ptrdiff_t j = 0; j < n; j++) {
        if (cimag(w[j]) == 0) {
            for (ptrdiff_t i = 0; i < n; i++)
                if (cimag(v[i + j * n]) != 0)
                    return 0;
            continue;
        }
        if (j + 1 == n || !(cimag(w[j]) > 0) || w[j + 1] != conj(w[j]))
            return 0;
        for (ptrdiff_t i = 0; i < n; i++)
            if (v[i + (j + 1) * n] != conj(v[i + j * n]))
                return 0;
        j++;
    }
    return 1;
}

/* One stack of `count` n x n matrices of generator g; matrix `bad` (-1:
 * none) gets a NaN (bad even) or Inf (bad odd) entry; la: input layout, lw,
 * lv: the outputs'; bcast: one input matrix broadcast to the stack. */
static void run_case(int d, ptrdiff_t n, ptrdiff_t count, int g, ptrdiff_t bad,
                     int la, int lw, int lv, int bcast)
{
    const ul_dtype *dt = IN[d], *ot = OUT[d];
    int t = dt->type, o = ot->type;
    char what[160];
    snprintf(what, sizeof what, "%c n=%td count=%td %s bad=%td in=%d w=%d v=%d%s",
             dt->ch, n, count, gen_names[g], bad, la, lw, lv,
             bcast ? " broadcast" : "");
    size_t nn = (size_t)(n * n + 1);
    ptrdiff_t na = bcast ? 1 : count;
    double complex *a = malloc(sizeof *a * nn * (size_t)(na + 1));
    double complex *w = malloc(sizeof *w * (size_t)(n + 1) * 2);
    double complex *v = malloc(sizeof *v * nn);
    double complex *w0 = malloc(sizeof *w0 * (size_t)(n + 1)), *v0 = malloc(sizeof *v0 * nn);
    ul_layout A = ul_layout_new(la, na, n, n, dt->size);
    for (ptrdiff_t k = 0; k < na; k++) {
        double complex *ak = a + (size_t)k * nn;
        generate(ak, n, g, dt);
        if (k == bad && n > 0)
            ak[(k % n) + ((k + 1) % n) * n] = k % 2 ? INFINITY : NAN;
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i < n; i++)
                ul_put(t, ul_at(&A, k, i, j), ak[i + j * n]);
        ul_read_matrix(&A, t, k, n, n, ak);     /* rounded to the dtype */
    }
    unsigned char *a_copy = malloc(A.bytes);
    memcpy(a_copy, A.buf, A.bytes);
    ul_layout W = ul_layout_new(lw, count, n, 1, ot->size);
    ul_layout V = ul_layout_new(lv, count, n, n, ot->size);
    ul_layout E = ul_layout_new(lv, count, n, 1, ot->size);
    ul_operand in = ul_layout_operand(&A, t, 3);
    ptrdiff_t bshape[3] = { count, n, n }, bstrides[3] = { 0, A.strides[1], A.strides[2] };
    if (bcast) {            /* outer step 0, as numpy passes a broadcast operand */
        in.shape = bshape;
        in.strides = bstrides;
    }
    ul_operand ops[3] = { in, ul_layout_operand(&W, o, 2), ul_layout_operand(&V, o, 3) };
    ul_operand eops[2] = { in, ul_layout_operand(&E, o, 2) };
    ul_call_info info, einfo;
    int rc = ul_gufunc_call(ul_test_gufunc("eig"), 3, ops, &info);
    int erc = ul_gufunc_call(ul_test_gufunc("eigvals"), 2, eops, &einfo);
    ptrdiff_t nbad = bad >= 0 && bad < na && n > 0 ? (bcast ? count : 1) : 0;
    ptrdiff_t first = nbad ? (bcast ? 0 : bad) : -1;
    UL_CHECK(rc == (nbad ? UL_ESINGULAR : UL_OK) && erc == rc,
             "rc %d (%s) eigvals %d %s", rc, info.message, erc, what);
    UL_CHECK(info.nfailed == nbad && info.first_failed == first &&
             einfo.nfailed == nbad && einfo.first_failed == first,
             "report %td/%td %td/%td %s", info.nfailed, info.first_failed,
             einfo.nfailed, einfo.first_failed, what);
    UL_CHECK(memcmp(a_copy, A.buf, A.bytes) == 0, "input written %s", what);
    UL_CHECK(ul_gaps_untouched(&W) && ul_gaps_untouched(&V) && ul_gaps_untouched(&E),
             "wrote outside an output %s", what);
    for (ptrdiff_t k = 0; k < count && n > 0; k++) {
        if (nbad && (bcast || k == bad)) {
            UL_CHECK(all_nan(&W, o, k, n, 1) && all_nan(&V, o, k, n, n) &&
                     all_nan(&E, o, k, n, 1), "failed matrix not NaN k=%td %s", k, what);
            continue;
        }
        const double complex *ak = a + (size_t)(bcast ? 0 : k) * nn;
        ul_read_matrix(&W, o, k, n, 1, w);
        ul_read_matrix(&E, o, k, n, 1, w + n);
        ul_read_matrix(&V, o, k, n, n, v);
        double resid, norm;
        int largest_real;
        eig_ratios(ak, w, v, n, dt->eps, &resid, &norm, &largest_real);
        UL_CHECK(resid < 30, "residual ratio %.3g k=%td %s", resid, k, what);
        UL_CHECK(norm < 30, "normalization ratio %.3g k=%td %s", norm, k, what);
        UL_CHECK(largest_real, "largest component not real k=%td %s", k, what);
        if (!dt->complex_)
            UL_CHECK(pairs_ok(w, v, n), "conjugate pairs k=%td %s", k, what);
        UL_CHECK(memcmp(w, w + n, sizeof *w * (size_t)n) == 0,
                 "eigvals differs from eig's w k=%td %s", k, what);
        if (bcast && k == 0) {
            memcpy(w0, w, sizeof *w * (size_t)n);
            memcpy(v0, v, sizeof *v * nn);
        } else if (bcast) {
            UL_CHECK(memcmp(w0, w, sizeof *w * (size_t)n) == 0 &&
                     memcmp(v0, v, sizeof *v * (size_t)(n * n)) == 0,
                     "broadcast results differ k=%td %s", k, what);
        }
    }
    free(A.buf); free(W.buf); free(V.buf); free(E.buf);
    free(a_copy); free(a); free(w); free(v); free(w0); free(v0);
}

/* Direct loop calls: numpy's FP-flag protocol, the report, m = 0, N = 0,
 * and the type list (no complex64 loop). */
static void test_direct(void)
{
    double a[2][2][2] = { { { 1, NAN }, { 2, 1 } }, { { 0, -1 }, { 1, 0 } } };
    double complex w[2][2], v[2][2][2];
    ptrdiff_t dims[2] = { 2, 2 };
    ptrdiff_t st[8] = { 32, 32, 64, 16, 8, 16, 32, 16 }, se[5] = { 32, 32, 16, 8, 16 };
    char *args[3] = { (char *)a, (char *)w, (char *)v };
    ul_loop_report rep = { 99, 99, 99 };
    feclearexcept(FE_ALL_EXCEPT);
    ul_deig_loop(args, dims, st, &rep);
    UL_CHECK(fetestexcept(FE_INVALID), "a failed eig must raise FE_INVALID");
    UL_CHECK(rep.nfailed == 1 && rep.first_failed == 0 && rep.status == UL_OK,
             "report %td %td %d", rep.nfailed, rep.first_failed, rep.status);
    UL_CHECK(isnan(creal(w[0][1])) && isnan(cimag(v[0][1][1])), "failed matrix not NaN");
    /* the rotation: eigenvalues +-i, vectors (1, -+i)/sqrt 2 */
    UL_CHECK(cabs(w[1][0] - CMPLX(0, 1)) < 4 * DBL_EPSILON && w[1][1] == conj(w[1][0]) &&
             v[1][0][1] == conj(v[1][0][0]) && cimag(v[1][0][0]) == 0 &&
             fabs(fabs(creal(v[1][0][0])) - sqrt(0.5)) < 4 * DBL_EPSILON,
             "rotation %g%+gi %g%+gi", creal(w[1][0]), cimag(w[1][0]), creal(v[1][1][0]), cimag(v[1][1][0]));
    /* a good call clears the flags LAPACK or others left (FE_INEXACT
     * excepted: ul_impl.h), keeps FE_INVALID */
    dims[0] = 1;
    args[0] = (char *)a[1];
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    ul_deigvals_loop(args, dims, se, NULL);
    UL_CHECK(!fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT), "good eigvals must clear the flags");
    feraiseexcept(FE_INVALID);
    ul_deig_loop(args, dims, st, NULL);
    UL_CHECK(fetestexcept(FE_INVALID), "a prior FE_INVALID is kept");
    /* m = 0 (numpy calls the loop, empty operands may be NULL), N = 0 */
    ptrdiff_t d0[2] = { 3, 0 }, dn[2] = { 0, 2 };
    char *nulls[3] = { NULL, NULL, NULL };
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    ul_seig_loop(nulls, d0, st, NULL);
    ul_zeigvals_loop(nulls, d0, se, NULL);
    UL_CHECK(!fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT), "m = 0 must clear the flags");
    ul_deig_loop(nulls, dn, st, NULL);
    ul_zeig_loop(nulls, dn, st, NULL);
    /* numpy 1.24's type lists: no F loop */
    int cf = UL_CFLOAT, types[3] = { UL_FLOAT, UL_DOUBLE, UL_CDOUBLE };
    for (int e = 0; e < 2; e++) {
        const ul_gufunc *g = ul_test_gufunc(e ? "eigvals" : "eig");
        UL_CHECK(g->ntypes == 3 && ul_gufunc_loop_for(g, &cf) == -1, "%s has a complex64 loop", g->name);
        for (int i = 0; i < 3; i++)
            UL_CHECK(ul_gufunc_loop_for(g, &types[i]) == i, "%s loop %d", g->name, i);
    }
    float complex fa[4] = { 1, 2, 3, 4 }, fw[2], fv[4];
    ptrdiff_t s2[2] = { 2, 2 }, st2[2] = { 16, 8 }, s1[1] = { 2 }, st1[1] = { 8 };
    ul_operand ops[3] = { { (char *)fa, UL_CFLOAT, 2, s2, st2 },
                          { (char *)fw, UL_CFLOAT, 1, s1, st1 },
                          { (char *)fv, UL_CFLOAT, 2, s2, st2 } };
    UL_CHECK(ul_gufunc_call(ul_test_gufunc("eig"), 3, ops, NULL) == UL_EBADTYPE, "eig F->FF accepted");
}

/* Workspace allocation failure: NaN outputs, UL_ENOMEM, FE_INVALID for a
 * raw call; a small call (stack workspace) needs no allocation. */
static long allocs, fail_at = -1;
static void *test_malloc(size_t n)
{
    return allocs++ == fail_at ? NULL : malloc(n);
}

static void test_enomem(void)
{
    UL_CHECK(ul_set_allocator(test_malloc, free) == UL_OK, "set allocator");
    for (int pass = 0; pass < 2; pass++) {
        ptrdiff_t n = pass ? 2 : 20;
        double *a = malloc(sizeof *a * (size_t)(n * n));
        double complex *w = malloc(sizeof *w * (size_t)n), *v = malloc(sizeof *v * (size_t)(n * n));
        for (ptrdiff_t i = 0; i < n * n; i++)
            a[i] = ul_rand();
        ptrdiff_t s2[2] = { n, n }, st2[2] = { 8 * n, 8 }, so[2] = { n, n },
                  sto[2] = { 16 * n, 16 }, s1[1] = { n }, st1[1] = { 16 };
        ul_operand ops[3] = { { (char *)a, UL_DOUBLE, 2, s2, st2 },
                              { (char *)w, UL_CDOUBLE, 1, s1, st1 },
                              { (char *)v, UL_CDOUBLE, 2, so, sto } };
        for (int e = 0; e < 2; e++) {
            ul_call_info info;
            allocs = 0;
            fail_at = 0;
            int rc = ul_gufunc_call(ul_test_gufunc(e ? "eigvals" : "eig"), e ? 2 : 3, ops, &info);
            if (pass == 0) {
                UL_CHECK(rc == UL_ENOMEM && info.status == UL_ENOMEM && info.message[0],
                         "%s without workspace: rc %d (%s)", e ? "eigvals" : "eig", rc, info.message);
                UL_CHECK(isnan(creal(w[0])) && isnan(cimag(w[n - 1])) &&
                         (e || (isnan(creal(v[0])) && isnan(cimag(v[n * n - 1])))),
                         "outputs not NaN without workspace");
            } else {
                UL_CHECK(rc == UL_OK && allocs == 0, "small eig allocated: rc %d", rc);
            }
        }
        if (pass == 0) {
            char *args[3] = { (char *)a, (char *)w, (char *)v };
            ptrdiff_t dims[2] = { 1, n }, st[8] = { 0, 0, 0, 8 * n, 8, 16, 16 * n, 16 };
            ul_loop_report rep;
            allocs = 0;
            fail_at = 0;
            feclearexcept(FE_ALL_EXCEPT);
            ul_deig_loop(args, dims, st, &rep);
            UL_CHECK(fetestexcept(FE_INVALID) && rep.status == UL_ENOMEM && rep.nfailed == 1,
                     "raw eig without workspace: status %d", rep.status);
        }
        free(a); free(w); free(v);
    }
    fail_at = -1;
    UL_CHECK(ul_set_allocator(NULL, NULL) == UL_OK, "restore allocator");
}

/* Any byte address and odd byte strides: copies of the same stack 1, 4 and
 * 7 bytes past an aligned address, every stride padded off the element
 * size, give the aligned C-ordered call's bits (and UBSan sees no
 * misaligned access in the library). */
typedef struct placed {
    unsigned char *buf;
    char *base;
    ptrdiff_t shape[3], strides[3];
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
    size_t bytes = (size_t)(count * P.strides[0]) + off + 16;
    P.buf = malloc(bytes);
    memset(P.buf, UL_SENTINEL, bytes);
    P.base = (char *)P.buf + off;
    return P;
}

static char *pat(const placed *P, ptrdiff_t k, ptrdiff_t i, ptrdiff_t j)
{
    return P->base + k * P->strides[0] + i * P->strides[1] + j * P->strides[2];
}

static int same_placed(const placed *a, const placed *b, size_t esize)
{
    for (ptrdiff_t k = 0; k < a->shape[0]; k++)
        for (ptrdiff_t i = 0; i < a->shape[1]; i++)
            for (ptrdiff_t j = 0; j < a->shape[2]; j++)
                if (memcmp(pat(a, k, i, j), pat(b, k, i, j), esize))
                    return 0;
    return 1;
}

static void test_unaligned(void)
{
    static const size_t offs[] = { 1, 4, 7 };
    for (int d = 0; d < 3; d++)
        for (ptrdiff_t n = 1; n <= 9; n += 4) {
            ptrdiff_t count = 3;
            size_t ei = IN[d]->size, eo = OUT[d]->size;
            placed ref[3] = { place(count, n, n, ei, 0, 0), place(count, n, 1, eo, 0, 0),
                              place(count, n, n, eo, 0, 0) };
            for (ptrdiff_t k = 0; k < count; k++)
                for (ptrdiff_t i = 0; i < n; i++)
                    for (ptrdiff_t j = 0; j < n; j++)
                        ul_put(IN[d]->type, pat(&ref[0], k, i, j),
                               k == 1 && i == j ? NAN : ul_rand() + (IN[d]->complex_ ? I * ul_rand() : 0));
            int types[3] = { IN[d]->type, OUT[d]->type, OUT[d]->type }, nd[3] = { 3, 2, 3 };
            ul_operand ops[3];
            for (int o = 0; o < 3; o++)
                ops[o] = (ul_operand){ ref[o].base, types[o], nd[o], ref[o].shape, ref[o].strides };
            ul_call_info ri, mi;
            int rc_ref = ul_gufunc_call(ul_test_gufunc("eig"), 3, ops, &ri);
            UL_CHECK(rc_ref == UL_ESINGULAR && ri.nfailed == 1, "aligned eig rc %d", rc_ref);
            for (int odd = 0; odd < 2; odd++)
                for (int f = 0; f < 3; f++) {
                    placed mis[3];
                    size_t es[3] = { ei, eo, eo };
                    for (int o = 0; o < 3; o++) {
                        mis[o] = place(count, n, o == 1 ? 1 : n, es[o], offs[f], odd);
                        ops[o] = (ul_operand){ mis[o].base, types[o], nd[o], mis[o].shape, mis[o].strides };
                    }
                    for (ptrdiff_t k = 0; k < count; k++)
                        for (ptrdiff_t i = 0; i < n; i++)
                            for (ptrdiff_t j = 0; j < n; j++)
                                memcpy(pat(&mis[0], k, i, j), pat(&ref[0], k, i, j), ei);
                    int rc = ul_gufunc_call(ul_test_gufunc("eig"), 3, ops, &mi);
                    UL_CHECK(rc == rc_ref && mi.nfailed == ri.nfailed && mi.first_failed == ri.first_failed,
                             "unaligned eig %c n=%td off=%zu odd=%d rc %d", IN[d]->ch, n, offs[f], odd, rc);
                    UL_CHECK(same_placed(&mis[1], &ref[1], eo) && same_placed(&mis[2], &ref[2], eo),
                             "unaligned eig %c n=%td off=%zu odd=%d differs", IN[d]->ch, n, offs[f], odd);
                    free(mis[1].buf);       /* a fresh w for eigvals */
                    mis[1] = place(count, n, 1, eo, offs[f], odd);
                    ul_operand eops[2] = { ops[0], { mis[1].base, types[1], 2, mis[1].shape, mis[1].strides } };
                    rc = ul_gufunc_call(ul_test_gufunc("eigvals"), 2, eops, &mi);
                    UL_CHECK(rc == rc_ref && same_placed(&mis[1], &ref[1], eo),
                             "unaligned eigvals %c n=%td off=%zu odd=%d", IN[d]->ch, n, offs[f], odd);
                    for (int o = 0; o < 3; o++)
                        free(mis[o].buf);
                }
            for (int o = 0; o < 3; o++)
                free(ref[o].buf);
        }
}

int main(void)
{
    test_direct();
    test_unaligned();
    test_enomem();
    static const ptrdiff_t layout_n[] = { 0, 1, 2, 3, 4, 5, 8, 13, 17 };
    for (int d = 0; d < 3; d++) {
        for (ptrdiff_t n = 0; n <= 33; n++)
            run_case(d, n, 2, GEN_RANDOM, -1, 0, 0, 0, 0);
        for (size_t i = 0; i < sizeof layout_n / sizeof layout_n[0]; i++) {
            ptrdiff_t n = layout_n[i];
            for (int la = 0; la < UL_NLAYOUTS; la++)
                run_case(d, n, 1 + la % 3, GEN_RANDOM, -1, la,
                         (la * 3 + 1) % UL_NLAYOUTS, (la * 5 + 2) % UL_NLAYOUTS, 0);
            for (int g = 1; g < NGEN; g++)
                run_case(d, n, 2, g, -1, g % UL_NLAYOUTS, (g + 3) % UL_NLAYOUTS, g, 0);
            if (n > 0)      /* NaN / Inf at every position of a stack of 4 */
                for (ptrdiff_t b = 0; b < 4; b++)
                    run_case(d, n, 4, GEN_RANDOM, b, (int)b, (int)(b + 2) % UL_NLAYOUTS,
                             (int)(b + 5) % UL_NLAYOUTS, 0);
            run_case(d, n, 0, GEN_RANDOM, -1, 1, 2, 3, 0);      /* empty stack */
            run_case(d, n, 3, GEN_RANDOM, -1, 3, 4, 6, 1);      /* broadcast */
            run_case(d, n, 3, GEN_RANDOM, 0, 0, 1, 2, 1);       /* broadcast NaN */
        }
    }
    return ul_test_done("test_eig");
}
