/*
 * Area: the matmul gufunc (n?,k),(k,m?)->(n?,m?) through the driver.
 * Purpose: every dtype against a long-double reference product, each
 * element within 8 (k+2) eps (|A| |B|)_ij (the rounding bound of a length-k
 * dot product); sizes 1..70 across the plain/gemm threshold (16); operand
 * layouts C, Fortran, transposed stacks, negative strides, padding, zero
 * strides, a misaligned base, odd byte strides; broadcast outer stride 0,
 * stacks, 1-d operands (the '?' dims dropped), k = 0 (zeros), n = 0 and
 * m = 0 (nothing written), empty stacks, no workspace (NaN + UL_ENOMEM);
 * inputs never written, nothing outside the output written; the driver's
 * messages for mismatched core dims, numpy's exact text. Stacks of 37
 * (the SIMD kernels' full groups and tails), a stack split among threads
 * (bit-identical to one thread), out= overlapping an input (the product of
 * the inputs' values before the call). Everything on every CPU path: the
 * default, then each lower one the CPU has (ul_test_run_lower_cpus).
 */
#include "ul_test.h"
#include <unistd.h>

#define NKINDS 10        /* ul_layout_new's 8, then misaligned, odd strides */

static const char *SIG = "(n?,k),(k,m?)->(n?,m?)";

static const ul_gufunc *MM(void)
{
    const ul_gufunc *g = ul_gufunc_find("matmul");
    if (g == NULL) {
        fprintf(stderr, "matmul missing from the table\n");
        exit(2);
    }
    return g;
}

/* A stack of count rows x cols matrices; kinds 8 and 9 beyond
 * ul_layout_new: a C layout one byte off, and odd byte strides. */
static ul_layout layout(int kind, ptrdiff_t count, ptrdiff_t rows,
                        ptrdiff_t cols, size_t es)
{
    if (kind < 8)
        return ul_layout_new(kind, count, rows, cols, es);
    ul_layout L = ul_layout_new(0, count, rows, cols, es);
    if (kind == 8) {
        L.base += 1;        /* the spare element at the end keeps it inside */
        L.name = "misaligned";
        return L;
    }
    free(L.buf);
    ptrdiff_t e = (ptrdiff_t)es;
    ptrdiff_t rs = cols * (e + 1) + 3, cs = -(e + 1);  /* cols backwards */
    ptrdiff_t os = rows * rs + 5;
    ptrdiff_t span = (count - 1) * os + (rows - 1) * rs + (cols - 1) * -cs;
    if (count == 0 || rows == 0 || cols == 0)
        span = 0;
    L.strides[0] = os, L.strides[1] = rs, L.strides[2] = cs;
    L.bytes = (size_t)(span + 3 * e);
    L.buf = malloc(L.bytes);
    memset(L.buf, UL_SENTINEL, L.bytes);
    L.base = (char *)L.buf + e + (cols > 0 ? (cols - 1) * -cs : 0);
    L.name = "odd-strides";
    return L;
}

static void fill(ul_layout *L, const ul_dtype *dt)
{
    for (ptrdiff_t s = 0; s < L->shape[0]; s++)
        for (ptrdiff_t i = 0; i < L->shape[1]; i++)
            for (ptrdiff_t j = 0; j < L->shape[2]; j++)
                ul_put(dt->type, ul_at(L, s, i, j),
                       dt->complex_ ? CMPLX(ul_rand(), ul_rand()) : ul_rand());
}

/* Checks C[sc] = A[sa] B[sb] for every element; returns failures. */
static int check_product(const ul_dtype *dt, const ul_layout *A, ptrdiff_t sa,
                         const ul_layout *B, ptrdiff_t sb, const ul_layout *C,
                         ptrdiff_t sc, ptrdiff_t n, ptrdiff_t k, ptrdiff_t m)
{
    int bad = 0, t = dt->type;
    for (ptrdiff_t i = 0; i < n; i++)
        for (ptrdiff_t j = 0; j < m; j++) {
            long double complex s = 0;
            long double abs = 0;
            for (ptrdiff_t p = 0; p < k; p++) {
                double complex x = ul_get(t, ul_at(A, sa, i, p));
                double complex y = ul_get(t, ul_at(B, sb, p, j));
                s += (long double complex)x * y;
                abs += cabsl((long double complex)x) * cabsl((long double complex)y);
            }
            double complex got = ul_get(t, ul_at(C, sc, i, j));
            double err = cabs(got - (double complex)s);
            if (!(err <= 8.0 * (double)(k + 2) * dt->eps * (double)abs + DBL_MIN))
                bad++;
        }
    return bad;
}

