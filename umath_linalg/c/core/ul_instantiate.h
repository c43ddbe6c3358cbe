/*
 * ul_instantiate.h - includes UL_TEMPLATE once per dtype, the one
 * instantiation list of the library:
 *     #define UL_TEMPLATE "ul_solve.tmpl.h"
 *     #include "ul_instantiate.h"          s, d, c, z
 * With UL_INSTANTIATE_REAL defined, only s and d (the SIMD kernels); with
 * UL_INSTANTIATE_COMPLEX, only c and z; with UL_INSTANTIATE_DOUBLE, only d
 * and z (families numpy 1.24 has no f/F loops for: qr_*, whose single
 * precision instances would be exported loops no table row lists).
 */
#ifndef UL_INSTANTIATE_COMPLEX
#ifndef UL_INSTANTIATE_DOUBLE
#define UL_CH s
#define UL_CH_IS_s 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"
#endif

#define UL_CH d
#define UL_CH_IS_d 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"
#endif

#ifndef UL_INSTANTIATE_REAL
#ifndef UL_INSTANTIATE_DOUBLE
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
#undef UL_INSTANTIATE_DOUBLE
