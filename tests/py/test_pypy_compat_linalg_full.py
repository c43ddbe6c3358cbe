"""pypy_compat.linalg's decompositions against numpy.linalg 1.24 (CPython):
cholesky, qr, eig, eigvals, eigh, eigvalsh, svd, lstsq, pinv, matrix_rank on
random shapes, dtypes, layouts and stacks, singular and rank-deficient
inputs, every error numpy raises; and every function on every operand kind.

A function whose gufunc the library does not have yet is skipped (the
`needs` marks).  norm, cond and the LAPACK-free functions are in
test_pypy_compat_linalg_norms_misc.py; the PyPy half (no numpy) is
test_pypy_compat_linalg_ref.py.
"""
import warnings

import pytest

np = pytest.importorskip("numpy")

from pypy_compat import linalg  # noqa: E402
from pypy_compat._linalg_gufuncs import has_gufunc  # noqa: E402
from linalg_compare import (L, needs, DTYPES, tol_of, rand, layouts,  # noqa
                            same, raises_like, spd, _herm, SQUARE, RECT)


# ------------------------------------------------------------- cholesky
def _phase_fixed(v, vt=None):
    """Eigenvectors (columns of v) with the phase of each column's largest
    entry made +1, and vt's rows to match: LAPACK fixes no sign, and the
    small eigh kernels choose other signs than ?syevd."""
    v = np.array(v)
    if v.size == 0:
        return v if vt is None else (v, np.array(vt))
    idx = np.argmax(np.abs(v), axis=-2)[..., None, :]
    x = np.take_along_axis(v, idx, axis=-2)
    ph = np.where(x == 0, 1, x / np.where(x == 0, 1, np.abs(x)))
    v = v * np.conj(ph)
    if vt is None:
        return v
    return v, np.array(vt) * np.swapaxes(ph, -1, -2)


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
def _unit_sign(x):
    """x with each column's largest-|x_ik| entry made real positive"""
    if x.size == 0:
        return x
    top = np.take_along_axis(x, np.argmax(np.abs(x), axis=-2)[..., None, :], axis=-2)
    return x * np.where(top == 0, 1, np.abs(top) / np.where(top == 0, 1, top))


def _svd_signs(res):
    """(u, s, vh) with the sign (phase) of every singular vector fixed:
    LAPACK leaves them free, and the small kernels (real square n <= 10,
    one-sided Jacobi) choose other ones than ?gesdd; a pair with s ~ 0
    has no relative sign either, so u and vh are fixed each on its own."""
    u, s, vh = (np.array(x) for x in res)
    return _unit_sign(u), s, np.swapaxes(_unit_sign(np.swapaxes(vh, -1, -2)), -1, -2)


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
            same(_svd_signs(linalg.svd(x, full)), _svd_signs(L.svd(x, full)), tol)


@needs("eigh_lo", "eigvalsh_lo")
@pytest.mark.parametrize("dtype", ["f4", "f8", "c8", "c16", "i8"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (0, 0), (1, 1)])
def test_svd_hermitian(dtype, shape):
    a = _herm(shape, dtype, seed=11)
    tol = tol_of(a)
    (u, s, vt), (u0, s0, vt0) = linalg.svd(a, hermitian=True), L.svd(a, hermitian=True)
    same((s,) + _phase_fixed(u, vt), (s0,) + _phase_fixed(u0, vt0), tol)
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
        if name == "eigh":      # eigenvector signs: see _phase_fixed
            o, ref = (o[0], _phase_fixed(o[1])), (ref[0], _phase_fixed(ref[1]))
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
