/*
 * ul_kern_mm.tmpl.h - matmul's small kernels, C = A B with A n x k and B
 * k x m (1 <= n, k, m <= UL_SMALL_MAX), for one real dtype and target
 * (included by ul_kern.tmpl.h; the entry is KS(ul_small_matmul) there).
 *
 * Two kernels (KS(ul_small_matmul) chooses, by measurement):
 * - across the stack (KS(mm_stack)): KV products at once in the compact
 *   layout of ul_kern_stack.tmpl.h (element (i, j) of the KV matrices is
 *   one vector), gathered with KS(gather), multiplied with whole-vector
 *   multiply-adds, scattered back (KS(mm_scatter)); every matrix of a
 *   group is read before any is written. For strided rows and products
 *   narrower than a vector (m < KV).
 * - by rows (KS(mm_one)): one product at a time, a row of C as vectors
 *   along m, C(i,:) = sum_p a_ip B(p,:). For fewer products than lanes,
 *   and stacks whose rows of B and C are contiguous.
 * Both sum over p in order, as the plain loop of ul_matmul.tmpl.h does.
 */

/* The compact C (n x m, row length m) out to nl <= KV matrices at dst,
 * one every `step` bytes (the way back of KS(gather)). */
KALWAYS void KS(mm_scatter)(const VT *restrict C, int n, int m, char *dst,
    ptrdiff_t step, ptrdiff_t rs, ptrdiff_t cs, int nl)
{
    if (nl == KV) {
#ifdef KTR
        if (cs == (ptrdiff_t)sizeof(UL_T)) {    /* row pieces, transposed */
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j += KV) {
                    const int r = m - j < KV ? m - j : KV;
                    VT v[KV];
                    _Pragma("GCC unroll 16")
                    for (int q = 0; q < KV; q++)
                        v[q] = q < r ? C[i * m + j + q] : KS(splat)(0);
                    KS(store_rows)(v, dst + i * rs + j * cs, step, r);
                }
            return;
        }
#endif
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) {
                VT v = C[i * m + j];
                char *d = dst + i * rs + j * cs;
                _Pragma("GCC unroll 16")
                for (int l = 0; l < KV; l++)
                    KS(put)(d + l * step, v[l]);
            }
        return;
    }
    const UL_T *c = (const UL_T *)C;
    for (int l = 0; l < nl; l++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                KS(put)(dst + l * step + i * rs + j * cs, c[(i * m + j) * KV + l]);
}

/* A whole stack call, KV products at a time. */
KALWAYS void KS(mm_stack)(const int n, const int k, const int m, char **args,
                          const ptrdiff_t *dims, const ptrdiff_t *steps)
{
    const ptrdiff_t N = dims[0], sa = steps[0], sb = steps[1], sc = steps[2];
    KSCRATCH(A, UL_SMALL_MAX * UL_SMALL_MAX);
    KSCRATCH(B, UL_SMALL_MAX * UL_SMALL_MAX);
    KSCRATCH(C, UL_SMALL_MAX * UL_SMALL_MAX);
    for (ptrdiff_t s = 0; s < N; s += KV) {
        const int nl = N - s < KV ? (int)(N - s) : KV;
        KS(gather)(A, n, k, k, 0, args[0] + s * sa, sa, steps[3], steps[4], nl);
        KS(gather)(B, k, m, m, 0, args[1] + s * sb, sb, steps[5], steps[6], nl);
        /* a row of C at most 8 vectors at a time in registers: each a_ip
         * loaded once per piece, B's vectors straight from memory */
        for (int i = 0; i < n; i++)
            for (int j0 = 0; j0 < m; j0 += 8) {
                const int jn = m - j0 < 8 ? m - j0 : 8;
                VT acc[8];
                _Pragma("GCC unroll 8")
                for (int q = 0; q < 8; q++)
                    acc[q] = KS(splat)(0);
                for (int p = 0; p < k; p++) {
                    const VT x = A[i * k + p];
                    _Pragma("GCC unroll 8")
                    for (int q = 0; q < 8; q++)
                        if (q < jn)
                            acc[q] += x * B[p * m + j0 + q];
                }
                _Pragma("GCC unroll 8")
                for (int q = 0; q < 8; q++)
                    if (q < jn)
                        C[i * m + j0 + q] = acc[q];
            }
        KS(mm_scatter)(C, n, m, args[2] + s * sc, sc, steps[7], steps[8], nl);
    }
}

