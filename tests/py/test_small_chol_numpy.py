"""The small-n Cholesky kernels (float32/float64, n <= 16, SIMD across the
stack) against numpy's own ``numpy.linalg._umath_linalg.cholesky_lo`` and
``numpy.linalg.cholesky`` (CPython only), through both routes to the
library's loops (``umath_linalg.gufunc`` and the numpy backend).

Stack sizes around the vector widths (1, 2, 3, 5, 8, 9, 17, 33 matrices),
n = 1..18 (17, 18: the LAPACK path), layouts: C, Fortran, negative
strides, an outer step, misaligned (a byte offset of 1), broadcast, empty;
a matrix that fails (not positive definite, NaN) at several stack
positions: NaN in the same places as numpy; cholesky_up (numpy 2.0's) as
numpy's cholesky_lo of the transpose, transposed.
"""
import importlib
import sys
import zlib

import pytest

np = pytest.importorskip("numpy")
if sys.implementation.name != "cpython":  # pragma: no cover
    pytest.skip("needs CPython's numpy", allow_module_level=True)

import umath_linalg as ul
backend = importlib.import_module("pypy_compat.numpy_backend")
npu = importlib.import_module("numpy.linalg._umath_linalg")

DTYPES = [np.float32, np.float64]
COUNTS = [1, 2, 3, 5, 8, 9, 17, 33]
LAYOUTS = ["C", "F", "neg", "outer-step", "misaligned", "broadcast"]


def route(kind, name):
    if kind == "gufunc":
        return ul.gufunc(name)
    return backend.gufuncs()[name]


def spd(rng, count, n, dtype):
    a = rng.standard_normal((count, n, n))
    return (a @ np.swapaxes(a, -1, -2) / n + np.eye(n)).astype(dtype)


def layout(a, kind):
    """The values of a in memory layout `kind` (same shape)."""
    if kind == "C":
        return np.ascontiguousarray(a)
    if kind == "F":
        return np.asfortranarray(a)
    if kind == "neg":
        return np.ascontiguousarray(a[::-1, ::-1, ::-1])[::-1, ::-1, ::-1]
    if kind == "outer-step":
        big = np.zeros((a.shape[0], 2) + a.shape[1:], a.dtype)
        big[:, 1] = a
        return big[:, 1]
    if kind == "misaligned":
        buf = np.zeros(a.nbytes + 1, np.uint8)
        m = buf[1:].view(a.dtype).reshape(a.shape)
        m[...] = a
        assert not m.flags.aligned
        return m
    if kind == "broadcast":
        return np.broadcast_to(a[:1], a.shape)
    raise ValueError(kind)


def tol(dtype, n):
    return (5e-6 if dtype == np.float32 else 1e-13) * n


def check(mine, ref, dtype, n):
    assert mine.shape == ref.shape and mine.dtype == ref.dtype
    assert np.array_equal(np.isnan(mine), np.isnan(ref))
    assert np.array_equal(mine[np.isinf(ref)], ref[np.isinf(ref)])   # [[inf]] -> [[inf]]
    ok = np.isfinite(ref)
    scale = np.max(np.abs(ref[ok]), initial=1.0)
    assert np.max(np.abs(mine[ok] - ref[ok]), initial=0.0) <= tol(dtype, n) * scale
    # the other triangle exactly +0 where a factor was computed
    upper = np.triu(np.ones((n, n), bool), 1)
    good = np.isfinite(ref).all(axis=(-1, -2))
    assert np.all(mine[good][:, upper] == 0) and not np.signbit(mine[good][:, upper]).any()


@pytest.mark.parametrize("via", ["gufunc", "backend"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", LAYOUTS)
def test_cholesky_lo_matches_numpy(via, dtype, kind):
    rng = np.random.default_rng(zlib.crc32(repr((via, str(dtype), kind)).encode()))
    f = route(via, "cholesky_lo")
    for n in range(1, 19):
        for count in COUNTS:
            a = layout(spd(rng, count, n, dtype), kind)
            check(f(a), npu.cholesky_lo(np.ascontiguousarray(a)), dtype, n)


@pytest.mark.parametrize("via", ["gufunc", "backend"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_cholesky_up_is_lo_of_transpose(via, dtype):
    rng = np.random.default_rng(7)
    f = route(via, "cholesky_up")
    for n in range(1, 19):
        for count in COUNTS:
            a = spd(rng, count, n, dtype)
            a += np.tril(rng.standard_normal((n, n)), -1).astype(dtype)   # unread
            mine = f(a)
            ref = np.swapaxes(npu.cholesky_lo(np.ascontiguousarray(np.swapaxes(a, -1, -2))), -1, -2)
            check(np.ascontiguousarray(np.swapaxes(mine, -1, -2)),
                  np.ascontiguousarray(np.swapaxes(ref, -1, -2)), dtype, n)


@pytest.mark.parametrize("via", ["gufunc", "backend"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_failures_where_numpy_fails(via, dtype):
    """Not positive definite, zero, NaN, Inf: the same matrices NaN as in
    numpy's loop, the others computed; the unread triangle never matters."""
    rng = np.random.default_rng(11)
    f = route(via, "cholesky_lo")
    for n in (1, 2, 3, 4, 7, 10, 16):
        for count in (1, 5, 9, 17):
            a = spd(rng, count, n, dtype)
            a[:, np.triu_indices(n, 1)[0], np.triu_indices(n, 1)[1]] = np.nan   # unread
            for pos, bad in zip(range(0, count, 4), ("neg", "zero", "nan", "inf", "neg")):
                if bad == "neg":
                    a[pos, n - 1, n - 1] = -1
                elif bad == "zero":
                    a[pos] = 0
                else:
                    a[pos, n - 1, 0] = np.nan if bad == "nan" else np.inf
            with np.errstate(invalid="ignore"):
                ref = npu.cholesky_lo(a)
                mine = f(a)
            assert np.isnan(mine[0]).all()
            check(mine, ref, dtype, n)


def test_empty_and_numpy_linalg_cholesky():
    f = route("gufunc", "cholesky_lo")
    for shape in ((0, 4, 4), (3, 0, 0), (2, 0, 3, 3)):
        a = np.zeros(shape)
        assert f(a).shape == npu.cholesky_lo(a).shape
    # numpy.linalg.cholesky on the backend's loop: the same factor, and
    # numpy's LinAlgError for a matrix that is not positive definite
    rng = np.random.default_rng(3)
    a = spd(rng, 12, 4, np.float64)
    expect = np.linalg.cholesky(a)
    backend.install()
    try:
        assert np.allclose(np.linalg.cholesky(a), expect, rtol=1e-13, atol=1e-13)
        a[5, 2, 2] = -1
        with pytest.raises(np.linalg.LinAlgError, match="Matrix is not positive definite"):
            np.linalg.cholesky(a)
    finally:
        backend.uninstall()
