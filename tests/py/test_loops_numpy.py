"""The library's loops against numpy's own `numpy.linalg._umath_linalg`.

Loads libumath_linalg with cffi in ABI mode (independent of the package's
compiled extension), runs each gufunc through the C driver on random
shapes, dtypes and memory layouts (transposed, negative strides, slices,
broadcast operands, size-0 stacks, m = 0) and compares with numpy's gufunc
on the very same views. CPython only: it needs numpy.
"""
import os
import sys
import zlib

import pytest

try:
    import numpy as np
    from numpy.linalg import _umath_linalg as npu
except ImportError:  # pypy3 finds CPython's numpy but cannot load it
    np = None

pytestmark = pytest.mark.skipif(np is None, reason="needs numpy (CPython)")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


@pytest.fixture(scope="module")
def C():
    import cffi
    sys.path.insert(0, os.path.join(ROOT, "umath_linalg"))
    import _libpath
    ffi = cffi.FFI()
    header = open(os.path.join(ROOT, "umath_linalg", "umath_linalg.h")).read()
    ffi.cdef(header.split("/* UL_CDEF_BEGIN */")[1].split("/* UL_CDEF_END */")[0])
    return ffi, ffi.dlopen(_libpath.library_path())


def call(C, name, *arrays):
    """Runs gufunc `name` through ul_gufunc_callv; returns (rc, info)."""
    ffi, lib = C
    g = lib.ul_gufunc_find(name.encode())
    assert g != ffi.NULL
    info = ffi.new("ul_call_info *")
    data = [ffi.cast("char *", a.__array_interface__["data"][0]) for a in arrays]
    rc = lib.ul_gufunc_callv(
        g, len(arrays), data, [a.dtype.num for a in arrays], [a.ndim for a in arrays],
        [s for a in arrays for s in a.shape], [s for a in arrays for s in a.strides], info)
    return rc, info


RTOL = {np.float32: 2e-4, np.float64: 1e-10, np.complex64: 2e-4, np.complex128: 1e-10} if np else {}
DTYPES = list(RTOL)


def random_stack(rng, shape, dtype, layout):
    """Well-conditioned matrices of `shape` (last two dims square) in one of
    several layouts; returns a view with that shape."""
    n = shape[-1]
    a = rng.uniform(-1, 1, shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.uniform(-1, 1, shape)
    a = a + n * np.eye(n)
    a = a.astype(dtype)
    if layout == "C":
        return np.ascontiguousarray(a)
    if layout == "F":
        return np.asfortranarray(a)
    if layout == "T":
        return np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)
    if layout == "neg":
        big = np.empty(shape[:-2] + (n, 2 * n), dtype)
        big[..., ::-1, ::-2] = a
        return big[..., ::-1, ::-2]
    if layout == "outer-step":
        big = np.empty((2,) + shape, dtype)
        big[1] = a
        return big[1]
    raise ValueError(layout)


LAYOUTS = ["C", "F", "T", "neg", "outer-step"]


def out_like(shape, dtype, layout):
    buf = np.full(shape, 7, dtype)
    if layout == "neg" and len(shape) >= 1:
        return np.full(shape, 7, dtype)[..., ::-1][..., ::-1]
    if layout == "F" and len(shape) >= 2:
        return np.asfortranarray(buf)
    return buf


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_inv_det_slogdet_match_numpy(C, dtype, layout):
    rng = np.random.default_rng(zlib.crc32(repr((str(dtype), layout)).encode()))
    for shape in [(1, 1), (2, 2), (3, 3), (4, 4), (5, 3, 3), (2, 3, 4, 4), (7, 10, 10),
                  (2, 17, 17), (40, 40), (3, 0, 0), (0, 4, 4)]:
        a = random_stack(rng, shape, dtype, layout)
        x = out_like(shape, dtype, layout)
        rc, info = call(C, "inv", a, x)
        assert rc == 0, C[0].string(info.message)
        np.testing.assert_allclose(x, npu.inv(a), rtol=RTOL[dtype], atol=RTOL[dtype])
        d = out_like(shape[:-2], dtype, layout)
        assert call(C, "det", a, d)[0] == 0
        np.testing.assert_allclose(d, npu.det(a), rtol=RTOL[dtype] * shape[-1] + RTOL[dtype])
        s = out_like(shape[:-2], dtype, layout)
        real = np.empty(0, dtype).real.dtype
        l = out_like(shape[:-2], real, layout)
        assert call(C, "slogdet", a, s, l)[0] == 0
        ns, nl = npu.slogdet(a)
        np.testing.assert_allclose(s, ns, rtol=RTOL[dtype], atol=RTOL[dtype])
        np.testing.assert_allclose(l, nl, rtol=RTOL[dtype], atol=RTOL[dtype] * 10)


