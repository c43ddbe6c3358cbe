/*
 * Area: loops (inv, solve, solve1, det, slogdet) through the table and the
 * driver. Purpose: LAPACK-style residual ratios (< 30) on random,
 * conditioned, badly scaled, near-underflow/overflow matrices for n = 0..33,
 * all four dtypes and eight stride layouts (negative, padded, zero strides),
 * with the buffer gaps checked untouched; singular matrices at every stack
 * position (NaN output, count and first index reported, det 0, slogdet
 * (0, -inf)); NaN input; the FE_INVALID protocol of direct loop calls.
 * References: a long-double pivoted LU written here, not the code under test.
 */
#include "ul_test.h"
#include <fenv.h>

typedef long double complex ldc;

/* ---- reference: log|det| and sign (phase) by long-double partial
 * pivoting, and cond_1 through a long-double Gauss-Jordan inverse ---- */
static int ref_slogdet(const double complex *a, ptrdiff_t n, ldc *sign,
                       long double *logabs)
{
    ldc *m = malloc(sizeof *m * (size_t)(n * n + 1));
    for (ptrdiff_t i = 0; i < n * n; i++)
        m[i] = a[i];
    ldc s = 1;
    long double lg = 0;
    int singular = 0;
    for (ptrdiff_t k = 0; k < n; k++) {
        ptrdiff_t p = k;
        for (ptrdiff_t i = k + 1; i < n; i++)
            if (cabsl(m[i + k * n]) > cabsl(m[p + k * n]))
                p = i;
        if (m[p + k * n] == 0) {
            singular = 1;
            break;
        }
        if (p != k) {
            for (ptrdiff_t j = 0; j < n; j++) {
                ldc t = m[k + j * n]; m[k + j * n] = m[p + j * n]; m[p + j * n] = t;
            }
            s = -s;
        }
        ldc piv = m[k + k * n];
        s *= piv / cabsl(piv);
        lg += logl(cabsl(piv));
        for (ptrdiff_t i = k + 1; i < n; i++) {
            ldc l = m[i + k * n] / piv;
            for (ptrdiff_t j = k + 1; j < n; j++)
                m[i + j * n] -= l * m[k + j * n];
        }
    }
    free(m);
    *sign = singular ? 0 : s;
    *logabs = singular ? -INFINITY : lg;
    return !singular;
}

static double ref_cond1(const double complex *a, ptrdiff_t n)
{
    ldc *m = malloc(sizeof *m * (size_t)(2 * n * n + 1));
    ldc *x = m + n * n;
    for (ptrdiff_t i = 0; i < n * n; i++) {
        m[i] = a[i];
        x[i] = (i % (n + 1)) == 0;
    }
    for (ptrdiff_t k = 0; k < n; k++) {
        ptrdiff_t p = k;
        for (ptrdiff_t i = k + 1; i < n; i++)
            if (cabsl(m[i + k * n]) > cabsl(m[p + k * n]))
                p = i;
        for (ptrdiff_t j = 0; j < n; j++) {
            ldc t = m[k + j * n]; m[k + j * n] = m[p + j * n]; m[p + j * n] = t;
            t = x[k + j * n]; x[k + j * n] = x[p + j * n]; x[p + j * n] = t;
        }
        ldc piv = m[k + k * n];
        for (ptrdiff_t i = 0; i < n; i++) {
            if (i == k) continue;
            ldc l = m[i + k * n] / piv;
            for (ptrdiff_t j = 0; j < n; j++) {
                m[i + j * n] -= l * m[k + j * n];
                x[i + j * n] -= l * x[k + j * n];
            }
        }
    }
    long double an = 0, xn = 0;
    for (ptrdiff_t j = 0; j < n; j++) {
        long double sa = 0, sx = 0;
        for (ptrdiff_t i = 0; i < n; i++) {
            sa += cabsl(a[i + j * n]);
            sx += cabsl(x[i + j * n] / m[i + i * n]);
        }
        if (sa > an) an = sa;
        if (sx > xn) xn = sx;
    }
    free(m);
    return (double)(an * xn);
}

