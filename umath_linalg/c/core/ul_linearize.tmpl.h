/*
 * ul_linearize.tmpl.h - the strided <-> Fortran copier for one dtype
 * (instantiated by ul_linearize.c). Strides are bytes; elements are moved
 * with memcpy so that unaligned caller buffers are not undefined behaviour.
 */

UL_API int UL_NAME(linearize)(void *dst, ptrdiff_t ld, const void *src,
                              ptrdiff_t rows, ptrdiff_t cols,
                              ptrdiff_t row_stride, ptrdiff_t col_stride)
{
    int rc = ul_copy_check(rows, cols, ld, dst, src);
    if (rc != UL_CONTINUE)
        return rc;
    UL_T *d = dst;
    const char *s = src;
    if (col_stride == (ptrdiff_t)sizeof(UL_T) && row_stride != col_stride) {
        ul_tcopy(dst, ld * (ptrdiff_t)sizeof(UL_T), src, row_stride, rows,
                 cols, sizeof(UL_T));    /* C order: rows are contiguous */
        return UL_OK;
    }
    for (ptrdiff_t j = 0; j < cols; j++, d += ld, s += col_stride) {
        if (row_stride == (ptrdiff_t)sizeof(UL_T)) {
            memcpy(d, s, (size_t)rows * sizeof(UL_T));
        } else {
            for (ptrdiff_t i = 0; i < rows; i++)
                memcpy(&d[i], s + i * row_stride, sizeof(UL_T));
        }
    }
    return UL_OK;
}

UL_API int UL_NAME(delinearize)(void *dst, ptrdiff_t rows, ptrdiff_t cols,
                                ptrdiff_t row_stride, ptrdiff_t col_stride,
                                const void *src, ptrdiff_t ld)
{
    int rc = ul_copy_check(rows, cols, ld, dst, src);
    if (rc != UL_CONTINUE)
        return rc;
    char *d = dst;
    const UL_T *s = src;
    if (col_stride == (ptrdiff_t)sizeof(UL_T) && row_stride != col_stride) {
        ul_tcopy(dst, row_stride, src, ld * (ptrdiff_t)sizeof(UL_T), cols,
                 rows, sizeof(UL_T));    /* C order: rows are contiguous */
        return UL_OK;
    }
    for (ptrdiff_t j = 0; j < cols; j++, s += ld, d += col_stride) {
        if (row_stride == (ptrdiff_t)sizeof(UL_T)) {
            memcpy(d, s, (size_t)rows * sizeof(UL_T));
        } else {
            for (ptrdiff_t i = 0; i < rows; i++)
                memcpy(d + i * row_stride, &s[i], sizeof(UL_T));
        }
    }
    return UL_OK;
}

/* Fill a strided rows x cols output with NaN (NaN + NaN i for complex). */
UL_HIDDEN void UL_NAME(nan_fill)(char *dst, ptrdiff_t rows, ptrdiff_t cols,
                                 ptrdiff_t row_stride, ptrdiff_t col_stride)
{
    UL_T v;
    UL_R *parts = (UL_R *)&v;    /* C99: a complex is an array of 2 reals */
    parts[0] = (UL_R)NAN;
#if UL_COMPLEX
    parts[1] = (UL_R)NAN;
#endif
    for (ptrdiff_t j = 0; j < cols; j++)
        for (ptrdiff_t i = 0; i < rows; i++)
            memcpy(dst + i * row_stride + j * col_stride, &v, sizeof(UL_T));
}

/* 1 if none of the len elements at p (a Fortran copy) has a NaN or Inf
 * part: the loops whose LAPACK routine misbehaves on them (?geev, and
 * ?gesdd / ?gelsd, whose ?bdsqr can loop forever in OpenBLAS 0.3.21)
 * report such a matrix as failed instead of calling it. */
UL_HIDDEN int UL_NAME(all_finite)(const void *p, ptrdiff_t len)
{
    const UL_R *r = p;
    UL_R acc = 0;
    for (ptrdiff_t i = 0; i < len * (1 + UL_COMPLEX); i++)
        acc += r[i] * 0;     /* 0, or NaN for a NaN or an Inf */
    return acc == 0;
}

/* n x n identity into a Fortran buffer with leading dimension n. */
UL_HIDDEN void UL_NAME(identity)(void *dst, ptrdiff_t n)
{
    UL_T *d = dst;
    memset(d, 0, (size_t)(n * n) * sizeof(UL_T));
    for (ptrdiff_t i = 0; i < n; i++)
        d[i * (n + 1)] = 1;
}
