"""The small n-d array pypy_compat.linalg computes on: a type number (from
umath_linalg._dtypes), a shape and the items as a flat C-order Python list.

`arr(x)` reads any operand (nested lists, buffers, cffi arrays, ndarrays) and
`result(a, kind)` hands an array back in the caller's kind, through the same
result objects the gufuncs use (umath_linalg/_results.py).  The rest is what
the linalg functions need and numpy would give them: type promotion, axis
moves, stacked matrix products, reductions.  Work is done a row or a slice
at a time (list slicing, map, sum) so that there is no per-element Python
frame beyond the arithmetic itself.
"""
import math
from operator import mul

from umath_linalg import _dtypes as _dt
from umath_linalg._core import (ffi, to_operand, flat_values, _numpy, _prod,
                                K_LIST, K_NUMPY, CNAMES, TYPECHARS)
from umath_linalg._results import _Result, nest

B, I32, I64 = _dt.BOOL.num, _dt.INT32.num, _dt.INT64.num
F32, F64, C64, C128 = (_dt.FLOAT32.num, _dt.FLOAT64.num, _dt.COMPLEX64.num,
                       _dt.COMPLEX128.num)
COMPLEX = _dt.COMPLEX_NUMS
INEXACT = frozenset((F32, F64, C64, C128))
REAL_OF = {F32: F32, F64: F64, C64: F32, C128: F64}
COMPLEX_OF = {F32: C64, F64: C128, C64: C64, C128: C128}
INF = float("inf")
NAN = float("nan")


class AxisError(ValueError, IndexError):
    """numpy's AxisError: an axis out of range (a ValueError and an
    IndexError, as numpy's)."""


class Arr(object):
    """t: type number; shape: tuple; data: flat C-order list."""
    __slots__ = ("t", "shape", "data")

    def __init__(self, t, shape, data):
        self.t = t
        self.shape = tuple(shape)
        self.data = data

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return len(self.data)


def arr(x):
    """(Arr, kind) of an operand; an Arr passes through (kind K_LIST)."""
    if type(x) is Arr:
        return x, K_LIST
    op = to_operand(x)
    data = flat_values(op)
    if op.values is not None and type(x) is not list and \
            type(x) is not tuple:
        data = list(data)       # (an Operand passed in: never share it)
    if op.type == I64 and op.values is not None and data and \
            not _I64_MIN <= min(data) <= max(data) <= _I64_MAX:
        # numpy makes such lists object arrays (exact ints); int64
        # arithmetic here would wrap them silently
        raise OverflowError("Python int too large for int64 in an operand "
                            "(numpy would make it an object array)")
    return Arr(op.type, op.shape, data), op.kind


_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1


def arrs(xs):
    """Arrs of several operands and the kind of their results."""
    out = []
    kind = K_LIST
    for x in xs:
        a, k = arr(x)
        out.append(a)
        if k > kind:
            kind = k
    return out, kind


def result(a, kind):
    """a in the caller's kind (0-d: a scalar; ndarray: numpy's scalar)."""
    t = a.t
    if t < 0:           # cast-only integer kinds come back as int64
        t = I64
    shape = a.shape
    if kind == K_NUMPY:
        np = _numpy()
        try:
            r = np.array(a.data, dtype=TYPECHARS[t])
        except OverflowError:
            r = np.array(_wrap_ints(a.data, t), dtype=TYPECHARS[t])
        r = r.reshape(shape)
        return r[()] if not shape else r
    if kind == K_LIST and t == F64:
        data = a.data
        if not shape:
            return float(data[0])
        return nest([float(v) for v in data], shape)
    r = _Result(kind, t, shape)
    n = len(a.data)
    if n:
        data = a.data
        if t == B:
            data = [bool(v) for v in data]
        elif t not in COMPLEX:
            data = [v.real if type(v) is complex else v for v in data]
        try:
            ffi.cast(CNAMES[t] + " *", r.ptr)[0:n] = data
        except OverflowError:
            ffi.cast(CNAMES[t] + " *", r.ptr)[0:n] = _wrap_ints(data, t)
    return r.value()


