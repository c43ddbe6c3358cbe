/*
 * Area: bridge/ul_ffi.c descriptions and the registry
 * Purpose: every bad description gives its status code and a message and
 *   registers nothing: NULL pointers, unknown type letters, wrong letter
 *   counts, arity mismatch, bad flags, bad signatures, value style with a
 *   non-scalar output core, taken names; release of unknown rows; names
 *   reusable after release.
 * Limitations: allocation failures are not injected.
 */
#include "ffi_test_util.h"

#include <math.h>

static double one(double x) { return x + 1; }

/* ul_ffi_gufunc_new must give `want`, leave *out NULL, register nothing
   and write a non-empty message. */
#define BAD(want, name, nin, nout, ntypes, fns, types, flags, sig)          \
    do {                                                                    \
        const ul_gufunc *g_ = (const ul_gufunc *)&g_;                       \
        char msg_[256] = "x";                                               \
        size_t count_ = ul_gufunc_count();                                  \
        FCHECK_ST(ul_ffi_gufunc_new(name, nin, nout, ntypes, fns, types,    \
                                    flags, sig, NULL, &g_, msg_,            \
                                    sizeof(msg_)), want);                   \
        FCHECK(g_ == NULL);                                                 \
        FCHECK(msg_[0] != '\0' && strcmp(msg_, "x"));                       \
        FCHECK(ul_gufunc_count() == count_);                                \
    } while (0)

int main(void)
{
    void *fn = (void *)one, *two[2] = { (void *)one, NULL };
    void *hy = (void *)hypot;
    const ul_gufunc *g = NULL;

    /* NULL pointers */
    BAD(UL_EINVAL, NULL, 1, 1, 1, &fn, "dd", 0, NULL);
    BAD(UL_EINVAL, "", 1, 1, 1, &fn, "dd", 0, NULL);
    BAD(UL_EINVAL, "e", 1, 1, 1, NULL, "dd", 0, NULL);
    BAD(UL_EINVAL, "e", 1, 1, 1, &fn, NULL, 0, NULL);
    BAD(UL_EINVAL, "e", 1, 1, 2, two, "dddd", 0, NULL);
    FCHECK_ST(ul_ffi_gufunc_new("e", 1, 1, 1, &fn, "dd", 0, NULL, NULL,
                                NULL, NULL, 0), UL_EINVAL);
    /* unknown type letters, wrong counts */
    BAD(UL_EBADTYPE, "e", 1, 1, 1, &fn, "dx", 0, NULL);
    BAD(UL_EBADTYPE, "e", 1, 1, 1, &fn, "l?", 0, NULL);
    BAD(UL_EBADTYPE, "e", 1, 1, 1, &fn, "d", 0, NULL);
    BAD(UL_EBADTYPE, "e", 1, 1, 1, &fn, "ddd", 0, NULL);
    BAD(UL_EBADTYPE, "e", 1, 1, 2, two, "dd", 0, NULL);
    /* arity */
    BAD(UL_EINVAL, "e", 1, 2, 1, &fn, "ddd", 0, NULL);
    BAD(UL_EINVAL, "e", 1, 0, 1, &fn, "d", UL_FFI_STACK_INPUTS, NULL);
    BAD(UL_EINVAL, "e", -1, 1, 1, &fn, "d", 0, NULL);
    BAD(UL_EINVAL, "e", 30, 3, 1, &fn, "d", UL_FFI_STACK_INPUTS, NULL);
    BAD(UL_EINVAL, "e", 1, 1, 0, &fn, "", 0, NULL);
    BAD(UL_EINVAL, "e", 1, 1, 1, &fn, "dd", 8, NULL);
    /* signatures */
    BAD(UL_EBADSIG, "e", 1, 1, 1, &fn, "dd", 0, "(n)->(");
    BAD(UL_EBADSIG, "e", 1, 1, 1, &fn, "dd", 0, "(n),(n)->()");
    BAD(UL_EBADSIG, "e", 1, 1, 1, &fn, "dd", 0, "(n)(n)->()");
    BAD(UL_EINVAL, "e", 1, 1, 1, &fn, "dd", 0, "(n)->(n)");
    /* taken names: a built-in, then a registered one */
    BAD(UL_EBUSY, "inv", 1, 1, 1, &fn, "dd", 0, NULL);
    FCHECK_ST(ul_ffi_gufunc_new("e", 1, 1, 1, &fn, "dd", 0, NULL, NULL, &g,
                                NULL, 0), UL_OK);
    FCHECK(g && ul_gufunc_find("e") == g);
    BAD(UL_EBUSY, "e", 2, 1, 1, &hy, "ddd", 0, NULL);
    /* release: unknown rows */
    FCHECK_ST(ul_ffi_gufunc_release(NULL), UL_ENOTFOUND);
    FCHECK_ST(ul_ffi_gufunc_release(ul_gufunc_find("inv")), UL_ENOTFOUND);
    FCHECK(ul_gufunc_find("inv") != NULL);
    FCHECK(ul_ffi_gufunc_is_direct(ul_gufunc_find("inv"), 0) == -1);
    FCHECK(ul_ffi_gufunc_is_direct(NULL, 0) == -1);
    FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    FCHECK(ul_gufunc_find("e") == NULL);
    FCHECK_ST(ul_ffi_gufunc_release(g), UL_ENOTFOUND);
    /* the name is free again; a message buffer is cleared on success */
    char msg[64] = "stale";
    FCHECK_ST(ul_ffi_gufunc_new("e", 2, 1, 1, &hy, "ddd", 0, "", NULL, &g,
                                msg, sizeof(msg)), UL_OK);
    FCHECK(msg[0] == '\0');
    FCHECK(g && !strcmp(g->signature, "(),()->()"));
    FCHECK_ST(ul_ffi_gufunc_release(g), UL_OK);
    /* a zero-input function is refused */
    BAD(UL_EINVAL, "e0", 0, 1, 1, &fn, "d", 0, NULL);
    return ffi_test_done("test_ffi_errors");
}
