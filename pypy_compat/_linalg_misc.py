"""numpy.linalg's functions that need no LAPACK of their own: matrix_power,
multi_dot, tensorsolve, tensorinv (1.24) and numpy 2's outer, tensordot,
trace, vecdot, cross, diagonal, matrix_transpose.

Types follow numpy's promotion (_linalg_arrays.promote): integer inputs
give integer products, float32 stays float32 (computed in double and
rounded once at the end, where numpy rounds after every operation).
"""
import operator

from umath_linalg import _dtypes as _dt
from umath_linalg._core import _numpy
from ._linalg_arrays import (Arr, arr, arrs, result, promote, matmul,
                             eye_like, permute, broadcast_shapes,
                             broadcast_to, swap_last, rows, norm_axis,
                             move_to_end, zero_of, COMPLEX, B, I64, F32, C64,
                             INEXACT)
from ._linalg_gufuncs import (run, assert_stacked_2d, assert_stacked_square,
                              assert_2d, common_type, astype, LinAlgError,
                              SINGULAR)
from ._linalg_arrays import _prod, F64
from ._linalg_gufuncs import gufunc
from umath_linalg._lists import flat_plan, run_flat


def _typed(a, t):
    """a as the (promoted) type t, single precision rounded."""
    if t in (F32, C64):
        return astype(a, t)
    if t in COMPLEX:
        return Arr(t, a.shape, [complex(v) for v in a.data])
    if t in INEXACT:
        return Arr(t, a.shape, [v.real if type(v) is complex else float(v)
                                for v in a.data])
    return Arr(t, a.shape, a.data)


def _inv(a):
    assert_stacked_2d(a)
    assert_stacked_square(a)
    t, rt = common_type(a)
    r, = run("inv", [a], (t,), SINGULAR)
    return astype(r, rt)


_MM_PLANS = {}      # (a.shape, b.shape) -> the float64 ListPlan (or None)


def product(a, b):
    """numpy's matmul of two Arrs of at least 2 dims (stacks broadcast):
    floating types on libumath_linalg's matmul gufunc (float64 in one call
    on the flat lists, _lists.flat_plan), integers and bools exactly in
    Python (_linalg_arrays.matmul), as numpy keeps their types."""
    t = promote(a.t, b.t)
    if t not in INEXACT:
        return matmul(a, b, t)
    if t == F64:
        key = (a.shape, b.shape)
        p = _MM_PLANS.get(key, False)
        g = gufunc("matmul", False)
        if p is False:
            p = flat_plan(g, F64, key)      # (the driver's shape errors)
            if len(_MM_PLANS) > 512:
                _MM_PLANS.clear()
            _MM_PLANS[key] = p
        if p is not None:
            return Arr(F64, p.out_shape,
                       run_flat(p, g._g, g._status, a.data, b.data))
    r, = run("matmul", [a, b], (t, t), None)
    return r


def matrix_power(a, n):
    """a raised to the integer power n (a matrix or stack (..., M, M)):
    repeated squaring; n = 0 gives the identity of a's type, n < 0 the
    power of the inverse."""
    a, kind = arr(a)
    assert_stacked_2d(a)
    assert_stacked_square(a)
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError("exponent must be an integer")
    t = a.t if a.t >= 0 else I64
    if n == 0:
        return result(eye_like(t, a.shape[:-2], a.shape[-1]), kind)
    if n < 0:
        a = _inv(a)
        t = a.t
        n = -n
    if n == 1:
        return result(a, kind)
    if n <= 3:          # numpy's shortcuts: a @ a, (a @ a) @ a
        res = matmul(a, a, t)
        if n == 3:
            res = matmul(res, a, t)
        return result(_typed(res, t), kind)
    z = res = None
    while n > 0:
        z = a if z is None else matmul(z, z, t)
        n, bit = divmod(n, 2)
        if bit:
            res = z if res is None else matmul(res, z, t)
    return result(_typed(res, t), kind)


