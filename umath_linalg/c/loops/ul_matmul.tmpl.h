/*
 * ul_matmul.tmpl.h - numpy's matmul gufunc, (n?,k),(k,m?)->(n?,m?), for one
 * dtype (instantiated by ul_loops.c: ul_smatmul_loop ... ul_zmatmul_loop).
 * dimensions = {N, n, k, m}; steps = {a, b, c, a_n, a_k, b_k, b_m, c_n, c_m}
 * (a '?' dim an operand lacks arrives as size 1, stride 0: the driver and
 * numpy both do that).
 *
 * Small cores (n, k, m <= UL_MATMUL_SMALL): float32/float64 on the SIMD
 * kernels (c/small/ul_kern_mm.tmpl.h, through UL_SMALL_RUN); complex, and
 * sizes gemm's int cannot take: a plain C product per matrix, elements
 * moved with memcpy (any byte stride or address). The kernels lead gemm
 * up to the kernels' limit (bench_matmul, float64, one thread, load ~2.5:
 * 1000x16x16 227 us vs 276 for cblas_dgemm per matrix, one 10x10 0.18 vs
 * 0.16 us, most of it the driver's checks), so the cut-over is 16, where
 * the kernels' scratch ends. Complex (no kernel): plain up to 4
 * (UL_MATMUL_CPLX_PLAIN; measured against np.matmul, which calls gemm per
 * matrix: plain 16x16 stacks were 0.24x numpy, gemm 0.99x; 4x4 plain
 * 1.27x complex128, 0.85x complex64). Otherwise OpenBLAS ?gemm_: an operand that is column-
 * or row-contiguous (unit stride one way, a positive leading dimension the
 * other) at element-aligned addresses is passed in place, a row-contiguous
 * one as gemm's 'T' flag (never 'C': matmul does not conjugate); any other
 * is copied into the call's one workspace per matrix, and an output gemm
 * cannot write in place is computed there and copied out.
 * k = 0 writes zeros (numpy); N, n or m = 0 writes nothing. matmul cannot
 * fail: no FP-flag protocol (FP flags are the arithmetic's, as in numpy);
 * a workspace that cannot be allocated NaN-fills the outputs, reports
 * UL_ENOMEM and raises FE_INVALID.
 */

#ifndef UL_MATMUL_ONCE
#define UL_MATMUL_ONCE
#define UL_MATMUL_SMALL 16
#define UL_MATMUL_CPLX_PLAIN 4

/* How gemm can read (or write) a rows x cols operand at p, element (i, j)
 * at byte offset i rs + j cs, the same for every matrix of the stack (p +
 * s step): 'N' when it is column-major with leading dimension *ld, 'T' when
 * it is row-major (its transpose is column-major, leading dimension *ld),
 * 0 when it must be copied. rows, cols >= 1; es is the element size. */
static char ul_mm_view(const char *p, ptrdiff_t step, ptrdiff_t rows,
                       ptrdiff_t cols, ptrdiff_t rs, ptrdiff_t cs,
                       ptrdiff_t es, ptrdiff_t align, int *ld)
{
    if ((uintptr_t)p % (uintptr_t)align != 0 || step % align != 0)
        return 0;
    if (rs == es || rows == 1) {
        ptrdiff_t l = cols == 1 ? rows : cs / es;
        if ((cols == 1 || cs % es == 0) && l >= rows && l <= INT_MAX) {
            *ld = (int)l;
            return 'N';
        }
    }
    if (cs == es || cols == 1) {
        ptrdiff_t l = rows == 1 ? cols : rs / es;
        if ((rows == 1 || rs % es == 0) && l >= cols && l <= INT_MAX) {
            *ld = (int)l;
            return 'T';
        }
    }
    return 0;
}
#endif /* UL_MATMUL_ONCE */

void UL_LAPACK(gemm)(const char *transa, const char *transb, const int *m,
                     const int *n, const int *k, const UL_T *alpha,
                     const UL_T *a, const int *lda, const UL_T *b,
                     const int *ldb, const UL_T *beta, UL_T *c,
                     const int *ldc);

