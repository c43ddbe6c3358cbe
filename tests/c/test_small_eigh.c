/*
 * test_small_eigh.c - the small-n symmetric eigen kernels (n <= 8) through
 * ul_{s,d}eigh_{lo,up}_loop and ul_{s,d}eigvalsh_{lo,up}_loop, against
 * LAPACK: ||A - U diag(w) U^T||_1 / (n ||A||_1 eps) < 30 and
 * ||I - U^T U||_1 / (n eps) < 30, w ascending and within a few ulps of the
 * largest of ?syevd's (numpy's routine), eigvalsh's w bit-identical to
 * eigh's, only the named triangle read (the other holds NaN). Inputs:
 * random, graded (cond up to 1e12), repeated and clustered eigenvalues
 * (diag(1,1,1) rotated; 1, 1+1e-14, 2), scaled near underflow and
 * overflow, zero, identity, diagonal; NaN/Inf and entries near overflow
 * get ?syevd's own result (NaN and failure where LAPACK fails); stacks of
 * 1..19 matrices (partial lane groups), every stride layout, big stacks
 * split across threads bit-identical to serial calls. Signs of the
 * eigenvectors are not compared (LAPACK defines none). Runs on every CPU
 * path the CPU has (st_run_all_cpus).
 */
#include "small_test_util.h"
#include <lapacke.h>

#define LOOP(ch, name) void ul_##ch##name##_loop(char **, const ptrdiff_t *, const ptrdiff_t *, void *);
LOOP(s, eigh_lo) LOOP(s, eigh_up) LOOP(s, eigvalsh_lo) LOOP(s, eigvalsh_up)
LOOP(d, eigh_lo) LOOP(d, eigh_up) LOOP(d, eigvalsh_lo) LOOP(d, eigvalsh_up)
#undef LOOP
typedef void (*loop_fn)(char **, const ptrdiff_t *, const ptrdiff_t *, void *);
/* [fl][vec][up] */
static const loop_fn LOOPS[2][2][2] = {
    { { ul_deigvalsh_lo_loop, ul_deigvalsh_up_loop }, { ul_deigh_lo_loop, ul_deigh_up_loop } },
    { { ul_seigvalsh_lo_loop, ul_seigvalsh_up_loop }, { ul_seigh_lo_loop, ul_seigh_up_loop } } };

enum { E_RANDOM, E_GRADED, E_COND, E_ONES, E_CLUSTER, E_PAIR, E_TINY, E_HUGE,
       E_ZERO, E_IDENTITY, E_DIAG, E_NTYPES_OK,
       /* LAPACK's lanes: exact agreement with ?syevd */
       E_NEAR_MAX = E_NTYPES_OK, E_NAN, E_INF, E_NTYPES };
static const char *e_name[E_NTYPES] = { "random", "graded", "cond", "ones-rotated",
    "cluster", "pair", "tiny", "huge", "zero", "identity", "diag", "near-max", "nan", "inf" };