/* ---- matrix generators (column-major double complex) ---- */
enum { GEN_RANDOM, GEN_COND, GEN_SCALED, GEN_TINY, GEN_HUGE, GEN_HILBERT, NGEN };
static const char *gen_names[NGEN] = { "random", "cond", "scaled", "tiny", "huge", "hilbert" };

/* fills a with generator g; cond is the target 2-norm condition number */
static void generate(double complex *a, ptrdiff_t n, int g, double cond,
                     const ul_dtype *dt)
{
    int c = dt->complex_;
    if (g == GEN_COND && n > 1) {
        double complex *u = malloc(sizeof *u * (size_t)(3 * n * n));
        double complex *v = u + n * n, *t = v + n * n;
        ul_rand_unitary(u, n, c);
        ul_rand_unitary(v, n, c);
        for (ptrdiff_t j = 0; j < n; j++)      /* t = diag(s) v, geometric s */
            for (ptrdiff_t i = 0; i < n; i++)
                t[i + j * n] = pow(cond, -(double)i / (double)(n - 1)) * v[i + j * n];
        ul_matmul(a, u, t, n, n, n);
        free(u);
        return;
    }
    if (g == GEN_HILBERT) {
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i < n; i++)
                a[i + j * n] = 1.0 / (double)(i + j + 1);
        return;
    }
    for (ptrdiff_t i = 0; i < n * n; i++)
        a[i] = ul_rnd(c);
    for (ptrdiff_t i = 0; i < n; i++)      /* keep random matrices tame */
        a[i * (n + 1)] += 0.5 * (double)n * (ul_rand() < 0 ? -1 : 1);
    double big = dt->eps > 1e-10 ? 1e30 : 1e290;
    double tiny = dt->eps > 1e-10 ? 1e-30 : 1e-290;
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t i = 0; i < n; i++) {
            if (g == GEN_SCALED)      /* rows and columns scaled by 2^+-20 */
                a[i + j * n] *= ldexp(1.0, (int)((i * 7 + j * 3) % 41) - 20);
            else if (g == GEN_TINY)
                a[i + j * n] *= tiny;
            else if (g == GEN_HUGE)
                a[i + j * n] *= big / (double)n;
        }
}

static void write_matrix(ul_layout *L, int type, ptrdiff_t k, ptrdiff_t rows,
                         ptrdiff_t cols, const double complex *a)
{
    for (ptrdiff_t j = 0; j < cols; j++)
        for (ptrdiff_t i = 0; i < rows; i++)
            ul_put(type, ul_at(L, k, i, j), a[i + j * rows]);
}

static int all_nan(const ul_layout *L, int type, ptrdiff_t k, ptrdiff_t rows,
                   ptrdiff_t cols)
{
    for (ptrdiff_t j = 0; j < cols; j++)
        for (ptrdiff_t i = 0; i < rows; i++) {
            double complex v = ul_get(type, ul_at(L, k, i, j));
            if (!isnan(creal(v)) || (ul_dtype_of(type)->complex_ && !isnan(cimag(v))))
                return 0;
        }
    return 1;
}

/* Case: one stack of `count` n x n matrices of generator g, singular at
 * `sing` (-1: none), layouts la (input) and lo (outputs). Runs inv, solve
 * (nrhs), solve1, det and slogdet and checks everything. */
