/*
 * ul_simd.h - the vector layer of the small kernels for one real dtype
 * (UL_CH, from ul_types.h) on one CPU target (UL_TARGET: sse2, avx2 or
 * avx512, set by the target's translation unit, compiled with that
 * target's flags). The avx512 target sets UL_TARGET_IS_avx2 too: the same
 * 256-bit vectors and code, compiled with AVX-512VL (32 vector registers,
 * mask registers; 512-bit vectors measured slower, ul_small_chol_avx512.c).
 * Included by ul_kern.tmpl.h; ul_simd_undef.h takes it back.
 *
 *   KV        lanes: matrices worked on at once (sse2 2 doubles / 4
 *             floats, avx2 4 / 8)
 *   VT, VI    the vector of KV elements and of same-width integers
 *   KS(x)     the instance's name for x: KS(gather) is gather_d_avx2 ...
 *   KTR       in-register KTR x KTR transpose (float64 only; KTR == KV)
 *   KMAX, KMOVMSK, KBLENDV   max, lane sign bits, blend (avx2 only)
 *   KS(get), KS(put), KS(vu) the only access to caller memory: any byte
 *             address (umath_linalg.h), one plain load or store each
 */
#include <immintrin.h>

#define KS_(x, ch, target) x##_##ch##_##target
#define KS__(x, ch, target) KS_(x, ch, target)
#define KS(x) KS__(x, UL_CH, UL_TARGET)
#define VT KS(vt)
#define VI KS(vi)

#if UL_TARGET_IS_avx2 && UL_CH_IS_d
#  define KV 4
#  define KTR 4
#  define KBLENDV(b, a, m) _mm256_blendv_pd(b, a, (__m256d)(m))
#  define KMOVMSK(m) _mm256_movemask_pd((__m256d)(m))
#  define KMAX(a, b) _mm256_max_pd(a, b)
#elif UL_TARGET_IS_avx2 && UL_CH_IS_s
#  define KV 8
#  define KBLENDV(b, a, m) _mm256_blendv_ps(b, a, (__m256)(m))
#  define KMOVMSK(m) _mm256_movemask_ps((__m256)(m))
#  define KMAX(a, b) _mm256_max_ps(a, b)
#elif UL_TARGET_IS_sse2 && UL_CH_IS_d
#  define KV 2
#  define KTR 2
#  define KMOVMSK(m) _mm_movemask_pd((__m128d)(m))
#  define KMAX(a, b) _mm_max_pd(a, b)
#elif UL_TARGET_IS_sse2 && UL_CH_IS_s
#  define KV 4
#  define KMOVMSK(m) _mm_movemask_ps((__m128)(m))
#  define KMAX(a, b) _mm_max_ps(a, b)
#else
#  error "ul_simd.h: unknown target or dtype"
#endif

typedef UL_T VT __attribute__((vector_size(KV * sizeof(UL_T))));
typedef UL_I VI __attribute__((vector_size(KV * sizeof(UL_T))));

#define KALWAYS static inline __attribute__((always_inline))

/* x in every lane: a shuffle of lane 0, not (VT){0} + x, which costs an
 * add and turns -0.0 into +0.0 */
#if KV == 2
#  define KLANES0 0, 0
#elif KV == 4
#  define KLANES0 0, 0, 0, 0
#else
#  define KLANES0 0, 0, 0, 0, 0, 0, 0, 0
#endif
KALWAYS VT KS(splat)(UL_T x)
{
    const VT v = { x };
    return __builtin_shufflevector(v, v, KLANES0);     /* gcc >= 12, clang */
}
#undef KLANES0
/* m ? a : b, m all-ones or zero per lane */
#ifdef KBLENDV
KALWAYS VT KS(sel)(VI m, VT a, VT b) { return KBLENDV(b, a, m); }
#else
KALWAYS VT KS(sel)(VI m, VT a, VT b) { return (VT)((m & (VI)a) | (~m & (VI)b)); }
#endif
/* x as it is, rounded: the compiler may not fuse the product that made it
 * into a following add (where two single steps store it in between) */
