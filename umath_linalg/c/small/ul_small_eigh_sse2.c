/*
 * ul_small_eigh_sse2.c - the symmetric eigen kernels (eigh_lo/up,
 * eigvalsh_lo/up) for the baseline x86-64 target (SSE2): ul_kern_eigh.tmpl.h for float32 and
 * float64, giving ul_small_eigh_lo_d_sse2 ... Their own translation unit, so
 * they compile apart from the inverse kernels (ul_small_sse2.c).
 */
#include "ul_small.h"

#define UL_TARGET sse2
#define UL_TARGET_IS_sse2 1
#define UL_TEMPLATE "ul_kern_eigh.tmpl.h"
#define UL_INSTANTIATE_REAL
#include "ul_instantiate.h"
