/*
 * ul_small_cplx.c - the small-n complex inverse for c and z (ul_cinv_cplx,
 * ul_zinv_cplx: ul_small_cplx.tmpl.h), taken by ul_small_run.
 */
#include "ul_small.h"
#include <complex.h>

#define UL_TEMPLATE "ul_small_cplx.tmpl.h"
#define UL_INSTANTIATE_COMPLEX
#include "ul_instantiate.h"
