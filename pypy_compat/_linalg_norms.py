"""Norms and condition numbers: numpy.linalg 1.24's norm and cond, and
numpy 2's matrix_norm, vector_norm and svdvals.

norm's vector orders and its matrix orders 1, -1, inf, -inf, 'fro' are pure
Python over the rows of the array; the orders 2, -2 and 'nuc' go through
the svd gufuncs (as numpy's _multi_svd_norm), and cond's p in (1, -1, inf,
-inf, 'fro') through the inv gufunc with failures left NaN (numpy's
errstate(all='ignore')), NaN turned into inf unless the matrix had a NaN.
"""
from operator import mul

from ._linalg_arrays import (Arr, arr, result, COMPLEX, F64, INF, NAN,
                             norm_axis, move_to_end, to_inexact,
                             convert, rows, amax, amin, sqrt, power, isnan,
                             permute)
from ._linalg_gufuncs import (run, assert_stacked_2d, assert_stacked_square,
                              is_empty_2d, common_type, astype, real_type,
                              LinAlgError)
from ._linalg_decomp import _svd


def _sumsq(r, cplx):
    if cplx:
        re = [v.real for v in r]
        im = [v.imag for v in r]
        return sum(map(mul, re, re), 0.0) + sum(map(mul, im, im), 0.0)
    return sum(map(mul, r, r), 0.0)


def _vector_norm_row(r, ord, cplx):
    if ord == INF:
        return amax(list(map(abs, r)))
    if ord == -INF:
        return amin(list(map(abs, r)))
    if ord == 0:
        return float(sum(1 for v in r if v != 0))
    if ord == 1:
        return sum(map(abs, r), 0.0)
    if ord is None or ord == 2:
        return sqrt(_sumsq(r, cplx))
    p = float(ord)
    s = sum([power(abs(v), p) for v in r], 0.0)
    return power(s, 1.0 / p) if s == s else s


def _matrix_norm(y, ord):
    """Norms of each matrix of the stack y (..., m, n): an Arr of the
    stack's shape (float64 items)."""
    m, n = y.shape[-2:]
    cplx = y.t in COMPLEX
    # numpy's max/min over an axis of length 0 raises, even over no rows
    if not isinstance(ord, str):
        if (ord in (1, 2) and (n == 0 or (ord == 2 and m == 0))) or \
                (ord == INF and m == 0):
            amax([])
        if (ord in (-1, -2) and (n == 0 or (ord == -2 and m == 0))) or \
                (ord == -INF and m == 0):
            amin([])
    if ord == "nuc" or (not isinstance(ord, str) and ord in (2, -2)):
        s = _svd(y, compute_uv=False)
        op = {2: amax, -2: amin, "nuc": lambda r: sum(r, 0.0)}[ord]
        return Arr(s.t, s.shape[:-1], [op(r) for r in rows(s)])
    out = []
    mats = rows(Arr(y.t, y.shape[:-2] + (m * n,), y.data)) if m * n else \
        [[] for _ in range(_count(y.shape[:-2]))]
    for d in mats:
        if ord in (1, -1):
            sums = [sum(map(abs, d[j::n]), 0.0) for j in range(n)] if m \
                else [0.0] * n
            out.append(amax(sums) if ord == 1 else amin(sums))
        elif ord in (INF, -INF):
            sums = [sum(map(abs, d[i * n:i * n + n]), 0.0) for i in range(m)]
            out.append(amax(sums) if ord == INF else amin(sums))
        else:
            out.append(sqrt(_sumsq(d, cplx)))
    return Arr(F64, y.shape[:-2], out)


def _count(shape):
    p = 1
    for k in shape:
        p *= k
    return p


def _norm(x, ord=None, axis=None, keepdims=False):
    """norm on an Arr: an Arr of x's real floating type."""
    t = to_inexact(x.t)
    if t != x.t:
        x = convert(x, t)
    rt = real_type(t)
    cplx = t in COMPLEX
    nd = x.ndim
    if axis is None:
        if ord is None or (isinstance(ord, str) and ord in ("f", "fro") and
                           nd == 2) or (not isinstance(ord, str) and
                                        ord == 2 and nd == 1):
            ret = sqrt(_sumsq(x.data, cplx))
            return astype(Arr(F64, [1] * nd if keepdims else (), [ret]), rt)
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = int(axis)
        except Exception:
            raise TypeError("'axis' must be None, an integer or a tuple of "
                            "integers")
        axis = (axis,)
    if len(axis) == 1:
        ax = norm_axis(axis[0], nd)
        if isinstance(ord, str):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        y = move_to_end(x, [ax])
        if not y.shape[-1] and not isinstance(ord, str):
            if ord == INF:
                amax([])            # (numpy: even when there are no rows)
            if ord == -INF:
                amin([])
        ret = Arr(F64, y.shape[:-1],
                  [_vector_norm_row(r, ord, cplx) for r in rows(y)])
        if keepdims:
            shape = list(x.shape)
            shape[ax] = 1
            ret = Arr(ret.t, shape, ret.data)
        return astype(ret, rt)
    if len(axis) == 2:
        row_axis = norm_axis(axis[0], nd)
        col_axis = norm_axis(axis[1], nd)
        if row_axis == col_axis:
            raise ValueError("Duplicate axes given.")
        if not _valid_matrix_ord(ord):
            raise ValueError("Invalid norm order for matrices.")
        ret = _matrix_norm(move_to_end(x, [row_axis, col_axis]), ord)
        if keepdims:
            shape = list(x.shape)
            shape[row_axis] = 1
            shape[col_axis] = 1
            ret = Arr(ret.t, shape, ret.data)
        return astype(ret, rt)
    raise ValueError("Improper number of dimensions to norm.")