@pytest.mark.parametrize("dtype", DTYPES)
def test_solve_and_solve1_broadcast_match_numpy(C, dtype):
    rng = np.random.default_rng(7)
    cases = [((3, 3), (3, 2)), ((4, 3, 3), (4, 3, 1)), ((3, 3), (5, 3, 4)),
             ((2, 1, 5, 5), (3, 5, 2)), ((6, 6), (6, 0)), ((0, 2, 2), (0, 2, 3)), ((12, 12), (12, 12))]
    for layout in LAYOUTS:
        for ashape, bshape in cases:
            a = random_stack(rng, ashape, dtype, layout)
            b = rng.uniform(-1, 1, bshape).astype(dtype)
            if layout == "neg":
                b = np.flip(np.flip(b, -1).copy(), -1)
            expect = npu.solve(a, b)
            x = np.full(expect.shape, 7, dtype)
            rc, info = call(C, "solve", a, b, x)
            assert rc == 0, C[0].string(info.message)
            np.testing.assert_allclose(x, expect, rtol=RTOL[dtype], atol=RTOL[dtype])
            b1 = rng.uniform(-1, 1, bshape[:-1]).astype(dtype)
            expect1 = npu.solve1(a, b1)
            x1 = np.full(expect1.shape, 7, dtype)
            assert call(C, "solve1", a, b1, x1)[0] == 0
            np.testing.assert_allclose(x1, expect1, rtol=RTOL[dtype], atol=RTOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_singular_inside_stack_like_numpy(C, dtype):
    a = np.array([np.eye(3), [[1, 2, 3], [2, 4, 6], [0, 0, 1]], 2 * np.eye(3)], dtype)
    a[1, :, 1] = 0       # a zero column: exactly singular for LAPACK and us
    x = np.empty_like(a)
    rc, info = call(C, "inv", a, x)
    assert rc == C[1].UL_ESINGULAR and info.nfailed == 1 and info.first_failed == 1
    with np.errstate(invalid="ignore"):
        expect = npu.inv(a)
    np.testing.assert_array_equal(np.isnan(x), np.isnan(expect))
    np.testing.assert_allclose(x[[0, 2]], expect[[0, 2]])
    d = np.empty(3, dtype)
    assert call(C, "det", a, d)[0] == 0
    assert d[1] == 0 == npu.det(a)[1]          # singular: exactly 0, as numpy
    np.testing.assert_allclose(d, npu.det(a), rtol=RTOL[dtype])
    s = np.empty(3, dtype)
    l = np.empty(3, np.empty(0, dtype).real.dtype)
    call(C, "slogdet", a, s, l)
    ns, nl = npu.slogdet(a)
    assert s[1] == 0 and l[1] == -np.inf and ns[1] == 0 and nl[1] == -np.inf
    np.testing.assert_array_equal(s, ns)
    np.testing.assert_allclose(l, nl, rtol=RTOL[dtype])


def test_nan_input_like_numpy(C):
    a = np.array([[np.nan, 0], [0, 1.0]])
    x = np.empty_like(a)
    rc, info = call(C, "inv", a, x)
    with np.errstate(invalid="ignore"):
        expect = npu.inv(a)
    assert rc == 0 and info.nfailed == 0
    np.testing.assert_array_equal(np.isnan(x), np.isnan(expect))


def test_errors_write_nothing(C):
    a = np.ones((2, 3, 4))
    x = np.full((2, 3, 4), 7.0)
    rc, info = call(C, "inv", a, x)
    assert rc == C[1].UL_ESHAPE
    assert b"mismatch in its core dimension 1" in C[0].string(info.message)
    assert (x == 7).all()
    rc, info = call(C, "inv", np.eye(3, dtype=np.int64), np.zeros((3, 3), np.int64))
    assert rc == C[1].UL_EBADTYPE
