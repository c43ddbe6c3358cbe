/*
 * ul_lapack.h - private: the LAPACK routines the library calls (Fortran
 * symbols of Debian's OpenBLAS, LP64 int: no LAPACKE NaN pre-scan, no
 * hidden copies, no xerbla printing for arguments checked beforehand), and
 * the one-matrix LAPACK path (ul_lapack1.tmpl.h) that the loops and the
 * small kernels' fallback lanes share, so that both give the same bits.
 */
#ifndef UL_LAPACK_H
#define UL_LAPACK_H

#include "ul_impl.h"

typedef int ul_lapack_int;

void sgesv_(const int *n, const int *nrhs, float *a, const int *lda, int *ipiv, float *b, const int *ldb, int *info);
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b, const int *ldb, int *info);
void cgesv_(const int *n, const int *nrhs, float complex *a, const int *lda, int *ipiv, float complex *b, const int *ldb, int *info);
void zgesv_(const int *n, const int *nrhs, double complex *a, const int *lda, int *ipiv, double complex *b, const int *ldb, int *info);
void sgetrf_(const int *m, const int *n, float *a, const int *lda, int *ipiv, int *info);
void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
void cgetrf_(const int *m, const int *n, float complex *a, const int *lda, int *ipiv, int *info);
void zgetrf_(const int *m, const int *n, double complex *a, const int *lda, int *ipiv, int *info);
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void cpotrf_(const char *uplo, const int *n, float complex *a, const int *lda, int *info);
void zpotrf_(const char *uplo, const int *n, double complex *a, const int *lda, int *info);

/* Which right-hand side ul_?gesv1 solves for: the caller's B, or the
 * identity (inv: nrhs == n, b unused). Never inferred from a NULL b. */
enum { UL_RHS_GIVEN, UL_RHS_IDENTITY };

/* Bytes of workspace ul_?gesv1 needs for n x n A and nrhs columns (A, B,
 * pivots), and ul_?slogdet1 (nrhs 0); callers keep n <= 2^28 and nrhs <=
 * INT_MAX, so it fits in size_t. */
#define UL_LAPACK1_WORK(esize, n, nrhs) \
    (((size_t)(n) * (size_t)(n) + (size_t)(n) * (size_t)(nrhs)) * (esize) + \
     (size_t)(n) * sizeof(int))
static inline size_t ul_lapack1_work(size_t esize, ptrdiff_t n, ptrdiff_t nrhs)
{
    return UL_LAPACK1_WORK(esize, n, nrhs);
}
/* The same for every n, nrhs <= UL_SMALL_MAX (the kernels' stack buffer). */
#define UL_LAPACK1_WORK_SMALL(esize) \
    UL_LAPACK1_WORK(esize, UL_SMALL_MAX, UL_SMALL_MAX)

/* One matrix, n >= 1, through LAPACK on a Fortran copy in `work`:
 * ul_?gesv1 solves A X = B (or I) and writes X to x (xr, xc), or NaN when A
 * is singular; returns ?gesv's info. ul_?slogdet1 gives numpy's sign and
 * log|det| from ?getrf (singular: 0, -inf). ul_?potrf1 (cholesky_lo/up:
 * uplo 'L' / 'U', work n * n elements) writes the factor with the other
 * strict triangle +0, or NaN when ?potrf fails, and returns potrf's info.
 * Names: ul_sgesv1 ... ul_zgesv1, ul_sslogdet1 ..., ul_spotrf1 .... */
#define UL_LAPACK1_DECL(ch, T, R) \
    UL_HIDDEN int ul_##ch##gesv1(ptrdiff_t n, ptrdiff_t nrhs, const char *a, \
        ptrdiff_t ar, ptrdiff_t ac, int rhs, const char *b, ptrdiff_t br, \
        ptrdiff_t bc, char *x, ptrdiff_t xr, ptrdiff_t xc, void *work); \
    UL_HIDDEN void ul_##ch##slogdet1(ptrdiff_t n, const char *a, ptrdiff_t ar, \
        ptrdiff_t ac, void *work, T *sign, R *logdet); \
    UL_HIDDEN int ul_##ch##potrf1(ptrdiff_t n, char uplo, const char *a, \
        ptrdiff_t ar, ptrdiff_t ac, char *x, ptrdiff_t xr, ptrdiff_t xc, \
        void *work);
UL_LAPACK1_DECL(s, float, float)
UL_LAPACK1_DECL(d, double, double)
UL_LAPACK1_DECL(c, float complex, float)
UL_LAPACK1_DECL(z, double complex, double)
#undef UL_LAPACK1_DECL

/* One matrix through the svd loops' ?gesdd path (c/loops/ul_svd.tmpl.h),
 * args its operands and steps the loop's: 1 when it failed (NaN output).
 * Names: ul_ssvd1 ... ul_zsvd1. */
#define UL_SVD1_DECL(ch) \
    UL_HIDDEN int ul_##ch##svd1(char jobz, char **args, ptrdiff_t m, \
                                ptrdiff_t n, const ptrdiff_t *steps);
UL_SVD1_DECL(s)
UL_SVD1_DECL(d)
UL_SVD1_DECL(c)
UL_SVD1_DECL(z)
#undef UL_SVD1_DECL

#endif /* UL_LAPACK_H */