def _dot(a, b):
    """numpy's dot for any ndims."""
    t = promote(a.t, b.t)
    if not a.shape or not b.shape:
        s = a if not a.shape else b
        o = b if not a.shape else a
        k = s.data[0]
        return _typed(Arr(t, o.shape, [k * v for v in o.data]), t)
    bax = max(b.ndim - 2, 0)
    if a.shape[-1] != b.shape[bax]:
        raise ValueError("shapes %s and %s not aligned: %d (dim %d) != %d "
                         "(dim %d)" % (_shape_str(a.shape), _shape_str(b.shape),
                                       a.shape[-1], a.ndim - 1,
                                       b.shape[bax], bax))
    if b.ndim == 1:
        b = Arr(b.t, b.shape + (1,), b.data)
        r = _dot(a, b)
        return Arr(r.t, r.shape[:-1], r.data)
    if a.ndim <= 2 and b.ndim == 2:
        a2 = a if a.ndim == 2 else Arr(a.t, (1,) + a.shape, a.data)
        r = product(a2, b)
        return _typed(Arr(t, r.shape[a.ndim == 1:], r.data), t)
    return _tensordot(a, b, ([a.ndim - 1], [max(b.ndim - 2, 0)]))


def _shape_str(shape):
    return "(%s%s)" % (",".join(str(k) for k in shape),
                       "," if len(shape) == 1 else "")


def _tensordot(a, b, axes=2):
    """numpy's tensordot on Arrs."""
    try:
        iter(axes)
    except Exception:
        axes_a = list(range(-axes, 0))
        axes_b = list(range(0, axes))
    else:
        axes_a, axes_b = axes
    try:
        na = len(axes_a)
        axes_a = list(axes_a)
    except TypeError:
        axes_a = [axes_a]
        na = 1
    try:
        nb = len(axes_b)
        axes_b = list(axes_b)
    except TypeError:
        axes_b = [axes_b]
        nb = 1
    as_, nda = a.shape, a.ndim
    bs, ndb = b.shape, b.ndim
    equal = na == nb
    if equal:
        for k in range(na):
            if as_[axes_a[k]] != bs[axes_b[k]]:
                equal = False
                break
            if axes_a[k] < 0:
                axes_a[k] += nda
            if axes_b[k] < 0:
                axes_b[k] += ndb
    if not equal:
        raise ValueError("shape-mismatch for sum")
    notin_a = [k for k in range(nda) if k not in axes_a]
    n2 = _prod([as_[k] for k in axes_a])
    at = permute(a, notin_a + axes_a)
    notin_b = [k for k in range(ndb) if k not in axes_b]
    bt = permute(b, axes_b + notin_b)
    m = _prod([as_[k] for k in notin_a])
    p = _prod([bs[k] for k in notin_b])
    t = promote(a.t, b.t)
    r = matmul(Arr(at.t, (m, n2), at.data), Arr(bt.t, (n2, p), bt.data), t)
    return _typed(Arr(t, [as_[k] for k in notin_a] +
                      [bs[k] for k in notin_b], r.data), t)


