"""pypy_compat.linalg: numpy.linalg's semantics without numpy (issue 4).

Under CPython (numpy present) every case is compared with numpy.linalg and
the reference results are written to build/out/py-ref/; the pypy3 run
(tests/run_py_tests.sh runs CPython first) compares against that file.
Both check residuals, exact results and numpy's errors.
"""
import array
import json
import math
import os
import random

import pytest

from umath_linalg import ffi
from pypy_compat import linalg
from pypy_compat.linalg import LinAlgError

try:
    import numpy as np
except ImportError:
    np = None

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REF = os.path.join(ROOT, "build", "out", "py-ref", "pypy_compat_linalg.json")


# ----------------------------------------------------------------- helpers
def matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b)))
             for j in range(len(b[0]))] for i in range(len(a))]


def eye(n):
    return [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]


def maxdiff(a, b):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b), (a, b)
        return max([maxdiff(x, y) for x, y in zip(a, b)] + [0.0])
    if a == b:
        return 0.0
    return abs(a - b)


def tolist(x):
    if isinstance(x, ffi.CData):
        t = ffi.typeof(x)
        if t.kind == "array":
            return [tolist(x[i]) for i in range(t.length)]
        return x
    if isinstance(x, memoryview):
        return x.tolist()
    if isinstance(x, (list, tuple)):
        return [tolist(v) for v in x]
    if hasattr(x, "tolist"):
        return x.tolist()
    return x


def enc(x):
    """JSON-safe form of nested results (complex as [re, im])."""
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if isinstance(x, complex):
        return {"re": x.real, "im": x.imag}
    return float(x)


def dec(x):
    if isinstance(x, list):
        return [dec(v) for v in x]
    if isinstance(x, dict):
        return complex(x["re"], x["im"])
    return x


def cases():
    """Deterministic inputs (pure Python, same on both interpreters)."""
    rng = random.Random(2024)
    out = []
    for n in (1, 2, 3, 4, 6, 10):
        a = [[rng.uniform(-1, 1) + (2 if i == j else 0) for j in range(n)]
             for i in range(n)]
        out.append(("real%d" % n, a, [rng.uniform(-1, 1) for _ in range(n)]))
        c = [[complex(rng.uniform(-1, 1), rng.uniform(-1, 1)) for j in range(n)]
             for i in range(n)]
        out.append(("cplx%d" % n, c, [complex(1, i) for i in range(n)]))
        k = [[rng.randint(-5, 5) for j in range(n)] for i in range(n)]
        for i in range(n):
            k[i][i] += 20
        out.append(("int%d" % n, k, list(range(n))))
    st = [[[rng.uniform(-1, 1) + (3 if i == j else 0) for j in range(3)]
           for i in range(3)] for _ in range(4)]
    out.append(("stack", st, [[1.0, 2.0, 3.0]] * 4))
    return out


def compute_all():
    res = {}
    for name, a, b in cases():
        sign, logdet = linalg.slogdet(a)
        res[name] = {"inv": tolist(linalg.inv(a)), "det": tolist(linalg.det(a)),
                     "sign": tolist(sign), "logdet": tolist(logdet),
                     "solve": tolist(linalg.solve(a, b))}
    return res


def numpy_all():
    res = {}
    for name, a, b in cases():
        sign, logdet = np.linalg.slogdet(a)
        res[name] = {"inv": np.linalg.inv(a).tolist(),
                     "det": np.linalg.det(a).tolist(),
                     "sign": np.asarray(sign).tolist(),
                     "logdet": np.asarray(logdet).tolist(),
                     "solve": np.linalg.solve(a, b).tolist()}
    return res


def compare(ours, ref, tol=1e-11):
    for name in ref:
        for key in ref[name]:
            r = ref[name][key]
            scale = max([1.0] + [abs(v) for v in _flat(r)])
            d = maxdiff(ours[name][key], r)
            assert d <= tol * scale, (name, key, d)


def _flat(x):
    if isinstance(x, list):
        for v in x:
            for w in _flat(v):
                yield w
    else:
        yield x


