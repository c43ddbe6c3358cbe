/*
 * test_small_lu.c - the small-n LU kernels (n <= 16) through the solve,
 * solve1, det and slogdet loops (float64 and float32), against LAPACK:
 * dget02 ratio ||B - A X||_1 / (||A||_1 ||X||_1 eps) < 30 per right-hand
 * side; det and slogdet against ?getrf (numpy's formula) within
 * 30 n eps / rcond; exact singularity as ?gesv / ?getrf report it (NaN
 * solution, det 0, slogdet (0, -inf)) at every position of a stack; every
 * stride layout; NaN input; n = 1..20. Runs on every CPU path.
 */
#include "small_test_util.h"
#include <lapacke.h>

/* reference sign/logdet via ?getrf as numpy does; returns info */
static int ref_slogdet(int fl, int n, const double *a, double *sign, double *logdet, double *rcond)
{
    double da[1024], anorm = 0;
    float fa[1024];
    int ipiv[32], info;
    for (int j = 0; j < n; j++) {
        double c = 0;
        for (int i = 0; i < n; i++) {
            da[j * n + i] = a[i * n + j];
            fa[j * n + i] = (float)a[i * n + j];
            c += fabs(a[i * n + j]);
        }
        if (c > anorm) anorm = c;
    }
    if (fl) info = LAPACKE_sgetrf_work(LAPACK_COL_MAJOR, n, n, fa, n, ipiv);
    else info = LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, n, n, da, n, ipiv);
    *rcond = 0;
    if (info != 0) { *sign = 0; *logdet = -INFINITY; return info; }
    double s = 1, l = 0;
    for (int i = 0; i < n; i++) {
        double u = fl ? fa[i * n + i] : da[i * n + i];
        if (ipiv[i] != i + 1) s = -s;
        if (u < 0) { s = -s; u = -u; }
        l += log(u);
    }
    *sign = s; *logdet = l;
    if (!fl) {
        double rc = 0;
        LAPACKE_dgecon_work(LAPACK_COL_MAJOR, '1', n, da, n, anorm, &rc, (double[4096]){0}, (int[64]){0});
        *rcond = rc;
    } else {
        float rc = 0;
        LAPACKE_sgecon_work(LAPACK_COL_MAJOR, '1', n, fa, n, (float)anorm, &rc, (float[4096]){0}, (int[64]){0});
        *rcond = rc;
    }
    return 0;
}

static double geta(int fl, const char *buf, ptrdiff_t off)
{
    return fl ? ((const float *)buf)[off] : ((const double *)buf)[off];
}
static void puta(int fl, char *buf, ptrdiff_t off, double v)
{
    if (fl) ((float *)buf)[off] = (float)v; else ((double *)buf)[off] = v;
}

