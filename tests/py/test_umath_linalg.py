"""The Python package umath_linalg (issue 4) on pypy3 and /usr/bin/python3.

Pure-Python checks (residuals, exact results on integer-valued matrices)
run under both interpreters; comparisons against numpy.linalg run where
numpy imports (CPython), see test_umath_linalg_numpy.py.
"""
import array
import math
import random

import pytest

import cffi
import umath_linalg as ul
from umath_linalg import ffi, LinAlgError


# ----------------------------------------------------------------- helpers
def rand_matrix(rng, n, shift=None):
    """A well-conditioned n x n matrix as nested lists."""
    shift = n if shift is None else shift
    return [[rng.uniform(-1, 1) + (shift if i == j else 0) for j in range(n)]
            for i in range(n)]


def matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b)))
             for j in range(len(b[0]))] for i in range(len(a))]


def eye(n):
    return [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]


def maxdiff(a, b):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        return max([maxdiff(x, y) for x, y in zip(a, b)] + [0.0])
    return abs(a - b)


def tolist(x):
    """Nested lists from a cffi array, memoryview or list."""
    if isinstance(x, ffi.CData):
        t = ffi.typeof(x)
        if t.kind == "array":
            return [tolist(x[i]) for i in range(t.length)]
        return x
    if isinstance(x, memoryview):
        return x.tolist()
    if isinstance(x, list):
        return [tolist(v) for v in x]
    return x


def stack(rng, k, n):
    return [rand_matrix(rng, n) for _ in range(k)]


def unimodular(rng, n):
    """Integer matrix with det +-1 (so its inverse is integer-valued)."""
    a = eye(n)
    for _ in range(3 * n):
        i, j = rng.sample(range(n), 2)
        c = rng.choice([-2, -1, 1, 2])
        for col in range(n):
            a[i][col] += c * a[j][col]
    return [[float(v) for v in row] for row in a]


def buf2d(rows, fmt="d"):
    n, m = len(rows), len(rows[0]) if rows else 0
    flat = array.array(fmt, [v for r in rows for v in r])
    return memoryview(flat).cast("B").cast(fmt, (n, m))


# --------------------------------------------------------- table objects
def test_gufunc_objects():
    names = ul.gufuncs()
    for name in ("inv", "solve", "solve1", "det", "slogdet"):
        assert name in names
        g = ul.gufunc(name)
        assert g.name == name
        assert g is ul.gufunc(name)
        assert g.nin >= 1 and g.nout >= 1
        assert len(g.types) == g.ntypes
        assert "->" in g.signature
        assert g.__doc__ is not None
    g = ul.gufunc("inv")
    assert g.types == ["f->f", "d->d", "F->F", "D->D"]
    assert (g.nin, g.nout) == (1, 1)
    assert g.signature.replace(" ", "") == "(m,m)->(m,m)"
    assert ul.gufunc("solve").types == ["ff->f", "dd->d", "FF->F", "DD->D"]
    assert ul.gufunc("slogdet").types == ["f->ff", "d->dd", "F->Ff", "D->Dd"]
    with pytest.raises(KeyError):
        ul.gufunc("no_such_gufunc")


def test_public_names_have_docstrings():
    for f in (ul.inv, ul.solve, ul.det, ul.slogdet, ul.gufunc, ul.gufuncs):
        assert f.__doc__ and f.__doc__.strip()


# --------------------------------------------------------- operand kinds
@pytest.mark.parametrize("n", [1, 2, 3, 5, 10, 17])
def test_inv_lists_residual(n):
    rng = random.Random(n)
    a = rand_matrix(rng, n)
    r = ul.inv(a)
    assert isinstance(r, list) and len(r) == n
    assert maxdiff(matmul(a, r), eye(n)) < 1e-12


def test_inv_exact_integer_valued():
    rng = random.Random(7)
    for n in (2, 3, 4, 6):
        a = unimodular(rng, n)
        r = ul.inv(a)
        assert maxdiff(r, [[round(v) for v in row] for row in r]) < 1e-6
        assert maxdiff(matmul(a, [[round(v) for v in row] for row in r]),
                       eye(n)) == 0
        d = ul.det(a)
        assert abs(abs(d) - 1) < 1e-9
    assert ul.det([[2, 0], [0, 3]]) == 6.0
    assert ul.solve([[2.0, 0], [0, 4]], [2, 4]) == [1.0, 1.0]
    assert ul.inv([[2.0, 0], [0, 4]]) == [[0.5, 0.0], [0.0, 0.25]]


