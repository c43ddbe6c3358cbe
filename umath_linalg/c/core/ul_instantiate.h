/*
 * ul_instantiate.h - includes UL_TEMPLATE once per dtype, the one
 * instantiation list of the library:
 *     #define UL_TEMPLATE "ul_solve.tmpl.h"
 *     #include "ul_instantiate.h"          s, d, c, z
 * With UL_INSTANTIATE_REAL defined, only s and d (the SIMD kernels); with
 * UL_INSTANTIATE_COMPLEX, only c and z. With UL_INSTANTIATE_NO_c, every
 * dtype but c: for a family numpy 1.24 has no complex64 loop for (eig,
 * eigvals: "problems with eig in complex single"), so that no ul_c<op>
 * that no table row lists is compiled and exported.
 */
#ifndef UL_INSTANTIATE_COMPLEX
#define UL_CH s
#define UL_CH_IS_s 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"

#define UL_CH d
#define UL_CH_IS_d 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"
#endif

#ifndef UL_INSTANTIATE_REAL
#ifndef UL_INSTANTIATE_NO_c
#define UL_CH c
#define UL_CH_IS_c 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"
#endif

#define UL_CH z
#define UL_CH_IS_z 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"
#endif

#undef UL_TEMPLATE
#undef UL_INSTANTIATE_REAL
#undef UL_INSTANTIATE_COMPLEX
#undef UL_INSTANTIATE_NO_c
