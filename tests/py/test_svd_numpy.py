"""The SVD loops (svd_m, svd_n, svd_m_s, svd_n_s, svd_m_f, svd_n_f) against
numpy's own `numpy.linalg._umath_linalg` on the same inputs.

Two routes: `umath_linalg.gufunc(name)` (cffi, the C driver) and the numpy
backend (pypy_compat.numpy_backend: the library's loops as real numpy
gufuncs). Both run the same OpenBLAS ?gesdd as numpy on the same Fortran
copy, so the results are required to be bit-identical to numpy's (NaN
where numpy has NaN), not merely close. Outputs are pre-filled, so the
elements numpy leaves unwritten (svd_m with m > n) must match as well.
CPython only: it needs numpy.
"""
import os
import sys
import zlib

import pytest

np = pytest.importorskip("numpy")
if sys.implementation.name != "cpython":  # pragma: no cover
    pytest.skip("needs numpy (CPython)", allow_module_level=True)

from numpy.linalg import _umath_linalg as npu  # noqa: E402

import umath_linalg  # noqa: E402
from pypy_compat import numpy_backend  # noqa: E402

NAMES = ("svd_m", "svd_n", "svd_m_s", "svd_n_s", "svd_m_f", "svd_n_f")
DTYPES = (np.float32, np.float64, np.complex64, np.complex128)
SHAPES = [(1, 1), (1, 5), (5, 1), (2, 3), (3, 2), (4, 4), (3, 2, 6), (2, 6, 2),
          (2, 3, 5, 5), (7, 9), (9, 7), (25, 40), (40, 25), (3, 0, 4), (2, 4, 0),
          (0, 3, 3), (0, 0), (6, 33, 17), (70, 40)]
LAYOUTS = ("C", "F", "T", "neg", "odd", "outer-step", "broadcast")


def rand(rng, shape, dtype):
    a = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


