"""The small SVD kernels (square n <= 10, float32 and float64:
c/small/ul_kern_svd.tmpl.h) against numpy's own `_umath_linalg` svd loops,
through `umath_linalg.gufunc(name)` (the C driver) and the numpy backend
(numpy calls our loop), on the layouts of test_svd_numpy.py.

The kernel is one-sided Jacobi, not numpy's ?gesdd, so the results are
compared by LAPACK's criteria instead of bits: singular values within
(3n + 8) eps s_1 of numpy's, ||A - U S V^T||_1 / (n ||A||_1 eps),
||I - U^T U||_1 / (n eps) and ||I - V V^T||_1 / (n eps) below 30. A NaN
matrix in a stack gets numpy's bits (the kernel leaves it to ?gesdd) and
FE_INVALID; the rest of the stack is computed. CPython only (numpy).
"""
import sys

import zlib

import pytest

np = pytest.importorskip("numpy")
if sys.implementation.name != "cpython":  # pragma: no cover
    pytest.skip("needs numpy (CPython)", allow_module_level=True)

from numpy.linalg import _umath_linalg as npu  # noqa: E402

import umath_linalg  # noqa: E402
from pypy_compat import numpy_backend  # noqa: E402
from test_svd_numpy import LAYOUTS, NAMES, layout, numpy_ref, outputs  # noqa: E402

DTYPES = (np.float32, np.float64)
SHAPES = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (8, 8), (10, 10), (37, 3, 3),
          (5, 2, 2), (2, 3, 4, 4), (17, 10, 10), (0, 3, 3)]


def norm1(x):
    """||x||_1 of each matrix of a stack, in float64"""
    return np.abs(x.astype(np.float64)).sum(axis=-2).max(axis=-1)


def assert_like_numpy(name, a, got, ref):
    """got (our outputs) against ref (numpy's) for input a, LAPACK's way."""
    n = a.shape[-1]
    eps = np.finfo(a.dtype).eps / 2         # LAPACK's eps (unit roundoff)
    s, s_ref = (got[0], ref[0]) if len(got) == 1 else (got[1], ref[1])
    assert s.dtype == s_ref.dtype and s.shape == s_ref.shape, name
    if a.dtype == np.float32:
        # against the exact values (float64's), not ?sgesdd's, whose own
        # error (~4 ulps) would add to ours (seen: 11 ulps apart in 1e5)
        s_ref = np.linalg.svd(a.astype(np.float64), compute_uv=False)
    tol = (3 * n + 8) * eps * s_ref[..., :1]
    assert (np.abs(s - s_ref) <= tol).all(), name
    assert (np.diff(s, axis=-1) <= 0).all() and (s >= 0).all(), name
    if len(got) == 1:
        return
    u, vt = (g.astype(np.float64) for g in (got[0], got[2]))
    assert got[0].dtype == a.dtype and got[2].shape == ref[2].shape, name
    a64 = a.astype(np.float64)
    back = (u * s.astype(np.float64)[..., None, :]) @ vt
    eye = np.eye(n)
    resid = norm1(a64 - back) / (n * np.maximum(norm1(a64), 1e-300) * eps)
    orth_u = norm1(np.swapaxes(u, -1, -2) @ u - eye) / (n * eps)
    orth_v = norm1(vt @ np.swapaxes(vt, -1, -2) - eye) / (n * eps)
    assert resid.max(initial=0) < 30, (name, resid.max())
    assert orth_u.max(initial=0) < 30 and orth_v.max(initial=0) < 30, name


def rand(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", LAYOUTS)
def test_small_svd_like_numpy(dtype, kind):
    # a fixed seed per case (hash() of a str changes with every process)
    rng = np.random.default_rng(zlib.crc32((np.dtype(dtype).char + kind).encode()))
    backend = numpy_backend.gufuncs()
    for shape in SHAPES:
        a = layout(rand(rng, shape, dtype), kind)
        for name in NAMES:
            what = "%s %s %s %s" % (name, np.dtype(dtype), shape, kind)
            ref = numpy_ref(name, a)
            for route, f in (("umath_linalg", umath_linalg.gufunc(name)),
                             ("backend", backend[name])):
                got = outputs(ref)
                f(a, out=got if len(got) > 1 else got[0])
                assert_like_numpy(what + " " + route, a, got, ref)
                if kind == "broadcast" and a.size:   # lanes of one matrix agree
                    for g in got:
                        assert (g == g[:1]).all(), what


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_matrix_in_small_stack(dtype):
    """numpy's bits for the NaN matrix (LAPACK's lane), FE_INVALID raised,
    the others computed."""
    rng = np.random.default_rng(8)
    a = rand(rng, (20, 3, 3), dtype)
    a[13, 1, 2] = np.nan
    backend = numpy_backend.gufuncs()
    for name in NAMES:
        ref = numpy_ref(name, a)
        for f in (umath_linalg.gufunc(name), backend[name]):
            got = outputs(ref)
            with np.errstate(invalid="ignore"):
                f(a, out=got if len(got) > 1 else got[0])
            for g, r in zip(got, ref):
                assert g[13].tobytes() == r[13].tobytes(), name
            keep = np.arange(20) != 13
            assert_like_numpy(name, a[keep], tuple(g[keep] for g in got),
                              tuple(r[keep] for r in ref))
        with pytest.raises(FloatingPointError), \
                np.errstate(invalid="raise", divide="ignore"):
            backend[name](a)


def test_linalg_svd_with_backend():
    """np.linalg.svd and svdvals on small square stacks with the backend
    installed: numpy's results to LAPACK's criteria."""
    rng = np.random.default_rng(12)
    cases = [rand(rng, s, d) for s in [(3, 3), (50, 2, 2), (4, 6, 6)] for d in DTYPES]
    ref = [(np.linalg.svd(a), np.linalg.svd(a, compute_uv=False)) for a in cases]
    numpy_backend.install()
    try:
        got = [(np.linalg.svd(a), np.linalg.svd(a, compute_uv=False)) for a in cases]
    finally:
        numpy_backend.uninstall()
    for a, (f, v), (gf, gv) in zip(cases, ref, got):
        assert_like_numpy("linalg.svd", a, tuple(gf), tuple(f))
        assert_like_numpy("linalg.svdvals", a, (gv,), (v,))
