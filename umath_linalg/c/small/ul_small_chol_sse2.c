/*
 * ul_small_chol_sse2.c - the small-n kernels for the baseline x86-64 target (SSE2: the
 * compiler's default flags): ul_kern_chol.tmpl.h (the Cholesky kernels) for
 * float32 and float64, giving ul_small_cholesky_{lo,up}_s_sse2 and ul_small_cholesky_{lo,up}_d_sse2
 * for cholesky_lo and cholesky_up. ul_small.c chooses a target once per
 * process.
 */
#include "ul_small.h"

#define UL_TARGET sse2
#define UL_TARGET_IS_sse2 1
#define UL_TEMPLATE "ul_kern_chol.tmpl.h"
#define UL_INSTANTIATE_REAL
#include "ul_instantiate.h"
