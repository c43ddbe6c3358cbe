/*
 * ul_small_svd_sse2.c - the small SVD kernels (ul_kern_svd.tmpl.h) for the
 * baseline x86-64 target (SSE2): ul_small_svd_{N,S,A}_{s,d}_sse2, chosen by ul_small.c
 * with the other kernels of the target.
 */
#include "ul_small.h"

#define UL_TARGET sse2
#define UL_TARGET_IS_sse2 1
#define UL_TEMPLATE "ul_kern_svd.tmpl.h"
#define UL_INSTANTIATE_REAL
#include "ul_instantiate.h"