def _wrap_ints(data, t):
    """Python ints wrapped to the C integer type t, as numpy's integer
    arithmetic wraps."""
    bits = 32 if t == I32 else 64
    half, full = 1 << (bits - 1), 1 << bits
    return [((v + half) % full) - half for v in data]


# ------------------------------------------------------------- types
_KIND_RANK = {B: 0, I32: 1, I64: 1, F32: 2, F64: 2, C64: 3, C128: 3,
              _dt.T_SMALLINT: 1, _dt.T_UINT32: 1, _dt.T_UINT64: 1}


def promote(*ts):
    """numpy's result type of arrays of these types (uint64 and the small
    integers as int64: they have no type of their own here)."""
    kind = max(_KIND_RANK[t] for t in ts)
    if kind == 0:
        return B
    if kind == 1:
        return I32 if all(t in (B, I32, _dt.T_SMALLINT) for t in ts) and \
            I32 in ts else I64
    single = all(t in (B, _dt.T_SMALLINT, F32, C64) for t in ts)
    if kind == 2:
        return F32 if single else F64
    return C64 if single else C128


def to_inexact(t):
    """numpy's x.astype(float) for a non-inexact type."""
    return t if t in INEXACT else F64


def zero_of(t):
    if t in COMPLEX:
        return 0j
    if t in INEXACT:
        return 0.0
    return False if t == B else 0


def convert(a, t):
    """a's items as type t's Python numbers."""
    if t in COMPLEX:
        return Arr(t, a.shape, [complex(v) for v in a.data])
    if t in INEXACT:
        return Arr(t, a.shape, [float(v) for v in a.data])
    if t == B:
        return Arr(t, a.shape, [bool(v) for v in a.data])
    return Arr(t, a.shape, [int(v) for v in a.data])


# -------------------------------------------------------------- axes
def norm_axis(ax, ndim):
    """numpy's normalize_axis_index."""
    try:
        ax = int(ax)
    except Exception:
        raise TypeError("'axis' must be None, an integer or a tuple of "
                        "integers")
    if ax < -ndim or ax >= ndim:
        raise AxisError("axis %d is out of bounds for array of dimension %d"
                        % (ax, ndim))
    return ax + ndim if ax < 0 else ax


def c_strides(shape):
    st = []
    s = 1
    for n in reversed(shape):
        st.append(s)
        s *= n
    st.reverse()
    return st


def permute(a, perm):
    """numpy's a.transpose(perm) as a new C-order array."""
    perm = tuple(perm)
    if perm == tuple(range(a.ndim)):
        return a
    st = c_strides(a.shape)
    offs = [0]
    for p in perm:
        s = st[p]
        offs = [o + i * s for o in offs for i in range(a.shape[p])]
    d = a.data
    return Arr(a.t, [a.shape[p] for p in perm], [d[o] for o in offs])


def move_to_end(a, axes):
    """a with the given (normalized) axes moved last, in that order."""
    rest = [i for i in range(a.ndim) if i not in axes]
    return permute(a, rest + list(axes))


def swap_last(a):
    """Each matrix of a stack (..., m, n) transposed: (..., n, m)."""
    if a.ndim < 2:
        return a
    m, n = a.shape[-2:]
    d = a.data
    mn = m * n
    out = []
    ext = out.extend
    if mn:
        for base in range(0, len(d), mn):
            for j in range(n):
                ext(d[base + j:base + mn:n])
    return Arr(a.t, a.shape[:-2] + (n, m), out)


def conj(a):
    if a.t not in COMPLEX:
        return a
    return Arr(a.t, a.shape, [v.conjugate() for v in a.data])


def broadcast_shapes(s1, s2):
    """numpy's broadcast of two shapes; ValueError as numpy words it."""
    n = max(len(s1), len(s2))
    a = (1,) * (n - len(s1)) + tuple(s1)
    b = (1,) * (n - len(s2)) + tuple(s2)
    out = []
    for x, y in zip(a, b):
        if x != y and x != 1 and y != 1:
            raise ValueError("operands could not be broadcast together with "
                             "shapes %s %s" % (tuple(s1), tuple(s2)))
        out.append(y if x == 1 else x)
    return tuple(out)


