"""pypy_compat.linalg against numpy.linalg 1.24 (CPython): every function
beyond inv/solve/det/slogdet, on random shapes, dtypes, layouts and stacks,
singular and rank-deficient inputs, and every error numpy raises.

A function whose gufunc the library does not have yet is skipped (the
`needs` marks).  The PyPy half (no numpy) is
test_pypy_compat_linalg_ref.py: residuals, and the reference results the
CPython run of that file writes.
"""
import warnings

import pytest

from pypy_compat import linalg
from pypy_compat.linalg import LinAlgError
from pypy_compat._linalg_gufuncs import has_gufunc

np = pytest.importorskip("numpy")
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


# ------------------------------------------------------------- cholesky
@needs("cholesky_lo")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SQUARE)
def test_cholesky(dtype, shape):
    a = spd(shape, dtype, seed=len(shape))
    for _, x in layouts(a):
        same(linalg.cholesky(x), L.cholesky(x), tol_of(a))


@needs("cholesky_lo")
def test_cholesky_errors():
    bad = np.array([[[4.0, 0], [0, 1]], [[1.0, 2], [2, 1]]])
    raises_like(linalg.cholesky, L.cholesky, bad)
    for x in (np.ones(3), np.ones((2, 3)), np.float64(1)):
        raises_like(linalg.cholesky, L.cholesky, x)
    raises_like(linalg.cholesky, L.cholesky, np.eye(2, dtype="f2"))


# ------------------------------------------------------------------- qr
@needs("qr_r_raw_m", "qr_r_raw_n", "qr_reduced", "qr_complete")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", RECT)
@pytest.mark.parametrize("mode", ["reduced", "complete", "r", "raw"])
def test_qr(dtype, shape, mode):
    a = rand(shape, dtype, seed=sum(shape))
    for _, x in layouts(a):
        keep = x.copy()
        same(linalg.qr(x, mode), L.qr(x, mode), tol_of(a))
        assert (x == keep).all()            # the input is not written


@needs("qr_r_raw_m", "qr_r_raw_n", "qr_reduced")
def test_qr_modes_deprecated_and_bad():
    a = rand((4, 3), "f8")
    for mode in ("full", "f", "economic", "e"):
        with pytest.warns(DeprecationWarning) as w1:
            ours = linalg.qr(a, mode)
        with pytest.warns(DeprecationWarning) as w0:
            ref = L.qr(a, mode)
        assert str(w1[0].message) == str(w0[0].message)
        same(ours, ref, 1e-12)
    raises_like(linalg.qr, L.qr, a, "bogus")
    raises_like(linalg.qr, L.qr, np.ones(3))


# ---------------------------------------------------------- eig family
def _rotations(dtype):
    """Real matrices with complex-conjugate eigenvalue pairs."""
    r = np.array([[0.0, -2, 1], [2, 0, 0.5], [0, 0, 3]])
    return np.stack([r, r.T * 2]).astype(dtype)


@needs("eig", "eigvals")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SQUARE + ["rot", "sym"])
def test_eig_eigvals(dtype, shape):
    if shape == "rot":
        if dtype in ("?",):
            return
        a = _rotations(dtype)
    elif shape == "sym":
        a = spd((3, 3), dtype)
    else:
        a = rand(shape, dtype, seed=3)
    tol = tol_of(a)
    for _, x in layouts(a):
        w, v = linalg.eig(x)
        w0, v0 = L.eig(x)
        assert w.dtype == w0.dtype and v.dtype == v0.dtype
        same(linalg.eigvals(x), L.eigvals(x), tol)
        same(np.sort_complex(w.ravel()), np.sort_complex(w0.ravel()), tol)
        if a.size:      # A v = v diag(w), columns normalized
            ax = np.asarray(x, dtype=v.dtype)
            res = ax @ v - v * w[..., None, :]
            assert np.abs(res).max() <= 50 * tol * max(1, np.abs(ax).max())
            assert np.allclose(np.linalg.norm(v, axis=-2), 1, atol=tol * 10)


