/*
 * test_small_chol.c - the small-n Cholesky kernels (n <= 16) through
 * ul_d/scholesky_lo_loop and _up_loop, against LAPACK's ?potrf: LAPACK's
 * dpot01 ratio ||A - L L^T||_1 / (n ||A||_1 eps) < 30 (U^T U for _up,
 * residuals in long double) on random, graded, cond up to 1e12 (1e5 in
 * float32), diagonal, identity, scaled near overflow and underflow
 * (1e+300, 1e-300; 1e+33, 1e-33 in float32); the other strict triangle
 * exactly +0; the verdict of ?potrf for zero, indefinite, semidefinite and
 * NaN/Inf matrices (output all NaN, failure count and first index) at
 * every stack position, and for those lanes ?potrf's own bits; NaN in the
 * triangle not read changes nothing; every stride layout; n = 1..18;
 * a split stack equal to serial chunks; the kernel live (not every lane
 * LAPACK's). Runs on every CPU path: the default (AVX-512 where the CPU
 * has it), UL_CPU=avx2, UL_CPU=baseline.
 */
#include "small_test_util.h"
#include <lapacke.h>

void ul_scholesky_lo_loop(char **, const ptrdiff_t *, const ptrdiff_t *, void *);
void ul_dcholesky_lo_loop(char **, const ptrdiff_t *, const ptrdiff_t *, void *);
void ul_scholesky_up_loop(char **, const ptrdiff_t *, const ptrdiff_t *, void *);
void ul_dcholesky_up_loop(char **, const ptrdiff_t *, const ptrdiff_t *, void *);

enum {
    CH_RANDOM, CH_COND2, CH_COND_MID, CH_COND_HI, CH_GRADED, CH_DIAG,
    CH_IDENTITY, CH_UNDERFLOW, CH_OVERFLOW, CH_NTYPES_OK,
    /* LAPACK's verdict decides (these mostly fail) */
    CH_ZERO = CH_NTYPES_OK, CH_INDEF, CH_SEMIDEF, CH_NEGDIAG, CH_NAN, CH_INF,
    CH_NTYPES
};
static const char *ch_name[CH_NTYPES] = { "random", "cond2", "cond-mid", "cond-hi",
    "graded", "diag", "identity", "underflow", "overflow", "zero", "indefinite",
    "semidefinite", "negdiag", "nan", "inf" };

/* A = Q diag(s) Q^T, s geometric from 1 to 1/cond (s[neg] negated when
 * neg >= 0), times scale; row-major, exactly symmetric. */
static void spd(int n, double cond, double scale, int neg, double *A)
{
    double Q[1024], s[32];
    st_orth(n, Q);
    for (int i = 0; i < n; i++)
        s[i] = (n == 1 ? 1 : pow(cond, -(double)i / (n - 1))) * (i == neg ? -1 : 1);
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double t = 0;
            for (int k = 0; k < n; k++) t += Q[i * n + k] * s[k] * Q[j * n + k];
            A[i * n + j] = A[j * n + i] = t * scale;
        }
}

/* A matrix of type ty (row-major, symmetric); fl: float32 sizes. Types
 * with a NaN/Inf put it in the triangle `tri` reads ('L' or 'U'). */
