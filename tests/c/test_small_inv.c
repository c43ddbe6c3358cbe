/*
 * test_small_inv.c - the small-n inverse (n <= 16) through ul_dinv_loop /
 * ul_sinv_loop, against LAPACK: LAPACK's dget03 ratio
 * ||I - AINV*A||_1 / (n ||A||_1 ||AINV||_1 eps) < 30 on LAPACK-style
 * matrix types (cond 2 .. 1e12, scaled rows and columns, near underflow and
 * overflow, triangular, diagonal), exact singularity agreeing with ?gesv
 * (NaN output, failure count and first index) at every position of a
 * stack, every stride layout, NaN/Inf input, n = 1..20. Runs on every CPU
 * path the CPU has (st_run_all_cpus).
 */
#include "small_test_util.h"
#include <lapacke.h>

/* One call of the loop on a stack of `count` matrices of the given types. */
static void run_inv(int fl, int n, ptrdiff_t count, const int *types,
                    int lin, int lout, int special)
{
    const size_t es = fl ? sizeof(float) : sizeof(double);
    st_layout Li = st_make_layout(lin, count, n, n);
    st_layout Lo = st_make_layout(lout, count, n, n);
    char *in = malloc(Li.len * es), *out = malloc(Lo.len * es);
    double *A = malloc(sizeof(double) * n * n * count);
    memset(in, 0xA5, Li.len * es);
    memset(out, 0xA5, Lo.len * es);
    ptrdiff_t nmat = lin == ST_L_BCAST ? 1 : count;
    for (ptrdiff_t k = 0; k < nmat; k++) {
        double *a = A + k * n * n;
        st_gen(n, types[k], fl, a);
        if (special == 1 && k == count / 2)
            a[st_irand(n * n)] = NAN;
        if (special == 2 && k == 0)
            a[st_irand(n * n)] = INFINITY;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                ptrdiff_t off = ST_AT(Li, k, i, j);
                if (fl) { ((float *)in)[off] = (float)a[i * n + j]; a[i * n + j] = (float)a[i * n + j]; }
                else ((double *)in)[off] = a[i * n + j];
            }
    }
    char *args[2] = { in + Li.base * es, out + Lo.base * es };
    ptrdiff_t dims[2] = { count, n };
    ptrdiff_t steps[6] = { Li.outer * (ptrdiff_t)es, Lo.outer * (ptrdiff_t)es,
        Li.rs * (ptrdiff_t)es, Li.cs * (ptrdiff_t)es,
        Lo.rs * (ptrdiff_t)es, Lo.cs * (ptrdiff_t)es };
    ul_loop_report rep = { 0, -1, 0 };
    if (fl) ul_sinv_loop(args, dims, steps, &rep);
    else ul_dinv_loop(args, dims, steps, &rep);

    const double eps = fl ? 0x1p-24 : 0x1p-53;
    ptrdiff_t exp_fail = 0, exp_first = -1;
    for (ptrdiff_t k = 0; k < count; k++) {
        const double *a = A + (lin == ST_L_BCAST ? 0 : k) * n * n;
        int ty = types[lin == ST_L_BCAST ? 0 : k];
        /* reference: ?gesv with B = I in the loop's precision */
        int ipiv[32], info;
        double ref[1024];
        float fa[1024], fb[1024];
        double da[1024];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                da[j * n + i] = a[i * n + j];
                fa[j * n + i] = (float)a[i * n + j];
                ref[j * n + i] = fb[j * n + i] = i == j;
            }
        if (fl) info = LAPACKE_sgesv_work(LAPACK_COL_MAJOR, n, n, fa, n, ipiv, fb, n);
        else info = LAPACKE_dgesv_work(LAPACK_COL_MAJOR, n, n, da, n, ipiv, ref, n);
        double X[1024];
        int allnan = 1, anynan = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                ptrdiff_t off = ST_AT(Lo, k, i, j);
                double x = fl ? ((float *)out)[off] : ((double *)out)[off];
                X[i * n + j] = x;
                if (x == x) allnan = 0; else anynan = 1;
            }
        if (info > 0) {
            if (exp_fail++ == 0) exp_first = k;
            ST_CHECK(allnan, "%s n=%d type=%s k=%td: LAPACK singular, output not NaN",
                     fl ? "s" : "d", n, st_type_name[ty], k);
            continue;
        }
        /* exactly singular types other than rank-deficient integer ones
         * (where rounding may leave a tiny pivot, as for numpy) */
        ST_CHECK(ty < ST_NTYPES_OK || ty == ST_RANKDEF_INT || (ty == ST_DUPROW && n > 2) || special,
                 "%s n=%d type=%s k=%td: singular type not singular for LAPACK",
                 fl ? "s" : "d", n, st_type_name[ty], k);
        if (ty >= ST_NTYPES_OK)
            continue;   /* nearly singular: only agreement with LAPACK */
        if (special) {
            /* NaN/Inf input: no crash, NaN/Inf as LAPACK gives it */
            int refnan = 0;
            for (int i = 0; i < n * n; i++) {
                double r = fl ? fb[i] : ref[i];
                if (r != r) refnan = 1;
            }
            if (refnan && (special == 1 || ty == ST_RANDOM)) {
                ST_CHECK(anynan, "%s n=%d k=%td: NaN/Inf input gave no NaN", fl ? "s" : "d", n, k);
            }
            continue;
        }
        ST_CHECK(!anynan, "%s n=%d type=%s k=%td: NaN output", fl ? "s" : "d", n, st_type_name[ty], k);
        /* dget03 */
        double na = 0, nx = 0, nr = 0;
        for (int j = 0; j < n; j++) {
            double ca = 0, cx = 0, cr = 0;
            for (int i = 0; i < n; i++) {
                ca += fabs(a[i * n + j]);
                cx += fabs(X[i * n + j]);
                long double t = i == j;
                for (int l = 0; l < n; l++) t -= (long double)X[i * n + l] * a[l * n + j];
                cr += fabsl(t);
            }
            if (ca > na) na = ca;
            if (cx > nx) nx = cx;
            if (cr > nr) nr = cr;
        }
        double ratio = nr / n / na / nx / eps;
        if (ty == ST_UNDERFLOW || ty == ST_OVERFLOW)
            ratio = nr / n / eps / (na * nx);
        ST_CHECK(ratio < 30, "%s n=%d type=%s layout=%s/%s k=%td: dget03 ratio %g",
                 fl ? "s" : "d", n, st_type_name[ty], st_layout_name[lin],
                 st_layout_name[lout], k, ratio);
    }
    if (lin != ST_L_BCAST || 1) {
        ST_CHECK(rep.nfailed == exp_fail, "%s n=%d count=%td: nfailed %td expected %td",
                 fl ? "s" : "d", n, count, rep.nfailed, exp_fail);
        ST_CHECK(rep.first_failed == exp_first, "%s n=%d: first_failed %td expected %td",
                 fl ? "s" : "d", n, rep.first_failed, exp_first);
    }
    free(in); free(out); free(A);
}