# --------------------------------------------------------- reference file
def test_against_numpy_or_reference_file():
    ours = compute_all()
    if np is not None:
        ref = numpy_all()
        compare(ours, ref)
        os.makedirs(os.path.dirname(REF), exist_ok=True)
        with open(REF, "w") as f:
            json.dump({k: {kk: enc(vv) for kk, vv in v.items()}
                       for k, v in ref.items()}, f)
    elif os.path.exists(REF):
        with open(REF) as f:
            ref = {k: {kk: dec(vv) for kk, vv in v.items()}
                   for k, v in json.load(f).items()}
        compare(ours, ref)
    else:
        pytest.skip("no numpy and no reference file (run under CPython first)")


# ------------------------------------------------------------ residuals
@pytest.mark.parametrize("name,a,b", cases())
def test_residuals(name, a, b):
    if name == "stack":
        return
    n = len(a)
    assert maxdiff(matmul(a, linalg.inv(a)), eye(n)) < 1e-10
    x = linalg.solve(a, b)
    assert maxdiff([sum(a[i][k] * x[k] for k in range(n)) for i in range(n)],
                   b) < 1e-10
    s, l = linalg.slogdet(a)
    d = linalg.det(a)
    assert abs(s * math.exp(l) - d) <= 1e-9 * max(1.0, abs(d))


def test_exact_integer_results():
    assert linalg.inv([[2, 0], [0, 4]]) == [[0.5, 0.0], [0.0, 0.25]]
    assert linalg.det([[2, 0], [0, 4]]) == 8.0
    assert linalg.det([[1, 2], [2, 4]]) == 0.0
    assert linalg.slogdet([[1, 2], [2, 4]]) == (0.0, -math.inf)
    assert linalg.slogdet([[-2, 0], [0, 1]]) == (-1.0, math.log(2))
    assert linalg.solve([[2, 0], [0, 4]], [2, 4]) == [1.0, 1.0]
    assert linalg.solve([[1, 1], [0, 1]], [[3, 1], [1, 1]]) == \
        [[2.0, 0.0], [1.0, 1.0]]
    r = linalg.inv([[True, False], [False, True]])
    assert r == [[1.0, 0.0], [0.0, 1.0]] and isinstance(r[0][0], float)