/* One stack product through the driver: count matrices, layouts la, lb, lc;
 * bcast: A given without outer dim (broadcast), or as outer stride 0. */
static void run_case(const ul_dtype *dt, ptrdiff_t count, ptrdiff_t n,
                     ptrdiff_t k, ptrdiff_t m, int la, int lb, int lc,
                     int bcast)
{
    int t = dt->type;
    ul_layout A = layout(la, bcast ? 1 : count, n, k, dt->size);
    ul_layout B = layout(lb, count, k, m, dt->size);
    ul_layout C = layout(lc, count, n, m, dt->size);
    fill(&A, dt);
    fill(&B, dt);
    unsigned char *ca = malloc(A.bytes), *cb = malloc(B.bytes);
    memcpy(ca, A.buf, A.bytes);
    memcpy(cb, B.buf, B.bytes);
    ul_operand ops[3] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&B, t, 3),
                          ul_layout_operand(&C, t, 3) };
    ptrdiff_t a_shape[3] = { count, n, k }, a_strides[3];
    if (bcast == 1) {                  /* (n,k) against (count,...) */
        ops[0].ndim = 2;
        ops[0].shape = A.shape + 1;
        ops[0].strides = A.strides + 1;
    } else if (bcast == 2) {           /* (count,n,k), outer stride 0 */
        memcpy(a_strides, A.strides, sizeof a_strides);
        a_strides[0] = 0;
        ops[0].shape = a_shape;
        ops[0].strides = a_strides;
    }
    ul_call_info info;
    int rc = ul_gufunc_call(MM(), 3, ops, &info);
    char what[200];
    snprintf(what, sizeof what, "%c count=%td n=%td k=%td m=%td a=%s b=%s c=%s bcast=%d",
             dt->ch, count, n, k, m, A.name, B.name, C.name, bcast);
    UL_CHECK(rc == UL_OK, "rc %d (%s) %s", rc, info.message, what);
    int bad = 0;
    for (ptrdiff_t s = 0; s < count; s++)
        bad += check_product(dt, &A, bcast ? 0 : s, &B, s, &C, s, n, k, m);
    UL_CHECK(bad == 0, "%d elements off %s", bad, what);
    UL_CHECK(memcmp(ca, A.buf, A.bytes) == 0 && memcmp(cb, B.buf, B.bytes) == 0,
             "an input was written %s", what);
    UL_CHECK(ul_gaps_untouched(&C), "wrote outside the output %s", what);
    free(ca); free(cb); free(A.buf); free(B.buf); free(C.buf);
}

/* 1-d operands: a (k) @ b (count,k,m) -> (count,m); a (count,n,k) @ b (k)
 * -> (count,n); a (k) @ b (k) -> (). Vectors are one row of a layout. */
