/*
 * ul_sig.h - gufunc signature parser (private). A signature such as
 * "(m,m),(m,n)->(m,n)" is parsed once into flat arrays, numpy-style:
 * for operand i, its core dims are dim_ix[offset[i] .. offset[i]+ncore[i]),
 * each an index into the table of distinct dimension names (in order of
 * first appearance, which is the order of the loop's dimensions[1..]).
 */
#ifndef UL_SIG_H
#define UL_SIG_H

#include <stddef.h>
#include "umath_linalg.h"

#define UL_MAX_ARGS 32      /* operands of one gufunc                 */
#define UL_MAX_CORE 64      /* core dims over all operands together   */

typedef struct ul_sig {
    int nargs;                       /* nin + nout                      */
    int ndims;                       /* distinct dimension names        */
    int ncore[UL_MAX_ARGS];          /* core dims of each operand       */
    int offset[UL_MAX_ARGS];         /* start of operand i in dim_ix    */
    int dim_ix[UL_MAX_CORE];         /* distinct-dimension index        */
    ptrdiff_t frozen[UL_MAX_CORE];   /* per distinct dim: fixed size, or
                                        -1 for a named (free) dim       */
    unsigned char can_ignore[UL_MAX_CORE]; /* per distinct dim: written
                                        "n?" (numpy's UFUNC_CORE_DIM_CAN_IGNORE):
                                        an operand with too few dims drops
                                        it (matmul's (n?,k),(k,m?)->(n?,m?)) */
    int any_ignore;                  /* some dim has can_ignore         */
} ul_sig;

/* Parses `sig` for a gufunc with nin inputs and nout outputs. On error
 * returns UL_EBADSIG and writes a message naming the position, e.g.
 * "expected '->' at position 5 in \"(m,m)(m)\"", to err. */
int ul_sig_parse(const char *sig, int nin, int nout, ul_sig *out,
                 char *err, size_t errlen);

/* The parsed signature of a built-in table row, parsed once (ul_table.c);
 * NULL for any other row, whose signature the caller parses itself. */
const ul_sig *ul_table_sig(const ul_gufunc *g);

#endif
