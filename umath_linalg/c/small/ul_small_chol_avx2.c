/*
 * ul_small_chol_avx2.c - the small-n kernels for the AVX2+FMA target (compiled with
 * -mavx2 -mfma: the Makefile's TARGET_FLAGS): ul_kern_chol.tmpl.h (the Cholesky kernels) for
 * float32 and float64, giving ul_small_cholesky_{lo,up}_s_avx2 and ul_small_cholesky_{lo,up}_d_avx2
 * for cholesky_lo and cholesky_up. ul_small.c chooses a target once per
 * process.
 */
#include "ul_small.h"

#define UL_TARGET avx2
#define UL_TARGET_IS_avx2 1
#define UL_TEMPLATE "ul_kern_chol.tmpl.h"
#define UL_INSTANTIATE_REAL
#include "ul_instantiate.h"
