/*
 * ul_linearize_avx2.c - the copier's register tiles (ul_linearize.c's
 * transposing copy), compiled with the AVX2+FMA target's flags (the
 * Makefile's TARGET_FLAGS for *_avx2.c); run only when ul_cpu_avx2().
 */
#include "ul_impl.h"
#include <immintrin.h>
#include <string.h>

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
UL_HIDDEN ptrdiff_t ul_tcopy_avx(char *d, ptrdiff_t dl, const char *s,
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
                ul_copy_elem(d + k * dl + r * e, s + r * sl + k * e, es);
    }
    return ct;
}

