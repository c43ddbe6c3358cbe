/*
 * ul_small_cplx.c - small-n complex inverse (c, z): the bodies of the
 * ul_small_cinv / ul_small_zinv hooks (ul_small.c shares big stacks among
 * threads). See ul_small_cplx.tmpl.h. The other complex operations decline
 * (LAPACK path).
 */
#include "ul_impl.h"
#include <float.h>
#include <math.h>
#include <string.h>

#define UL_CH c
#define UL_CH_IS_c 1
#include "ul_types.h"
#define UL_FABS fabsf
#define UL_BIG FLT_MAX
#define UL_GUARD 0x1p-16f       /* 2^7 * eps per unit of n, as ul_small.c */
#define UL_TINY 0x1p-122f
#include "ul_small_cplx.tmpl.h"
#undef UL_FABS
#undef UL_BIG
#undef UL_GUARD
#undef UL_TINY
#include "ul_types_undef.h"

#define UL_CH z
#define UL_CH_IS_z 1
#include "ul_types.h"
#define UL_FABS fabs
#define UL_BIG DBL_MAX
#define UL_GUARD 0x1p-45
#define UL_TINY 0x1p-1018
#include "ul_small_cplx.tmpl.h"
#undef UL_FABS
#undef UL_BIG
#undef UL_GUARD
#undef UL_TINY
#include "ul_types_undef.h"
