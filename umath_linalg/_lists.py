"""The nested-list fast path: inv, solve, det, matmul ... of nested lists in
one foreign call and a few list operations.

A repeated call on nested lists of the shapes and value type of an earlier
call runs through the ListPlan the general path recorded then
(Gufunc._remember -> make_plan; the caches are g._list_plans, read by
_fastpath.py's `lists`).  What a call costs, and why it is written so:

- reading the operand (`read`): a 2-d list of rows is flattened with one
  `flat += row` per row; on PyPy the flat list's storage strategy
  (__pypy__.strategy: float, int or int-or-float items) gives numpy's dtype
  without looking at the items.  Anything else (3-d stacks, complex or bool
  items, numpy scalars, ragged lists) takes the item-by-item reading of
  _core (`_list_shape_values`, `_values_type`): same types, same errors.
- the input: the flat list itself is the argument of bridge/ul_build.py's
  ulpy_list2_*/ulpy_list3_* (cffi converts it into a temporary C array for
  the call: a memcpy for a list of floats on PyPy); no input buffer.
- the output: a buffer owned by the plan, taken for the call and given
  back afterwards (a second thread in the same plan at the same time makes
  its own), read back with one ffi.unpack and cut into rows by one
  written-out list of slices.
"""
import sys

from ._core import ffi, lib, _list_shape_values, _values_type, _c_strides, \
    T_DOUBLE, T_INT64
from ._results import nest
from . import _dtypes as _dt

try:
    from __pypy__ import strategy as _strategy
except ImportError:         # CPython: read the items
    _strategy = None

# PyPy list strategies whose items numpy reads as int64 / float64
_STRATEGY_TYPE = {"FloatListStrategy": T_DOUBLE,
                  "IntOrFloatListStrategy": T_DOUBLE,
                  "IntegerListStrategy": T_INT64}

_unpack = ffi.unpack
_from_buffer = ffi.from_buffer

# The one-call entries by loop input type: [nin][type]
_CALLS = {1: {_dt.FLOAT64.num: lib.ulpy_list2_d,
              _dt.FLOAT32.num: lib.ulpy_list2_f},
          2: {_dt.FLOAT64.num: lib.ulpy_list3_d,
              _dt.FLOAT32.num: lib.ulpy_list3_f}}


def read(x):
    """(shape, flat items, numpy's type number) of nested lists x; the
    errors of _core._list_shape_values / _values_type for bad lists."""
    if type(x) is list and x and _strategy is not None:
        r0 = x[0]
        if type(r0) is list:
            m = len(r0)
            flat = []
            for r in x:
                if type(r) is not list or len(r) != m:
                    break
                flat += r
            else:
                t = _STRATEGY_TYPE.get(_strategy(flat))
                if t is not None:
                    return (len(x), m), flat, t
        else:
            t = _STRATEGY_TYPE.get(_strategy(x))
            if t is not None:
                return (len(x),), x, t
    shape, flat = _list_shape_values(x)
    return shape, flat, _values_type(flat)


class ListPlan(object):
    """A DriverPlan (d) for list inputs: `call` the ulpy_list* entry of the
    loop's input type, the output's shape, C pointer type and item count,
    and `spare`, a list of output buffers (typed cffi arrays over
    bytearrays): a call pops one, or makes one if there is none, and
    appends it back once read (pop and append are atomic under the GIL, so
    two threads never share a buffer)."""
    __slots__ = ("call", "plan", "d",
                 "out_shape", "out_ptype", "out_n", "out_nbytes", "spare",
                 "in_ctype", "rows")

    def __init__(self, d, call, out_shape, out_ptype, out_n, out_nbytes,
                 in_ctype):
        self.d = d
        self.in_ctype = in_ctype
        self.call = call
        self.plan = d.plan      # the C plan (ul_plan *) of these shapes
        self.out_shape = out_shape
        self.out_ptype = out_ptype
        self.out_n = out_n
        self.out_nbytes = out_nbytes
        self.spare = []
        self.rows = _row_splitter(out_shape)

    def new_out(self):
        # (a typed from_buffer array keeps its bytearray alive; a cast
        # pointer would not)
        return _from_buffer(self.out_ptype, bytearray(self.out_nbytes),
                            require_writable=True)

    def run_info(self, gptr, ptrs, info):
        return self.d.run_info(gptr, ptrs, info)