static void run_vectors(const ul_dtype *dt, ptrdiff_t count, ptrdiff_t n,
                        ptrdiff_t k, ptrdiff_t m, int lay)
{
    int t = dt->type;
    char what[160];
    snprintf(what, sizeof what, "%c vectors count=%td n=%td k=%td m=%td lay=%d",
             dt->ch, count, n, k, m, lay);
    ul_layout A = layout(lay, count, n, k, dt->size);
    ul_layout B = layout((lay + 4) % NKINDS, count, k, m, dt->size);
    ul_layout V = layout(lay, 1, k, 1, dt->size);     /* a column: (k) */
    ul_layout C = layout((lay + 7) % NKINDS, count, n > m ? n : m, 1, dt->size);
    fill(&A, dt); fill(&B, dt); fill(&V, dt);
    ul_call_info info;
    /* v @ B: v as (k), C as (count, m) */
    ul_operand ops[3] = {
        { V.base, t, 1, V.shape + 1, V.strides + 1 },
        ul_layout_operand(&B, t, 3),
        { C.base, t, 2, (ptrdiff_t[]){ count, m }, C.strides } };
    int rc = ul_gufunc_call(MM(), 3, ops, &info);
    UL_CHECK(rc == UL_OK, "v@B rc %d (%s) %s", rc, info.message, what);
    int bad = 0;
    for (ptrdiff_t s = 0; s < count; s++)
        for (ptrdiff_t j = 0; j < m; j++) {
            /* C(s, j, 0) = sum_p V(0, p, 0) B(s, p, j) */
            long double complex r = 0;
            long double abs = 0;
            for (ptrdiff_t p = 0; p < k; p++) {
                double complex x = ul_get(t, ul_at(&V, 0, p, 0)), y = ul_get(t, ul_at(&B, s, p, j));
                r += (long double complex)x * y;
                abs += cabsl((long double complex)x) * cabsl((long double complex)y);
            }
            double err = cabs(ul_get(t, ul_at(&C, s, j, 0)) - (double complex)r);
            bad += !(err <= 8.0 * (double)(k + 2) * dt->eps * (double)abs + DBL_MIN);
        }
    UL_CHECK(bad == 0, "v@B %d off %s", bad, what);
    /* A @ v: C as (count, n) */
    ul_operand ops2[3] = {
        ul_layout_operand(&A, t, 3),
        { V.base, t, 1, V.shape + 1, V.strides + 1 },
        { C.base, t, 2, (ptrdiff_t[]){ count, n }, C.strides } };
    rc = ul_gufunc_call(MM(), 3, ops2, &info);
    UL_CHECK(rc == UL_OK, "A@v rc %d (%s) %s", rc, info.message, what);
    bad = 0;
    for (ptrdiff_t s = 0; s < count; s++)
        bad += check_product(dt, &A, s, &V, 0, &C, s, n, k, 1);
    UL_CHECK(bad == 0, "A@v %d off %s", bad, what);
    /* v @ v -> () per stack element: a (count, k) rows of A with n >= 1 */
    ul_operand ops3[3] = {
        { A.base, t, 2, (ptrdiff_t[]){ count, k }, (ptrdiff_t[]){ A.strides[0], A.strides[2] } },
        { V.base, t, 1, V.shape + 1, V.strides + 1 },
        { C.base, t, 1, (ptrdiff_t[]){ count }, C.strides } };
    rc = ul_gufunc_call(MM(), 3, ops3, &info);
    UL_CHECK(rc == UL_OK, "v@v rc %d (%s) %s", rc, info.message, what);
    bad = 0;
    for (ptrdiff_t s = 0; s < count; s++)
        bad += check_product(dt, &A, s, &V, 0, &C, s, 1, k, 1);
    UL_CHECK(bad == 0, "v@v %d off %s", bad, what);
    UL_CHECK(ul_gaps_untouched(&C), "vectors wrote outside %s", what);
    /* the shapes the driver infers: (k) @ (count,k,m) -> (count,m) */
    int ond[1];
    ptrdiff_t osh[4];
    int ind[2] = { 1, 3 };
    ptrdiff_t ish[4] = { k, count, k, m };
    rc = ul_gufunc_shapes(MM(), 2, ind, ish, ond, osh, 4, &info);
    UL_CHECK(rc == UL_OK && ond[0] == 2 && osh[0] == count && osh[1] == m,
             "shapes v@B rc %d nd %d %s", rc, ond[0], what);
    int ind2[2] = { 1, 1 };
    ptrdiff_t ish2[2] = { k, k };
    rc = ul_gufunc_shapes(MM(), 2, ind2, ish2, ond, osh, 4, &info);
    UL_CHECK(rc == UL_OK && ond[0] == 0, "shapes v@v rc %d nd %d %s", rc, ond[0], what);
    free(A.buf); free(B.buf); free(V.buf); free(C.buf);
}

