"""Pure-Python references and out=/frompyfunc helpers for
test_bad_input.py (both interpreters: no numpy here).

A reference check takes the operands' numbers and the result (as nested
Python lists) and returns None, or a sentence saying what is wrong.
Matrices of a stack are checked one by one; leading size-1 axes (deep
nesting) are dropped first; near-singular matrices are not checked.
"""
import cmath
import math

from umath_linalg import ffi, CData

try:
    import numpy as np
except ImportError:
    np = None

TOL = 1e-3          # float32 inputs too; a wrong answer is far off


def to_py(r):
    if np is not None and isinstance(r, (np.ndarray, np.generic)):
        return r.tolist()
    if isinstance(r, CData):
        t = ffi.typeof(r)
        if t.kind == "array":
            return [to_py(r[i]) for i in range(len(r))]   # (0-size items)
        return r
    if hasattr(r, "_type_") and hasattr(r, "_length_"):     # ctypes array
        r = memoryview(r)
    if isinstance(r, memoryview):
        f = r.format.lstrip("<>=!@")
        if f != r.format and len(f) == 1 and r.c_contiguous:
            r = r.cast("B").cast(f, r.shape)    # tolist(): native formats only
        return r.tolist()
    if isinstance(r, tuple):
        return tuple(to_py(x) for x in r)
    if isinstance(r, list):
        return [to_py(x) for x in r]
    return r


def _num(x):
    return isinstance(x, (int, float, complex, bool))


def _maxabs(v):
    if isinstance(v, (list, tuple)):
        return max([_maxabs(e) for e in v] + [0.0])
    return abs(v) if _num(v) and not cmath.isnan(v) else 0.0


def close(got, want, tol=TOL):
    scale = max(1.0, _maxabs(want))

    def eq(a, b):
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(eq(x, y) for x, y in zip(a, b))
        if _num(a) and _num(b):
            if cmath.isnan(a) or cmath.isnan(b):
                return cmath.isnan(a) and cmath.isnan(b)
            if cmath.isinf(a) or cmath.isinf(b):
                return a == b
            return abs(a - b) <= tol * scale
        return False
    return eq(got, want)


def _nd(v):
    n = 0
    while isinstance(v, (list, tuple)):
        n += 1
        if not v:
            break
        v = v[0]
    return n


def squeeze(v, core):
    while _nd(v) > core and isinstance(v, list) and len(v) == 1:
        v = v[0]
    return v


def _per_matrix(a, fn, core=2):
    """fn over each core matrix of a (one stack level at most)."""
    a = squeeze(a, core)
    if _nd(a) > core:
        return [_per_matrix(x, fn, core) for x in a]
    return fn(a)


def _lu(a):
    """(LU in place copy, perm sign, singular?) with partial pivoting."""
    n = len(a)
    m = [[complex(x) for x in row] for row in a]
    sign = 1
    scale = max([abs(x) for row in m for x in row] + [1e-300])
    for k in range(n):
        p = max(range(k, n), key=lambda i: abs(m[i][k]))
        if abs(m[p][k]) <= 1e-9 * scale:
            return m, sign, True
        if p != k:
            m[k], m[p] = m[p], m[k]
            sign = -sign
        for i in range(k + 1, n):
            f = m[i][k] / m[k][k]
            m[i][k] = f
            for j in range(k + 1, n):
                m[i][j] -= f * m[k][j]
    return m, sign, False


def _det(a):
    m, sign, sing = _lu(a)
    d = complex(sign)
    for i in range(len(a)):
        d *= m[i][i]
    return d, sing


def _solve_mat(a, b):
    """a^-1 b for b n x k (lists); None when near-singular."""
    n = len(a)
    aug = [[complex(x) for x in a[i]] + [complex(x) for x in b[i]] for i in range(n)]
    k = len(b[0]) if n else 0
    for c in range(n):
        p = max(range(c, n), key=lambda i: abs(aug[i][c]))
        if abs(aug[p][c]) < 1e-6:
            return None
        aug[c], aug[p] = aug[p], aug[c]
        for i in range(n):
            if i != c:
                f = aug[i][c] / aug[c][c]
                aug[i] = [x - f * y for x, y in zip(aug[i], aug[c])]
    return [[aug[i][n + j] / aug[i][i] for j in range(k)] for i in range(n)]