/* solve (nrhs >= 1) or solve1 (nrhs == 0) on a stack */
static void run_solve(int fl, int n, int nrhs, ptrdiff_t count, const int *types, int lay)
{
    const size_t es = fl ? 4 : 8;
    int vec = nrhs == 0, nr = vec ? 1 : nrhs;
    st_layout La = st_make_layout(lay, count, n, n);
    int blay = lay == ST_L_BCAST ? ST_L_C : (lay + 1) % (ST_NLAYOUTS - 1);
    st_layout Lb = st_make_layout(blay, count, n, nr);
    st_layout Lx = st_make_layout((lay + 2) % (ST_NLAYOUTS - 1), count, n, nr);
    if (vec) { Lb.cs = 0; Lx.cs = 0; }
    char *ab = malloc(La.len * es), *bb = malloc(Lb.len * es), *xb = malloc(Lx.len * es);
    memset(ab, 0xA5, La.len * es); memset(bb, 0xA5, Lb.len * es); memset(xb, 0xA5, Lx.len * es);
    double *A = malloc(sizeof(double) * n * n * count), *B = malloc(sizeof(double) * n * nr * count);
    ptrdiff_t nmat = lay == ST_L_BCAST ? 1 : count;
    for (ptrdiff_t k = 0; k < count; k++) {
        if (k < nmat) {
            st_gen(n, types[k], fl, A + k * n * n);
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
                puta(fl, ab, ST_AT(La, k, i, j), A[k * n * n + i * n + j]);
                A[k * n * n + i * n + j] = geta(fl, ab, ST_AT(La, k, i, j));
            }
        }
        for (int i = 0; i < n; i++) for (int j = 0; j < nr; j++) {
            puta(fl, bb, ST_AT(Lb, k, i, j), st_unif());
            B[(k * n + i) * nr + j] = geta(fl, bb, ST_AT(Lb, k, i, j));
        }
    }
    char *args[3] = { ab + La.base * es, bb + Lb.base * es, xb + Lx.base * es };
    ptrdiff_t dims[3] = { count, n, nr };
    ptrdiff_t E = (ptrdiff_t)es;
    ptrdiff_t steps[9] = { La.outer * E, Lb.outer * E, Lx.outer * E, La.rs * E, La.cs * E,
                           Lb.rs * E, Lb.cs * E, Lx.rs * E, Lx.cs * E };
    if (vec) { steps[5] = Lb.rs * E; steps[6] = Lx.rs * E; }
    ul_loop_report rep = { 0, -1, 0 };
    if (vec) { if (fl) ul_ssolve1_loop(args, dims, steps, &rep); else ul_dsolve1_loop(args, dims, steps, &rep); }
    else { if (fl) ul_ssolve_loop(args, dims, steps, &rep); else ul_dsolve_loop(args, dims, steps, &rep); }
    const double eps = fl ? 0x1p-24 : 0x1p-53;
    ptrdiff_t exp_fail = 0, exp_first = -1;
    for (ptrdiff_t k = 0; k < count; k++) {
        const double *a = A + (lay == ST_L_BCAST ? 0 : k) * n * n;
        int ty = types[lay == ST_L_BCAST ? 0 : k];
        /* reference singularity: ?gesv, as numpy's solve (its getrf may
         * round differently from a direct ?getrf call) */
        double da[1024], db[1024];
        float fa[1024], fb[1024];
        int ipiv[32], info;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++)
                fa[j * n + i] = (float)(da[j * n + i] = a[i * n + j]);
            for (int j = 0; j < nr; j++)
                fb[j * n + i] = (float)(db[j * n + i] = B[(k * n + i) * nr + j]);
        }
        if (fl) info = LAPACKE_sgesv_work(LAPACK_COL_MAJOR, n, nr, fa, n, ipiv, fb, n);
        else info = LAPACKE_dgesv_work(LAPACK_COL_MAJOR, n, nr, da, n, ipiv, db, n);
        int allnan = 1, anynan = 0;
        double na = 0;
        for (int j = 0; j < n; j++) { double c = 0; for (int i = 0; i < n; i++) c += fabs(a[i * n + j]); if (c > na) na = c; }
        double worst = 0;
        for (int c = 0; c < nr; c++) {
            double nx = 0, nres = 0;
            for (int i = 0; i < n; i++) {
                double x = geta(fl, xb, ST_AT(Lx, k, i, c));
                if (x == x) allnan = 0; else anynan = 1;
                nx += fabs(x);
            }
            for (int i = 0; i < n; i++) {
                long double r = B[(k * n + i) * nr + c];
                for (int j = 0; j < n; j++) r -= (long double)a[i * n + j] * geta(fl, xb, ST_AT(Lx, k, j, c));
                nres += fabsl(r);
            }
            double ratio = nres / na / nx / eps;
            if (ratio > worst || ratio != ratio) worst = ratio;
        }
        if (info > 0) {
            if (exp_fail++ == 0) exp_first = k;
            ST_CHECK(allnan, "%s solve n=%d nrhs=%d type=%s k=%td: LAPACK singular, output not NaN",
                     fl ? "s" : "d", n, nrhs, st_type_name[ty], k);
            continue;
        }
        if (ty >= ST_NTYPES_OK) continue;
        ST_CHECK(!anynan && worst < 30, "%s solve n=%d nrhs=%d type=%s layout=%s k=%td: dget02 %g",
                 fl ? "s" : "d", n, nrhs, st_type_name[ty], st_layout_name[lay], k, worst);
    }
    ST_CHECK(rep.nfailed == exp_fail && rep.first_failed == exp_first,
             "%s solve n=%d: nfailed %td/%td first %td/%td", fl ? "s" : "d", n,
             rep.nfailed, exp_fail, rep.first_failed, exp_first);
    free(ab); free(bb); free(xb); free(A); free(B);
}

