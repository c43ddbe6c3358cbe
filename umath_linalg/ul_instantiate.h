/*
 * ul_instantiate.h - includes UL_TEMPLATE once per dtype (s, d, c, z), the
 * one instantiation list of the library. Usage:
 *     #define UL_TEMPLATE "ul_loops.tmpl.h"
 *     #include "ul_instantiate.h"
 */
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

#define UL_CH c
#define UL_CH_IS_c 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"

#define UL_CH z
#define UL_CH_IS_z 1
#include "ul_types.h"
#include UL_TEMPLATE
#include "ul_types_undef.h"

#undef UL_TEMPLATE