static void gen(int n, int ty, int fl, char tri, double *A)
{
    double cmid = fl ? 1e3 : 1e8, chi = fl ? 1e5 : 1e12;
    switch (ty) {
    case CH_RANDOM: {
        double B[1024];
        for (int i = 0; i < n * n; i++) B[i] = st_unif();
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {
                double t = i == j ? 0.1 : 0;
                for (int k = 0; k < n; k++) t += B[i * n + k] * B[j * n + k];
                A[i * n + j] = A[j * n + i] = t;
            }
        break; }
    case CH_COND2: spd(n, 2, 1, -1, A); break;
    case CH_COND_MID: spd(n, cmid, 1, -1, A); break;
    case CH_COND_HI: spd(n, chi, 1, -1, A); break;
    case CH_GRADED: {       /* D A D, D = diag(10^(+-k)) */
        double d[32];
        spd(n, 10, 1, -1, A);
        for (int i = 0; i < n; i++) d[i] = pow(10.0, (fl ? 5 : 12) * st_unif());
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) A[i * n + j] *= d[i] * d[j];
        break; }
    case CH_DIAG: case CH_IDENTITY:
        for (int i = 0; i < n * n; i++) A[i] = 0;
        for (int i = 0; i < n; i++) A[i * n + i] = ty == CH_DIAG ? 0.5 + st_unif() + 1 : 1;
        break;
    case CH_UNDERFLOW: spd(n, 2, fl ? 1e-33 : 1e-300, -1, A); break;
    case CH_OVERFLOW: spd(n, 2, fl ? 1e33 : 1e300, -1, A); break;
    case CH_ZERO: for (int i = 0; i < n * n; i++) A[i] = 0; break;
    case CH_INDEF: spd(n, 4, 1, st_irand(n), A); break;
    case CH_SEMIDEF: {      /* B B^T, B n x (n-1) small integers: exactly singular */
        double B[1024];
        for (int i = 0; i < n * n; i++) B[i] = st_irand(5) - 2;
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {
                double t = 0;
                for (int k = 0; k < n - 1; k++) t += B[i * n + k] * B[j * n + k];
                A[i * n + j] = A[j * n + i] = t;
            }
        break; }
    case CH_NEGDIAG: spd(n, 2, 1, -1, A); A[st_irand(n) * (n + 1)] = -1; break;
    case CH_NAN: case CH_INF: {
        spd(n, 2, 1, -1, A);
        int i = st_irand(n), j = st_irand(i + 1);
        if (tri == 'U') { int t = i; i = j; j = t; }
        A[i * n + j] = ty == CH_NAN ? NAN : -INFINITY;
        break; }
    }
}

/* LAPACK's result for one matrix: ?potrf on the column-major copy, the
 * other triangle +0, or all NaN; row-major into R; returns info. */
static int reference(int fl, int up, int n, const double *a, double *R)
{
    double da[1024];
    float fa[1024];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) { da[j * n + i] = a[i * n + j]; fa[j * n + i] = (float)a[i * n + j]; }
    char uplo = up ? 'U' : 'L';
    int info = fl ? LAPACKE_spotrf_work(LAPACK_COL_MAJOR, uplo, n, fa, n)
                  : LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, uplo, n, da, n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double x = fl ? fa[j * n + i] : da[j * n + i];
            R[i * n + j] = info != 0 ? NAN : (up ? j < i : j > i) ? 0 : x;
        }
    return info;
}

static int same_bits(double x, double y)
{
    return memcmp(&x, &y, sizeof x) == 0 || (x != x && y != y);
}

typedef void (*chol_loop_fn)(char **, const ptrdiff_t *, const ptrdiff_t *, void *);

static chol_loop_fn chol_loop(int fl, int up)
{
    return fl ? (up ? ul_scholesky_up_loop : ul_scholesky_lo_loop)
              : (up ? ul_dcholesky_up_loop : ul_dcholesky_lo_loop);
}

/* K contiguous n x n matrices of type type_of(k) (gen's), in float32
 * (fl) or float64, reading triangle tri. */
static char *chol_stack(int K, int n, int fl, char tri, int (*type_of)(int k))
{
    const size_t es = fl ? 4 : 8;
    char *a = malloc((size_t)K * n * n * es);
    double m[1024];                 /* n <= 32, as gen's own */
    for (int k = 0; k < K; k++) {
        gen(n, type_of(k), fl, tri, m);
        for (int i = 0; i < n * n; i++)
            if (fl) ((float *)a)[(size_t)k * n * n + i] = (float)m[i];
            else ((double *)a)[(size_t)k * n * n + i] = m[i];
    }
    return a;
}

/* One call of the loop on a stack of `count` matrices of the given types;
 * nan_unread: NaN in the triangle the loop must not read. */
