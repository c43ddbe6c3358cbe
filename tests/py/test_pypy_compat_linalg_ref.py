"""pypy_compat.linalg's new functions on both interpreters (no numpy
needed): residual properties in pure Python, and reference results.

Under CPython (numpy present) every case is compared with numpy.linalg and
the numpy results are written to build/out/py-ref/pypy_compat_linalg_full.json;
the pypy3 run (tests/run_py_tests.sh runs CPython first) compares against
that file.  Cases whose gufunc the library lacks are skipped on both.
"""
import cmath
import json
import math
import os
import random

import pytest

from umath_linalg import ffi
from pypy_compat import linalg
from pypy_compat.linalg import LinAlgError
from pypy_compat._linalg_gufuncs import has_gufunc

try:
    import numpy as np
except ImportError:
    np = None

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
REF = os.path.join(ROOT, "build", "out", "py-ref",
                   "pypy_compat_linalg_full.json")
SVD = ("svd_m", "svd_n")
SVD_S = ("svd_m_s", "svd_n_s")
QR = ("qr_r_raw_m", "qr_r_raw_n", "qr_reduced", "qr_complete")


# ----------------------------------------------------------------- helpers
def mat(rng, m, n, cplx=False, shift=0.0):
    return [[complex(rng.uniform(-1, 1), rng.uniform(-1, 1)) if cplx
             else rng.uniform(-1, 1) + (shift if i == j else 0.0)
             for j in range(n)] for i in range(m)]


def mm(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b)))
             for j in range(len(b[0]))] for i in range(len(a))]


def ct(a):
    return [[a[i][j].conjugate() for i in range(len(a))]
            for j in range(len(a[0]))]


def eye(n):
    return [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]


def maxabs(a):
    if isinstance(a, (list, tuple)):
        return max([maxabs(v) for v in a] + [0.0])
    return abs(a)


def sub(a, b):
    if isinstance(a, (list, tuple)):
        return [sub(x, y) for x, y in zip(a, b)]
    return a - b


def tolist(x):
    if isinstance(x, ffi.CData):
        t = ffi.typeof(x)
        return [tolist(x[i]) for i in range(t.length)] \
            if t.kind == "array" else x
    if isinstance(x, memoryview):
        return x.tolist()
    if isinstance(x, tuple):
        return [tolist(v) for v in x]
    if isinstance(x, list):
        return [tolist(v) for v in x]
    if hasattr(x, "tolist"):
        return x.tolist()
    return x


def enc(x):
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if isinstance(x, complex):
        return {"re": x.real, "im": x.imag}
    return x if isinstance(x, (int, bool)) else float(x)


def dec(x):
    if isinstance(x, list):
        return [dec(v) for v in x]
    if isinstance(x, dict):
        return complex(x["re"], x["im"])
    return x


def close(a, b, tol):
    """Nested equality within tol * scale (NaN equals NaN)."""
    if isinstance(b, list):
        assert isinstance(a, list) and len(a) == len(b), (a, b)
        scale = max([1.0] + [abs(v) for v in _flat(b) if v == v and
                              abs(v) != math.inf])
        for x, y in zip(_flat(a), _flat(b)):
            _close1(x, y, tol * scale)
        return
    _close1(a, b, tol * max(1.0, abs(b) if b == b and abs(b) != math.inf
                            else 1.0))


def _close1(x, y, tol):
    if y != y:
        assert x != x, (x, y)
    elif isinstance(y, (int, float)) and abs(y) == math.inf:
        assert x == y, (x, y)
    else:
        assert abs(x - y) <= tol, (x, y)


def _flat(x):
    if isinstance(x, list):
        for v in x:
            yield from _flat(v)
    else:
        yield x


def csort(w):
    return sorted(w, key=lambda v: (round(complex(v).real, 9),
                                    round(complex(v).imag, 9)))


