"""Transposed and strided views (umath_linalg.T / View, _views.py): inv,
solve, det, matmul on views of cffi arrays (inputs and out=) agree with the
same calls on transposed copies; the plan path (second call) agrees with
the first; bad views are refused before anything runs."""
import random

import pytest

import umath_linalg as ul
from umath_linalg import ffi
from pypy_compat import linalg


def cmat(rows, ct="double"):
    return ffi.new("%s[%d][%d]" % (ct, len(rows), len(rows[0])), rows)


def rows_of(c, n, m):
    return [[c[i][j] for j in range(m)] for i in range(n)]


def rand(n, m, seed, diag=0.0):
    rng = random.Random(seed)
    return [[rng.uniform(-1, 1) + (diag if i == j else 0) for j in range(m)]
            for i in range(n)]


def tr(rows):
    return [list(r) for r in zip(*rows)]


def close(x, y, tol=1e-12):
    if isinstance(x, list):
        return len(x) == len(y) and all(close(a, b, tol) for a, b in zip(x, y))
    return abs(x - y) <= tol * (1 + abs(y))


def as_rows(x, n, m):
    return rows_of(x, n, m) if isinstance(x, ffi.CData) else x


@pytest.mark.parametrize("ct", ["double", "float"])
def test_views_agree_with_copies(ct):
    tol = 1e-12 if ct == "double" else 1e-5
    A, B = rand(4, 4, 1, 4.0), rand(4, 3, 2)
    a, b = cmat(A, ct), cmat(B, ct)
    at, bt = cmat(tr(A), ct), cmat(tr(B), ct)        # transposed copies
    cases = [
        (lambda: ul.inv(ul.T(a)), lambda: ul.inv(at), 4, 4),
        (lambda: ul.solve(ul.T(a), b), lambda: ul.solve(at, b), 4, 3),
        (lambda: ul.matmul(a, ul.T(a)), lambda: ul.matmul(a, at), 4, 4),
        (lambda: ul.matmul(ul.T(b), ul.T(a)), lambda: ul.matmul(bt, at),
         3, 4),
        (lambda: ul.matmul(ul.T(ul.T(b)), ul.T(b)),
         lambda: ul.matmul(b, bt), 4, 4),
    ]
    for view, copy, n, m in cases:
        want = rows_of(copy(), n, m)
        for _ in range(3):                      # general path, then plans
            got = view()
            assert ffi.typeof(got) == ffi.typeof(copy())
            assert close(rows_of(got, n, m), want, tol)
    assert close(ul.det(ul.T(a)), ul.det(at), tol)


def test_view_as_out_and_strides():
    A, B = rand(4, 4, 3, 4.0), rand(4, 3, 4)
    a, b = cmat(A), cmat(B)
    for _ in range(2):
        o = ffi.new("double[3][4]")
        r = ul.matmul(a, b, out=ul.T(o))        # o = (A B)^T
        assert type(r) is ul.View
        assert close(rows_of(o, 3, 4), tr(rows_of(ul.matmul(a, b), 4, 3)))
        oi = ffi.new("double[4][4]")
        ul.inv(a, out=ul.T(oi))
        assert close(rows_of(oi, 4, 4), tr(rows_of(ul.inv(a), 4, 4)))
    # every other row of a (8, 4): a (4, 4) view with doubled row stride
    big = cmat([row for r in A for row in (r, [9.0] * 4)])
    v = ul.View(big, (4, 4), (64, 8))
    assert close(rows_of(ul.inv(v), 4, 4), rows_of(ul.inv(a), 4, 4))
    # negative strides: the rows reversed
    rv = ul.View(a, (4, 4), (-32, 8), offset=96)
    assert close(rows_of(ul.matmul(rv, b), 4, 3),
                 rows_of(ul.matmul(cmat(A[::-1]), b), 4, 3))


def test_views_in_pypy_compat_and_lists():
    A = rand(3, 3, 5, 3.0)
    a = cmat(A)
    assert close(as_rows(linalg.inv(ul.T(a)), 3, 3),
                 rows_of(ul.inv(cmat(tr(A))), 3, 3))
    assert close(as_rows(linalg.matmul(ul.T(a), a), 3, 3),
                 rows_of(ul.matmul(cmat(tr(A)), a), 3, 3))
    assert close(linalg.det(ul.T(a)), linalg.det(A))
    assert ul.T([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]
    assert ul.T([[[1, 2]], [[3, 4]]]) == [[[1], [2]], [[3], [4]]]
    assert ul.T([[], []]) == []


def test_bad_views():
    a = cmat(rand(4, 4, 6))
    with pytest.raises(ValueError, match="outside the base"):
        ul.View(a, (5, 4), (32, 8))
    with pytest.raises(ValueError, match="outside the base"):
        ul.View(a, (4, 4), (-32, 8))
    with pytest.raises(ValueError, match="needs 2"):
        ul.T(ffi.new("double[4]"))
    with pytest.raises(ValueError, match="needs 2"):
        ul.T([1.0, 2.0])
    b = cmat(rand(4, 3, 7))
    o = ffi.new("double[4][4]")
    before = rows_of(o, 4, 4)
    with pytest.raises(ValueError, match="mismatch in its core dimension"):
        ul.matmul(ul.T(b), ul.T(b), out=o)
    with pytest.raises(ValueError):
        ul.matmul(ul.T(a), b, out=ul.T(o))      # wrong out shape
    assert rows_of(o, 4, 4) == before           # nothing written


np = None
try:
    import numpy as np
except ImportError:
    pass


@pytest.mark.skipif(np is None, reason="numpy")
def test_views_against_numpy():
    r = np.random.RandomState(3)
    A = r.rand(2, 5, 5) + 5 * np.eye(5)
    B = r.rand(2, 5, 2)
    a = ffi.new("double[2][5][5]", A.tolist())
    b = ffi.new("double[2][5][2]", B.tolist())

    def nd(c, shape):
        return np.array(ffi.unpack(ffi.cast("double *", c),
                                   int(np.prod(shape)))).reshape(shape)
    at = np.swapaxes(A, -1, -2)
    for _ in range(2):
        assert np.allclose(nd(ul.inv(ul.T(a)), (2, 5, 5)), np.linalg.inv(at))
        assert np.allclose(nd(ul.solve(ul.T(a), b), (2, 5, 2)),
                           np.linalg.solve(at, B))
        assert np.allclose(nd(ul.matmul(ul.T(b), ul.T(a)), (2, 2, 5)),
                           np.matmul(np.swapaxes(B, -1, -2), at))
        assert np.allclose(ul.matmul(ul.T(A), B), np.matmul(at, B))
