/*
 * ul_impl.h - private declarations shared by the library's C files. Never
 * installed. Public names live in umath_linalg.h.
 */
#ifndef UL_IMPL_H
#define UL_IMPL_H

#include "umath_linalg.h"
#include <complex.h>

#define UL_API __attribute__((visibility("default")))
#define UL_HIDDEN __attribute__((visibility("hidden")))

/* ---- allocation (ul_alloc.c): every block the library takes ----
 * Through the functions of ul_set_allocator; malloc's alignment. */
UL_HIDDEN void *ul_malloc(size_t n);
UL_HIDDEN void *ul_calloc(size_t count, size_t size);
UL_HIDDEN void ul_free(void *p);

/* A loop whose table data pointer is its own (a run-time row) and which
 * could not allocate calls this besides raising FE_INVALID; the driver
 * then returns UL_ENOMEM (ul_driver.c; thread-local). */
UL_HIDDEN void ul_loop_note_enomem(void);

/* Largest matrix order handled by the small-n kernels. */
#define UL_SMALL_MAX 16

/* Threads one big small-matrix stack may use: ul_set_num_threads, else
 * $UL_NUM_THREADS, else the online cores; at most UL_MAX_THREADS. */
#define UL_MAX_THREADS 8
UL_HIDDEN int ul_num_threads(void);

/* 1 when the AVX2+FMA paths run: the CPU has both and $UL_CPU is not
 * "baseline"; decided once per process (ul_small.c). */
UL_HIDDEN int ul_cpu_avx2(void);

/* ---- small-n fast paths (umath_linalg/ul_small*.c) ---------------------
 * Each takes a whole loop call with numpy's loop-ABI arguments (dimensions
 * and steps exactly as the loop got them) and either declines by returning
 * -1 (the LAPACK path then runs and nothing was written), or computes every
 * matrix of the call and returns how many failed (exactly singular: that
 * matrix's output NaN-filled), with *first_failed the outer index of the
 * first failure (-1 when none). The caller handles the FP-flag protocol.
 * det/slogdet never fail: singular gives det 0, slogdet (0, -inf). */
#define UL_SMALL_DECL(ch, op) \
    UL_HIDDEN ptrdiff_t ul_small_##ch##op(char **args, \
        const ptrdiff_t *dimensions, const ptrdiff_t *steps, \
        ptrdiff_t *first_failed);
#define UL_SMALL_DECL_OP(op) \
    UL_SMALL_DECL(s, op) UL_SMALL_DECL(d, op) \
    UL_SMALL_DECL(c, op) UL_SMALL_DECL(z, op)
UL_SMALL_DECL_OP(inv)
UL_SMALL_DECL_OP(solve)
UL_SMALL_DECL_OP(solve1)
UL_SMALL_DECL_OP(det)
UL_SMALL_DECL_OP(slogdet)
#undef UL_SMALL_DECL_OP
#undef UL_SMALL_DECL

/* The complex inverse kernels behind ul_small_cinv / ul_small_zinv
 * (ul_small_cplx.c): a whole call (or one chunk of it), as the hooks. */
UL_HIDDEN ptrdiff_t ul_cinv_cplx(char **args, const ptrdiff_t *dims,
                                 const ptrdiff_t *steps, ptrdiff_t *first_failed);
UL_HIDDEN ptrdiff_t ul_zinv_cplx(char **args, const ptrdiff_t *dims,
                                 const ptrdiff_t *steps, ptrdiff_t *first_failed);

/* ---- fills used by the loops (ul_linearize.tmpl.h) ---- */
#define UL_FILL_DECL(ch) \
    UL_HIDDEN void ul_##ch##nan_fill(char *dst, ptrdiff_t rows, \
        ptrdiff_t cols, ptrdiff_t row_stride, ptrdiff_t col_stride); \
    UL_HIDDEN void ul_##ch##identity(void *dst, ptrdiff_t n);
UL_FILL_DECL(s) UL_FILL_DECL(d) UL_FILL_DECL(c) UL_FILL_DECL(z)
#undef UL_FILL_DECL

/* ---- LAPACK (Fortran symbols of Debian's OpenBLAS, LP64 int) ----------
 * Called directly: no LAPACKE NaN pre-scan, no hidden copies, no xerbla
 * printing for arguments we have already checked. */
typedef int ul_lapack_int;
void sgesv_(const int *n, const int *nrhs, float *a, const int *lda, int *ipiv, float *b, const int *ldb, int *info);
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b, const int *ldb, int *info);
void cgesv_(const int *n, const int *nrhs, float complex *a, const int *lda, int *ipiv, float complex *b, const int *ldb, int *info);
void zgesv_(const int *n, const int *nrhs, double complex *a, const int *lda, int *ipiv, double complex *b, const int *ldb, int *info);
void sgetrf_(const int *m, const int *n, float *a, const int *lda, int *ipiv, int *info);
void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
void cgetrf_(const int *m, const int *n, float complex *a, const int *lda, int *ipiv, int *info);
void zgetrf_(const int *m, const int *n, double complex *a, const int *lda, int *ipiv, int *info);

/* ---- FP-flag protocol (numpy's get_fp_invalid_and_clear /
 * set_fp_invalid_or_clear): remember a prior FE_INVALID, clear all flags,
 * and at the end raise FE_INVALID if anything failed, else clear all. */
UL_HIDDEN int ul_fp_invalid_and_clear(void);
UL_HIDDEN void ul_fp_set_invalid_or_clear(int invalid);
/* The caller's exception flags, saved and restored around a driver call
 * (ul_fp.c: MXCSR on x86-64, <fenv.h> elsewhere). */
#if defined(__x86_64__) && defined(__SSE2__)
typedef struct ul_fp_state { unsigned flags; } ul_fp_state;
#else
#include <fenv.h>
typedef struct ul_fp_state { fexcept_t flags; } ul_fp_state;
#endif
UL_HIDDEN void ul_fp_save(ul_fp_state *s);
UL_HIDDEN void ul_fp_restore(const ul_fp_state *s);

#endif /* UL_IMPL_H */