@needs("eig", "eigvals")
def test_eig_errors():
    for f, g in ((linalg.eig, L.eig), (linalg.eigvals, L.eigvals)):
        raises_like(f, g, np.array([[1.0, np.inf], [0, 1]]))
        raises_like(f, g, np.array([[np.nan, 0], [0, 1]]))
        raises_like(f, g, np.ones((2, 3)))
        raises_like(f, g, np.ones(3))


def _herm(shape, dtype, seed=0):
    a = rand(shape, dtype, seed)
    if a.dtype.kind in "fc":
        a = a + np.conj(np.swapaxes(a, -1, -2))
    else:
        a = a | a.swapaxes(-1, -2) if dtype == "?" else a + a.swapaxes(-1, -2)
    return a


@needs("eigh_lo", "eigh_up", "eigvalsh_lo", "eigvalsh_up")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SQUARE)
@pytest.mark.parametrize("uplo", ["L", "U", "l", "u"])
def test_eigh_eigvalsh(dtype, shape, uplo):
    a = _herm(shape, dtype, seed=5)
    tol = tol_of(a)
    # garbage in the triangle UPLO does not read
    g = a.copy()
    if a.size and a.dtype.kind in "fc":
        iu = np.triu_indices(shape[-1], 1)
        if uplo in "Ll":
            g[..., iu[0], iu[1]] = 7
        else:
            g[..., iu[1], iu[0]] = 7
    for _, x in layouts(g):
        same(linalg.eigvalsh(x, uplo), L.eigvalsh(x, uplo), tol)
        w, v = linalg.eigh(x, UPLO=uplo)
        w0, v0 = L.eigh(x, UPLO=uplo)
        same(w, w0, tol)
        assert v.dtype == v0.dtype and v.shape == v0.shape
        if a.size:
            res = np.asarray(a, v.dtype) @ v - v * w[..., None, :]
            assert np.abs(res).max() <= 50 * tol * max(1, np.abs(a).max())


@needs("eigh_lo", "eigvalsh_lo")
def test_eigh_errors():
    for f, g in ((linalg.eigh, L.eigh), (linalg.eigvalsh, L.eigvalsh)):
        raises_like(f, g, np.eye(2), "X")
        raises_like(f, g, np.ones((2, 3)))
        raises_like(f, g, np.ones(2))


# ------------------------------------------------------------------ svd
@needs("svd_m", "svd_n", "svd_m_s", "svd_n_s", "svd_m_f", "svd_n_f")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", RECT + [(2, 1, 3, 3)])
def test_svd(dtype, shape):
    a = rand(shape, dtype, seed=7)
    tol = tol_of(a)
    for _, x in layouts(a):
        same(linalg.svd(x, compute_uv=False), L.svd(x, compute_uv=False),
             tol)
        same(linalg.svdvals(x), L.svd(x, compute_uv=False), tol)
        for full in (True, False):
            same(linalg.svd(x, full), L.svd(x, full), tol)


@needs("eigh_lo", "eigvalsh_lo")
@pytest.mark.parametrize("dtype", ["f4", "f8", "c8", "c16", "i8"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (0, 0), (1, 1)])
def test_svd_hermitian(dtype, shape):
    a = _herm(shape, dtype, seed=11)
    tol = tol_of(a)
    same(linalg.svd(a, hermitian=True), L.svd(a, hermitian=True), tol)
    same(linalg.svd(a, compute_uv=False, hermitian=True),
         L.svd(a, compute_uv=False, hermitian=True), tol)


@needs("svd_n", "svd_n_f")
def test_svd_errors():
    raises_like(linalg.svd, L.svd, np.ones(3))
    raises_like(linalg.svd, L.svd, np.ones(3), compute_uv=False)


# ---------------------------------------------------------------- lstsq
LSTSQ = [((5, 3), (5,)), ((5, 3), (5, 2)), ((3, 5), (3,)), ((3, 5), (3, 4)),
         ((4, 4), (4, 1)), ((4, 3), (4, 0)), ((0, 3), (0,)), ((0, 3), (0, 2)),
         ((3, 0), (3,)), ((1, 1), (1,))]


