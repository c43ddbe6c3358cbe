"""The nested-list fast path (umath_linalg/_lists.py), on both interpreters.

Every case is called twice: the first call takes the general path and
records a plan, the second runs through the plan; the two must agree
exactly (types included), and with numpy where numpy is present.  Then
lists that look like a planned one but are not (ragged, other item types)
must give the general path's result or error.
"""
import random

import pytest

import umath_linalg as ul
from pypy_compat import linalg
from pypy_compat.linalg import LinAlgError

try:
    import numpy as np
except ImportError:
    np = None


def mat(n, seed=1, scale=1.0):
    rng = random.Random(seed)
    return [[rng.uniform(-1, 1) * scale + (n if i == j else 0)
             for j in range(n)] for i in range(n)]


def kinds(x):
    """The value, with every number's Python type, for exact comparisons."""
    if isinstance(x, list):
        return [kinds(v) for v in x]
    return (type(x).__name__, x)


def twice(f, *args):
    first = f(*args)
    second = f(*args)
    assert kinds(first) == kinds(second)
    third = f(*[_copy(a) for a in args])     # new lists, same plan
    assert kinds(third) == kinds(first)
    return first


def _copy(x):
    return [_copy(v) for v in x] if isinstance(x, list) else x


INTS = [[3, 1, 0], [1, 4, 2], [0, 2, 5]]
MIXED = [[3, 1.5, 0], [1, 4, 2], [0, 2.5, 5]]
BOOLS = [[True, False], [True, True]]
CPLX = [[2 + 1j, 1], [0.5, 3 - 1j]]
STACK = [mat(3, 5), mat(3, 6)]
VEC = [1.0, 2.0, 3.0]
IVEC = [1, 2, 3]

CASES = [
    ("compat.inv float 4", linalg.inv, (mat(4),), "inv"),
    ("compat.inv float 10", linalg.inv, (mat(10),), "inv"),
    ("compat.inv int", linalg.inv, (INTS,), "inv"),
    ("compat.inv mixed", linalg.inv, (MIXED,), "inv"),
    ("compat.inv bool", linalg.inv, (BOOLS,), "inv"),
    ("compat.inv complex", linalg.inv, (CPLX,), "inv"),
    ("compat.inv stack", linalg.inv, (STACK,), "inv"),
    ("compat.det float", linalg.det, (mat(4),), "det"),
    ("compat.det int", linalg.det, (INTS,), "det"),
    ("compat.det stack", linalg.det, (STACK,), "det"),
    ("compat.solve vec", linalg.solve, (mat(3), VEC), "solve"),
    ("compat.solve ivec", linalg.solve, (INTS, IVEC), "solve"),
    ("compat.solve mat", linalg.solve, (mat(3), mat(3, 2)), "solve"),
    ("ul.inv float", ul.inv, (mat(4),), "inv"),
    ("ul.inv int", ul.inv, (INTS,), "inv"),
    ("ul.inv bool", ul.inv, (BOOLS,), "inv"),      # numpy: float32 loop
    ("ul.det float", ul.det, (mat(4),), "det"),
    ("ul.solve vec", ul.solve, (mat(3), VEC), "solve"),
    ("ul.matmul mat", ul.matmul, (mat(3), mat(3, 2)), "matmul"),
    ("ul.matmul int", ul.matmul, (INTS, INTS), "matmul"),
    ("ul.matmul vec", ul.matmul, (mat(3), VEC), "matmul"),
    ("ul.matmul vecvec", ul.matmul, (VEC, VEC), "matmul"),
    ("ul.matmul rect", ul.matmul, ([[1.0, 2.0, 3.0]], [[1.0], [2.0], [3.0]]),
     "matmul"),
]


@pytest.mark.parametrize("name,f,args,ref", CASES, ids=[c[0] for c in CASES])
def test_repeat_agrees(name, f, args, ref):
    r = twice(f, *args)
    if np is not None:
        if name.startswith("ul."):
            want = getattr(np, "matmul") if ref == "matmul" else \
                getattr(np.linalg, ref)
            if name == "ul.inv bool":     # the float32 loop, as numpy's gufunc
                from numpy.linalg import _umath_linalg as um
                want = um.inv
        else:
            want = getattr(np.linalg, ref)
        w = want(*[np.array(a) for a in args])
        assert np.allclose(np.array(r), w, rtol=1e-12, atol=1e-12)
        if name == "ul.inv bool":
            assert np.array(r, dtype=np.float32).tolist() == r


def test_fast_path_is_taken():
    a = mat(5, 9)
    linalg.inv(a)                       # the general path makes the plan
    linalg.inv(a)                       # which runs this one
    plans = linalg._INV._list_plans
    assert any(k[0] == (5, 5) for k in plans)
    p, = [p for k, p in plans.items() if k[0] == (5, 5)]
    assert len(p.spare) == 1            # the output buffer, given back
    del p.spare[:]
    linalg.inv(a)
    assert len(p.spare) == 1
    with pytest.raises(LinAlgError):
        linalg.inv([[0.0] * 5] * 5)
    assert len(p.spare) == 1            # given back when raising too


