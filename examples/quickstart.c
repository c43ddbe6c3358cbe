/*
 * quickstart.c - the README's C quick start: invert, solve and take
 * determinants of a strided stack through the driver, in all four dtypes'
 * spirit (shown here for float64; change UL_DOUBLE and the element type).
 *
 *   cc quickstart.c $(pkg-config --cflags --libs umath_linalg) -o quickstart
 */
#include <stdio.h>
#include <umath_linalg.h>

int main(void)
{
    /* a stack of two 3x3 matrices, C order; the second one is singular */
    double a[2][3][3] = { { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } },
                          { { 1, 2, 3 }, { 2, 4, 6 }, { 1, 0, 1 } } };
    double inv[2][3][3], det[2];
    ptrdiff_t shape[3] = { 2, 3, 3 }, strides[3] = { sizeof a[0], sizeof a[0][0], sizeof(double) };
    ptrdiff_t dshape[1] = { 2 }, dstrides[1] = { sizeof(double) };
    ul_call_info info;

    ul_operand inv_ops[2] = { { (char *)a, UL_DOUBLE, 3, shape, strides },
                              { (char *)inv, UL_DOUBLE, 3, shape, strides } };
    int rc = ul_gufunc_call(ul_gufunc_find("inv"), 2, inv_ops, &info);
    printf("inv: %s (%s)\n", ul_strerror(rc), info.message);
    printf("inv(a[0])[0] = %.6f %.6f %.6f\n", inv[0][0][0], inv[0][0][1], inv[0][0][2]);

    ul_operand det_ops[2] = { { (char *)a, UL_DOUBLE, 3, shape, strides },
                              { (char *)det, UL_DOUBLE, 1, dshape, dstrides } };
    rc = ul_gufunc_call(ul_gufunc_find("det"), 2, det_ops, &info);
    printf("det: %s: %.6f %.6f\n", ul_strerror(rc), det[0], det[1]);

    /* solve a[0] x = b with b a vector (solve1), through a transposed view
       of a: swapping the strides is all it takes */
    double b[3] = { 1, 2, 3 }, x[3];
    ptrdiff_t tshape[2] = { 3, 3 }, tstrides[2] = { sizeof(double), sizeof a[0][0] };
    ptrdiff_t vshape[1] = { 3 }, vstrides[1] = { sizeof(double) };
    ul_operand s_ops[3] = { { (char *)a[0], UL_DOUBLE, 2, tshape, tstrides },
                            { (char *)b, UL_DOUBLE, 1, vshape, vstrides },
                            { (char *)x, UL_DOUBLE, 1, vshape, vstrides } };
    rc = ul_gufunc_call(ul_gufunc_find("solve1"), 3, s_ops, &info);
    printf("solve1 (a[0] transposed): %s: x = %.6f %.6f %.6f\n", ul_strerror(rc), x[0], x[1], x[2]);
    return 0;
}
