"""eig and eigvals against numpy's own `numpy.linalg._umath_linalg` (CPython).

Both call OpenBLAS's ?geev on the same Fortran copy with the same LWORK,
so the results are expected bit-identical, and are checked so: through
`umath_linalg.gufunc(name)` (the cffi driver) and through
`pypy_compat.numpy_backend` (a real numpy gufunc over the same loops), on
random inputs of every dtype numpy has a loop for (f->FF d->DD D->DD), in
stacks, memory layouts (Fortran, transposed, negative and padded strides,
broadcast outer step 0), empty stacks and m = 0, and into strided outputs.
Also: the table rows are numpy's (types, signature, doc); a NaN/Inf matrix
gives NaN outputs and FE_INVALID with the rest of the stack numpy's bits;
numpy.linalg.eig/eigvals with the backend installed equal numpy's.
"""
import pytest
import zlib

try:
    import numpy as np
    from numpy.linalg import _umath_linalg as npu
except ImportError:  # pypy3
    np = None
if np is None:
    pytest.skip("needs numpy (CPython)", allow_module_level=True)

import umath_linalg as ul
from pypy_compat import numpy_backend

DTYPES = [np.float32, np.float64, np.complex128]
SHAPES = [(1, 1), (2, 2), (3, 3), (5, 5), (4, 3, 3), (2, 3, 4, 4), (7, 10, 10),
          (2, 17, 17), (40, 40), (2, 80, 80), (3, 0, 0), (0, 4, 4), (0, 0)]


def rand(rng, shape, dtype):
    a = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


def layouts(a):
    """The same values in several memory layouts."""
    yield "C", np.ascontiguousarray(a)
    yield "F", np.asfortranarray(a)
    t = np.ascontiguousarray(np.swapaxes(a, -1, -2))
    yield "T", np.swapaxes(t, -1, -2)
    big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
    big[..., ::2] = a
    yield "strided", big[..., ::2]
    yield "negative", np.ascontiguousarray(a[..., ::-1, ::-1])[..., ::-1, ::-1]
    if a.ndim == 2:
        yield "broadcast", np.broadcast_to(a, (3,) + a.shape)


@pytest.fixture(scope="module")
def ours():
    return {"eig": ul.gufunc("eig"), "eigvals": ul.gufunc("eigvals")}


@pytest.fixture(scope="module")
def backend():
    g = numpy_backend.gufuncs()
    return {"eig": g["eig"], "eigvals": g["eigvals"]}


def same(x, y):
    assert x.dtype == y.dtype and x.shape == y.shape
    np.testing.assert_array_equal(x, y)   # NaN == NaN here; no tolerance


def test_rows_are_numpys(backend):
    for name in ("eig", "eigvals"):
        mine, theirs = backend[name], getattr(npu, name)
        assert mine.types == theirs.types
        assert (mine.signature, mine.nin, mine.nout) == \
            (theirs.signature, theirs.nin, theirs.nout)
        assert mine.__doc__ == theirs.__doc__
        assert numpy_backend.owns(mine)
        assert ul.gufunc(name).types == theirs.types
    assert npu.eig.types == ["f->FF", "d->DD", "D->DD"]     # no F loop


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("via", ["cffi", "backend"])
def test_bit_identical_to_numpy(ours, backend, dtype, via):
    fns = ours if via == "cffi" else backend
    rng = np.random.default_rng(zlib.crc32(repr((str(dtype), via)).encode()))
    for shape in SHAPES:
        for layout, a in layouts(rand(rng, shape, dtype)):
            w, v = npu.eig(a)
            w2, v2 = fns["eig"](a)
            same(w2, w)
            same(v2, v)
            same(fns["eigvals"](a), npu.eigvals(a))
            if shape[-1] < 75:    # LAPACK's hseqr below NMIN: W(full) = W(partial)
                same(npu.eigvals(a), w)


@pytest.mark.parametrize("via", ["cffi", "backend"])
def test_strided_outputs(ours, backend, via):
    fns = ours if via == "cffi" else backend
    rng = np.random.default_rng(5)
    a = rand(rng, (3, 6, 6), np.float64)
    w, v = npu.eig(a)
    wo = np.full((3, 12), 7, complex)[:, ::-2]
    vo = np.full((3, 6, 12), 7, complex)[:, ::-1, 1::2]
    fns["eig"](a, out=(wo, vo))
    same(wo, w)
    same(vo, v)
    eo = np.full((3, 6), 7, complex, order="F")[:, ::-1][:, ::-1]
    fns["eigvals"](a, out=eo)
    same(eo, npu.eigvals(a))


def test_conjugate_pairs_of_real_input(ours):
    rng = np.random.default_rng(11)
    for dtype in (np.float32, np.float64):
        a = rand(rng, (20, 7, 7), dtype)
        w, v = ours["eig"](a)
        pairs = 0
        for k in range(a.shape[0]):
            j = 0
            while j < 7:
                if w[k, j].imag == 0:
                    assert (v[k, :, j].imag == 0).all()
                    j += 1
                    continue
                assert w[k, j].imag > 0 and w[k, j + 1] == np.conj(w[k, j])
                same(v[k, :, j + 1], np.conj(v[k, :, j]))
                pairs += 1
                j += 2
        assert pairs > 10      # random real matrices have many


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nonfinite_matrix_fails_rest_is_numpys(ours, backend, dtype, bad):
    rng = np.random.default_rng(3)
    a = rand(rng, (4, 5, 5), dtype)
    a[2, 1, 3] = bad
    good = [0, 1, 3]
    w, v = npu.eig(a[good])
    for via, fns in (("cffi", ours), ("backend", backend)):
        with np.errstate(invalid="ignore"):
            w2, v2 = fns["eig"](a)
            e2 = fns["eigvals"](a)
        assert np.isnan(w2[2]).all() and np.isnan(v2[2]).all() and np.isnan(e2[2]).all(), via
        same(w2[good], w)
        same(v2[good], v)
        same(e2[good], npu.eigvals(a[good]))
    for name in ("eig", "eigvals"):       # FE_INVALID: numpy's error channel
        with np.errstate(invalid="raise"), pytest.raises(FloatingPointError):
            backend[name](a)


def test_good_call_raises_nothing(backend):
    a = rand(np.random.default_rng(1), (3, 4, 4), np.float64)
    with np.errstate(all="raise"):
        backend["eig"](a)
        backend["eigvals"](a)


def test_numpy_linalg_with_backend_installed():
    rng = np.random.default_rng(9)
    cases = [rand(rng, s, d) for s in [(4, 4), (3, 6, 6), (0, 3, 3), (2, 0, 0)]
             for d in (np.float32, np.float64, np.complex64, np.complex128)]
    cases.append(np.array([[2.0, 0], [0, 3]]))    # real eigenvalues: real result
    cases.append(np.array([[1, 2], [3, 4]]))      # ints: float64
    expect = [(np.linalg.eig(a), np.linalg.eigvals(a)) for a in cases]
    was = numpy_backend.installed()
    replaced = numpy_backend.install()
    try:
        assert "eig" in replaced and "eigvals" in replaced
        for a, ((w, v), e) in zip(cases, expect):
            w2, v2 = np.linalg.eig(a)
            same(w2, w)
            same(v2, v)
            same(np.linalg.eigvals(a), e)
        bad = np.array([[1.0, np.nan], [0, 1]])
        with pytest.raises(np.linalg.LinAlgError, match="infs or NaNs"):
            np.linalg.eig(bad)
    finally:
        if not was:
            numpy_backend.uninstall()