@pytest.mark.parametrize("other_ffi", [False, True])
def test_cffi_arrays(other_ffi):
    f = cffi.FFI() if other_ffi else ffi
    rng = random.Random(3)
    rows = rand_matrix(rng, 4)
    a = f.new("double[4][4]", rows)
    r = ul.inv(a)
    assert ffi.typeof(r) is ffi.typeof(a)
    assert maxdiff(matmul(rows, tolist(r)), eye(4)) < 1e-12
    # stacks, det/slogdet results as cffi arrays, solve1
    s = f.new("double[3][4][4]", [rows, rows, rows])
    d = ul.det(s)
    assert ffi.typeof(d).cname == "double[3]"
    assert abs(d[0] - ul.det(rows)) < 1e-12 and d[2] == d[0]
    sign, logdet = ul.slogdet(s)
    assert abs(sign[1] * math.exp(logdet[1]) - d[1]) < 1e-9 * abs(d[1])
    b = f.new("double[4]", [1, 2, 3, 4])
    x = ul.solve(a, b)
    assert ffi.typeof(x).cname == "double[4]"
    assert maxdiff([sum(rows[i][k] * x[k] for k in range(4)) for i in range(4)],
                   [1, 2, 3, 4]) < 1e-12
    # scalar result for one matrix
    assert isinstance(ul.det(a), float)


def test_cffi_float_and_complex():
    a = ffi.new("float[2][2]", [[4, 7], [2, 6]])
    r = ul.inv(a)                  # the float32 loop, as a raw gufunc
    assert ffi.typeof(r).cname == "float[2][2]"
    assert maxdiff(tolist(r), [[0.6, -0.7], [-0.2, 0.4]]) < 1e-6
    c = ffi.new("double _Complex[2][2]", [[1j, 0], [0, 2]])
    rc = ul.inv(c)
    assert ffi.typeof(rc).cname == "double _Complex[2][2]"
    assert maxdiff(tolist(rc), [[-1j, 0], [0, 0.5]]) < 1e-15
    assert ul.det(c) == 2j


def test_cffi_int_array_casts_to_double():
    a = ffi.new("int[2][2]", [[4, 7], [2, 6]])
    r = ul.inv(a)
    assert ffi.typeof(r).cname == "double[2][2]"
    assert maxdiff(tolist(r), [[0.6, -0.7], [-0.2, 0.4]]) < 1e-15


def test_buffers():
    rows = [[4.0, 7.0], [2.0, 6.0]]
    for fmt in ("d", "f"):
        m = buf2d(rows, fmt)
        r = ul.inv(m)
        assert isinstance(r, memoryview) and r.format == fmt and r.shape == (2, 2)
        assert maxdiff(r.tolist(), [[0.6, -0.7], [-0.2, 0.4]]) < 1e-6
    # array.array alone is a 1-d buffer: solve with a vector b
    b = array.array("d", [1.0, 2.0])
    x = ul.solve(buf2d(rows), b)
    assert isinstance(x, memoryview) and x.shape == (2,)
    assert maxdiff([4 * x[0] + 7 * x[1], 2 * x[0] + 6 * x[1]], [1, 2]) < 1e-14
    # bytearray, reinterpreted
    raw = bytearray(array.array("d", [1, 2, 3, 4]).tobytes())
    r = ul.inv(memoryview(raw).cast("d", (2, 2)))
    assert maxdiff(r.tolist(), [[-2, 1], [1.5, -0.5]]) < 1e-14
    # non-contiguous buffer input (copied)
    big = buf2d([[4.0, 0, 7.0, 0], [2.0, 0, 6.0, 0]])
    view = memoryview(array.array("d", [4, 0, 7, 0, 2, 0, 6, 0])).cast(
        "B").cast("d", (2, 4))
    assert big.tolist() == view.tolist()
    d = ul.det(buf2d(rows))
    assert isinstance(d, float) and abs(d - 10) < 1e-12
    # int buffer casts to double
    r = ul.inv(buf2d([[4, 7], [2, 6]], "i"))
    assert r.format == "d"


def test_mixed_kinds_result_kind():
    a = ffi.new("double[2][2]", [[2, 0], [0, 4]])
    x = ul.solve(a, [[2.0], [4.0]])
    assert isinstance(x, ffi.CData) and tolist(x) == [[1.0], [1.0]]
    x = ul.solve([[2.0, 0], [0, 4]], array.array("d", [2, 4]))
    assert isinstance(x, memoryview) and x.tolist() == [1.0, 1.0]


