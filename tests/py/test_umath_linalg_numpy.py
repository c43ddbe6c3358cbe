"""umath_linalg with numpy arrays, compared against numpy (CPython only;
under pypy3 numpy cannot load and this module is skipped)."""
import pytest

try:
    import numpy as np
except ImportError:
    np = None
if np is None:
    pytest.skip("numpy not importable (pypy3)", allow_module_level=True)

import umath_linalg as ul
from umath_linalg import LinAlgError

NUL = pytest.importorskip("numpy.linalg._umath_linalg")
DTYPES = [np.float32, np.float64, np.complex64, np.complex128]
TOL = {np.float32: 2e-4, np.float64: 1e-11, np.complex64: 2e-4,
       np.complex128: 1e-11}


def rand(rng, shape, dtype):
    a = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.standard_normal(shape)
    if len(shape) >= 2 and shape[-1] == shape[-2]:
        a = a + shape[-1] * np.eye(shape[-1])
    return a.astype(dtype)


def layouts(a):
    """The same values in several memory layouts."""
    yield "C", np.ascontiguousarray(a)
    yield "F", np.asfortranarray(a)
    if a.ndim >= 2:
        t = np.ascontiguousarray(np.swapaxes(a, -1, -2))
        yield "T", np.swapaxes(t, -1, -2)
        big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
        big[..., ::2] = a
        yield "strided", big[..., ::2]
        yield "negative", np.ascontiguousarray(a[..., ::-1, :])[..., ::-1, :]


def close(x, y, dtype):
    x, y = np.asarray(x), np.asarray(y)
    assert x.shape == y.shape
    if x.size == 0:
        return
    scale = max(1.0, float(np.max(np.abs(y))))
    assert np.max(np.abs(x - y)) <= TOL[dtype] * scale


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(6))
def test_inv_det_slogdet_vs_numpy(dtype, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 12))
    outer = tuple(int(k) for k in rng.integers(1, 4, size=int(rng.integers(0, 3))))
    a = rand(rng, outer + (n, n), dtype)
    for name, x in layouts(a):
        r = ul.inv(x)
        assert r.dtype == dtype and type(r) is np.ndarray
        close(r, NUL.inv(a), dtype)
        close(ul.det(x), NUL.det(a), dtype)
        s, l = ul.slogdet(x)
        s0, l0 = NUL.slogdet(a)
        close(s, s0, dtype)
        close(l, l0, dtype)
        assert np.asarray(l).dtype == np.asarray(l0).dtype


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(6))
def test_solve_vs_numpy(dtype, seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 9))
    k = int(rng.integers(0, 4))
    a = rand(rng, (3, n, n), dtype)
    b = rand(rng, (2, 1, n, k), dtype)
    for _, x in layouts(a):
        for _, y in layouts(b):
            close(ul.solve(x, y), NUL.solve(a, b), dtype)
    b1 = rand(rng, (3, n), dtype)
    close(ul.solve(a, b1), np.linalg.solve(a, b1), dtype)


def test_out_numpy_and_fast_path():
    rng = np.random.default_rng(1)
    a = rand(rng, (10, 10), np.float64)
    o = np.empty((10, 10))
    for _ in range(3):
        assert ul.inv(a, out=o) is o
        close(o, np.linalg.inv(a), np.float64)
    # a non-contiguous out
    big = np.zeros((10, 20))
    view = big[:, ::2]
    assert ul.inv(a, out=view) is view
    close(view, np.linalg.inv(a), np.float64)
    assert np.all(big[:, 1::2] == 0)
    d = np.empty(4)
    s = rand(rng, (4, 3, 3), np.float64)
    ul.det(s, out=d)
    close(d, np.linalg.det(s), np.float64)
    # scalar result for one matrix
    assert isinstance(ul.det(a), np.float64)


def test_int_and_bool_cast_like_numpy():
    a = np.array([[4, 7], [2, 6]])
    r = ul.inv(a)
    assert r.dtype == NUL.inv(a).dtype == np.float64
    close(r, NUL.inv(a), np.float64)
    b = np.eye(3, dtype=bool)
    assert ul.inv(b).dtype == NUL.inv(b).dtype    # float32, numpy's choice


def test_numpy_errors():
    a = np.eye(3)
    ro = np.empty((3, 3))
    ro.flags.writeable = False
    with pytest.raises(ValueError):
        ul.inv(a, out=ro)
    with pytest.raises(TypeError):
        ul.inv(a, out=np.empty((3, 3), np.float32))
    with pytest.raises(ValueError):
        ul.inv(a, out=np.empty((2, 3, 3)))
    with pytest.raises(TypeError):
        ul.inv(a.astype(np.float16))
    with pytest.raises(TypeError):
        ul.inv(a.astype(">f8"))
    with pytest.raises(ValueError):
        ul.inv(np.ones((2, 3)))
    with pytest.raises(ValueError):
        ul.solve(np.ones((2, 3, 3)), np.ones((3, 3, 1)))
    o = np.full((3, 3), 7.0)
    with pytest.raises(ValueError):
        ul.inv(np.ones((3, 2)), out=o)
    assert np.all(o == 7.0)