def _chain_order(arrays):
    n = len(arrays)
    p = [a.shape[0] for a in arrays] + [arrays[-1].shape[1]]
    m = [[0.0] * n for _ in range(n)]
    s = [[0] * n for _ in range(n)]
    for ln in range(1, n):
        for i in range(n - ln):
            j = i + ln
            m[i][j] = float("inf")
            for k in range(i, j):
                q = m[i][k] + m[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if q < m[i][j]:
                    m[i][j] = q
                    s[i][j] = k
    return s


def _chain(arrays, order, i, j):
    if i == j:
        return arrays[i]
    return _dot(_chain(arrays, order, i, order[i][j]),
                _chain(arrays, order, order[i][j] + 1, j))


def multi_dot(arrays, *, out=None):
    """Dot product of two or more arrays in the cheapest order (numpy's
    chain-order search); the first may be 1-D (a row), the last 1-D (a
    column), the others 2-D.  out: an ndarray to write (numpy arrays
    only)."""
    n = len(arrays)
    if n < 2:
        raise ValueError("Expecting at least two arrays.")
    arrays, kind = arrs(arrays)
    if n == 2:
        res = _dot(arrays[0], arrays[1])
    else:
        nd_first, nd_last = arrays[0].ndim, arrays[-1].ndim
        if nd_first == 1:
            arrays[0] = Arr(arrays[0].t, (1,) + arrays[0].shape,
                            arrays[0].data)
        if nd_last == 1:
            arrays[-1] = Arr(arrays[-1].t, arrays[-1].shape + (1,),
                             arrays[-1].data)
        assert_2d(*arrays)
        if n == 3:
            A, Bm, C = arrays
            a0, a1b0 = A.shape
            b1c0, c1 = C.shape
            if a0 * b1c0 * (a1b0 + c1) < a1b0 * c1 * (a0 + b1c0):
                res = _dot(_dot(A, Bm), C)
            else:
                res = _dot(A, _dot(Bm, C))
        else:
            res = _chain(arrays, _chain_order(arrays), 0, n - 1)
        if nd_first == 1 and nd_last == 1:
            res = Arr(res.t, (), res.data)
        elif nd_first == 1 or nd_last == 1:
            res = Arr(res.t, (len(res.data),), res.data)
    r = result(res, kind)
    if out is not None:
        out[...] = r
        return out
    return r


def tensorsolve(a, b, axes=None):
    """Solve the tensor equation tensordot(a, x, x.ndim) = b for x; axes:
    the axes of a to move to the end first."""
    (a, b), kind = arrs((a, b))
    an = a.ndim
    if axes is not None:
        allaxes = list(range(0, an))
        for k in axes:
            allaxes.remove(k)
            allaxes.insert(an, k)
        a = permute(a, allaxes)
    oldshape = a.shape[-(an - b.ndim):]
    prod = _prod(oldshape)
    if len(a.data) != prod ** 2:
        raise LinAlgError(
            "Input arrays must satisfy the requirement \
            prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])"
        )
    a = Arr(a.t, (prod, prod), a.data)
    b = Arr(b.t, (len(b.data),), b.data)
    t, rt = common_type(a, b)
    x, = run("solve1", [a, b], (t, t), SINGULAR)
    return result(astype(Arr(x.t, oldshape, x.data), rt), kind)


def tensorinv(a, ind=2):
    """The inverse of a with respect to tensordot(., ., ind): shape
    a.shape[ind:] + a.shape[:ind]."""
    a, kind = arr(a)
    oldshape = a.shape
    if ind > 0:
        invshape = oldshape[ind:] + oldshape[:ind]
        prod = _prod(oldshape[ind:])
    else:
        raise ValueError("Invalid ind argument.")
    size = len(a.data)
    if prod == 0 or size % prod:
        if prod == 0 and size == 0:
            raise ValueError("cannot reshape array of size 0 into shape "
                             "(0,newaxis)")
        raise ValueError("cannot reshape array of size %d into shape "
                         "(%d,newaxis)" % (size, prod))
    ia = _inv(Arr(a.t, (prod, size // prod), a.data))
    return result(Arr(ia.t, invshape, ia.data), kind)


# ------------------------------------------------------ numpy 2 additions
def matrix_transpose(x):
    """numpy 2: each matrix of a stack (..., M, N) transposed."""
    x, kind = arr(x)
    if x.ndim < 2:
        raise ValueError("Input array must be at least 2-dimensional")
    return result(swap_last(x), kind)


def _diag(x, offset):
    if x.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    m, n = x.shape[-2:]
    offset = operator.index(offset)
    if offset >= 0:
        length = max(0, min(m, n - offset))
        start = offset
    else:
        length = max(0, min(m + offset, n))
        start = -offset * n
    out = []
    mn = m * n
    d = x.data
    if length and mn:
        for base in range(0, len(d), mn):
            s = base + start
            out.extend(d[s:s + length * (n + 1):n + 1])
    return Arr(x.t, x.shape[:-2] + (length,), out)


def diagonal(x, offset=0):
    """numpy 2: the offset diagonal of each matrix of a stack (..., M, N),
    shape (..., K)."""
    x, kind = arr(x)
    return result(_diag(x, offset), kind)


def _dtype_num(dtype):
    """Type number of a dtype given as numpy does (numpy dtypes and types
    when numpy is loaded) or as pypy_compat.dtype spells it."""
    np = _numpy()
    if np is not None and not isinstance(dtype, str) and \
            not isinstance(dtype, type):
        dtype = np.dtype(dtype).char
    elif np is not None and isinstance(dtype, type) and \
            dtype not in (bool, int, float, complex):
        dtype = np.dtype(dtype).char
    for d in _dt.LOOP_TYPES:
        if dtype in d.spellings or dtype in (d.name, d.char):
            return d.num
    raise TypeError("data type %r not understood" % (dtype,))


def trace(x, offset=0, dtype=None):
    """numpy 2: the sums of the offset diagonals of a stack (..., M, N);
    integers and bools sum as int64 (numpy's default), or as dtype."""
    x, kind = arr(x)
    dg = _diag(x, offset)
    if dtype is not None:
        t = _dtype_num(dtype)
    else:
        t = x.t if x.t in INEXACT else I64
    dg = _typed(dg, t) if t != B else dg
    start = zero_of(t) if t != B else 0
    return result(_typed(Arr(t, dg.shape[:-1],
                             [sum(r, start) for r in rows(dg)]), t), kind)


def outer(x1, x2):
    """numpy 2: the outer product of two 1-D arrays, shape (M, N)."""
    (a, b), kind = arrs((x1, x2))
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(
            "Input arrays must be one-dimensional, but they are "
            f"x1.ndim={a.ndim!r} and x2.ndim={b.ndim!r}.")
    t = promote(a.t, b.t)
    bd = b.data
    out = []
    for v in a.data:
        out.extend([v * w for w in bd])
    if t == B:
        out = [bool(v) for v in out]
    return result(_typed(Arr(t, (len(a.data), len(bd)), out), t), kind)


def tensordot(x1, x2, axes=2):
    """numpy 2: numpy's tensordot(x1, x2, axes): sum over the last `axes`
    axes of x1 and the first of x2, or over the axes pairs given."""
    (a, b), kind = arrs((x1, x2))
    return result(_tensordot(a, b, axes), kind)


def _vectors_last(a, b, axis):
    """Both arrays with `axis` moved last and their other axes broadcast."""
    a = move_to_end(a, [norm_axis(axis, a.ndim)])
    b = move_to_end(b, [norm_axis(axis, b.ndim)])
    stack = broadcast_shapes(a.shape[:-1], b.shape[:-1])
    return (broadcast_to(a, stack + a.shape[-1:]),
            broadcast_to(b, stack + b.shape[-1:]), stack)


def vecdot(x1, x2, axis=-1):
    """numpy 2: sum(conj(x1) * x2) along axis, other axes broadcast."""
    (a, b), kind = arrs((x1, x2))
    t = promote(a.t, b.t)
    a, b, stack = _vectors_last(a, b, axis)
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            "vecdot: Input operand 1 has a mismatch in its core dimension 0, "
            "with gufunc signature (n),(n)->() (size %d is different from %d)"
            % (b.shape[-1], a.shape[-1]))
    cplx = a.t in COMPLEX
    start = zero_of(t) if t != B else 0
    out = []
    for ra, rb in zip(rows(a), rows(b)):
        if cplx:
            ra = [v.conjugate() for v in ra]
        out.append(sum(map(operator.mul, ra, rb), start))
    if t == B:
        out = [bool(v) for v in out]
    return result(_typed(Arr(t, stack, out), t), kind)


def cross(x1, x2, axis=-1):
    """numpy 2: cross products of 3-element vectors along axis (both
    inputs), other axes broadcast."""
    (a, b), kind = arrs((x1, x2))
    na = a.shape[norm_axis(axis, a.ndim)]
    nb = b.shape[norm_axis(axis, b.ndim)]
    if na != 3 or nb != 3:
        raise ValueError(
            "Both input arrays must be (arrays of) 3-dimensional vectors, "
            f"but they are {na} and {nb} dimensional instead.")
    t = promote(a.t, b.t)
    if t == B:
        raise TypeError("numpy boolean subtract, the `-` operator, is not "
                        "supported, use the bitwise_xor, the `^` operator, "
                        "or the logical_xor function instead.")
    a, b, stack = _vectors_last(a, b, axis)
    out = []
    for (a0, a1, a2), (b0, b1, b2) in zip(rows(a), rows(b)):
        out.extend((a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0))
    r = Arr(t, stack + (3,), out)
    nd = len(stack) + 1
    ax = norm_axis(axis, nd)
    if ax != nd - 1:
        perm = list(range(nd - 1))
        perm.insert(ax, nd - 1)
        r = permute(r, perm)
    return result(_typed(r, t), kind)

