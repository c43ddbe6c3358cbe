/*
 * ul_table.c - the dispatch table: one ul_gufunc row per built-in gufunc,
 * in the shape numpy's PyUFunc_FromFuncAndDataAndSignature takes (numpy
 * keeps these pointers without copying: static data satisfies that), and
 * the registry of run-time gufuncs that ul_gufunc_find also searches.
 */
#include "ul_impl.h"
#include "ul_sig.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- type rows: numpy type numbers, one row per loop ---- */
static const char types_1_1[] = {        /* f->f d->d F->F D->D */
    UL_FLOAT, UL_FLOAT, UL_DOUBLE, UL_DOUBLE,
    UL_CFLOAT, UL_CFLOAT, UL_CDOUBLE, UL_CDOUBLE };
static const char types_2_1[] = {        /* ff->f dd->d FF->F DD->D */
    UL_FLOAT, UL_FLOAT, UL_FLOAT, UL_DOUBLE, UL_DOUBLE, UL_DOUBLE,
    UL_CFLOAT, UL_CFLOAT, UL_CFLOAT, UL_CDOUBLE, UL_CDOUBLE, UL_CDOUBLE };
static const char types_slogdet[] = {    /* f->ff d->dd F->Ff D->Dd */
    UL_FLOAT, UL_FLOAT, UL_FLOAT, UL_DOUBLE, UL_DOUBLE, UL_DOUBLE,
    UL_CFLOAT, UL_CFLOAT, UL_FLOAT, UL_CDOUBLE, UL_CDOUBLE, UL_DOUBLE };
static const char types_1_1_real[] = {   /* f->f d->d F->f D->d (svd_m/n, eigvalsh) */
    UL_FLOAT, UL_FLOAT, UL_DOUBLE, UL_DOUBLE,
    UL_CFLOAT, UL_FLOAT, UL_CDOUBLE, UL_DOUBLE };
static const char types_svd_1_3[] = {    /* f->fff d->ddd F->FfF D->DdD */
    UL_FLOAT, UL_FLOAT, UL_FLOAT, UL_FLOAT,
    UL_DOUBLE, UL_DOUBLE, UL_DOUBLE, UL_DOUBLE,
    UL_CFLOAT, UL_CFLOAT, UL_FLOAT, UL_CFLOAT,
    UL_CDOUBLE, UL_CDOUBLE, UL_DOUBLE, UL_CDOUBLE };
static const char types_qr_r_raw[] = {   /* d->d D->D */
    UL_DOUBLE, UL_DOUBLE, UL_CDOUBLE, UL_CDOUBLE };
static const char types_qr_q[] = {       /* dd->d DD->D (A, tau, q) */
    UL_DOUBLE, UL_DOUBLE, UL_DOUBLE, UL_CDOUBLE, UL_CDOUBLE, UL_CDOUBLE };
static const char types_lstsq[] = {      /* A, b, rcond -> x, resid, rank, s */
    UL_FLOAT, UL_FLOAT, UL_FLOAT, UL_FLOAT, UL_FLOAT, UL_INT32, UL_FLOAT,
    UL_DOUBLE, UL_DOUBLE, UL_DOUBLE, UL_DOUBLE, UL_DOUBLE, UL_INT32, UL_DOUBLE,
    UL_CFLOAT, UL_CFLOAT, UL_FLOAT, UL_CFLOAT, UL_FLOAT, UL_INT32, UL_FLOAT,
    UL_CDOUBLE, UL_CDOUBLE, UL_DOUBLE, UL_CDOUBLE, UL_DOUBLE, UL_INT32,
    UL_DOUBLE };
static const char types_eigh[] = {       /* f->ff d->dd F->fF D->dD */
    UL_FLOAT, UL_FLOAT, UL_FLOAT, UL_DOUBLE, UL_DOUBLE, UL_DOUBLE,
    UL_CFLOAT, UL_FLOAT, UL_CFLOAT, UL_CDOUBLE, UL_DOUBLE, UL_CDOUBLE };
