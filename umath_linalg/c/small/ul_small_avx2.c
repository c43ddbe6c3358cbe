/*
 * ul_small_avx2.c - the small-n kernels for the AVX2+FMA target (compiled with
 * -mavx2 -mfma: the Makefile's TARGET_FLAGS): ul_kern.tmpl.h for
 * float32 and float64, giving ul_small_<op>_s_avx2 and ul_small_<op>_d_avx2
 * for every op of UL_SMALL_OPS. ul_small.c chooses a target once per
 * process.
 */
#include "ul_small.h"

#define UL_TARGET avx2
#define UL_TARGET_IS_avx2 1
#define UL_TEMPLATE "ul_kern.tmpl.h"
#define UL_INSTANTIATE_REAL
#include "ul_instantiate.h"