# ------------------------------------------------------------------ cases
def inputs():
    rng = random.Random(1212)
    a3 = mat(rng, 3, 3, shift=2.0)
    c4 = mat(rng, 4, 4, cplx=True)
    b = mat(rng, 4, 4)
    spd = [[sum(b[i][k] * b[j][k] for k in range(4)) + (4 if i == j else 0)
            for j in range(4)] for i in range(4)]
    h = [[c4[i][j] + c4[j][i].conjugate() for j in range(4)]
         for i in range(4)]
    r53 = mat(rng, 5, 3)
    r35 = mat(rng, 3, 5)
    rd = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]
    st = [mat(rng, 3, 3, shift=1.0) for _ in range(2)]
    ints = [[2, -1, 0], [-1, 2, -1], [0, -1, 2]]
    rot = [[0.0, -2.0, 1.0], [2.0, 0.0, 0.5], [0.0, 0.0, 3.0]]
    return dict(a3=a3, c4=c4, spd=spd, h=h, r53=r53, r35=r35, rd=rd, st=st,
                ints=ints, rot=rot, v=[rng.uniform(-2, 2) for _ in range(6)],
                b5=[rng.uniform(-1, 1) for _ in range(5)],
                b3=[[rng.uniform(-1, 1)] * 2 for _ in range(3)])


def table():
    """(key, gufuncs needed, f(M, X) for M = the linalg module)."""
    T = []

    def add(key, need, f):
        T.append((key, need, f))
    add("cholesky", ("cholesky_lo",), lambda M, X: M.cholesky(X["spd"]))
    add("cholesky_c", ("cholesky_lo",),
        lambda M, X: M.cholesky([[v + (9 if i == j else 0) for j, v in
                                  enumerate(r)] for i, r in enumerate(X["h"])]))
    for mode in ("reduced", "complete", "r"):
        for k in ("r53", "r35", "c4", "st"):
            add("qr_%s_%s" % (mode, k), QR,
                lambda M, X, k=k, mode=mode: M.qr(X[k], mode))
    add("eigvals_rot", ("eigvals",), lambda M, X: csort(
        list(M.eigvals(X["rot"]))))
    add("eigvals_a3", ("eigvals",), lambda M, X: csort(
        list(M.eigvals(X["a3"]))))
    add("eigvals_c4", ("eigvals",), lambda M, X: csort(
        list(M.eigvals(X["c4"]))))
    add("eigvalsh_h", ("eigvalsh_lo",), lambda M, X: M.eigvalsh(X["h"]))
    add("eigvalsh_spd_U", ("eigvalsh_up",),
        lambda M, X: M.eigvalsh(X["spd"], "U"))
    add("eigh_w", ("eigh_lo",), lambda M, X: M.eigh(X["h"])[0])
    for k in ("r53", "r35", "c4", "st", "rd"):
        add("svdvals_" + k, SVD, lambda M, X, k=k: M.svd(X[k],
                                                          compute_uv=False))
        add("pinv_" + k, SVD_S, lambda M, X, k=k: M.pinv(X[k]))
        add("rank_" + k, SVD, lambda M, X, k=k: M.matrix_rank(X[k]))
        add("norm2_" + k, SVD, lambda M, X, k=k: M.norm(X[k], 2, (-2, -1)))
        add("nuc_" + k, SVD, lambda M, X, k=k: M.norm(X[k], "nuc", (-2, -1)))
        add("cond_" + k, SVD, lambda M, X, k=k: M.cond(X[k]))
    add("svd_s_h", ("eigvalsh_lo",),
        lambda M, X: M.svd(X["h"], compute_uv=False, hermitian=True))
    add("lstsq_r53", ("lstsq_n",),
        lambda M, X: M.lstsq(X["r53"], X["b5"], rcond=None))
    add("lstsq_rd", ("lstsq_n",),
        lambda M, X: M.lstsq(X["rd"], [1.0, 2, 3, 4], rcond=None))
    add("lstsq_r35", ("lstsq_m",),
        lambda M, X: M.lstsq(X["r35"], X["b3"], rcond=None))
    for k in ("a3", "c4", "st", "ints", "rd", "v"):
        for ord in (None, 1, -1, math.inf, -math.inf, "fro", 0, 3, 2):
            add("norm_%s_%s" % (k, ord), SVD if ord == 2 and k != "v" else (),
                lambda M, X, k=k, ord=ord: _norm_or_error(M, X[k], ord))
    for k in ("a3", "c4", "st", "ints"):
        for p in (1, -1, math.inf, -math.inf, "fro"):
            add("cond_%s_%s" % (k, p), ("inv",),
                lambda M, X, k=k, p=p: M.cond(X[k], p))
        for n in (0, 1, 2, 3, 7, -1, -2):
            add("power_%s_%d" % (k, n), ("inv",),
                lambda M, X, k=k, n=n: M.matrix_power(X[k], n))
    add("cond_singular", ("inv",), lambda M, X: M.cond([[1, 2], [2, 4]], 1))
    add("multi_dot", (), lambda M, X: M.multi_dot(
        [X["r35"], X["r53"], X["a3"], X["v"][:3]]))
    add("multi_dot3", (), lambda M, X: M.multi_dot(
        [X["v"][:5], X["r53"], X["r35"]]))
    add("tensorinv", ("inv",), lambda M, X: M.tensorinv(
        [[[X["c4"][i][2 * j + k] for k in range(2)] for j in range(2)]
         for i in range(4)], 1))
    add("tensorsolve", ("solve1",), lambda M, X: M.tensorsolve(
        [[[X["spd"][2 * i + j][k] for k in range(4)] for j in range(2)]
         for i in range(2)], [[1.0, 2.0], [3.0, 4.0]]))
    return T


