/*
 * ul_types.h - the per-dtype parameters of every type-generic file (*.tmpl.h),
 * the library's one instantiation mechanism. ul_instantiate.h defines UL_CH
 * (s, d, c, z) and includes this, the template, then ul_types_undef.h.
 * Names follow BLIS/LAPACK letters: UL_NAME(inv_loop) is ul_sinv_loop,
 * ul_dinv_loop, ul_cinv_loop or ul_zinv_loop; UL_LAPACK(gesv) is sgesv_ ...
 */
#include <float.h>

#define UL_CAT3_(a, b, c) a##b##c
#define UL_CAT3(a, b, c) UL_CAT3_(a, b, c)
#define UL_NAME(op) UL_CAT3(ul_, UL_CH, op)
#define UL_LAPACK(op) UL_CAT3(UL_CH, op, _)
/* Every call into LAPACK/BLAS, counted for fork safety (ul_threads.c):
 * UL_LAPACK_CALL(gesv, (&n, ...)) is an expression. */
#define UL_LAPACK_CALL(op, args) \
    (ul_lapack_enter(), UL_LAPACK(op) args, ul_lapack_leave())

/* UL_T element, UL_R its real part, UL_DT the dtype's index (UL_DT_s ...); for real dtypes also UL_I (integer of
 * the same width), the float format (UL_EXPSHIFT, UL_EXPMASK, UL_BIAS) and
 * the small kernels' guard: a pivot at most n * UL_GUARD * max|a_ij|
 * (2^7 eps per unit of n) or below UL_TINY goes to LAPACK, and a sum of
 * |a_ij| above UL_BIG (not finite) too. */
#if UL_CH_IS_s
#  define UL_T float
#  define UL_R float
#  define UL_COMPLEX 0
#  define UL_DT UL_DT_s
#elif UL_CH_IS_d
#  define UL_T double
#  define UL_R double
#  define UL_COMPLEX 0
#  define UL_DT UL_DT_d
#elif UL_CH_IS_c
#  define UL_T float complex
#  define UL_R float
#  define UL_COMPLEX 1
#  define UL_DT UL_DT_c
#elif UL_CH_IS_z
#  define UL_T double complex
#  define UL_R double
#  define UL_COMPLEX 1
#  define UL_DT UL_DT_z
#else
#  error "define UL_CH and UL_CH_IS_<ch> before including ul_types.h"
#endif

#if UL_CH_IS_s || UL_CH_IS_c
#  define UL_I int32_t
#  define UL_EXPSHIFT 23
#  define UL_EXPMASK 0xff
#  define UL_BIAS 127
#  define UL_GUARD 0x1p-16f
#  define UL_TINY 0x1p-122f
#  define UL_BIG FLT_MAX
#  define UL_FABS fabsf
#  define UL_LOG logf
#  define UL_EXP expf
#  define UL_CABS cabsf
#else
#  define UL_I int64_t
#  define UL_EXPSHIFT 52
#  define UL_EXPMASK 0x7ff
#  define UL_BIAS 1023
#  define UL_GUARD 0x1p-45
#  define UL_TINY 0x1p-1018
#  define UL_BIG DBL_MAX
#  define UL_FABS fabs
#  define UL_LOG log
#  define UL_EXP exp
#  define UL_CABS cabs
#endif