def _cmp(got, want, what):
    if want is None:
        return None
    return None if close(got, want) else "%s: got %r, want %r" % (what, got, want)


def _mm(a, b):
    return [[sum(complex(a[i][t]) * complex(b[t][j]) for t in range(len(b)))
             for j in range(len(b[0]) if b else 0)] for i in range(len(a))]


def inv(values, got):
    def one(a):
        n = len(a)
        return _solve_mat(a, [[float(i == j) for j in range(n)] for i in range(n)])
    want = _per_matrix(values[0], one)
    if _has_none(want):
        return None
    return _cmp(squeeze(got, 2), want, "inverse")


def _has_none(v):
    return v is None or isinstance(v, list) and any(_has_none(x) for x in v)


def det(values, got):
    want = _per_matrix(values[0], lambda a: _det(a)[0])
    return _cmp(squeeze(got, 0), want, "det")


def slogdet(values, got):
    if not isinstance(got, tuple) or len(got) != 2:
        return "slogdet gave %r" % (got,)
    d = _per_matrix(values[0], lambda a: _det(a)[0])

    def comb(s, l):
        if isinstance(s, list):
            return [comb(x, y) for x, y in zip(s, l)]
        return s * math.exp(l) if l != -math.inf else 0.0
    return _cmp(comb(squeeze(got[0], 0), squeeze(got[1], 0)), d, "sign*exp(logdet)")


def solve(values, got):
    a, b = squeeze(values[0], 2), values[1]
    vec = _nd(b) == _nd(a) - 1 or _nd(b) == 1
    if _nd(a) != 2 or _nd(b) > 2:
        return None                 # stacks: checked against numpy only
    bb = [[x] for x in b] if vec else b
    want = _solve_mat(a, bb)
    if want is None:
        return None
    if vec:
        want = [r[0] for r in want]
    return _cmp(squeeze(got, 1 if vec else 2), want, "solve")


def matmul(values, got):
    a, b = values
    if _nd(a) > 2 or _nd(b) > 2:
        return None
    a2 = [a] if _nd(a) == 1 else a
    b2 = [[x] for x in b] if _nd(b) == 1 else b
    if not a2 or not b2 or len(a2[0]) != len(b2):
        return None
    want = _mm(a2, b2)
    if _nd(b) == 1:
        want = [r[0] for r in want]
    if _nd(a) == 1:
        want = want[0]
    if _leaves(got) and all(type(x) is bool for x in _leaves(got)):
        want = _truth(want)         # numpy's bool matmul (pl.matmul)
    return _cmp(got, want, "matmul")


def _leaves(v):
    if isinstance(v, (list, tuple)):
        return [x for e in v for x in _leaves(e)]
    return [v]


def _truth(v):
    return [_truth(e) for e in v] if isinstance(v, list) else v != 0


def _herm_lower(a):
    n = len(a)
    return [[complex(a[i][j]) if i > j else complex(a[i][i]).real if i == j
             else complex(a[j][i]).conjugate() for j in range(n)] for i in range(n)]


def cholesky_check(values, got):
    def one(pair):
        a, l = pair
        h = _herm_lower(a)
        n = len(h)
        if any(l[i][j] != 0 for i in range(n) for j in range(i + 1, n)):
            return "cholesky factor not lower triangular: %r" % (l,)
        llh = [[sum(complex(l[i][t]) * complex(l[j][t]).conjugate()
                    for t in range(n)) for j in range(n)] for i in range(n)]
        return _cmp(llh, h, "L L^H")
    return _pairs(values[0], got, one)


def _pairs(a, got, one):
    a, got = squeeze(a, 2), squeeze(got, _nd(got) - _nd(a) + 2 if _nd(a) > 2 else 2)
    if _nd(a) > 2:
        for x, g in zip(a, got):
            m = one((x, g))
            if m:
                return m
        return None
    return one((a, got))


def eigvalsh_check(values, got):
    def one(pair):
        a, w = pair
        h = _herm_lower(a)
        tr = sum(h[i][i].real for i in range(len(h)))
        fro = sum(abs(x) ** 2 for row in h for x in row)
        return _cmp([sum(w), sum(x * x for x in w)], [tr, fro], "trace, |A|^2")
    return _pairs1(values[0], got, one)