/* symmetric A (n x n, row-major) = Q diag(lam) Q^T, in the loop's precision */
static void gen_sym(int n, int type, int fl, double *A)
{
    double Q[64], lam[8];
    double eps = fl ? 0x1p-24 : 0x1p-53;
    st_orth(n, Q);
    for (int k = 0; k < n; k++) {
        switch (type) {
        case E_GRADED: lam[k] = pow(10, -(fl ? 6 : 12) * (double)k / (n > 1 ? n - 1 : 1)) * (k % 2 ? -1 : 1); break;
        case E_COND: lam[k] = 1 + (k == n - 1 ? (fl ? 1e6 : 1e12) : st_unif()); break;
        case E_ONES: lam[k] = 1; break;
        case E_CLUSTER: lam[k] = k == n - 1 ? 2 : 1 + k * 100 * eps; break;   /* 1, 1+1e-14.., 2 */
        case E_PAIR: lam[k] = k < n / 2 ? -3 : 5; break;
        default: lam[k] = st_unif() * 4; break;
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double t = 0;
            for (int k = 0; k < n; k++) t += Q[i * n + k] * lam[k] * Q[j * n + k];
            A[i * n + j] = A[j * n + i] = t;
        }
    double scale = 1;
    switch (type) {
    case E_RANDOM:
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = st_unif();
        break;
    case E_TINY: scale = fl ? 1e-35 : 1e-300; break;
    case E_HUGE: scale = fl ? 1e35 : 1e300; break;
    case E_NEAR_MAX: {   /* max|a_ij| = 2^126 / 2^1022: LAPACK's lanes */
        double m = 0;
        for (int i = 0; i < n * n; i++) m = fmax(m, fabs(A[i]));
        scale = (fl ? 0x1p126 : 0x1p1022) / m;
        break; }
    case E_ZERO: case E_IDENTITY: case E_DIAG: case E_NAN: case E_INF:
        for (int i = 0; i < n * n; i++)
            A[i] = i % (n + 1) ? 0 : type == E_ZERO ? 0 : type == E_IDENTITY ? 1 : st_unif() * 3;
        if (type == E_NAN || type == E_INF) {
            int i = st_irand(n), j = st_irand(n);
            A[i * n + j] = A[j * n + i] = type == E_NAN ? NAN : -INFINITY;
        }
        break;
    }
    for (int i = 0; i < n * n; i++) {
        A[i] *= scale;
        if (fl) A[i] = (float)A[i];
    }
}

/* ?syevd on the matrix (row-major, symmetric), as the loops call it (the
 * _work form: no NaN pre-check; sizes from the query): w ascending, V
 * columns; returns info */
static int ref_syevd(int fl, int vec, char uplo, int n, const double *A, double *w, double *V)
{
    float fa[64], fw[8], fq;
    double da[64], dq;
    double dwork[256];
    float fwork[256];
    int iwork[64], iq, info;
    char jz = vec ? 'V' : 'N';
    for (int i = 0; i < n * n; i++) { da[i] = A[i]; fa[i] = (float)A[i]; }
    if (fl) {
        LAPACKE_ssyevd_work(LAPACK_COL_MAJOR, jz, uplo, n, fa, n, fw, &fq, -1, &iq, -1);
        info = LAPACKE_ssyevd_work(LAPACK_COL_MAJOR, jz, uplo, n, fa, n, fw, fwork, (int)fq, iwork, iq);
    } else {
        LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, jz, uplo, n, da, n, w, &dq, -1, &iq, -1);
        info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, jz, uplo, n, da, n, w, dwork, (int)dq, iwork, iq);
    }
    for (int i = 0; i < n; i++) {
        if (fl) w[i] = fw[i];
        for (int j = 0; j < n; j++) V[i * n + j] = fl ? fa[j * n + i] : da[j * n + i];
    }
    return info;
}

/* the exact eigenvalues (to ~1e-19) of the matrix, ascending: Jacobi in
 * long double */
static void exact_eig(int n, const double *A, long double *w)
{
    long double a[64];
    for (int i = 0; i < n * n; i++) a[i] = A[i];
    for (int sweep = 0; sweep < 30; sweep++)
        for (int p = 0; p < n; p++)
            for (int q = p + 1; q < n; q++) {
                long double e = a[p * n + q];
                if (e == 0) continue;
                long double th = (a[q * n + q] - a[p * n + p]) / (2 * e);
                long double t = (th >= 0 ? 1 : -1) / (fabsl(th) + sqrtl(th * th + 1));
                long double c = 1 / sqrtl(1 + t * t), s = t * c;
                for (int k = 0; k < n; k++) {
                    long double x = a[k * n + p], y = a[k * n + q];
                    a[k * n + p] = c * x - s * y; a[k * n + q] = s * x + c * y;
                }
                for (int k = 0; k < n; k++) {
                    long double x = a[p * n + k], y = a[q * n + k];
                    a[p * n + k] = c * x - s * y; a[q * n + k] = s * x + c * y;
                }
            }
    for (int i = 0; i < n; i++) w[i] = a[i * n + i];
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (w[j] < w[i]) { long double t = w[i]; w[i] = w[j]; w[j] = t; }
}

