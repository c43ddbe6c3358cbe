"""The fast path: the one implementation every gufunc object runs.

A repeated call whose operands have the types, shapes and strides of an
earlier call (cffi arrays, C-contiguous numpy arrays, or nested lists
without out=) runs through the FastPlan the general path recorded then:
one dict lookup, the outputs allocated, one C call (cffi and numpy
operands: ulpy_runN on the plan's prepared C ul_plan, which validates
nothing again; nested lists: the driver).  Gufunc.__call__,
Gufunc.try_fast, umath_linalg.inv/det and pypy_compat.linalg's functions
all go through fast_path(g); nothing else reads the plan caches.  (For one
input and one output, fast_path puts a branch-free copy of the cffi, numpy
and list cases in front: see its docstring; a test checks the two agree.)

The caches of a Gufunc g (filled by Gufunc._remember, read only here):
  g._cffi_plans      {input key: FastPlan}                 (no out=)
  g._cffi_out_plans  {input key: {out ctype: DriverPlan}}  (out= one array)
  g._np_plans        {input key: FastPlan}
  g._np_out_plans    {input key + out key: DriverPlan}
  g._list_plans      {input key: FastPlan}                 (no out=)
An input key is the ctype (cffi), (dtype, shape, strides) (numpy) or
(shape, value type) (lists) of the input, concatenated over two inputs.
Gufuncs of more than two inputs always take the general path.
"""
import sys

from ._core import ffi, CData, _numpy
from ._results import nest, _empty_nest
from ._lists import read as read_list, run as run_list

MISS = object()     # try_fast: no cached plan applies, nothing was done

# numpy's ndarray type and np.empty once numpy has been seen (never imported
# here: on PyPy `import numpy` fails, on CPython it is the caller's choice).
_ND = [None, None]


def note_numpy():
    """Pick up numpy's ndarray type if the caller has imported numpy."""
    np = _numpy()
    if np is not None and _ND[0] is None:
        try:
            _ND[1] = np.empty
            _ND[0] = np.ndarray
        except AttributeError:
            pass
    return _ND[0]


_from_buffer = ffi.from_buffer
if hasattr(sys, "pypy_version_info"):
    def new_out(ct, nbytes):
        """A new cffi array of type ct for an output.  On PyPy a bytearray
        seen as ct is cheaper than ffi.new (GC memory, no raw malloc)."""
        return _from_buffer(ct, bytearray(nbytes), require_writable=True)
else:
    # Outputs are written in full by the driver before anyone sees them.
    _new_noclear = ffi.new_allocator(should_clear_after_alloc=False)

    def new_out(ct, nbytes):
        """A new cffi array of type ct for an output (ffi.new, uncleared)."""
        return _new_noclear(ct)