static const char types_eig[] = {        /* f->FF d->DD D->DD */
    UL_FLOAT, UL_CFLOAT, UL_CFLOAT, UL_DOUBLE, UL_CDOUBLE, UL_CDOUBLE,
    UL_CDOUBLE, UL_CDOUBLE, UL_CDOUBLE };
static const char types_eigvals[] = {    /* f->F d->D D->D */
    UL_FLOAT, UL_CFLOAT, UL_DOUBLE, UL_CDOUBLE, UL_CDOUBLE, UL_CDOUBLE };

/* numpy passes NULL data to every linalg loop */
static void *const null_data_4[4] = { NULL, NULL, NULL, NULL };

/* The four loops of op (ul_sinv_loop ... ul_zinv_loop), declared here so
 * that a new family needs no other header (umath_linalg.h declares the
 * ones C callers use by name), and their array for the row. */
#define UL_LOOP_DECL(ch, op) \
    void ul_##ch##op##_loop(char **, const ptrdiff_t *, const ptrdiff_t *, void *);
#define UL_FUNCS(op) \
    UL_LOOP_DECL(s, op) UL_LOOP_DECL(d, op) UL_LOOP_DECL(c, op) UL_LOOP_DECL(z, op) \
    static const ul_loop op##_funcs[4] = { \
        ul_s##op##_loop, ul_d##op##_loop, ul_c##op##_loop, ul_z##op##_loop };
UL_FUNCS(inv)
UL_FUNCS(solve)
UL_FUNCS(solve1)
UL_FUNCS(det)
UL_FUNCS(slogdet)
UL_FUNCS(svd_N)    /* numpy's svd_N, svd_S, svd_A: two rows each */
UL_FUNCS(svd_S)
UL_FUNCS(svd_A)
UL_FUNCS(lstsq)
/* The two loops (d, z) of a family numpy has no f/F loops for (qr_*). */
#define UL_FUNCS2(op) \
    UL_LOOP_DECL(d, op) UL_LOOP_DECL(z, op) \
    static const ul_loop op##_funcs[2] = { ul_d##op##_loop, ul_z##op##_loop };
UL_FUNCS2(qr_r_raw)
UL_FUNCS2(qr_reduced)
UL_FUNCS2(qr_complete)
#undef UL_FUNCS2
UL_FUNCS(cholesky_lo)
UL_FUNCS(cholesky_up)
UL_FUNCS(eigh_lo)
UL_FUNCS(eigh_up)
UL_FUNCS(eigvalsh_lo)
UL_FUNCS(eigvalsh_up)
UL_FUNCS(matmul)
/* A family without a complex64 loop (eig, eigvals: numpy 1.24 has f, d, D
 * only; ul_loops.c does not instantiate c): its three loops s, d, z. */
#define UL_FUNCS_SDZ(op) \
    UL_LOOP_DECL(s, op) UL_LOOP_DECL(d, op) UL_LOOP_DECL(z, op) \
    static const ul_loop op##_funcs[3] = { \
        ul_s##op##_loop, ul_d##op##_loop, ul_z##op##_loop };
UL_FUNCS_SDZ(eig)
UL_FUNCS_SDZ(eigvals)
#undef UL_FUNCS_SDZ
#undef UL_FUNCS
#undef UL_LOOP_DECL

