/*
 * Area: bridge/ul_ffi.c element-wise loops
 * Purpose: every supported type in both call styles (value-returning and
 *   pointer / stack_inputs) on each path (typed loops, register-class
 *   direct calls, ffi_call), mixed types, several functions in one row,
 *   the direct fast paths against the libffi path, strides (negative,
 *   zero) and broadcasting through the driver, ul_gufunc_find.
 * Limitations: single-threaded (test_ffi_busy.c covers threads).
 */
#include "ffi_test_util.h"

#include <complex.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- the scalar functions ---- */
static _Bool and_b(_Bool a, _Bool b) { return a && b; }
static int32_t add_i(int32_t a, int32_t b) { return a + b; }
static int64_t add_q(int64_t a, int64_t b) { return a + b; }
static float add_f(float a, float b) { return a + b; }
static double add_d(double a, double b) { return a + b; }
static float complex add_F(float complex a, float complex b) { return a * b; }
static double complex add_D(double complex a, double complex b)
{
    return a * b;
}
static void and_bp(_Bool a, _Bool b, _Bool *o) { *o = a && b; }
static void add_ip(int32_t a, int32_t b, int32_t *o) { *o = a + b; }
static void add_qp(int64_t a, int64_t b, int64_t *o) { *o = a + b; }
static void add_fp(float a, float b, float *o) { *o = a + b; }
static void add_dp(double a, double b, double *o) { *o = a + b; }
static void add_Fp(float complex a, float complex b, float complex *o)
{
    *o = a * b;
}
static void add_Dp(double complex a, double complex b, double complex *o)
{
    *o = a * b;
}
static double neg_d(double a) { return -a; }
static float neg_f(float a) { return -a; }
static int32_t neg_i(int32_t a) { return -a; }
static double scale(int32_t k, double x, _Bool flip)
{
    return flip ? -k * x : k * x;
}
static void divmod_q(int64_t a, int64_t b, int64_t *q, int64_t *r)
{
    *q = a / b;
    *r = a % b;
}
static void polar(double complex z, double *r, float *t, _Bool *pos)
{
    *r = cabs(z);
    *t = (float)carg(z);
    *pos = creal(z) > 0;
}
static int64_t nonzero_F(float complex z) { return z != 0; }

/* ---- a driver for 1-d operands of n elements ---- */
static int run1(const ul_gufunc *g, int nops, void **data, const int *types,
                ptrdiff_t n, const ptrdiff_t *strides)
{
    ul_operand ops[16];
    ptrdiff_t shape[1] = { n };
    for (int i = 0; i < nops; i++)
        ops[i] = ffi_op(data[i], types[i], 1, shape, &strides[i]);
    ul_call_info info;
    int st = ul_gufunc_call(g, nops, ops, &info);
    if (st != UL_OK)
        fprintf(stderr, "call %s: %s\n", g->name, info.message);
    return st;
}

#define N 7

/* Register-class direct calls exist on x86-64 SysV only. */
#if defined(__x86_64__) && !defined(_WIN32) && !defined(__ILP32__)
#define REGCALL 1
#else
#define REGCALL 0
#endif