/* r <= KV elements `st` bytes apart as one vector (zeros after), and the
 * store of the first r: whole-vector moves when they are adjacent. */
KALWAYS VT KS(mm_ld)(const char *p, ptrdiff_t st, int r)
{
    if (r == KV && st == (ptrdiff_t)sizeof(UL_T))
        return *(const KS(vu) *)p;
    VT v = KS(splat)(0);
    _Pragma("GCC unroll 16")
    for (int q = 0; q < KV; q++)
        if (q < r)
            v[q] = KS(get)(p + q * st);
    return v;
}

KALWAYS void KS(mm_st)(char *p, ptrdiff_t st, VT v, int r)
{
    if (r == KV && st == (ptrdiff_t)sizeof(UL_T)) {
        *(KS(vu) *)p = v;
        return;
    }
    _Pragma("GCC unroll 16")
    for (int q = 0; q < KV; q++)
        if (q < r)
            KS(put)(p + q * st, v[q]);
}

#define KMV ((UL_SMALL_MAX + KV - 1) / KV)       /* vectors per row of C */
#define KRB 4                                   /* rows of C at once */
#define KH (KV / 2)

/* The columns of C and B in vector v (of nv) start at KS(mm_col): the
 * last of a row that is no whole number of vectors (and no half tail)
 * ends at the row's end and overlaps the one before, whose shared columns
 * it computes again, in the same order to the same bits: whole-vector
 * loads and stores, none past the row. Rows narrower than a vector
 * (m < KV: single products only) have one vector of m elements. */
KALWAYS int KS(mm_col)(int v, int nv, int ht, int m)
{
    return v + 1 == nv && !ht && m > KV ? m - KV : v * KV;
}

/* B's vector v of row p (at bp): the last one lo bytes in, the others
 * v KV elements (lo: B's own layout, or a copy's of whole vectors) */
KALWAYS VT KS(mm_bv)(const char *bp, int v, int nv, ptrdiff_t lo)
{
    return *(const KS(vu) *)(bp + (v + 1 == nv ? lo : v * KV * (ptrdiff_t)sizeof(UL_T)));
}

/* Half-vector tails: when m = nv KV + KH (10 on AVX2 float64), the last
 * KH columns of two rows share one vector, so no lane is idle:
 * KS(mm_dup) loads B's KH tail elements at p into both halves (one
 * broadcast load), KS(mm_pair) takes x's low half and y's high half. */
KALWAYS VT KS(mm_dup)(const char *p)
{
#if KV == 2
    return KS(splat)(KS(get)(p));
#elif UL_TARGET_IS_avx2  /* vbroadcastf128, a load: gcc made the shuffle a vpermpd */
#  if UL_CH_IS_d
    return _mm256_broadcast_pd((const __m128d *)(const void *)p);
#  else
    return _mm256_broadcast_ps((const __m128 *)(const void *)p);
#  endif
#else
    typedef UL_T half __attribute__((vector_size(KH * sizeof(UL_T)), aligned(1)));
    const half h = *(const half *)p;
#  if KV == 4
    return __builtin_shufflevector(h, h, 0, 1, 0, 1);
#  else
    return __builtin_shufflevector(h, h, 0, 1, 2, 3, 0, 1, 2, 3);
#  endif
#endif
}
KALWAYS VT KS(mm_pair)(VT x, VT y)
{   /* literal lanes: an immediate blend (a blendv kept its mask in a
     * register, and 10x10's 4-row block then spilled an accumulator) */
#if KV == 2
    return __builtin_shufflevector(x, y, 0, 3);
#elif KV == 4
    return __builtin_shufflevector(x, y, 0, 1, 6, 7);
#else
    return __builtin_shufflevector(x, y, 0, 1, 2, 3, 12, 13, 14, 15);
#endif
}

/* The low (hi = 0) or high half of v out to p, elements st bytes apart
 * (one store when they are adjacent) */