def broadcast_to(a, shape):
    """a's items repeated to shape (the trailing dims of a match)."""
    shape = tuple(shape)
    if a.shape == shape:
        return a
    src = (1,) * (len(shape) - a.ndim) + a.shape
    st = c_strides(src)
    offs = [0]
    for k, n in enumerate(shape):
        s = st[k] if src[k] != 1 else 0
        offs = [o + i * s for o in offs for i in range(n)]
    d = a.data
    return Arr(a.t, shape, [d[o] for o in offs])


def rows(a):
    """The last-axis rows of a (list slices)."""
    n = a.shape[-1] if a.shape else 1
    d = a.data
    if n == 0:
        return [[] for _ in range(_prod(a.shape[:-1]))]
    return [d[i:i + n] for i in range(0, len(d), n)]


# ------------------------------------------------------------ products
def _dot_rows(ar, bcols, start):
    return [sum(map(mul, ar, bc), start) for bc in bcols]


def matmul(a, b, t=None):
    """Stacked matrix product of (..., m, k) and (..., k, n) arrays, stacks
    broadcast; t: the result type (default: promoted)."""
    if t is None:
        t = promote(a.t, b.t)
    m, k = a.shape[-2:]
    k2, n = b.shape[-2:]
    if k != k2:
        raise ValueError("matmul: Input operand 1 has a mismatch in its core "
                         "dimension 0, with gufunc signature (n?,k),(k,m?)->"
                         "(n?,m?) (size %d is different from %d)" % (k2, k))
    stack = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    if a.shape[:-2] != stack:
        a = broadcast_to(a, stack + (m, k))
    if b.shape[:-2] != stack:
        b = broadcast_to(b, stack + (k, n))
    start = zero_of(t)
    if t == B:
        start = 0
    bt = swap_last(b)
    out = []
    ext = out.extend
    ad, bd = a.data, bt.data
    mk, nk = m * k, n * k
    for s in range(_prod(stack)):
        bcols = [bd[s * nk + j * k:s * nk + j * k + k] for j in range(n)]
        base = s * mk
        for i in range(m):
            ext(_dot_rows(ad[base + i * k:base + i * k + k], bcols, start))
    if t == B:
        out = [bool(v) for v in out]
    return Arr(t, stack + (m, n), out)


def eye_like(t, stack, n):
    one = 1 if t not in INEXACT else (1.0 if t not in COMPLEX else 1 + 0j)
    if t == B:
        one = True
    z = zero_of(t)
    m = [one if i == j else z for i in range(n) for j in range(n)]
    return Arr(t, tuple(stack) + (n, n), m * _prod(stack))


# ---------------------------------------------------------- reductions
def reduce_last(a, fn):
    """fn(row) for every last-axis row: shape a.shape[:-1]."""
    return Arr(a.t, a.shape[:-1], [fn(r) for r in rows(a)])


def amax(values, what="maximum"):
    if not values:
        raise ValueError("zero-size array to reduction operation %s which "
                         "has no identity" % what)
    return NAN if any(v != v for v in values) else max(values)


def amin(values):
    if not values:
        raise ValueError("zero-size array to reduction operation minimum "
                         "which has no identity")
    return NAN if any(v != v for v in values) else min(values)


def sqrt(v):
    return math.sqrt(v) if v >= 0 else NAN


def power(x, p):
    """numpy's float power x ** p for x >= 0 (inf on overflow, never an
    exception)."""
    try:
        return x ** p
    except ZeroDivisionError:
        return INF
    except OverflowError:
        return INF


def isfinite(v):
    if type(v) is complex:
        return math.isfinite(v.real) and math.isfinite(v.imag)
    return math.isfinite(v)


def isnan(v):
    return v != v