def layout(a, kind):
    """a (..., m, n) as a view with the same values in another layout."""
    if kind == "C":
        return np.ascontiguousarray(a)
    if kind == "F":
        return np.asfortranarray(a)
    if kind == "T":
        return np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)
    if kind == "neg":
        big = np.empty(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
        big[..., ::-1, ::-2] = a
        return big[..., ::-1, ::-2]
    if kind == "odd":      # misaligned (one byte off) with odd byte strides
        if a.size == 0:
            return a
        strides = tuple(3 * st for st in np.ascontiguousarray(a).strides)
        raw = np.zeros(3 * a.nbytes + 1, np.uint8)
        v = np.ndarray(a.shape, a.dtype, raw.data, 1, strides)
        v[...] = a
        return v
    if kind == "outer-step":
        big = np.empty((2,) + a.shape, a.dtype)
        big[1] = a
        return big[1]
    if kind == "broadcast":  # a stack of 3 with outer step 0
        if a.ndim > 2 and a.shape[0] == 0:
            return a
        return np.broadcast_to(a[(0,) * (a.ndim - 2)], (3,) + a.shape[-2:])
    raise ValueError(kind)


def outputs(ref):
    """Pre-filled outputs shaped and typed like numpy's results."""
    return tuple(np.full(r.shape, 7, r.dtype) for r in ref)


def numpy_ref(name, a):
    f = getattr(npu, name)
    with np.errstate(invalid="ignore", divide="ignore"):
        outs = outputs(f(a) if f.nout > 1 else (f(a),))
        f(a, out=outs if f.nout > 1 else outs[0])
    return outs


def kernel_takes(a):
    """The small SVD kernels (square n <= 10, float32/float64) take this
    input: their results are Jacobi's, checked against numpy's by LAPACK's
    criteria in test_small_svd_numpy.py, not by bits."""
    return (a.dtype in (np.float32, np.float64) and a.ndim >= 2 and
            a.shape[-1] == a.shape[-2] and 1 <= a.shape[-1] <= 10 and a.size > 0)


def assert_identical(got, ref, what):
    for g, r in zip(got, ref):
        assert g.dtype == r.dtype and g.shape == r.shape, what
        np.testing.assert_array_equal(g, r, err_msg=what)     # NaN == NaN here
        # the same bits: signed zeros, NaN payloads
        assert np.ascontiguousarray(g).tobytes() == np.ascontiguousarray(r).tobytes(), what


@pytest.fixture(scope="module")
def backend_ufuncs():
    return numpy_backend.gufuncs()


def test_rows_match_numpy(backend_ufuncs):
    for name in NAMES:
        ours, theirs = umath_linalg.gufunc(name), getattr(npu, name)
        assert ours.signature == theirs.signature
        assert list(ours.types) == theirs.types and ours.nin == 1
        assert ours.nout == theirs.nout
        b = backend_ufuncs[name]
        assert b.signature == theirs.signature and b.types == theirs.types
        assert b.__doc__.split("\n\n", 1)[1] == theirs.__doc__.split("\n\n", 1)[1]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", LAYOUTS)
def test_bit_identical_to_numpy(backend_ufuncs, dtype, kind):
    rng = np.random.default_rng(zlib.crc32(repr((np.dtype(dtype).char, kind)).encode()))
    for shape in SHAPES:
        a = layout(rand(rng, shape, dtype), kind)
        if kernel_takes(a):
            continue
        for name in NAMES:
            what = "%s %s %s %s" % (name, np.dtype(dtype), shape, kind)
            ref = numpy_ref(name, a)
            # umath_linalg.gufunc(name): through the C driver
            got = outputs(ref)
            umath_linalg.gufunc(name)(a, out=got if len(got) > 1 else got[0])
            assert_identical(got, ref, what + " (umath_linalg)")
            # the numpy backend: numpy calls our loop
            got = outputs(ref)
            backend_ufuncs[name](a, out=got if len(got) > 1 else got[0])
            assert_identical(got, ref, what + " (backend)")


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_matrix_like_numpy(backend_ufuncs, dtype):
    """A NaN input: numpy gives NaN for that matrix, computes the rest, and
    raises FE_INVALID (FloatingPointError under errstate(invalid='raise')).
    (numpy's svd_m/svd_n also leave ?gesdd's FE_DIVBYZERO set on a failure;
    the library's FP protocol, ul_fp.c, leaves FE_INVALID alone: not
    visible through linalg.py, whose errstate ignores divide.)"""
    rng = np.random.default_rng(5)
    a = rand(rng, (3, 4, 3), dtype)
    a[1, 2, 0] = np.nan
    for name in NAMES:
        ref = numpy_ref(name, a)
        for r in ref:    # (what numpy leaves unwritten keeps the fill, 7)
            assert (np.isnan(r[1]) | (r[1] == 7)).all() and np.isnan(r[1]).any()
            assert not np.isnan(r[[0, 2]]).any()
        for f in (getattr(npu, name), backend_ufuncs[name]):
            with pytest.raises(FloatingPointError), \
                    np.errstate(invalid="raise", divide="ignore"):
                f(a)
        got = outputs(ref)
        umath_linalg.gufunc(name)(a, out=got if len(got) > 1 else got[0])
        assert_identical(got, ref, name)
        got = outputs(ref)
        with np.errstate(invalid="ignore"):
            backend_ufuncs[name](a, out=got if len(got) > 1 else got[0])
        assert_identical(got, ref, name + " (backend)")


def test_inf_input_like_numpy(backend_ufuncs):
    a = np.array([[np.inf, 1.0], [2.0, 3.0]])
    for name in NAMES:
        ref = numpy_ref(name, a)
        got = outputs(ref)
        with np.errstate(invalid="raise", divide="ignore"):
            try:
                getattr(npu, name)(a)
                raised = False
            except FloatingPointError:
                raised = True
            try:
                backend_ufuncs[name](a, out=got if len(got) > 1 else got[0])
                ours_raised = False
            except FloatingPointError:
                ours_raised = True
        assert raised == ours_raised, name
        # numpy's singular values are NaN (x86's negative default NaN);
        # ours too, and U and VT NaN rather than what ?gesdd leaves: it is
        # not given Inf, on which it can hang.
        assert np.isnan(ref[0 if len(ref) == 1 else 1]).all(), name
        assert all(np.isnan(x).all() for x in got), name


def test_linalg_svd_with_backend_is_numpys():
    """np.linalg.svd / svdvals paths (svd_n_s, svd_m_f, svd_n ...) with the
    backend installed give numpy's bits."""
    rng = np.random.default_rng(11)
    cases = [rand(rng, s, d) for s in [(5, 3), (3, 5), (4, 6, 6), (2, 0, 3)]
             for d in DTYPES]
    ref = [(np.linalg.svd(a), np.linalg.svd(a, full_matrices=False),
            np.linalg.svd(a, compute_uv=False)) for a in cases]
    numpy_backend.install()
    try:
        got = [(np.linalg.svd(a), np.linalg.svd(a, full_matrices=False),
                np.linalg.svd(a, compute_uv=False)) for a in cases]
        with pytest.raises(np.linalg.LinAlgError, match="SVD did not converge"):
            np.linalg.svd(np.array([[np.nan, 1.0], [1.0, 1.0]]))
    finally:
        numpy_backend.uninstall()
    for a, (f, s, v), (gf, gs, gv) in zip(cases, ref, got):
        if kernel_takes(a):     # (4, 6, 6) real: test_small_svd_numpy.py
            continue
        for x, y in zip(f + s, gf + gs):
            np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(v, gv)


def test_inf_input_fails_instead_of_hanging():
    """OpenBLAS 0.3.21's ?gesdd loops forever on eye(3) with a[0, 0] or
    a[1, 0] = Inf (numpy's own svd_n_f hangs there, float32 and float64):
    ours gives NaN outputs and returns. Run in a child so that a hang fails
    the test."""
    import subprocess
    import sys
    code = (
        "import numpy as np, umath_linalg as ul\n"
        "for name in ('svd_n_f', 'svd_n_s', 'svd_n'):\n"
        "    for n, pos, dt in [(3, (0, 0), 'f8'), (3, (1, 0), 'f4'), (12, (0, 0), 'f8'),\n"
        "                       (20, (1, 0), 'f8')]:\n"
        "        a = np.eye(n, dtype=dt); a[pos] = np.inf\n"
        "        res = ul.gufunc(name)(a)\n"
        "        res = res if isinstance(res, tuple) else (res,)\n"
        "        assert all(np.isnan(r).all() for r in res), (name, n)\n"
        "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
    assert out.stdout.strip() == "ok", out.stderr
