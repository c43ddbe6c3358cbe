/*
 * Area: the copier (ul_?linearize / ul_?delinearize).
 * Purpose: strided -> Fortran and back for all dtypes and every stride kind
 * (positive, negative, zero, padded), checked element by element against
 * the definition dst[i + j*ld] = src(i, j); ld > rows leaves the padding
 * untouched; bad arguments return UL_EINVAL and copy nothing. C-ordered
 * sides go through 4x4 / 2x2 register tiles on the AVX path, so sizes
 * reach two tiles plus edges, and the whole test runs again on every
 * lower CPU path, UL_CPU=baseline last (the element loop).
 */
#include "ul_test.h"
#include <unistd.h>

typedef int (*lin_fn)(void *, ptrdiff_t, const void *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
typedef int (*delin_fn)(void *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, const void *, ptrdiff_t);
static const lin_fn LIN[4] = { ul_slinearize, ul_dlinearize, ul_clinearize, ul_zlinearize };
static const delin_fn DELIN[4] = { ul_sdelinearize, ul_ddelinearize, ul_cdelinearize, ul_zdelinearize };

int main(int argc, char **argv)
{
    (void)argc;
    for (int d = 0; d < 4; d++) {
        const ul_dtype *dt = &UL_DTYPES[d];
        for (ptrdiff_t rows = 0; rows <= 9; rows++)
            for (ptrdiff_t cols = 0; cols <= 9; cols++)
                for (int kind = 0; kind < UL_NLAYOUTS; kind++) {
                    ul_layout L = ul_layout_new(kind, 1, rows, cols, dt->size);
                    for (ptrdiff_t i = 0; i < rows; i++)
                        for (ptrdiff_t j = 0; j < cols; j++)
                            ul_put(dt->type, ul_at(&L, 0, i, j), CMPLX((double)(i * 10 + j), dt->complex_ ? (double)-j : 0));
                    ptrdiff_t ld = rows + (kind % 3);
                    size_t fbytes = dt->size * (size_t)(ld * cols + 1);
                    unsigned char *f = malloc(fbytes);
                    memset(f, UL_SENTINEL, fbytes);
                    int rc = LIN[d](f, ld, ul_at(&L, 0, 0, 0), rows, cols, L.strides[1], L.strides[2]);
                    UL_CHECK(rc == UL_OK, "linearize rc %d", rc);
                    int ok = 1;
                    for (ptrdiff_t j = 0; j < cols; j++)
                        for (ptrdiff_t i = 0; i < ld; i++) {
                            char *p = (char *)f + (size_t)(i + j * ld) * dt->size;
                            if (i < rows)
                                ok &= ul_get(dt->type, p) == ul_get(dt->type, ul_at(&L, 0, i, j));
                            else
                                ok &= (unsigned char)p[0] == UL_SENTINEL;
                        }
                    UL_CHECK(ok, "linearize %c %tdx%td layout %s", dt->ch, rows, cols, L.name);
                    /* back into a fresh layout of the same kind */
                    ul_layout M = ul_layout_new((kind + 3) % UL_NLAYOUTS, 1, rows, cols, dt->size);
                    rc = DELIN[d](ul_at(&M, 0, 0, 0), rows, cols, M.strides[1], M.strides[2], f, ld);
                    UL_CHECK(rc == UL_OK, "delinearize rc %d", rc);
                    ok = ul_gaps_untouched(&M);
                    for (ptrdiff_t i = 0; i < rows; i++)
                        for (ptrdiff_t j = 0; j < cols; j++)
                            ok &= ul_get(dt->type, ul_at(&M, 0, i, j)) == ul_get(dt->type, ul_at(&L, 0, i, j));
                    UL_CHECK(ok, "delinearize %c %tdx%td layout %s", dt->ch, rows, cols, M.name);
                    free(M.buf); free(L.buf); free(f);
                }
        /* zero strides: every element reads src[0]; writing keeps the last */
        double complex v[3] = { 1, 2, 3 };
        unsigned char src[16], dst[3 * 3 * 16];
        ul_put(dt->type, (char *)src, 5);
        UL_CHECK(LIN[d](dst, 3, src, 3, 3, 0, 0) == UL_OK, "zero-stride rc");
        int ok = 1;
        for (int i = 0; i < 9; i++) ok &= ul_get(dt->type, (char *)dst + i * dt->size) == 5;
        UL_CHECK(ok, "zero-stride linearize %c", dt->ch);
        for (int i = 0; i < 3; i++) ul_put(dt->type, (char *)dst + i * dt->size, v[i]);
        UL_CHECK(DELIN[d](src, 3, 1, 0, 0, dst, 3) == UL_OK, "zero-stride delinearize rc");
        UL_CHECK(ul_get(dt->type, (char *)src) == 3, "zero stride keeps the last element (%c)", dt->ch);
        /* bad arguments: UL_EINVAL, nothing copied */
        memset(dst, UL_SENTINEL, sizeof dst);
        UL_CHECK(LIN[d](dst, 1, src, 2, 2, 8, 16) == UL_EINVAL, "ld < rows");
        UL_CHECK(LIN[d](dst, 2, src, -1, 2, 8, 16) == UL_EINVAL, "negative rows");
        UL_CHECK(LIN[d](NULL, 2, src, 2, 2, 8, 16) == UL_EINVAL, "NULL dst");
        UL_CHECK(DELIN[d](dst, 2, 2, 8, 16, NULL, 2) == UL_EINVAL, "NULL src");
        UL_CHECK(DELIN[d](dst, 2, -2, 8, 16, src, 2) == UL_EINVAL, "negative cols");
        UL_CHECK(LIN[d](NULL, 0, NULL, 0, 3, 8, 8) == UL_OK, "empty matrix with NULL is fine");
        int untouched = 1;
        for (size_t i = 0; i < sizeof dst; i++) untouched &= dst[i] == UL_SENTINEL;
        UL_CHECK(untouched, "a refused copy wrote");
    }
    return ul_test_done_all_cpus("test_linearize", argv);
}