# -------------------------------------------------------------- errors
def test_numpy_error_messages():
    for f in (linalg.inv, linalg.det, linalg.slogdet):
        with pytest.raises(LinAlgError) as e:
            f([1.0, 2.0])
        assert str(e.value) == ("1-dimensional array given. Array must be at "
                                "least two-dimensional")
        with pytest.raises(LinAlgError) as e:
            f(3.0)
        assert str(e.value).startswith("0-dimensional array given")
        with pytest.raises(LinAlgError) as e:
            f([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        assert str(e.value) == "Last 2 dimensions of the array must be square"
    with pytest.raises(LinAlgError) as e:
        linalg.solve([[1.0, 2.0]], [1.0])
    assert str(e.value) == "Last 2 dimensions of the array must be square"
    for f, args in ((linalg.inv, ([[1, 2], [2, 4]],)),
                    (linalg.solve, ([[1, 2], [2, 4]], [1, 1]))):
        with pytest.raises(LinAlgError) as e:
            f(*args)
        assert str(e.value) == "Singular matrix"
    with pytest.raises(ValueError):
        linalg.solve([[1.0, 0.0], [0.0, 1.0]], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError):     # numpy 1.24: (2,3,3) with (3,) -> solve
        linalg.solve([eye(3), eye(3)], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError):
        linalg.inv("abc")
    with pytest.raises(TypeError):
        linalg.inv(memoryview(bytearray(8)).cast("e", (2, 2)) if _half()
                   else {"not": "array"})
    assert issubclass(LinAlgError, Exception)


def _half():
    try:
        memoryview(bytearray(8)).cast("e", (2, 2))
        return True
    except (ValueError, TypeError):
        return False


# ----------------------------------------------------- kinds and types
def test_solve1_rule():
    a = [eye(3), [[2.0, 0, 0], [0, 2, 0], [0, 0, 2]]]
    x = linalg.solve(a, [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]])     # (2,3): solve1
    assert x == [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]
    x = linalg.solve(eye(3), [[1.0], [2.0], [3.0]])             # (3,1): solve
    assert x == [[1.0], [2.0], [3.0]]


def test_float32_computed_in_double_then_cast():
    rng = random.Random(5)
    rows = [[rng.uniform(-1, 1) + (2 if i == j else 0) for j in range(5)]
            for i in range(5)]
    f = ffi.new("float[5][5]", rows)
    d = ffi.new("double[5][5]", [[f[i][j] for j in range(5)] for i in range(5)])
    r = linalg.inv(f)
    assert ffi.typeof(r).cname == "float[5][5]"
    rd = linalg.inv(d)
    assert ffi.typeof(rd).cname == "double[5][5]"
    as32 = [[float(ffi.cast("float", rd[i][j])) for j in range(5)]
            for i in range(5)]
    assert tolist(r) == as32
    detf = linalg.det(f)
    assert detf == float(ffi.cast("float", linalg.det(d)))
    s, l = linalg.slogdet(f)
    assert l == float(ffi.cast("float", linalg.slogdet(d)[1]))
    # float32 buffer -> float32 memoryview
    buf = memoryview(array.array("f", [v for r_ in rows for v in r_])).cast(
        "B").cast("f", (5, 5))
    rb = linalg.inv(buf)
    assert isinstance(rb, memoryview) and rb.format == "f"
    assert rb.tolist() == as32
    # mixed float32 / float64: double
    x = linalg.solve(f, [1.0] * 5)
    assert isinstance(x, ffi.CData) and ffi.typeof(x).cname == "double[5]"


def test_kinds():
    rows = [[4.0, 7.0], [2.0, 6.0]]
    expect = [[0.6, -0.7], [-0.2, 0.4]]
    assert maxdiff(linalg.inv(rows), expect) < 1e-15
    buf = memoryview(array.array("d", [4, 7, 2, 6])).cast("B").cast("d", (2, 2))
    r = linalg.inv(buf)
    assert isinstance(r, memoryview) and maxdiff(r.tolist(), expect) < 1e-15
    c = ffi.new("double[2][2]", rows)
    r = linalg.inv(c)
    assert ffi.typeof(r) is ffi.typeof(c) and maxdiff(tolist(r), expect) < 1e-15
    ci = ffi.new("int[2][2]", [[4, 7], [2, 6]])
    r = linalg.inv(ci)
    assert ffi.typeof(r).cname == "double[2][2]"
    assert maxdiff(tolist(r), expect) < 1e-15
    assert linalg.det(ffi.new("long[2][2]", [[4, 7], [2, 6]])) == \
        pytest.approx(10.0, rel=1e-15)
    cc = ffi.new("float _Complex[2][2]", [[1j, 0], [0, 2]])
    r = linalg.inv(cc)
    assert ffi.typeof(r).cname == "float _Complex[2][2]"
    assert tolist(r) == [[-1j, 0j], [0j, 0.5 + 0j]]
    s, l = linalg.slogdet(cc)
    assert s == 1j and abs(l - math.log(2)) < 1e-7


def test_empty():
    e = ffi.new("double[0][0]")
    assert ffi.typeof(linalg.inv(e)).cname == "double[0][0]"
    assert linalg.det(e) == 1.0
    assert linalg.slogdet(e) == (1.0, 0.0)
    e3 = ffi.new("double[3][0][0]")
    assert list(linalg.det(e3)) == [1.0, 1.0, 1.0]
    assert ffi.typeof(linalg.inv(ffi.new("double[0][2][2]"))).cname == \
        "double[0][2][2]"
    with pytest.raises(LinAlgError):
        linalg.inv([])                  # (0,) is 1-dimensional, as in numpy


def test_repeated_calls_fast_path():
    c = ffi.new("double[3][3]", eye(3))
    for k in range(1, 5):
        for i in range(3):
            c[i][i] = float(k)
        r = linalg.inv(c)
        assert tolist(r) == [[1.0 / k if i == j else 0.0 for j in range(3)]
                             for i in range(3)]
        assert linalg.det(c) == pytest.approx(k ** 3)
    with pytest.raises(LinAlgError):
        c[0][0] = 0.0
        linalg.inv(c)


# ------------------------------------------------ CPython: vs numpy.linalg
needs_numpy = pytest.mark.skipif(np is None, reason="numpy not importable")


@needs_numpy
@pytest.mark.parametrize("dtype", ["f4", "f8", "c8", "c16", "i8", "i4", "?"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (0, 0), (2, 0, 0),
                                   (0, 3, 3), (1, 1)])
def test_vs_numpy_linalg(dtype, shape):
    rng = np.random.default_rng(len(shape) * 10 + shape[-1])
    a = rng.standard_normal(shape) * 3
    if dtype.startswith("c"):
        a = a + 1j * rng.standard_normal(shape)
    if shape[-1]:
        a = a + 4 * np.eye(shape[-1])
    a = a.astype(dtype)
    if dtype == "?":
        a = np.broadcast_to(np.eye(shape[-1], dtype=bool), shape).copy()
    tol = 1e-4 if dtype in ("f4", "c8") else 1e-10
    for ours, ref in ((linalg.inv(a), np.linalg.inv(a)),
                      (linalg.det(a), np.linalg.det(a))):
        assert np.asarray(ours).dtype == np.asarray(ref).dtype
        assert np.asarray(ours).shape == np.asarray(ref).shape
        assert np.allclose(ours, ref, rtol=tol, atol=tol)
    s, l = linalg.slogdet(a)
    s0, l0 = np.linalg.slogdet(a)
    assert np.asarray(s).dtype == np.asarray(s0).dtype
    assert np.asarray(l).dtype == np.asarray(l0).dtype
    assert np.allclose(s, s0, rtol=tol, atol=tol)
    assert np.allclose(l, l0, rtol=tol, atol=tol)
    b = rng.standard_normal(shape[:-1]).astype("f8" if dtype in ("?",) else dtype)
    assert np.allclose(linalg.solve(a, b), np.linalg.solve(a, b),
                       rtol=tol, atol=tol)
    assert linalg.solve(a, b).dtype == np.linalg.solve(a, b).dtype


@needs_numpy
def test_error_messages_match_numpy():
    for bad in (np.ones(3), np.ones((2, 3)), np.ones((4, 2, 3)), np.float64(2)):
        for f, g in ((linalg.inv, np.linalg.inv), (linalg.det, np.linalg.det)):
            with pytest.raises(np.linalg.LinAlgError) as e0:
                g(bad)
            with pytest.raises(LinAlgError) as e1:
                f(bad)
            assert str(e1.value) == str(e0.value)
    for f in (linalg.inv, linalg.det):
        with pytest.raises(TypeError) as e1:
            f(np.eye(2, dtype=np.float16))
        assert "unsupported in linalg" in str(e1.value)
    sing = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(LinAlgError, match="Singular matrix"):
        linalg.inv(sing)
    assert linalg.det(sing) == np.linalg.det(sing) == 0.0


def test_repeated_list_calls_fast_path():
    for k in range(1, 6):
        a = [[float(k), 0.0], [0.0, 2.0]]
        assert linalg.inv(a) == [[1.0 / k, 0.0], [0.0, 0.5]]
        assert linalg.det(a) == 2.0 * k
        assert linalg.inv([[k, 0], [0, 2]]) == [[1.0 / k, 0.0], [0.0, 0.5]]
    with pytest.raises(LinAlgError, match="Singular matrix"):
        linalg.inv([[0.0, 0.0], [0.0, 2.0]])
    with pytest.raises(ValueError):
        linalg.inv([[1.0, 2.0], [3.0]])
    with pytest.raises(LinAlgError):
        linalg.inv([[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]])
    st = [[[2.0, 0.0], [0.0, 2.0]]] * 3
    for _ in range(3):
        assert linalg.det(st) == [4.0, 4.0, 4.0]
        assert linalg.inv(st) == [[[0.5, 0.0], [0.0, 0.5]]] * 3
    assert linalg.inv([[1j, 0], [0, 1]]) == [[-1j, 0j], [0j, 1 + 0j]]


def test_repeated_list_solve_fast_path():
    a = [[2.0, 0.0], [0.0, 4.0]]
    for k in range(1, 5):
        assert linalg.solve(a, [2.0 * k, 4.0]) == [float(k), 1.0]
        assert linalg.solve(a, [[2.0 * k], [4.0]]) == [[float(k)], [1.0]]
        assert linalg.solve([a, a], [[2.0, 4.0 * k]] * 2) == [[1.0, float(k)]] * 2
    with pytest.raises(LinAlgError, match="Singular matrix"):
        linalg.solve([[0.0, 0.0], [0.0, 1.0]], [1.0, 1.0])
    with pytest.raises(ValueError):
        linalg.solve(a, [1.0, 2.0, 3.0])
    assert linalg.solve([[1j, 0], [0, 1]], [1, 1]) == [-1j, 1 + 0j]
