/*
 * ul_fp.c - the floating-point status protocol. Loops follow numpy's
 * get_fp_invalid_and_clear / set_fp_invalid_or_clear; the driver saves the
 * caller's flags and puts them back. On x86-64 only MXCSR is read and
 * written: SSE/AVX code (ours and OpenBLAS's) sets no other status, and
 * <fenv.h> would also save and reload the x87 environment, which costs
 * ~150 ns a call (measured). Elsewhere <fenv.h> does the same job.
 */
#include "ul_impl.h"

/* Between ul_fp_save and ul_fp_restore (the driver and plans around a
 * loop call) the caller's flags are put back afterwards and failures come
 * from ul_loop_report, so the loop's own protocol is skipped: each MXCSR
 * write costs ~10 ns, several times a small call's own work. Per thread;
 * initial-exec: no __tls_get_addr call on the hot path. */
static _Thread_local int ul_fp_driven __attribute__((tls_model("initial-exec")));

#if defined(__x86_64__) && defined(__SSE2__)
#include <xmmintrin.h>

int ul_fp_invalid_and_clear(void)
{
    if (ul_fp_driven)
        return 0;
    unsigned csr = _mm_getcsr();
    if (csr & UL_MXCSR_TRACKED)
        _mm_setcsr(csr & ~UL_MXCSR_TRACKED);
    return (csr & _MM_EXCEPT_INVALID) != 0;
}

void ul_fp_set_invalid_or_clear(int invalid)
{
    /* only FE_INVALID (and FE_INEXACT: ul_impl.h) is ever left, as
     * numpy's LAPACK path leaves it: a kernel's divide-by-zero on an
     * exactly singular pivot, or OpenBLAS's spurious flags, must not
     * reach the caller as warnings */
    if (ul_fp_driven)
        return;
    unsigned csr = _mm_getcsr(), want = csr & ~UL_MXCSR_TRACKED;
    if (invalid)
        want |= _MM_EXCEPT_INVALID;
    if (want != csr)
        _mm_setcsr(want);
}


#else
#include <fenv.h>

int ul_fp_invalid_and_clear(void)
{
    if (ul_fp_driven)
        return 0;
    int invalid = fetestexcept(FE_INVALID) != 0;
    feclearexcept(UL_FE_TRACKED);
    return invalid;
}

void ul_fp_set_invalid_or_clear(int invalid)
{
    if (ul_fp_driven)
        return;
    feclearexcept(UL_FE_TRACKED);
    if (invalid)
        feraiseexcept(FE_INVALID);
}

#endif

void ul_fp_save(ul_fp_state *s)
{
    ul_fp_get_flags(s);
    ul_fp_driven = 1;
}

void ul_fp_restore(const ul_fp_state *s)
{
    ul_fp_driven = 0;
    ul_fp_put_flags(s);
}