static const ul_gufunc builtins[] = {
    /* numpy 1.24's doc strings, verbatim (trailing blanks too) */
    { "inv", 1, 1, "(m, m)->(m, m)", 4, types_1_1, inv_funcs, null_data_4,
      "compute the inverse of the last two dimensions and broadcast to the "
      "rest. \nResults in the inverse matrices. \n    \"(m,m)->(m,m)\" \n" },
    { "solve", 2, 1, "(m,m),(m,n)->(m,n)", 4, types_2_1, solve_funcs,
      null_data_4,
      "solve the system a x = b, on the last two dimensions, broadcast to "
      "the rest. \nResults in a matrices with the solutions. \n"
      "    \"(m,m),(m,n)->(m,n)\" \n" },
    { "solve1", 2, 1, "(m,m),(m)->(m)", 4, types_2_1, solve1_funcs,
      null_data_4,
      "solve the system a x = b, for b being a vector, broadcast in the "
      "outer dimensions. \nResults in vectors with the solutions. \n"
      "    \"(m,m),(m)->(m)\" \n" },
    { "det", 1, 1, "(m,m)->()", 4, types_1_1, det_funcs, null_data_4,
      "det of the last two dimensions and broadcast on the rest. \n"
      "    \"(m,m)->()\" \n" },
    { "slogdet", 1, 2, "(m,m)->(),()", 4, types_slogdet, slogdet_funcs,
      null_data_4,
      "slogdet on the last two dimensions and broadcast on the rest. \n"
      "Results in two arrays, one with sign and the other with log of the "
      "determinants. \n    \"(m,m)->(),()\" \n" },
    /* numpy 1.24's svd rows: docs exactly numpy's */
    { "svd_m", 1, 1, "(m,n)->(m)", 4, types_1_1_real, svd_N_funcs, null_data_4,
      "svd when n>=m. " },
    { "svd_n", 1, 1, "(m,n)->(n)", 4, types_1_1_real, svd_N_funcs, null_data_4,
      "svd when n<=m" },
    { "svd_m_s", 1, 3, "(m,n)->(m,m),(m),(m,n)", 4, types_svd_1_3,
      svd_S_funcs, null_data_4, "svd when m<=n" },
    { "svd_n_s", 1, 3, "(m,n)->(m,n),(n),(n,n)", 4, types_svd_1_3,
      svd_S_funcs, null_data_4, "svd when m>=n" },
    { "svd_m_f", 1, 3, "(m,n)->(m,m),(m),(n,n)", 4, types_svd_1_3,
      svd_A_funcs, null_data_4, "svd when m<=n" },
    { "svd_n_f", 1, 3, "(m,n)->(m,m),(n),(n,n)", 4, types_svd_1_3,
      svd_A_funcs, null_data_4, "svd when m>=n" },
    /* qr and lstsq: numpy 1.24's docs verbatim (trailing blanks too) */
    { "qr_r_raw_m", 1, 1, "(m,n)->(m)", 2, types_qr_r_raw, qr_r_raw_funcs,
      null_data_4,
      "Compute TAU vector for the last two dimensions \n"
      "and broadcast to the rest. For m <= n. \n" },
    { "qr_r_raw_n", 1, 1, "(m,n)->(n)", 2, types_qr_r_raw, qr_r_raw_funcs,
      null_data_4,
      "Compute TAU vector for the last two dimensions \n"
      "and broadcast to the rest. For m > n. \n" },
    { "qr_reduced", 2, 1, "(m,n),(k)->(m,k)", 2, types_qr_q, qr_reduced_funcs,
      null_data_4,
      "Compute Q matrix for the last two dimensions \n"
      "and broadcast to the rest. \n" },
    { "qr_complete", 2, 1, "(m,n),(n)->(m,m)", 2, types_qr_q,
      qr_complete_funcs, null_data_4,
      "Compute Q matrix for the last two dimensions \n"
      "and broadcast to the rest. For m > n. \n" },
    { "lstsq_m", 3, 4, "(m,n),(m,nrhs),()->(n,nrhs),(nrhs),(),(m)", 4,
      types_lstsq, lstsq_funcs, null_data_4,
      "least squares on the last two dimensions and broadcast to the rest. \n"
      "For m <= n. \n" },
    { "lstsq_n", 3, 4, "(m,n),(m,nrhs),()->(n,nrhs),(nrhs),(),(n)", 4,
      types_lstsq, lstsq_funcs, null_data_4,
      "least squares on the last two dimensions and broadcast to the rest. \n"
      "For m >= n, meaning that residuals are produced. \n" },
    /* numpy 1.24's doc strings, trailing spaces and missing ones included
     * (cholesky_up: numpy 2.0's) */
    { "cholesky_lo", 1, 1, "(m,m)->(m,m)", 4, types_1_1, cholesky_lo_funcs,
      null_data_4,
      "cholesky decomposition of hermitian positive-definite matrices. \n"
      "Broadcast to all outer dimensions. \n"
      "    \"(m,m)->(m,m)\" \n" },
    { "cholesky_up", 1, 1, "(m,m)->(m,m)", 4, types_1_1, cholesky_up_funcs,
      null_data_4,
      "cholesky decomposition of hermitian positive-definite matrices,\n"
      "using upper triangle. Broadcast to all outer dimensions.\n"
      "    \"(m,m)->(m,m)\"\n" },
    { "eigh_lo", 1, 2, "(m,m)->(m),(m,m)", 4, types_eigh, eigh_lo_funcs,
      null_data_4,
      "eigh on the last two dimension and broadcast to the rest, using"
      " lower triangle \n"
      "Results in a vector of eigenvalues and a matrix with the"
      "eigenvectors. \n"
      "    \"(m,m)->(m),(m,m)\" \n" },
    { "eigh_up", 1, 2, "(m,m)->(m),(m,m)", 4, types_eigh, eigh_up_funcs,
      null_data_4,
      "eigh on the last two dimension and broadcast to the rest, using"
      " upper triangle. \n"
      "Results in a vector of eigenvalues and a matrix with the"
      " eigenvectors. \n"
      "    \"(m,m)->(m),(m,m)\" \n" },
    { "eigvalsh_lo", 1, 1, "(m,m)->(m)", 4, types_1_1_real,
      eigvalsh_lo_funcs, null_data_4,
      "eigh on the last two dimension and broadcast to the rest, using"
      " lower triangle. \n"
      "Results in a vector of eigenvalues and a matrix with the"
      "eigenvectors. \n"
      "    \"(m,m)->(m)\" \n" },
    { "eigvalsh_up", 1, 1, "(m,m)->(m)", 4, types_1_1_real,
      eigvalsh_up_funcs, null_data_4,
      "eigvalsh on the last two dimension and broadcast to the rest,"
      " using upper triangle. \n"
      "Results in a vector of eigenvalues and a matrix with the"
      "eigenvectors.\n"
      "    \"(m,m)->(m)\" \n" },
    /* numpy's matmul (numpy.core.umath, not _umath_linalg): its signature,
     * the f d F D loops of its types */
    { "matmul", 2, 1, "(n?,k),(k,m?)->(n?,m?)", 4, types_2_1, matmul_funcs,
      null_data_4,
      "Matrix product of two arrays, broadcast on the outer dimensions; a\n"
      "1-d operand is a row (first) or column (second) vector whose\n"
      "dimension is dropped from the result.\n"
      "    \"(n?,k),(k,m?)->(n?,m?)\"\n" },
    /* numpy 1.24's doc strings, verbatim (trailing spaces included); the
     * 3 loops read the first 3 of null_data_4 */
    { "eig", 1, 2, "(m,m)->(m),(m,m)", 3, types_eig, eig_funcs, null_data_4,
      "eig on the last two dimension and broadcast to the rest. \n"
      "Results in a vector with the  eigenvalues and a matrix with the "
      "eigenvectors. \n    \"(m,m)->(m),(m,m)\" \n" },
    { "eigvals", 1, 1, "(m,m)->(m)", 3, types_eigvals, eigvals_funcs,
      null_data_4,
      "eigvals on the last two dimension and broadcast to the rest. \n"
      "Results in a vector of eigenvalues. \n" },
};
#define NBUILTIN (sizeof builtins / sizeof builtins[0])