def _row_splitter(shape):
    """For a 2-d result of at most 16 rows, a function cutting the flat
    list into its rows with one slice expression per row, written out
    (`[f[0:4], f[4:8], ...]`): a comprehension over a range is a loop of
    its own for PyPy's JIT, which cost a 4x4 inverse 15-20% of its time."""
    if len(shape) != 2 or shape[0] > 16:
        return None
    m = shape[1]
    src = "def rows(f):\n    return [%s]\n" % ", ".join(
        "f[%d:%d]" % (i * m, i * m + m) for i in range(shape[0]))
    ns = {}
    exec(src, ns)
    return ns["rows"]


def make_plan(d, nin, in_types, out_type, out_shape):
    """The ListPlan of DriverPlan d, or None when the loop's input types
    have no one-call entry (complex: the general path)."""
    calls = _CALLS.get(nin, {})
    if in_types[0] not in calls or any(t != in_types[0] for t in in_types):
        return None
    if d.plan is None:
        return None             # (no C plan: the general path's error)
    n = 1
    for k in out_shape:
        n *= k
    if n == 0:
        return None             # (empty results: the general path)
    return ListPlan(d, calls[in_types[0]], out_shape,
                    _dt.BY_NUM[out_type].cname + "[]", n,
                    n * _dt.BY_NUM[out_type].itemsize,
                    _dt.BY_NUM[in_types[0]].cname + "[]")


def _call(p, gptr, status, fa, fb):
    """Run ListPlan p on the flat inputs fa (and fb, or None): its output
    buffer, taken from the plan (the caller gives it back once read)."""
    try:
        o = p.spare.pop()
    except IndexError:
        o = p.new_out()
    if fb is None:
        st = p.call(p.plan, fa, o)
    else:
        st = p.call(p.plan, fa, fb, o)
    if st:
        ins = (fa,) if fb is None else (fa, fb)
        try:
            # (the driver asked again for its message needs C arrays)
            status(st, tuple(ffi.new(p.in_ctype, x or [0]) for x in ins) +
                   (o,), p)
        except BaseException:
            p.spare.append(o)
            raise
    return o


def run(p, gptr, status, fa, fb):
    """Run ListPlan p on the flat inputs fa (and fb, or None); the result
    as nested lists (a scalar for a 0-d result)."""
    o = _call(p, gptr, status, fa, fb)
    shape = p.out_shape
    if not shape:
        v = o[0]
        p.spare.append(o)
        return v
    n = p.out_n
    flat = _unpack(o, n)
    p.spare.append(o)
    rows = p.rows
    if rows is not None:
        return rows(flat)
    if len(shape) == 2:
        m = shape[1]
        return [flat[i:i + m] for i in range(0, n, m)]
    if len(shape) == 1:
        return flat
    return nest(flat, shape)


def run_flat(p, gptr, status, fa, fb):
    """run() with the result as one flat list."""
    o = _call(p, gptr, status, fa, fb)
    flat = _unpack(o, p.out_n)
    p.spare.append(o)
    return flat


def flat_plan(g, loop_type, in_shapes):
    """A ListPlan running gufunc g's loop of type loop_type (float64 or
    float32 for every operand) on flat C-order lists of in_shapes (for
    pypy_compat's flat-list arrays); None when there is no such entry or
    the result is empty.  Shape errors: the driver's, as ValueError."""
    out_shape, = g.out_shapes(tuple(in_shapes))
    shapes = tuple(in_shapes) + (out_shape,)
    size = _dt.BY_NUM[loop_type].itemsize
    strides = tuple(_c_strides(s, size) for s in shapes)
    d = g._plan((loop_type,) * len(shapes), shapes, strides)
    return make_plan(d, len(in_shapes), (loop_type,) * len(in_shapes),
                     loop_type, out_shape)

