/*
 * ffi_test_util.h - small helpers for the tests of run-time gufuncs
 * (tests/c/test_ffi_*.c): a counting CHECK, operand builders and a
 * closing line "NAME: N checks passed". Header-only, test use only.
 */
#ifndef FFI_TEST_UTIL_H
#define FFI_TEST_UTIL_H

#include "umath_linalg.h"
#include <stdio.h>
#include <string.h>

static int ffi_checks, ffi_failures;

#define FCHECK(x)                                                        \
    do {                                                                 \
        ffi_checks++;                                                    \
        if (!(x)) {                                                      \
            ffi_failures++;                                              \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,       \
                    __LINE__, #x);                                       \
        }                                                                \
    } while (0)

/* Checks a status, printing both codes' descriptions when it differs. */
#define FCHECK_ST(got, want)                                             \
    do {                                                                 \
        int got_ = (got), want_ = (want);                                \
        ffi_checks++;                                                    \
        if (got_ != want_) {                                             \
            ffi_failures++;                                              \
            fprintf(stderr, "%s:%d: %s gave %d (%s), want %d (%s)\n",    \
                    __FILE__, __LINE__, #got, got_, ul_strerror(got_),   \
                    want_, ul_strerror(want_));                          \
        }                                                                \
    } while (0)

static inline ul_operand ffi_op(void *data, int type, int ndim,
                                const ptrdiff_t *shape,
                                const ptrdiff_t *strides)
{
    ul_operand o = { (char *)data, type, ndim, shape, strides };
    return o;
}

/* Prints the closing line and gives main's exit status. */
static inline int ffi_test_done(const char *name)
{
    if (ffi_failures) {
        printf("%s: %d of %d checks FAILED\n", name, ffi_failures,
               ffi_checks);
        return 1;
    }
    printf("%s: %d checks passed\n", name, ffi_checks);
    return 0;
}

#endif /* FFI_TEST_UTIL_H */
