/*
 * test_small_svd.c - the small SVD kernels (square n <= 10, float32 and
 * float64: c/small/ul_kern_svd.tmpl.h) through the loops ul_?svd_N_loop,
 * ul_?svd_S_loop and ul_?svd_A_loop, against LAPACK's ?gesdd (numpy's
 * routine): LAPACK's ratios ||A - U S V^T||_1 / (n ||A||_1 eps),
 * ||I - U^T U||_1 / (n eps) and ||I - V^T V||_1 / (n eps) below 30,
 * singular values descending and within (3n + 8) eps s_1 of ?gesdd's.
 * Inputs: random, graded (scaled rows / columns), cond 2 .. 1e12,
 * clustered and exactly repeated singular values, rank one and rank
 * deficient, zero and identity, scaled to 1e+-300 (float32: 1e+-36) and
 * subnormal, NaN and Inf, mixed within one stack so that lanes the kernel
 * leaves to LAPACK sit beside its own. Lanes that must go to LAPACK (zero
 * columns, not finite, subnormal) and n > 10 must give ?gesdd's bits;
 * failures (NaN outputs, count, first index) as the LAPACK path; a
 * broadcast input gives the same bits in every lane. Runs on every CPU
 * path the CPU has (st_run_all_cpus).
 */
#include "small_test_util.h"
#include <lapacke.h>

/* the loops (exported, not in the public header) */
#define SV_DECL(ch, j) void ul_##ch##svd_##j##_loop(char **, const ptrdiff_t *, \
                                                    const ptrdiff_t *, void *);
SV_DECL(s, N) SV_DECL(s, S) SV_DECL(s, A) SV_DECL(d, N) SV_DECL(d, S) SV_DECL(d, A)
static ul_loop sv_loops[2][3] = {
    { ul_dsvd_N_loop, ul_dsvd_S_loop, ul_dsvd_A_loop },
    { ul_ssvd_N_loop, ul_ssvd_S_loop, ul_ssvd_A_loop } };
static const char sv_jobz[3] = { 'N', 'S', 'A' };

/* n = 1 .. SV_NM: the kernels' n <= 10 and the LAPACK path's beyond */
#define SV_NM 17
#define SV_SZ (SV_NM * SV_NM)

/* types beyond small_test_util.h's */
enum { SV_CLUSTER = ST_NTYPES, SV_REPEATED, SV_RANK1, SV_IDENT, SV_COND12,
       SV_HUGE, SV_TINY, SV_SUBNORMAL, SV_NAN, SV_INF, SV_NTYPES };
static const char *sv_name(int t)
{
    static const char *extra[] = { "cluster", "repeated", "rank1", "identity",
        "cond1e12", "huge", "tiny", "subnormal", "nan", "inf" };
    return t < ST_NTYPES ? st_type_name[t] : extra[t - ST_NTYPES];
}

/* U diag(s) V^T with the given s (row-major), U, V random orthogonal */
static void sv_with_values(int n, const double *s, double *A)
{
    double U[SV_SZ], V[SV_SZ];
    st_orth(n, U);
    st_orth(n, V);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double t = 0;
            for (int k = 0; k < n; k++) t += U[i * n + k] * s[k] * V[j * n + k];
            A[i * n + j] = t;
        }
}