static void run(int fl, int up, int n, ptrdiff_t count, const int *types,
                int lin, int lout, int nan_unread)
{
    st_call11 c = st_call11_new(fl, n, count, lin, lout);
    double *A = malloc(sizeof(double) * n * n * count);
    for (ptrdiff_t k = 0; k < (lin == ST_L_BCAST ? 1 : count); k++) {
        double *a = A + k * n * n;
        gen(n, types[k], fl, up ? 'U' : 'L', a);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                a[i * n + j] = st_mat_put(&c, k, i, j, nan_unread && (up ? j < i : j > i)
                                          ? NAN : a[i * n + j]);
    }
    ul_loop_report rep = { 0, -1, 0 };
    const chol_loop_fn loop = chol_loop(fl, up);
    loop(c.args, c.dims, c.steps, &rep);

    const double eps = fl ? 0x1p-24 : 0x1p-53;
    const char *what = up ? "up" : "lo";
    ptrdiff_t exp_fail = 0, exp_first = -1;
    for (ptrdiff_t k = 0; k < count; k++) {
        const double *a = A + (lin == ST_L_BCAST ? 0 : k) * n * n;
        int ty = types[lin == ST_L_BCAST ? 0 : k];
        double R[1024], X[1024];
        int info = reference(fl, up, n, a, R);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                X[i * n + j] = st_mat_get(&c, k, i, j);
        if (info != 0 && exp_fail++ == 0)
            exp_first = k;
        if (info != 0 || ty == CH_NAN || ty == CH_INF) {
            /* LAPACK's lanes: its verdict and its bits */
            int same = 1;
            for (int i = 0; i < n * n; i++)
                same &= same_bits(X[i], R[i]);
            ST_CHECK(same, "%c %s n=%d type=%s k=%td info=%d: not LAPACK's result",
                     fl ? 's' : 'd', what, n, ch_name[ty], k, info);
            continue;
        }
        ST_CHECK(ty < CH_NTYPES_OK || ty == CH_SEMIDEF,
                 "%c %s n=%d type=%s: LAPACK did not fail", fl ? 's' : 'd', what, n, ch_name[ty]);
        /* the other strict triangle +0, a positive diagonal, dpot01 */
        int zeros = 1, diag = 1;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double x = X[i * n + j];
                if ((up ? j < i : j > i) && (x != 0 || signbit(x))) zeros = 0;
                if (i == j && !(x > 0)) diag = 0;
            }
        ST_CHECK(zeros && diag, "%c %s n=%d type=%s k=%td: triangle not +0 or diagonal not positive",
                 fl ? 's' : 'd', what, n, ch_name[ty], k);
        long double na = 0, nr = 0;
        for (int j = 0; j < n; j++) {
            long double ca = 0, cr = 0;
            for (int i = 0; i < n; i++) {
                long double t = a[(i >= j) ^ up ? i * n + j : j * n + i];   /* the triangle read */
                for (int l = 0; l < n; l++)
                    t -= up ? (long double)X[l * n + i] * X[l * n + j]
                            : (long double)X[i * n + l] * X[j * n + l];
                ca += fabsl((long double)a[(i >= j) ^ up ? i * n + j : j * n + i]);
                cr += fabsl(t);
            }
            if (ca > na) na = ca;
            if (cr > nr) nr = cr;
        }
        double ratio = (double)(nr / na / n / eps);
        ST_CHECK(ratio < 30, "%c %s n=%d type=%s layout=%s/%s k=%td: dpot01 ratio %g",
                 fl ? 's' : 'd', what, n, ch_name[ty], st_layout_name[lin],
                 st_layout_name[lout], k, ratio);
    }
    ST_CHECK(rep.nfailed == exp_fail && rep.first_failed == exp_first,
             "%c %s n=%d count=%td: nfailed %td first %td, expected %td %td",
             fl ? 's' : 'd', what, n, count, rep.nfailed, rep.first_failed, exp_fail, exp_first);
    st_call11_free(&c);
    free(A);
}

static int split_type(int k)
{
    return k == 2500 || k == 3333 ? CH_INDEF : CH_RANDOM;
}

/* A stack big enough to split across threads: the same bits as serial
 * calls on chunks of 64, the failures with their global index. */