@needs("lstsq_m", "lstsq_n")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sa,sb", LSTSQ)
@pytest.mark.parametrize("rcond", [None, -1, 0.5])
def test_lstsq(dtype, sa, sb, rcond):
    a = rand(sa, dtype, seed=13)
    b = rand(sb, dtype, seed=14)
    for _, x in layouts(a):
        same(linalg.lstsq(x, b, rcond=rcond), L.lstsq(x, b, rcond=rcond),
             tol_of(a, b))


@needs("lstsq_m", "lstsq_n")
def test_lstsq_rank_deficient_and_warning():
    a = np.array([[1.0, 2, 3], [2, 4, 6], [1, 0, 1], [0, 1, 1]])
    b = np.arange(8.0).reshape(4, 2)
    same(linalg.lstsq(a, b, rcond=None), L.lstsq(a, b, rcond=None), 1e-10)
    with pytest.warns(FutureWarning) as w1:
        ours = linalg.lstsq(a, b)
    with pytest.warns(FutureWarning) as w0:
        ref = L.lstsq(a, b)
    assert str(w1[0].message) == str(w0[0].message)
    assert w1[0].filename == __file__       # stacklevel: the caller
    same(ours, ref, 1e-10)
    raises_like(linalg.lstsq, L.lstsq, a, np.ones(3), rcond=None)
    raises_like(linalg.lstsq, L.lstsq, np.ones((2, 3, 3)), np.ones((2, 3)),
                rcond=None)
    raises_like(linalg.lstsq, L.lstsq, np.ones(3), np.ones(3), rcond=None)
    same(linalg.lstsq(a.astype("f4"), b.astype("f4"), rcond=None),
         L.lstsq(a.astype("f4"), b.astype("f4"), rcond=None), 2e-4)


# --------------------------------------------------- pinv, matrix_rank
@needs("svd_m_s", "svd_n_s")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", RECT + [(2, 1, 3, 3)])
def test_pinv(dtype, shape):
    a = rand(shape, dtype, seed=17)
    for _, x in layouts(a):
        same(linalg.pinv(x), L.pinv(x), tol_of(a) * 10)
    same(linalg.pinv(a, rcond=0.5), L.pinv(a, rcond=0.5), tol_of(a) * 10)


@needs("svd_m_s", "svd_n_s", "eigh_lo")
def test_pinv_rank_deficient_hermitian_stacked_rcond():
    a = np.array([[1.0, 2, 3], [2, 4, 6], [3, 6, 9.0]])
    same(linalg.pinv(a), L.pinv(a), 1e-10)
    same(linalg.pinv(a, hermitian=True), L.pinv(a, hermitian=True), 1e-10)
    st = np.stack([a, np.eye(3) * 1e-3, rand((3, 3), "f8")])
    rc = np.array([1e-15, 0.5, 0.1])
    same(linalg.pinv(st, rcond=rc), L.pinv(st, rcond=rc), 1e-10)
    h = _herm((2, 3, 3), "c16")
    same(linalg.pinv(h, hermitian=True), L.pinv(h, hermitian=True), 1e-10)


@needs("svd_m", "svd_n", "eigvalsh_lo")
def test_matrix_rank():
    cases = [np.eye(4), np.zeros((3, 3)), np.array([[1.0, 2], [2, 4]]),
             rand((3, 5), "f8"), rand((5, 3), "c16"), rand((2, 4, 4), "f4"),
             np.ones(3), np.zeros(3), np.float64(2), np.float64(0)]
    a = rand((4, 2), "f8")
    cases.append(a @ a.T)       # rank 2 of 4
    for x in cases:
        r, r0 = linalg.matrix_rank(x), L.matrix_rank(x)
        assert np.array_equal(r, r0) and np.asarray(r).shape == \
            np.asarray(r0).shape, (x, r, r0)
    h = _herm((2, 4, 4), "c16")
    same(linalg.matrix_rank(h, hermitian=True),
         L.matrix_rank(h, hermitian=True), 0)
    same(linalg.matrix_rank(cases[-1], tol=0.5),
         L.matrix_rank(cases[-1], tol=0.5), 0)
    st = np.stack([np.eye(3), np.diag([1.0, 1e-3, 0])])
    same(linalg.matrix_rank(st, tol=[1e-6, 1e-2]),
         L.matrix_rank(st, tol=[1e-6, 1e-2]), 0)


