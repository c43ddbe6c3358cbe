/*
 * ul_linearize.c - numpy's linearize/delinearize for s, d, c, z, plus the
 * NaN and identity fills the loops use. See ul_linearize.tmpl.h.
 */
#include "ul_impl.h"
#include <math.h>
#include <string.h>

/* The copier's argument rules, one place for both directions: UL_EINVAL
 * for negative sizes, ld < rows or a NULL pointer with a non-empty matrix;
 * UL_OK when there is nothing to copy; UL_CONTINUE to copy. */
#define UL_CONTINUE (-1)
static int ul_copy_check(ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld,
                         const void *dst, const void *src)
{
    if (rows < 0 || cols < 0 || ld < rows)
        return UL_EINVAL;
    if (rows == 0 || cols == 0)
        return UL_OK;
    return dst == NULL || src == NULL ? UL_EINVAL : UL_CONTINUE;
}

#define UL_TEMPLATE "ul_linearize.tmpl.h"
#include "ul_instantiate.h"