def fast_path(g, fallback, specialize=True):
    """g's fast path as a function entry(a, out=None): operands with a
    cached plan run in one C call; any others go to fallback(a, out).

    For a one-input gufunc `a` is the operand (the function can be what
    umath_linalg.inv is, with no wrapper around it); for two inputs it is
    the tuple (a, b).  Gufuncs of more inputs have no fast path (entry is
    fallback).  The function holds g's caches, row pointer and status
    handler, not g itself: g keeps it as an attribute without a reference
    cycle.

    One input and one output (inv, det) get `one` in front of `entry`:
    the same cffi, numpy and list cases without the arity branches, which
    cost CPython 4-8% of such a call (specialize=False: entry alone, for
    the test that the two agree)."""
    nin = g.nin
    if nin > 2:
        return fallback
    two = nin == 2
    one_out = g.nout == 1
    cffi_plans = g._cffi_plans
    cffi_out_plans = g._cffi_out_plans
    np_plans = g._np_plans
    np_out_plans = g._np_out_plans
    list_plans = g._list_plans
    gptr = g._g
    status = g._status
    # Names bound here, and the rare paths (several outputs, lists) in
    # their own functions: on CPython entry's frame size is per-call cost.
    nd = _ND
    isinst = isinstance
    typeof = ffi.typeof
    from_buffer = _from_buffer
    new = new_out
    cast = ffi.cast

    def several(p, ins, ndarrays):
        """Run a plan of several outputs without out= (ins: the input
        arrays); the results as a tuple."""
        if ndarrays:
            empty = nd[1]
            outs = [empty(s, dt) for s, dt in zip(p.out_shapes, p.out_dtypes)]
            ptrs = [from_buffer(x) for x in ins + tuple(outs)]
        else:
            outs = [new(ct, nb) for ct, nb in zip(p.out_ctypes, p.out_nbytes)]
            ptrs = list(ins) + outs
        fn = p.prun
        st = fn(p.plan, *ptrs)
        if st:
            status(st, ptrs, p)
        if ndarrays:
            return tuple([o[()] if sc else o for o, sc in zip(outs, p.scalar)])
        return tuple([o[0] if sc else o for o, sc in zip(outs, p.scalar)])

    last = [((), None)]     # lists: (key, plan) of the last list plan used

    def lists(a, b):
        """Nested-list inputs without out= (_lists.py; a rare path: its own
        frame keeps entry's small).  The last plan used is tried before the
        dict: hashing a key of nested tuples costs PyPy more than reading a
        4x4 list."""
        shape, fa, t = read_list(a)
        lk, lp = last[0]    # (one tuple: threads see a key with its plan)
        if not two:
            fb = None
            if len(lk) == 2 and lk[0] == shape and lk[1] == t:
                return run_list(lp, gptr, status, fa, None)
            key = (shape, t)
        elif type(b) is list:
            shape_b, fb, t_b = read_list(b)
            if len(lk) == 4 and lk[0] == shape and lk[1] == t and \
                    lk[2] == shape_b and lk[3] == t_b:
                return run_list(lp, gptr, status, fa, fb)
            key = (shape, t, shape_b, t_b)
        else:
            return MISS
        p = list_plans.get(key)
        if p is None:
            return MISS
        last[0] = (key, p)
        return run_list(p, gptr, status, fa, fb)

    def entry(a, out=None):
        if two:
            args = a
            a, b = args
        if isinst(a, CData):
            if not two:
                key = typeof(a)
            elif isinst(b, CData):
                key = (typeof(a), typeof(b))
            else:
                return fallback(args if two else a, out)
            if out is None:
                p = cffi_plans.get(key)
                if p is not None:
                    if not one_out:
                        return several(p, (a, b) if two else (a,), False)
                    o = new(p.out_ctypes[0], p.out_nbytes[0])
                    fn = p.prun
                    if two:
                        st = fn(p.plan, a, b, o)
                    else:
                        st = fn(p.plan, a, o)
                    if st:
                        status(st, (a, b, o) if two else (a, o), p)
                    return o[0] if p.scalar[0] else o
            elif isinst(out, CData):
                d = cffi_out_plans.get(key)
                if d is not None:
                    p = d.get(typeof(out))
                    if p is not None:
                        fn = p.prun
                        if two:
                            st = fn(p.plan, a, b, out)
                        else:
                            st = fn(p.plan, a, out)
                        if st:
                            status(st, (a, b, out) if two else (a, out), p)
                        return out
            return fallback(args if two else a, out)
        if type(a) is nd[0]:    # (None until numpy is seen: never a type)
            if not two:
                key = (a.dtype, a.shape, a.strides)
            elif type(b) is nd[0]:
                key = (a.dtype, a.shape, a.strides, b.dtype, b.shape,
                       b.strides)
            else:
                return fallback(args if two else a, out)
            if out is None:
                p = np_plans.get(key)
                if p is not None:
                    if not one_out:
                        return several(p, (a, b) if two else (a,), True)
                    o = nd[1](p.out_shapes[0], p.out_dtypes[0])
                    pa = from_buffer(a)
                    po = from_buffer(o)
                    fn = p.prun
                    if two:
                        pb = from_buffer(b)
                        st = fn(p.plan, pa, pb, po)
                    else:
                        st = fn(p.plan, pa, po)
                    if st:
                        status(st, (pa, pb, po) if two else (pa, po), p)
                    return o[()] if p.scalar[0] else o
            elif type(out) is nd[0]:
                p = np_out_plans.get(key + (out.dtype, out.shape,
                                            out.strides))
                if p is not None:
                    try:
                        po = from_buffer(out, require_writable=True)
                    except (BufferError, ValueError, TypeError):
                        # read-only now: the general path says so
                        return fallback(args if two else a, out)
                    pa = from_buffer(a)
                    fn = p.prun
                    if two:
                        pb = from_buffer(b)
                        st = fn(p.plan, pa, pb, po)
                    else:
                        st = fn(p.plan, pa, po)
                    if st:
                        status(st, (pa, pb, po) if two else (pa, po), p)
                    return out
            return fallback(args if two else a, out)
        if type(a) is list and out is None and list_plans:
            r = lists(a, b if two else None)
            if r is not MISS:
                return r
        return fallback(args if two else a, out)

    if not (specialize and not two and one_out):
        return entry

    def one(a, out=None):
        # entry's one-input one-output cffi, numpy and list cases, line for
        # line; anything else goes to entry.
        if isinst(a, CData):
            if out is None:
                p = cffi_plans.get(typeof(a))
                if p is not None:
                    o = new(p.out_ctypes[0], p.out_nbytes[0])
                    fn = p.prun
                    st = fn(p.plan, a, o)
                    if st:
                        status(st, (a, o), p)
                    return o[0] if p.scalar[0] else o
            elif isinst(out, CData):
                d = cffi_out_plans.get(typeof(a))
                if d is not None:
                    p = d.get(typeof(out))
                    if p is not None:
                        fn = p.prun
                        st = fn(p.plan, a, out)
                        if st:
                            status(st, (a, out), p)
                        return out
        elif type(a) is nd[0]:
            if out is None:
                p = np_plans.get((a.dtype, a.shape, a.strides))
                if p is not None:
                    o = nd[1](p.out_shapes[0], p.out_dtypes[0])
                    pa = from_buffer(a)
                    po = from_buffer(o)
                    fn = p.prun
                    st = fn(p.plan, pa, po)
                    if st:
                        status(st, (pa, po), p)
                    return o[()] if p.scalar[0] else o
            elif type(out) is nd[0]:
                p = np_out_plans.get((a.dtype, a.shape, a.strides, out.dtype,
                                      out.shape, out.strides))
                if p is not None:
                    try:
                        po = from_buffer(out, require_writable=True)
                    except (BufferError, ValueError, TypeError):
                        return fallback(a, out)
                    pa = from_buffer(a)
                    fn = p.prun
                    st = fn(p.plan, pa, po)
                    if st:
                        status(st, (pa, po), p)
                    return out
        elif type(a) is list and out is None and list_plans:
            r = lists(a, None)
            return fallback(a, out) if r is MISS else r
        return entry(a, out)

    return one


def miss(a, out):
    """The fallback of a fast path that only tries (Gufunc.try_fast)."""
    return MISS


def make_fast11(g, doc=None, name=None, fallback=None):
    """A plain function f(a, out=None) for a one-input gufunc g: g's fast
    path, then fallback(a, out) (default: g's general path).  This is what
    umath_linalg.inv and det are."""
    if fallback is None:
        call = g.call

        def fallback(a, out):
            return call((a,), out)
    f = fast_path(g, fallback)
    f.gufunc = g        # (umath_linalg.plan finds the row through it)
    f.__name__ = name or g.name
    f.__qualname__ = f.__name__
    f.__doc__ = doc or g.__doc__
    return f