KALWAYS void KS(mm_st_half)(char *p, ptrdiff_t st, VT v, int hi)
{
#if KV > 2
    if (st == (ptrdiff_t)sizeof(UL_T)) {
        typedef UL_T half __attribute__((vector_size(KH * sizeof(UL_T)), aligned(1)));
#  if KV == 4
        *(half *)p = hi ? __builtin_shufflevector(v, v, 2, 3) : __builtin_shufflevector(v, v, 0, 1);
#  else
        *(half *)p = hi ? __builtin_shufflevector(v, v, 4, 5, 6, 7)
                        : __builtin_shufflevector(v, v, 0, 1, 2, 3);
#  endif
        return;
    }
#endif
    _Pragma("GCC unroll 4")
    for (int q = 0; q < KH; q++)
        KS(put)(p + q * st, v[hi * KH + q]);
}

/* R <= KRB rows of C (at a, c) from B's rows (row p at b + p bs, read
 * by KS(mm_bv) and KS(mm_dup)): R * nv accumulators in registers, with
 * ht the half tails of row pairs. Every vector of B is loaded once for
 * the R rows and held in a register (KS(rounded): left to itself, gcc
 * reads it again as a memory operand of every multiply-add, and the
 * loads bound), in one of two orders that keep all in the 16 registers
 * without spills:
 * - R nv > 8 (3 x 3, 3 x 4): the R broadcasts of A, then B a vector at
 *   a time (12 accumulators + 3 + 1);
 * - else B's row p (nv vectors and the tail), then a row at a time. */
KALWAYS void KS(mm_rows)(const int R, const int nv, const int ht, const int k,
    const int m, const char *a, ptrdiff_t an, ptrdiff_t ak, const char *b,
    ptrdiff_t bs, ptrdiff_t lo, char *c, ptrdiff_t cn, ptrdiff_t cm)
{
    const ptrdiff_t es = (ptrdiff_t)sizeof(UL_T);
    VT acc[KRB][KMV], tail[KRB / 2];
    _Pragma("GCC unroll 4")
    for (int r = 0; r < KRB; r++)      /* all: no maybe-uninitialized */
        _Pragma("GCC unroll 8")
        for (int v = 0; v < KMV; v++)
            acc[r][v] = KS(splat)(0);
    _Pragma("GCC unroll 2")
    for (int r = 0; r < KRB / 2; r++)
        tail[r] = KS(splat)(0);
    for (int p = 0; p < k; p++) {
        const char *bp = b + p * bs;
        VT x[KRB], y[KMV];
        if (R * nv > 8 && !ht) {
            _Pragma("GCC unroll 4")
            for (int r = 0; r < KRB; r++)
                x[r] = r < R ? KS(splat)(KS(get)(a + r * an + p * ak)) : KS(splat)(0);
            _Pragma("GCC unroll 8")
            for (int v = 0; v < nv; v++) {
                const VT yv = KS(rounded)(KS(mm_bv)(bp, v, nv, lo));
                _Pragma("GCC unroll 4")
                for (int r = 0; r < R; r++)
                    acc[r][v] += x[r] * yv;
            }
        } else {
            _Pragma("GCC unroll 8")
            for (int v = 0; v < KMV; v++) {     /* all: no maybe-uninitialized */
                y[v] = v < nv ? KS(mm_bv)(bp, v, nv, lo) : KS(splat)(0);
                if (R > 1)
                    y[v] = KS(rounded)(y[v]);
            }
            const VT t = ht ? KS(mm_dup)(bp + nv * KV * es) : KS(splat)(0);
            _Pragma("GCC unroll 4")
            for (int r = 0; r < R; r++) {
                /* in a register: else gcc builds the pairs below from
                 * scalars with three shuffles, on the FMA pipes */
                x[r] = KS(rounded)(KS(splat)(KS(get)(a + r * an + p * ak)));
                _Pragma("GCC unroll 8")
                for (int v = 0; v < nv; v++)
                    acc[r][v] += x[r] * y[v];
                if (ht && (r & 1))
                    tail[r / 2] += KS(mm_pair)(x[r - 1], x[r]) * t;
                else if (ht && r + 1 == R)
                    tail[r / 2] += x[r] * t;
            }
        }
    }
    _Pragma("GCC unroll 4")
    for (int r = 0; r < R; r++)
        _Pragma("GCC unroll 8")
        for (int v = 0; v < nv; v++)    /* in order: overlaps last */
            KS(mm_st)(c + r * cn + KS(mm_col)(v, nv, ht, m) * cm, cm, acc[r][v],
                      m < KV ? m : KV);
    if (ht)
        _Pragma("GCC unroll 4")
        for (int r = 0; r < R; r++)
            KS(mm_st_half)(c + r * cn + nv * KV * cm, cm, tail[r / 2], r & 1);
}

