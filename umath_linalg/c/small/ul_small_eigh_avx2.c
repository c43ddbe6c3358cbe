/*
 * ul_small_eigh_avx2.c - the symmetric eigen kernels (eigh_lo/up,
 * eigvalsh_lo/up) for the AVX2+FMA target (compiled with -mavx2 -mfma: the
 * Makefile's TARGET_FLAGS): ul_kern_eigh.tmpl.h for float32 and
 * float64, giving ul_small_eigh_lo_d_avx2 ... Their own translation unit, so
 * they compile apart from the inverse kernels (ul_small_avx2.c).
 */
#include "ul_small.h"

#define UL_TARGET avx2
#define UL_TARGET_IS_avx2 1
#define UL_TEMPLATE "ul_kern_eigh.tmpl.h"
#define UL_INSTANTIATE_REAL
#include "ul_instantiate.h"