static void run_case(const ul_dtype *dt, ptrdiff_t n, ptrdiff_t count, int g,
                     double cond, ptrdiff_t sing, int la, int lo, ptrdiff_t nrhs)
{
    int t = dt->type;
    char what[160];
    snprintf(what, sizeof what, "%c n=%td count=%td %s cond=%.0e sing=%td in=%d out=%d",
             dt->ch, n, count, gen_names[g], cond, sing, la, lo);
    size_t nn = (size_t)(n * n + 1);
    double complex *a = malloc(sizeof *a * nn * (size_t)(count + 1));
    double complex *x = malloc(sizeof *x * nn), *b = malloc(sizeof *b * (size_t)(n * nrhs + 1) * (size_t)(count + 1));
    ul_layout A = ul_layout_new(la, count, n, n, dt->size);
    for (ptrdiff_t k = 0; k < count; k++) {
        double complex *ak = a + (size_t)k * nn;
        generate(ak, n, g, cond, dt);
        /* exactly singular in LAPACK's sense (an exactly zero pivot): a
           zero column or a zero row. (Two equal rows are not: rounding in
           the elimination leaves a tiny pivot, and numpy reports nothing.) */
        if (k == sing && n > 0) {
            for (ptrdiff_t i = 0; i < n; i++) {
                if (k % 2 == 0)
                    ak[i + ((k / 2) % n) * n] = 0;
                else
                    ak[(k / 2) % n + i * n] = 0;
            }
        }
        write_matrix(&A, t, k, n, n, ak);
        ul_read_matrix(&A, t, k, n, n, ak);     /* rounded to the dtype */
        for (ptrdiff_t i = 0; i < n * nrhs; i++)
            b[(size_t)k * (size_t)(n * nrhs + 1) + (size_t)i] = ul_rnd(dt->complex_);
    }
    unsigned char *a_copy = malloc(A.bytes);
    memcpy(a_copy, A.buf, A.bytes);
    double tol = 30;
    ul_call_info info;

    /* ---- inv ---- */
    ul_layout X = ul_layout_new(lo, count, n, n, dt->size);
    ul_operand ops[3] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&X, t, 3) };
    int rc = ul_gufunc_call(ul_test_gufunc("inv"), 2, ops, &info);
    int expect_fail = sing >= 0 && sing < count && n > 0;
    UL_CHECK(rc == (expect_fail ? UL_ESINGULAR : UL_OK), "inv rc %d (%s) %s", rc, info.message, what);
    UL_CHECK(info.nfailed == (expect_fail ? 1 : 0) && info.first_failed == (expect_fail ? sing : -1),
             "inv report %td/%td %s", info.nfailed, info.first_failed, what);
    UL_CHECK(info.outer_size == count, "outer_size %td %s", info.outer_size, what);
    UL_CHECK(memcmp(a_copy, A.buf, A.bytes) == 0, "inv wrote its input %s", what);
    UL_CHECK(ul_gaps_untouched(&X), "inv wrote outside its output %s", what);
    for (ptrdiff_t k = 0; k < count; k++) {
        if (k == sing && n > 0) {
            UL_CHECK(all_nan(&X, t, k, n, n), "singular inv not NaN %s", what);
            continue;
        }
        if (n == 0) continue;
        ul_read_matrix(&X, t, k, n, n, x);
        double left = 0, right = 0;
        ul_inv_ratios(a + (size_t)k * nn, x, n, dt->eps, &left, &right);
        /* LAPACK's gesv inverse has the small right residual, pivoted
           Gauss-Jordan the small left one; at cond ~1/eps only one of them
           is bounded (performance.md section 3), below that both are. */
        int one_side = g == GEN_HILBERT || (g == GEN_COND && cond * dt->eps > 1e-6);
        double r = one_side ? fmin(left, right) : fmax(left, right);
        UL_CHECK(r < tol, "inv residual ratio %.3g (left %.3g right %.3g) k=%td %s", r, left, right, k, what);
    }

    /* ---- solve (nrhs) and solve1 ---- */
    for (int one = 0; one < 2; one++) {
        ptrdiff_t nr = one ? 1 : nrhs;
        ul_layout B = ul_layout_new(lo, count, n, nr, dt->size);
        ul_layout Y = ul_layout_new(la, count, n, nr, dt->size);
        for (ptrdiff_t k = 0; k < count; k++)
            write_matrix(&B, t, k, n, nr, b + (size_t)k * (size_t)(n * nrhs + 1));
        ul_operand s_ops[3] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&B, t, one ? 2 : 3),
                                ul_layout_operand(&Y, t, one ? 2 : 3) };
        rc = ul_gufunc_call(ul_test_gufunc(one ? "solve1" : "solve"), 3, s_ops, &info);
        UL_CHECK(rc == (expect_fail ? UL_ESINGULAR : UL_OK), "solve%s rc %d (%s) %s", one ? "1" : "", rc, info.message, what);
        UL_CHECK(info.first_failed == (expect_fail ? sing : -1), "solve report %s", what);
        UL_CHECK(ul_gaps_untouched(&Y), "solve wrote outside its output %s", what);
        double complex *bk = malloc(sizeof *bk * (size_t)(n * nr + 1)), *yk = malloc(sizeof *yk * (size_t)(n * nr + 1));
        for (ptrdiff_t k = 0; k < count && n > 0; k++) {
            if (k == sing) {
                UL_CHECK(all_nan(&Y, t, k, n, nr), "singular solve not NaN %s", what);
                continue;
            }
            ul_read_matrix(&B, t, k, n, nr, bk);
            ul_read_matrix(&Y, t, k, n, nr, yk);
            double r = ul_solve_ratio(a + (size_t)k * nn, yk, bk, n, nr, dt->eps);
            UL_CHECK(r < tol, "solve%s ratio %.3g k=%td nrhs=%td %s", one ? "1" : "", r, k, nr, what);
        }
        free(bk); free(yk);
        free(B.buf); free(Y.buf);
    }

    /* ---- det and slogdet ---- */
    ul_layout D = ul_layout_new(lo, count, 1, 1, dt->size);
    ul_layout S = ul_layout_new(lo, count, 1, 1, dt->size);
    ul_layout LG = ul_layout_new(la, count, 1, 1, dt->complex_ ? dt->size / 2 : dt->size);
    ul_operand d_ops[2] = { ul_layout_operand(&A, t, 3), { D.base, t, 1, D.shape, D.strides } };
    rc = ul_gufunc_call(ul_test_gufunc("det"), 2, d_ops, &info);
    UL_CHECK(rc == UL_OK, "det rc %d %s", rc, what);
    ul_operand l_ops[3] = { ul_layout_operand(&A, t, 3), { S.base, t, 1, S.shape, S.strides },
                            { LG.base, dt->real_type, 1, LG.shape, LG.strides } };
    rc = ul_gufunc_call(ul_test_gufunc("slogdet"), 3, l_ops, &info);
    UL_CHECK(rc == UL_OK, "slogdet rc %d %s", rc, what);
    UL_CHECK(ul_gaps_untouched(&D) && ul_gaps_untouched(&S) && ul_gaps_untouched(&LG), "det wrote outside %s", what);
    for (ptrdiff_t k = 0; k < count; k++) {
        ldc rs;
        long double rl;
        int ok = ref_slogdet(a + (size_t)k * nn, n, &rs, &rl);
        double complex det = ul_get(t, ul_at(&D, k, 0, 0));
        double complex sign = ul_get(t, ul_at(&S, k, 0, 0));
        double logdet = creal(ul_get(dt->real_type, ul_at(&LG, k, 0, 0)));
        if (!ok || k == sing) {
            UL_CHECK(det == 0 && sign == 0 && logdet == -INFINITY,
                     "singular det %g slogdet (%g, %g) %s", creal(det), creal(sign), logdet, what);
            continue;
        }
        double kappa = n ? ref_cond1(a + (size_t)k * nn, n) : 1;
        double tl = tol * (double)(n ? n : 1) * dt->eps * kappa;
        /* summing n logs, and numpy's det = sign * exp(logdet), add a
           rounding error of order eps * |logdet| */
        double tlog = tl + 4 * (double)(n + 1) * dt->eps * fabs((double)rl);
        UL_CHECK(fabs(logdet - (double)rl) <= tlog, "logdet %.17g ref %.17Lg tol %.3g %s", logdet, rl, tlog, what);
        UL_CHECK(cabs(sign - (double complex)rs) <= tl && fabs(cabs(sign) - 1) <= 10 * dt->eps,
                 "sign %g%+gi ref %Lg %s", creal(sign), cimag(sign), creall(rs), what);
        double complex expect = (double complex)rs * exp((double)rl);
        double lim = dt->size == 4 || (dt->size == 8 && dt->complex_) ? FLT_MAX : DBL_MAX;
        double small = dt->size == 4 || (dt->size == 8 && dt->complex_) ? FLT_MIN : DBL_MIN;
        if ((double)rl > log(lim) + 1)
            UL_CHECK(isinf(creal(det)) || isinf(cimag(det)), "det should overflow %s", what);
        else if ((double)rl < log(small) - 30)
            UL_CHECK(cabs(det) <= small, "det should underflow %s", what);
        else if ((double)rl < log(lim) - 1 && (double)rl > log(small) + 1)
            UL_CHECK(cabs(det - expect) <= tlog * cabs(expect) + small,
                     "det %g ref %g tol %.3g %s", creal(det), creal(expect), tl, what);
    }
    free(D.buf); free(S.buf); free(LG.buf);
    free(X.buf); free(A.buf); free(a_copy); free(a); free(x); free(b);
}