/* k = 0: zeros (inputs NULL: empty); n = 0 or m = 0: nothing written. */
static void run_empty(const ul_dtype *dt)
{
    int t = dt->type;
    ul_call_info info;
    ul_layout C = layout(5, 2, 3, 4, dt->size);
    ptrdiff_t ash[3] = { 2, 3, 0 }, ast[3] = { 0, 0, 0 };
    ptrdiff_t bsh[3] = { 2, 0, 4 };
    ul_operand ops[3] = { { NULL, t, 3, ash, ast }, { NULL, t, 3, bsh, ast },
                          ul_layout_operand(&C, t, 3) };
    int rc = ul_gufunc_call(MM(), 3, ops, &info);
    int zero = 1;
    for (ptrdiff_t s = 0; s < 2; s++)
        for (ptrdiff_t i = 0; i < 3; i++)
            for (ptrdiff_t j = 0; j < 4; j++)
                zero &= ul_get(t, ul_at(&C, s, i, j)) == 0;
    UL_CHECK(rc == UL_OK && zero && ul_gaps_untouched(&C), "%c k=0: rc %d zero %d", dt->ch, rc, zero);
    free(C.buf);
    for (int which = 0; which < 2; which++) {       /* n = 0, then m = 0 */
        ptrdiff_t n = which ? 3 : 0, m = which ? 0 : 4;
        ul_layout A = layout(0, 2, n, 5, dt->size), B = layout(1, 2, 5, m, dt->size);
        ul_layout O = layout(0, 2, n, m, dt->size);
        fill(&A, dt); fill(&B, dt);
        ul_operand o3[3] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&B, t, 3),
                             { NULL, t, 3, O.shape, O.strides } };
        if (n == 0) o3[0].data = NULL;
        if (m == 0) o3[1].data = NULL;
        rc = ul_gufunc_call(MM(), 3, o3, &info);
        UL_CHECK(rc == UL_OK && info.outer_size == 2, "%c n=%td m=%td rc %d (%s)", dt->ch, n, m, rc, info.message);
        free(A.buf); free(B.buf); free(O.buf);
    }
    /* empty stack: the loop is not called, nothing read */
    ptrdiff_t esh[3] = { 0, 3, 3 };
    ul_operand oe[3] = { { NULL, t, 3, esh, ast }, { NULL, t, 3, esh, ast }, { NULL, t, 3, esh, ast } };
    rc = ul_gufunc_call(MM(), 3, oe, &info);
    UL_CHECK(rc == UL_OK && info.outer_size == 0, "%c empty stack rc %d", dt->ch, rc);
}

/* ---- no workspace: NaN outputs, UL_ENOMEM (negative strides need
 * copies; 40 x 40 doubles do not fit the stack buffer) ---- */
static void *fail_malloc(size_t n) { (void)n; return NULL; }

static void run_enomem(const ul_dtype *dt)
{
    int t = dt->type;
    ul_layout A = layout(3, 2, 40, 40, dt->size), B = layout(3, 2, 40, 40, dt->size);
    ul_layout C = layout(6, 2, 40, 40, dt->size);
    fill(&A, dt); fill(&B, dt);
    ul_operand ops[3] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&B, t, 3),
                          ul_layout_operand(&C, t, 3) };
    ul_call_info info;
    ul_set_allocator(fail_malloc, free);
    int rc = ul_gufunc_call(MM(), 3, ops, &info);
    ul_set_allocator(NULL, NULL);
    int nan = 1;
    for (ptrdiff_t s = 0; s < 2; s++)
        nan &= isnan(creal(ul_get(t, ul_at(&C, s, 39, 0))));
    UL_CHECK(rc == UL_ENOMEM && nan, "%c enomem rc %d nan %d", dt->ch, rc, nan);
    free(A.buf); free(B.buf); free(C.buf);
}

/* ---- the driver's errors: numpy's exact messages ---- */
static void expect(int nd0, const ptrdiff_t *s0, int nd1, const ptrdiff_t *s1,
                   int nd2, const ptrdiff_t *s2, int status, const char *msg)
{
    static double buf[64];
    ptrdiff_t st[3] = { 8, 8, 8 };
    ul_operand ops[3] = { { (char *)buf, UL_DOUBLE, nd0, s0, st },
                          { (char *)buf, UL_DOUBLE, nd1, s1, st },
                          { (char *)buf, UL_DOUBLE, nd2, s2, st } };
    ul_call_info info;
    int rc = ul_gufunc_call(MM(), 3, ops, &info);
    UL_CHECK(rc == status && strcmp(info.message, msg) == 0, "rc %d \"%s\", expected \"%s\"",
             rc, info.message, msg);
}

