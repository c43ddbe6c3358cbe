/*
 * ul_small_chol_avx2.c - the Cholesky kernels for the AVX2+FMA target (-mavx2 -mfma: the Makefile's TARGET_FLAGS):
 * ul_kern_chol.tmpl.h for float32 and float64, giving
 * ul_small_cholesky_{lo,up}_{s,d}_avx2. Their own translation unit, apart
 * from the other ops' ul_small_avx2.c. ul_small.c chooses a target once
 * per process.
 */
#include "ul_small.h"

#define UL_TARGET avx2
#define UL_TARGET_IS_avx2 1
#define UL_TEMPLATE "ul_kern_chol.tmpl.h"
#define UL_INSTANTIATE_REAL
#include "ul_instantiate.h"