static long n_live, n_total;   /* kernel results that differ from LAPACK's bits */

/* One loop call on a stack of count matrices of the given types. */
static void run(int fl, int vec, int up, int n, ptrdiff_t count, const int *types,
                int lin, int lw, int lv)
{
    const size_t es = fl ? 4 : 8;
    st_layout La = st_make_layout(lin, count, n, n);
    st_layout Lw = st_make_layout(lw, count, n, 1);
    st_layout Lv = st_make_layout(lv, count, n, n);
    char *in = malloc(La.len * es), *wb = malloc(Lw.len * es), *vb = malloc(Lv.len * es);
    double *A = malloc(sizeof(double) * 64 * (size_t)count);
    memset(wb, 0xA5, Lw.len * es);
    memset(vb, 0xA5, Lv.len * es);
    for (ptrdiff_t i = 0; i < La.len; i++)      /* the unread triangle and gaps: NaN */
        if (fl) ((float *)in)[i] = NAN; else ((double *)in)[i] = NAN;
    ptrdiff_t nmat = lin == ST_L_BCAST ? 1 : count;
    for (ptrdiff_t k = 0; k < nmat; k++) {
        gen_sym(n, types[k], fl, A + k * 64);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (up ? i <= j : i >= j) {
                    double x = A[k * 64 + i * n + j];
                    if (fl) ((float *)in)[ST_AT(La, k, i, j)] = (float)x;
                    else ((double *)in)[ST_AT(La, k, i, j)] = x;
                }
    }
    char *args[3] = { in + La.base * es, wb + Lw.base * es, vb + Lv.base * es };
    ptrdiff_t dims[2] = { count, n };
    ptrdiff_t steps[8] = { La.outer * (ptrdiff_t)es, Lw.outer * (ptrdiff_t)es,
                           Lv.outer * (ptrdiff_t)es, La.rs * (ptrdiff_t)es, La.cs * (ptrdiff_t)es,
                           Lw.rs * (ptrdiff_t)es, Lv.rs * (ptrdiff_t)es, Lv.cs * (ptrdiff_t)es };
    if (!vec) {
        args[2] = NULL;
        ptrdiff_t s2[5] = { steps[0], steps[1], steps[3], steps[4], steps[5] };
        memcpy(steps, s2, sizeof s2);
    }
    ul_loop_report rep = { 0, -1, 0 };
    LOOPS[fl][vec][up](args, dims, steps, &rep);

    const double eps = fl ? 0x1p-24 : 0x1p-53;
    const char *tag = fl ? "s" : "d";
    ptrdiff_t exp_fail = 0, exp_first = -1;
    for (ptrdiff_t k = 0; k < count; k++) {
        const double *a = A + (lin == ST_L_BCAST ? 0 : k) * 64;
        int ty = types[lin == ST_L_BCAST ? 0 : k];
        double w[8], V[64], rw[8], RV[64];
        for (int i = 0; i < n; i++) {
            ptrdiff_t o = ST_AT(Lw, k, i, 0);
            w[i] = fl ? ((float *)wb)[o] : ((double *)wb)[o];
            for (int j = 0; j < n && vec; j++) {
                o = ST_AT(Lv, k, i, j);
                V[i * n + j] = fl ? ((float *)vb)[o] : ((double *)vb)[o];
            }
        }
        int info = ref_syevd(fl, vec, up ? 'U' : 'L', n, a, rw, RV);
        if (ty >= E_NTYPES_OK || info != 0) {
            /* LAPACK's lanes: ?syevd's values (NaN where it fails) */
            if (info != 0 && exp_fail++ == 0) exp_first = k;
            int same = 1;
            for (int i = 0; i < n; i++) {
                double x = info ? NAN : rw[i];
                same &= w[i] == x || (w[i] != w[i] && x != x);
                for (int j = 0; j < n && vec; j++) {
                    x = info ? NAN : RV[i * n + j];
                    same &= V[i * n + j] == x || (V[i * n + j] != V[i * n + j] && x != x);
                }
            }
            ST_CHECK(same, "%s n=%d %s k=%td: not LAPACK's result (info %d)", tag, n, e_name[ty], k, info);
            continue;
        }
        /* eigenvalues: ascending, within n ulps of the largest of the
         * exact ones and 16 of ?syevd's (whose own error reaches ~8.5) */
        long double ew[8];
        exact_eig(n, a, ew);
        double wmax = 0, dw = 0, de = 0, ulp = 2 * eps;
        int asc = 1, live = 0;
        for (int i = 0; i < n; i++) {
            wmax = fmax(wmax, fabs(rw[i]));
            dw = fmax(dw, fabs(w[i] - rw[i]));
            de = fmax(de, (double)fabsl(w[i] - ew[i]));
            asc &= i == 0 || w[i - 1] <= w[i];
            live |= w[i] != rw[i];
        }
        ST_CHECK(asc, "%s n=%d %s k=%td: eigenvalues not ascending", tag, n, e_name[ty], k);
        double wr = wmax > 0 ? dw / (ulp * wmax) : dw, er = wmax > 0 ? de / (ulp * wmax) : de;
        ST_CHECK(wr <= 16 && er <= n, "%s n=%d %s k=%td: eigenvalues %g ulps of the largest from "
                 "?syevd's, %g from the exact ones", tag, n, e_name[ty], k, wr, er);
        n_live += live;
        n_total++;
        if (!vec)
            continue;
        /* ||A - V diag(w) V^T||_1 / (n ||A||_1 eps), ||I - V^T V||_1 / (n eps) */
        long double na = 0, nr = 0, no = 0;
        for (int j = 0; j < n; j++) {
            long double ca = 0, cr = 0, co = 0;
            for (int i = 0; i < n; i++) {
                long double t = a[i * n + j], o = i == j;
                for (int l = 0; l < n; l++) {
                    t -= (long double)V[i * n + l] * w[l] * V[j * n + l];
                    o -= (long double)V[l * n + i] * V[l * n + j];
                }
                ca += fabsl((long double)a[i * n + j]);
                cr += fabsl(t);
                co += fabsl(o);
            }
            na = fmaxl(na, ca); nr = fmaxl(nr, cr); no = fmaxl(no, co);
        }
        double res = na > 0 ? (double)(nr / na / n / eps) : (double)nr;
        double orth = (double)(no / n / eps);
        ST_CHECK(res < 30 && orth < 30, "%s n=%d %s up=%d layout=%s/%s/%s k=%td: residual %g orthogonality %g",
                 tag, n, e_name[ty], up, st_layout_name[lin], st_layout_name[lw],
                 st_layout_name[lv], k, res, orth);
    }
    ST_CHECK(rep.nfailed == exp_fail && rep.first_failed == exp_first,
             "%s n=%d count=%td: report %td/%td, expected %td/%td", tag, n, count,
             rep.nfailed, rep.first_failed, exp_fail, exp_first);
    free(in); free(wb); free(vb); free(A);
}

