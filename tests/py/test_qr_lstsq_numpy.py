"""qr_r_raw_m/_n, qr_reduced, qr_complete, lstsq_m/_n against numpy's own
`numpy.linalg._umath_linalg` on the same inputs.

Two routes to the library's loops: `umath_linalg.gufunc(name)` (the cffi
package and the C driver) and `pypy_compat.numpy_backend` (real numpy
gufuncs whose loops are the library's). Both call the same OpenBLAS as
numpy on buffers with the same values and the same LWORK, so the results
are asserted BIT-IDENTICAL to numpy's (outputs numpy leaves undefined
excepted: x for m = 0, which numpy.linalg.lstsq sets to 0). qr_r_raw writes
the factored A back into its input, as numpy's does: checked on views of
every layout. CPython only: it needs numpy.
"""
import sys
import zlib

import pytest

np = pytest.importorskip("numpy")
if sys.implementation.name != "cpython":  # pragma: no cover
    pytest.skip("needs CPython with numpy", allow_module_level=True)

import umath_linalg                                       # noqa: E402
from pypy_compat import numpy_backend                     # noqa: E402
from numpy.linalg import _umath_linalg as npu             # noqa: E402

QR_TYPES = (np.float64, np.complex128)
LSTSQ_TYPES = (np.float32, np.float64, np.complex64, np.complex128)
LAYOUTS = ("C", "F", "T", "neg", "outer-step", "odd")
SHAPES = ((1, 1), (3, 2), (2, 3), (4, 4), (9, 5), (5, 9), (40, 33), (33, 40),
          (0, 3), (3, 0), (0, 0))


@pytest.fixture(scope="module")
def backend():
    return numpy_backend.gufuncs()


def routes(backend):
    return {"umath_linalg": umath_linalg.gufunc, "numpy_backend": backend.__getitem__}


def rand(rng, shape, dtype):
    a = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


def laid_out(a, layout):
    """A new view with a's values in the given memory layout."""
    if layout == "C":
        return np.array(a, order="C")
    if layout == "F":
        return np.array(a, order="F")
    if layout == "T":
        return np.array(np.swapaxes(a, -1, -2), order="C").swapaxes(-1, -2)
    if layout == "neg":
        big = np.empty(a.shape[:-2] + (a.shape[-2], 2 * a.shape[-1]), a.dtype)
        v = big[..., ::-1, ::-2]
        v[...] = a
        return v
    if layout == "outer-step":
        big = np.empty((2,) + a.shape, a.dtype)
        big[1] = a
        return big[1]
    if layout == "odd":         # misaligned: one byte into a buffer
        raw = np.zeros(a.nbytes + a.itemsize + 1, np.uint8)
        v = raw[1:1 + a.nbytes].view(a.dtype).reshape(a.shape)
        v[...] = a
        return v
    raise ValueError(layout)


def same(x, y):
    """Bit-identical (NaN where NaN), same dtype and shape."""
    x, y = np.asarray(x), np.asarray(y)
    assert x.dtype == y.dtype and x.shape == y.shape
    np.testing.assert_array_equal(x, y)


def qr_chain(get, a):
    """tau, the factored a, the reduced Q and (m > n) the complete Q."""
    m, n = a.shape[-2:]
    tau = get("qr_r_raw_m" if m <= n else "qr_r_raw_n")(a)
    q = get("qr_reduced")(a, tau)
    qc = get("qr_complete")(a, tau) if m > n else None
    return tau, a, q, qc