/* Direct loop calls: numpy's FP-flag protocol and the report. */
static void test_fp_protocol(void)
{
    double a[2][2][2] = { { { 1, 2 }, { 2, 4 } }, { { 2, 0 }, { 0, 4 } } };
    double out[2][2][2];
    ptrdiff_t dims[2] = { 2, 2 }, steps[6] = { 32, 32, 16, 8, 16, 8 };
    char *args[2] = { (char *)a, (char *)out };
    feclearexcept(FE_ALL_EXCEPT);
    ul_dinv_loop(args, dims, steps, NULL);
    UL_CHECK(fetestexcept(FE_INVALID), "singular inv must raise FE_INVALID");
    UL_CHECK(isnan(out[0][0][0]) && isnan(out[0][1][1]) && out[1][0][0] == 0.5 && out[1][1][1] == 0.25,
             "inv of [singular, diag] wrong");
    /* a well-behaved call clears the flags it might find set by LAPACK,
       but keeps a prior FE_INVALID (numpy keeps it across a multi-call) */
    dims[0] = 1;
    args[0] = (char *)a[1];
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    ul_dinv_loop(args, dims, steps, NULL);
    UL_CHECK(!fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT), "good inv must clear the flags");
    feraiseexcept(FE_INVALID);
    ul_dinv_loop(args, dims, steps, NULL);
    UL_CHECK(fetestexcept(FE_INVALID), "a prior FE_INVALID is kept");
    /* the report: data pointer carries counts */
    ul_loop_report rep = { 99, 99, 99 };
    dims[0] = 2;
    args[0] = (char *)a;
    ul_dinv_loop(args, dims, steps, &rep);
    UL_CHECK(rep.nfailed == 1 && rep.first_failed == 0 && rep.status == UL_OK, "report %td %td", rep.nfailed, rep.first_failed);
    /* the driver leaves the caller's flags alone */
    ptrdiff_t shape[3] = { 2, 2, 2 }, st[3] = { 32, 16, 8 };
    ul_operand ops[2] = { { (char *)a, UL_DOUBLE, 3, shape, st }, { (char *)out, UL_DOUBLE, 3, shape, st } };
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_OVERFLOW);
    int rc = ul_gufunc_call(ul_gufunc_find("inv"), 2, ops, NULL);
    UL_CHECK(rc == UL_ESINGULAR, "driver rc %d", rc);
    UL_CHECK(fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT) == FE_OVERFLOW, "driver must restore the caller's flags");
    feclearexcept(FE_ALL_EXCEPT);
    /* m = 0: det 1, slogdet (1, 0); N = 0: nothing written */
    double d = 7, s = 7, l = 7;
    ptrdiff_t d0[2] = { 1, 0 }, s0[4] = { 0, 0, 0, 0 }, s1[5] = { 0, 0, 0, 0, 0 };
    char *dargs[2] = { (char *)a, (char *)&d }, *largs[3] = { (char *)a, (char *)&s, (char *)&l };
    ul_ddet_loop(dargs, d0, s0, NULL);
    ul_dslogdet_loop(largs, d0, s1, NULL);
    UL_CHECK(d == 1 && s == 1 && l == 0, "m=0 det %g slogdet (%g, %g)", d, s, l);
    d = 7;
    ptrdiff_t dn[2] = { 0, 3 };
    ul_ddet_loop(dargs, dn, s0, NULL);
    UL_CHECK(d == 7, "N=0 wrote");
}

