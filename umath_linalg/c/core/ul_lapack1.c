/*
 * ul_lapack1.c - the one-matrix LAPACK path for s, d, c, z
 * (ul_lapack1.tmpl.h; declarations in ul_lapack.h).
 */
#include "ul_lapack.h"
#include <complex.h>
#include <math.h>

#define UL_TEMPLATE "ul_lapack1.tmpl.h"
#include "ul_instantiate.h"