static int body(void)
{
    int types[64];
    for (int fl = 0; fl < 2; fl++)
        for (int n = 1; n <= 20; n++) {
            /* every type, single matrices and stacks, every layout */
            for (int ty = 0; ty < ST_NTYPES; ty++)
                for (int lay = 0; lay < ST_NLAYOUTS; lay++) {
                    ptrdiff_t count = 1 + st_irand(19);
                    for (int k = 0; k < count; k++) types[k] = ty;
                    run_inv(fl, n, count, types, lay, (lay + 1) % (ST_NLAYOUTS - 1), 0);
                    run_inv(fl, n, 1, types, lay, lay == ST_L_BCAST ? 0 : lay, 0);
                }
            /* many random well/ill-conditioned matrices */
            for (int rep = 0; rep < 6; rep++) {
                for (int k = 0; k < 64; k++)
                    types[k] = (int[]){ ST_RANDOM, ST_COND2, ST_COND_MID, ST_COND_HI,
                                        ST_ROWSCALE, ST_COLSCALE, ST_INTEGER }[st_irand(7)];
                run_inv(fl, n, 64, types, rep % 5, (rep + 2) % 5, 0);
            }
            /* one singular matrix at every position of a stack */
            for (int count = 1; count <= 9; count++)
                for (int pos = 0; pos < count; pos++) {
                    for (int k = 0; k < count; k++) types[k] = ST_COND2;
                    types[pos] = ST_NTYPES_OK + st_irand(ST_NTYPES - ST_NTYPES_OK);
                    run_inv(fl, n, count, types, ST_L_C, ST_L_F, 0);
                }
            /* NaN and Inf input */
            for (int k = 0; k < 9; k++) types[k] = ST_RANDOM;
            run_inv(fl, n, 9, types, ST_L_C, ST_L_C, 1);
            run_inv(fl, n, 5, types, ST_L_F, ST_L_C, 2);
        }
    /* the simple singular cases numpy users hit, exactly */
    {
        double m2[4] = { 1, 2, 2, 4 };
        double out[4];
        char *args[2] = { (char *)m2, (char *)out };
        ptrdiff_t dims[2] = { 1, 2 }, steps[6] = { 32, 32, 16, 8, 16, 8 };
        ul_loop_report rep = { 0, -1, 0 };
        ul_dinv_loop(args, dims, steps, &rep);
        ST_CHECK(rep.nfailed == 1 && out[0] != out[0], "[[1,2],[2,4]] not singular");
        double m3[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, o3[9];
        char *args3[2] = { (char *)m3, (char *)o3 };
        ptrdiff_t dims3[2] = { 1, 3 }, steps3[6] = { 72, 72, 24, 8, 24, 8 };
        double ca[9];
        int ipiv[3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) ca[j * 3 + i] = m3[i * 3 + j];
        int info = LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, 3, 3, ca, 3, ipiv);
        rep.nfailed = 0;
        ul_dinv_loop(args3, dims3, steps3, &rep);
        ST_CHECK((rep.nfailed == 1) == (info > 0), "[[1,2,3],[4,5,6],[7,8,9]]: %td vs LAPACK info %d",
                 rep.nfailed, info);
    }
    /* a big stack is split across threads: results bit-identical to
     * serial calls on chunks of 64, failures counted with the global first
     * index (4099 matrices: not a multiple of the chunk granule) */
    for (int fl = 0; fl < 2; fl++) {
        enum { K = 4099, N8 = 8 };
        const size_t es = fl ? 4 : 8;
        char *a = malloc(K * N8 * N8 * es), *x = malloc(K * N8 * N8 * es),
             *y = malloc(K * N8 * N8 * es);
        double m[N8 * N8];
        for (int k = 0; k < K; k++) {
            st_gen(N8, k == 2500 || k == 3333 ? ST_ZEROROW : ST_RANDOM, fl, m);
            for (int i = 0; i < N8 * N8; i++)
                if (fl) ((float *)a)[k * N8 * N8 + i] = (float)m[i];
                else ((double *)a)[k * N8 * N8 + i] = m[i];
        }
        const ptrdiff_t ms = N8 * N8 * es;
        ptrdiff_t steps[6] = { ms, ms, N8 * es, es, N8 * es, es };
        char *args[2] = { a, x };
        ptrdiff_t dims[2] = { K, N8 };
        ul_loop_report rep = { 0, -1, 0 };
        if (fl) ul_sinv_loop(args, dims, steps, &rep); else ul_dinv_loop(args, dims, steps, &rep);
        ST_CHECK(rep.nfailed == 2 && rep.first_failed == 2500, "split stack: nfailed %td first %td",
                 rep.nfailed, rep.first_failed);
        for (ptrdiff_t b = 0; b < K; b += 64) {
            char *a2[2] = { a + b * ms, y + b * ms };
            ptrdiff_t d2[2] = { K - b < 64 ? K - b : 64, N8 };
            if (fl) ul_sinv_loop(a2, d2, steps, NULL); else ul_dinv_loop(a2, d2, steps, NULL);
        }
        int same = 1;
        for (size_t i = 0; i < (size_t)K * N8 * N8; i++) {
            double u = fl ? ((float *)x)[i] : ((double *)x)[i], v = fl ? ((float *)y)[i] : ((double *)y)[i];
            if (!(u == v || (u != u && v != v))) same = 0;
        }
        ST_CHECK(same, "%s split stack differs from serial chunks", fl ? "s" : "d");
        free(a); free(x); free(y);
    }
    /* the kernels are live (not every lane sent to LAPACK): Gauss-Jordan
     * rounds differently from gesv, so on 64 random 8x8 matrices some
     * result must differ from LAPACK's in the last bits */
    {
        enum { K = 64, N8 = 8 };
        static double a[K * N8 * N8], x[K * N8 * N8];
        for (int i = 0; i < K * N8 * N8; i++) a[i] = st_unif();
        char *args[2] = { (char *)a, (char *)x };
        ptrdiff_t dims[2] = { K, N8 }, steps[6] = { 8 * N8 * N8, 8 * N8 * N8, 8 * N8, 8, 8 * N8, 8 };
        ul_dinv_loop(args, dims, steps, NULL);
        int same = 0;
        for (int k = 0; k < K; k++) {
            double ca[N8 * N8], cb[N8 * N8];
            int ipiv[N8];
            for (int i = 0; i < N8; i++)
                for (int j = 0; j < N8; j++) { ca[j * N8 + i] = a[k * N8 * N8 + i * N8 + j]; cb[j * N8 + i] = i == j; }
            LAPACKE_dgesv_work(LAPACK_COL_MAJOR, N8, N8, ca, N8, ipiv, cb, N8);
            int eq = 1;
            for (int i = 0; i < N8; i++)
                for (int j = 0; j < N8; j++)
                    if (cb[j * N8 + i] != x[k * N8 * N8 + i * N8 + j]) eq = 0;
            same += eq;
        }
        ST_CHECK(same < K, "all %d inverses bit-identical to LAPACK: small-n kernel not used?", K);
    }
    return 0;
}

int main(void)
{
    return st_run_all_cpus("test_small_inv", body);
}