def _pairs1(a, got, one):
    a = squeeze(a, 2)
    got = squeeze(got, 1 + (_nd(a) > 2))
    if _nd(a) > 2:
        return next((m for m in (one(p) for p in zip(a, got)) if m), None)
    return one((a, got))


def svdvals_check(values, got):
    def one(pair):
        a, s = pair
        fro = sum(abs(complex(x)) ** 2 for row in a for x in row)
        if any(x < 0 for x in s) or list(s) != sorted(s, reverse=True):
            return "singular values %r not sorted non-negative" % (s,)
        return _cmp(sum(x * x for x in s), fro, "sum s^2 = |A|^2")
    return _pairs1(values[0], got, one)


# ---- out= --------------------------------------------------------------
def make_out(rng, r, objs):
    """(out, good): good True (must be written and returned), False (must
    raise) or None (either: inputs used as out=)."""
    k = rng.randrange(7)
    if k == 0:
        return rng.choice([5, "x", [1.0, 2.0], (1,)]), False
    if k == 1:
        return objs[0], None
    if isinstance(r, CData) and ffi.typeof(r).kind == "array":
        t = ffi.typeof(r)
        if k == 2:
            return (ffi.new(t), ffi.new(t)), False
        if k == 3:
            other = "float" if "double" in t.cname else "double"
            return ffi.new(other + "[%d]" % (len(r) + 1)), False
        return ffi.new(t), True
    if isinstance(r, memoryview) and r.ndim:
        b = bytes(r.nbytes)
        if k == 2:
            return memoryview(b).cast(r.format, r.shape), False
        if k == 3 and r.format != "f":
            return memoryview(bytearray(r.nbytes // 2)).cast("f", [r.nbytes // 8]), False
        return memoryview(bytearray(b)).cast(r.format, r.shape), True
    if np is not None and isinstance(r, np.ndarray) and r.ndim:
        if k == 2:
            ro = np.empty_like(r)
            ro.flags.writeable = False
            return ro, False
        if k == 3:
            return np.empty(r.shape + (1,), r.dtype), False
        return np.empty_like(r), True
    return rng.choice([5, "x", object()]), False


def same_data(out, objs):
    return any(out is o for o in objs)


# ---- frompyfunc arguments ----------------------------------------------
def _f1(x):
    return 2 * x + 1


def _f2(x, y):
    return x * y - 1


def frompyfunc_args(rng):
    funcs = rng.choice([_f1, _f1, _f2, None, [], 5, "f", [_f1, None], (_f1,),
                        [_f1, _f1]])
    nin = rng.choice([1, 1, 2, 0, -1, "1", 1.5, 10 ** 20])
    nout = rng.choice([1, 1, 0, 2, None])
    kw = {}
    if rng.random() < 0.6:
        kw["signature"] = rng.choice([None, "", "()->()", "(n)->()", "(n",
                                      "(n)->(n)", "(n),(n)->()", "->", 5,
                                      "(n?)->()", "(3)->()", "(n)->(m)"])
    if rng.random() < 0.5:
        kw["dtypes"] = rng.choice([None, ["d", "d"], ["float64"] * 2,
                                   ["bogus", "d"], ["d"], 5, ["match"],
                                   ["d"] * 3, ["F", "F"], ["i", "i"]])
    if rng.random() < 0.3:
        kw["stack_inputs"] = rng.choice([True, False, "yes"])
    kw["name"] = rng.choice(["bi_%d" % rng.randrange(10 ** 9), 5, "", "inv",
                             "bi_%d" % rng.randrange(10 ** 9)])
    if rng.random() < 0.3:
        kw["doc"] = rng.choice(["doc", 5, None])
    return (funcs, nin, nout), kw, funcs


def check_frompyfunc(g, args, kw, fn, rng):
    """A made gufunc runs: the plain case exactly as Python computes it."""
    funcs, nin, nout = args
    plain = funcs is _f1 and nin == 1 and nout == 1 and \
        kw.get("signature") in (None, "", "()->()") and \
        kw.get("dtypes") in (None, ["d", "d"], ["float64"] * 2) and \
        not kw.get("stack_inputs")
    xs = [rng.uniform(-3, 3) for _ in range(4)]
    r = g(*([xs] * (nin if isinstance(nin, int) and 0 < nin < 4 else 1)))
    if plain and to_py(r) != [_f1(x) for x in xs]:
        return "frompyfunc(_f1) gave %r for %r" % (to_py(r), xs)
    return None