/* Fewer products than lanes, and stacks with contiguous rows: one product
 * at a time, rows of C in blocks of R (R nv <= 12 accumulators: one row
 * of a 16x16 alone has only 4 independent chains on AVX2, latency-bound).
 * B is read in place when its rows are contiguous and at least a vector
 * wide (copied, as this kernel did first, the copy cost more than the
 * products at 5x5..16x16), else from a copy of whole vectors (Bc, zeros
 * after a row narrower than a vector). */
KALWAYS void KS(mm_one)(const int n, const int k, const int m, char **args,
                        const ptrdiff_t *dims, const ptrdiff_t *steps)
{
    const ptrdiff_t es = (ptrdiff_t)sizeof(UL_T);
    const int ht = m % KV == KH, nv = ht ? m / KV : (m + KV - 1) / KV;
    /* the most rows whose accumulators, broadcasts and B fit the 16
     * registers (R nv + R + 1; with ht the tails and B's row too) */
    const int R = ht ? (nv <= 2 ? 4 : nv <= 4 ? 2 : 1)
                     : (nv <= 2 ? 4 : nv <= 4 ? 3 : nv <= 6 ? 2 : 1);
    const ptrdiff_t an = steps[3], ak = steps[4], cn = steps[7], cm = steps[8];
    const int inplace = steps[6] == es && m >= KV;
    const ptrdiff_t lo = (inplace ? KS(mm_col)(nv - 1, nv, ht, m) : (nv - 1) * KV) * es;
    VT Bc[UL_SMALL_MAX][KMV];
    for (ptrdiff_t s = 0; s < dims[0]; s++) {
        const char *a = args[0] + s * steps[0], *b = args[1] + s * steps[1];
        char *c = args[2] + s * steps[2];
        ptrdiff_t bs = steps[5];
        if (!inplace) {
            for (int p = 0; p < k; p++) {
                const char *bp = b + p * steps[5];
                for (int v = 0; v < nv; v++)
                    Bc[p][v] = KS(mm_ld)(bp + KS(mm_col)(v, nv, ht, m) * steps[6],
                                         steps[6], m < KV ? m : KV);
                if (ht)
                    Bc[p][nv] = KS(mm_ld)(bp + nv * KV * steps[6], steps[6], KH);
            }
            b = (const char *)Bc;
            bs = sizeof Bc[0];
        }
        /* as few blocks as R allows, of sizes as equal as possible (10 =
         * 4 + 3 + 3, not 4 + 4 + 2: a short block is latency-bound) */
        const int nb = (n + R - 1) / R;
        for (int j = 0, i = 0; j < nb; j++) {
            const int sz = (n - i + nb - j - 1) / (nb - j);
            const char *ai = a + i * an;
            char *ci = c + i * cn;
            if (sz == 4)
                KS(mm_rows)(4, nv, ht, k, m, ai, an, ak, b, bs, lo, ci, cn, cm);
            else if (sz == 3)
                KS(mm_rows)(3, nv, ht, k, m, ai, an, ak, b, bs, lo, ci, cn, cm);
            else if (sz == 2)
                KS(mm_rows)(2, nv, ht, k, m, ai, an, ak, b, bs, lo, ci, cn, cm);
            else
                KS(mm_rows)(1, nv, ht, k, m, ai, an, ak, b, bs, lo, ci, cn, cm);
            i += sz;
        }
    }
}
#undef KH
#undef KRB
#undef KMV
