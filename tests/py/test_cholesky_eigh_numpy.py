"""cholesky_lo, cholesky_up, eigh_lo/up and eigvalsh_lo/up against numpy's own
``numpy.linalg._umath_linalg`` gufuncs on the same inputs (CPython only).

Two routes to the library's loops: ``umath_linalg.gufunc(name)`` (the cffi
package and the C driver) and ``pypy_compat.numpy_backend`` (real numpy
gufuncs built from the table, called by numpy itself). Random stacks in
several layouts (C, Fortran, transposed, negative strides, an outer step,
a broadcast input with outer stride 0), m = 0 and empty stacks; failures (a
matrix that is not positive definite, an all-NaN matrix) NaN in the same
places as numpy, with numpy's FE_INVALID -> FloatingPointError/LinAlgError.
Results agree to rounding; eigenvectors up to a unit phase per column:
|V^H V_numpy| is the identity.
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

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]
NAMES = ["cholesky_lo", "eigh_lo", "eigh_up", "eigvalsh_lo", "eigvalsh_up"]
LAYOUTS = ["C", "F", "T", "neg", "outer-step", "broadcast"]
SHAPES = [(1, 1), (2, 2), (3, 3), (5, 3, 3), (2, 3, 4, 4), (7, 10, 10),
          (2, 17, 17), (40, 40), (3, 0, 0), (0, 4, 4), (2, 0, 3, 3)]


def single(dtype):
    return dtype in (np.float32, np.complex64)


def eps(dtype):
    return float(np.finfo(dtype).eps)


def hermitian(rng, shape, dtype, positive=True):
    """Random Hermitian matrices of `shape` (positive definite if asked)."""
    n = shape[-1]
    a = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.standard_normal(shape)
    h = a @ np.conj(np.swapaxes(a, -1, -2)) / max(n, 1) if positive else a + np.conj(np.swapaxes(a, -1, -2))
    if positive:
        h = h + np.eye(n)
    return h.astype(dtype)


def layout(a, kind):
    """The values of a in memory layout `kind` (a view of the same shape)."""
    if kind == "C":
        return np.ascontiguousarray(a)
    if kind == "F":
        return np.asfortranarray(a)
    if kind == "T":
        return np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)
    if kind == "neg":
        big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
        big[..., ::-1, ::-2] = a
        return big[..., ::-1, ::-2]
    if kind == "outer-step":
        big = np.zeros((2,) + a.shape, a.dtype)
        big[1] = a
        return big[1]
    if kind == "broadcast":   # every matrix of the stack the first one
        if a.ndim < 3 or a.shape[0] == 0:
            return a
        return np.broadcast_to(a[:1], a.shape)
    raise ValueError(kind)


def routes():
    """name -> callable, for each route to our loops."""
    table = backend.gufuncs()
    return {"gufunc": lambda name: ul.gufunc(name), "backend": lambda name: table[name]}


ROUTES = ["gufunc", "backend"]


def ours(route, name):
    return routes()[route](name)


def tols(dtype, n):
    t = (2e-5 if single(dtype) else 1e-12) * max(n, 1)
    return dict(rtol=t, atol=t)


def check_eigvecs(v, v_np, w_np, dtype):
    """|V^H V_numpy| = I, up to rounding, on columns with distinct
    eigenvalues (there the eigenvectors are unique up to a phase)."""
    n = v.shape[-1]
    if v.size == 0:
        assert v.shape == v_np.shape
        return
    p = np.abs(np.conj(np.swapaxes(v, -1, -2)).astype(np.complex128) @ v_np.astype(np.complex128))
    gap = np.min(np.diff(w_np.astype(np.float64), axis=-1), initial=np.inf) if n > 1 else np.inf
    scale = np.max(np.abs(w_np), initial=1.0)
    assert gap > 1e3 * eps(dtype) * scale, "test matrices must have distinct eigenvalues"
    tol = 50 * n * eps(dtype) * scale / gap + 50 * n * eps(dtype)
    assert np.max(np.abs(p - np.eye(n))) <= tol


# ------------------------------------------------------------- the table --

def test_rows_match_numpys_gufuncs():
    table = backend.gufuncs()
    for name in NAMES:
        mine, theirs = table[name], getattr(npu, name)
        assert mine.signature == theirs.signature
        assert (mine.nin, mine.nout, mine.ntypes) == (theirs.nin, theirs.nout, theirs.ntypes)
        assert mine.types == theirs.types
        assert mine.__doc__ == theirs.__doc__           # numpy 1.24's text exactly
        assert backend.owns(mine) and not backend.owns(theirs)
        g = ul.gufunc(name)
        assert g.signature == theirs.signature and list(g.types) == list(theirs.types)
    up = table["cholesky_up"]                       # numpy 2.0's
    assert up.signature == "(m,m)->(m,m)" and up.types == npu.cholesky_lo.types
    assert "using upper triangle" in up.__doc__
    assert not hasattr(npu, "cholesky_up")          # numpy 1.24 has none


# ----------------------------------------------------- agreement, layouts --

@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", LAYOUTS)
def test_cholesky_matches_numpy(route, dtype, kind):
    rng = np.random.default_rng(zlib.crc32(repr((route, str(dtype), kind)).encode()))
    for shape in SHAPES:
        a = layout(hermitian(rng, shape, dtype), kind)
        lo = ours(route, "cholesky_lo")(a)
        expect = npu.cholesky_lo(a)
        assert lo.dtype == expect.dtype and lo.shape == expect.shape
        np.testing.assert_allclose(lo, expect, **tols(dtype, shape[-1]))
        assert (np.triu(lo, 1) == 0).all()
        up = ours(route, "cholesky_up")(a)
        # the upper triangle of a is the lower one of a^H: U = cholesky_lo(a^H)^H
        ah = np.conj(np.swapaxes(a, -1, -2))
        expect_up = np.conj(np.swapaxes(npu.cholesky_lo(ah), -1, -2))
        np.testing.assert_allclose(up, expect_up, **tols(dtype, shape[-1]))
        assert (np.tril(up, -1) == 0).all()


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", LAYOUTS)
def test_eigh_eigvalsh_match_numpy(route, dtype, kind):
    rng = np.random.default_rng(zlib.crc32(repr((route, str(dtype), kind, 1)).encode()))
    for shape in SHAPES:
        n = shape[-1]
        a = layout(hermitian(rng, shape, dtype, positive=False), kind)
        for side in ("lo", "up"):
            w, v = ours(route, "eigh_" + side)(a)
            w_np, v_np = getattr(npu, "eigh_" + side)(a)
            assert (w.dtype, v.dtype) == (w_np.dtype, v_np.dtype)
            assert (w.shape, v.shape) == (w_np.shape, v_np.shape)
            np.testing.assert_allclose(w, w_np, **tols(dtype, n))
            for idx in np.ndindex(*shape[:-2]):
                check_eigvecs(v[idx], v_np[idx], w_np[idx], dtype)
            wv = ours(route, "eigvalsh_" + side)(a)
            wv_np = getattr(npu, "eigvalsh_" + side)(a)
            assert wv.dtype == wv_np.dtype and wv.shape == wv_np.shape
            np.testing.assert_allclose(wv, wv_np, **tols(dtype, n))


def strided_out(shape, dtype, kind):
    """An output array of `shape` in layout `kind`, filled with 7."""
    if kind == "F":
        return np.asfortranarray(np.full(shape, 7, dtype))
    if kind == "neg":
        big = np.full(shape[:-1] + (2 * shape[-1],), 7, dtype)
        return big[..., ::-2] if len(shape) == 1 else big[..., ::-1, ::-2]
    big = np.full((2,) + tuple(shape), 7, dtype)   # "outer-step"
    return big[1]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["F", "neg", "outer-step"])
def test_outputs_in_any_layout(route, dtype, kind):
    """out= views (Fortran, negative and padded strides, an outer step) get
    what numpy's loops write into the same views."""
    rng = np.random.default_rng(17)
    real = np.empty(0, dtype).real.dtype
    for shape in [(1, 1), (4, 3, 3), (2, 9, 9), (0, 2, 2), (2, 0, 0)]:
        n = shape[-1]
        a = hermitian(rng, shape, dtype)
        for name in ["cholesky_lo", "cholesky_up", "eigh_lo", "eigh_up", "eigvalsh_lo", "eigvalsh_up"]:
            chol, vec = name.startswith("chol"), name.startswith("eigh_")
            outs = []
            if not chol:
                outs.append(strided_out(shape[:-1], real, kind))
            if chol or vec:
                outs.append(strided_out(shape, dtype, kind))
            got = ours(route, name)(a, *outs) if route == "backend" else ours(route, name)(a, out=tuple(outs) if len(outs) > 1 else outs[0])
            got = got if isinstance(got, tuple) else (got,)
            assert all(g is o for g, o in zip(got, outs)) or route == "gufunc"
            theirs = getattr(npu, name if name != "cholesky_up" else "cholesky_lo")
            ref = theirs(a)
            ref = ref if isinstance(ref, tuple) else (ref,)
            if name == "cholesky_up":
                ref = (np.conj(np.swapaxes(ref[0], -1, -2)),)
            np.testing.assert_allclose(outs[0], ref[0], **tols(dtype, n))
            if vec:
                for idx in np.ndindex(*shape[:-2]):
                    check_eigvecs(outs[1][idx], ref[1][idx], ref[0][idx], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_only_the_named_triangle_is_read(dtype):
    rng = np.random.default_rng(5)
    a = hermitian(rng, (4, 6, 6), dtype)
    lower = np.tril(a) + np.triu(np.full_like(a, np.nan), 1)
    upper = np.triu(a) + np.tril(np.full_like(a, np.nan), -1)
    g = backend.gufuncs()
    np.testing.assert_allclose(g["cholesky_lo"](lower), npu.cholesky_lo(a), **tols(dtype, 6))
    np.testing.assert_allclose(g["cholesky_up"](upper), np.conj(np.swapaxes(npu.cholesky_lo(a), -1, -2)),
                               **tols(dtype, 6))
    np.testing.assert_allclose(g["eigh_lo"](lower)[0], npu.eigh_lo(a)[0], **tols(dtype, 6))
    np.testing.assert_allclose(g["eigvalsh_up"](upper), npu.eigvalsh_up(a), **tols(dtype, 6))
    np.testing.assert_allclose(ul.gufunc("eigvalsh_lo")(lower), npu.eigvalsh_lo(a), **tols(dtype, 6))


# ---------------------------------------------------------------- failures --

@pytest.mark.parametrize("dtype", DTYPES)
def test_not_positive_definite_like_numpy(dtype):
    rng = np.random.default_rng(3)
    a = hermitian(rng, (5, 4, 4), dtype)
    a[1] = -a[1]
    a[3, 2, 2] = -50
    with np.errstate(invalid="ignore"):
        expect = npu.cholesky_lo(a)
    assert np.isnan(expect[[1, 3]]).all() and not np.isnan(expect[[0, 2, 4]]).any()
    for route in ROUTES:
        with np.errstate(invalid="ignore"):
            got = ours(route, "cholesky_lo")(a)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(expect))
        np.testing.assert_allclose(got[[0, 2, 4]], expect[[0, 2, 4]], **tols(dtype, 4))
    with np.errstate(invalid="raise"):
        for f in (backend.gufuncs()["cholesky_lo"], backend.gufuncs()["cholesky_up"], npu.cholesky_lo):
            with pytest.raises(FloatingPointError):
                f(a)
        backend.gufuncs()["cholesky_lo"](a[[0, 2, 4]])     # no failure: no error


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_inputs_like_numpy(dtype):
    """NaN where numpy has NaN, and FE_INVALID exactly when numpy raises."""
    cases = [np.array([[np.nan, 0], [0, 1]]), np.array([[1, 0], [np.nan, 1]]),
             np.array([[1, np.nan], [0, 1]]), np.full((5, 5), np.nan),
             np.array([np.eye(5), np.full((5, 5), np.nan), 2 * np.eye(5)])]
    table = backend.gufuncs()
    for a in cases:
        a = a.astype(dtype)
        for name in NAMES + ["cholesky_up"]:
            theirs = getattr(npu, name if name != "cholesky_up" else "cholesky_lo")
            x = a if name != "cholesky_up" else np.conj(np.swapaxes(a, -1, -2))
            raised = []
            for f, arg in ((table[name], a), (theirs, x)):
                with np.errstate(invalid="raise"):
                    try:
                        f(arg)
                        raised.append(False)
                    except FloatingPointError:
                        raised.append(True)
            assert raised[0] == raised[1], (name, a)
            with np.errstate(invalid="ignore"):
                mine, ref = table[name](a), theirs(x)
            mine = mine if isinstance(mine, tuple) else (mine,)
            ref = ref if isinstance(ref, tuple) else (ref,)
            if name == "cholesky_up":
                ref = (np.conj(np.swapaxes(ref[0], -1, -2)),)
            for m, r in zip(mine, ref):
                np.testing.assert_array_equal(np.isnan(m), np.isnan(r))
                ok = ~np.isnan(r)
                np.testing.assert_allclose(m[ok], r[ok], **tols(dtype, 5))


# ------------------------------------------------------- numpy.linalg itself --

@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_linalg_on_our_loops(dtype):
    rng = np.random.default_rng(11)
    spd = hermitian(rng, (3, 6, 6), dtype)
    herm = hermitian(rng, (3, 6, 6), dtype, positive=False)
    expect = (np.linalg.cholesky(spd), np.linalg.eigh(herm), np.linalg.eigvalsh(herm, UPLO="U"))
    replaced = backend.install()
    try:
        assert {"cholesky_lo", "eigh_lo", "eigh_up", "eigvalsh_lo", "eigvalsh_up"} <= set(replaced)
        np.testing.assert_allclose(np.linalg.cholesky(spd), expect[0], **tols(dtype, 6))
        w, v = np.linalg.eigh(herm)
        np.testing.assert_allclose(w, expect[1][0], **tols(dtype, 6))
        for k in range(3):
            check_eigvecs(v[k], expect[1][1][k], expect[1][0][k], dtype)
        np.testing.assert_allclose(np.linalg.eigvalsh(herm, UPLO="U"), expect[2], **tols(dtype, 6))
        with pytest.raises(np.linalg.LinAlgError, match="Matrix is not positive definite"):
            np.linalg.cholesky(-spd)
    finally:
        backend.uninstall()