def _norm_or_error(M, x, ord):
    try:
        return M.norm(x, ord)
    except Exception as e:
        return "%s: %s" % (type(e).__name__, e)


def numpy2_table():
    """numpy 2's additions: (key, ours(X), numpy 1.24 equivalent(X))."""
    return [
        ("mt", lambda X: linalg.matrix_transpose(X["st"]),
         lambda X: np.swapaxes(X["st"], -1, -2)),
        ("diag1", lambda X: linalg.diagonal(X["st"], offset=1),
         lambda X: np.diagonal(X["st"], 1, -2, -1)),
        ("trace", lambda X: linalg.trace(X["c4"]), lambda X: np.trace(X["c4"])),
        ("trace_int", lambda X: linalg.trace(X["ints"], offset=-1),
         lambda X: np.trace(X["ints"], -1)),
        ("outer", lambda X: linalg.outer(X["v"], X["b5"]),
         lambda X: np.outer(X["v"], X["b5"])),
        ("cross", lambda X: linalg.cross(X["st"], X["a3"][0]),
         lambda X: np.cross(X["st"], X["a3"][0])),
        ("vecdot", lambda X: linalg.vecdot(X["c4"], X["c4"][::-1], axis=0),
         lambda X: (np.conj(X["c4"]) * X["c4"][::-1]).sum(0)),
        ("tensordot", lambda X: linalg.tensordot(X["st"], X["a3"], axes=1),
         lambda X: np.tensordot(X["st"], X["a3"], 1)),
        ("vector_norm", lambda X: linalg.vector_norm(X["st"], axis=(0, 2),
                                                     ord=3),
         lambda X: np.linalg.norm(np.moveaxis(np.array(X["st"]), 1, 0)
                                  .reshape(3, 6), 3, axis=1)),
        ("matrix_norm", lambda X: linalg.matrix_norm(X["st"], ord=1),
         lambda X: np.linalg.norm(X["st"], 1, axis=(-2, -1))),
    ]


def compute(M, X):
    out = {}
    for key, need, f in table():
        if all(has_gufunc(n) for n in need):
            out[key] = tolist(f(M, X))
    return out


