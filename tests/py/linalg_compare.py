"""Shared helpers of the CPython tests of pypy_compat.linalg against
numpy.linalg 1.24 (test_pypy_compat_linalg_full.py, _norms_misc.py):
random inputs, layouts, result comparison, error comparison."""
import pytest

from pypy_compat.linalg import LinAlgError
from pypy_compat._linalg_gufuncs import has_gufunc

import numpy as np
L = np.linalg


def needs(*names):
    missing = [n for n in names if not has_gufunc(n)]
    return pytest.mark.skipif(bool(missing), reason="libumath_linalg has no "
                              "gufunc %s yet" % ", ".join(missing))


DTYPES = ["f4", "f8", "c8", "c16", "i4", "i8", "?"]
TOL = {"f": 2e-4, "c": 2e-4}


def tol_of(*arrays):
    single = all(np.asarray(a).dtype.char in "fF" for a in arrays)
    return 2e-4 if single else 1e-9


def rand(shape, dtype, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape) * scale
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    if np.dtype(dtype).kind in "iu":
        a = np.round(a * 3)
    if dtype == "?":
        a = a > 0
    return a.astype(dtype)


def layouts(a):
    """a as C, Fortran-ordered, a transposed view, a negative-stride view
    and an odd-strided view (same values)."""
    yield "C", np.ascontiguousarray(a)
    yield "F", np.asfortranarray(a)
    if a.ndim >= 2:
        t = np.ascontiguousarray(np.swapaxes(a, -1, -2))
        yield "T", np.swapaxes(t, -1, -2)
        r = np.ascontiguousarray(a[..., ::-1, :])
        yield "neg", r[..., ::-1, :]
    big = np.zeros(a.shape[:-1] + (a.shape[-1] * 3,), a.dtype)
    big[..., ::3] = a
    yield "odd", big[..., ::3]


def same(ours, ref, tol, dtype=True):
    if isinstance(ref, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(ref)
        for o, r in zip(ours, ref):
            same(o, r, tol, dtype)
        return
    o, r = np.asarray(ours), np.asarray(ref)
    assert o.shape == r.shape, (o.shape, r.shape)
    if dtype:
        assert o.dtype == r.dtype, (o.dtype, r.dtype)
    if o.dtype.kind in "biu" and r.dtype.kind in "biu":
        assert (o == r).all()
        return
    scale = max(1.0, float(np.nanmax(np.abs(r))) if r.size else 1.0)
    assert np.allclose(o, r, rtol=tol, atol=tol * scale, equal_nan=True), \
        (o, r)


def raises_like(f, g, *args, **kw):
    """f raises what numpy's g raises: same class family and message."""
    with pytest.raises(Exception) as e0:
        g(*args, **kw)
    with pytest.raises(Exception) as e1:
        f(*args, **kw)
    if isinstance(e0.value, L.LinAlgError):
        assert isinstance(e1.value, LinAlgError)
    else:
        assert isinstance(e1.value, type(e0.value).__mro__[-3]) or \
            type(e1.value).__name__ == type(e0.value).__name__, \
            (e1.value, e0.value)
    assert str(e1.value) == str(e0.value)


def spd(shape, dtype, seed=0):
    a = rand(shape, "c16" if np.dtype(dtype).kind == "c" else "f8", seed)
    n = shape[-1]
    a = a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)
    if np.dtype(dtype).kind in "iu?":
        a = np.round(a)
    return a.astype(dtype) if dtype != "?" else \
        np.broadcast_to(np.eye(n, dtype=bool), shape).copy()


SQUARE = [(0, 0), (1, 1), (3, 3), (5, 5), (2, 4, 4), (0, 3, 3), (2, 0, 0),
          (2, 1, 3, 3)]
RECT = [(3, 5), (5, 3), (4, 4), (1, 4), (2, 3, 5), (2, 5, 3), (0, 3),
        (3, 0), (0, 0), (2, 0, 4), (2, 4, 0)]


def _herm(shape, dtype, seed=0):
    a = rand(shape, dtype, seed)
    if a.dtype.kind in "fc":
        a = a + np.conj(np.swapaxes(a, -1, -2))
    else:
        a = a | a.swapaxes(-1, -2) if dtype == "?" else a + a.swapaxes(-1, -2)
    return a