/* c (n x m, strides cn, cm) = a (n x k; an, ak) b (k x m; bk, bm), k >= 1,
 * summed in order of k in UL_T's precision; never touches a pointer other
 * than the elements it reads. */
static void UL_NAME(mm_plain)(ptrdiff_t n, ptrdiff_t k, ptrdiff_t m,
    const char *a, ptrdiff_t an, ptrdiff_t ak,
    const char *b, ptrdiff_t bk, ptrdiff_t bm,
    char *c, ptrdiff_t cn, ptrdiff_t cm)
{
    for (ptrdiff_t i = 0; i < n; i++) {
        for (ptrdiff_t j = 0; j < m; j++) {
            const char *pa = a + i * an, *pb = b + j * bm;
#if UL_COMPLEX
            UL_R re = 0, im = 0, x[2], y[2];
            for (ptrdiff_t p = 0; p < k; p++, pa += ak, pb += bk) {
                memcpy(x, pa, sizeof x);
                memcpy(y, pb, sizeof y);
                re += x[0] * y[0] - x[1] * y[1];
                im += x[0] * y[1] + x[1] * y[0];
            }
            UL_R r[2] = { re, im };
            memcpy(c + i * cn + j * cm, r, sizeof r);
#else
            UL_T acc = 0, x, y;
            for (ptrdiff_t p = 0; p < k; p++, pa += ak, pb += bk) {
                memcpy(&x, pa, sizeof x);
                memcpy(&y, pb, sizeof y);
                acc += x * y;
            }
            memcpy(c + i * cn + j * cm, &acc, sizeof acc);
#endif
        }
    }
}

/* C = A B by ?gemm_ for operands gemm reads as va/vb ('N' or 'T', see
 * ul_mm_view) into C that it writes as vc: 'N' is C itself (n x m),
 * 'T' is C^T (m x n) = B^T A^T, the operands' flags flipped. */
static void UL_NAME(mm_gemm)(int n, int k, int m,
    const UL_T *a, char va, int lda, const UL_T *b, char vb, int ldb,
    UL_T *c, char vc, int ldc)
{
    const UL_T one = 1, zero = 0;
    if (vc == 'N') {
        UL_LAPACK_CALL(gemm, (&va, &vb, &n, &m, &k, &one, a, &lda, b, &ldb, &zero,
                              c, &ldc));
    } else {
        char tb = vb == 'N' ? 'T' : 'N', ta = va == 'N' ? 'T' : 'N';
        UL_LAPACK_CALL(gemm, (&tb, &ta, &m, &n, &k, &one, b, &ldb, a, &lda, &zero,
                              c, &ldc));
    }
}

/* The gemm path for a stack of count >= 1 products, 1 <= n, k, m <=
 * INT_MAX. Returns 0, or -1 when the workspace cannot be had (nothing
 * written). */
