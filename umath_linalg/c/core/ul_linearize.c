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

/* Whole 4x4 (8-byte) / 2x2 (16-byte) tiles of the transposing copy below,
 * through AVX registers; returns the columns done. */
UL_HIDDEN ptrdiff_t ul_tcopy_avx(char *d, ptrdiff_t dl, const char *s,
                                 ptrdiff_t sl, ptrdiff_t m, ptrdiff_t c,
                                 size_t es);
static int ul_copy_check(ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld,
                         const void *dst, const void *src)
{
    if (rows < 0 || cols < 0 || ld < rows)
        return UL_EINVAL;
    if (rows == 0 || cols == 0)
        return UL_OK;
    return dst == NULL || src == NULL ? UL_EINVAL : UL_CONTINUE;
}

/* ---- transposing copy ----------------------------------------------------
 * dst(q, r) = src(r, q) for r < m, q < c, with elements of es bytes
 * contiguous along q in src and along r in dst:
 *     dst + q * dl + r * es  <-  src + r * sl + q * es.
 * This is linearize from a C-ordered matrix and delinearize into one, the
 * common case. Element by element it walks one side down a column (a new
 * cache line per element; from a big stack 3-4x slower than memcpy), so
 * square tiles are moved through registers instead: 4x4 for 8-byte
 * elements (double, complex float), 2x2 for 16-byte ones, with AVX. Edges,
 * 4-byte elements and CPUs without AVX take the element loop; a bit copy
 * either way, so the result does not depend on the path. */
static void ul_tcopy(char *d, ptrdiff_t dl, const char *s, ptrdiff_t sl,
                     ptrdiff_t m, ptrdiff_t c, size_t es)
{
    ptrdiff_t q0 = 0;
#if defined(__x86_64__)
    /* tiles pay from 4 x 4 on; the CPU choice is ul_small.c's (UL_CPU);
     * they live in ul_linearize_avx2.c, built for that target */
    if ((es == 8 || es == 16) && m >= 4 && c >= 4 && ul_cpu_avx2())
        q0 = ul_tcopy_avx(d, dl, s, sl, m, c, es);
#endif
    for (ptrdiff_t q = q0; q < c; q++)
        for (ptrdiff_t r = 0; r < m; r++)
            ul_copy_elem(d + q * dl + r * (ptrdiff_t)es, s + r * sl + q * (ptrdiff_t)es, es);
}

#define UL_TEMPLATE "ul_linearize.tmpl.h"
#include "ul_instantiate.h"