# ------------------------------------------------------------ the tests
def test_against_numpy_or_reference_file():
    X = inputs()
    ours = compute(linalg, X)
    ours.update(("np2_" + k, tolist(f(X))) for k, f, _ in numpy2_table())
    if np is not None:
        with np.errstate(all="ignore"):
            ref = compute(np.linalg, X)
            ref.update(("np2_" + k, tolist(g(X)))
                       for k, _, g in numpy2_table())
        os.makedirs(os.path.dirname(REF), exist_ok=True)
        with open(REF, "w") as f:
            json.dump({k: enc(v) if not isinstance(v, str) else v
                       for k, v in ref.items()}, f)
    elif os.path.exists(REF):
        with open(REF) as f:
            ref = dict((k, dec(v)) for k, v in json.load(f).items())
    else:
        pytest.skip("no numpy and no reference file (run under CPython first)")
    checked = 0
    for key, v in ours.items():
        if key not in ref:
            continue
        if isinstance(ref[key], str):
            assert isinstance(v, str) and v == ref[key], (key, v, ref[key])
        else:
            close(v, ref[key], 1e-9)
        checked += 1
    assert checked >= len(ref) * 0.5 or checked == len(ours)


# --------------------------------------------------------- residuals
def needs(*names):
    return pytest.mark.skipif(not all(has_gufunc(n) for n in names),
                              reason="gufunc not in the library yet")


@needs("cholesky_lo")
def test_cholesky_residual():
    X = inputs()
    for a in (X["spd"], [[v + (9 if i == j else 0) for j, v in enumerate(r)]
                         for i, r in enumerate(X["h"])]):
        c = linalg.cholesky(a)
        assert maxabs(sub(mm(c, ct(c)), a)) < 1e-12 * 30 * maxabs(a) * 4
        assert all(c[i][j] == 0 for i in range(4) for j in range(i + 1, 4))
    with pytest.raises(LinAlgError, match="not positive definite"):
        linalg.cholesky([[1.0, 2.0], [2.0, 1.0]])


@needs(*QR)
def test_qr_residual():
    X = inputs()
    for k in ("r53", "r35", "c4"):
        a = X[k]
        for mode in ("reduced", "complete"):
            q, r = linalg.qr(a, mode)
            assert maxabs(sub(mm(q, r), a)) < 1e-13
            qh = ct(q) if isinstance(q[0][0], complex) else \
                [list(c) for c in zip(*q)]
            assert maxabs(sub(mm(qh, q), eye(len(q[0])))) < 1e-13


@needs("eigh_lo", "eig")
def test_eig_residuals():
    X = inputs()
    for a in (X["h"], X["spd"]):
        w, v = linalg.eigh(a)
        av = mm(a, v)
        assert maxabs([[av[i][j] - v[i][j] * w[j] for j in range(4)]
                       for i in range(4)]) < 1e-12
    for a in (X["rot"], X["a3"], X["c4"]):
        w, v = linalg.eig(a)
        av = mm(a, v)
        n = len(a)
        assert maxabs([[av[i][j] - v[i][j] * w[j] for j in range(n)]
                       for i in range(n)]) < 1e-12
    w = linalg.eigvals(X["rot"])
    assert isinstance(w[0], complex)
    assert abs(sorted(w, key=lambda z: z.imag)[-1] - cmath.sqrt(-4)) < 1e-12
    with pytest.raises(LinAlgError, match="infs or NaNs"):
        linalg.eig([[math.inf, 0.0], [0.0, 1.0]])


@needs("svd_n_f", "svd_m_f", "svd_n_s")
def test_svd_residual():
    X = inputs()
    for k in ("r53", "r35", "c4", "rd"):
        a = X[k]
        m, n = len(a), len(a[0])
        u, s, vh = linalg.svd(a, full_matrices=False)
        us = [[u[i][j] * s[j] for j in range(len(s))] for i in range(m)]
        assert maxabs(sub(mm(us, vh), a)) < 30 * max(m, n) * 2.3e-16 * \
            max(1, maxabs(a)) * 10
        assert s == sorted(s, reverse=True)
        u, s, vh = linalg.svd(a)
        assert len(u) == m and len(vh) == n