@pytest.mark.parametrize("dtype", QR_TYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_qr_bit_identical_to_numpy(backend, dtype, layout):
    rng = np.random.default_rng(zlib.crc32(repr((str(dtype), layout)).encode()))
    for stack in ((), (3,), (2, 2)):
        for m, n in SHAPES:
            a = rand(rng, stack + (m, n), dtype)
            npget = lambda name: getattr(npu, name)     # noqa: E731
            expect = qr_chain(npget, laid_out(a, layout))
            for route, get in routes(backend).items():
                if layout == "odd" and route == "umath_linalg":
                    # numpy's iterator runs a misaligned input on an
                    # aligned copy, so its write-back (and the Q built
                    # from it) is lost; umath_linalg writes the caller's
                    # memory, as numpy does for aligned input
                    expect_here = qr_chain(npget, laid_out(a, "C"))
                else:
                    expect_here = expect
                mine = laid_out(a, layout)
                got = qr_chain(get, mine)
                for e, g in zip(expect_here, got):
                    if e is not None:
                        same(g, e)
                # the factored A went back into the caller's view
                if layout != "odd" or route == "umath_linalg":
                    assert m * n == 0 or m == 1 or \
                        not np.array_equal(mine, a), route


def test_qr_r_raw_writes_its_input_like_numpy(backend):
    a = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    theirs = a.copy()
    tau = npu.qr_r_raw_n(theirs)
    for route, get in routes(backend).items():
        mine = a.copy()
        same(get("qr_r_raw_n")(mine), tau)
        same(mine, theirs)
        assert mine[0, 0] == pytest.approx(-np.sqrt(35.0))


def test_qr_broadcast_and_empty_stack(backend):
    rng = np.random.default_rng(5)
    a = rand(rng, (4, 6, 3), np.float64)
    theirs = a.copy()
    tau = npu.qr_r_raw_n(theirs)
    # one tau row broadcast against four matrices (outer step 0)
    expect = npu.qr_reduced(theirs, tau[1])
    for route, get in routes(backend).items():
        same(get("qr_reduced")(theirs, tau[1]), expect)
        same(get("qr_complete")(theirs, tau[1]), npu.qr_complete(theirs, tau[1]))
        e = np.zeros((0, 5, 3))
        assert get("qr_r_raw_n")(e).shape == (0, 3)
        assert get("qr_reduced")(e, np.zeros((0, 3))).shape == (0, 5, 3)


def lstsq_name(m, n):
    return "lstsq_m" if m <= n else "lstsq_n"


def lstsq_same(got, expect, m):
    x, resid, rank, s = got
    ex, eresid, erank, es = expect
    if m == 0:      # numpy leaves x undefined there; linalg.lstsq sets 0
        assert not np.any(x)
        assert np.asarray(x).shape == np.asarray(ex).shape
    else:
        same(x, ex)
    same(resid, eresid)
    same(rank, erank)
    assert np.asarray(rank).dtype == np.int32
    same(s, es)


@pytest.mark.parametrize("dtype", LSTSQ_TYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_lstsq_bit_identical_to_numpy(backend, dtype, layout):
    rng = np.random.default_rng(zlib.crc32(repr((str(dtype), layout, 1)).encode()))
    real = np.empty(0, dtype).real.dtype
    for stack in ((), (3,), (2, 2)):
        for m, n in SHAPES:
            for nrhs in (1, 3):
                a = rand(rng, stack + (m, n), dtype)
                b = rand(rng, stack + (m, nrhs), dtype)
                if m > 1 and n > 1 and stack:
                    a[..., -1] = a[..., 0]          # a rank-deficient one
                rcond = real.type(np.finfo(real).eps * max(m, n, 1))
                name = lstsq_name(m, n)
                A, B = laid_out(a, layout), laid_out(b, layout)
                expect = getattr(npu, name)(A, B, rcond)
                for route, get in routes(backend).items():
                    lstsq_same(get(name)(A, B, rcond), expect, m)


def test_lstsq_python_scalar_rcond_and_lists(backend):
    rng = np.random.default_rng(11)
    for dtype in LSTSQ_TYPES:
        a, b = rand(rng, (6, 4), dtype), rand(rng, (6, 2), dtype)
        expect = npu.lstsq_n(a, b, 1e-6)        # a Python float: value-based
        got = umath_linalg.gufunc("lstsq_n")(a, b, 1e-6)
        for e, g in zip(expect, got):
            assert np.asarray(g).dtype == np.asarray(e).dtype
        lstsq_same(got, expect, 6)
        lstsq_same(backend["lstsq_n"](a, b, 1e-6), expect, 6)
    # nested lists in, lists and an int rank out
    a = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    b = [[1.0], [2.0], [3.0]]
    x, resid, rank, s = umath_linalg.gufunc("lstsq_n")(a, b, -1.0)
    ex, eresid, erank, es = npu.lstsq_n(np.array(a), np.array(b), -1.0)
    assert x == ex.tolist() and resid == eresid.tolist() and s == es.tolist()
    assert rank == erank == 2 and type(rank) is int
    # rcond broadcast against a stack (outer step 0), and one per matrix
    a3, b3 = rand(rng, (5, 7, 3), np.float64), rand(rng, (5, 7, 2), np.float64)
    for rc in (1e-12, np.full(5, 1e-12)):
        lstsq_same(umath_linalg.gufunc("lstsq_n")(a3, b3, rc),
                   npu.lstsq_n(a3, b3, rc), 7)


def test_lstsq_nrhs_zero_like_linalg_padding(backend):
    """numpy's loop raises LAPACK's parameter error for nrhs = 0 (linalg
    pads it to one column); the library solves that zero column itself."""
    rng = np.random.default_rng(3)
    for m, n in ((6, 4), (4, 6), (4, 4)):
        a = rand(rng, (2, m, n), np.float64)
        name = lstsq_name(m, n)
        padded = getattr(npu, name)(a, np.zeros((2, m, 1)), -1.0)
        for route, get in routes(backend).items():
            x, resid, rank, s = get(name)(a, np.zeros((2, m, 0)), -1.0)
            assert x.shape == (2, n, 0) and resid.shape == (2, 0)
            same(rank, padded[2])
            same(s, padded[3])


def test_lstsq_failure_nan_rank_minus_one(backend):
    """A NaN matrix inside a stack: NaN x, residuals and s, rank -1, the
    others computed (numpy's LAPACK path raises its DLASCL parameter error
    there instead)."""
    rng = np.random.default_rng(4)
    a, b = rand(rng, (3, 5, 3), np.float64), rand(rng, (3, 5, 2), np.float64)
    a[1, 2, 1] = np.nan
    good = npu.lstsq_n(a[[0, 2]], b[[0, 2]], -1.0)
    x, resid, rank, s = umath_linalg.gufunc("lstsq_n")(a, b, -1.0)
    assert rank.tolist() == [3, -1, 3]
    assert np.isnan(x[1]).all() and np.isnan(resid[1]).all() and np.isnan(s[1]).all()
    lstsq_same((x[[0, 2]], resid[[0, 2]], rank[[0, 2]], s[[0, 2]]), good, 5)
    with np.errstate(invalid="raise"):
        with pytest.raises(FloatingPointError):
            backend["lstsq_n"](a, b, -1.0)
