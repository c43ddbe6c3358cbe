/*
 * ul_small.c - small-n fast paths (n <= UL_SMALL_MAX). This placeholder
 * declines every call, so the LAPACK path runs; the kernels replace it.
 */
#include "ul_impl.h"

#define UL_DECLINE(ch, op) \
    ptrdiff_t ul_small_##ch##op(char **args, const ptrdiff_t *dimensions, \
                                const ptrdiff_t *steps, ptrdiff_t *first_failed) \
    { (void)args; (void)dimensions; (void)steps; (void)first_failed; return -1; }
#define UL_DECLINE_OP(op) \
    UL_DECLINE(s, op) UL_DECLINE(d, op) UL_DECLINE(c, op) UL_DECLINE(z, op)
UL_DECLINE_OP(inv)
UL_DECLINE_OP(solve)
UL_DECLINE_OP(solve1)
UL_DECLINE_OP(det)
UL_DECLINE_OP(slogdet)
