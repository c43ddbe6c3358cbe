/*
 * ul_ffi.h - private: the descriptors behind run-time gufuncs made from
 * scalar C functions (ul_ffi_gufunc_new, bridge/ul_ffi.c). Never installed.
 *
 * One ul_ffi_handle per registered row. It owns every string and array the
 * row points to, and one ul_ffi_fn per type row: the loop's `data` pointer.
 * The libffi cif of each ul_ffi_fn is prepared once, at creation, and only
 * read afterwards, so loops may run concurrently in any number of threads.
 */
#ifndef UL_FFI_H
#define UL_FFI_H

#include "ul_impl.h"
#include <ffi.h>
#include <stdatomic.h>

/* Operand limit (numpy 1.24's NPY_MAXARGS) and limit on distinct core
   dimensions; libffi gets at most their sum of arguments. */
#define UL_FFI_MAXARGS 32
#define UL_FFI_MAXDIMS 32

struct ul_ffi_handle;

/* One loop: one function with one row of types. */
typedef struct ul_ffi_fn {
    struct ul_ffi_handle *owner;
    void (*fn)(void);              /* the user's function                  */
    ffi_cif cif;                   /* prepared once                        */
    ffi_type *atypes[UL_FFI_MAXARGS + UL_FFI_MAXDIMS];
    char codes[UL_FFI_MAXARGS];    /* type letters, inputs then outputs    */
    size_t elsize[UL_FFI_MAXARGS]; /* bytes per element of each operand    */
    int direct;                    /* 1: a direct-call fast path is used   */
    int rc_slot[UL_FFI_MAXARGS];   /* register-class calls: the register
                                      (integer or SSE index) of each
                                      argument (ul_ffi_regcall.c)          */
} ul_ffi_fn;

/* One registered row and everything it points to. `g` comes first, so the
   handle's address is the row's address. */
typedef struct ul_ffi_handle {
    ul_gufunc g;                   /* the row handed out                   */
    atomic_long busy;              /* loops of this row running now        */
    struct ul_ffi_handle *next;    /* list of live handles                 */
    int nin, nout, nargs, ntypes;
    int stack_inputs;              /* UL_FFI_STACK_INPUTS style            */
    /* core layout, when the row has a signature (has_core) */
    int has_core;
    int ndims;                     /* distinct core dimension names        */
    int core_nd[UL_FFI_MAXARGS];   /* core dims of each operand            */
    int core_off[UL_FFI_MAXARGS];  /* first entry of operand i in core_ix,
                                      also its first core step index      */
    int core_ix[UL_FFI_MAXARGS * UL_FFI_MAXDIMS]; /* dim name index of
                                      each core dim, operand by operand   */
    char *name, *signature, *doc;  /* owned copies                        */
    char *types;                   /* ntypes*nargs numpy type numbers     */
    ul_loop *funcs;                /* ntypes loops                        */
    void **data;                   /* ntypes pointers to fns[k]           */
    ul_ffi_fn *fns;                /* ntypes descriptors                  */
} ul_ffi_handle;

/* Busy counting: every loop of a row holds its handle busy while it runs
   (ul_ffi_gufunc_release refuses with UL_EBUSY meanwhile). */
static inline void ul_ffi_enter(const ul_ffi_fn *f)
{
    atomic_fetch_add(&f->owner->busy, 1);
}

static inline void ul_ffi_leave(const ul_ffi_fn *f)
{
    atomic_fetch_sub(&f->owner->busy, 1);
}

/* The loops (ul_ffi_loop.c): through libffi element by element, the typed
   direct loop for a row's codes (NULL when none fits), and the core-block
   loop of rows with a signature; data is the ul_ffi_fn. */
UL_HIDDEN void ul_ffi_elem_loop(char **args, const ptrdiff_t *dimensions,
                                const ptrdiff_t *steps, void *data);
UL_HIDDEN ul_loop ul_ffi_direct_loop(const ul_ffi_handle *h, const char *codes);
UL_HIDDEN void ul_ffi_core_loop(char **args, const ptrdiff_t *dimensions,
                                const ptrdiff_t *steps, void *data);

/* Register-class direct calls (ul_ffi_regcall.c): for element-wise rows,
   plan f's registers once (0: not possible on this target or for this
   signature, keep libffi); the loop then calls f without ffi_call. */
UL_HIDDEN int ul_ffi_regcall_plan(ul_ffi_fn *f, int nin, int nargs,
                                  int stack_inputs);
UL_HIDDEN void ul_ffi_regcall_loop(char **args, const ptrdiff_t *dimensions,
                                   const ptrdiff_t *steps, void *data);

#endif /* UL_FFI_H */