# ----------------------------------------------------------------- norm
ORDS_V = [None, 2, 1, 0, -1, -2, np.inf, -np.inf, 3, 0.5, -3.5]
ORDS_M = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]


def _norm_cases(f, g, x, ords, axes, tol):
    for ord in ords:
        for axis in axes:
            for keep in (False, True):
                matrix = (isinstance(axis, tuple) and len(axis) == 2) or \
                    (axis is None and x.ndim == 2)
                if ord in ("nuc", 2, -2) and matrix and \
                        not has_gufunc("svd_n"):
                    continue
                try:
                    ref = g(x, ord=ord, axis=axis, keepdims=keep)
                except Exception:
                    raises_like(f, g, x, ord=ord, axis=axis, keepdims=keep)
                    continue
                same(f(x, ord=ord, axis=axis, keepdims=keep), ref, tol)


@pytest.mark.parametrize("dtype", DTYPES)
def test_norm_vectors(dtype):
    x = rand((7,), dtype, seed=19)
    _norm_cases(linalg.norm, L.norm, x, ORDS_V + ["fro", "nuc"],
                [None, 0, -1, (0,)], tol_of(x))
    y = rand((3, 4, 2), dtype, seed=20)
    _norm_cases(linalg.norm, L.norm, y, ORDS_V, [0, 1, 2, -1, (1,)],
                tol_of(y))
    z = np.zeros((3, 0))
    _norm_cases(linalg.norm, L.norm, z, ORDS_V, [0, 1], 1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_norm_matrices(dtype):
    x = rand((4, 3), dtype, seed=21)
    _norm_cases(linalg.norm, L.norm, x, ORDS_M + [3, "bad"],
                [None, (0, 1), (1, 0), (-1, -2)], tol_of(x))
    y = rand((2, 3, 4), dtype, seed=22)
    _norm_cases(linalg.norm, L.norm, y, ORDS_M, [(0, 2), (2, 1), (-2, -1)],
                tol_of(y))
    for _, v in layouts(x):
        same(linalg.norm(v), L.norm(v), tol_of(x))
        same(linalg.norm(v, 1), L.norm(v, 1), tol_of(x))


def test_norm_errors():
    x = np.ones((2, 3, 4))
    for kw in ({}, {"ord": 1}, {"axis": (0, 0)}, {"axis": (0, 1, 2)},
               {"axis": 3}, {"axis": (0, 5)}, {"axis": "a"},
               {"ord": "fro", "axis": 1}, {"ord": 7, "axis": (0, 1)}):
        if kw == {}:
            same(linalg.norm(x), L.norm(x), 1e-12)
            continue
        raises_like(linalg.norm, L.norm, x, **kw)
    raises_like(linalg.norm, L.norm, np.ones((0, 3)), np.inf, axis=0)


def test_norm_special_values():
    for x in (np.array([np.inf, 1.0]), np.array([np.nan, 1.0]),
              np.array([1e300, 1e300]), np.array([0.0, 0.0]),
              np.array([[np.nan, 1.0], [2, 3]])):
        for ord in ([None, 1, 2, np.inf, -np.inf, 0, -1, 3, -2]
                    if x.ndim == 1 else ORDS_M):
            if ord in ("nuc", 2, -2) and x.ndim == 2 and \
                    not has_gufunc("svd_n"):
                continue
            with np.errstate(all="ignore"):
                try:
                    ref = L.norm(x, ord)
                except L.LinAlgError:       # svd of a NaN matrix
                    raises_like(linalg.norm, L.norm, x, ord)
                    continue
                same(linalg.norm(x, ord), ref, 1e-12)


# ----------------------------------------------------------------- cond
@pytest.mark.parametrize("p", [1, -1, np.inf, -np.inf, "fro", None, 2, -2])
@pytest.mark.parametrize("dtype", DTYPES)
def test_cond(p, dtype):
    if (p is None or p in (2, -2)) and not has_gufunc("svd_n"):
        pytest.skip("no svd gufunc yet")
    cases = [rand((3, 3), dtype, seed=23), rand((2, 4, 4), dtype, seed=24)]
    if dtype != "?":
        cases.append(np.array([[1, 2], [2, 4]], dtype=dtype))   # singular
        cases.append(np.stack([np.eye(2), np.zeros((2, 2))]).astype(dtype))
    if p is None or p in (2, -2):
        cases.append(rand((3, 5), dtype, seed=25))
    for x in cases:
        with np.errstate(all="ignore"):
            ref = L.cond(x, p)
        same(linalg.cond(x, p), ref, tol_of(x) * 100)


def test_cond_errors_and_nan():
    raises_like(linalg.cond, L.cond, np.zeros((0, 0)), 1)
    raises_like(linalg.cond, L.cond, np.ones((2, 3)), 1)
    raises_like(linalg.cond, L.cond, np.ones(3), 1)
    raises_like(linalg.cond, L.cond, np.eye(2), "bad")
    x = np.array([[np.nan, 1.0], [2, 3]])
    with np.errstate(all="ignore"):
        same(linalg.cond(x, 1), L.cond(x, 1), 1e-12)


# --------------------------------------------- matrix_power, multi_dot
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8, -1, -3])
def test_matrix_power(dtype, n):
    for shape in ((3, 3), (2, 4, 4), (0, 0), (1, 1)):
        a = rand(shape, dtype, seed=27, scale=0.5)
        if n < 0:
            a = (np.broadcast_to(np.eye(shape[-1]), shape) * 2 + a).astype(
                dtype) if dtype != "?" else \
                np.broadcast_to(np.eye(shape[-1], dtype=bool), shape)
        for _, x in layouts(a):
            same(linalg.matrix_power(x, n), L.matrix_power(x, n), tol_of(a))


