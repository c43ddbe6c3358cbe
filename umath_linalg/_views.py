"""Strided views: an operand's memory seen with other shape and byte
strides, without a copy (umath_linalg.T, umath_linalg.View).

The driver takes any byte strides, so a transposed matrix is the same
memory with its last two strides swapped: `ul.matmul(F, ul.T(P))` and
`ul.solve(ul.T(A), b)` read A and P in place.  A View is accepted wherever
an operand is (inputs and out=) by every umath_linalg function and by
pypy_compat.linalg; results come back in the kind of the view's base (a
new cffi array for a view of a cffi array).

Calls whose operands are all cffi arrays or views of cffi arrays, with
their loop's exact types, run through a plan cached per operand signature
(`call`, one dict lookup and one C call, g._view_plans); anything else
through the general path, which reads a View as the Operand it describes.
"""
from ._core import (ffi, Operand, CData, K_CFFI, K_NUMPY, to_operand,
                    _numpy, _c_strides, ITEMSIZE, CNAMES)
from . import _core
from ._results import cffi_array_type

_typeof = ffi.typeof
_cast = ffi.cast


class View(object):
    """View(base, shape, strides, offset=0): the memory of `base` (a cffi
    array, a buffer or another View's base) as an array of
    base's item type with this shape and these byte strides (any sign, 0
    included, not necessarily multiples of the item size), its element
    [0, ..., 0] `offset` bytes from the start of base.  Every element must
    lie inside base (ValueError otherwise).  The View keeps base alive;
    writing through it (as out=) writes base."""
    __slots__ = ("base", "shape", "strides", "offset", "_op", "key", "ptr")

    def __init__(self, base, shape, strides, offset=0):
        if type(base) is View:
            offset += base.offset
            base = base.base
        src = to_operand(base)
        if src.kind == K_NUMPY:
            raise TypeError("View: a numpy array has views of its own "
                            "(a.swapaxes(-1, -2), np.lib.stride_tricks)")
        if src.ptr is None:
            raise TypeError("View: the base must be an array with memory "
                            "(cffi array, buffer, numpy array), not %s"
                            % type(base).__name__)
        shape, strides = tuple(shape), tuple(strides)
        if len(shape) != len(strides) or any(n < 0 for n in shape):
            raise ValueError("View: shape %s and strides %s do not match"
                             % (shape, strides))
        size = src.itemsize
        total = size
        for n in src.shape:
            total *= n
        lo = hi = offset
        empty = 0 in shape
        for n, s in zip(shape, strides):
            if s < 0:
                lo += (n - 1) * s
            else:
                hi += (n - 1) * s
        if not empty and (lo < 0 or hi + size > total):
            raise ValueError("View: shape %s, strides %s and offset %d "
                             "reach outside the base's %d bytes"
                             % (shape, strides, offset, total))
        self.base, self.shape, self.strides = base, shape, strides
        self.offset = offset
        ptr = src.ptr
        if offset:
            ptr = _cast("char *", ptr) + offset
        self.ptr = ptr          # element [0, ..., 0]
        op = Operand(src.kind, src.type, shape, strides, ptr, self, None,
                     size, src.cname, src.writable)
        self._op = op
        # the fast path's key: a cffi base's ctype and the view's layout
        self.key = (_typeof(base), shape, strides, offset) \
            if src.kind == K_CFFI else None

    @property
    def ndim(self):
        return len(self.shape)

    def operand(self, writable=False, what="operand"):
        """The Operand the driver sees (_core.to_operand)."""
        if writable and not self._op.writable:
            raise ValueError("%s is read-only" % what)
        return self._op

    def values(self):
        """The items as a flat C-order Python list (a copy)."""
        op = self._op
        if 0 in self.shape:
            return []
        p = _cast("char *", op.ptr)
        ct = op.cname + " *"
        offs = [0]
        for n, s in zip(self.shape, self.strides):
            offs = [o + i * s for o in offs for i in range(n)]
        return [_cast(ct, p + o)[0] for o in offs]

    def __repr__(self):
        return "<umath_linalg.View shape=%s strides=%s offset=%d of %r>" % (
            self.shape, self.strides, self.offset, self.base)


