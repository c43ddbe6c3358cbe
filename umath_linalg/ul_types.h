/*
 * ul_types.h - per-dtype macros for the templates (*.tmpl.h). Define UL_CH
 * to one of s, d, c, z, include this, then the template, then
 * ul_types_undef.h. BLIS-style letter naming: ul_<ch><op>.
 */
#define UL_CAT3_(a, b, c) a##b##c
#define UL_CAT3(a, b, c) UL_CAT3_(a, b, c)
#define UL_NAME(op) UL_CAT3(ul_, UL_CH, op)
#define UL_LAPACK(op) UL_CAT3(UL_CH, op, _)

#if UL_CH_IS_s
#  define UL_T float
#  define UL_R float
#  define UL_COMPLEX 0
#elif UL_CH_IS_d
#  define UL_T double
#  define UL_R double
#  define UL_COMPLEX 0
#elif UL_CH_IS_c
#  define UL_T float complex
#  define UL_R float
#  define UL_COMPLEX 1
#elif UL_CH_IS_z
#  define UL_T double complex
#  define UL_R double
#  define UL_COMPLEX 1
#else
#  error "define UL_CH and UL_CH_IS_<ch> before including ul_types.h"
#endif
