/*
 * ul_small.h - private to c/small/: what the target translation units
 * (ul_small_sse2.c, ul_small_avx2.c, ...) and the dispatch (ul_small.c) share.
 */
#ifndef UL_SMALL_H
#define UL_SMALL_H

#include "ul_lapack.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* The kernels of each target, one per op of UL_SMALL_OPS and real dtype:
 * ul_small_inv_s_sse2, ul_small_inv_d_sse2, ul_small_inv_s_avx2,
 * ul_small_inv_d_avx2, ul_small_solve_s_sse2, ... (ul_kern.tmpl.h). */
#define UL_SMALL_KERNEL_DECL(op, nargs, ndims) \
    UL_HIDDEN ptrdiff_t ul_small_##op##_s_sse2(char **, const ptrdiff_t *, const ptrdiff_t *, ptrdiff_t *); \
    UL_HIDDEN ptrdiff_t ul_small_##op##_d_sse2(char **, const ptrdiff_t *, const ptrdiff_t *, ptrdiff_t *); \
    UL_HIDDEN ptrdiff_t ul_small_##op##_s_avx2(char **, const ptrdiff_t *, const ptrdiff_t *, ptrdiff_t *); \
    UL_HIDDEN ptrdiff_t ul_small_##op##_d_avx2(char **, const ptrdiff_t *, const ptrdiff_t *, ptrdiff_t *);
UL_SMALL_OPS(UL_SMALL_KERNEL_DECL)
#undef UL_SMALL_KERNEL_DECL

/* The AVX-512 target's own kernels, float64 (ul_small_chol_avx512.c; the
 * inverse, ul_small_avx512.c): the rest run their AVX2 kernels there
 * (ul_small.c). */
UL_HIDDEN ptrdiff_t ul_small_cholesky_lo_d_avx512(char **, const ptrdiff_t *, const ptrdiff_t *, ptrdiff_t *);
UL_HIDDEN ptrdiff_t ul_small_cholesky_up_d_avx512(char **, const ptrdiff_t *, const ptrdiff_t *, ptrdiff_t *);
UL_HIDDEN ptrdiff_t ul_small_inv_d_avx512(char **, const ptrdiff_t *, const ptrdiff_t *, ptrdiff_t *);

/* The one-matrix inverse of each n (index 1..UL_SMALL_MAX): what a
 * prepared call of one matrix binds (ul_small_bind). */
#define UL_SMALL_INV1_DECL(ch, target) \
    UL_HIDDEN extern const ul_kernel_fn ul_small_inv1_##ch##_##target[UL_SMALL_MAX + 1];
UL_SMALL_INV1_DECL(s, sse2) UL_SMALL_INV1_DECL(d, sse2)
UL_SMALL_INV1_DECL(s, avx2) UL_SMALL_INV1_DECL(d, avx2) UL_SMALL_INV1_DECL(d, avx512)
#undef UL_SMALL_INV1_DECL

/* The complex inverse (ul_small_cplx.c): ul_cinv_cplx, ul_zinv_cplx. */
UL_HIDDEN ptrdiff_t ul_cinv_cplx(char **args, const ptrdiff_t *dims,
                                 const ptrdiff_t *steps, ptrdiff_t *first_failed);
UL_HIDDEN ptrdiff_t ul_zinv_cplx(char **args, const ptrdiff_t *dims,
                                 const ptrdiff_t *steps, ptrdiff_t *first_failed);

#endif /* UL_SMALL_H */