static void run_det(int fl, int n, ptrdiff_t count, const int *types, int lay, int nan)
{
    const size_t es = fl ? 4 : 8;
    st_layout La = st_make_layout(lay, count, n, n);
    char *ab = malloc(La.len * es);
    double *A = malloc(sizeof(double) * n * n * count);
    char *d1 = malloc(es * 3 * count + 8), *s1 = malloc(es * 2 * count + 8), *l1 = malloc(es * 2 * count + 8);
    ptrdiff_t nmat = lay == ST_L_BCAST ? 1 : count;
    for (ptrdiff_t k = 0; k < nmat; k++) {
        st_gen(n, types[k], fl, A + k * n * n);
        if (nan && k == nmat / 2) A[k * n * n + st_irand(n * n)] = NAN;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
            puta(fl, ab, ST_AT(La, k, i, j), A[k * n * n + i * n + j]);
            A[k * n * n + i * n + j] = geta(fl, ab, ST_AT(La, k, i, j));
        }
    }
    ptrdiff_t E = (ptrdiff_t)es;
    /* det writes with outer stride 3 elements, slogdet with 2 and -2 */
    char *dargs[2] = { ab + La.base * es, d1 };
    ptrdiff_t dims[2] = { count, n };
    ptrdiff_t dsteps[4] = { La.outer * E, 3 * E, La.rs * E, La.cs * E };
    char *sargs[3] = { ab + La.base * es, s1, l1 + (2 * count - 2) * es };
    ptrdiff_t ssteps[5] = { La.outer * E, 2 * E, -2 * E, La.rs * E, La.cs * E };
    ul_loop_report rep = { 0, -1, 0 };
    if (fl) { ul_sdet_loop(dargs, dims, dsteps, &rep); ul_sslogdet_loop(sargs, dims, ssteps, &rep); }
    else { ul_ddet_loop(dargs, dims, dsteps, &rep); ul_dslogdet_loop(sargs, dims, ssteps, &rep); }
    const double eps = fl ? 0x1p-24 : 0x1p-53;
    for (ptrdiff_t k = 0; k < count; k++) {
        const double *a = A + (lay == ST_L_BCAST ? 0 : k) * n * n;
        int ty = types[lay == ST_L_BCAST ? 0 : k];
        double sg, ld, rc;
        int info = ref_slogdet(fl, n, a, &sg, &ld, &rc);
        double det = geta(fl, d1, 3 * k), s = geta(fl, s1, 2 * k), l = geta(fl, l1, 2 * count - 2 - 2 * k);
        if (info > 0) {
            ST_CHECK(det == 0 && s == 0 && l == -INFINITY, "%s det n=%d type=%s k=%td: singular gave det %g slogdet (%g, %g)",
                     fl ? "s" : "d", n, st_type_name[ty], k, det, s, l);
            continue;
        }
        if (nan) {
            ST_CHECK(ld == ld || (l != l || det != det), "%s det n=%d: NaN input, no NaN", fl ? "s" : "d", n);
            continue;
        }
        if (ty >= ST_NTYPES_OK) continue;
        /* relative error bound of the determinant ~ n eps cond */
        double tol = 30 * n * eps / (rc > 0 ? rc : 1e-300);
        if (tol > 0.5) continue;
        ST_CHECK(s == sg && fabs(l - ld) <= tol + 4 * eps * fabs(ld),
                 "%s slogdet n=%d type=%s k=%td: (%g, %.17g) vs LAPACK (%g, %.17g)",
                 fl ? "s" : "d", n, st_type_name[ty], k, s, l, sg, ld);
        double dref = sg * exp(ld);
        if (isfinite(dref) && dref != 0 && fabs(dref) > (fl ? 1e-30 : 1e-300) && fabs(dref) < (fl ? 1e30 : 1e300))
            ST_CHECK(fabs(det - dref) <= (tol + 8 * n * eps + 4 * eps * fabs(ld)) * fabs(dref),
                     "%s det n=%d type=%s k=%td: %.17g vs LAPACK %.17g", fl ? "s" : "d", n, st_type_name[ty], k, det, dref);
    }
    free(ab); free(A); free(d1); free(s1); free(l1);
}

