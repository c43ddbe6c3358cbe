/*
 * ul_small_avx512.c - the float64 small-n inverse of ul_kern.tmpl.h for
 * the AVX-512 target: ul_small_inv_d_avx512 and ul_small_inv1_d_avx512,
 * the AVX2 code (256-bit vectors, KV 4) compiled with the Makefile's
 * AVX512_FLAGS, which give gcc 32 vector registers (ymm16-31: fewer
 * spills of the scratch rows) and the mask registers. ul_small.c takes
 * them for n <= 12 (the measurements are there); det, solve and matmul
 * measured no gain, so they are not compiled here.
 */
#include "ul_small.h"

#define UL_TARGET avx512
#define UL_TARGET_IS_avx2 1     /* the AVX2 code paths: the same vectors */
#define UL_TARGET_IS_avx512 1
/* float64 alone (ul_instantiate.h has no such selection) */
#define UL_CH d
#define UL_CH_IS_d 1
#define UL_KERN_INV_ONLY
#include "ul_types.h"
#include "ul_kern.tmpl.h"
#include "ul_types_undef.h"