static void run_errors(void)
{
    char msg[256];
    const ptrdiff_t s34[] = { 3, 4 }, s56[] = { 5, 6 }, s45[] = { 4, 5 }, s36[] = { 3, 6 },
                    s35[] = { 3, 5 }, s5[] = { 5 }, s4[] = { 4 }, s3[] = { 3 };
    snprintf(msg, sizeof msg, "matmul: Input operand 1 has a mismatch in its core dimension 0, "
             "with gufunc signature %s (size 5 is different from 4)", SIG);
    expect(2, s34, 2, s56, 2, s36, UL_ESHAPE, msg);
    expect(2, s34, 1, s5, 1, s3, UL_ESHAPE, msg);        /* (3,4) @ (5,) */
    snprintf(msg, sizeof msg, "matmul: Input operand 1 has a mismatch in its core dimension 0, "
             "with gufunc signature %s (size 3 is different from 4)", SIG);
    expect(1, s4, 2, s35, 1, s5, UL_ESHAPE, msg);        /* (4,) @ (3,5) */
    snprintf(msg, sizeof msg, "matmul: Output operand 0 has a mismatch in its core dimension 1, "
             "with gufunc signature %s (size 6 is different from 5)", SIG);
    expect(2, s34, 2, s45, 2, s36, UL_ESHAPE, msg);
    snprintf(msg, sizeof msg, "matmul: Output operand 0 has a mismatch in its core dimension 0, "
             "with gufunc signature %s (size 3 is different from 5)", SIG);
    expect(1, s4, 2, s45, 1, s3, UL_ESHAPE, msg);        /* (4,) @ (4,5) -> (3,) */
    snprintf(msg, sizeof msg, "matmul: Input operand 0 does not have enough dimensions (has 0, "
             "gufunc core with signature %s requires 1)", SIG);
    expect(0, NULL, 2, s45, 1, s5, UL_ESHAPE, msg);
    snprintf(msg, sizeof msg, "matmul: Input operand 1 does not have enough dimensions (has 0, "
             "gufunc core with signature %s requires 1)", SIG);
    expect(2, s34, 0, NULL, 1, s3, UL_ESHAPE, msg);
    /* (4,) drops n from the output too: a (3,5) output has core (5) and
     * outer (3,), which the inputs' outer shape () does not match */
    snprintf(msg, sizeof msg, "matmul: output operand 0 has outer shape (3,) but the inputs "
             "broadcast to ()");
    const ptrdiff_t s3_5[] = { 3, 5 };
    expect(1, s4, 2, s45, 2, s3_5, UL_ESHAPE, msg);      /* (4,) @ (4,5) -> (3,5) */
}

/* ---- out= sharing memory with an input: numpy's result, as if the
 * inputs were read first (the driver copies them). which: 0 out = a,
 * 1 out = b, 2 a = b = out, 3 out one matrix past a in one buffer. ---- */
static void run_overlap(const ul_dtype *dt, ptrdiff_t count, ptrdiff_t n, int which)
{
    int t = dt->type;
    ptrdiff_t es = (ptrdiff_t)dt->size;
    ul_layout A = layout(0, count + 1, n, n, dt->size);
    ul_layout B = layout(1, count, n, n, dt->size);
    fill(&A, dt);
    fill(&B, dt);
    ul_layout A0 = layout(0, count + 1, n, n, dt->size), B0 = layout(1, count, n, n, dt->size);
    memcpy(A0.buf, A.buf, A.bytes);
    memcpy(B0.buf, B.buf, B.bytes);
    ptrdiff_t sh[3] = { count, n, n };
    ul_operand a = { A.base, t, 3, sh, A.strides }, b = { B.base, t, 3, sh, B.strides };
    ul_operand c = which == 1 ? b : a;
    if (which == 2)
        b = a;
    if (which == 3)
        c.data = A.base + n * n * es;
    ul_operand ops[3] = { a, b, c };
    ul_call_info info;
    int rc = ul_gufunc_call(MM(), 3, ops, &info);
    /* against the saved copies (gemm may take the copied operand in
     * another layout, so not bit for bit) */
    ul_layout Cv = which == 1 ? B : A;
    if (which == 3)
        Cv.base += n * n * es;
    int bad = 0;
    for (ptrdiff_t s2 = 0; s2 < count; s2++)
        bad += check_product(dt, &A0, s2, which == 2 ? &A0 : &B0, s2, &Cv, s2, n, n, n);
    UL_CHECK(rc == UL_OK && bad == 0, "%c overlap %d count=%td n=%td: rc %d, %d off",
             dt->ch, which, count, n, rc, bad);
    free(A.buf); free(B.buf); free(A0.buf); free(B0.buf);
}