def test_threads_share_plans():
    import threading
    mats = [mat(6, 100 + k) for k in range(4)]
    want = [linalg.inv(m) for m in mats]
    bad = []

    def work(k):
        for _ in range(2000):
            if linalg.inv(mats[k]) != want[k]:
                bad.append(k)
                return
    ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not bad


@pytest.mark.parametrize("f", [linalg.inv, ul.inv, linalg.det],
                         ids=["compat.inv", "ul.inv", "compat.det"])
def test_not_quite_the_planned_list(f):
    a = mat(3, 3)
    f(a)
    f(a)                                  # a plan for float (3, 3)
    with pytest.raises(ValueError, match="ragged"):
        f([[1.0, 2.0, 3.0], [1.0, 2.0], [1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="ragged"):
        f([[1.0, 2.0, 3.0], 4.0, [1.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match="not a number"):
        f([[1.0, 2.0, 3.0], [1.0, "x", 3.0], [1.0, 2.0, 3.0]])
    # a complex item in a list shaped like the planned one: complex result
    c = [row[:] for row in a]
    c[2][2] = 3 + 1j
    r = f(c)
    assert isinstance(r if f is linalg.det else r[0][0], complex)
    # tuples as rows read as lists
    assert kinds(f([tuple(row) for row in a])) == kinds(f(a))
    # ints where floats were planned
    ia = [[3, 1, 0], [1, 4, 2], [0, 2, 5]]
    fa = [[float(v) for v in row] for row in ia]
    assert kinds(f(ia)) == kinds(f(fa))


def test_singular_then_fine():
    s = [[1.0, 2.0], [2.0, 4.0]]
    g = [[4.0, 1.0], [2.0, 3.0]]
    linalg.inv(g)
    for _ in range(3):
        with pytest.raises(LinAlgError, match="Singular matrix"):
            linalg.inv(s)
        r = linalg.inv(g)
        assert abs(r[0][0] - 0.3) < 1e-15 and abs(r[1][1] - 0.4) < 1e-15
        with pytest.raises(LinAlgError, match="Singular matrix"):
            linalg.solve(s, [1.0, 2.0])
    assert linalg.det(s) == 0.0 and linalg.det(s) == 0.0


def test_results_are_new_lists():
    a = mat(3)
    r1 = linalg.inv(a)
    r2 = linalg.inv(a)
    assert r1 == r2 and r1 is not r2 and r1[0] is not r2[0]
    r1[0][0] = 99.0
    assert linalg.inv(a) == r2


def _pure_mm(a, b):
    return [[sum(x * y for x, y in zip(r, c)) for c in zip(*b)] for r in a]


def test_compat_matmul_lists():
    a, b = mat(4, 3), mat(4, 4)
    r = twice(linalg.matmul, a, b)
    p = _pure_mm(a, b)
    assert max(abs(r[i][j] - p[i][j]) for i in range(4)
               for j in range(4)) < 1e-13
    ints = [[1, 2], [3, 4]]
    assert kinds(twice(linalg.matmul, ints, ints)) == \
        kinds([[7, 10], [15, 22]])
    assert kinds(linalg.matmul([[True, False], [False, False]],
                               [[True], [True]])) == kinds([[True], [False]])
    assert kinds(twice(linalg.matmul, [1.0, 2.0], [3.0, 4.0])) == \
        kinds(11.0)
    assert kinds(linalg.matmul([1, 2], [[1.5], [2]])) == kinds([5.5])
    assert linalg.matmul([[1j, 1], [2, 3]], [[1], [1j]]) == [[2j], [2 + 3j]]
    sig = "with gufunc signature (n?,k),(k,m?)->(n?,m?)"
    for x, y, msg in ((3.0, ints, "Input operand 0 does not have enough "
                       "dimensions (has 0, gufunc core with signature "
                       "(n?,k),(k,m?)->(n?,m?) requires 1)"),
                      (ints, [[1, 2, 3]], "Input operand 1 has a mismatch in "
                       "its core dimension 0, %s (size 1 is different from "
                       "2)" % sig)):
        for f in (linalg.matmul, ul.matmul):
            with pytest.raises(ValueError) as e:
                f(x, y)
            assert str(e.value) == "matmul: " + msg


def test_multi_dot_on_matmul():
    chain = [mat(5, 1)[:3], [r[:2] for r in mat(5, 2)], mat(2, 3)]
    chain[1] = [row[:2] for row in mat(5, 2)]   # (3,5) (5,2) (2,2)
    r = twice(linalg.multi_dot, chain)
    p = _pure_mm(_pure_mm(chain[0], chain[1]), chain[2])
    assert max(abs(r[i][j] - p[i][j]) for i in range(3)
               for j in range(2)) < 1e-12
    assert linalg.multi_dot([[[1, 2]], [[3], [4]], [[5]]]) == [[55]]
    assert kinds(linalg.multi_dot([[1.0, 2.0], [[1.0, 0.0], [0.0, 1.0]],
                                   [3.0, 4.0]])) == kinds(11.0)
