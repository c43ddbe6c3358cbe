"""The small-n symmetric eigen kernels (eigh_lo/up, eigvalsh_lo/up, float32
and float64, n <= 8: c/small/ul_kern_eigh.tmpl.h) against numpy's own
``numpy.linalg._umath_linalg`` loops (CPython only), through the numpy
backend (our loops as real numpy gufuncs) and umath_linalg.gufunc.

Stacks of 1..37 matrices (partial lane groups) in several layouts; inputs
random, graded, clustered and repeated eigenvalues, scaled near underflow
and overflow, zero, identity. Eigenvalues within 16 ulps of the largest of
numpy's; eigenvectors by LAPACK's ratios (residual and orthogonality
< 30; signs are not compared, LAPACK defines none); only the named
triangle read. Matrices with NaN/Inf or entries near overflow go to LAPACK
in the kernel: their results are numpy's, bit for bit.
"""
import importlib
import sys

import pytest

np = pytest.importorskip("numpy")
if sys.implementation.name != "cpython":  # pragma: no cover
    pytest.skip("needs CPython's numpy", allow_module_level=True)

import umath_linalg as ul
backend = importlib.import_module("pypy_compat.numpy_backend")
npu = importlib.import_module("numpy.linalg._umath_linalg")
from test_cholesky_eigh_numpy import layout  # noqa: E402  (C, F, neg, outer-step, broadcast)

DTYPES = [np.float32, np.float64]
KINDS = ["random", "graded", "cluster", "repeated", "tiny", "huge", "zero", "identity"]
LAYOUTS = ["C", "F", "neg", "outer-step", "broadcast"]


def symmetric(rng, count, n, dtype, kind):
    """count symmetric n x n matrices of the given kind (float64 values)."""
    q, _ = np.linalg.qr(rng.standard_normal((count, n, n)))
    eps = float(np.finfo(dtype).eps)
    k = np.arange(n)
    lam = {"graded": np.where(k % 2, -1.0, 1.0) * 10.0 ** (-(6 if eps > 1e-10 else 12) * k / max(n - 1, 1)),
           "cluster": np.where(k == n - 1, 2.0, 1 + 100 * eps * k),
           "repeated": np.ones(n)}.get(kind)
    if lam is None:
        a = rng.standard_normal((count, n, n))
        a = a + np.swapaxes(a, -1, -2)
    else:
        a = (q * lam) @ np.swapaxes(q, -1, -2)
        a = (a + np.swapaxes(a, -1, -2)) / 2
    if kind == "tiny":
        a *= 1e-35 if eps > 1e-10 else 1e-300
    if kind == "huge":
        a *= 1e35 if eps > 1e-10 else 1e300
    if kind == "zero":
        a[...] = 0
    if kind == "identity":
        a[...] = np.eye(n)
    return a.astype(dtype)


def routes():
    table = backend.gufuncs()
    return {"backend": table.__getitem__, "gufunc": ul.gufunc}


def with_other_triangle(a, side, value):
    """a with the triangle the `side` loop must not read set to value."""
    n = a.shape[-1]
    mask = np.triu(np.ones((n, n), bool), 1) if side == "lo" else np.tril(np.ones((n, n), bool), -1)
    b = np.array(a)
    b[..., mask] = value
    return b


def check(a, w, v, w_np, dtype):
    eps = float(np.finfo(dtype).eps)
    n = a.shape[-1]
    a64, w64 = a.astype(np.float64), w.astype(np.float64)
    wmax = np.max(np.abs(w_np.astype(np.float64)), axis=-1, keepdims=True)
    ulps = np.abs(w64 - w_np) / np.where(wmax > 0, eps * wmax, 1)
    assert ulps.max(initial=0) <= 16, ulps.max()
    assert np.all(np.diff(w64, axis=-1) >= 0)
    if v is None:
        return
    v64 = v.astype(np.float64)
    r = a64 - (v64 * w64[..., None, :]) @ np.swapaxes(v64, -1, -2)
    norm1 = lambda x: np.max(np.sum(np.abs(x), axis=-2), axis=-1)
    na = norm1(a64)
    res = norm1(r) / np.where(na > 0, n * na * eps / 2, 1)
    orth = norm1(np.eye(n) - np.swapaxes(v64, -1, -2) @ v64) / (n * eps / 2)
    assert res.max() < 30 and orth.max() < 30, (res.max(), orth.max())


@pytest.mark.parametrize("route", ["backend", "gufunc"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", range(1, 9))
def test_small_eigh_against_numpy(route, dtype, n):
    rng = np.random.default_rng(1000 * n + (dtype == np.float32))
    f = routes()[route]
    for kind in KINDS:
        for lay in LAYOUTS:
            count = int(rng.integers(1, 38))
            base = symmetric(rng, count, n, dtype, kind)
            a = np.array(layout(base, lay))         # the values the loops see
            for side in ("lo", "up"):
                g = layout(with_other_triangle(base, side, np.nan), lay)   # never read
                w_np, _ = getattr(npu, "eigh_" + side)(g)
                w, v = f("eigh_" + side)(g)
                check(a, w, v, w_np, dtype)
                wv = f("eigvalsh_" + side)(g)
                assert np.array_equal(wv, w)     # the same rotations
                check(a, wv, None, w_np, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_lapack_lanes_are_numpys_bits(dtype):
    """NaN, Inf and near-overflow matrices among ordinary ones: LAPACK's
    result for those (numpy's bits, NaN where it fails), the rest computed."""
    rng = np.random.default_rng(5)
    table = backend.gufuncs()
    big = float(np.finfo(dtype).max) / 4
    for n in range(1, 9):
        a = symmetric(rng, 23, n, dtype, "random")
        a[3, 0, 0] = np.nan
        a[7, n - 1, 0] = a[7, 0, n - 1] = np.inf
        a[11] = (a[11] / np.abs(a[11]).max() * big).astype(dtype)
        with np.errstate(all="ignore"):
            for side in ("lo", "up"):
                w, v = table["eigh_" + side](a)
                w_np, v_np = getattr(npu, "eigh_" + side)(a)
                for k in (3, 7, 11):
                    assert np.array_equal(w[k], w_np[k], equal_nan=True)
                    assert np.array_equal(v[k], v_np[k], equal_nan=True)
                wv = table["eigvalsh_" + side](a)
                wv_np = getattr(npu, "eigvalsh_" + side)(a)
                for k in (3, 7, 11):
                    assert np.array_equal(wv[k], wv_np[k], equal_nan=True)
                rest = [k for k in range(23) if k not in (3, 7, 11)]
                check(a[rest], w[rest], v[rest], w_np[rest], dtype)


def test_kernel_is_live():
    """Jacobi rounds differently from ?syevd: some eigenvalues differ from
    numpy's in the last bits (else the kernel was not used)."""
    a = symmetric(np.random.default_rng(9), 64, 3, np.float64, "random")
    w = backend.gufuncs()["eigvalsh_lo"](a)
    assert not np.array_equal(w, npu.eigvalsh_lo(a))