def test_matrix_power_errors():
    raises_like(linalg.matrix_power, L.matrix_power, np.eye(2), 1.5)
    raises_like(linalg.matrix_power, L.matrix_power, np.ones((2, 3)), 2)
    raises_like(linalg.matrix_power, L.matrix_power, np.ones(3), 2)
    raises_like(linalg.matrix_power, L.matrix_power,
                np.array([[1.0, 2], [2, 4]]), -1)
    same(linalg.matrix_power(np.eye(2), np.int64(3)), np.eye(2), 0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_multi_dot(dtype):
    rng_shapes = [[(3,), (3, 4)], [(2, 3), (3,)], [(2, 3), (3, 4)],
                  [(3,), (3,)], [(5, 3), (3, 6), (6, 2)], [(3,), (3, 4), (4,)],
                  [(10, 2), (2, 8), (8, 3), (3, 1)],
                  [(4,), (4, 9), (9, 2), (2, 7), (7,)],
                  [(2, 3, 4), (4, 5)], [(2, 3), (4, 3, 2)]]
    for k, shapes in enumerate(rng_shapes):
        arrays = [rand(s, dtype, seed=30 + k + j)
                  for j, s in enumerate(shapes)]
        same(linalg.multi_dot(arrays), L.multi_dot(arrays), tol_of(*arrays))
    a = [rand((3, 3), "f8", seed=k) for k in range(4)]
    out = np.empty((3, 3))
    assert linalg.multi_dot(a, out=out) is out
    same(out, L.multi_dot(a), 1e-12)
    raises_like(linalg.multi_dot, L.multi_dot, [np.eye(2)])
    raises_like(linalg.multi_dot, L.multi_dot,
                [np.eye(2), np.ones((2, 2, 2)), np.eye(2)])


# -------------------------------------------------- tensorsolve / inv
def test_tensorsolve_tensorinv():
    a = np.eye(2 * 3 * 4) + 0.1 * rand((24, 24), "f8", seed=40)
    a4 = a.reshape(6, 4, 2, 3, 4)
    b = rand((6, 4), "f8", seed=41)
    same(linalg.tensorsolve(a4, b), L.tensorsolve(a4, b), 1e-10)
    a5 = a4.transpose(0, 2, 1, 3, 4)
    same(linalg.tensorsolve(a5, b, axes=(1,)),
         L.tensorsolve(a5, b, axes=(1,)), 1e-10)
    t = a.reshape(4, 6, 8, 3)
    same(linalg.tensorinv(t, ind=2), L.tensorinv(t, ind=2), 1e-10)
    t1 = a.reshape(24, 8, 3)
    same(linalg.tensorinv(t1, ind=1), L.tensorinv(t1, ind=1), 1e-10)
    c = rand((4, 2, 2), "c16", seed=42)
    same(linalg.tensorinv(c, 1), L.tensorinv(c, 1), 1e-10)
    raises_like(linalg.tensorsolve, L.tensorsolve, np.ones((2, 3, 4)),
                np.ones(2))
    raises_like(linalg.tensorinv, L.tensorinv, t, ind=0)
    raises_like(linalg.tensorinv, L.tensorinv, np.ones((2, 3, 2)), ind=2)
    raises_like(linalg.tensorsolve, L.tensorsolve, np.zeros((2, 2, 4)),
                np.ones((2, 2)))
    raises_like(linalg.tensorinv, L.tensorinv, np.zeros((2, 2, 4)), ind=2)


# ---------------------------------------------------- numpy 2 additions
@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy2_additions(dtype):
    x = rand((2, 3, 4), dtype, seed=50)
    y = rand((2, 3, 4), dtype, seed=51)
    tol = tol_of(x)
    same(linalg.matrix_transpose(x), np.swapaxes(x, -1, -2), 0)
    for off in (0, 1, -1, 3, -5):
        same(linalg.diagonal(x, offset=off),
             np.diagonal(x, off, axis1=-2, axis2=-1), 0)
        same(linalg.trace(x, offset=off),
             np.trace(x, off, axis1=-2, axis2=-1), tol)
    same(linalg.trace(x, dtype="f8"),
         np.trace(x, axis1=-2, axis2=-1, dtype="f8"), tol)
    same(linalg.outer(x[0, 0], y[1, 2]), np.outer(x[0, 0], y[1, 2]), tol)
    for axes, ys in ((0, (2,)), (1, (4, 5)), (2, (3, 4, 5)),
                     (([1, 2], [0, 1]), (3, 4, 5)), (([0], [2]), (5, 6, 2)),
                     ([[2, 0], [0, 2]], (4, 5, 2)), ((-1, 0), (4, 2))):
        yy = rand(ys, dtype, seed=52)
        same(linalg.tensordot(x, yy, axes=axes), np.tensordot(x, yy, axes),
             tol)
    rt = np.result_type(x, y)       # numpy 2's vecdot keeps the type
    for axis in (-1, 0, 1, 2):
        same(linalg.vecdot(x, y, axis=axis),
             (np.conj(x) * y).sum(axis=axis).astype(rt), tol)
    same(linalg.vecdot(x, y[0, 0]),
         (np.conj(x) * y[0, 0]).sum(-1).astype(rt), tol)
    if dtype != "?":
        c1 = rand((2, 4, 3), dtype, seed=53)
        c2 = rand((4, 3), dtype, seed=54)
        same(linalg.cross(c1, c2), np.cross(c1, c2), tol)
        c3 = rand((3, 2), dtype, seed=55)
        same(linalg.cross(c3, c3[::-1], axis=0),
             np.cross(c3, c3[::-1], axis=0), tol)
    z = x.astype("f8") if dtype in "?" else x
    for ord in ("fro", 1, -1, np.inf, -np.inf, "nuc", 2, -2):
        if ord in ("nuc", 2, -2) and not has_gufunc("svd_n"):
            continue
        for keep in (False, True):
            same(linalg.matrix_norm(z, ord=ord, keepdims=keep),
                 L.norm(z, ord, axis=(-2, -1), keepdims=keep), tol)
    for ord in (2, 1, np.inf, -np.inf, 0, 3):
        same(linalg.vector_norm(x, ord=ord), L.norm(x.ravel(), ord), tol)
        same(linalg.vector_norm(x, axis=1, ord=ord),
             L.norm(x, ord, axis=1), tol)
        r = linalg.vector_norm(x, axis=(0, 2), ord=ord, keepdims=True)
        ref = L.norm(np.moveaxis(x, 1, 0).reshape(3, 8), ord, axis=1)
        same(r, ref.reshape(1, 3, 1), tol)
        same(linalg.vector_norm(x, ord=ord, keepdims=True),
             L.norm(x.ravel(), ord).reshape(1, 1, 1), tol)


def test_numpy2_errors():
    with pytest.raises(ValueError, match="at least 2-dimensional"):
        linalg.matrix_transpose([1, 2])
    with pytest.raises(ValueError) as e:
        linalg.outer([[1, 2]], [1, 2])
    assert str(e.value) == ("Input arrays must be one-dimensional, but they "
                            "are x1.ndim=2 and x2.ndim=1.")
    with pytest.raises(ValueError) as e:
        linalg.cross([1, 2], [1, 2, 3])
    assert str(e.value) == ("Both input arrays must be (arrays of) "
                            "3-dimensional vectors, but they are 2 and 3 "
                            "dimensional instead.")
    with pytest.raises(ValueError):
        linalg.vecdot([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="diag requires"):
        linalg.trace([1, 2])
    with pytest.raises(ValueError, match="shape-mismatch for sum"):
        linalg.tensordot(np.ones((2, 3)), np.ones((3, 2)))


# ------------------------------------------- kinds of operands/results
def test_result_kinds():
    from umath_linalg import ffi
    import array
    rows = [[4.0, 1.0], [1.0, 3.0]]
    c = ffi.new("double[2][2]", rows)
    f = ffi.new("float[2][2]", rows)
    mv = memoryview(array.array("d", [4, 1, 1, 3])).cast("B").cast(
        "d", (2, 2))
    fns = [lambda x: linalg.matrix_power(x, 3), linalg.norm,
           lambda x: linalg.norm(x, axis=0), linalg.matrix_transpose,
           lambda x: linalg.cond(x, 1)]
    if has_gufunc("cholesky_lo"):
        fns.append(linalg.cholesky)
    if has_gufunc("eigh_lo"):
        fns += [linalg.eigvalsh, lambda x: linalg.eigh(x)[1]]
    if has_gufunc("svd_n_s"):
        fns += [linalg.pinv, lambda x: linalg.svd(x)[0]]
    for fn in fns:
        ref = np.asarray(fn(np.array(rows)))
        r = fn(rows)
        if ref.ndim:
            assert isinstance(r, list)
            rc = fn(c)
            assert ffi.typeof(rc).cname == "double%s" % "".join(
                "[%d]" % k for k in ref.shape)
            rf = fn(f)
            assert ffi.typeof(rf).cname == "float%s" % "".join(
                "[%d]" % k for k in ref.shape)
            rm = fn(mv)
            assert isinstance(rm, memoryview) and rm.format == "d"
            for v in (r, [[rc[i][j] for j in range(2)] for i in range(2)]
                      if ref.ndim == 2 else list(rc), rm.tolist()):
                assert np.allclose(v, ref)
        else:
            assert type(r) is float and np.isclose(r, ref)
            assert type(fn(c)) is float and type(fn(mv)) is float
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert linalg.matrix_power([[1, 1], [0, 1]], 3) == [[1, 3], [0, 1]]


def _plain(x):
    """Our result of any kind as nested lists / numbers."""
    from umath_linalg import ffi
    if isinstance(x, tuple):
        return tuple(_plain(v) for v in x)
    if isinstance(x, ffi.CData):
        t = ffi.typeof(x)
        return [_plain(x[i]) for i in range(t.length)] \
            if t.kind == "array" else x
    if isinstance(x, memoryview):
        return x.tolist()
    if isinstance(x, list):
        return [_plain(v) for v in x]
    return x


@needs("cholesky_lo", "eig", "eigh_lo", "svd_n_s", "svd_n", "qr_reduced",
       "qr_r_raw_n", "lstsq_n")
@pytest.mark.parametrize("kind", ["list", "cffi", "memoryview"])
@pytest.mark.parametrize("dtype", ["f8", "f4", "c16", "i8"])
def test_every_function_every_kind(kind, dtype):
    """Each function on nested lists, cffi arrays and buffers (stacked,
    real and complex) gives numpy's values and types in the input's kind."""
    import array
    from umath_linalg import ffi
    if kind == "memoryview" and dtype[0] == "c":
        pytest.skip("no complex buffer format")
    a = spd((2, 3, 3), dtype, seed=60)
    r = rand((4, 3), dtype, seed=61)
    cname = {"f8": "double", "f4": "float", "c16": "double _Complex",
             "i8": "int64_t"}[dtype]

    def conv(x):
        if kind == "list":
            return x.tolist()
        if kind == "cffi":
            return ffi.new(cname + "".join("[%d]" % k for k in x.shape),
                           x.tolist())
        code = {"f8": "d", "f4": "f", "i8": "q"}[dtype]
        return memoryview(array.array(code, x.ravel().tolist())).cast(
            "B").cast(code, x.shape)
    A, R = conv(a), conv(r)
    calls = [
        ("cholesky", lambda M, A, R: M.cholesky(A)),
        ("qr", lambda M, A, R: M.qr(R)),
        ("qr_r", lambda M, A, R: M.qr(R, "r")),
        ("eigvals", lambda M, A, R: M.eigvals(A)),
        ("eigh", lambda M, A, R: M.eigh(A)),
        ("eigvalsh", lambda M, A, R: M.eigvalsh(A, "U")),
        ("svd", lambda M, A, R: M.svd(R, full_matrices=False)),
        ("svd_s", lambda M, A, R: M.svd(A, compute_uv=False)),
        ("lstsq", lambda M, A, R: M.lstsq(R, R[..., :2] if hasattr(R, "shape")
                                          else [row[:2] for row in R],
                                          rcond=None)[:3]),
        ("pinv", lambda M, A, R: M.pinv(R)),
        ("rank", lambda M, A, R: M.matrix_rank(A)),
        ("norm", lambda M, A, R: M.norm(A, axis=(1, 2))),
        ("norm2", lambda M, A, R: M.norm(R, 2)),
        ("cond", lambda M, A, R: M.cond(A, "fro")),
        ("power", lambda M, A, R: M.matrix_power(A, 3)),
        ("multi_dot", lambda M, A, R: M.multi_dot([R, A[0], A[1]])),
    ]
    for name, f in calls:
        if (name == "lstsq" and kind != "list") or \
                (name == "multi_dot" and kind == "memoryview"):
            continue        # (R[..., :2], A[0]: no such sub-views)
        ours = f(linalg, A, R)
        ref = f(L, a, r)
        o = _plain(ours)
        if isinstance(ref, tuple):
            assert isinstance(o, tuple), name
            for x, y in zip(o, ref):
                same(np.asarray(x, dtype=np.asarray(y).dtype), y,
                     tol_of(a) * 10, dtype=False)
        else:
            assert np.asarray(o).shape == np.asarray(ref).shape, name
            same(np.asarray(o, dtype=np.asarray(ref).dtype), ref,
                 tol_of(a) * 10, dtype=False)
        first = ours[0] if isinstance(ours, tuple) else ours
        if np.ndim(ref if not isinstance(ref, tuple) else ref[0]) and \
                not isinstance(first, (int, float)):
            if kind == "list":
                assert isinstance(first, list), name
            elif kind == "cffi":
                assert isinstance(first, ffi.CData), name
                rdt = (ref[0] if isinstance(ref, tuple) else ref).dtype
                item = ffi.typeof(first)
                while item.kind == "array":
                    item = item.item
                assert item.cname == {"f": "float", "d": "double",
                                      "F": "float _Complex",
                                      "D": "double _Complex",
                                      "l": "int64_t"}[rdt.char], name
            else:
                assert isinstance(first, (memoryview, list)), name
