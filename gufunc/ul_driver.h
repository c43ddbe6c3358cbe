/*
 * ul_driver.h - what the driver's two halves share (not installed):
 * ul_validate.c checks a call and binds it (-> bound), ul_driver.c
 * prepares, executes and keeps plans.
 */
#ifndef UL_DRIVER_H
#define UL_DRIVER_H
#include "ul_impl.h"
#include "ul_sig.h"

#define UL_MAX_NDIM 64     /* dimensions of one operand */

/* What validation binds: signature, loop, sizes, broadcast shape. */
typedef struct bound {
    const ul_sig *sig;               /* the table's cache, or &parsed    */
    ul_sig parsed;
    int loop;                        /* chosen row of the table         */
    int nouter;                      /* broadcast outer ndim            */
    ptrdiff_t outer[UL_MAX_NDIM];    /* broadcast outer shape           */
    ptrdiff_t outer_size;            /* product of outer                */
    ptrdiff_t size[UL_MAX_CORE];     /* per distinct core dim, -1 unset */
    int ncore[UL_MAX_ARGS];          /* core dims of each operand in its
                                        shape (sig's minus missing ones) */
    unsigned char missing[UL_MAX_CORE]; /* per distinct dim: dropped ('?') */
    uint32_t nonempty;               /* bit i: operand i has elements, so
                                        its data must not be NULL      */
} bound;

/* Sets info's status, operand and "name: message" (info may be NULL);
 * returns status. */
UL_HIDDEN int ul_fail(ul_call_info *info, const ul_gufunc *g, int status,
                      int operand, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
UL_HIDDEN void ul_info_reset(ul_call_info *info);
/* Bytes of one element of a type number; 0 when unknown to the driver. */
UL_HIDDEN size_t ul_type_size(int type);
/* Every check of a call; on UL_OK, p holds what it bound. */
UL_HIDDEN int ul_validate(const ul_gufunc *g, int nops, const ul_operand *ops,
                          bound *p, ul_call_info *info);
/* Operands from the bindings' flat arrays (data may be NULL). */
UL_HIDDEN int ul_flat_ops(const ul_gufunc *g, int nops, char *const *data,
                          const int *types, const int *ndims,
                          const ptrdiff_t *shapes, const ptrdiff_t *strides,
                          ul_operand *ops, ul_call_info *info);

#endif /* UL_DRIVER_H */