KALWAYS VT KS(rounded)(VT x)
{
    __asm__("" : "+x"(x));
    return x;
}
/* |x| by clearing the sign bit (one and; NaN stays NaN) */
KALWAYS VT KS(vabs)(VT x)
{
    const VI nosign = (VI){0} + (UL_I)(~0ull >> (65 - 8 * sizeof(UL_T)));
    return (VT)((VI)x & nosign);
}
/* Lanes where sum (of |a_ij|) is Inf or NaN: some entry is not finite,
 * or (harmlessly: LAPACK then takes the lane) the sum overflowed. */
KALWAYS VI KS(notfinite)(VT sum)
{
    return ~(sum <= KS(splat)(UL_BIG));
}
/* all-ones in lane l only (a compare, so it stays in registers) */
KALWAYS VI KS(lanemask)(int l)
{
    VI iota, ll;
    _Pragma("GCC unroll 16")
    for (int i = 0; i < KV; i++) {
        iota[i] = i;
        ll[i] = l;
    }
    return iota == ll;
}

/* ---- gather / scatter --------------------------------------------------- */

/* Caller memory may sit at any byte address (umath_linalg.h): it is read
 * and written only through these, one plain load or store each on x86-64
 * (memcpy of a fixed size, and a vector type of alignment 1). */
typedef UL_T KS(vu) __attribute__((vector_size(KV * sizeof(UL_T)), aligned(1)));
/* two elements moved as one: the permuted copies out (ul_kern.tmpl.h) */
typedef UL_T KS(v2u) __attribute__((vector_size(2 * sizeof(UL_T)), aligned(1)));
KALWAYS UL_T KS(get)(const char *p)
{
    UL_T x;
    memcpy(&x, p, sizeof x);
    return x;
}
KALWAYS void KS(put)(char *p, UL_T x)
{
    memcpy(p, &x, sizeof x);
}

/* KTR x KTR in-register transpose (KTR == KV, float64 only): rows of KV
 * matrices <-> compact vectors. */
#ifdef KTR
KALWAYS void KS(transpose)(VT *v)
{
#if KTR == 4
    VT t0 = __builtin_shufflevector(v[0], v[1], 0, 4, 2, 6);
    VT t1 = __builtin_shufflevector(v[0], v[1], 1, 5, 3, 7);
    VT t2 = __builtin_shufflevector(v[2], v[3], 0, 4, 2, 6);
    VT t3 = __builtin_shufflevector(v[2], v[3], 1, 5, 3, 7);
    v[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
    v[1] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
    v[2] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
    v[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
#else
    VT t0 = __builtin_shufflevector(v[0], v[1], 0, 2);
    v[1] = __builtin_shufflevector(v[0], v[1], 1, 3);
    v[0] = t0;
#endif
}

/* The first r <= KV elements at p with zeros after, and the store of the
 * first r elements of v: element moves, which the compiler merges into
 * vector ones (and never reads or writes past the r elements). */
KALWAYS VT KS(load_part)(const char *p, int r)
{
    VT v = KS(splat)(0);
    _Pragma("GCC unroll 16")
    for (int q = 0; q < KV; q++)
        if (q < r) {
            UL_T x;
            memcpy(&x, p + q * (ptrdiff_t)sizeof(UL_T), sizeof(UL_T));
            v[q] = x;
        }
    return v;
}

KALWAYS void KS(store_part)(char *p, VT v, int r)
{
    _Pragma("GCC unroll 16")
    for (int q = 0; q < KV; q++)
        if (q < r) {
            UL_T x = v[q];
            memcpy(p + q * (ptrdiff_t)sizeof(UL_T), &x, sizeof(UL_T));
        }
}

/* Row pieces of KV matrices (src + l * step, r <= KV elements each) into
 * v[q] = element q of every lane, through the in-register transpose; and
 * the way back, v[q] for q < r out to dst + l * step. */
KALWAYS void KS(load_rows)(VT *v, const char *src, ptrdiff_t step, int r)
{
    _Pragma("GCC unroll 16")
    for (int l = 0; l < KV; l++) {
        const char *p = src + l * step;
        v[l] = r == KV ? *(const KS(vu) *)p : KS(load_part)(p, r);
    }
    KS(transpose)(v);
}

KALWAYS void KS(store_rows)(VT *v, char *dst, ptrdiff_t step, int r)
{
    KS(transpose)(v);
    _Pragma("GCC unroll 16")
    for (int l = 0; l < KV; l++) {
        char *p = dst + l * step;
        if (r == KV)
            *(KS(vu) *)p = v[l];
        else
            KS(store_part)(p, v[l], r);
    }
}
#endif
