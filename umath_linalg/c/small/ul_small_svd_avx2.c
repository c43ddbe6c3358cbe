/*
 * ul_small_svd_avx2.c - the small SVD kernels (ul_kern_svd.tmpl.h) for the
 * AVX2+FMA target (compiled with -mavx2 -mfma: the Makefile's
 * TARGET_FLAGS): ul_small_svd_{N,S,A}_{s,d}_avx2, chosen by ul_small.c
 * with the other kernels of the target.
 */
#include "ul_small.h"

#define UL_TARGET avx2
#define UL_TARGET_IS_avx2 1
#define UL_TEMPLATE "ul_kern_svd.tmpl.h"
#define UL_INSTANTIATE_REAL
#include "ul_instantiate.h"