/* eigvalsh's w is eigh's, bit for bit (the same rotations) */
static void same_w(int fl, int n)
{
    enum { K = 13 };
    const size_t es = fl ? 4 : 8;
    double A[64];
    char in[K * 64 * 8], w1[K * 8 * 8], w2[K * 8 * 8], v[K * 64 * 8];
    for (int k = 0; k < K; k++) {
        gen_sym(n, k % E_NTYPES_OK, fl, A);
        for (int i = 0; i < n * n; i++)
            if (fl) ((float *)in)[k * n * n + i] = (float)A[i]; else ((double *)in)[k * n * n + i] = A[i];
    }
    const ptrdiff_t ms = n * n * es, ws = n * es;
    ptrdiff_t dims[2] = { K, n };
    ptrdiff_t st_v[8] = { ms, ws, ms, n * es, es, es, n * es, es }, st_n[5] = { ms, ws, n * es, es, es };
    char *av[3] = { in, w1, v }, *an[2] = { in, w2 };
    LOOPS[fl][1][0](av, dims, st_v, NULL);
    LOOPS[fl][0][0](an, dims, st_n, NULL);
    ST_CHECK(memcmp(w1, w2, K * ws) == 0, "%s n=%d: eigvalsh's w differs from eigh's", fl ? "s" : "d", n);
}

