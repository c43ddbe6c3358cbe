/*
 * ul_instantiate.h - includes UL_TEMPLATE once per dtype, the one
 * instantiation list of the library:
 *     #define UL_TEMPLATE "ul_solve.tmpl.h"
 *     #include "ul_instantiate.h"          s, d, c, z
 * A selection defined before the include narrows the list (each is undone
 * here), so that no loop is compiled and exported that no table row lists:
 *     UL_INSTANTIATE_REAL     s, d     the SIMD kernels
 *     UL_INSTANTIATE_COMPLEX  c, z     the complex kernel
 *     UL_INSTANTIATE_DOUBLE   d, z     qr_*: numpy 1.24 has no f/F loops
 *     UL_INSTANTIATE_NO_c     s, d, z  eig, eigvals: no complex64 loop
 *                                      ("problems with eig in complex single")
 */
#if !defined(UL_INSTANTIATE_COMPLEX) && !defined(UL_INSTANTIATE_DOUBLE)
#define UL_CH s
#define UL_CH_IS_s 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"
#endif

#ifndef UL_INSTANTIATE_COMPLEX
#define UL_CH d
#define UL_CH_IS_d 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"
#endif

#if !defined(UL_INSTANTIATE_REAL) && !defined(UL_INSTANTIATE_DOUBLE) && \
    !defined(UL_INSTANTIATE_NO_c)
#define UL_CH c
#define UL_CH_IS_c 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"
#endif

#ifndef UL_INSTANTIATE_REAL
#define UL_CH z
#define UL_CH_IS_z 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"
#endif

#undef UL_TEMPLATE
#undef UL_INSTANTIATE_REAL
#undef UL_INSTANTIATE_COMPLEX
#undef UL_INSTANTIATE_DOUBLE
#undef UL_INSTANTIATE_NO_c