/* Binary op of type T in both styles, contiguous and strided. */
#define TEST_BINARY(T, letter, tnum, fv, fp, expr)                          \
    do {                                                                    \
        T a[2 * N], b[N], o[N], o2[2 * N];                                  \
        for (int i = 0; i < 2 * N; i++)                                     \
            a[i] = (T)(i % 3 + 1);                                          \
        for (int i = 0; i < N; i++)                                         \
            b[i] = (T)((i + 1) % 2);                                        \
        for (int mode = 0; mode < 6; mode++) {                              \
            const int style = mode & 1;                                     \
            const int path = mode < 2 ? 0 : mode < 4 ? UL_FFI_NO_TYPED      \
                                                     : UL_FFI_GENERIC;      \
            void *fn = style ? (void *)fp : (void *)fv;                     \
            const ul_gufunc *g = NULL;                                      \
            char msg[200];                                                  \
            FCHECK_ST(ul_ffi_gufunc_new("t_" letter, 2, 1, 1, &fn,          \
                      letter letter letter, style | path, NULL, NULL, &g,   \
                      msg, sizeof(msg)), UL_OK);                            \
            if (!g)                                                         \
                break;                                                      \
            FCHECK(ul_ffi_gufunc_is_direct(g, 0)                            \
                   == (REGCALL && path != UL_FFI_GENERIC));                 \
            FCHECK(ul_gufunc_find("t_" letter) == g);                       \
            FCHECK(!strcmp(g->signature, "(),()->()"));                                   \
            FCHECK(g->nin == 2 && g->nout == 1 && g->ntypes == 1);          \
            FCHECK(g->types[0] == tnum && g->types[2] == tnum);             \
            int ty[3] = { tnum, tnum, tnum };                               \
            void *d1[3] = { a, b, o };                                      \
            ptrdiff_t s1[3] = { sizeof(T), sizeof(T), sizeof(T) };          \
            memset(o, 0, sizeof(o));                                        \
            FCHECK_ST(run1(g, 3, d1, ty, N, s1), UL_OK);                    \
            int ok = 1;                                                     \
            for (int i = 0; i < N; i++) {                                   \
                T x = a[i], y = b[i];                                       \
                ok &= o[i] == (T)(expr);                                    \
            }                                                               \
            FCHECK(ok);                                                     \
            /* a every other element backwards, b broadcast (stride 0),   \
               o with stride 2 */                                           \
            void *d2[3] = { &a[2 * N - 1], &b[3], o2 };                     \
            ptrdiff_t s2[3] = { -2 * (ptrdiff_t)sizeof(T), 0,               \
                                2 * (ptrdiff_t)sizeof(T) };                 \
            memset(o2, 0, sizeof(o2));                                      \
            FCHECK_ST(run1(g, 3, d2, ty, N, s2), UL_OK);                    \
            ok = 1;                                                         \
            for (int i = 0; i < N; i++) {                                   \
                T x = a[2 * N - 1 - 2 * i], y = b[3];                       \
                ok &= o2[2 * i] == (T)(expr) && o2[2 * i + 1] == (T)0;      \
            }                                                               \
            FCHECK(ok);                                                     \
            FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);                     \
            FCHECK(ul_gufunc_find("t_" letter) == NULL);                    \
        }                                                                   \
    } while (0)

static void test_types(void)
{
    TEST_BINARY(_Bool, "?", UL_BOOL, and_b, and_bp, x && y);
    TEST_BINARY(int32_t, "i", UL_INT32, add_i, add_ip, x + y);
    TEST_BINARY(int64_t, "q", UL_INT64, add_q, add_qp, x + y);
    TEST_BINARY(float, "f", UL_FLOAT, add_f, add_fp, x + y);
    TEST_BINARY(double, "d", UL_DOUBLE, add_d, add_dp, x + y);
    TEST_BINARY(float complex, "F", UL_CFLOAT, add_F, add_Fp, x * y);
    TEST_BINARY(double complex, "D", UL_CDOUBLE, add_D, add_Dp, x * y);
}

/* Values that need every byte: int64 beyond 32 bits, negative int32
   returns (widened by libffi, narrowed by the loop), true complex. */