@needs("lstsq_n", "svd_n_s", "svd_m_s")
def test_lstsq_pinv_residuals():
    X = inputs()
    a, b = X["r53"], X["b5"]
    x, res, rank, s = linalg.lstsq(a, b, rcond=None)
    r = [sum(a[i][k] * x[k] for k in range(3)) - b[i] for i in range(5)]
    normal = [sum(a[i][j] * r[i] for i in range(5)) for j in range(3)]
    assert maxabs(normal) < 1e-13 and rank == 3
    assert abs(res[0] - sum(v * v for v in r)) < 1e-13
    for k in ("r53", "r35", "rd", "c4"):
        a = X[k]
        p = linalg.pinv(a)
        assert maxabs(sub(mm(mm(a, p), a), a)) < 1e-12
        assert maxabs(sub(mm(mm(p, a), p), p)) < 1e-12 * max(1, maxabs(p))
    assert linalg.matrix_rank(X["rd"]) == 2


def test_pure_python_functions_residuals():
    X = inputs()
    a = X["a3"]
    assert maxabs(sub(linalg.matrix_power(a, 3), mm(mm(a, a), a))) < 1e-14
    assert linalg.matrix_power(X["ints"], 4) == mm(mm(X["ints"], X["ints"]),
                                                   mm(X["ints"], X["ints"]))
    assert linalg.matrix_power(X["ints"], 0) == [[1, 0, 0], [0, 1, 0],
                                                 [0, 0, 1]]
    ai = linalg.matrix_power(a, -1)
    assert maxabs(sub(mm(a, ai), eye(3))) < 1e-14
    v = X["v"]
    assert abs(linalg.norm(v) - math.sqrt(sum(t * t for t in v))) < 1e-14
    assert linalg.norm(v, math.inf) == max(map(abs, v))
    assert linalg.norm(v, 0) == 6.0
    assert abs(linalg.norm(a, "fro") - math.sqrt(sum(t * t for r in a
                                                     for t in r))) < 1e-14
    assert linalg.norm(a, 1) == max(sum(abs(a[i][j]) for i in range(3))
                                    for j in range(3))
    assert linalg.cond(a, 1) >= 1.0
    assert linalg.cond([[1, 2], [2, 4]], 1) == math.inf
    assert linalg.outer([1, 2], [3, 4]) == [[3, 4], [6, 8]]
    assert linalg.cross([1, 0, 0], [0, 1, 0]) == [0, 0, 1]
    assert linalg.trace(X["ints"]) == 6
    assert linalg.diagonal(X["ints"], offset=1) == [-1, -1]
    assert linalg.matrix_transpose([[1, 2, 3]]) == [[1], [2], [3]]
    assert linalg.vecdot([1j, 2], [1j, 3]) == 7 + 0j
    assert linalg.multi_dot([[1, 2], [[1, 0], [0, 1]], [3, 4]]) == 11
    assert linalg.tensordot([[1, 2], [3, 4]], [[1, 0], [0, 1]]) == 5
    ti = linalg.tensorinv([[[2.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 4.0]],
                           [[0.0, 1.0], [0.0, 0.0]], [[0.0, 0.0], [1.0, 0.0]]],
                          1)
    assert maxabs(sub(ti, [[[0.5, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]],
                           [[0.0, 0.0, 0.0, 1.0], [0.0, 0.25, 0.0, 0.0]]])) \
        < 1e-15
    with pytest.raises(ValueError, match="Invalid norm order"):
        linalg.norm(a, 3)
    with pytest.raises(TypeError, match="exponent must be an integer"):
        linalg.matrix_power(a, 0.5)


def test_float32_kinds_round_once():
    f = ffi.new("float[2][2]", [[4.0, 1.0], [1.0, 3.0]])
    r = linalg.matrix_power(f, 2)
    assert ffi.typeof(r).cname == "float[2][2]"
    assert [list(r[0]), list(r[1])] == [[17.0, 7.0], [7.0, 10.0]]
    n = linalg.norm(f)
    assert n == float(ffi.cast("float", math.sqrt(27.0)))
    c = ffi.new("float _Complex[2]", [3j, 4])
    assert linalg.norm(c) == 5.0