static int UL_NAME(mm_stack)(ptrdiff_t count, ptrdiff_t n, ptrdiff_t k,
    ptrdiff_t m, char **args, const ptrdiff_t *steps)
{
    const ptrdiff_t es = (ptrdiff_t)sizeof(UL_T), al = _Alignof(UL_T);
    int lda = 0, ldb = 0, ldc = 0;
    char va = ul_mm_view(args[0], steps[0], n, k, steps[3], steps[4], es, al, &lda);
    char vb = ul_mm_view(args[1], steps[1], k, m, steps[5], steps[6], es, al, &ldb);
    char vc = ul_mm_view(args[2], steps[2], n, m, steps[7], steps[8], es, al, &ldc);
    /* workspace in elements: a copy of each operand gemm cannot take */
    size_t na = va ? 0 : (size_t)n * (size_t)k;
    size_t nb = vb ? 0 : (size_t)k * (size_t)m;
    size_t nc = vc ? 0 : (size_t)n * (size_t)m;
    size_t total, bytes;
    if (__builtin_add_overflow(na, nb, &total) ||
        __builtin_add_overflow(total, nc, &total) ||
        __builtin_mul_overflow(total, sizeof(UL_T), &bytes))
        return -1;
    ul_workspace ws;
    UL_T *work = ul_ws_get(&ws, bytes ? bytes : 1);
    if (work == NULL) {
        ul_ws_release(&ws);
        return -1;
    }
    UL_T *wa = work, *wb = wa + na, *wc = wb + nb;
    if (!va)
        va = 'N', lda = (int)n;
    if (!vb)
        vb = 'N', ldb = (int)k;
    if (!vc)
        vc = 'N', ldc = (int)n;
    for (ptrdiff_t s = 0; s < count; s++) {
        const char *a = args[0] + s * steps[0], *b = args[1] + s * steps[1];
        char *c = args[2] + s * steps[2];
        if (na)
            UL_NAME(linearize)(wa, n, a, n, k, steps[3], steps[4]);
        if (nb)
            UL_NAME(linearize)(wb, k, b, k, m, steps[5], steps[6]);
        UL_NAME(mm_gemm)((int)n, (int)k, (int)m,
                         na ? wa : (const UL_T *)(const void *)a, va, lda,
                         nb ? wb : (const UL_T *)(const void *)b, vb, ldb,
                         nc ? wc : (UL_T *)(void *)c, vc, ldc);
        if (nc)
            UL_NAME(delinearize)(c, n, m, steps[7], steps[8], wc, n);
    }
    ul_ws_release(&ws);
    return 0;
}

/* matmul: (n?,k),(k,m?)->(n?,m?) */
UL_API void UL_NAME(matmul_loop)(char **args, const ptrdiff_t *dimensions,
                                 const ptrdiff_t *steps, void *data)
{
    ul_loop_report local, *rep = ul_report_begin(data, &local);
    ptrdiff_t count = dimensions[0], n = dimensions[1], k = dimensions[2],
              m = dimensions[3];
    if (count <= 0 || n <= 0 || m <= 0)
        return;                      /* no output element: nothing to do */
    if (k <= 0) {                    /* empty sum: zeros, a and b unread */
        const UL_T zero = 0;
        for (ptrdiff_t s = 0; s < count; s++)
            for (ptrdiff_t i = 0; i < n; i++)
                for (ptrdiff_t j = 0; j < m; j++)
                    memcpy(args[2] + s * steps[2] + i * steps[7] +
                           j * steps[8], &zero, sizeof zero);
        return;
    }
    /* complex has no SIMD kernel: the plain product only while it beats
     * gemm's per-call cost (UL_MATMUL_CPLX_PLAIN) */
    const ptrdiff_t small = UL_COMPLEX ? UL_MATMUL_CPLX_PLAIN : UL_MATMUL_SMALL;
    int plain = (n <= small && k <= small && m <= small) ||
                n > INT_MAX || k > INT_MAX || m > INT_MAX;
    if (!plain && UL_NAME(mm_stack)(count, n, k, m, args, steps) == 0)
        return;
    if (plain && n <= UL_MATMUL_SMALL && k <= UL_MATMUL_SMALL &&
        m <= UL_MATMUL_SMALL && UL_SMALL_RUN(matmul))
        return;                      /* s, d: the SIMD kernels (c/small/) */
    if (plain) {
        for (ptrdiff_t s = 0; s < count; s++)
            UL_NAME(mm_plain)(n, k, m,
                args[0] + s * steps[0], steps[3], steps[4],
                args[1] + s * steps[1], steps[5], steps[6],
                args[2] + s * steps[2], steps[7], steps[8]);
        return;
    }
    for (ptrdiff_t s = 0; s < count; s++)     /* no workspace */
        UL_NAME(nan_fill)(args[2] + s * steps[2], n, m, steps[7], steps[8]);
    ul_report_enomem(rep, count);
    ul_fp_set_invalid_or_clear(1);     /* numpy's caller sees FE_INVALID */
}