/* ---- built-in signatures, parsed once (the driver's per-call cost) ---- */
static ul_sig builtin_sigs[NBUILTIN];
static pthread_once_t builtin_sigs_once = PTHREAD_ONCE_INIT;

static void parse_builtin_sigs(void)
{
    for (size_t i = 0; i < NBUILTIN; i++)
        ul_sig_parse(builtins[i].signature, builtins[i].nin, builtins[i].nout,
                     &builtin_sigs[i], NULL, 0);    /* tested to parse */
}

UL_HIDDEN const ul_sig *ul_table_sig(const ul_gufunc *g)
{
    for (size_t i = 0; i < NBUILTIN; i++) {
        if (g == &builtins[i]) {
            pthread_once(&builtin_sigs_once, parse_builtin_sigs);
            return &builtin_sigs[i];
        }
    }
    return NULL;
}

/* ---- registry of run-time gufuncs: pointers owned by their callers ---- */
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static const ul_gufunc **reg;
static size_t reg_n, reg_cap;

static const ul_gufunc *find_builtin(const char *name)
{
    for (size_t i = 0; i < NBUILTIN; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return &builtins[i];
    return NULL;
}

/* caller holds reg_lock */
static ptrdiff_t find_registered(const char *name)
{
    for (size_t i = 0; i < reg_n; i++)
        if (strcmp(reg[i]->name, name) == 0)
            return (ptrdiff_t)i;
    return -1;
}

UL_API const ul_gufunc *ul_gufunc_find(const char *name)
{
    if (name == NULL)
        return NULL;
    const ul_gufunc *g = find_builtin(name);
    if (g != NULL)
        return g;
    pthread_mutex_lock(&reg_lock);
    ptrdiff_t i = find_registered(name);
    g = i >= 0 ? reg[i] : NULL;
    pthread_mutex_unlock(&reg_lock);
    return g;
}

UL_API size_t ul_gufunc_count(void)
{
    pthread_mutex_lock(&reg_lock);
    size_t n = NBUILTIN + reg_n;
    pthread_mutex_unlock(&reg_lock);
    return n;
}

UL_API const ul_gufunc *ul_gufunc_at(size_t i)
{
    if (i < NBUILTIN)
        return &builtins[i];
    pthread_mutex_lock(&reg_lock);
    const ul_gufunc *g = i - NBUILTIN < reg_n ? reg[i - NBUILTIN] : NULL;
    pthread_mutex_unlock(&reg_lock);
    return g;
}

UL_API int ul_gufunc_register(const ul_gufunc *g)
{
    ul_sig sig;
    if (g == NULL || g->name == NULL || g->name[0] == '\0' || g->nin < 0 ||
        g->nout < 1 || g->ntypes < 1 || g->types == NULL || g->funcs == NULL ||
        g->data == NULL)
        return UL_EINVAL;
    for (int t = 0; t < g->ntypes; t++)
        if (g->funcs[t] == NULL)
            return UL_EINVAL;
    if (ul_sig_parse(g->signature, g->nin, g->nout, &sig, NULL, 0) != UL_OK)
        return UL_EBADSIG;
    if (find_builtin(g->name) != NULL)
        return UL_EBUSY;
    int rc = UL_OK;
    pthread_mutex_lock(&reg_lock);
    if (find_registered(g->name) >= 0) {
        rc = UL_EBUSY;
    } else {
        if (reg_n == reg_cap) {
            size_t cap = reg_cap ? 2 * reg_cap : 8;
            const ul_gufunc **grown = ul_calloc(cap, sizeof *grown);
            if (grown == NULL) {
                rc = UL_ENOMEM;
                goto out;
            }
            if (reg_n)
                memcpy(grown, reg, reg_n * sizeof *reg);
            ul_free(reg);
            reg = grown;
            reg_cap = cap;
        }
        reg[reg_n++] = g;
    }
out:
    pthread_mutex_unlock(&reg_lock);
    return rc;
}

UL_API int ul_gufunc_unregister(const ul_gufunc *g)
{
    int rc = UL_ENOTFOUND;
    pthread_mutex_lock(&reg_lock);
    for (size_t i = 0; i < reg_n; i++) {
        if (reg[i] == g) {
            memmove(&reg[i], &reg[i + 1], (reg_n - i - 1) * sizeof *reg);
            reg_n--;
            rc = UL_OK;
            break;
        }
    }
    pthread_mutex_unlock(&reg_lock);
    return rc;
}