# -------------------------------------------------------------- out=
def test_out_cffi_no_alloc_and_fast_path():
    rng = random.Random(11)
    o = ffi.new("double[5][5]")
    for trial in range(5):      # the same types again: cached plan
        rows = rand_matrix(rng, 5)
        a = ffi.new("double[5][5]", rows)
        r = ul.inv(a, out=o)
        assert r is o
        assert maxdiff(matmul(rows, tolist(o)), eye(5)) < 1e-12
        r2 = ul.inv(a)
        assert tolist(r2) == tolist(o)


def test_out_buffer_and_det_out():
    rows = [[4.0, 7.0], [2.0, 6.0]]
    out = buf2d([[0.0, 0.0], [0.0, 0.0]])
    assert ul.inv(rows, out=out) is out
    assert maxdiff(out.tolist(), [[0.6, -0.7], [-0.2, 0.4]]) < 1e-15
    d = ffi.new("double[3]")
    ul.det(ffi.new("double[3][2][2]", [rows] * 3), out=d)
    assert maxdiff(list(d), [10.0] * 3) < 1e-12
    g = ul.gufunc("slogdet")
    s, l = ffi.new("double[2]"), ffi.new("double[2]")
    r = g(ffi.new("double[2][2][2]", [rows, [[0, 1], [1, 0]]]), out=(s, l))
    assert r[0] is s and r[1] is l
    assert list(s) == [1.0, -1.0] and abs(l[0] - math.log(10)) < 1e-14


# ----------------------------------------------------- stacks, broadcasting
def test_stack_and_broadcast_solve():
    rng = random.Random(5)
    a = stack(rng, 3, 3)
    b = [[[rng.uniform(-1, 1) for _ in range(2)] for _ in range(3)]
         for _ in range(3)]
    x = ul.solve(a, b)
    for k in range(3):
        assert maxdiff(matmul(a[k], x[k]), b[k]) < 1e-12
    # one matrix, a stack of right-hand sides: (3,3) with (4,1,3,2)? use
    # (2,3,2) against (3,3)
    x = ul.solve(a[0], b[:2])
    assert len(x) == 2
    for k in range(2):
        assert maxdiff(matmul(a[0], x[k]), b[k]) < 1e-12
    # outer broadcasting (2,1,3,3) with (1,4,3,2)
    aa = [[a[0]], [a[1]]]
    bb = [[b[0], b[1], b[2], b[0]]]
    x = ul.gufunc("solve")(aa, bb)
    assert len(x) == 2 and len(x[0]) == 4
    assert maxdiff(matmul(a[1], x[1][2]), b[2]) < 1e-12
    # inv of a stack of 100 in one call
    big = stack(rng, 100, 4)
    r = ul.inv(big)
    assert max(maxdiff(matmul(m, i), eye(4)) for m, i in zip(big, r)) < 1e-12


# ------------------------------------------------------------ empties
def test_empty():
    e = ffi.new("double[0][0]")
    r = ul.inv(e)
    assert ffi.typeof(r).cname == "double[0][0]"
    assert ul.det(e) == 1.0
    assert ul.slogdet(e) == (1.0, 0.0)
    s = ffi.new("double[0][3][3]")
    assert ffi.typeof(ul.inv(s)).cname == "double[0][3][3]"
    assert ffi.typeof(ul.det(s)).cname == "double[0]"
    assert ul.det(ffi.new("double[2][0][0]")) is not None
    assert list(ul.det(ffi.new("double[2][0][0]"))) == [1.0, 1.0]


# ----------------------------------------------------------- singular
def test_singular():
    sing = [[1.0, 2.0], [2.0, 4.0]]
    with pytest.raises(LinAlgError, match="Singular matrix"):
        ul.inv(sing)
    with pytest.raises(LinAlgError, match="Singular matrix"):
        ul.solve(sing, [1.0, 1.0])
    assert ul.det(sing) == 0.0
    assert ul.slogdet(sing) == (0.0, -math.inf)
    # the raw gufunc: NaN for the singular matrix, the rest computed
    r = ul.gufunc("inv")([sing, [[2.0, 0.0], [0.0, 4.0]]])
    assert all(math.isnan(v) for row in r[0] for v in row)
    assert r[1] == [[0.5, 0.0], [0.0, 0.25]]
    # inv with out=: the non-singular ones are written nonetheless
    o = ffi.new("double[2][2][2]")
    with pytest.raises(LinAlgError):
        ul.inv(ffi.new("double[2][2][2]", [sing, [[2, 0], [0, 4]]]), out=o)
    assert tolist(o)[1] == [[0.5, 0.0], [0.0, 0.25]]


