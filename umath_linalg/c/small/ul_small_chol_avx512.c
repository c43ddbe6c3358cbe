/*
 * ul_small_chol_avx512.c - the Cholesky kernels for the AVX-512 target:
 * the AVX2 code of ul_kern_chol.tmpl.h (256-bit vectors, KV 4 / 8 as on
 * AVX2), compiled with -mavx512f -mavx512vl -mavx512dq -mavx512bw
 * -mprefer-vector-width=256 (the Makefile's TARGET_FLAGS), which gives
 * gcc 32 vector registers (ymm16-31) and the mask registers: the 10x10
 * kernel's stack accesses 1534 -> 925, its instructions 3511 -> 3176.
 * Float64 only: ul_small_cholesky_{lo,up}_d_avx512; ul_small.c takes
 * them for that target, and the AVX2 kernels of float32 and of every
 * other op (those measured no gain: see there).
 *
 * 512-bit vectors (KV 8 doubles, an 8x8 transpose) were tried and not
 * kept: Zen4 runs them as two 256-bit halves, and the 8x8 transposes of
 * the row pieces (twice the shuffles per matrix of the AVX2 pair moves)
 * made 10x10 1.04..1.14x the time (4x4 0.82x, 16x16 even).
 */
#include "ul_small.h"

#define UL_TARGET avx512
#define UL_TARGET_IS_avx2 1     /* the AVX2 code paths: the same vectors */
#define UL_TARGET_IS_avx512 1
/* float64 alone (ul_instantiate.h has no such selection) */
#define UL_CH d
#define UL_CH_IS_d 1
#include "ul_types.h"
#include "ul_kern_chol.tmpl.h"
#include "ul_types_undef.h"