/* A stack big enough for the threads: bit-identical to chunked calls. */
static void run_threads(const ul_dtype *dt)
{
    enum { K = 4099, N = 8 };
    int t = dt->type;
    ul_layout A = layout(0, K, N, N, dt->size), B = layout(1, K, N, N, dt->size);
    ul_layout C = layout(0, K, N, N, dt->size), D = layout(0, K, N, N, dt->size);
    fill(&A, dt);
    fill(&B, dt);
    ul_operand ops[3] = { ul_layout_operand(&A, t, 3), ul_layout_operand(&B, t, 3),
                          ul_layout_operand(&C, t, 3) };
    int old = ul_set_num_threads(2);
    int rc = ul_gufunc_call(MM(), 3, ops, NULL);
    ul_set_num_threads(1);
    ops[2] = ul_layout_operand(&D, t, 3);
    int rc1 = ul_gufunc_call(MM(), 3, ops, NULL);
    ul_set_num_threads(old);
    int bad = 0;
    for (ptrdiff_t s = 0; s < K; s += 97)
        bad += check_product(dt, &A, s, &B, s, &C, s, N, N, N);
    UL_CHECK(rc == UL_OK && rc1 == UL_OK && bad == 0 && memcmp(C.buf, D.buf, C.bytes) == 0,
             "%c threads: rc %d/%d, %d off, same bits as one thread", dt->ch, rc, rc1, bad);
    free(A.buf); free(B.buf); free(C.buf); free(D.buf);
}

int main(int argc, char **argv)
{
    (void)argc;
    /* The first NSTACKED also as stacks of 37. Half-vector tails of the
     * row kernel (m = 2 mod 4: AVX2 float64, baseline float32; m odd:
     * baseline float64; m = 4 mod 8: AVX2 float32), with even and odd n;
     * rows of C ending in an overlapping vector (m > lanes, not a whole
     * number of vectors: 5, 15, 9 on AVX2 float64) in the row blocks
     * of 4, 3 and 2. */
    enum { NSTACKED = 16 };
    static const ptrdiff_t sizes[][3] = {
        {1,1,1}, {2,3,4}, {4,4,4}, {3,1,5}, {16,16,16}, {10,10,10}, {7,3,6},
        {5,9,2}, {3,2,14}, {9,16,10}, {6,5,12}, {17,5,3}, {3,17,2}, {5,4,17},
        {13,7,15}, {11,12,9},
        {1,40,1}, {33,1,20}, {20,30,40}, {64,17,2}, {70,70,70} };
    for (int d = 0; d < 4; d++) {
        const ul_dtype *dt = &UL_DTYPES[d];
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            ptrdiff_t n = sizes[z][0], k = sizes[z][1], m = sizes[z][2];
            for (int l = 0; l < NKINDS; l++)
                run_case(dt, 3, n, k, m, l, (l + 3) % NKINDS, (l + 6) % NKINDS, 0);
            run_case(dt, 4, n, k, m, 0, 1, 0, 1);
            run_case(dt, 4, n, k, m, 1, 0, 2, 2);
            run_vectors(dt, 3, n, k, m, (int)(z % NKINDS));
        }
        /* the SIMD kernels: full groups and a tail for 2, 4 and 8 lanes */
        for (size_t z = 0; z < NSTACKED; z++)
            for (int l = 0; l < NKINDS; l++)
                run_case(dt, 37, sizes[z][0], sizes[z][1], sizes[z][2], l,
                         (l + 3) % NKINDS, (l + 5) % NKINDS, l % 3);
        run_threads(dt);
        for (int which = 0; which < 4; which++) {
            run_overlap(dt, 5, 4, which);
            run_overlap(dt, 9, 16, which);
            run_overlap(dt, 2, 40, which);
        }
        run_case(dt, 1, 70, 70, 70, 0, 0, 0, 0);        /* one gemm, in place */
        run_case(dt, 1, 70, 70, 70, 1, 1, 1, 0);
        run_empty(dt);
        run_enomem(dt);
    }
    run_errors();
    return ul_test_done_all_cpus("test_matmul", argv);
}
