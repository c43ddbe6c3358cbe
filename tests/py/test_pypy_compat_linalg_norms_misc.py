"""pypy_compat.linalg's norm, cond, matrix_power, multi_dot, tensorsolve,
tensorinv and numpy 2's additions against numpy (CPython): every ord, axis
form, keepdims, dtype and layout, special values, every error."""
import pytest

np = pytest.importorskip("numpy")

from pypy_compat import linalg  # noqa: E402
from pypy_compat._linalg_gufuncs import has_gufunc  # noqa: E402
from linalg_compare import (L, DTYPES, tol_of, rand, layouts,  # noqa
                            same, raises_like)


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
    for shapes in ([(3, 2), (1, 3), (3, 3)], [(3,), (2,)], [(2, 3, 4), (5, 6)],
                   [(3,), (2, 2)], [(2, 2), (2, 2), (3,)]):
        raises_like(linalg.multi_dot, L.multi_dot,
                    [np.ones(s) for s in shapes])
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


# ---------------------------------------------- matmul (numpy 2's linalg)
MATMUL_SHAPES = [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)),
                 ((4,), (4,)), ((2, 1, 3, 4), (5, 4, 2)), ((1, 4), (4, 1)),
                 ((0, 3), (3, 2)), ((3, 0), (0, 2)), ((2, 3, 4), (4,)),
                 ((16, 16), (16, 16)), ((17, 20), (20, 18))]


@pytest.mark.parametrize("dtype", DTYPES)
def test_matmul(dtype):
    for k, (sa, sb) in enumerate(MATMUL_SHAPES):
        a = rand(sa, dtype, seed=50 + k)
        b = rand(sb, dtype, seed=70 + k)
        ref = np.matmul(a, b)
        tol = tol_of(a, b) * max(sa[-1], 1)
        for _, x in layouts(a) if a.size else [("C", a)]:
            same(linalg.matmul(x, b), ref, tol)
        la, lb = a.tolist(), b.tolist()                 # nested lists
        try:
            np.matmul(np.array(la), np.array(lb))
        except ValueError:      # ([] is shape (0,))
            raises_like(linalg.matmul, np.matmul, la, lb)
            continue
        r = linalg.matmul(la, lb)
        same(r, np.matmul(np.array(la), np.array(lb)), tol)
        assert linalg.matmul(la, lb) == r                # planned
    # mixed types promote as numpy's
    for da, db in (("i8", "f8"), ("f4", "f8"), ("?", "i4"), ("f4", "c8"),
                   ("i4", "c16"), ("?", "?"), ("f4", "i8")):
        a, b = rand((3, 4), da, seed=1), rand((4, 2), db, seed=2)
        same(linalg.matmul(a, b), np.matmul(a, b), tol_of(a, b) * 4)


def test_matmul_lists_types():
    ints = [[1, 2], [3, 4]]
    r = linalg.matmul(ints, ints)
    assert r == [[7, 10], [15, 22]] and type(r[0][0]) is int
    r = linalg.matmul([[True, False], [False, False]], [[True], [True]])
    assert r == [[True], [False]] and type(r[0][0]) is bool
    assert linalg.matmul([1.0, 2.0], [3.0, 4.0]) == 11.0
    r = linalg.matmul([[1j, 1], [2, 3]], [[1], [1j]])
    assert r == np.matmul([[1j, 1], [2, 3]], [[1], [1j]]).tolist()


def test_matmul_errors():
    for sa, sb in (((3, 4), (3, 4)), ((4,), (3,)), ((), (3, 3)),
                   ((3, 3), ()), ((2, 3), (3,) * 0)):
        a, b = np.ones(sa), np.ones(sb)
        raises_like(linalg.matmul, np.matmul, a, b)
        raises_like(linalg.matmul, np.matmul, a.tolist(), b.tolist())
        ia, ib = a.astype(int), b.astype(int)
        raises_like(linalg.matmul, np.matmul, ia.tolist(), ib.tolist())


def test_multi_dot_float_chain_on_matmul():
    # float64 chains run the matmul gufunc on the flat lists (one plan per
    # shape pair): the same values as numpy's multi_dot in every order
    shapes = [(10, 2), (2, 8), (8, 3), (3, 1)]
    arrays = [rand(s, "f8", seed=90 + j) for j, s in enumerate(shapes)]
    for _ in range(2):
        same(linalg.multi_dot([x.tolist() for x in arrays]),
             L.multi_dot(arrays), 1e-12, dtype=False)
    assert linalg.multi_dot([[[1, 2]], [[3], [4]], [[5]]]) == [[55]]