static int body(void)
{
    int types[64];
    for (int fl = 0; fl < 2; fl++)
        for (int n = 1; n <= 8; n++) {
            same_w(fl, n);
            for (int vec = 0; vec < 2; vec++)
                for (int up = 0; up < 2; up++) {
                    /* every type, single matrices and stacks, every layout */
                    for (int ty = 0; ty < E_NTYPES; ty++)
                        for (int lay = 0; lay < ST_NLAYOUTS; lay++) {
                            ptrdiff_t count = 1 + st_irand(19);
                            for (int k = 0; k < count; k++) types[k] = ty;
                            int lo = lay == ST_L_BCAST ? ST_L_C : lay;
                            run(fl, vec, up, n, count, types, lay, (lo + 1) % 5, (lo + 2) % 5);
                            run(fl, vec, up, n, 1, types, lay, lo, lo);
                        }
                    /* mixed stacks, LAPACK's lanes among the kernel's */
                    for (int r = 0; r < 8; r++) {
                        ptrdiff_t count = 1 + st_irand(40);
                        for (int k = 0; k < count; k++)
                            types[k] = st_irand(4) ? st_irand(E_NTYPES_OK) : st_irand(E_NTYPES);
                        run(fl, vec, up, n, count, types, r % 5, (r + 1) % 5, (r + 3) % 5);
                    }
                }
        }
    /* a big stack is split across threads: bit-identical to serial calls
     * on chunks of 64 (4099 matrices: not a multiple of the granule) */
    for (int fl = 0; fl < 2; fl++) {
        enum { K = 4099, N3 = 3 };
        const size_t es = fl ? 4 : 8;
        char *a = malloc(K * N3 * N3 * es), *w = malloc(K * N3 * es), *v = malloc(K * N3 * N3 * es);
        char *w2 = malloc(K * N3 * es), *v2 = malloc(K * N3 * N3 * es);
        double m[64];
        for (int k = 0; k < K; k++) {
            gen_sym(N3, k == 2500 ? E_NAN : E_RANDOM, fl, m);
            for (int i = 0; i < N3 * N3; i++)
                if (fl) ((float *)a)[k * N3 * N3 + i] = (float)m[i]; else ((double *)a)[k * N3 * N3 + i] = m[i];
        }
        const ptrdiff_t ms = N3 * N3 * es;
        ptrdiff_t steps[8] = { ms, N3 * es, ms, N3 * es, es, es, N3 * es, es };
        char *args[3] = { a, w, v };
        ptrdiff_t dims[2] = { K, N3 };
        LOOPS[fl][1][0](args, dims, steps, NULL);
        for (ptrdiff_t b = 0; b < K; b += 64) {
            char *a2[3] = { a + b * ms, w2 + b * N3 * es, v2 + b * ms };
            ptrdiff_t d2[2] = { K - b < 64 ? K - b : 64, N3 };
            LOOPS[fl][1][0](a2, d2, steps, NULL);
        }
        ST_CHECK(memcmp(w, w2, K * N3 * es) == 0 && memcmp(v, v2, K * ms) == 0,
                 "%s split stack differs from serial chunks", fl ? "s" : "d");
        free(a); free(w); free(v); free(w2); free(v2);
    }
    /* the kernels are live: Jacobi rounds differently from ?syevd */
    ST_CHECK(n_live > n_total / 4, "only %ld of %ld eigenvalue sets differ from LAPACK's bits: kernel not used?",
             n_live, n_total);
    return 0;
}

int main(void)
{
    return st_run_all_cpus("test_small_eigh", body);
}