def _valid_matrix_ord(ord):
    if isinstance(ord, str):
        return ord in ("fro", "f", "nuc")
    return ord is None or ord in (2, -2, 1, -1, INF, -INF)


def norm(x, ord=None, axis=None, keepdims=False):
    """Matrix or vector norm, numpy 1.24's: ord None, 'fro', 'nuc', inf,
    -inf, 0, 1, -1, 2, -2 or any other number (vectors); axis None, an
    int (vector norms) or a pair of ints (matrix norms); keepdims keeps the
    normed axes as size 1.  Integers and bools are normed as float64."""
    x, kind = arr(x)
    return result(_norm(x, ord, axis, keepdims), kind)


def cond(x, p=None):
    """Condition number of a matrix or of each matrix of a stack, in the
    norm p (None/2, -2 from the singular values; 1, -1, inf, -inf, 'fro'
    from the inverse).  inf for a singular matrix."""
    x, kind = arr(x)
    if is_empty_2d(x):
        raise LinAlgError("cond is not defined on empty arrays")
    if p is None or (not isinstance(p, str) and (p == 2 or p == -2)):
        s = _svd(x, compute_uv=False)
        out = []
        for r in rows(s):
            num, den = (r[-1], r[0]) if p == -2 else (r[0], r[-1])
            out.append(_div(num, den))
        r = Arr(s.t, s.shape[:-1], out)
    else:
        assert_stacked_2d(x)
        assert_stacked_square(x)
        t, rt = common_type(x)
        invx, = run("inv", [x], (t,), None)
        n1 = _norm(x, p, axis=(-2, -1))
        n2 = _norm(invx, p, axis=(-2, -1))
        r = astype(Arr(F64, n1.shape, [u * v for u, v in zip(n1.data,
                                                               n2.data)]), rt)
    m, n = x.shape[-2:]
    mn = m * n
    data = list(r.data)
    for k, v in enumerate(data):
        if isnan(v) and not any(map(isnan, x.data[k * mn:k * mn + mn])):
            data[k] = INF if r.t not in COMPLEX else complex(INF, 0)
    return result(Arr(r.t, r.shape, data), kind)


def _div(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        return NAN if a == 0 or a != a else INF


def matrix_norm(x, keepdims=False, ord="fro"):
    """numpy 2: the matrix norm of a matrix or stack (..., M, N):
    norm(x, axis=(-2, -1), keepdims=keepdims, ord=ord)."""
    x, kind = arr(x)
    return result(_norm(x, ord, (-2, -1), keepdims), kind)


def vector_norm(x, axis=None, keepdims=False, ord=2):
    """numpy 2: the vector norm over all items (axis None), one axis, or
    a tuple of axes (taken together as one vector); keepdims keeps every
    normed axis as size 1."""
    x, kind = arr(x)
    shape0 = x.shape
    if axis is None:
        y = Arr(x.t, (len(x.data),), x.data)
        axes = tuple(range(x.ndim))
        ax = 0
    elif isinstance(axis, tuple):
        axes = tuple(norm_axis(a, x.ndim) for a in axis)
        if len(set(axes)) != len(axes):
            raise ValueError("repeated axis")
        rest = [i for i in range(x.ndim) if i not in axes]
        y = permute(x, list(axes) + rest)
        k = _count([x.shape[i] for i in axes])
        y = Arr(y.t, (k,) + tuple(x.shape[i] for i in rest), y.data)
        ax = 0
    else:
        axes = (norm_axis(axis, x.ndim),)
        y = x
        ax = axis
    res = _norm(y, ord, ax)
    if keepdims:
        shape = list(shape0)
        for i in axes:
            shape[i] = 1
        res = Arr(res.t, shape, res.data)
    return result(res, kind)


def svdvals(x):
    """numpy 2: the singular values of a matrix or stack (..., M, N),
    descending: svd(x, compute_uv=False)."""
    x, kind = arr(x)
    return result(_svd(x, compute_uv=False), kind)