# -------------------------------------------------------------- errors
@pytest.mark.parametrize("bad", ["abc", {"a": 1}, None, object(), [["x"]]])
def test_error_wrong_type(bad):
    with pytest.raises(TypeError):
        ul.inv(bad)


def test_error_ragged_and_shapes():
    with pytest.raises(ValueError):
        ul.inv([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError):
        ul.inv([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])     # not square
    with pytest.raises(ValueError):
        ul.inv([1.0, 2.0])                             # 1-d
    with pytest.raises(ValueError):
        ul.solve([[1.0, 0], [0, 1]], [[1.0, 2.0, 3.0]])   # core mismatch
    with pytest.raises(ValueError):
        ul.gufunc("solve")(stack(random.Random(1), 2, 2),
                            [[[1.0], [1.0]]] * 3)          # stacks 2 vs 3
    with pytest.raises(TypeError):
        ul.inv([[1.0, 0], [0, 1]], [[1.0]])               # arity
    with pytest.raises(TypeError):
        ul.gufunc("solve")([[1.0]])


def test_error_unsupported_types():
    with pytest.raises(TypeError):
        ul.inv(buf2d([[1.0, 0], [0, 1]], "e") if _has_half() else "x")
    with pytest.raises(TypeError):
        ul.inv(ffi.new("char *[2]"))     # pointers, not numbers
    with pytest.raises(TypeError):
        ul.inv(ffi.new("double *"))      # no shape
    with pytest.raises(TypeError):
        # complex input can't go to a real loop's out=
        ul.inv([[1j, 0], [0, 1]], out=ffi.new("double[2][2]"))


def _has_half():
    try:
        memoryview(bytearray(4)).cast("e")
        return True
    except (ValueError, TypeError):
        return False


def test_error_out_checks_write_nothing():
    a = ffi.new("double[2][2]", [[4, 7], [2, 6]])
    o = ffi.new("double[3][3]", [[9] * 3] * 3)
    with pytest.raises(ValueError):                    # wrong shape
        ul.inv(a, out=o)
    assert tolist(o) == [[9.0] * 3] * 3
    of = ffi.new("float[2][2]", [[9, 9], [9, 9]])
    with pytest.raises(TypeError):                     # wrong dtype
        ul.inv(a, out=of)
    assert tolist(of) == [[9.0, 9.0], [9.0, 9.0]]
    with pytest.raises(TypeError):                     # wrong kind
        ul.inv(a, out=[[0.0, 0.0], [0.0, 0.0]])
    ro = memoryview(bytes(32)).cast("d", (2, 2))
    with pytest.raises(ValueError):                    # read-only
        ul.inv(a, out=ro)
    assert ro.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(ValueError):                    # nout mismatch
        ul.gufunc("slogdet")(a, out=(ffi.new("double[1]"),))
    with pytest.raises(TypeError):
        ul.gufunc("slogdet")(a, out=ffi.new("double[1]"))
    # stack mismatch between input and out
    with pytest.raises(ValueError):
        ul.det(ffi.new("double[3][2][2]"), out=ffi.new("double[2]"))


def test_fast_path_after_error_still_checks():
    a = ffi.new("double[3][3]", eye(3))
    o = ffi.new("double[3][3]")
    ul.inv(a, out=o)
    ul.inv(a, out=o)
    with pytest.raises(ValueError):
        ul.inv(a, out=ffi.new("double[2][2]"))
    assert tolist(ul.inv(a, out=o)) == eye(3)


def test_gufunc_object_positional_out_is_an_operand():
    # Every gufunc object runs the same fast path as ul.inv: a plan made for
    # g(a, out=o) must not answer g(a, o), which has one operand too many
    # (once an IndexError from a plan of another shape).
    a = ffi.new("double[2][2]", [[2.0, 0.0], [0.0, 4.0]])
    o = ffi.new("double[2][2]")
    a1 = ffi.new("double[1][2][2]", [[[2.0, 0.0], [0.0, 4.0]]])
    for g, x, oo in ((ul.gufunc("inv"), a, o),
                     (ul.gufunc("det"), a1, ffi.new("double[1]"))):
        for _ in range(3):
            g(x, out=oo)
            g(x)
            with pytest.raises(TypeError, match="takes 1 positional operand"):
                g(x, oo)
    s = ul.gufunc("solve")
    b = ffi.new("double[2][1]", [[2.0], [4.0]])
    for _ in range(3):
        assert tolist(s(a, b)) == [[1.0], [1.0]]
        with pytest.raises(TypeError, match="takes 2 positional operands"):
            s(a)
    assert ul.inv(a, o) is o and tolist(o) == [[0.5, 0.0], [0.0, 0.25]]


def test_gufunc_object_and_function_agree():
    # ul.inv and a Gufunc object over the same row give the same results
    # through their caches, for every operand kind, repeated
    g = ul.gufunc("inv")
    rows = [[4.0, 7.0], [2.0, 6.0]]
    for _ in range(3):
        assert g(rows) == ul.inv(rows)
        assert g([[4, 7], [2, 6]]) == ul.inv([[4, 7], [2, 6]])
        c = ffi.new("double[2][2]", rows)
        assert tolist(g(c)) == tolist(ul.inv(c))
        m = buf2d(rows)
        assert g(m).tolist() == ul.inv(m).tolist()
    assert maxdiff(g(rows), [[0.6, -0.7], [-0.2, 0.4]]) < 1e-15


def _plain(x):
    """A result as comparable Python values (NaN as a string: NaN != NaN)."""
    if isinstance(x, tuple):
        return tuple(_plain(v) for v in x)
    x = tolist(x)
    if isinstance(x, list):
        return [_plain(v) for v in x]
    return "nan" if x != x else x


def test_repeated_calls_take_the_fast_path_alike():
    # The first call of each signature takes the general path and records
    # a plan; the next ones run through the fast path.  Both must give the
    # same values and result types, for cffi arrays and nested lists, one
    # and two inputs, one and two outputs, out= or not, singular included.
    rng = random.Random(3)
    rows = stack(rng, 3, 4)
    sing = [rows[0], [[0.0] * 4] * 4, rows[2]]
    c3 = "double[3][4][4]"
    b2 = [[[rng.uniform(-1, 1)] * 2 for _ in range(4)] for _ in range(3)]
    b1 = [[rng.uniform(-1, 1) for _ in range(4)] for _ in range(3)]
    g = dict((n, ul.gufunc(n)) for n in ("inv", "det", "slogdet", "solve",
                                        "solve1"))
    cb2 = ffi.new("double[3][4][2]", b2)
    cb1 = ffi.new("double[3][4]", b1)
    cases = [
        ("inv", ul.inv, ()), ("det", ul.det, ()), ("slogdet", ul.slogdet, ()),
        ("g.inv", g["inv"], ()), ("g.det", g["det"], ()),
        ("g.slogdet", g["slogdet"], ()),
    ]
    for kind in ("cffi", "lists"):
        def op(x):
            return ffi.new(c3, x) if kind == "cffi" else x
        extra = [("solve", ul.solve, (cb2 if kind == "cffi" else b2,)),
                 ("solve1", ul.solve, (cb1 if kind == "cffi" else b1,)),
                 ("g.solve", g["solve"], (cb2 if kind == "cffi" else b2,)),
                 ("g.solve1", g["solve1"], (cb1 if kind == "cffi" else b1,))]
        for what, f, more in cases + extra:
            first = f(op(rows), *more)
            for _ in range(3):
                r = f(op(rows), *more)
                assert type(r) is type(first), (kind, what)
                assert _plain(r) == _plain(first), (kind, what)
            if what in ("inv", "solve", "solve1"):
                for _ in range(2):
                    with pytest.raises(LinAlgError, match="Singular matrix"):
                        f(op(sing), *more)
            else:
                r0 = _plain(f(op(sing), *more))
                assert _plain(f(op(sing), *more)) == r0, (kind, what)
    # one matrix: 0-d results are Python scalars on both paths
    for x in (ffi.new("double[4][4]", rows[0]), rows[0]):
        d0 = ul.det(x)
        s0 = ul.slogdet(x)
        for _ in range(3):
            assert isinstance(ul.det(x), float) and ul.det(x) == d0
            s = ul.slogdet(x)
            assert isinstance(s, tuple) and all(type(v) is float for v in s)
            assert s == s0
    # out= given (cffi): the same array back, filled alike
    a = ffi.new(c3, rows)
    o = ffi.new(c3)
    d = ffi.new("double[3]")
    ul.inv(a, out=o)
    first = _plain(o)
    ul.det(a, out=d)
    dfirst = _plain(d)
    for _ in range(3):
        assert ul.inv(a, out=o) is o and _plain(o) == first
        assert ul.det(a, out=d) is d and _plain(d) == dfirst
        assert ul.solve(a, cb2, out=ffi.new("double[3][4][2]")) is not None


def test_one_input_fast_path_agrees_with_the_general_one():
    # inv and det run a copy of the fast path's one-input one-output cases
    # without arity branches (speed); it must take the same plans and give
    # the same results as the general body.
    from umath_linalg._fastpath import fast_path, miss, MISS
    rng = random.Random(9)
    rows = stack(rng, 2, 3)
    for name in ("inv", "det"):
        g = ul.gufunc(name)
        general = fast_path(g, miss, specialize=False)
        assert general is not g._fast
        c = ffi.new("double[2][3][3]", rows)
        oc = ffi.new("double[2][3][3]" if name == "inv" else "double[2]")
        one = ffi.new("double[3][3]", rows[0])
        for args in ((c, None), (c, oc), (rows, None), (rows[0], None),
                     (one, None)):
            g(args[0], out=args[1])             # records the plan
            r1 = _plain(g._fast(*args))         # (before oc is rewritten)
            r2 = general(*args)
            assert r1 is not MISS and r2 is not MISS, (name, args)
            assert r1 == _plain(r2), (name, args)


def test_threads_share_plans():
    import threading
    rng = random.Random(21)
    mats = [rand_matrix(rng, 6) for _ in range(8)]
    errors = []

    def work(rows):
        a = ffi.new("double[6][6]", rows)
        o = ffi.new("double[6][6]")
        try:
            for _ in range(300):
                ul.inv(a, out=o)
                if maxdiff(matmul(rows, tolist(o)), eye(6)) > 1e-10:
                    errors.append("wrong result")
                    return
        except Exception as e:      # pragma: no cover
            errors.append(repr(e))
    threads = [threading.Thread(target=work, args=(m,)) for m in mats]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_pypy_compat_package_is_lazy():
    import pypy_compat
    assert pypy_compat.linalg.inv([[2.0]]) == [[0.5]]
    try:
        f = pypy_compat.frompyfunc
    except AttributeError:
        pass            # issue 6's module is not there (yet): no import error
    else:
        assert callable(f)
    with pytest.raises(AttributeError):
        pypy_compat.no_such_thing


def test_cffi_open_arrays_and_pointers():
    b1 = ffi.new("double[]", [1.0, 2.0])
    b2 = ffi.new("double[]", [1.0, 2.0, 3.0])
    a2 = ffi.new("double[2][2]", [[1, 0], [0, 2]])
    a3 = ffi.new("double[3][3]", eye(3))
    for _ in range(3):          # no plan may be keyed on 'double[]'
        assert list(ul.solve(a2, b1)) == [1.0, 1.0]
        assert list(ul.solve(a3, b2)) == [1.0, 2.0, 3.0]
    o = ffi.new("double[]", 2)
    for _ in range(2):
        assert ul.solve(a2, b1, out=o) is o and list(o) == [1.0, 1.0]
    with pytest.raises(ValueError):
        ul.solve(a3, b2, out=o)
    with pytest.raises(TypeError, match="pointer"):
        ul.inv(ffi.cast("double *", a2))
    st = ffi.new("double[][2][2]", [[[2, 0], [0, 2]]] * 3)
    assert [tolist(m) for m in ul.inv(st)] == [[[0.5, 0.0], [0.0, 0.5]]] * 3


def test_results_survive_garbage_collection():
    import gc
    rng = random.Random(8)
    rows = rand_matrix(rng, 4)
    a = ffi.new("double[4][4]", rows)
    expect = tolist(ul.inv(a))
    keep = [ul.inv(a) for _ in range(2000)]
    lists = [ul.inv(rows) for _ in range(200)]
    bufs = [ul.inv(buf2d(rows)) for _ in range(200)]
    gc.collect()
    junk = [bytearray(100) for _ in range(20000)]
    gc.collect()
    del junk
    assert all(tolist(k) == expect for k in keep)
    assert all(maxdiff(l, expect) == 0 for l in lists)
    assert all(maxdiff(b.tolist(), expect) == 0 for b in bufs)