static void test_values(void)
{
    const ul_gufunc *g;
    void *fn = (void *)add_q;
    int64_t qa[2] = { INT64_C(1) << 40, -(INT64_C(1) << 50) };
    int64_t qb[2] = { 5, -7 }, qo[2];
    FCHECK_ST(ul_ffi_gufunc_new("t_q", 2, 1, 1, &fn, "qqq", 0, NULL, NULL,
                                &g, NULL, 0), UL_OK);
    {
        int ty[3] = { UL_INT64, UL_INT64, UL_INT64 };
        void *d[3] = { qa, qb, qo };
        ptrdiff_t s[3] = { 8, 8, 8 };
        FCHECK_ST(run1(g, 3, d, ty, 2, s), UL_OK);
        FCHECK(qo[0] == (INT64_C(1) << 40) + 5);
        FCHECK(qo[1] == -(INT64_C(1) << 50) - 7);
        FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    }
    fn = (void *)neg_i;
    FCHECK_ST(ul_ffi_gufunc_new("t_negi", 1, 1, 1, &fn, "ii", 0, NULL,
                                NULL, &g, NULL, 0), UL_OK);
    {
        int32_t a[3] = { 1, -2, INT32_MAX }, o[4] = { 0, 0, 0, 99 };
        int ty[2] = { UL_INT32, UL_INT32 };
        void *d[2] = { a, o };
        ptrdiff_t s[2] = { 4, 4 };
        FCHECK_ST(run1(g, 2, d, ty, 3, s), UL_OK);
        FCHECK(o[0] == -1 && o[1] == 2 && o[2] == -INT32_MAX && o[3] == 99);
        FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    }
    fn = (void *)add_D;
    FCHECK_ST(ul_ffi_gufunc_new("t_D", 2, 1, 1, &fn, "DDD", 0, NULL, NULL,
                                &g, NULL, 0), UL_OK);
    {
        double complex a[1] = { 1.5 + 2.0 * I }, b[1] = { -3.0 + 0.25 * I };
        double complex o[1];
        int ty[3] = { UL_CDOUBLE, UL_CDOUBLE, UL_CDOUBLE };
        void *d[3] = { a, b, o };
        ptrdiff_t s[3] = { 16, 16, 16 };
        FCHECK_ST(run1(g, 3, d, ty, 1, s), UL_OK);
        FCHECK(o[0] == a[0] * b[0]);
        FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    }
}

/* Mixed types, nout > 1, unary ops, type selection among several rows. */
static void test_mixed(int path)
{
    const ul_gufunc *g;
    void *fn = (void *)scale;
    FCHECK_ST(ul_ffi_gufunc_new("t_scale", 3, 1, 1, &fn, "id?d", path, NULL,
                                "k*x, negated if flip", &g, NULL, 0), UL_OK);
    {
        int32_t k[3] = { 2, -3, 4 };
        double x[3] = { 0.5, 1.5, -2.0 }, o[3];
        _Bool flip[3] = { 0, 1, 1 };
        int ty[4] = { UL_INT32, UL_DOUBLE, UL_BOOL, UL_DOUBLE };
        void *d[4] = { k, x, flip, o };
        ptrdiff_t s[4] = { 4, 8, 1, 8 };
        FCHECK(!strcmp(g->doc, "k*x, negated if flip"));
        FCHECK_ST(run1(g, 4, d, ty, 3, s), UL_OK);
        FCHECK(o[0] == 1.0 && o[1] == 4.5 && o[2] == 8.0);
        FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    }
    fn = (void *)divmod_q;
    FCHECK_ST(ul_ffi_gufunc_new("t_divmod", 2, 2, 1, &fn, "qqqq",
                                UL_FFI_STACK_INPUTS | path, NULL, NULL, &g, NULL, 0),
              UL_OK);
    {
        int64_t a[3] = { 17, -9, 100 }, b[3] = { 5, 4, 7 }, q[3], r[3];
        int ty[4] = { UL_INT64, UL_INT64, UL_INT64, UL_INT64 };
        void *d[4] = { a, b, q, r };
        ptrdiff_t s[4] = { 8, 8, 8, 8 };
        FCHECK_ST(run1(g, 4, d, ty, 3, s), UL_OK);
        FCHECK(q[0] == 3 && r[0] == 2 && q[1] == -2 && r[1] == -1);
        FCHECK(q[2] == 14 && r[2] == 2);
        FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    }
    fn = (void *)polar;
    FCHECK_ST(ul_ffi_gufunc_new("t_polar", 1, 3, 1, &fn, "Ddf?",
                                UL_FFI_STACK_INPUTS | path, NULL, NULL, &g, NULL, 0),
              UL_OK);
    {
        double complex z[2] = { 3.0 + 4.0 * I, -1.0 };
        double r[2];
        float t[2];
        _Bool pos[2];
        int ty[4] = { UL_CDOUBLE, UL_DOUBLE, UL_FLOAT, UL_BOOL };
        void *d[4] = { z, r, t, pos };
        ptrdiff_t s[4] = { 16, 8, 4, 1 };
        FCHECK_ST(run1(g, 4, d, ty, 2, s), UL_OK);
        FCHECK(r[0] == 5.0 && r[1] == 1.0);
        FCHECK(t[0] == (float)carg(z[0]) && t[1] == (float)M_PI);
        FCHECK(pos[0] == 1 && pos[1] == 0);
        FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    }
    fn = (void *)nonzero_F;
    FCHECK_ST(ul_ffi_gufunc_new("t_nzF", 1, 1, 1, &fn, "Fq", path, NULL, NULL,
                                &g, NULL, 0), UL_OK);
    {
        float complex z[3] = { 0, 1.0f * I, 2 };
        int64_t o[3];
        int ty[2] = { UL_CFLOAT, UL_INT64 };
        void *d[2] = { z, o };
        ptrdiff_t s[2] = { 8, 8 };
        FCHECK_ST(run1(g, 2, d, ty, 3, s), UL_OK);
        FCHECK(o[0] == 0 && o[1] == 1 && o[2] == 1);
        FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    }
    /* two rows: the driver picks the one whose types match */
    void *fns[3] = { (void *)neg_d, (void *)neg_f, (void *)neg_i };
    FCHECK_ST(ul_ffi_gufunc_new("t_neg", 1, 1, 3, fns, "ddffii", 0, NULL,
                                NULL, &g, NULL, 0), UL_OK);
    {
        double a[2] = { 1, -2 }, o[2];
        float af[2] = { 3, -4 }, of[2];
        int32_t ai[2] = { 5, -6 }, oi[2];
        int tyd[2] = { UL_DOUBLE, UL_DOUBLE }, tyf[2] = { UL_FLOAT, UL_FLOAT };
        int tyi[2] = { UL_INT32, UL_INT32 };
        void *dd[2] = { a, o }, *df[2] = { af, of }, *di[2] = { ai, oi };
        ptrdiff_t sd[2] = { 8, 8 }, sf[2] = { 4, 4 };
        FCHECK(ul_ffi_gufunc_is_direct(g, 0) == 1);
        FCHECK(ul_ffi_gufunc_is_direct(g, 1) == 1);
        FCHECK(ul_ffi_gufunc_is_direct(g, 2) == REGCALL);
        FCHECK(ul_ffi_gufunc_is_direct(g, 3) == -1);
        FCHECK_ST(run1(g, 2, dd, tyd, 2, sd), UL_OK);
        FCHECK_ST(run1(g, 2, df, tyf, 2, sf), UL_OK);
        FCHECK_ST(run1(g, 2, di, tyi, 2, sf), UL_OK);
        FCHECK(o[0] == -1 && o[1] == 2 && of[0] == -3 && of[1] == 4);
        FCHECK(oi[0] == -5 && oi[1] == 6);
        int in_types[1] = { UL_FLOAT };
        FCHECK(ul_gufunc_loop_for(g, in_types) == 1);
        FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    }
}