static void split(int fl, int up)
{
    enum { K = 4099, N8 = 8 };
    const size_t es = fl ? 4 : 8;
    char *a = chol_stack(K, N8, fl, 'L', split_type), *x = malloc(K * N8 * N8 * es),
         *y = malloc(K * N8 * N8 * es);
    const chol_loop_fn loop = chol_loop(fl, up);
    const ptrdiff_t ms = N8 * N8 * es;
    ptrdiff_t steps[6] = { ms, ms, N8 * es, es, N8 * es, es };
    char *args[2] = { a, x };
    ptrdiff_t dims[2] = { K, N8 };
    ul_loop_report rep = { 0, -1, 0 };
    loop(args, dims, steps, &rep);
    ST_CHECK(rep.nfailed == 2 && rep.first_failed == 2500, "split stack: nfailed %td first %td",
             rep.nfailed, rep.first_failed);
    for (ptrdiff_t b = 0; b < K; b += 64) {
        char *a2[2] = { a + b * ms, y + b * ms };
        ptrdiff_t d2[2] = { K - b < 64 ? K - b : 64, N8 };
        loop(a2, d2, steps, NULL);
    }
    ST_CHECK(memcmp(x, y, (size_t)K * ms) == 0, "%c split stack differs from serial chunks",
             fl ? 's' : 'd');
    free(a); free(x); free(y);
}

static int streamed_type(int k)
{
    return k == 3 ? CH_INDEF : k == 4097 ? CH_NAN : k == 8190 ? CH_SEMIDEF : CH_RANDOM;
}

/* A stack whose output is big enough for the kernel's non-temporal
 * stores (UL_CHOL_NT_BYTES: the whole call's, on one thread or shared
 * by two), failing lanes among them and in the partial last group: the
 * same bits and verdicts as serial calls on chunks of 64 (plain stores),
 * at a 16-byte aligned output and at one that is not. */
static void streamed(int n)
{
    enum { K = 8191 };
    const size_t ms = (size_t)n * n * 8;
    char *a = chol_stack(K, n, 0, 'L', streamed_type), *x = malloc(K * ms + 8),
         *y = malloc(K * ms);
    ptrdiff_t steps[6] = { (ptrdiff_t)ms, (ptrdiff_t)ms, n * 8, 8, n * 8, 8 };
    const int old = ul_set_num_threads(1);
    for (int off = 0; off <= 16; off += 8) {
        ul_set_num_threads(off == 16 ? 2 : 1);
        char *args[2] = { a, x + off % 16 };
        ptrdiff_t dims[2] = { K, n };
        ul_loop_report rep = { 0, -1, 0 }, rc = { 0, -1, 0 };
        ul_dcholesky_lo_loop(args, dims, steps, &rep);
        ptrdiff_t nfail = 0;
        for (ptrdiff_t b = 0; b < K; b += 64) {
            char *a2[2] = { a + b * ms, y + b * ms };
            ptrdiff_t d2[2] = { K - b < 64 ? K - b : 64, n };
            rc.nfailed = 0;
            ul_dcholesky_lo_loop(a2, d2, steps, &rc);
            nfail += rc.nfailed;
        }
        ST_CHECK(memcmp(x + off % 16, y, K * ms) == 0 && rep.nfailed == nfail
                 && rep.first_failed == 3,
                 "d lo n=%d offset %d (16: 2 threads): streamed stack differs from serial chunks "
                 "(nfailed %td, %td; first %td)", n, off, rep.nfailed, nfail,
                 rep.first_failed);
    }
    ul_set_num_threads(old);
    free(a); free(x); free(y);
}

static int inplace_type(int k)
{
    return k == 5 ? CH_INDEF : k == 9 ? CH_NAN : CH_RANDOM;
}

/* In place (output = input): the same bits and verdicts as out of place,
 * failing lanes included (the kernel writes factor rows as it goes only
 * when no output byte is an input byte). */
