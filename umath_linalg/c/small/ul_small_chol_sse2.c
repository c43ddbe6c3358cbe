/*
 * ul_small_chol_sse2.c - the Cholesky kernels for the baseline x86-64 target (SSE2: the compiler's default flags):
 * ul_kern_chol.tmpl.h for float32 and float64, giving
 * ul_small_cholesky_{lo,up}_{s,d}_sse2. Their own translation unit, apart
 * from the other ops' ul_small_sse2.c. ul_small.c chooses a target once
 * per process.
 */
#include "ul_small.h"

#define UL_TARGET sse2
#define UL_TARGET_IS_sse2 1
#define UL_TEMPLATE "ul_kern_chol.tmpl.h"
#define UL_INSTANTIATE_REAL
#include "ul_instantiate.h"
