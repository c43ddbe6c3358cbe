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

/* Half-vector tails: when m = nv KV + KH (10 on AVX2 float64), the last
 * KH columns of two rows share one vector, so no lane is idle:
 * KS(mm_dup) repeats B's KH tail elements in both halves, KS(mm_pair)
 * takes x's low half and y's high half (a blend of two broadcasts). */
KALWAYS VT KS(mm_dup)(VT x)
{
#if KV == 2
    return __builtin_shufflevector(x, x, 0, 0);
#elif KV == 4
    return __builtin_shufflevector(x, x, 0, 1, 0, 1);
#else
    return __builtin_shufflevector(x, x, 0, 1, 2, 3, 0, 1, 2, 3);
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

/* R <= KRB rows of C (at a, c) from B's rows Bv: R * nv accumulators in
 * registers, each vector of B loaded once for the R rows; with ht, the
 * half tails of row pairs from Bv[p][nv] (KS(mm_dup) form). */
KALWAYS void KS(mm_rows)(const int R, const int nv, const int ht, const int k,
    const int m, const char *a, ptrdiff_t an, ptrdiff_t ak, VT (*Bv)[KMV],
    char *c, ptrdiff_t cn, ptrdiff_t cm)
{
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
        /* B's row p once in registers for the R rows: left to itself, gcc
         * reads Bv[p][v] again as a memory operand of every multiply-add
         * (R loads a vector, and the loads, not the FMA pipes, bound) */
        VT b[KMV], x[KRB];
        _Pragma("GCC unroll 8")
        for (int v = 0; v < KMV; v++)       /* all: no maybe-uninitialized */
            b[v] = v >= nv ? KS(splat)(0) : R > 1 ? KS(rounded)(Bv[p][v]) : Bv[p][v];
        _Pragma("GCC unroll 4")
        for (int r = 0; r < R; r++) {
            x[r] = KS(splat)(KS(get)(a + r * an + p * ak));
            _Pragma("GCC unroll 8")
            for (int v = 0; v < nv; v++)
                acc[r][v] += x[r] * b[v];
        }
        if (ht)
            _Pragma("GCC unroll 2")
            for (int r = 0; r < R; r += 2)
                tail[r / 2] += (r + 1 < R ? KS(mm_pair)(x[r], x[r + 1]) : x[r]) * Bv[p][nv];
    }
    _Pragma("GCC unroll 4")
    for (int r = 0; r < R; r++)
        _Pragma("GCC unroll 8")
        for (int v = 0; v < nv; v++)
            KS(mm_st)(c + r * cn + v * KV * cm, cm, acc[r][v],
                      m - v * KV < KV ? m - v * KV : KV);
    if (ht)
        _Pragma("GCC unroll 4")
        for (int r = 0; r < R; r++)
            _Pragma("GCC unroll 4")
            for (int q = 0; q < KH; q++)
                KS(put)(c + r * cn + (nv * KV + q) * cm, tail[r / 2][(r & 1) * KH + q]);
}

/* Fewer products than lanes: one at a time, B's rows held as vectors,
 * rows of C in blocks of 4, 2 or 1 (at most 8 accumulators): one row of
 * a 16x16 alone has only 4 independent chains on AVX2, latency-bound. */
KALWAYS void KS(mm_one)(const int n, const int k, const int m, char **args,
                        const ptrdiff_t *dims, const ptrdiff_t *steps)
{
    const int ht = m % KV == KH, nv = ht ? m / KV : (m + KV - 1) / KV;
    const ptrdiff_t an = steps[3], ak = steps[4], cn = steps[7], cm = steps[8];
    VT Bv[UL_SMALL_MAX][KMV];
    for (ptrdiff_t s = 0; s < dims[0]; s++) {
        const char *a = args[0] + s * steps[0], *b = args[1] + s * steps[1];
        char *c = args[2] + s * steps[2];
        for (int p = 0; p < k; p++) {
            for (int v = 0; v < nv; v++)
                Bv[p][v] = KS(mm_ld)(b + p * steps[5] + v * KV * steps[6],
                                     steps[6], m - v * KV < KV ? m - v * KV : KV);
            if (ht) {
                const VT t = KS(mm_ld)(b + p * steps[5] + nv * KV * steps[6], steps[6], KH);
                Bv[p][nv] = KS(mm_dup)(t);
            }
        }
        int i = 0;
        if (nv <= 2)
            for (; i + 4 <= n; i += 4)
                KS(mm_rows)(4, nv, ht, k, m, a + i * an, an, ak, Bv, c + i * cn, cn, cm);
        if (nv <= 4)
            for (; i + 2 <= n; i += 2)
                KS(mm_rows)(2, nv, ht, k, m, a + i * an, an, ak, Bv, c + i * cn, cn, cm);
        for (; i < n; i++)
            KS(mm_rows)(1, nv, ht, k, m, a + i * an, an, ak, Bv, c + i * cn, cn, cm);
    }
}
#undef KH
#undef KRB
#undef KMV