static void inplace(int fl, int up, int n)
{
    enum { K = 13 };
    const size_t es = fl ? 4 : 8, ms = (size_t)n * n * es;
    char *a = chol_stack(K, n, fl, up ? 'U' : 'L', inplace_type), *x = malloc(K * ms);
    const chol_loop_fn loop = chol_loop(fl, up);
    ptrdiff_t steps[6] = { (ptrdiff_t)ms, (ptrdiff_t)ms, n * es, es, n * es, es };
    ptrdiff_t dims[2] = { K, n };
    ul_loop_report r1 = { 0, -1, 0 }, r2 = { 0, -1, 0 };
    char *args[2] = { a, x };
    loop(args, dims, steps, &r1);
    args[1] = a;
    loop(args, dims, steps, &r2);
    ST_CHECK(memcmp(a, x, K * ms) == 0 && r1.nfailed == r2.nfailed
             && r1.first_failed == r2.first_failed,
             "%c %s n=%d: in place differs from out of place", fl ? 's' : 'd',
             up ? "up" : "lo", n);
    free(a); free(x);
}

static int body(void)
{
    int types[64];
    (void)st_gen;           /* the inverse's matrix types: not used here */
    (void)st_type_name;
    for (int fl = 0; fl < 2; fl++)
        for (int up = 0; up < 2; up++)
            for (int n = 1; n <= 18; n++) {
                /* every type, single matrices and stacks, every layout */
                for (int ty = 0; ty < CH_NTYPES; ty++)
                    for (int lay = 0; lay < ST_NLAYOUTS; lay++) {
                        ptrdiff_t count = 1 + st_irand(19);
                        for (int k = 0; k < count; k++) types[k] = ty;
                        run(fl, up, n, count, types, lay, (lay + 1) % (ST_NLAYOUTS - 1), 0);
                        run(fl, up, n, 1, types, lay, lay == ST_L_BCAST ? 0 : lay, lay == 2);
                    }
                /* many well and ill-conditioned ones, NaN in the unread triangle */
                for (int r = 0; r < 4; r++) {
                    for (int k = 0; k < 64; k++)
                        types[k] = st_irand(CH_NTYPES_OK);
                    run(fl, up, n, 64, types, r % 5, (r + 2) % 5, r & 1);
                }
                /* one failing matrix at every position of a stack */
                for (int count = 1; count <= 9; count++)
                    for (int pos = 0; pos < count; pos++) {
                        for (int k = 0; k < count; k++) types[k] = CH_COND2;
                        types[pos] = CH_NTYPES_OK + st_irand(CH_NTYPES - CH_NTYPES_OK);
                        run(fl, up, n, count, types, ST_L_C, pos & 1 ? ST_L_F : ST_L_C, 0);
                    }
            }
    for (int fl = 0; fl < 2; fl++)
        for (int up = 0; up < 2; up++)
            split(fl, up);
    for (int fl = 0; fl < 2; fl++)
        for (int up = 0; up < 2; up++)
            for (int n = 1; n <= 18; n++)
                inplace(fl, up, n);
    streamed(10);
    streamed(16);
    /* the kernel is live: it rounds differently from ?potrf, so on 64
     * random 8x8 some factor must differ from LAPACK's in the last bits */
    {
        enum { K = 64, N8 = 8 };
        static double a[K * N8 * N8], x[K * N8 * N8];
        for (int k = 0; k < K; k++)
            gen(N8, CH_RANDOM, 0, 'L', a + k * N8 * N8);
        char *args[2] = { (char *)a, (char *)x };
        ptrdiff_t dims[2] = { K, N8 }, steps[6] = { 8 * N8 * N8, 8 * N8 * N8, 8 * N8, 8, 8 * N8, 8 };
        ul_dcholesky_lo_loop(args, dims, steps, NULL);
        int same = 0;
        for (int k = 0; k < K; k++) {
            double R[N8 * N8];
            reference(0, 0, N8, a + k * N8 * N8, R);
            same += memcmp(R, x + k * N8 * N8, sizeof R) == 0;
        }
        ST_CHECK(same < K, "all %d factors bit-identical to LAPACK: small-n kernel not used?", K);
    }
    return 0;
}

int main(void)
{
    return st_run_all_cpus("test_small_chol", body);
}