static int body(void)
{
    int types[64];
    for (int fl = 0; fl < 2; fl++)
        for (int n = 1; n <= 20; n++) {
            for (int ty = 0; ty < ST_NTYPES; ty++)
                for (int lay = 0; lay < ST_NLAYOUTS; lay++) {
                    ptrdiff_t count = 1 + st_irand(13);
                    for (int k = 0; k < count; k++) types[k] = ty;
                    run_solve(fl, n, 0, count, types, lay);
                    run_solve(fl, n, 1, count, types, lay);
                    run_solve(fl, n, 1 + st_irand(5), count, types, lay);
                    run_det(fl, n, count, types, lay, 0);
                    run_det(fl, n, 1, types, lay, 0);
                }
            for (int rep = 0; rep < 4; rep++) {
                for (int k = 0; k < 40; k++)
                    types[k] = (int[]){ ST_RANDOM, ST_COND2, ST_COND_MID, ST_COND_HI,
                                        ST_ROWSCALE, ST_COLSCALE, ST_INTEGER }[st_irand(7)];
                run_solve(fl, n, rep % 2, 40, types, rep);
                run_det(fl, n, 40, types, rep, 0);
            }
            for (int count = 1; count <= 9; count++)
                for (int pos = 0; pos < count; pos++) {
                    for (int k = 0; k < count; k++) types[k] = ST_COND2;
                    types[pos] = ST_NTYPES_OK + st_irand(ST_NTYPES - ST_NTYPES_OK);
                    run_solve(fl, n, 0, count, types, ST_L_F);
                    run_det(fl, n, count, types, ST_L_C, 0);
                }
            for (int k = 0; k < 9; k++) types[k] = ST_RANDOM;
            run_det(fl, n, 9, types, ST_L_C, 1);
        }
    /* numpy's examples */
    double m2[4] = { 1, 2, 2, 4 }, d = 7, s = 7, l = 7;
    char *args[2] = { (char *)m2, (char *)&d };
    ptrdiff_t dims[2] = { 1, 2 }, steps[4] = { 32, 8, 16, 8 };
    ul_ddet_loop(args, dims, steps, NULL);
    ST_CHECK(d == 0, "det([[1,2],[2,4]]) = %g", d);
    char *sargs[3] = { (char *)m2, (char *)&s, (char *)&l };
    ptrdiff_t ssteps[5] = { 32, 8, 8, 16, 8 };
    ul_dslogdet_loop(sargs, dims, ssteps, NULL);
    ST_CHECK(s == 0 && l == -INFINITY, "slogdet([[1,2],[2,4]]) = (%g, %g)", s, l);
    return 0;
}

int main(void)
{
    return st_run_all_cpus("test_small_lu", body);
}