/* NaN and Inf input: NaN out, no crash, like numpy (NaN input is not a
 * singular matrix: no failure reported). */
static void test_nan_inf(void)
{
    for (int n = 1; n <= 20; n += (n < 5 ? 1 : 5)) {
        for (int kind = 0; kind < 2; kind++) {
            double *a = calloc((size_t)(n * n), sizeof *a), *x = calloc((size_t)(n * n), sizeof *x), det;
            for (int i = 0; i < n; i++) a[i * (n + 1)] = 2;
            a[(n / 2) * (n + 1)] = kind ? INFINITY : NAN;
            ptrdiff_t shape[2] = { n, n }, st[2] = { 8 * n, 8 };
            ul_operand ops[2] = { { (char *)a, UL_DOUBLE, 2, shape, st }, { (char *)x, UL_DOUBLE, 2, shape, st } };
            ul_call_info info;
            ul_gufunc_call(ul_gufunc_find("inv"), 2, ops, &info);
            int any_nan = 0;
            for (int i = 0; i < n * n; i++) any_nan |= isnan(x[i]);
            if (!kind)
                UL_CHECK(any_nan && info.nfailed == 0, "NaN in -> NaN out, not singular (n=%d)", n);
            ul_operand dops[2] = { ops[0], { (char *)&det, UL_DOUBLE, 0, NULL, NULL } };
            UL_CHECK(ul_gufunc_call(ul_gufunc_find("det"), 2, dops, NULL) == UL_OK, "det rc");
            if (!kind)
                UL_CHECK(isnan(det), "det of NaN input %g (n=%d)", det, n);
            else
                UL_CHECK(isinf(det) || isnan(det), "det of Inf input %g (n=%d)", det, n);
            free(a); free(x);
        }
    }
}