static void sv_gen(int n, int type, int fl, double *A)
{
    double s[SV_NM];
    if (type < ST_NTYPES) {
        st_gen(n, type, fl, A);
        return;
    }
    for (int i = 0; i < n * n; i++) A[i] = st_unif();
    switch (type) {
    case SV_CLUSTER:    /* 1 + i 1e-7 (float32: 1e-3) */
        for (int i = 0; i < n; i++) s[i] = 1 + (n - i) * (fl ? 1e-3 : 1e-7);
        sv_with_values(n, s, A); break;
    case SV_REPEATED:   /* 2, 1, 1, ..., 1 */
        for (int i = 0; i < n; i++) s[i] = i == 0 ? 2 : 1;
        sv_with_values(n, s, A); break;
    case SV_RANK1: {
        double x[SV_NM], y[SV_NM];
        for (int i = 0; i < n; i++) { x[i] = st_unif(); y[i] = st_unif(); }
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++)
            A[i * n + j] = x[i] * y[j];
        break; }
    case SV_IDENT:
        for (int i = 0; i < n * n; i++) A[i] = i % (n + 1) == 0;
        break;
    case SV_COND12: st_svd_matrix(n, 1e12, 1, A); break;
    case SV_HUGE: st_svd_matrix(n, 3, fl ? 1e36 : 1e300, A); break;
    case SV_TINY: st_svd_matrix(n, 3, fl ? 1e-36 : 1e-300, A); break;
    case SV_SUBNORMAL: st_svd_matrix(n, 3, fl ? 1e-41 : 1e-312, A); break;
    case SV_NAN: A[st_irand(n * n)] = NAN; break;
    case SV_INF:    /* with a NaN: OpenBLAS's ?gesdd hangs on most matrices
                     * with an Inf alone (numpy's too), or prints xerbla's
                     * complaint (all Inf) */
        A[st_irand(n * n)] = -INFINITY;
        A[st_irand(n * n)] = NAN;
        break;
    }
}

/* lanes the kernel must leave to LAPACK: ?gesdd's bits */
static int sv_lapack_lane(int type)
{
    return type == ST_ZEROCOL || type == ST_ZERO || type == SV_SUBNORMAL ||
           type == SV_NAN || type == SV_INF;
}

/* ?gesdd on row-major A (n x n, in the loop's precision): u, vt row-major,
 * s; returns info */
static int sv_ref(int fl, char jobz, int n, const double *A, double *u,
                  double *s, double *vt)
{
    float fa[SV_SZ], fu[SV_SZ], fs[SV_NM], fvt[SV_SZ], fw[4096];
    double da[SV_SZ], du[SV_SZ], dvt[SV_SZ], dw[4096];
    int iw[8 * SV_NM], info;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            fa[j * n + i] = (float)(da[j * n + i] = A[i * n + j]);
    if (fl) {
        float q;
        LAPACKE_sgesdd_work(LAPACK_COL_MAJOR, jobz, n, n, fa, n, fs, fu, n, fvt, n, &q, -1, iw);
        info = LAPACKE_sgesdd_work(LAPACK_COL_MAJOR, jobz, n, n, fa, n, fs, fu, n, fvt,
                                   n, fw, (int)q, iw);
        for (int i = 0; i < n * n; i++) { du[i] = fu[i]; dvt[i] = fvt[i]; }
        for (int i = 0; i < n; i++) s[i] = fs[i];
    } else {
        double q;
        LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, n, n, da, n, s, du, n, dvt, n, &q, -1, iw);
        info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, n, n, da, n, s, du, n, dvt,
                                   n, dw, (int)q, iw);
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            u[i * n + j] = du[j * n + i];
            vt[i * n + j] = dvt[j * n + i];
        }
    if (info != 0)          /* ?gesdd left them unset (its NaN check) */
        for (int i = 0; i < n * n; i++)
            u[i] = vt[i] = s[i % n] = NAN;
    return info;
}

/* ||I - X^T X||_1 / (n eps), and the same with X^T (rows of VT) */
static double sv_orth(int n, const double *X, int rows, double eps)
{
    double worst = 0;
    for (int j = 0; j < n; j++) {
        double col = 0;
        for (int i = 0; i < n; i++) {
            long double d = 0;
            for (int t = 0; t < n; t++)
                d += rows ? (long double)X[i * n + t] * X[j * n + t]
                          : (long double)X[t * n + i] * X[t * n + j];
            col += fabsl(d - (i == j));
        }
        if (!(col <= worst)) worst = col;
    }
    return worst / (n * eps);
}

/* ||A - U S VT||_1 / (n ||A||_1 eps) (A = 0: the product must be 0) */
static double sv_resid(int n, const double *A, const double *u, const double *s,
                       const double *vt, double eps)
{
    long double worst = 0, anorm = 0;
    for (int j = 0; j < n; j++) {
        long double col = 0, acol = 0;
        for (int i = 0; i < n; i++) {
            long double d = A[i * n + j];
            for (int k = 0; k < n; k++)
                d -= (long double)u[i * n + k] * s[k] * vt[k * n + j];
            col += fabsl(d);
            acol += fabsl((long double)A[i * n + j]);
        }
        if (!(col <= worst)) worst = col;
        if (acol > anorm) anorm = acol;
    }
    if (anorm == 0) return worst == 0 ? 0 : INFINITY;
    return (double)(worst / (n * anorm * eps));
}