def test_numpy_singular_and_empty():
    s = np.array([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 0.0], [0.0, 4.0]]])
    with pytest.raises(LinAlgError):
        ul.inv(s)
    with np.errstate(invalid="ignore"):
        ref = NUL.inv(s)
    r = ul.gufunc("inv")(s)
    assert np.isnan(r[0]).all() and np.isnan(ref[0]).all()
    close(r[1], ref[1], np.float64)
    close(ul.det(s), NUL.det(s), np.float64)
    for shape in [(0, 0), (3, 0, 0), (0, 3, 3), (2, 0, 4, 4)]:
        e = np.zeros(shape)
        close(ul.inv(e), NUL.inv(e), np.float64)
        close(ul.det(e), NUL.det(e), np.float64)
        s0, l0 = NUL.slogdet(e)
        s1, l1 = ul.slogdet(e)
        close(s1, s0, np.float64)
        close(l1, l0, np.float64)


def test_numpy_broadcasting_shapes():
    rng = np.random.default_rng(9)
    a = rand(rng, (4, 1, 3, 3), np.float64)
    b = rand(rng, (5, 3, 2), np.float64)
    r = ul.gufunc("solve")(a, b)
    assert r.shape == (4, 5, 3, 2)
    close(r, NUL.solve(a, b), np.float64)
    a2 = rand(rng, (3, 3), np.float64)
    close(ul.solve(a2, b), NUL.solve(a2, b), np.float64)


def test_memoryviews_of_numpy_arrays():
    rng = np.random.default_rng(3)
    a = rand(rng, (4, 4), np.float64)
    for x in (np.asfortranarray(a), a[::-1][::-1], np.ascontiguousarray(a)):
        r = ul.inv(memoryview(x))
        assert isinstance(r, memoryview) and r.shape == (4, 4)
        close(np.array(r.tolist()), np.linalg.inv(a), np.float64)
    out = memoryview(np.zeros((4, 4), order="F"))
    with pytest.raises(ValueError):
        ul.inv(a, out=out)          # non-contiguous memoryview out
    assert np.all(np.asarray(out) == 0)
    ok = np.zeros((4, 4))
    ul.inv(memoryview(a), out=memoryview(ok))
    close(ok, np.linalg.inv(a), np.float64)


def _same(x, y):
    """Equal bit for bit (NaN where NaN), same type and shape."""
    if isinstance(x, tuple):
        assert isinstance(y, tuple) and len(x) == len(y)
        for u, v in zip(x, y):
            _same(u, v)
        return
    assert type(x) is type(y)
    x, y = np.asarray(x), np.asarray(y)
    assert x.dtype == y.dtype and x.shape == y.shape
    assert x.tobytes() == y.tobytes()


@pytest.mark.parametrize("dtype", DTYPES)
def test_repeated_calls_take_the_fast_path_alike(dtype):
    # The first call of each signature takes the general path and records
    # a plan; the next ones run through the fast path.  Both must give the
    # same results, for every function and gufunc object, one and two
    # inputs, one and two outputs, out= or not, singular matrices included.
    rng = np.random.default_rng(7)
    st = rand(rng, (3, 4, 4), dtype)
    sing = st.copy()
    sing[1] = 0
    b2 = rand(rng, (3, 4, 2), dtype)
    b1 = rand(rng, (3, 4), dtype)
    g = {n: ul.gufunc(n) for n in ("inv", "det", "slogdet", "solve",
                                   "solve1")}
    calls = [
        ("inv", lambda x: ul.inv(x)), ("det", lambda x: ul.det(x)),
        ("slogdet", lambda x: ul.slogdet(x)),
        ("solve", lambda x: ul.solve(x, b2)),
        ("solve1", lambda x: ul.solve(x, b1)),
        ("g.inv", lambda x: g["inv"](x)), ("g.det", lambda x: g["det"](x)),
        ("g.slogdet", lambda x: g["slogdet"](x)),
        ("g.solve", lambda x: g["solve"](x, b2)),
        ("g.solve1", lambda x: g["solve1"](x, b1)),
        ("inv out", lambda x: ul.inv(x, out=np.empty_like(x)).copy()),
        ("det out", lambda x: ul.det(x, out=np.empty(3, dtype)).copy()),
    ]
    for what, f in calls:
        first = f(st)
        for _ in range(3):
            _same(f(st), first)
        if what in ("inv", "solve", "solve1", "inv out"):
            with pytest.raises(LinAlgError, match="Singular matrix"):
                f(sing)
            with pytest.raises(LinAlgError, match="Singular matrix"):
                f(sing)                         # through the fast path
        else:
            r0 = f(sing)
            _same(f(sing), r0)
    # one matrix: 0-d results come back as numpy scalars on both paths
    one = st[0].copy()
    for _ in range(3):
        assert isinstance(ul.det(one), np.generic)
        s, l = ul.slogdet(one)
        assert isinstance(s, np.generic) and isinstance(l, np.generic)
    # an error found by the driver on the fast path still raises
    with pytest.raises(ValueError):
        ul.inv(st, out=np.empty((2, 4, 4), dtype))


def test_one_input_fast_path_agrees_with_the_general_one_numpy():
    # (see the cffi version in test_umath_linalg.py)
    from umath_linalg._fastpath import fast_path, miss, MISS
    rng = np.random.default_rng(9)
    a = rand(rng, (2, 3, 3), np.float64)
    for name in ("inv", "det"):
        g = ul.gufunc(name)
        general = fast_path(g, miss, specialize=False)
        for x in (a, a[0].copy()):
            shape = x.shape if name == "inv" else x.shape[:-2]
            for out in (None, np.empty(shape)) if shape else (None,):
                g(x, out=out)
                r1 = g._fast(x, out)
                assert r1 is not MISS
                t1, r1 = type(r1), np.array(r1)     # (copy: out is reused)
                r2 = general(x, out)
                assert r2 is not MISS and type(r2) is t1
                _same(r1, np.array(r2))