def T(a):
    """The matrix transpose of a (its last two axes swapped) without a
    copy: a View of a cffi array, a buffer or a View; for a numpy array
    a.swapaxes(-1, -2) (numpy's own view); for nested lists the transposed
    lists (lists are copied on every call anyway).  T(T(a)) is a's layout.
    ValueError for fewer than two dimensions.

        FT = ul.T(F)                  # once, outside the loop (0.25 us)
        ul.matmul(F, P, out=FP)       # then, per step: F P F^T with no
        ul.matmul(FP, FT, out=FPFT)   # transpose copy (a view of F: it
                                      # sees F's current values)
        ul.solve(ul.T(A), b)          # A^T x = b"""
    np = _numpy()
    if np is not None and isinstance(a, np.ndarray):
        if a.ndim < 2:
            raise ValueError("T: the operand has %d dimension%s, a matrix "
                             "transpose needs 2" % (a.ndim, "" if a.ndim == 1
                                                    else "s"))
        return a.swapaxes(-1, -2)
    if isinstance(a, (list, tuple)):
        return _transpose_lists(a)
    if type(a) is View:
        base, shape, strides, off = a.base, a.shape, a.strides, a.offset
    else:
        op = to_operand(a)
        base, shape, strides, off = a, op.shape, op.strides, 0
    if len(shape) < 2:
        raise ValueError("T: the operand has %d dimension%s, a matrix "
                         "transpose needs 2" % (len(shape), "" if
                                                len(shape) == 1 else "s"))
    return View(base, shape[:-2] + (shape[-1], shape[-2]),
                strides[:-2] + (strides[-1], strides[-2]), off)


def _transpose_lists(a):
    shape = to_operand(a).shape
    if len(shape) < 2:
        raise ValueError("T: the operand has %d dimension%s, a matrix "
                         "transpose needs 2" % (len(shape), "" if
                                                len(shape) == 1 else "s"))

    def swap(x, depth):
        if depth < len(shape) - 2:
            return [swap(v, depth + 1) for v in x]
        if not x:
            return [[] for _ in range(shape[-1])]
        return [list(r) for r in zip(*x)]
    return swap(a, 0)


# ------------------------------------------------------ the view plans
class _ViewPlan(object):
    __slots__ = ("d", "out_ctype", "scalar")

    def __init__(self, d, out_ctype, scalar):
        self.d = d                  # DriverPlan
        self.out_ctype = out_ctype  # new output's cffi type (None: out=)
        self.scalar = scalar        # 0-d result: hand back the item


def _key(x):
    if type(x) is View:
        return x.key
    if isinstance(x, CData):
        return _typeof(x)
    return None


def call(g, args, out):
    """g(*args, out=out) when an operand is a View: through a cached plan
    when every operand is a cffi array or a View of one and the loop takes
    their types exactly; otherwise None (the general path runs it)."""
    key = ()
    for x in args:
        k = _key(x)
        if k is None:
            return None
        key += (k,)
    if out is not None:
        k = _key(out)
        if k is None:
            return None
        key += (k,)
    plans = g.__dict__.setdefault("_view_plans", {})
    p = plans.get(key)
    if p is None:
        p = _make_plan(g, args, out)
        if p is None:
            return None
        if len(plans) > 512:
            plans.clear()
        plans[key] = p
    ptrs = [x.ptr if type(x) is View else x for x in args]
    if out is None:
        o = ffi.new(p.out_ctype)
    else:
        o = out
    ptrs.append(o.ptr if type(o) is View else o)
    st = p.d.run(g._g, ptrs)
    if st:
        g._status(st, ptrs, p.d)
    if out is not None:
        return out
    return o[0] if p.scalar else o


def _make_plan(g, args, out):
    if g.nout != 1:
        return None
    ops = [to_operand(x) for x in args]
    if any(op.kind != K_CFFI or op.open_len for op in ops):
        return None
    k, lin, lout = g.select(tuple(op.type for op in ops))
    if tuple(op.type for op in ops) != tuple(lin):
        return None                         # casts: the general path
    oshape, = g.out_shapes(tuple(op.shape for op in ops))
    if out is None:
        ct = cffi_array_type(CNAMES[lout[0]], oshape or (1,))
        ostrides = _c_strides(oshape, ITEMSIZE[lout[0]])
    else:
        oo = to_operand(out, writable=True, what="out")
        if oo.kind != K_CFFI or oo.open_len or oo.type != lout[0] or \
                tuple(oo.shape) != oshape:
            return None                     # the general path's errors
        ct = None
        ostrides = oo.strides
    d = g._plan(tuple(lin) + (lout[0],),
                tuple(tuple(op.shape) for op in ops) + (oshape,),
                tuple(tuple(op.strides) for op in ops) + (tuple(ostrides),))
    return _ViewPlan(d, ct, not oshape)


_core.View = View