static double sv_get(int fl, const char *base, ptrdiff_t off)
{
    return fl ? ((const float *)base)[off] : ((const double *)base)[off];
}

/* One call of loop j (N, S, A) on `count` n x n matrices of types[k]
 * (input layout lin, outputs lout), every result checked. */
static void run_svd(int fl, int j, int n, ptrdiff_t count, const int *types,
                    int lin, int lout)
{
    const size_t es = fl ? sizeof(float) : sizeof(double);
    const double eps = fl ? 0x1p-24 : 0x1p-53;
    const char *tag = fl ? "s" : "d";
    st_layout La = st_make_layout(lin, count, n, n), Lu = st_make_layout(lout, count, n, n),
              Ls = st_make_layout(lout, count, 1, n);
    char *in = malloc(La.len * es), *ub = malloc(Lu.len * es), *sb = malloc(Ls.len * es),
         *vb = malloc(Lu.len * es);
    double *A = malloc(sizeof(double) * SV_SZ * count);
    memset(ub, 0xA5, Lu.len * es);
    memset(vb, 0xA5, Lu.len * es);
    memset(sb, 0xA5, Ls.len * es);
    ptrdiff_t nmat = lin == ST_L_BCAST ? 1 : count;
    for (ptrdiff_t k = 0; k < nmat; k++) {
        double *a = A + k * SV_SZ;
        sv_gen(n, types[k], fl, a);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++) {
                ptrdiff_t off = ST_AT(La, k, r, c);
                if (fl) ((float *)in)[off] = (float)a[r * n + c];
                else ((double *)in)[off] = a[r * n + c];
                if (fl) a[r * n + c] = (float)a[r * n + c];
            }
    }
    const ptrdiff_t E = (ptrdiff_t)es;
    char *args[4] = { in + La.base * es, ub + Lu.base * es, sb + Ls.base * es,
                      vb + Lu.base * es };
    ptrdiff_t steps[11] = { La.outer * E, Lu.outer * E, Ls.outer * E, Lu.outer * E,
        La.rs * E, La.cs * E, Lu.rs * E, Lu.cs * E, Ls.cs * E, Lu.rs * E, Lu.cs * E };
    if (j == 0) {     /* N: {a, s, a_r, a_c, s_k} */
        args[1] = args[2];
        steps[1] = steps[2];
        steps[2] = steps[4]; steps[3] = steps[5]; steps[4] = steps[8];
    }
    ptrdiff_t dims[3] = { count, n, n };
    ul_loop_report rep = { 0, -1, 0 };
    sv_loops[fl][j](args, dims, steps, &rep);

    ptrdiff_t exp_fail = 0, exp_first = -1;
    for (ptrdiff_t k = 0; k < count; k++) {
        const double *a = A + (lin == ST_L_BCAST ? 0 : k) * SV_SZ;
        int ty = types[lin == ST_L_BCAST ? 0 : k];
        double u[SV_SZ], s[SV_NM], vt[SV_SZ], ru[SV_SZ], rs[SV_NM], rvt[SV_SZ];
        int info = sv_ref(fl, sv_jobz[j] == 'N' ? 'N' : 'A', n, a, ru, rs, rvt);
        int allnan = 1, bits = 1;
        for (int c = 0; c < n; c++) {
            s[c] = sv_get(fl, sb, ST_AT(Ls, k, 0, c));
            allnan &= isnan(s[c]);
            bits &= s[c] == rs[c] || (isnan(s[c]) && isnan(rs[c]));
        }
        for (int r = 0; r < n && j > 0; r++)
            for (int c = 0; c < n; c++) {
                u[r * n + c] = sv_get(fl, ub, ST_AT(Lu, k, r, c));
                vt[r * n + c] = sv_get(fl, vb, ST_AT(Lu, k, r, c));
                allnan &= isnan(u[r * n + c]) && isnan(vt[r * n + c]);
                bits &= u[r * n + c] == ru[r * n + c] && vt[r * n + c] == rvt[r * n + c];
            }
        if (info != 0) {
            if (exp_fail++ == 0) exp_first = k;
            ST_CHECK(allnan, "%s%c n=%d %s k=%td: LAPACK failed, output not NaN",
                     tag, sv_jobz[j], n, sv_name(ty), k);
            continue;
        }
        if (sv_lapack_lane(ty) || n > 10)
            ST_CHECK(bits, "%s%c n=%d %s k=%td: not LAPACK's bits", tag, sv_jobz[j], n,
                     sv_name(ty), k);
        if (lin == ST_L_BCAST && k > 0) {    /* lane 0's bits in every lane */
            int same = 1;
            for (int c = 0; c < n; c++)
                same &= s[c] == sv_get(fl, sb, ST_AT(Ls, 0, 0, c));
            for (int r = 0; r < n && j > 0; r++)
                for (int c = 0; c < n; c++)
                    same &= u[r * n + c] == sv_get(fl, ub, ST_AT(Lu, 0, r, c)) &&
                            vt[r * n + c] == sv_get(fl, vb, ST_AT(Lu, 0, r, c));
            ST_CHECK(same, "%s%c n=%d k=%td: lanes of one matrix differ", tag,
                     sv_jobz[j], n, k);
        }
        int desc = 1;
        double sdiff = 0;
        for (int c = 0; c < n; c++) {
            if (!(s[c] >= 0) || (c > 0 && s[c] > s[c - 1])) desc = 0;
            double d = fabs(s[c] - rs[c]);
            if (!(d <= sdiff)) sdiff = d;
        }
        if (ty == SV_SUBNORMAL)
            continue;
        ST_CHECK(desc, "%s%c n=%d %s k=%td: s not descending >= 0", tag, sv_jobz[j], n,
                 sv_name(ty), k);
        ST_CHECK(sdiff <= (3 * n + 8) * eps * rs[0],
                 "%s%c n=%d %s k=%td: s off LAPACK's by %.3g ulps of s_1", tag, sv_jobz[j], n,
                 sv_name(ty), k, sdiff / (eps * rs[0]));
        if (j == 0 || ty == SV_SUBNORMAL)    /* subnormal: LAPACK's bits only */
            continue;
        double r1 = sv_resid(n, a, u, s, vt, eps), r2 = sv_orth(n, u, 0, eps),
               r3 = sv_orth(n, vt, 1, eps);
        ST_CHECK(r1 < 30 && r2 < 30 && r3 < 30,
                 "%s%c n=%d %s k=%td: ratios resid %.3g U %.3g V %.3g", tag, sv_jobz[j], n,
                 sv_name(ty), k, r1, r2, r3);
    }
    ST_CHECK(rep.nfailed == exp_fail && rep.first_failed == exp_first,
             "%s%c n=%d: failures %td first %td, LAPACK %td first %td", tag, sv_jobz[j], n,
             rep.nfailed, rep.first_failed, exp_fail, exp_first);
    free(in); free(ub); free(sb); free(vb); free(A);
}

static int body(void)
{
    static int types[64];
    for (int fl = 0; fl < 2; fl++)
        for (int n = 1; n <= 17; n++) {
            /* every type in one stack, shuffled; 40 matrices: partial
             * blocks of lanes */
            const ptrdiff_t count = 40;
            for (int k = 0; k < count; k++)
                types[k] = k % SV_NTYPES;
            for (int k = count - 1; k > 0; k--) {
                int r = st_irand(k + 1), t = types[k];
                types[k] = types[r];
                types[r] = t;
            }
            for (int j = 0; j < 3; j++)
                for (int lin = 0; lin < ST_NLAYOUTS; lin++)
                    run_svd(fl, j, n, count, types, lin, lin == ST_L_BCAST ? ST_L_C : lin);
            /* one matrix, each type alone (the smallest call) */
            for (int t = 0; t < SV_NTYPES; t++)
                run_svd(fl, 2, n, 1, &t, ST_L_C, ST_L_F);
        }
    return 0;
}

int main(void)
{
    return st_run_all_cpus("test_small_svd", body);
}
