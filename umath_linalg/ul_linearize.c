/*
 * ul_linearize.c - numpy's linearize/delinearize for s, d, c, z, plus the
 * NaN and identity fills the loops use. See ul_linearize.tmpl.h.
 */
#include "ul_impl.h"
#include <math.h>
#include <string.h>

#define UL_TEMPLATE "ul_linearize.tmpl.h"
#include "ul_instantiate.h"
