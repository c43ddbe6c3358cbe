/*
 * ul_small_sse2.c - the small-n kernels for the baseline x86-64 target (SSE2: the
 * compiler's default flags): ul_kern.tmpl.h for
 * float32 and float64, giving ul_small_<op>_s_sse2 and ul_small_<op>_d_sse2
 * for every op of UL_SMALL_OPS. ul_small.c chooses a target once per
 * process.
 */
#include "ul_small.h"

#define UL_TARGET sse2
#define UL_TARGET_IS_sse2 1
#define UL_TEMPLATE "ul_kern.tmpl.h"
#define UL_INSTANTIATE_REAL
#include "ul_instantiate.h"