/* Register limits of the direct calls: 6 integer and 8 SSE registers;
   beyond them the row keeps ffi_call. Results agree either way. */
static int64_t sum7(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e,
                    int32_t f, int32_t g)
{
    return (int64_t)a + b + c + d + e + f + g;
}
static double sum9(double a, double b, double c, double d, double e,
                   double f, double g, double h, double i)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i;
}
static double complex mix(int64_t a, double complex b, int64_t c,
                          double complex d, _Bool e, double complex f,
                          int32_t g, double complex h, int64_t i, int64_t j)
{
    return (a + c * 2 + e * 3 + g * 4 + i * 5 + j * 6) * b + d * 10.0
           + f * 100.0 + h * 1000.0;
}

static void test_registers(void)
{
    const ul_gufunc *g;
    void *fn = (void *)sum7;
    int32_t iv[7][2] = { { 1, -1 }, { 2, -2 }, { 3, -3 }, { 4, -4 },
                         { 5, -5 }, { 6, -6 }, { INT32_MAX, INT32_MIN } };
    int64_t io[2];
    FCHECK_ST(ul_ffi_gufunc_new("t_sum7", 7, 1, 1, &fn, "iiiiiiiq", 0,
                                NULL, NULL, &g, NULL, 0), UL_OK);
    FCHECK(ul_ffi_gufunc_is_direct(g, 0) == 0);
    {
        int ty[8] = { 5, 5, 5, 5, 5, 5, 5, 7 };
        void *d[8] = { iv[0], iv[1], iv[2], iv[3], iv[4], iv[5], iv[6], io };
        ptrdiff_t st[8] = { 4, 4, 4, 4, 4, 4, 4, 8 };
        FCHECK_ST(run1(g, 8, d, ty, 2, st), UL_OK);
        FCHECK(io[0] == 21 + (int64_t)INT32_MAX);
        FCHECK(io[1] == -21 + (int64_t)INT32_MIN);
        FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    }
    fn = (void *)sum9;
    double dv[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, dout;
    FCHECK_ST(ul_ffi_gufunc_new("t_sum9", 9, 1, 1, &fn, "dddddddddd", 0,
                                NULL, NULL, &g, NULL, 0), UL_OK);
    FCHECK(ul_ffi_gufunc_is_direct(g, 0) == 0);
    {
        int ty[10];
        void *d[10];
        ptrdiff_t st[10];
        for (int i = 0; i < 10; i++) {
            ty[i] = UL_DOUBLE;
            d[i] = i < 9 ? (void *)&dv[i] : (void *)&dout;
            st[i] = 8;
        }
        FCHECK_ST(run1(g, 10, d, ty, 1, st), UL_OK);
        FCHECK(dout == 285);
        FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    }
    /* exactly 6 integer and 8 SSE registers: direct; and through libffi */
    for (int path = 0; path <= UL_FFI_GENERIC; path += UL_FFI_GENERIC) {
        fn = (void *)mix;
        FCHECK_ST(ul_ffi_gufunc_new("t_mix", 10, 1, 1, &fn, "qDqD?DiDqqD",
                                    path, NULL, NULL, &g, NULL, 0), UL_OK);
        FCHECK(ul_ffi_gufunc_is_direct(g, 0) == (REGCALL && !path));
        int64_t a = -3, c = 5, i8 = 7, j8 = -11;
        double complex b = 1 + 2 * I, d = -0.5 * I, f = 3, h = 0.25 - I, o;
        _Bool e = 1;
        int32_t g4 = -2;
        int ty[11] = { 7, 15, 7, 15, 0, 15, 5, 15, 7, 7, 15 };
        void *dd[11] = { &a, &b, &c, &d, &e, &f, &g4, &h, &i8, &j8, &o };
        ptrdiff_t st[11] = { 0 };
        FCHECK_ST(run1(g, 11, dd, ty, 1, st), UL_OK);
        FCHECK(o == mix(a, b, c, d, e, f, g4, h, i8, j8));
        FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    }
}

/* hypot: fast path, forced libffi path and a plain loop agree bit for
   bit; float versions too. */
static void test_fast_paths(void)
{
    enum { M = 1000 };
    static double a[M], b[M], o1[M], o2[M];
    static float af[M], bf[M], of1[M], of2[M];
    for (int i = 0; i < M; i++) {
        a[i] = i * 0.37 - 100;
        b[i] = 1.0 / (i + 1);
        af[i] = (float)a[i];
        bf[i] = (float)b[i];
    }
    const ul_gufunc *gf, *gg;
    void *fns[2] = { (void *)hypot, (void *)hypotf };
    FCHECK_ST(ul_ffi_gufunc_new("t_hypot", 2, 1, 2, fns, "dddfff", 0, NULL,
                                NULL, &gf, NULL, 0), UL_OK);
    FCHECK_ST(ul_ffi_gufunc_new("t_hypot_ffi", 2, 1, 2, fns, "dddfff",
                                UL_FFI_GENERIC, NULL, NULL, &gg, NULL, 0),
              UL_OK);
    FCHECK(ul_ffi_gufunc_is_direct(gf, 0) == 1);
    FCHECK(ul_ffi_gufunc_is_direct(gg, 0) == 0);
    FCHECK(ul_ffi_gufunc_is_direct(gg, 1) == 0);
    FCHECK(gf->funcs[0] != gg->funcs[0]);
    int ty[3] = { UL_DOUBLE, UL_DOUBLE, UL_DOUBLE };
    int tyf[3] = { UL_FLOAT, UL_FLOAT, UL_FLOAT };
    ptrdiff_t s[3] = { 8, 8, 8 }, sf[3] = { 4, 4, 4 };
    void *d1[3] = { a, b, o1 }, *d2[3] = { a, b, o2 };
    void *f1[3] = { af, bf, of1 }, *f2[3] = { af, bf, of2 };
    FCHECK_ST(run1(gf, 3, d1, ty, M, s), UL_OK);
    FCHECK_ST(run1(gg, 3, d2, ty, M, s), UL_OK);
    FCHECK_ST(run1(gf, 3, f1, tyf, M, sf), UL_OK);
    FCHECK_ST(run1(gg, 3, f2, tyf, M, sf), UL_OK);
    int ok = 1;
    for (int i = 0; i < M; i++)
        ok &= o1[i] == hypot(a[i], b[i]) && o2[i] == o1[i]
              && of1[i] == hypotf(af[i], bf[i]) && of2[i] == of1[i];
    FCHECK(ok);
    FCHECK_ST(ul_ffi_gufunc_release(gf), UL_OK);
    FCHECK_ST(ul_ffi_gufunc_release(gg), UL_OK);
}

/* Outer broadcasting through the driver: (3,1) op (4,) -> (3,4); empty
   operands; a registered row listed by ul_gufunc_count/at. */
static void test_broadcast(void)
{
    const ul_gufunc *g;
    void *fn = (void *)add_d;
    size_t before = ul_gufunc_count();
    FCHECK_ST(ul_ffi_gufunc_new("t_add", 2, 1, 1, &fn, "ddd",
                                UL_FFI_GENERIC, NULL, NULL, &g, NULL, 0),
              UL_OK);
    FCHECK(ul_gufunc_count() == before + 1);
    int seen = 0;
    for (size_t i = 0; i < ul_gufunc_count(); i++)
        seen += ul_gufunc_at(i) == g;
    FCHECK(seen == 1);
    double a[3] = { 10, 20, 30 }, b[4] = { 1, 2, 3, 4 }, o[12];
    ptrdiff_t sa[2] = { 3, 1 }, ta[2] = { 8, 0 };
    ptrdiff_t sb[1] = { 4 }, tb[1] = { 8 };
    ptrdiff_t so[2] = { 3, 4 }, to[2] = { 32, 8 };
    ul_operand ops[3] = {
        ffi_op(a, UL_DOUBLE, 2, sa, ta), ffi_op(b, UL_DOUBLE, 1, sb, tb),
        ffi_op(o, UL_DOUBLE, 2, so, to),
    };
    ul_call_info info;
    FCHECK_ST(ul_gufunc_call(g, 3, ops, &info), UL_OK);
    int ok = 1;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            ok &= o[i * 4 + j] == a[i] + b[j];
    FCHECK(ok);
    /* wrong output shape: nothing runs */
    ptrdiff_t bad[2] = { 3, 5 };
    ops[2].shape = bad;
    FCHECK_ST(ul_gufunc_call(g, 3, ops, &info), UL_ESHAPE);
    /* empty */
    ptrdiff_t z[1] = { 0 };
    ul_operand e[3] = {
        ffi_op(a, UL_DOUBLE, 1, z, tb), ffi_op(b, UL_DOUBLE, 1, z, tb),
        ffi_op(o, UL_DOUBLE, 1, z, tb),
    };
    FCHECK_ST(ul_gufunc_call(g, 3, e, &info), UL_OK);
    /* flat binding entry */
    char *data[3] = { (char *)a, (char *)b, (char *)o };
    int types[3] = { UL_DOUBLE, UL_DOUBLE, UL_DOUBLE }, nd[3] = { 1, 1, 1 };
    ptrdiff_t shapes[3] = { 3, 3, 3 }, strides[3] = { 8, 8, 8 };
    FCHECK_ST(ul_gufunc_callv(g, 3, data, types, nd, shapes, strides, &info),
              UL_OK);
    FCHECK(o[0] == 11 && o[1] == 22 && o[2] == 33);
    /* wrong type: no loop */
    types[0] = UL_FLOAT;
    FCHECK_ST(ul_gufunc_callv(g, 3, data, types, nd, shapes, strides, &info),
              UL_EBADTYPE);
    FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    FCHECK(ul_gufunc_count() == before);
}

int main(void)
{
    test_types();
    test_values();
    test_mixed(0);
    test_mixed(UL_FFI_GENERIC);
    test_registers();
    test_fast_paths();
    test_broadcast();
    return ffi_test_done("test_ffi_loop");
}