int main(void)
{
    test_fp_protocol();
    test_nan_inf();
    static const ptrdiff_t all_layout_n[] = { 0, 1, 2, 3, 4, 5, 7, 8, 10, 13, 16, 17, 20, 24, 32, 33 };
    for (int d = 0; d < 4; d++) {
        const ul_dtype *dt = &UL_DTYPES[d];
        for (ptrdiff_t n = 0; n <= 33; n++)
            run_case(dt, n, 3, GEN_RANDOM, 0, -1, 0, 0, 2);
        for (size_t i = 0; i < sizeof all_layout_n / sizeof all_layout_n[0]; i++) {
            ptrdiff_t n = all_layout_n[i];
            for (int la = 0; la < UL_NLAYOUTS; la++)
                run_case(dt, n, 1 + (la % 3), GEN_RANDOM, 0, -1, la, (la * 3 + 1) % UL_NLAYOUTS, 1 + la % 4);
            /* singular at every position of a stack of 5 */
            if (n > 0)
                for (ptrdiff_t s = 0; s < 5; s++)
                    run_case(dt, n, 5, GEN_RANDOM, 0, s, (int)s, (int)(s + 2) % UL_NLAYOUTS, 3);
            run_case(dt, n, 0, GEN_RANDOM, 0, -1, 1, 2, 2);   /* empty stack */
            int single = dt->eps > 1e-10;
            double conds[2] = { single ? 1e3 : 1e8, single ? 1e5 : 1e12 };
            for (int c = 0; c < 2; c++)
                run_case(dt, n, 2, GEN_COND, conds[c], -1, c * 3, c, 2);
            run_case(dt, n, 2, GEN_SCALED, 0, -1, 4, 5, 2);
            run_case(dt, n, 2, GEN_TINY, 0, -1, 5, 6, 2);
            run_case(dt, n, 2, GEN_HUGE, 0, -1, 6, 0, 2);
        }
        if (dt->eps < 1e-10)
            run_case(dt, 8, 2, GEN_HILBERT, 0, -1, 0, 1, 2);    /* cond 1.5e10 */
    }
    return ul_test_done("test_loops");
}
