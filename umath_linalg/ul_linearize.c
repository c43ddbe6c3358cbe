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
#if defined(__x86_64__)
#include <immintrin.h>
#pragma GCC push_options
#pragma GCC target("avx")
/* es == 8: 4 rows of 4 in, 4 columns of 4 out */
static void ul_tile8(char *d, ptrdiff_t dl, const char *s, ptrdiff_t sl)
{
    __m256d r0 = _mm256_loadu_pd((const double *)s);
    __m256d r1 = _mm256_loadu_pd((const double *)(s + sl));
    __m256d r2 = _mm256_loadu_pd((const double *)(s + 2 * sl));
    __m256d r3 = _mm256_loadu_pd((const double *)(s + 3 * sl));
    __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
    __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
    _mm256_storeu_pd((double *)d, _mm256_permute2f128_pd(t0, t2, 0x20));
    _mm256_storeu_pd((double *)(d + dl), _mm256_permute2f128_pd(t1, t3, 0x20));
    _mm256_storeu_pd((double *)(d + 2 * dl), _mm256_permute2f128_pd(t0, t2, 0x31));
    _mm256_storeu_pd((double *)(d + 3 * dl), _mm256_permute2f128_pd(t1, t3, 0x31));
}

/* es == 16: 2 rows of 2 in, 2 columns of 2 out */
static void ul_tile16(char *d, ptrdiff_t dl, const char *s, ptrdiff_t sl)
{
    __m256d r0 = _mm256_loadu_pd((const double *)s);
    __m256d r1 = _mm256_loadu_pd((const double *)(s + sl));
    _mm256_storeu_pd((double *)d, _mm256_permute2f128_pd(r0, r1, 0x20));
    _mm256_storeu_pd((double *)(d + dl), _mm256_permute2f128_pd(r0, r1, 0x31));
}

/* Whole tiles along q (columns of dst), all rows r in each: dst is written
 * as t sequential streams. Returns the number of columns q done. */
static ptrdiff_t ul_tcopy_avx(char *d, ptrdiff_t dl, const char *s,
                              ptrdiff_t sl, ptrdiff_t m, ptrdiff_t c,
                              size_t es)
{
    const ptrdiff_t t = es == 8 ? 4 : 2, e = (ptrdiff_t)es;
    const ptrdiff_t mt = m - m % t, ct = c - c % t;
    for (ptrdiff_t q = 0; q < ct; q += t) {
        ptrdiff_t r = 0;
        for (; r < mt; r += t) {
            if (es == 8)
                ul_tile8(d + q * dl + r * e, dl, s + r * sl + q * e, sl);
            else
                ul_tile16(d + q * dl + r * e, dl, s + r * sl + q * e, sl);
        }
        for (; r < m; r++)
            for (ptrdiff_t k = q; k < q + t; k++)
                memcpy(d + k * dl + r * e, s + r * sl + k * e, es);
    }
    return ct;
}
#pragma GCC pop_options
#endif

static void ul_tcopy(char *d, ptrdiff_t dl, const char *s, ptrdiff_t sl,
                     ptrdiff_t m, ptrdiff_t c, size_t es)
{
    ptrdiff_t q0 = 0;
#if defined(__x86_64__)
    /* tiles pay from 4 x 4 on; the CPU choice is ul_small.c's (UL_CPU) */
    if ((es == 8 || es == 16) && m >= 4 && c >= 4 && ul_cpu_avx2())
        q0 = ul_tcopy_avx(d, dl, s, sl, m, c, es);
#endif
    for (ptrdiff_t q = q0; q < c; q++)
        for (ptrdiff_t r = 0; r < m; r++)
            memcpy(d + q * dl + r * (ptrdiff_t)es, s + r * sl + q * (ptrdiff_t)es, es);
}

#define UL_TEMPLATE "ul_linearize.tmpl.h"
#include "ul_instantiate.h"
